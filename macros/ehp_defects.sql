{#-
    The data-quality layer's SQL (docs/defects.md). Staging normalises what
    can be fixed with these macros, each a no-op on clean data; the models in
    models/intermediate/quality flag what cannot be fixed.

    var `ehp_defects` (true or false, default false) says the raw files were
    written with `ehp-generate --defects`: a payment date may then be text in
    another format, so the engine's loader reads PMNT_DT as a string, loads
    defects.csv too, and the data tests warn instead of failing the build.
-#}
{% macro ehp_defects_on() %}
    {{- return(ehp_choice_var('ehp_defects', false, [true, false])) -}}
{% endmacro %}


{#-
    ehp_clean_code(column)

    A code with stray spaces and lower case fixed: `upper(trim(column))`.
-#}
{% macro ehp_clean_code(column) -%}
    upper(trim({{ column }}))
{%- endmacro %}


{#-
    ehp_clean_date(column)

    A raw date column as a date. On clean data a cast; with var ehp_defects
    the column is text, read in any of the formats an ERP extract mixes:
    ISO YYYY-MM-DD, US MM/DD/YYYY, European DD.MM.YYYY, compact YYYYMMDD.
-#}
{% macro ehp_clean_date(column) -%}
    {%- if not ehp_defects_on() -%}
        cast({{ column }} as date)
    {%- else -%}
        cast(case
            when {{ column }} like '__/__/____'
                then {{ ehp_iso_date(column, 7, 1, 4) }}
            when {{ column }} like '__.__.____'
                then {{ ehp_iso_date(column, 7, 4, 1) }}
            when {{ column }} like '________'
                then {{ ehp_iso_date(column, 1, 5, 7) }}
            else {{ column }}
        end as date)
    {%- endif -%}
{%- endmacro %}


{#-
    ehp_iso_date(column, year_at, month_at, day_at)

    YYYY-MM-DD from the 4-digit year and 2-digit month and day found at these
    (1-based) positions of the text `column`.
-#}
{% macro ehp_iso_date(column, year_at, month_at, day_at) -%}
    {{ dbt.concat([
        'substring(' ~ column ~ ', ' ~ year_at ~ ', 4)', "'-'",
        'substring(' ~ column ~ ', ' ~ month_at ~ ', 2)', "'-'",
        'substring(' ~ column ~ ', ' ~ day_at ~ ', 2)',
    ]) }}
{%- endmacro %}


{#-
    ehp_time_zone_fixed(stamp, expected)

    A check-in stamped in UTC instead of local time (US Eastern standard, 5
    hours behind) moved back: patients check in before their appointment
    starts, so one more than an hour after `expected` is read as UTC. The
    ANSI interval literal reads alike on DuckDB, Postgres and Spark (Spark's
    dbt.dateadd asserts its argument is not null, in every row).
-#}
{% macro ehp_time_zone_fixed(stamp, expected) -%}
    case
        when {{ ehp_time_zone_suspect(stamp, expected) }}
            then {{ stamp }} - interval '5' hour
        else {{ stamp }}
    end
{%- endmacro %}


{#-
    ehp_time_zone_suspect(stamp, expected)

    True when `stamp` lies more than an hour after `expected` (both
    timestamps): the rule that reads a check-in as stamped in UTC.
-#}
{% macro ehp_time_zone_suspect(stamp, expected) -%}
    {{ ehp_datediff(expected, stamp, 'minute') }} > 60
{%- endmacro %}


{#
    ehp_grams_fixed(quantity, unit)

    A dose recorded in grams (unit G, outside the code list) in milligrams:
    the quantity times 1,000.
-#}
{% macro ehp_grams_fixed(quantity, unit) -%}
    case
        when {{ ehp_clean_code(unit) }} = 'G' then {{ quantity }} * 1000
        else {{ quantity }}
    end
{%- endmacro %}


{#-
    ehp_unit_fixed(unit)

    The dose unit code with grams read as milligrams (see ehp_grams_fixed).
-#}
{% macro ehp_unit_fixed(unit) -%}
    case
        when {{ ehp_clean_code(unit) }} = 'G' then 'MG'
        else {{ unit }}
    end
{%- endmacro %}


{#-
    ehp_defect_types()

    The defect types the data-quality layer detects, each claimed in the
    scorecard (int_quality_scorecard): its recall must reach 0.95.
-#}
{% macro ehp_defect_types() %}
    {{- return([
        'duplicate_patient', 'text_noise', 'mixed_date_format',
        'invalid_code', 'orphan_key', 'missing_value', 'resent_row',
        'unit_mixup', 'wrong_sign', 'time_zone',
    ]) -}}
{% endmacro %}


{#-
    ehp_appointment_start(date_column, time_column)

    An appointment's scheduled start as a timestamp, from its date and its
    'HH:MM:SS' time of day (Spark has no time type).
-#}
{% macro ehp_appointment_start(date_column, time_column) -%}
    cast(
        {{ dbt.concat([
            'cast(' ~ date_column ~ ' as ' ~ dbt.type_string() ~ ')',
            "' '",
            time_column,
        ]) }} as {{ dbt.type_timestamp() }}
    )
{%- endmacro %}


{#-
    ehp_quarantined(staged, key_column, columns, table_code)

    The rows of a staging model that the data-quality layer sets aside: a
    foreign key with no parent, a required value missing or a code outside
    its code list (int_quality_defects_detected), which staging cannot fix.
    The row's key and `columns` (its foreign keys), and the reason: one row
    per row and reason.
-#}
{% macro ehp_quarantined(staged, key_column, columns, table_code) %}
with

rows_staged as (
    select * from {{ staged }}
),

detected as (
    select * from {{ ref('int_quality_defects_detected') }}
),

quarantined as (
    select
        rows_staged.{{ key_column }},
        {%- for column in columns %}
        rows_staged.{{ column }},
        {%- endfor %}
        detected.defect_type as quarantine_reason
    from rows_staged
    inner join detected
        on rows_staged.{{ key_column }} = detected.primary_key
    where
        detected.table_code = '{{ table_code }}'
        and detected.defect_type in ('orphan_key', 'missing_value', 'invalid_code')
)

select * from quarantined
{% endmacro %}


{#-
    ehp_flagged_where(table_code, key_column, defect_type, relation)

    The start of one select of int_quality_defects_detected: the rows of
    `relation` flagged with `defect_type`, as (table_code, primary_key,
    defect_type), once each. It ends with `where`: the rule follows it.
-#}
{% macro ehp_flagged_where(table_code, key_column, defect_type, relation) -%}
    select distinct
        '{{ table_code }}' as table_code,
        {{ key_column }} as primary_key,
        '{{ defect_type }}' as defect_type
    from {{ relation }}
    where
{%- endmacro %}


{#-
    ehp_resent_rows(table_code, key_column, relation)

    The keys found on more than one row of `relation` (a row re-sent), as
    int_quality_defects_detected lists them.
-#}
{% macro ehp_resent_rows(table_code, key_column, relation) -%}
    select
        '{{ table_code }}' as table_code,
        {{ key_column }} as primary_key,
        'resent_row' as defect_type
    from {{ relation }}
    group by {{ key_column }}
    having count(*) > 1
{%- endmacro %}


{#
    ehp_resent_rows_removed(relation)

    The rows of `relation`: all of them on clean data; with var ehp_defects
    each exact copy (a row the ERP sent twice) once. Staging's last select.
-#}
{% macro ehp_resent_rows_removed(relation) -%}
    {%- if ehp_defects_on() -%}
        select distinct * from {{ relation }}
    {%- else -%}
        select * from {{ relation }}
    {%- endif -%}
{%- endmacro %}
