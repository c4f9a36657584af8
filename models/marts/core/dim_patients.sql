with

patients as (
    select * from {{ ref('stg_ehp__patn') }}
),

policies as (
    select * from {{ ref('int_insurance_policies_ranked') }}
),

patient_allergies as (
    select * from {{ ref('stg_ehp__ptal') }}
),

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

extract_dates as (
    select * from {{ ref('int_extract_dates_derived') }}
),

current_payers as (
    select
        patient_id,
        payer_type,
        payer_name
    from policies
    where current_primary_rank = 1
),

insured_patients as (
    select distinct patient_id
    from policies
),

allergies_by_patient as (
    select
        patient_id,
        count(*) as allergy_count,
        cast(
            sum(case when allergy_status = 'active' then 1 else 0 end)
            as {{ dbt.type_bigint() }}
        ) as active_allergy_count
    from patient_allergies
    group by patient_id
),

visits_by_patient as (
    select
        patient_id,
        count(*) as visit_count,
        min(admitted_at) as first_visit_at,
        max(admitted_at) as last_visit_at
    from visits
    group by patient_id
),

patient_ages as (
    select
        patients.patient_id,
        {{ age_in_years(
            'patients.birth_date',
            'coalesce(patients.death_date, extract_dates.as_of_date)'
        ) }} as age_years
    from patients
    cross join extract_dates
),

final as (
    select
        patients.patient_id,
        patients.medical_record_number,
        patients.first_name,
        patients.last_name,
        patients.sex,
        patients.birth_date,
        patients.mother_patient_id,
        patients.mother_patient_id is not null as is_born_in_hospital,
        patient_ages.age_years,
        case
            when patient_ages.age_years < 18 then '0-17'
            when patient_ages.age_years < 45 then '18-44'
            when patient_ages.age_years < 65 then '45-64'
            else '65+'
        end as age_band,
        patients.city,
        patients.state_code,
        patients.zip_code,
        patients.marital_status,
        patients.blood_type,
        patients.preferred_language,
        patients.registration_date,
        patients.death_date,
        patients.death_date is not null as is_deceased,
        patients.is_active,
        case
            when current_payers.payer_type is not null
                then current_payers.payer_type
            when insured_patients.patient_id is null then 'self-pay'
            else 'no current coverage'
        end as current_payer_type,
        current_payers.payer_name as current_payer_name,
        coalesce(allergies_by_patient.allergy_count, 0) as allergy_count,
        coalesce(
            allergies_by_patient.active_allergy_count, 0
        ) as active_allergy_count,
        coalesce(visits_by_patient.visit_count, 0) as visit_count,
        visits_by_patient.first_visit_at,
        visits_by_patient.last_visit_at
    from patients
    inner join patient_ages
        on patients.patient_id = patient_ages.patient_id
    left join current_payers
        on patients.patient_id = current_payers.patient_id
    left join insured_patients
        on patients.patient_id = insured_patients.patient_id
    left join allergies_by_patient
        on patients.patient_id = allergies_by_patient.patient_id
    left join visits_by_patient
        on patients.patient_id = visits_by_patient.patient_id
)

select * from final
