{#-
    regex_matches(expression, pattern)

    A boolean SQL expression: true when `expression` matches the regular
    expression `pattern` (a Python string; anchor it with ^...$ to match the
    whole value). Dispatched because every engine names this differently.
-#}
{% macro regex_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'proactivehealth')(
        expression, pattern
    )) }}
{%- endmacro %}

{% macro default__regex_matches(expression, pattern) -%}
    regexp_like({{ expression }}, '{{ pattern | replace("'", "''") }}')
{%- endmacro %}

{% macro duckdb__regex_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern | replace("'", "''") }}')
{%- endmacro %}

{% macro postgres__regex_matches(expression, pattern) -%}
    ({{ expression }} ~ '{{ pattern | replace("'", "''") }}')
{%- endmacro %}

{#- Spark reads backslashes in string literals as escapes: double them. -#}
{% macro spark__regex_matches(expression, pattern) -%}
    ({{ expression }} rlike '{{ pattern | replace("\\", "\\\\") | replace("'", "\\'") }}')
{%- endmacro %}
