-- Data quality (docs/defects.md): warns, never fails the build, and keeps
-- the rows it found in the audit schema (store_failures). None on clean data.
{{ config(severity='warn', store_failures=true) }}

select
    team_assignment_id,
    quarantine_reason
from {{ ref('int_quality_quarantined_team_assignments') }}
