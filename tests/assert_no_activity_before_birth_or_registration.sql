-- docs/data_model.md invariant 3: nothing happens before the patient's birth or
-- registration. Returns the bookings, visits and allergy records dated
-- before either.
with

patients as (
    select * from {{ ref('stg_ehp__patn') }}
),

appointments as (
    select * from {{ ref('stg_ehp__appt') }}
),

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

patient_allergies as (
    select * from {{ ref('stg_ehp__ptal') }}
),

patient_events as (
    select
        patient_id,
        'appointment booked' as event_name,
        appointment_id as event_id,
        cast(booked_at as date) as event_date
    from appointments

    union all

    select
        patient_id,
        'visit admitted' as event_name,
        visit_id as event_id,
        cast(admitted_at as date) as event_date
    from visits

    union all

    select
        patient_id,
        'allergy recorded' as event_name,
        patient_allergy_id as event_id,
        recorded_date as event_date
    from patient_allergies
),

final as (
    select
        patient_events.*,
        patients.birth_date,
        patients.registration_date
    from patient_events
    inner join patients
        on patient_events.patient_id = patients.patient_id
    where
        patient_events.event_date < patients.birth_date
        or patient_events.event_date < patients.registration_date
)

select * from final
