{#-
    date_spine(start_date, end_date, max_days=100000)

    A select statement returning one row per day, `date_day` (a date), from
    `start_date` through `end_date`, both included. The bounds are SQL
    expressions (a literal cast to date, a column of a one-row CTE, a
    scalar subquery). Portable: the day offsets come from cross-joined
    digits and the dates from dbt.dateadd, with no engine-specific series
    function, so the spine moves with the project to another warehouse.

    arguments:
      start_date  SQL expression of the first day
      end_date    SQL expression of the last day
      max_days    upper bound of the spine's length (a power of ten)
-#}
{% macro date_spine(start_date, end_date, max_days=100000) -%}
    {%- set positions = (max_days | string | length) - 1 -%}
    {%- set day_offset -%}
        {%- for position in range(positions) -%}
            digits_{{ position }}.digit * {{ 10 ** position }}
            {%- if not loop.last %} + {% endif -%}
        {%- endfor -%}
    {%- endset -%}
    with

    digits as (
        {%- for digit in range(10) %}
        select {{ digit }} as digit
        {%- if not loop.last %} union all{% endif -%}
        {% endfor %}
    ),

    day_offsets as (
        select {{ day_offset }} as day_offset
        from digits as digits_0
        {%- for position in range(1, positions) %}
        cross join digits as digits_{{ position }}
        {%- endfor %}
    ),

    spine as (
        select
            cast(
                {{ dbt.dateadd('day', 'day_offset', start_date) }} as date
            ) as date_day
        from day_offsets
        where
            day_offset
            <= {{ ehp_datediff(start_date, end_date, 'day') }}
    )

    select date_day from spine
{%- endmacro %}
