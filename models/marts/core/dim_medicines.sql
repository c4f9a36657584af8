with

medicines as (
    select * from {{ ref('stg_ehp__mdcn') }}
),

vendors as (
    select * from {{ ref('stg_ehp__vndr') }}
),

final as (
    select
        medicines.medicine_id,
        medicines.formulary_code,
        medicines.brand_name,
        medicines.generic_name,
        medicines.therapeutic_class_code,
        medicines.drug_class_code,
        medicines.drug_schedule,
        medicines.drug_schedule like 'schedule%' as is_controlled_substance,
        medicines.dosage_form,
        medicines.strength_quantity,
        medicines.strength_unit,
        medicines.default_route,
        medicines.storage_requirement,
        medicines.unit_cost_amount,
        medicines.manufacturer_vendor_id,
        vendors.vendor_name as manufacturer_name,
        medicines.is_on_formulary
    from medicines
    left join vendors
        on medicines.manufacturer_vendor_id = vendors.vendor_id
)

select * from final
