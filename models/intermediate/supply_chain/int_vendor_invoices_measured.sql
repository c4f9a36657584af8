-- How fast each vendor invoice was paid against its terms, and whether it
-- is overdue on the as-of date when unpaid.
with

vendor_invoices as (
    select * from {{ ref('stg_ehp__vpmt') }}
),

extract_dates as (
    select * from {{ ref('int_extract_dates_derived') }}
),

final as (
    select
        vendor_invoices.vendor_invoice_id,
        vendor_invoices.vendor_id,
        vendor_invoices.invoice_number,
        vendor_invoices.purchase_order_number,
        vendor_invoices.payment_method,
        vendor_invoices.payment_status,
        vendor_invoices.invoice_date,
        vendor_invoices.due_date,
        vendor_invoices.payment_date,
        vendor_invoices.invoice_amount,
        vendor_invoices.paid_amount,
        vendor_invoices.payment_date is not null as is_paid,
        {{ ehp_datediff(
            'vendor_invoices.invoice_date',
            'vendor_invoices.payment_date',
            'day'
        ) }} as days_to_pay,
        case
            when vendor_invoices.payment_date > vendor_invoices.due_date
                then {{ ehp_datediff(
                    'vendor_invoices.due_date',
                    'vendor_invoices.payment_date',
                    'day'
                ) }}
            when vendor_invoices.payment_date is not null then 0
        end as days_paid_late,
        coalesce(
            vendor_invoices.payment_date > vendor_invoices.due_date, false
        ) as is_paid_late,
        coalesce(
            vendor_invoices.payment_date is null
            and vendor_invoices.due_date < extract_dates.as_of_date,
            false
        ) as is_overdue_at_as_of
    from vendor_invoices
    cross join extract_dates
)

select * from final
