-- How long do insurers take to pay? Insurer payments by payer type, days
-- after the bill (docs/data_model.md: 30-60 days).
with

payments as (
    select * from {{ ref('fct_payments') }}
),

final as (
    select
        bill_payer_type,
        count(*) as insurer_payments,
        min(days_after_bill) as fastest_days,
        round(avg(days_after_bill), 1) as average_days,
        max(days_after_bill) as slowest_days
    from payments
    where payer_type = 'insurer'
    group by bill_payer_type
)

select * from final
order by average_days
