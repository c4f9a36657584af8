-- docs/data_model.md invariant 13: vendor invoices follow the vendor's payment
-- terms: due the terms' number of days after the invoice date; a paid
-- invoice is paid in full, not before it was issued, with a payment date
-- and method; an unpaid one has neither and no amount paid. (Lateness
-- itself is a realism rate, measured by the generator's tests.)
-- Returns the invoices that break this.
with

vendors as (
    select * from {{ ref('stg_ehp__vndr') }}
),

vendor_invoices as (
    select * from {{ ref('stg_ehp__vpmt') }}
),

invoices_with_terms as (
    select
        vendor_invoices.vendor_invoice_id,
        vendor_invoices.vendor_id,
        vendor_invoices.payment_status,
        vendor_invoices.invoice_date,
        vendor_invoices.due_date,
        vendor_invoices.payment_date,
        vendor_invoices.payment_method,
        vendor_invoices.invoice_amount,
        vendor_invoices.paid_amount,
        vendors.payment_terms_days,
        {{ dbt.dateadd(
            'day', 'vendors.payment_terms_days', 'vendor_invoices.invoice_date'
        ) }} as terms_due_date
    from vendor_invoices
    inner join vendors
        on vendor_invoices.vendor_id = vendors.vendor_id
),

final as (
    select *
    from invoices_with_terms
    where
        due_date != cast(terms_due_date as date)
        or (
            payment_status = 'paid'
            and (
                payment_date is null
                or payment_method is null
                or payment_date < invoice_date
                or paid_amount != invoice_amount
            )
        )
        or (
            payment_status != 'paid'
            and (
                payment_date is not null
                or payment_method is not null
                or paid_amount != 0
            )
        )
)

select * from final
