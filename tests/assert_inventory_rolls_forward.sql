-- docs/data_model.md invariant 14: each supply's stock rolls forward day by
-- day: closing = opening + received - used + adjustment, never below zero, and
-- each day opens with the previous day's closing, with no day missing. Returns
-- the inventory rows that break the chain.
with

inventory as (
    select * from {{ ref('stg_ehp__invn') }}
),

inventory_with_previous_day as (
    select
        inventory_id,
        supply_id,
        inventory_date,
        opening_quantity,
        received_quantity,
        used_quantity,
        adjustment_quantity,
        closing_quantity,
        lag(inventory_date) over (
            partition by supply_id order by inventory_date
        ) as previous_date,
        lag(closing_quantity) over (
            partition by supply_id order by inventory_date
        ) as previous_closing_quantity
    from inventory
),

final as (
    select *
    from inventory_with_previous_day
    where
        closing_quantity
        != opening_quantity + received_quantity - used_quantity
        + adjustment_quantity
        or closing_quantity < 0
        or received_quantity < 0
        or used_quantity < 0
        or opening_quantity != previous_closing_quantity
        or inventory_date
        != cast({{ dbt.dateadd('day', 1, 'previous_date') }} as date)
)

select * from final
