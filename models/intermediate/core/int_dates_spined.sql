-- Every calendar day from the first of January of the window's first year
-- through a year after the as-of date, so future bookings and due dates
-- still find their day.
with

extract_dates as (
    select * from {{ ref('int_extract_dates_derived') }}
),

spine_bounds as (
    select
        cast(
            {{ dbt.date_trunc('year', 'window_start_date') }} as date
        ) as first_date,
        cast({{ dbt.dateadd('day', 365, 'as_of_date') }} as date) as last_date
    from extract_dates
),

days as (
    {{ date_spine(
        '(select first_date from spine_bounds)',
        '(select last_date from spine_bounds)'
    ) }}
),

final as (
    select
        days.date_day,
        extract_dates.as_of_date,
        extract_dates.window_start_date
    from days
    cross join extract_dates
)

select * from final
