-- Each bill's status and balance with the time of its last change: the
-- bill's own update or the latest payment recorded on it, whichever is
-- later. The daily feed's bill snapshot keeps a version at each such change
-- (snapshots/_snapshots.yml, docs/feed.md).
with

bills as (
    select * from {{ ref('int_bills_aged') }}
),

bill_records as (
    select * from {{ ref('stg_ehp__bill') }}
),

payments as (
    select * from {{ ref('stg_ehp__pmnt') }}
),

payments_recorded as (
    select
        bill_id,
        max(record_updated_at) as last_payment_recorded_at
    from payments
    group by bill_id
),

final as (
    select
        bills.bill_id,
        bills.patient_id,
        bills.bill_status,
        bills.expected_amount,
        bills.paid_amount,
        bills.written_off_amount,
        bills.balance_amount,
        case
            when
                payments_recorded.last_payment_recorded_at
                > bill_records.record_updated_at
                then payments_recorded.last_payment_recorded_at
            else bill_records.record_updated_at
        end as last_changed_at
    from bills
    inner join bill_records
        on bills.bill_id = bill_records.bill_id
    left join payments_recorded
        on bills.bill_id = payments_recorded.bill_id
)

select * from final
