{#-
    generate_schema_name(custom_schema_name, node)

    Use a folder's `+schema` as written (seeds in `raw`, staging models in
    `staging`) instead of dbt's default `<target schema>_<custom schema>`
    (`main_raw`, `main_staging`). The DuckDB database is a file private to
    each developer, so environments never share a schema name; nodes with
    no custom schema go to the target's schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
