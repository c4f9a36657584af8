with

patient_conditions as (
    select * from {{ ref('int_patient_conditions_coded') }}
),

final as (
    select
        patient_id,
        condition_key,
        condition_name,
        condition_icd10_prefixes,
        icd10_code,
        icd10_code_count,
        first_coded_date,
        last_coded_date,
        coded_visit_count
    from patient_conditions
)

select * from final
