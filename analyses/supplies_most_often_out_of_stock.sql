-- Which items run out? The twenty supplies with the most stock-out days,
-- with their reorder policy and preferred vendor.
with

inventory as (
    select * from {{ ref('fct_inventory_daily') }}
),

supplies as (
    select * from {{ ref('dim_supplies') }}
),

stock_outs as (
    select
        supply_id,
        sum(case when is_stock_out then 1 else 0 end) as stock_out_days,
        round(avg(days_of_supply), 1) as average_days_of_supply
    from inventory
    group by supply_id
),

final as (
    select
        supplies.supply_name,
        supplies.supply_category_code,
        supplies.reorder_level_quantity,
        supplies.reorder_quantity,
        supplies.lead_time_days,
        supplies.preferred_vendor_name,
        stock_outs.stock_out_days,
        stock_outs.average_days_of_supply
    from stock_outs
    inner join supplies
        on stock_outs.supply_id = supplies.supply_id
    where stock_outs.stock_out_days > 0
)

select * from final
order by stock_out_days desc, supply_name
limit 20
