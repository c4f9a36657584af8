-- Data quality in the daily feed (docs/defects.md): warns with every row that
-- landed in a later file than its creation says, kept in the audit schema
-- (store_failures). None on a clean feed. Runs only in feed mode.
{{ config(
    severity='warn',
    store_failures=true,
    enabled=(var('ehp_feed', false) is sameas true)
) }}

select
    table_code,
    primary_key,
    due_date,
    arrived_date,
    days_late
from {{ ref('int_quality_late_arrivals') }}
