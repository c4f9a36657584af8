with

dates as (
    select * from {{ ref('int_dates_spined') }}
),

final as (
    select
        date_day,
        cast(
            extract(year from date_day) as {{ dbt.type_int() }}
        ) as year_number,
        cast(
            extract(quarter from date_day) as {{ dbt.type_int() }}
        ) as quarter_number,
        cast(
            extract(month from date_day) as {{ dbt.type_int() }}
        ) as month_number,
        cast(
            extract(day from date_day) as {{ dbt.type_int() }}
        ) as day_of_month_number,
        {{ day_of_week('date_day') }} as day_of_week_number,
        case {{ day_of_week('date_day') }}
            when 0 then 'Sunday'
            when 1 then 'Monday'
            when 2 then 'Tuesday'
            when 3 then 'Wednesday'
            when 4 then 'Thursday'
            when 5 then 'Friday'
            when 6 then 'Saturday'
        end as day_of_week_name,
        cast(
            {{ dbt.date_trunc('week', 'date_day') }} as date
        ) as week_start_date,
        cast(
            {{ dbt.date_trunc('month', 'date_day') }} as date
        ) as month_start_date,
        cast(
            {{ dbt.date_trunc('quarter', 'date_day') }} as date
        ) as quarter_start_date,
        cast(
            {{ dbt.date_trunc('year', 'date_day') }} as date
        ) as year_start_date,
        {{ day_of_week('date_day') }} in (0, 6) as is_weekend,
        date_day between window_start_date and as_of_date as is_in_window,
        date_day > as_of_date as is_after_as_of
    from dates
)

select * from final
