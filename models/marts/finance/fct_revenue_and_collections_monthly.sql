-- Two bases, as hospital finance reports them: charges, adjustments and
-- write-offs by the month of the bill; collections by the month the cash
-- came in.
with

bills as (
    select * from {{ ref('fct_bills') }}
),

payments as (
    select * from {{ ref('fct_payments') }}
),

charges_by_month as (
    select
        cast({{ dbt.date_trunc('month', 'bill_date') }} as date)
            as month_start_date,
        payer_type,
        count(*) as bill_count,
        sum(total_charge_amount) as gross_charge_amount,
        sum(contractual_adjustment_amount) as contractual_adjustment_amount,
        sum(expected_amount) as net_revenue_amount,
        sum(written_off_amount) as written_off_amount,
        sum(case when is_written_off then 1 else 0 end) as written_off_count
    from bills
    group by
        cast({{ dbt.date_trunc('month', 'bill_date') }} as date),
        payer_type
),

collections_by_month as (
    select
        cast({{ dbt.date_trunc('month', 'payment_date') }} as date)
            as month_start_date,
        bill_payer_type as payer_type,
        sum(
            case when payer_type = 'insurer' then payment_amount else 0 end
        ) as insurer_collection_amount,
        sum(
            case when payer_type = 'patient' then payment_amount else 0 end
        ) as patient_collection_amount,
        sum(payment_amount) as collection_amount
    from payments
    group by
        cast({{ dbt.date_trunc('month', 'payment_date') }} as date),
        bill_payer_type
),

months_and_payers as (
    select
        month_start_date,
        payer_type
    from charges_by_month
    union
    select
        month_start_date,
        payer_type
    from collections_by_month
),

final as (
    select
        months_and_payers.month_start_date,
        months_and_payers.payer_type,
        cast(
            coalesce(charges_by_month.bill_count, 0) as {{ dbt.type_bigint() }}
        ) as bill_count,
        cast(
            coalesce(charges_by_month.gross_charge_amount, 0) as decimal(14, 2)
        ) as gross_charge_amount,
        cast(
            coalesce(charges_by_month.contractual_adjustment_amount, 0)
            as decimal(14, 2)
        ) as contractual_adjustment_amount,
        cast(
            coalesce(charges_by_month.net_revenue_amount, 0) as decimal(14, 2)
        ) as net_revenue_amount,
        cast(
            coalesce(charges_by_month.written_off_count, 0)
            as {{ dbt.type_bigint() }}
        ) as written_off_count,
        cast(
            coalesce(charges_by_month.written_off_amount, 0) as decimal(14, 2)
        ) as written_off_amount,
        cast(
            coalesce(collections_by_month.insurer_collection_amount, 0)
            as decimal(14, 2)
        ) as insurer_collection_amount,
        cast(
            coalesce(collections_by_month.patient_collection_amount, 0)
            as decimal(14, 2)
        ) as patient_collection_amount,
        cast(
            coalesce(collections_by_month.collection_amount, 0)
            as decimal(14, 2)
        ) as collection_amount
    from months_and_payers
    left join charges_by_month
        on
            months_and_payers.month_start_date
            = charges_by_month.month_start_date
            and months_and_payers.payer_type = charges_by_month.payer_type
    left join collections_by_month
        on
            months_and_payers.month_start_date
            = collections_by_month.month_start_date
            and months_and_payers.payer_type = collections_by_month.payer_type
)

select * from final
