-- Late-arriving rows in the daily feed (docs/defects.md, docs/feed.md): one
-- row per raw row that first landed in a change file whose window starts
-- after the day the row was created (REC_CRTD_TS), so it should have come in
-- an earlier file. A row of the initial extract is never late: the extract
-- holds everything created before it. Every landing table is checked, not
-- only those the generator makes late. Built only in feed mode (var ehp_feed).

with

batches as (
    select
        extract_date,
        changes_since
    from {{ source('ehp_landing', 'feed_batches') }}
),

first_landed as (
    {% for name, columns in ehp_column_types_var('ehp_column_types').items() -%}
        {%- set key = (columns | list) | first %}
        select
            '{{ name[4:] | upper }}' as table_code,
            cast({{ key }} as {{ dbt.type_string() }}) as primary_key,
            cast(min(rec_crtd_ts) as date) as due_date,
            min(_extract_date) as arrived_date
        from {{ source('ehp_landing', name) }}
        group by {{ key }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

late as (
    select
        first_landed.table_code,
        first_landed.primary_key,
        first_landed.due_date,
        first_landed.arrived_date,
        {{ ehp_datediff(
            'first_landed.due_date', 'first_landed.arrived_date', 'day'
        ) }} as days_late
    from first_landed
    inner join batches
        on first_landed.arrived_date = batches.extract_date
    where
        batches.changes_since is not null
        and first_landed.due_date <= batches.changes_since
)

select * from late
