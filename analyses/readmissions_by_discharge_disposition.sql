-- Which discharges come back? 30-day readmission rate of the index stays
-- by where the patient went on discharge.
with

visits as (
    select * from {{ ref('fct_visits') }}
),

final as (
    select
        discharge_disposition,
        count(*) as index_stays,
        sum(
            case when is_readmitted_within_30_days then 1 else 0 end
        ) as readmitted_stays,
        round(
            avg(case when is_readmitted_within_30_days then 1.0 else 0 end),
            3
        ) as readmission_rate
    from visits
    where is_readmission_index_stay
    group by discharge_disposition
)

select * from final
order by index_stays desc
