-- docs/data_model.md invariant 12: a bill is "paid" exactly when both sides are
-- settled: the insurer has paid all it covers and the patient all of their
-- responsibility. A patient balance settled by a write-off instead makes
-- the bill "written off" (exactly the bills with a write-off); an "open"
-- bill has no payment yet and a "partially paid" one has some.
-- Returns the bills whose status disagrees with their payments.
with

bills as (
    select * from {{ ref('stg_ehp__bill') }}
),

payments as (
    select * from {{ ref('stg_ehp__pmnt') }}
),

payments_by_bill as (
    select
        bill_id,
        sum(
            case when payer_type = 'insurer' then payment_amount else 0 end
        ) as insurer_paid_amount,
        sum(
            case when payer_type = 'patient' then payment_amount else 0 end
        ) as patient_paid_amount
    from payments
    group by bill_id
),

bill_settlement as (
    select
        bills.bill_id,
        bills.bill_status,
        bills.insurance_covered_amount,
        bills.patient_responsibility_amount,
        bills.written_off_amount,
        coalesce(
            payments_by_bill.insurer_paid_amount, 0
        ) as insurer_paid_amount,
        coalesce(
            payments_by_bill.patient_paid_amount, 0
        ) as patient_paid_amount
    from bills
    left join payments_by_bill
        on bills.bill_id = payments_by_bill.bill_id
),

classified as (
    select
        *,
        insurer_paid_amount = insurance_covered_amount
        and patient_paid_amount
        = patient_responsibility_amount - written_off_amount
        and written_off_amount = 0 as is_fully_paid,
        insurer_paid_amount + patient_paid_amount > 0 as has_payments
    from bill_settlement
),

final as (
    select *
    from classified
    where
        (bill_status = 'paid') != is_fully_paid
        or (bill_status = 'written off') != (written_off_amount > 0)
        or (bill_status = 'open' and has_payments)
        or (bill_status = 'partially paid' and not has_payments)
)

select * from final
