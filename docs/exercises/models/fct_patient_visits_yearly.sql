-- Exercise 9: a mart model, one row per patient and year with at least one
-- visit: visits, emergency visits and inpatient stays of the year.
{{ config(materialized='table', schema='exercises') }}

with

visits as (
    select * from {{ ref('fct_visits') }}
),

final as (
    select
        patient_id,
        cast(extract(year from admitted_at) as integer) as visit_year,
        count(*) as visit_count,
        count(*) filter (where visit_type = 'emergency') as emergency_visit_count,
        count(*) filter (where is_inpatient) as inpatient_stay_count
    from visits
    group by patient_id, visit_year
)

select * from final
