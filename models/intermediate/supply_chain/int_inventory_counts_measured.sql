-- Each daily count with the item's average daily use over the trailing 30
-- days (the day and the 29 before; fewer at the start of the window) and
-- how many days the closing stock lasts at that pace.
with

inventory_counts as (
    select * from {{ ref('stg_ehp__invn') }}
),

supplies as (
    select * from {{ ref('stg_ehp__sply') }}
),

trailing_use as (
    select
        inventory_counts.*,
        avg(
            cast(inventory_counts.used_quantity as {{ ehp_type_float() }})
        ) over (
            partition by inventory_counts.supply_id
            order by inventory_counts.inventory_date
            rows between 29 preceding and current row
        ) as average_daily_use_30_days
    from inventory_counts
),

final as (
    select
        trailing_use.inventory_id,
        trailing_use.supply_id,
        trailing_use.inventory_date,
        trailing_use.opening_quantity,
        trailing_use.received_quantity,
        trailing_use.used_quantity,
        trailing_use.adjustment_quantity,
        trailing_use.closing_quantity,
        trailing_use.purchase_order_number,
        trailing_use.verified_by_staff_id,
        trailing_use.verified_at,
        trailing_use.verification_status,
        supplies.reorder_level_quantity,
        trailing_use.average_daily_use_30_days,
        case
            when trailing_use.average_daily_use_30_days > 0
                then
                    trailing_use.closing_quantity
                    / trailing_use.average_daily_use_30_days
        end as days_of_supply,
        trailing_use.closing_quantity = 0 as is_stock_out,
        trailing_use.closing_quantity
        <= supplies.reorder_level_quantity as is_at_or_below_reorder_level,
        trailing_use.received_quantity > 0 as has_receipt
    from trailing_use
    inner join supplies
        on trailing_use.supply_id = supplies.supply_id
)

select * from final
