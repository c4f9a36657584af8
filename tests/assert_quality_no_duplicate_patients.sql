-- Data quality (docs/defects.md): warns, never fails the build, and keeps
-- the rows it found in the audit schema (store_failures). None on clean data.
{{ config(severity='warn', store_failures=true) }}

select
    patient_id,
    master_patient_id
from {{ ref('int_quality_patients_deduplicated') }}
where is_duplicate
