-- The data-quality layer catches what it claims (docs/defects.md): every defect
-- type injected has a recall of at least 0.95. An error, not a warning, even on
-- dirty data. Runs only with var ehp_defects: true.
{{ config(
    severity='error',
    enabled=(var('ehp_defects', false) is sameas true)
) }}

select
    defect_type,
    injected,
    detection_recall
from {{ ref('int_quality_scorecard') }}
where injected > 0 and detection_recall < 0.95
