-- Exercise 7: the 30-day readmission rate, rebuilt from the staging visits with
-- a window function: of the discharged inpatient stays that can be index stays
-- (alive, not transferred or gone against advice, discharged 30 days or more
-- before the as-of date), the share followed by another inpatient admission of
-- the same patient within 30 days of discharge. It must equal the mart's rate.
with

inpatient_stays as (
    select
        patient_id,
        visit_id,
        admitted_at,
        discharged_at,
        discharge_disposition,
        lead(admitted_at) over (
            partition by patient_id order by admitted_at, visit_id
        ) as next_admitted_at
    from staging.stg_ehp__vist
    where visit_type = 'inpatient'
),

as_of as (
    select max(as_of_date) as as_of_date from intermediate.int_extract_dates_derived
),

index_stays as (
    select inpatient_stays.*
    from inpatient_stays
    cross join as_of
    where
        discharged_at is not null
        and discharge_disposition
        not in ('expired', 'transfer', 'left against medical advice')
        and cast(discharged_at as date) <= as_of.as_of_date - 30
)

select
    count(*) as index_stays,
    round(
        avg(
            case
                when
                    next_admitted_at > discharged_at
                    and cast(next_admitted_at as date)
                    <= cast(discharged_at as date) + 30
                    then 1.0
                else 0
            end
        ),
        4
    ) as readmission_rate_30_day,
    (
        select
            round(
                avg(case when is_readmitted_within_30_days then 1.0 else 0 end),
                4
            )
        from marts.fct_visits
        where is_readmission_index_stay
    ) as mart_readmission_rate_30_day
from index_stays
