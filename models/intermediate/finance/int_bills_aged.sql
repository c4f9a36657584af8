-- What is still owed on each bill on the as-of date and how old it is.
-- Expected: the insurer's covered amount plus the patient's share (the
-- contractual adjustment is never collected). Balance: expected less
-- payments and write-offs. Aging counts days since the bill date.
with

bills as (
    select * from {{ ref('stg_ehp__bill') }}
),

bill_payments as (
    select * from {{ ref('int_payments_pivoted_to_bills') }}
),

extract_dates as (
    select * from {{ ref('int_extract_dates_derived') }}
),

bills_paid as (
    select
        bills.*,
        coalesce(bill_payments.payment_count, 0) as payment_count,
        coalesce(
            bill_payments.insurer_paid_amount, 0
        ) as insurer_paid_amount,
        coalesce(
            bill_payments.patient_paid_amount, 0
        ) as patient_paid_amount,
        coalesce(bill_payments.paid_amount, 0) as paid_amount,
        bill_payments.first_payment_date,
        bill_payments.last_payment_date,
        extract_dates.as_of_date
    from bills
    left join bill_payments
        on bills.bill_id = bill_payments.bill_id
    cross join extract_dates
),

balances as (
    select
        *,
        insurance_covered_amount
        + patient_responsibility_amount as expected_amount,
        insurance_covered_amount
        + patient_responsibility_amount
        - coalesce(written_off_amount, 0)
        - paid_amount as balance_amount,
        {{ ehp_datediff('bill_date', 'as_of_date', 'day') }}
            as days_since_bill
    from bills_paid
),

final as (
    select
        bill_id,
        bill_number,
        visit_id,
        patient_id,
        insurance_policy_id,
        claim_number,
        bill_status,
        bill_date,
        due_date,
        total_charge_amount,
        insurance_covered_amount,
        contractual_adjustment_amount,
        patient_responsibility_amount,
        coalesce(written_off_amount, 0) as written_off_amount,
        cast(expected_amount as decimal(14, 2)) as expected_amount,
        cast(insurer_paid_amount as decimal(14, 2)) as insurer_paid_amount,
        cast(patient_paid_amount as decimal(14, 2)) as patient_paid_amount,
        cast(paid_amount as decimal(14, 2)) as paid_amount,
        cast(balance_amount as decimal(14, 2)) as balance_amount,
        cast(payment_count as {{ dbt.type_bigint() }}) as payment_count,
        first_payment_date,
        last_payment_date,
        balance_amount = 0 as is_settled,
        case
            when balance_amount = 0
                then {{ ehp_datediff('bill_date', 'last_payment_date', 'day') }}
        end as days_to_settle,
        days_since_bill,
        case
            when balance_amount = 0 then 'settled'
            when days_since_bill <= 30 then '0-30'
            when days_since_bill <= 60 then '31-60'
            when days_since_bill <= 90 then '61-90'
            when days_since_bill <= 120 then '91-120'
            else '121+'
        end as aging_bucket,
        as_of_date
    from balances
)

select * from final
