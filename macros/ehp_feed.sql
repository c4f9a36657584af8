{#-
    The daily feed (docs/feed.md; DuckDB only). scripts/feed.py appends each
    day's change files to the landing tables, one
    `<ehp_landing_schema>.ehp_<code>` per raw table with the day the file
    covers (_extract_date) and the time it was loaded (_loaded_at), and logs
    each day in `<ehp_landing_schema>.feed_batches`. With var ehp_feed: true
    the staging models read the latest version of each landed row.

      ehp_feed_on()               var ehp_feed is true
      ehp_landing_latest(code)    the latest version of each row of a landing
                                  table (by primary key, its first column)
      ehp_feed_incremental()      an incremental run of a fact in the feed
                                  (feed mode, and the fact's table exists)
      ehp_feed_changed_since()    where an incremental fact starts looking for
                                  changes: the last day landed less var
                                  ehp_feed_lookback_days
-#}
{% macro ehp_feed_on() %}
    {{- return(var('ehp_feed', false) is sameas true) -}}
{% endmacro %}


{% macro ehp_landing_latest(code) %}
    {%- if target.type != 'duckdb' -%}
        {{- exceptions.raise_compiler_error(
            'var ehp_feed needs DuckDB (the target ' ~ target.name ~ ' is '
            ~ target.type ~ '): the feed is DuckDB only (docs/feed.md)'
        ) -}}
    {%- endif -%}
    {#- the source's schema is this var: refused unless an identifier -#}
    {%- do ehp_identifier_var('ehp_landing_schema', 'ehp_landing') -%}
    {%- set name = 'ehp_' ~ (code | lower) -%}
    {%- set key = (ehp_column_types_var('ehp_column_types')[name] | list) | first -%}
    {%- set relation = source('ehp_landing', name) -%}
    {{- return(
        '(select * exclude (_extract_date, _loaded_at) from ' ~ relation
        ~ ' qualify row_number() over (partition by ' ~ key
        ~ ' order by _extract_date desc, _loaded_at desc) = 1) as '
        ~ name ~ '_latest'
    ) -}}
{% endmacro %}


{#- The facts that are incremental in the feed are tables otherwise: they ask
    this rather than is_incremental() directly. -#}
{% macro ehp_feed_incremental() %}
    {{- return(ehp_feed_on() and is_incremental()) -}}
{% endmacro %}


{% macro ehp_feed_changed_since() %}
    {%- set schema = ehp_identifier_var('ehp_landing_schema', 'ehp_landing') -%}
    {%- set days = ehp_number_var('ehp_feed_lookback_days', 3) | int -%}
    {{- return(
        "(select cast(max(extract_date) - interval '" ~ days ~ " days' as "
        ~ dbt.type_timestamp() ~ ') from ' ~ adapter.quote(schema)
        ~ '.feed_batches)'
    ) -}}
{% endmacro %}
