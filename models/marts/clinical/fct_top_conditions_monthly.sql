-- The ten most frequent primary diagnoses of each department and month.
{% set top_n = 10 %}

with

diagnoses as (
    select * from {{ ref('stg_ehp__diag') }}
),

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

departments as (
    select * from {{ ref('stg_ehp__dpmt') }}
),

primary_diagnoses as (
    select
        visits.department_id,
        visits.patient_id,
        diagnoses.visit_id,
        diagnoses.icd10_code,
        diagnoses.diagnosis_description,
        cast(
            {{ dbt.date_trunc('month', 'diagnoses.diagnosis_date') }} as date
        ) as month_start_date
    from diagnoses
    inner join visits
        on diagnoses.visit_id = visits.visit_id
    where diagnoses.diagnosis_type = 'primary'
),

conditions_by_month as (
    select
        month_start_date,
        department_id,
        icd10_code,
        min(diagnosis_description) as diagnosis_description,
        count(distinct visit_id) as visit_count,
        count(distinct patient_id) as patient_count
    from primary_diagnoses
    group by month_start_date, department_id, icd10_code
),

conditions_ranked as (
    select
        *,
        row_number() over (
            partition by month_start_date, department_id
            order by visit_count desc, icd10_code asc
        ) as condition_rank
    from conditions_by_month
),

final as (
    select
        conditions_ranked.month_start_date,
        conditions_ranked.department_id,
        departments.department_name,
        cast(
            conditions_ranked.condition_rank as {{ dbt.type_bigint() }}
        ) as condition_rank,
        conditions_ranked.icd10_code,
        conditions_ranked.diagnosis_description,
        cast(
            conditions_ranked.visit_count as {{ dbt.type_bigint() }}
        ) as visit_count,
        cast(
            conditions_ranked.patient_count as {{ dbt.type_bigint() }}
        ) as patient_count
    from conditions_ranked
    inner join departments
        on conditions_ranked.department_id = departments.department_id
    where conditions_ranked.condition_rank <= {{ top_n }}
)

select * from final
