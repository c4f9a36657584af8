{#-
    ehp_source(code)

    The one place staging models read a raw ERP table from, e.g.
    `{{ ehp_source('patn') }}`. The var `ehp_loader` picks the loader:
      - 'seed' (default): the dbt seed `ehp_<code>` (`dbt seed` loads
        seeds/ehp/ehp_<code>.csv), returned as ref('ehp_<code>');
      - 'duckdb', 'postgres' or 'spark' (the target's engine):
        source('ehp_raw', 'ehp_<code>'), the same file loaded by that engine's
        own reader (macros/load_ehp_raw.sql) into the schema of var
        `ehp_raw_schema`.
    The ref / source is called while dbt parses the model, so lineage in
    dbt docs shows the seed (or the source) whichever loader is chosen.
    With var ehp_feed: true (the daily feed, docs/feed.md) it is the latest
    version of each row of the landing table instead
    (macros/ehp_feed.sql: ehp_landing_latest).
-#}
{% macro ehp_source(code) %}
    {%- set table_name = 'ehp_' ~ (code | lower) -%}
    {%- set loader = ehp_choice_var(
        'ehp_loader', 'seed', ['seed', 'duckdb', 'postgres', 'spark']
    ) -%}
    {%- if ehp_feed_on() -%}
        {{- return(ehp_landing_latest(code)) -}}
    {%- elif loader == 'seed' -%}
        {{- return(ref(table_name)) -}}
    {%- else -%}
        {#- the source's schema is this var: refused unless an identifier -#}
        {%- do ehp_identifier_var('ehp_raw_schema', 'ehp_raw') -%}
        {{- return(source('ehp_raw', table_name)) -}}
    {%- endif -%}
{% endmacro %}
