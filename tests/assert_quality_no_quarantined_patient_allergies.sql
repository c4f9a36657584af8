-- Data quality (docs/defects.md): warns, never fails the build, and keeps
-- the rows it found in the audit schema (store_failures). None on clean data.
{{ config(severity='warn', store_failures=true) }}

select
    patient_allergy_id,
    quarantine_reason
from {{ ref('int_quality_quarantined_patient_allergies') }}
