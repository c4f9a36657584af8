with

treatments as (
    select * from {{ ref('stg_ehp__trtm') }}
),

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

final as (
    select
        treatments.treatment_id,
        treatments.visit_id,
        treatments.diagnosis_id,
        visits.patient_id,
        visits.department_id,
        treatments.performed_by_staff_id,
        treatments.room_id,
        treatments.treatment_code,
        treatments.treatment_description,
        treatments.treatment_type,
        treatments.outcome,
        treatments.started_at,
        treatments.ended_at,
        {{ ehp_datediff(
            'treatments.started_at', 'treatments.ended_at', 'minute'
        ) }} as duration_minutes,
        treatments.charge_amount
    from treatments
    inner join visits
        on treatments.visit_id = visits.visit_id
)

select * from final
