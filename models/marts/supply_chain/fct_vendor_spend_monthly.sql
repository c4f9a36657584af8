with

vendor_invoices as (
    select * from {{ ref('fct_vendor_invoices') }}
),

vendors as (
    select * from {{ ref('stg_ehp__vndr') }}
),

spend_by_month as (
    select
        cast({{ dbt.date_trunc('month', 'invoice_date') }} as date)
            as month_start_date,
        vendor_id,
        count(*) as invoice_count,
        sum(invoice_amount) as invoiced_amount,
        sum(coalesce(paid_amount, 0)) as paid_amount,
        sum(case when is_paid_late then 1 else 0 end) as paid_late_count,
        avg(cast(days_to_pay as {{ ehp_type_float() }})) as average_days_to_pay
    from vendor_invoices
    group by
        cast({{ dbt.date_trunc('month', 'invoice_date') }} as date),
        vendor_id
),

final as (
    select
        spend_by_month.month_start_date,
        spend_by_month.vendor_id,
        vendors.vendor_name,
        vendors.vendor_category,
        cast(
            spend_by_month.invoice_count as {{ dbt.type_bigint() }}
        ) as invoice_count,
        cast(spend_by_month.invoiced_amount as decimal(14, 2))
            as invoiced_amount,
        cast(spend_by_month.paid_amount as decimal(14, 2)) as paid_amount,
        cast(
            spend_by_month.paid_late_count as {{ dbt.type_bigint() }}
        ) as paid_late_count,
        spend_by_month.average_days_to_pay
    from spend_by_month
    inner join vendors
        on spend_by_month.vendor_id = vendors.vendor_id
)

select * from final
