-- docs/data_model.md invariant 5: staff act only while employed, from the hire
-- date to the termination date (if any). Returns every act of a staff
-- member dated outside that span, whatever the role in which they acted.
with

staff as (
    select * from {{ ref('stg_ehp__stff') }}
),

appointments as (
    select * from {{ ref('stg_ehp__appt') }}
),

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

diagnoses as (
    select * from {{ ref('stg_ehp__diag') }}
),

treatments as (
    select * from {{ ref('stg_ehp__trtm') }}
),

team_assignments as (
    select * from {{ ref('stg_ehp__medt') }}
),

medicine_administrations as (
    select * from {{ ref('stg_ehp__tmmd') }}
),

patient_allergies as (
    select * from {{ ref('stg_ehp__ptal') }}
),

inventory as (
    select * from {{ ref('stg_ehp__invn') }}
),

staff_acts as (
    -- a cancelled appointment never took place
    select
        provider_staff_id as staff_id,
        'appointment provider' as act_name,
        appointment_id as record_id,
        scheduled_date as act_date
    from appointments
    where appointment_status != 'cancelled'

    union all

    select
        attending_staff_id as staff_id,
        'visit attending' as act_name,
        visit_id as record_id,
        cast(admitted_at as date) as act_date
    from visits

    union all

    select
        diagnosed_by_staff_id as staff_id,
        'diagnosing clinician' as act_name,
        diagnosis_id as record_id,
        diagnosis_date as act_date
    from diagnoses

    union all

    select
        performed_by_staff_id as staff_id,
        'treatment performer' as act_name,
        treatment_id as record_id,
        cast(started_at as date) as act_date
    from treatments

    union all

    select
        staff_id,
        'team member assigned' as act_name,
        team_assignment_id as record_id,
        cast(assigned_at as date) as act_date
    from team_assignments

    union all

    select
        staff_id,
        'team member released' as act_name,
        team_assignment_id as record_id,
        cast(released_at as date) as act_date
    from team_assignments
    where released_at is not null

    union all

    select
        ordered_by_staff_id as staff_id,
        'dose orderer' as act_name,
        medicine_administration_id as record_id,
        cast(administered_at as date) as act_date
    from medicine_administrations

    union all

    select
        administered_by_staff_id as staff_id,
        'dose administrator' as act_name,
        medicine_administration_id as record_id,
        cast(administered_at as date) as act_date
    from medicine_administrations

    union all

    select
        recorded_by_staff_id as staff_id,
        'allergy recorder' as act_name,
        patient_allergy_id as record_id,
        recorded_date as act_date
    from patient_allergies

    union all

    select
        verified_by_staff_id as staff_id,
        'inventory verifier' as act_name,
        inventory_id as record_id,
        cast(verified_at as date) as act_date
    from inventory
    where verified_by_staff_id is not null
),

final as (
    select
        staff_acts.*,
        staff.hire_date,
        staff.termination_date
    from staff_acts
    inner join staff
        on staff_acts.staff_id = staff.staff_id
    where
        staff_acts.act_date < staff.hire_date
        or staff_acts.act_date > staff.termination_date
)

select * from final
