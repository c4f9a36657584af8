-- The extract's window, read from the data itself so that "as of" never
-- depends on the wall clock: the daily inventory is counted every day of
-- the window, and no record is updated after the extract date. The var
-- ehp_as_of_date (YYYY-MM-DD) overrides the derived as-of date.
with

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

inventory_counts as (
    select * from {{ ref('stg_ehp__invn') }}
),

visit_dates as (
    select
        min(cast(admitted_at as date)) as first_date,
        max(cast(record_updated_at as date)) as last_date
    from visits
),

inventory_dates as (
    select
        min(inventory_date) as first_date,
        max(cast(record_updated_at as date)) as last_date
    from inventory_counts
),

window_dates as (
    select
        case
            when inventory_dates.first_date is null
                then visit_dates.first_date
            when visit_dates.first_date is null
                then inventory_dates.first_date
            when inventory_dates.first_date < visit_dates.first_date
                then inventory_dates.first_date
            else visit_dates.first_date
        end as window_start_date,
        case
            when inventory_dates.last_date is null
                then visit_dates.last_date
            when visit_dates.last_date is null
                then inventory_dates.last_date
            when inventory_dates.last_date > visit_dates.last_date
                then inventory_dates.last_date
            else visit_dates.last_date
        end as derived_as_of_date
    from visit_dates
    cross join inventory_dates
),

final as (
    select
        window_start_date,
        {% if ehp_date_var('ehp_as_of_date') -%}
            {{ ehp_date_var('ehp_as_of_date') }}
        {%- else -%}
            derived_as_of_date
        {%- endif %} as as_of_date
    from window_dates
)

select * from final
