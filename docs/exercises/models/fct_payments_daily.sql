-- Exercise 10: an incremental model, one row per day with payments: the first
-- run builds every day; each later run reprocesses only the days from the last
-- one it holds (a late payment may still land on it) and merges them by date.
{{ config(materialized='incremental', unique_key='payment_date', schema='exercises') }}

with

payments as (
    select * from {{ ref('fct_payments') }}
    {% if is_incremental() %}
        where payment_date >= (select max(payment_date) from {{ this }})
    {% endif %}
),

final as (
    select
        payment_date,
        count(*) as payment_count,
        sum(payment_amount) as payment_amount,
        sum(payment_amount) filter (where payer_type = 'insurer')
            as insurer_payment_amount
    from payments
    group by payment_date
)

select * from final
