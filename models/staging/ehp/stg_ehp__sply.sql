with

source as (
    select * from {{ ehp_source('sply') }}
),

renamed as (
    select
        ----------  ids
        sply_id as supply_id,
        sply_prf_vndr_id as preferred_vendor_id,
        ----------  text
        sply_sku as stock_keeping_unit,
        sply_nm as supply_name,
        sply_ctgy_cd as supply_category_code,
        case sply_uom_cd
            when 'EA' then 'each'
            when 'BX' then 'box'
            when 'CS' then 'case'
            when 'PK' then 'pack'
            when 'BT' then 'bottle'
            when 'RL' then 'roll'
            else sply_uom_cd
        end as unit_of_measure,
        sply_strg_loc_cd as storage_location_code,
        ----------  numerics
        cast(sply_unit_cst_amt as decimal(14, 2)) as unit_cost_amount,
        cast(
            sply_rord_lvl_qty as {{ dbt.type_bigint() }}
        ) as reorder_level_quantity,
        cast(sply_rord_qty as {{ dbt.type_bigint() }}) as reorder_quantity,
        cast(sply_lead_days as {{ dbt.type_bigint() }}) as lead_time_days,
        ----------  timestamps
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at,
        ----------  booleans
        coalesce(sply_latx_flg = 'Y', false) as has_latex
    from source
)

select * from renamed
