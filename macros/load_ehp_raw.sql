{#-
    load_ehp_raw()

    The DuckDB loader (var ehp_loader: duckdb), called by the project's
    on-run-start hook: reads the 22 raw files in var `ehp_raw_path`
    (default seeds/ehp, relative to the folder dbt runs in) with DuckDB's own
    reader into var `ehp_raw_schema`, one table `ehp_<code>` each, where
    source('ehp_raw', ...) finds them. var `ehp_format` is `csv` (default) or
    `parquet`, as written by `ehp-generate --format`.

    Every column gets the type declared for the dbt seed of the same table
    (var `ehp_column_types`: YAML aliases of the seeds' column_types in
    dbt_project.yml), so both loaders give the same typed tables. With the
    default seed loader it does nothing.
-#}
{% macro load_ehp_raw() %}
    {%- set loader = ehp_choice_var('ehp_loader', 'seed', ['seed', 'duckdb']) -%}
    {%- set fmt = ehp_choice_var('ehp_format', 'csv', ['csv', 'parquet']) -%}
    {%- set schema = ehp_identifier_var('ehp_raw_schema', 'ehp_raw') -%}
    {%- set folder = var('ehp_raw_path', 'seeds/ehp') -%}
    {%- do ehp_path_var('ehp_raw_path', 'seeds/ehp') -%}
    {%- set tables = ehp_column_types_var('ehp_column_types') -%}
    {%- do ehp_date_var('ehp_as_of_date') -%}
    {%- if loader == 'seed' and fmt != 'csv' -%}
        {{- exceptions.raise_compiler_error(
            "var ehp_format '" ~ fmt ~ "' needs ehp_loader: duckdb"
            ~ " (dbt seed reads CSV only)"
        ) -}}
    {%- endif -%}
    {%- if loader == 'duckdb' and execute -%}
        {%- do run_query(
            'create schema if not exists ' ~ adapter.quote(schema)
        ) -%}
        {%- for name in tables | sort -%}
            {%- set path = folder.rstrip('/') ~ '/' ~ name ~ '.' ~ fmt -%}
            {%- do run_query(
                'create or replace table '
                ~ adapter.quote(schema) ~ '.' ~ adapter.quote(name)
                ~ ' as select * from '
                ~ ehp_read_raw_file(path, fmt, tables[name])
            ) -%}
        {%- endfor -%}
        {{- log(
            'load_ehp_raw: ' ~ (tables | length) ~ ' ' ~ fmt ~ ' files from '
            ~ folder ~ ' into ' ~ schema,
            info=true
        ) -}}
    {%- endif -%}
{% endmacro %}


{#-
    ehp_read_raw_file(path, fmt, column_types)

    A DuckDB table expression reading one raw file with every column typed as
    declared (column_types: name -> type, in the file's column order). CSV is
    read with the writer's dialect and no type sniffing; Parquet columns are
    cast, so both formats give the same column types.
-#}
{% macro ehp_read_raw_file(path, fmt, column_types) %}
    {%- set quoted_path = ehp_string_literal(path) -%}
    {%- if fmt == 'csv' -%}
        {%- set columns = [] -%}
        {%- for column, data_type in column_types.items() -%}
            {%- do columns.append(
                "'" ~ column ~ "': '" ~ data_type ~ "'"
            ) -%}
        {%- endfor -%}
        read_csv({{ quoted_path }}, header = true, delim = ',', quote = '"',
            escape = '"', nullstr = '', auto_detect = false,
            columns = { {{- columns | join(', ') -}} })
    {%- else -%}
        {%- set columns = [] -%}
        {%- for column, data_type in column_types.items() -%}
            {%- do columns.append(
                'cast(' ~ adapter.quote(column) ~ ' as ' ~ data_type ~ ') as '
                ~ adapter.quote(column)
            ) -%}
        {%- endfor -%}
        (select {{ columns | join(', ') }} from read_parquet({{ quoted_path }}))
    {%- endif -%}
{% endmacro %}
