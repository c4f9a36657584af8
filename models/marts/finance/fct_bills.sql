with

bills as (
    select * from {{ ref('int_bills_aged') }}
),

insurance_policies as (
    select * from {{ ref('stg_ehp__insr') }}
),

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

final as (
    select
        bills.bill_id,
        bills.bill_number,
        bills.visit_id,
        bills.patient_id,
        bills.insurance_policy_id,
        visits.department_id,
        visits.visit_type,
        coalesce(insurance_policies.payer_type, 'self-pay') as payer_type,
        bills.claim_number,
        bills.bill_status,
        bills.bill_date,
        bills.due_date,
        bills.total_charge_amount,
        bills.insurance_covered_amount,
        bills.contractual_adjustment_amount,
        bills.patient_responsibility_amount,
        bills.expected_amount,
        bills.insurer_paid_amount,
        bills.patient_paid_amount,
        bills.paid_amount,
        bills.written_off_amount,
        bills.balance_amount,
        bills.payment_count,
        bills.first_payment_date,
        bills.last_payment_date,
        bills.is_settled,
        bills.written_off_amount > 0 as is_written_off,
        bills.days_to_settle,
        bills.days_since_bill,
        bills.aging_bucket,
        bills.as_of_date
    from bills
    inner join visits
        on bills.visit_id = visits.visit_id
    left join insurance_policies
        on bills.insurance_policy_id = insurance_policies.insurance_policy_id
)

select * from final
