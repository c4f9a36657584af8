-- docs/data_model.md invariant 12: the insurer never pays more than it covers,
-- and the patient never pays more than their responsibility less what was
-- written off. Returns the bills paid beyond either limit.
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

final as (
    select
        bills.bill_id,
        bills.insurance_covered_amount,
        payments_by_bill.insurer_paid_amount,
        bills.patient_responsibility_amount,
        bills.written_off_amount,
        payments_by_bill.patient_paid_amount
    from bills
    inner join payments_by_bill
        on bills.bill_id = payments_by_bill.bill_id
    where
        payments_by_bill.insurer_paid_amount > bills.insurance_covered_amount
        or payments_by_bill.patient_paid_amount
        > bills.patient_responsibility_amount - bills.written_off_amount
)

select * from final
