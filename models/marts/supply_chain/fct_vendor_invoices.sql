with

vendor_invoices as (
    select * from {{ ref('int_vendor_invoices_measured') }}
),

vendors as (
    select * from {{ ref('stg_ehp__vndr') }}
),

final as (
    select
        vendor_invoices.vendor_invoice_id,
        vendor_invoices.vendor_id,
        vendors.vendor_category,
        vendors.payment_terms_days,
        vendor_invoices.invoice_number,
        vendor_invoices.purchase_order_number,
        vendor_invoices.payment_method,
        vendor_invoices.payment_status,
        vendor_invoices.invoice_date,
        vendor_invoices.due_date,
        vendor_invoices.payment_date,
        vendor_invoices.invoice_amount,
        vendor_invoices.paid_amount,
        vendor_invoices.is_paid,
        vendor_invoices.days_to_pay,
        vendor_invoices.days_paid_late,
        vendor_invoices.is_paid_late,
        vendor_invoices.is_overdue_at_as_of
    from vendor_invoices
    inner join vendors
        on vendor_invoices.vendor_id = vendors.vendor_id
)

select * from final
