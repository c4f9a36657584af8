-- Data quality (docs/defects.md): warns, never fails the build, and keeps
-- the rows it found in the audit schema (store_failures). None on clean data.
{{ config(severity='warn', store_failures=true) }}

select
    table_code,
    primary_key,
    defect_type
from {{ ref('int_quality_defects_detected') }}
