-- One census night per day a bedded patient is in house at midnight: from
-- the admission date up to the day before discharge, or through the as-of
-- date for patients not yet discharged. Inpatient and observation stays
-- occupy beds; emergency and clinic visits do not stay overnight.
with

visits as (
    select * from {{ ref('int_visits_measured') }}
),

dates as (
    select * from {{ ref('int_dates_spined') }}
),

bedded_stays as (
    select
        visit_id,
        patient_id,
        department_id,
        room_id,
        visit_type,
        admitted_date,
        discharged_date
    from visits
    where visit_type in ('inpatient', 'observation')
),

final as (
    select
        bedded_stays.visit_id,
        dates.date_day as census_date,
        bedded_stays.patient_id,
        bedded_stays.department_id,
        bedded_stays.room_id,
        bedded_stays.visit_type
    from bedded_stays
    inner join dates
        on
            bedded_stays.admitted_date <= dates.date_day
            and (
                bedded_stays.discharged_date > dates.date_day
                or (
                    bedded_stays.discharged_date is null
                    and dates.date_day <= dates.as_of_date
                )
            )
)

select * from final
