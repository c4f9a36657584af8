{#-
    Safe dbt vars: every var that reaches SQL goes through one of these
    macros, which refuse a value that is not of its kind (a compiler error
    naming the var) instead of pasting it into SQL.

      ehp_identifier_var(name, default)  a schema / table name:
                                         [A-Za-z_][A-Za-z0-9_]*, <= 63 chars
      ehp_date_var(name)                 none, or a SQL date literal from a
                                         real date written YYYY-MM-DD
      ehp_choice_var(name, default, choices)  one of a closed list
      ehp_path_var(name, default)        a SQL string literal, quoted with
                                         the adapter's escaping
      ehp_column_types_var(name)         {column: type}: identifiers, and
                                         types from a closed list
-#}
{% macro ehp_var_error(name, value, expected) %}
    {{- exceptions.raise_compiler_error(
        "var " ~ name ~ " must be " ~ expected ~ ", got: " ~ (value | string)
    ) -}}
{% endmacro %}


{% macro ehp_is_identifier(value) %}
    {{- return(
        value is string
        and modules.re.fullmatch('[A-Za-z_][A-Za-z0-9_]{0,62}', value)
        is not none
    ) -}}
{% endmacro %}


{% macro ehp_identifier_var(name, default) %}
    {%- set value = var(name, default) -%}
    {%- if not ehp_is_identifier(value) -%}
        {{- ehp_var_error(
            name, value,
            "an identifier (letters, digits and _, not starting with a digit)"
        ) -}}
    {%- endif -%}
    {{- return(value) -}}
{% endmacro %}


{% macro ehp_date_var(name) %}
    {%- set value = var(name, none) -%}
    {%- if value is none or value == '' -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set text = value | string -%}
    {%- set ok = modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
    {%- if ok -%}
        {%- set parts = text.split('-') | map('int') | list -%}
        {%- set ok = 1 <= parts[1] <= 12 and 1 <= parts[2] <= 31 -%}
    {%- endif -%}
    {%- if not ok -%}
        {{- ehp_var_error(name, value, "a date written YYYY-MM-DD") -}}
    {%- endif -%}
    {{- return("date '" ~ text ~ "'") -}}
{% endmacro %}


{% macro ehp_choice_var(name, default, choices) %}
    {%- set value = var(name, default) -%}
    {%- if value not in choices -%}
        {{- ehp_var_error(name, value, "one of " ~ (choices | join(', '))) -}}
    {%- endif -%}
    {{- return(value) -}}
{% endmacro %}


{#- A number (an integer or a decimal), so it can be written into SQL as is. -#}
{% macro ehp_number_var(name, default) %}
    {%- set value = var(name, default) -%}
    {%- if value is not number or value is sameas true or value is sameas false -%}
        {{- ehp_var_error(name, value, "a number") -}}
    {%- endif -%}
    {{- return(value) -}}
{% endmacro %}


{% macro ehp_path_var(name, default) %}
    {%- set value = var(name, default) -%}
    {#- quoted wherever it reaches SQL as a string literal; a backtick is
        refused too, for Spark's parquet.`path` reader -#}
    {%- if value is not string or value == ''
        or modules.re.search('[`\x00-\x1f]', value) -%}
        {{- ehp_var_error(
            name, value, "a path without backticks or control characters"
        ) -}}
    {%- endif -%}
    {{- return(ehp_string_literal(value)) -}}
{% endmacro %}


{% macro ehp_string_literal(value) %}
    {{- return("'" ~ dbt.escape_single_quotes(value | string) ~ "'") -}}
{% endmacro %}


{% macro ehp_column_types_var(name) %}
    {%- set value = var(name) -%}
    {%- if value is not mapping -%}
        {{- ehp_var_error(name, value, "a map of tables") -}}
    {%- endif -%}
    {%- set type_pattern = (
        '(varchar|text|string|bigint|integer|double|double precision|boolean'
        ~ '|date|time|timestamp|decimal\\([0-9]{1,2},[0-9]{1,2}\\))'
    ) -%}
    {%- set engine_type_pattern = (
        "\\{\\{ \\{('[a-z_]+': '[a-z]+'(, )?)+\\}"
        ~ "\\.get\\(target\\.type, '[a-z]+'\\) \\}\\}"
    ) -%}
    {%- set rendered = {} -%}
    {%- for table, columns in value.items() -%}
        {%- if not ehp_is_identifier(table) or columns is not mapping -%}
            {{- ehp_var_error(
                name, table, "a map of table names to {column: type}"
            ) -}}
        {%- endif -%}
        {%- do rendered.update({table: {}}) -%}
        {%- for column, declared in columns.items() -%}
            {#- dbt leaves Jinja in a var's nested values as written: the
                string type is an expression of target.type (dbt_project.yml).
                Only that closed form is rendered (a map of engine names to
                type names, looked up by target.type), never other Jinja. -#}
            {%- set data_type = declared | string -%}
            {%- if modules.re.fullmatch(engine_type_pattern, data_type) -%}
                {%- set data_type = render(data_type) | trim -%}
            {%- endif -%}
            {%- do rendered[table].update({column: data_type}) -%}
            {%- if not ehp_is_identifier(column) -%}
                {{- ehp_var_error(
                    name ~ '.' ~ table, column, "column names as identifiers"
                ) -}}
            {%- endif -%}
            {%- if declared is not string
                or modules.re.fullmatch(type_pattern, data_type) is none -%}
                {{- ehp_var_error(
                    name ~ '.' ~ table ~ '.' ~ column, data_type,
                    "a type of varchar, text, string, bigint, integer, double,"
                    ~ " boolean, date, time, timestamp, decimal(p,s)"
                ) -}}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{- return(rendered) -}}
{% endmacro %}
