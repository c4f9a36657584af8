with

vendors as (
    select * from {{ ref('stg_ehp__vndr') }}
),

supplies as (
    select * from {{ ref('stg_ehp__sply') }}
),

medicines as (
    select * from {{ ref('stg_ehp__mdcn') }}
),

supplies_by_vendor as (
    select
        preferred_vendor_id as vendor_id,
        count(*) as supply_count
    from supplies
    group by preferred_vendor_id
),

medicines_by_vendor as (
    select
        manufacturer_vendor_id as vendor_id,
        count(*) as medicine_count
    from medicines
    group by manufacturer_vendor_id
),

final as (
    select
        vendors.vendor_id,
        vendors.vendor_name,
        vendors.vendor_category,
        vendors.city,
        vendors.state_code,
        vendors.payment_terms_days,
        vendors.onboarding_date,
        vendors.is_active,
        coalesce(supplies_by_vendor.supply_count, 0) as supply_count,
        coalesce(medicines_by_vendor.medicine_count, 0) as medicine_count
    from vendors
    left join supplies_by_vendor
        on vendors.vendor_id = supplies_by_vendor.vendor_id
    left join medicines_by_vendor
        on vendors.vendor_id = medicines_by_vendor.vendor_id
)

select * from final
