-- Accounts receivable on the as-of date: every open balance by the payer
-- type of its bill and its aging bucket, with every bucket listed even
-- when empty so the report always has the same shape.
with

bills as (
    select * from {{ ref('int_bills_aged') }}
),

insurance_policies as (
    select * from {{ ref('stg_ehp__insr') }}
),

extract_dates as (
    select * from {{ ref('int_extract_dates_derived') }}
),

payer_types as (
    select 'Medicare' as payer_type
    union all
    select 'Medicaid' as payer_type
    union all
    select 'commercial' as payer_type
    union all
    select 'self-pay' as payer_type
),

aging_buckets as (
    select
        '0-30' as aging_bucket,
        1 as bucket_order
    union all
    select
        '31-60' as aging_bucket,
        2 as bucket_order
    union all
    select
        '61-90' as aging_bucket,
        3 as bucket_order
    union all
    select
        '91-120' as aging_bucket,
        4 as bucket_order
    union all
    select
        '121+' as aging_bucket,
        5 as bucket_order
),

open_bills as (
    select
        bills.aging_bucket,
        bills.balance_amount,
        coalesce(insurance_policies.payer_type, 'self-pay') as payer_type
    from bills
    left join insurance_policies
        on bills.insurance_policy_id = insurance_policies.insurance_policy_id
    where bills.balance_amount > 0
),

balances_by_bucket as (
    select
        payer_type,
        aging_bucket,
        count(*) as open_bill_count,
        sum(balance_amount) as balance_amount
    from open_bills
    group by payer_type, aging_bucket
),

final as (
    select
        extract_dates.as_of_date,
        payer_types.payer_type,
        aging_buckets.aging_bucket,
        cast(aging_buckets.bucket_order as {{ dbt.type_int() }})
            as bucket_order,
        cast(
            coalesce(balances_by_bucket.open_bill_count, 0)
            as {{ dbt.type_bigint() }}
        ) as open_bill_count,
        cast(
            coalesce(balances_by_bucket.balance_amount, 0) as decimal(14, 2)
        ) as balance_amount
    from payer_types
    cross join aging_buckets
    cross join extract_dates
    left join balances_by_bucket
        on
            payer_types.payer_type = balances_by_bucket.payer_type
            and aging_buckets.aging_bucket = balances_by_bucket.aging_bucket
)

select * from final
