-- docs/data_model.md invariant 4: a visit is billed on or after its discharge
-- date (never while the patient is still in), and a payment is made on or
-- after its bill's date. Returns the bills and payments out of order.
with

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

bills as (
    select * from {{ ref('stg_ehp__bill') }}
),

payments as (
    select * from {{ ref('stg_ehp__pmnt') }}
),

early_bills as (
    select
        'bill' as record_name,
        bills.bill_id as record_id,
        bills.bill_date as record_date,
        cast(visits.discharged_at as date) as must_not_precede_date
    from bills
    inner join visits
        on bills.visit_id = visits.visit_id
    where
        visits.discharged_at is null
        or bills.bill_date < cast(visits.discharged_at as date)
),

early_payments as (
    select
        'payment' as record_name,
        payments.payment_id as record_id,
        payments.payment_date as record_date,
        bills.bill_date as must_not_precede_date
    from payments
    inner join bills
        on payments.bill_id = bills.bill_id
    where payments.payment_date < bills.bill_date
),

final as (
    select * from early_bills
    union all
    select * from early_payments
)

select * from final
