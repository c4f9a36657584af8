{#-
    ehp_datediff(first_date, second_date, datepart)

    How many `datepart` boundaries (midnights, hours, minutes, month starts...)
    lie between two dates or timestamps, as a bigint, counted the same way on
    every engine: 08:59:59 to 09:00:01 is one minute and one hour, 31
    December to 1 January one year. dbt.datediff counts that way on DuckDB
    and Postgres but returns a double or an int there, and on Spark counts
    elapsed time instead (09:00:59 to 09:01:01 gives 0 minutes), so the
    project uses this macro and never dbt.datediff directly.

    arguments:
      first_date   SQL expression of the earlier date or timestamp
      second_date  SQL expression of the later one (a negative count if not)
      datepart     second, minute, hour, day, month, quarter or year
-#}
{% macro ehp_datediff(first_date, second_date, datepart) -%}
    {{ return(adapter.dispatch('ehp_datediff', 'proactivehealth')(
        first_date, second_date, datepart
    )) }}
{%- endmacro %}

{% macro default__ehp_datediff(first_date, second_date, datepart) -%}
    cast(
        {{ dbt.datediff(first_date, second_date, datepart) }}
        as {{ dbt.type_bigint() }}
    )
{%- endmacro %}

{% macro spark__ehp_datediff(first_date, second_date, datepart) -%}
    {%- set seconds = {'second': 1, 'minute': 60, 'hour': 3600} -%}
    {%- set months = {'month': 1, 'quarter': 3, 'year': 12} -%}
    {%- if datepart in seconds -%}
        (
            floor(unix_timestamp({{ second_date }}) / {{ seconds[datepart] }})
            - floor(unix_timestamp({{ first_date }}) / {{ seconds[datepart] }})
        )
    {%- elif datepart == 'day' -%}
        cast(datediff(
            cast({{ second_date }} as date), cast({{ first_date }} as date)
        ) as {{ dbt.type_bigint() }})
    {%- elif datepart in months -%}
        cast(
            floor(
                (year({{ second_date }}) * 12 + month({{ second_date }}) - 1)
                / {{ months[datepart] }}
            )
            - floor(
                (year({{ first_date }}) * 12 + month({{ first_date }}) - 1)
                / {{ months[datepart] }}
            )
            as {{ dbt.type_bigint() }}
        )
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "ehp_datediff: datepart '" ~ datepart ~ "' is not supported on spark"
        ) }}
    {%- endif -%}
{%- endmacro %}
