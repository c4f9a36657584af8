-- Incremental in the daily feed (var ehp_feed, docs/feed.md): each run
-- rebuilds the payments whose own record, bill or policy changed since the
-- last day landed less the lookback (ehp_feed_changed_since); a table
-- otherwise. A payment reads only its bill's date and policy's payer type.
{{ config(
    materialized=('incremental' if ehp_feed_on() else 'table'),
    unique_key='payment_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

with

payments as (
    select * from {{ ref('stg_ehp__pmnt') }}
),

bills as (
    select * from {{ ref('stg_ehp__bill') }}
),

insurance_policies as (
    select * from {{ ref('stg_ehp__insr') }}
),

final as (
    select
        payments.payment_id,
        payments.bill_id,
        payments.patient_id,
        payments.payer_type,
        coalesce(
            insurance_policies.payer_type, 'self-pay'
        ) as bill_payer_type,
        payments.payment_method,
        payments.transaction_reference,
        payments.payment_date,
        payments.payment_amount,
        {{ ehp_datediff(
            'bills.bill_date', 'payments.payment_date', 'day'
        ) }} as days_after_bill
    from payments
    inner join bills
        on payments.bill_id = bills.bill_id
    left join insurance_policies
        on bills.insurance_policy_id = insurance_policies.insurance_policy_id
    {% if ehp_feed_incremental() %}
        where
            payments.record_updated_at >= {{ ehp_feed_changed_since() }}
            or bills.record_updated_at >= {{ ehp_feed_changed_since() }}
            or insurance_policies.record_updated_at
            >= {{ ehp_feed_changed_since() }}
    {% endif %}
)

select * from final
