-- docs/data_model.md invariant 7: diagnosis codes fit the patient. Pregnancy
-- codes (ICD-10-CM chapter O, Z33, Z34, Z3A) only for females aged 12-55,
-- prostate codes (N40-N42, C61) only for males, perinatal codes (chapter P)
-- and liveborn-infant codes (Z38, the newborns' birth stays) only for infants
-- under one year, ages taken on the day of admission.
-- Returns the diagnoses that do not fit.
with

patients as (
    select * from {{ ref('stg_ehp__patn') }}
),

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

diagnoses as (
    select * from {{ ref('stg_ehp__diag') }}
),

diagnosed_patients as (
    select
        diagnoses.diagnosis_id,
        diagnoses.icd10_code,
        patients.patient_id,
        patients.sex,
        patients.birth_date,
        cast(visits.admitted_at as date) as admitted_date,
        upper(substring(diagnoses.icd10_code, 1, 3)) as icd10_category
    from diagnoses
    inner join visits
        on diagnoses.visit_id = visits.visit_id
    inner join patients
        on visits.patient_id = patients.patient_id
),

classified as (
    select
        *,
        icd10_category like 'O%'
        or icd10_category in ('Z33', 'Z34', 'Z3A') as is_pregnancy_code,
        icd10_category in ('N40', 'N41', 'N42', 'C61') as is_prostate_code,
        icd10_category like 'P%' or icd10_category = 'Z38' as is_perinatal_code,
        -- whole years: the birthday must have come by the admission day
        admitted_date
        >= {{ dbt.dateadd('year', 12, 'birth_date') }} as is_at_least_12,
        admitted_date
        >= {{ dbt.dateadd('year', 56, 'birth_date') }} as is_at_least_56,
        admitted_date
        >= {{ dbt.dateadd('year', 1, 'birth_date') }} as is_at_least_1
    from diagnosed_patients
),

final as (
    select
        diagnosis_id,
        icd10_code,
        patient_id,
        sex,
        birth_date,
        admitted_date
    from classified
    where
        (
            is_pregnancy_code
            and (sex != 'female' or not is_at_least_12 or is_at_least_56)
        )
        or (is_prostate_code and sex != 'male')
        or (is_perinatal_code and is_at_least_1)
)

select * from final
