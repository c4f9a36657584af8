-- docs/data_model.md invariant 2: one visit per completed appointment, none for
-- the others. Returns the appointments whose number of visits is wrong.
with

appointments as (
    select * from {{ ref('stg_ehp__appt') }}
),

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

visits_per_appointment as (
    select
        appointment_id,
        count(*) as visit_count
    from visits
    where appointment_id is not null
    group by appointment_id
),

appointment_visits as (
    select
        appointments.appointment_id,
        appointments.appointment_status,
        coalesce(visits_per_appointment.visit_count, 0) as visit_count
    from appointments
    left join visits_per_appointment
        on appointments.appointment_id = visits_per_appointment.appointment_id
),

final as (
    select *
    from appointment_visits
    where
        (appointment_status = 'completed' and visit_count != 1)
        or (appointment_status != 'completed' and visit_count != 0)
)

select * from final
