-- docs/data_model.md invariant 13: every receipt in the daily inventory (a
-- received quantity, with its purchase order number) is invoiced exactly
-- once, by the supply's preferred vendor, for the received quantity x the
-- supply's unit cost; and every invoice is for a receipt.
-- Returns the receipts and invoices that break this.
with

inventory as (
    select * from {{ ref('stg_ehp__invn') }}
),

supplies as (
    select * from {{ ref('stg_ehp__sply') }}
),

vendor_invoices as (
    select * from {{ ref('stg_ehp__vpmt') }}
),

receipts as (
    select
        inventory.inventory_id,
        inventory.purchase_order_number,
        inventory.received_quantity,
        supplies.preferred_vendor_id,
        inventory.received_quantity * supplies.unit_cost_amount
            as expected_invoice_amount
    from inventory
    inner join supplies
        on inventory.supply_id = supplies.supply_id
    where
        inventory.received_quantity > 0
        or inventory.purchase_order_number is not null
),

invoices_per_order as (
    select
        purchase_order_number,
        count(*) as invoice_count,
        min(vendor_id) as vendor_id,
        sum(invoice_amount) as invoice_amount
    from vendor_invoices
    group by purchase_order_number
),

receipts_per_order as (
    select
        purchase_order_number,
        count(*) as receipt_count
    from receipts
    group by purchase_order_number
),

receipt_checks as (
    select
        'receipt' as record_name,
        receipts.inventory_id as record_id,
        receipts.purchase_order_number,
        receipts.received_quantity,
        receipts.expected_invoice_amount,
        invoices_per_order.invoice_amount,
        receipts.preferred_vendor_id,
        invoices_per_order.vendor_id,
        coalesce(invoices_per_order.invoice_count, 0) as invoice_count
    from receipts
    left join invoices_per_order
        on
            receipts.purchase_order_number
            = invoices_per_order.purchase_order_number
    where
        receipts.purchase_order_number is null
        or receipts.received_quantity <= 0
        or coalesce(invoices_per_order.invoice_count, 0) != 1
        or invoices_per_order.vendor_id != receipts.preferred_vendor_id
        or invoices_per_order.invoice_amount
        != receipts.expected_invoice_amount
),

unmatched_invoices as (
    select
        'invoice without a receipt' as record_name,
        vendor_invoices.vendor_invoice_id as record_id,
        vendor_invoices.purchase_order_number,
        cast(null as {{ dbt.type_bigint() }}) as received_quantity,
        cast(null as {{ dbt.type_numeric() }}) as expected_invoice_amount,
        vendor_invoices.invoice_amount,
        cast(null as {{ dbt.type_string() }}) as preferred_vendor_id,
        vendor_invoices.vendor_id,
        cast(null as {{ dbt.type_bigint() }}) as invoice_count
    from vendor_invoices
    left join receipts_per_order
        on
            vendor_invoices.purchase_order_number
            = receipts_per_order.purchase_order_number
    where coalesce(receipts_per_order.receipt_count, 0) != 1
),

final as (
    select * from receipt_checks
    union all
    select * from unmatched_invoices
)

select * from final
