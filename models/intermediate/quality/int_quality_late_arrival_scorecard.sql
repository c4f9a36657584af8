-- Late-arriving rows scored against the ground truth (docs/defects.md): the
-- rows the feed's defects.csv files log as late_arrival (each day's file logs
-- the late rows it delivers) against those int_quality_late_arrivals finds,
-- with the columns of int_quality_scorecard. Built only in feed mode.

with

injected as (
    select distinct
        defect_type,
        table_code,
        primary_key
    from {{ source('ehp_landing', 'ehp_defects') }}
    where defect_type = 'late_arrival'
),

detected as (
    select distinct
        'late_arrival' as defect_type,
        table_code,
        primary_key
    from {{ ref('int_quality_late_arrivals') }}
),

counted as (
    select
        'late_arrival' as defect_type,
        (select count(*) from injected) as injected,
        (select count(*) from detected) as detected,
        (
            select count(*)
            from injected
            inner join detected
                on
                    injected.table_code = detected.table_code
                    and injected.primary_key = detected.primary_key
        ) as true_positives
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
