with

diagnoses as (
    select * from {{ ref('stg_ehp__diag') }}
),

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

final as (
    select
        diagnoses.diagnosis_id,
        diagnoses.visit_id,
        visits.patient_id,
        visits.department_id,
        diagnoses.diagnosed_by_staff_id,
        visits.visit_type,
        diagnoses.icd10_code,
        substring(diagnoses.icd10_code, 1, 3) as icd10_category_code,
        diagnoses.diagnosis_description,
        diagnoses.diagnosis_type,
        diagnoses.diagnosis_type = 'primary' as is_primary,
        diagnoses.sequence_number,
        diagnoses.present_on_admission,
        diagnoses.diagnosis_date
    from diagnoses
    inner join visits
        on diagnoses.visit_id = visits.visit_id
)

select * from final
