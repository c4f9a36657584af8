-- Each patient's chronic conditions as their record codes them: one row per
-- patient and chronic condition of the data model (the twelve of
-- macros/chronic_conditions.sql, the generator's list) coded on at least one
-- of the patient's visits, as any diagnosis type. The code kept is the first
-- one coded (the generator gives each patient one code per condition).
with

diagnoses as (
    select * from {{ ref('stg_ehp__diag') }}
),

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

chronic_categories as (
    {{ ehp_chronic_condition_rows() }}
),

chronic_diagnoses as (
    select
        visits.patient_id,
        chronic_categories.condition_key,
        chronic_categories.condition_name,
        chronic_categories.condition_icd10_prefixes,
        diagnoses.visit_id,
        diagnoses.icd10_code,
        diagnoses.diagnosis_date
    from diagnoses
    inner join visits
        on diagnoses.visit_id = visits.visit_id
    inner join chronic_categories
        on
            substring(diagnoses.icd10_code, 1, 3)
            = chronic_categories.icd10_category_code
),

first_codes as (
    select
        patient_id,
        condition_key,
        icd10_code,
        row_number() over (
            partition by patient_id, condition_key
            order by diagnosis_date, icd10_code
        ) as code_order
    from chronic_diagnoses
),

conditions_aggregated as (
    select
        patient_id,
        condition_key,
        condition_name,
        condition_icd10_prefixes,
        min(diagnosis_date) as first_coded_date,
        max(diagnosis_date) as last_coded_date,
        count(distinct visit_id) as coded_visit_count,
        count(distinct icd10_code) as icd10_code_count
    from chronic_diagnoses
    group by
        patient_id,
        condition_key,
        condition_name,
        condition_icd10_prefixes
),

final as (
    select
        conditions_aggregated.patient_id,
        conditions_aggregated.condition_key,
        conditions_aggregated.condition_name,
        conditions_aggregated.condition_icd10_prefixes,
        first_codes.icd10_code,
        conditions_aggregated.icd10_code_count,
        conditions_aggregated.first_coded_date,
        conditions_aggregated.last_coded_date,
        conditions_aggregated.coded_visit_count
    from conditions_aggregated
    inner join first_codes
        on
            conditions_aggregated.patient_id = first_codes.patient_id
            and conditions_aggregated.condition_key = first_codes.condition_key
            and first_codes.code_order = 1
)

select * from final
