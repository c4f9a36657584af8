-- When does the emergency department get busy? Arrivals by day of week and
-- hour of day (docs/data_model.md: busiest late morning and evening).
with

visits as (
    select * from {{ ref('fct_visits') }}
),

dates as (
    select * from {{ ref('dim_dates') }}
),

final as (
    select
        dates.day_of_week_number,
        dates.day_of_week_name,
        extract(hour from visits.admitted_at) as arrival_hour,
        count(*) as arrivals
    from visits
    inner join dates
        on visits.admitted_date = dates.date_day
    where visits.visit_type = 'emergency'
    group by
        dates.day_of_week_number,
        dates.day_of_week_name,
        extract(hour from visits.admitted_at)
)

select * from final
order by day_of_week_number, arrival_hour
