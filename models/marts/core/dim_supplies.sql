with

supplies as (
    select * from {{ ref('stg_ehp__sply') }}
),

vendors as (
    select * from {{ ref('stg_ehp__vndr') }}
),

final as (
    select
        supplies.supply_id,
        supplies.stock_keeping_unit,
        supplies.supply_name,
        supplies.supply_category_code,
        supplies.unit_of_measure,
        supplies.unit_cost_amount,
        supplies.reorder_level_quantity,
        supplies.reorder_quantity,
        supplies.lead_time_days,
        supplies.storage_location_code,
        supplies.has_latex,
        supplies.preferred_vendor_id,
        vendors.vendor_name as preferred_vendor_name
    from supplies
    left join vendors
        on supplies.preferred_vendor_id = vendors.vendor_id
)

select * from final
