-- Is there a winter peak? Primary diagnoses in ICD-10-CM chapter J
-- (diseases of the respiratory system) by month, against all primary ones.
with

diagnoses as (
    select * from {{ ref('fct_diagnoses') }}
),

final as (
    select
        cast(
            {{ dbt.date_trunc('month', 'diagnosis_date') }} as date
        ) as month_start_date,
        count(*) as primary_diagnoses,
        sum(
            case when icd10_code like 'J%' then 1 else 0 end
        ) as respiratory_diagnoses,
        round(
            avg(case when icd10_code like 'J%' then 1.0 else 0 end), 3
        ) as respiratory_share
    from diagnoses
    where is_primary
    group by cast({{ dbt.date_trunc('month', 'diagnosis_date') }} as date)
)

select * from final
order by month_start_date
