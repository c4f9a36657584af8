{#-
    ehp_type_float()

    The engine's double-precision floating type, for averages and rates.
    dbt.type_float() is single precision on DuckDB and Spark but double on
    Postgres, so the answers would differ; this is double everywhere. Marts
    contracts declare the same type with
    "{{ {'postgres': 'double precision'}.get(target.type, 'double') }}".
-#}
{% macro ehp_type_float() -%}
    {{ return(adapter.dispatch('ehp_type_float', 'proactivehealth')()) }}
{%- endmacro %}

{% macro default__ehp_type_float() -%}
    {{ return('double') }}
{%- endmacro %}

{% macro postgres__ehp_type_float() -%}
    {{ return('double precision') }}
{%- endmacro %}
