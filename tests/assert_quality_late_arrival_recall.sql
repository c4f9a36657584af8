-- The feed's late-row check catches what it claims (docs/defects.md): with
-- late rows injected, a recall and a precision of at least 0.95. An error,
-- not a warning, even on dirty data. Runs only in feed mode.
{{ config(
    severity='error',
    enabled=(var('ehp_feed', false) is sameas true)
) }}

select
    defect_type,
    injected,
    detected,
    detection_precision,
    detection_recall
from {{ ref('int_quality_late_arrival_scorecard') }}
where
    (injected > 0 and detection_recall < 0.95)
    or (detected > 0 and detection_precision < 0.95)
