-- Incremental in the daily feed (var ehp_feed, docs/feed.md): each run
-- rebuilds, per supply item, every count from the first one recorded or
-- changed since the last day landed less the lookback
-- (ehp_feed_changed_since): a late count changes the trailing averages of
-- the 29 days after it. Every count of an item whose cost or reorder level
-- changed is rebuilt too. A table otherwise.
-- depends_on: {{ ref('stg_ehp__invn') }}
{{ config(
    materialized=('incremental' if ehp_feed_on() else 'table'),
    unique_key='inventory_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

with

inventory_counts as (
    select * from {{ ref('int_inventory_counts_measured') }}
),

supplies as (
    select * from {{ ref('stg_ehp__sply') }}
),

final as (
    select
        inventory_counts.inventory_id,
        inventory_counts.supply_id,
        supplies.preferred_vendor_id,
        supplies.supply_category_code,
        inventory_counts.inventory_date,
        inventory_counts.opening_quantity,
        inventory_counts.received_quantity,
        inventory_counts.used_quantity,
        inventory_counts.adjustment_quantity,
        inventory_counts.closing_quantity,
        inventory_counts.reorder_level_quantity,
        cast(
            inventory_counts.closing_quantity * supplies.unit_cost_amount
            as decimal(14, 2)
        ) as closing_value_amount,
        inventory_counts.purchase_order_number,
        inventory_counts.verification_status,
        inventory_counts.verified_by_staff_id,
        inventory_counts.verified_at,
        inventory_counts.average_daily_use_30_days,
        inventory_counts.days_of_supply,
        inventory_counts.is_stock_out,
        inventory_counts.is_at_or_below_reorder_level,
        inventory_counts.has_receipt
    from inventory_counts
    inner join supplies
        on inventory_counts.supply_id = supplies.supply_id
    {% if ehp_feed_incremental() %}
        where
            supplies.record_updated_at >= {{ ehp_feed_changed_since() }}
            or inventory_counts.inventory_date >= (
                select min(inventory_records.inventory_date)
                from {{ ref('stg_ehp__invn') }} as inventory_records
                where
                    inventory_records.supply_id = inventory_counts.supply_id
                    and inventory_records.record_updated_at
                    >= {{ ehp_feed_changed_since() }}
            )
    {% endif %}
)

select * from final
