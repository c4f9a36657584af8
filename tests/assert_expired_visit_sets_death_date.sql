-- docs/data_model.md invariant 3: a visit whose disposition is "expired" sets
-- the patient's death date to its discharge date. Returns the expired visits
-- whose patient has no death date, or another one.
with

patients as (
    select * from {{ ref('stg_ehp__patn') }}
),

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

expired_visits as (
    select
        visits.visit_id,
        visits.patient_id,
        visits.discharged_at,
        patients.death_date
    from visits
    inner join patients
        on visits.patient_id = patients.patient_id
    where visits.discharge_disposition = 'expired'
),

final as (
    select *
    from expired_visits
    where
        death_date is null
        or discharged_at is null
        or death_date != cast(discharged_at as date)
)

select * from final
