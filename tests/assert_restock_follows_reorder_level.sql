-- docs/data_model.md invariant 14: restocking follows the reorder level with a
-- lead time: every receipt brings the supply's reorder quantity, ordered
-- the supply's lead time earlier on a day whose closing stock fell below
-- the reorder level. Returns the receipts that do not fit. The extract holds
-- each supply's settings as of its end date, in force since the review that
-- last changed them (record_updated_at): receipts ordered from that day on
-- are checked against them; earlier ones were ordered under earlier settings
-- (snp_supplies keeps them in the feed), so only their order day is checked.
with

inventory as (
    select * from {{ ref('stg_ehp__invn') }}
),

supplies as (
    select * from {{ ref('stg_ehp__sply') }}
),

receipts as (
    select
        inventory.inventory_id,
        inventory.supply_id,
        inventory.inventory_date,
        inventory.received_quantity,
        supplies.reorder_quantity,
        supplies.reorder_level_quantity,
        supplies.lead_time_days,
        cast(supplies.record_updated_at as date) as settings_since_date,
        cast({{ dbt.dateadd(
            'day', '-supplies.lead_time_days', 'inventory.inventory_date'
        ) }} as date) as ordered_date
    from inventory
    inner join supplies
        on inventory.supply_id = supplies.supply_id
    where inventory.received_quantity > 0
),

final as (
    select
        receipts.*,
        order_day.closing_quantity as ordered_day_closing_quantity
    from receipts
    left join inventory as order_day
        on
            receipts.supply_id = order_day.supply_id
            and receipts.ordered_date = order_day.inventory_date
    where
        order_day.closing_quantity is null
        or (
            receipts.ordered_date >= receipts.settings_since_date
            and (
                receipts.received_quantity != receipts.reorder_quantity
                or order_day.closing_quantity
                >= receipts.reorder_level_quantity
            )
        )
)

select * from final
