-- docs/data_model.md invariant 7: each visit has exactly one primary diagnosis.
-- Returns the visits with none or with several.
with

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

diagnoses as (
    select * from {{ ref('stg_ehp__diag') }}
),

primary_diagnoses_per_visit as (
    select
        visit_id,
        count(*) as primary_diagnosis_count
    from diagnoses
    where diagnosis_type = 'primary'
    group by visit_id
),

final as (
    select
        visits.visit_id,
        visits.visit_type,
        coalesce(
            primary_diagnoses_per_visit.primary_diagnosis_count, 0
        ) as primary_diagnosis_count
    from visits
    left join primary_diagnoses_per_visit
        on visits.visit_id = primary_diagnoses_per_visit.visit_id
    where
        coalesce(primary_diagnoses_per_visit.primary_diagnosis_count, 0) != 1
)

select * from final
