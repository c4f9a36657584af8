{#-
    day_of_week(date_expression)

    Day of the week as a number, 0 = Sunday .. 6 = Saturday (the Postgres
    and DuckDB convention). dbt has no cross-database macro for it, so it
    is dispatched here.

    arguments:
      date_expression  SQL expression of a date
-#}
{% macro day_of_week(date_expression) -%}
    {{ return(adapter.dispatch('day_of_week', 'proactivehealth')(
        date_expression
    )) }}
{%- endmacro %}

{% macro default__day_of_week(date_expression) -%}
    cast(extract(dow from {{ date_expression }}) as {{ dbt.type_int() }})
{%- endmacro %}

{% macro snowflake__day_of_week(date_expression) -%}
    cast(dayofweek({{ date_expression }}) as {{ dbt.type_int() }})
{%- endmacro %}

{% macro spark__day_of_week(date_expression) -%}
    cast(dayofweek({{ date_expression }}) - 1 as {{ dbt.type_int() }})
{%- endmacro %}
