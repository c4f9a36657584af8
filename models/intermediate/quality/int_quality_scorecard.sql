-- The data-quality layer scored against the ground truth (defects.csv): per
-- defect type, how many were injected, how many rows the layer flagged, how
-- many of those were injected (true positives), precision and recall. Built
-- only with var ehp_defects: true (`make dq-score`, docs/defects.md).

with

defect_types as (
    {% for defect_type in ehp_defect_types() -%}
        select '{{ defect_type }}' as defect_type
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

injected as (
    select distinct
        defect_type,
        table_code,
        primary_key
    from {{ ref('stg_ehp__defects') }}
),

detected as (
    select distinct
        defect_type,
        table_code,
        primary_key
    from {{ ref('int_quality_defects_detected') }}
),

injected_counts as (
    select
        defect_type,
        count(*) as injected
    from injected
    group by defect_type
),

detected_counts as (
    select
        defect_type,
        count(*) as detected
    from detected
    group by defect_type
),

matched_counts as (
    select
        injected.defect_type,
        count(*) as true_positives
    from injected
    inner join detected
        on
            injected.defect_type = detected.defect_type
            and injected.table_code = detected.table_code
            and injected.primary_key = detected.primary_key
    group by injected.defect_type
),

counted as (
    select
        defect_types.defect_type,
        coalesce(injected_counts.injected, 0) as injected,
        coalesce(detected_counts.detected, 0) as detected,
        coalesce(matched_counts.true_positives, 0) as true_positives
    from defect_types
    left join injected_counts
        on defect_types.defect_type = injected_counts.defect_type
    left join detected_counts
        on defect_types.defect_type = detected_counts.defect_type
    left join matched_counts
        on defect_types.defect_type = matched_counts.defect_type
),

scored as (
    select
        defect_type,
        injected,
        detected,
        true_positives,
        {{ detection_ratio('true_positives', 'detected') }} as detection_precision,
        {{ detection_ratio('true_positives', 'injected') }} as detection_recall
    from counted
)

select * from scored
