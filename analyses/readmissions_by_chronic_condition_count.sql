-- Do patients with more chronic conditions come back more? 30-day
-- readmission rate of the index stays (fct_visits' definition) by the
-- number of the patient's chronic conditions (fct_patient_conditions)
-- coded on or before the stay's discharge; four or more are grouped.
with

visits as (
    select * from {{ ref('fct_visits') }}
),

patient_conditions as (
    select * from {{ ref('fct_patient_conditions') }}
),

index_stays as (
    select
        visits.visit_id,
        visits.is_readmitted_within_30_days,
        count(patient_conditions.condition_key) as chronic_condition_count
    from visits
    left join patient_conditions
        on
            visits.patient_id = patient_conditions.patient_id
            and visits.discharged_date >= patient_conditions.first_coded_date
    where visits.is_readmission_index_stay
    group by visits.visit_id, visits.is_readmitted_within_30_days
),

final as (
    select
        case
            when chronic_condition_count >= 4 then '4+'
            else cast(chronic_condition_count as {{ dbt.type_string() }})
        end as chronic_conditions,
        count(*) as index_stays,
        sum(
            case when is_readmitted_within_30_days then 1 else 0 end
        ) as readmitted_stays,
        round(
            avg(case when is_readmitted_within_30_days then 1.0 else 0 end),
            3
        ) as readmission_rate
    from index_stays
    group by
        case
            when chronic_condition_count >= 4 then '4+'
            else cast(chronic_condition_count as {{ dbt.type_string() }})
        end
)

select * from final
order by chronic_conditions
