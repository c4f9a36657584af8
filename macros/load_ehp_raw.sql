{#-
    load_ehp_raw()

    The engines' own loaders (var ehp_loader: duckdb, postgres or spark, the
    target's engine), called by the project's on-run-start hook: reads the 22
    raw files in var `ehp_raw_path` (default seeds/ehp, relative to the
    folder dbt runs in) into var `ehp_raw_schema`, one table `ehp_<code>`
    each, where source('ehp_raw', ...) finds them. var `ehp_format` is `csv`
    (default) or `parquet`, as written by `ehp-generate --format`.
      - duckdb: DuckDB's read_csv / read_parquet;
      - postgres: COPY (CSV; the server reads the files: a server on this
        machine, or the files on the server's);
      - spark: Spark's CSV / Parquet reader into Parquet tables.

    Every column gets the type declared for the dbt seed of the same table
    (var `ehp_column_types`: YAML aliases of the seeds' column_types in
    dbt_project.yml, rendered for the target's engine), so every loader
    gives the same typed tables. With the default seed loader it does
    nothing. Every var is checked first (macros/ehp_vars.sql).
-#}
{% macro load_ehp_raw() %}
    {%- set loader = ehp_choice_var(
        'ehp_loader', 'seed', ['seed', 'duckdb', 'postgres', 'spark']
    ) -%}
    {%- set fmt = ehp_choice_var('ehp_format', 'csv', ['csv', 'parquet']) -%}
    {%- set schema = ehp_identifier_var('ehp_raw_schema', 'ehp_raw') -%}
    {%- do ehp_path_var('ehp_raw_path', 'seeds/ehp') -%}
    {%- set tables = ehp_column_types_var('ehp_column_types') -%}
    {%- do ehp_date_var('ehp_as_of_date') -%}
    {%- do ehp_check_loader(loader, fmt) -%}
    {%- if ehp_defects_on() -%}
        {%- do ehp_dirty_column_types(loader, tables) -%}
    {%- endif -%}
    {%- if loader != 'seed' and execute and not ehp_feed_on() -%}
        {%- set folder = ehp_raw_folder(loader) -%}
        {%- do run_query(
            'create schema if not exists ' ~ adapter.quote(schema)
        ) -%}
        {%- for name in tables | sort -%}
            {%- set relation = adapter.quote(schema) ~ '.' ~ adapter.quote(name) -%}
            {#- defects.csv, the ground truth of a dirty extract -#}
            {%- set file = 'defects' if name == 'ehp_defects' else name -%}
            {%- set path = folder ~ '/' ~ file ~ '.' ~ fmt -%}
            {%- do adapter.dispatch('ehp_load_raw_table', 'proactivehealth')(
                relation, path, fmt, tables[name]
            ) -%}
        {%- endfor -%}
        {{- log(
            'load_ehp_raw: ' ~ (tables | length) ~ ' ' ~ fmt ~ ' files from '
            ~ folder ~ ' into ' ~ schema ~ ' (' ~ loader ~ ')',
            info=true
        ) -}}
    {%- endif -%}
{% endmacro %}


{#-
    ehp_dirty_column_types(loader, tables)

    With var ehp_defects (files written by `ehp-generate --defects`): the
    payment date is read as text (staging parses its mixed formats) and
    defects.csv is loaded too, as ehp_defects, every column text. Refuses
    the seed loader: dbt seed would read a text date into a date column.
-#}
{% macro ehp_dirty_column_types(loader, tables) %}
    {%- if loader == 'seed' -%}
        {{- exceptions.raise_compiler_error(
            "var ehp_defects needs the engine's loader, e.g. ehp_loader: "
            ~ target.type ~ " (dbt seed cannot read a dirty date column)"
        ) -}}
    {%- endif -%}
    {%- set text = tables['ehp_pmnt']['PMNT_ID'] -%}
    {%- do tables['ehp_pmnt'].update({'PMNT_DT': text}) -%}
    {%- set log = {} -%}
    {%- for column in [
        'table_code', 'primary_key', 'column_name', 'defect_type',
        'clean_value', 'dirty_value', 'original_key'
    ] -%}
        {%- do log.update({column: text}) -%}
    {%- endfor -%}
    {%- do tables.update({'ehp_defects': log}) -%}
{% endmacro %}


{#-
    ehp_check_loader(loader, fmt)

    Refuses, with a one-line message, a loader of another engine than the
    target's, and Parquet with dbt seed.
-#}
{% macro ehp_check_loader(loader, fmt) %}
    {%- if loader != 'seed' and loader != target.type -%}
        {{- exceptions.raise_compiler_error(
            "var ehp_loader '" ~ loader ~ "' loads into " ~ loader
            ~ ", but the target '" ~ target.name ~ "' is " ~ target.type
            ~ ": use ehp_loader: " ~ target.type
        ) -}}
    {%- endif -%}
    {%- if loader == 'seed' and fmt != 'csv' -%}
        {{- exceptions.raise_compiler_error(
            "var ehp_format '" ~ fmt ~ "' needs the engine's loader,"
            ~ " e.g. ehp_loader: " ~ target.type ~ " (dbt seed reads CSV only)"
        ) -}}
    {%- endif -%}
{% endmacro %}


{#-
    ehp_raw_folder(loader)

    var `ehp_raw_path` without a trailing slash. Postgres and Spark read it
    from another process (the server, the JVM), so a relative path is made
    absolute from the folder dbt runs in (PWD).
-#}
{% macro ehp_raw_folder(loader) %}
    {%- set folder = (var('ehp_raw_path', 'seeds/ehp') | string).rstrip('/') -%}
    {%- if loader != 'duckdb' and not folder.startswith('/') -%}
        {%- set folder = env_var('PWD') ~ '/' ~ folder -%}
    {%- endif -%}
    {{- return(folder) -}}
{% endmacro %}


{#-
    ehp_load_raw_table(relation, path, fmt, column_types)

    Loads one raw file into `relation` (schema.table, quoted), every column
    typed as declared (column_types: name -> type, in the file's column
    order). Dispatched: each engine reads files its own way.
-#}
{% macro default__ehp_load_raw_table(relation, path, fmt, column_types) %}
    {{- exceptions.raise_compiler_error(
        'no raw loader for ' ~ target.type ~ ': use ehp_loader: seed'
    ) -}}
{% endmacro %}

{% macro duckdb__ehp_load_raw_table(relation, path, fmt, column_types) %}
    {%- do run_query(
        'create or replace table ' ~ relation ~ ' as select * from '
        ~ ehp_read_raw_file(path, fmt, column_types)
    ) -%}
{% endmacro %}

{% macro postgres__ehp_load_raw_table(relation, path, fmt, column_types) %}
    {%- if fmt != 'csv' -%}
        {{- exceptions.raise_compiler_error(
            'the postgres loader reads CSV only (COPY): use ehp_format: csv'
        ) -}}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- for column, data_type in column_types.items() -%}
        {%- do columns.append(column ~ ' ' ~ data_type) -%}
    {%- endfor -%}
    {#- truncated, not dropped: the staging views on it stay in place -#}
    {%- do run_query(
        'create table if not exists ' ~ relation
        ~ ' (' ~ (columns | join(', ')) ~ ');'
        ~ ' truncate table ' ~ relation ~ ';'
        ~ ' copy ' ~ relation ~ ' from ' ~ ehp_string_literal(path)
        ~ " with (format csv, header true, null '');"
        ~ ' commit;'
    ) -%}
{% endmacro %}

{% macro spark__ehp_load_raw_table(relation, path, fmt, column_types) %}
    {%- set columns = [] -%}
    {%- for column, data_type in column_types.items() -%}
        {%- do columns.append(
            'cast(' ~ column ~ ' as ' ~ data_type ~ ') as ' ~ column
        ) -%}
    {%- endfor -%}
    {%- if fmt == 'csv' -%}
        {%- set file_columns = [] -%}
        {%- for column in column_types -%}
            {%- do file_columns.append(column ~ ' string') -%}
        {%- endfor -%}
        {%- set view = (path.split('/') | last).split('.') | first ~ '_file' -%}
        {%- do run_query(
            'create or replace temporary view ' ~ view
            ~ ' (' ~ (file_columns | join(', ')) ~ ') using csv options (path '
            ~ ehp_string_literal(path)
            ~ ", header 'true', quote '\"', escape '\"', nullValue '',"
            ~ " mode 'FAILFAST')"
        ) -%}
        {%- set reader = view -%}
    {%- else -%}
        {%- set reader = 'parquet.`' ~ path ~ '`' -%}
    {%- endif -%}
    {%- do run_query('drop table if exists ' ~ relation) -%}
    {%- do run_query(
        'create table ' ~ relation ~ ' using parquet as select '
        ~ (columns | join(', ')) ~ ' from ' ~ reader
    ) -%}
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
