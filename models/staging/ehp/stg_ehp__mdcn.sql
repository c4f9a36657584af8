with

source as (
    select * from {{ ehp_source('mdcn') }}
),

renamed as (
    select
        ----------  ids
        mdcn_id as medicine_id,
        mdcn_mfr_vndr_id as manufacturer_vendor_id,
        ----------  text
        mdcn_frml_cd as formulary_code,
        mdcn_brnd_nm as brand_name,
        mdcn_gnrc_nm as generic_name,
        mdcn_thrp_cls_cd as therapeutic_class_code,
        mdcn_drug_cls_cd as drug_class_code,
        case mdcn_schd_cd
            when 'RX' then 'prescription'
            when 'OTC' then 'over the counter'
            when 'C2' then 'schedule II'
            when 'C3' then 'schedule III'
            when 'C4' then 'schedule IV'
            when 'C5' then 'schedule V'
            else mdcn_schd_cd
        end as drug_schedule,
        case mdcn_form_cd
            when 'TAB' then 'tablet'
            when 'CAP' then 'capsule'
            when 'INJ' then 'injection'
            when 'SOL' then 'solution'
            when 'SUSP' then 'suspension'
            when 'CRM' then 'cream'
            when 'INH' then 'inhaler'
            when 'PTCH' then 'patch'
            else mdcn_form_cd
        end as dosage_form,
        case mdcn_strngth_unit_cd
            when 'MG' then 'mg'
            when 'MCG' then 'mcg'
            when 'MG_ML' then 'mg/mL'
            when 'UNIT_ML' then 'units/mL'
            when 'PCT' then '%'
            else mdcn_strngth_unit_cd
        end as strength_unit,
        {{ decode_route('mdcn_route_cd') }} as default_route,
        case mdcn_strg_cd
            when 'ROOM' then 'room temperature'
            when 'REFR' then 'refrigerated'
            when 'FRZN' then 'frozen'
            when 'VAULT' then 'controlled vault'
            else mdcn_strg_cd
        end as storage_requirement,
        ----------  numerics
        cast(mdcn_strngth_qty as decimal(14, 3)) as strength_quantity,
        cast(mdcn_unit_cst_amt as decimal(14, 2)) as unit_cost_amount,
        ----------  timestamps
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at,
        ----------  booleans
        coalesce(mdcn_actv_flg = 'Y', false) as is_on_formulary
    from source
)

select * from renamed
