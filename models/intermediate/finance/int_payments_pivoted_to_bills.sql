-- Payments received up to the as-of date, summed per bill and split by who
-- paid (insurer or patient).
with

payments as (
    select * from {{ ref('stg_ehp__pmnt') }}
),

extract_dates as (
    select * from {{ ref('int_extract_dates_derived') }}
),

payments_to_date as (
    select payments.*
    from payments
    cross join extract_dates
    where payments.payment_date <= extract_dates.as_of_date
),

final as (
    select
        bill_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as payment_count,
        cast(
            sum(
                case
                    when payer_type = 'insurer' then payment_amount else 0
                end
            ) as decimal(14, 2)
        ) as insurer_paid_amount,
        cast(
            sum(
                case
                    when payer_type = 'patient' then payment_amount else 0
                end
            ) as decimal(14, 2)
        ) as patient_paid_amount,
        cast(sum(payment_amount) as decimal(14, 2)) as paid_amount,
        min(payment_date) as first_payment_date,
        max(payment_date) as last_payment_date
    from payments_to_date
    group by bill_id
)

select * from final
