with

source as (
    select * from {{ ehp_source('eqpm') }}
),

renamed as (
    select
        ----------  ids
        eqpm_id as equipment_id,
        dpmt_id as department_id,
        roms_id as room_id,
        eqpm_splr_vndr_id as supplier_vendor_id,
        ----------  text
        eqpm_asst_tag as asset_tag,
        eqpm_typ_cd as equipment_type_code,
        eqpm_nm as equipment_name,
        eqpm_mfr_nm as manufacturer_name,
        eqpm_mdl_nm as model_name,
        eqpm_srl_no as serial_number,
        case eqpm_sts_cd
            when 'INSV' then 'in service'
            when 'MNT' then 'in maintenance'
            when 'RTRD' then 'retired'
            else eqpm_sts_cd
        end as equipment_status,
        ----------  numerics
        cast(eqpm_prch_cst_amt as decimal(14, 2)) as purchase_cost_amount,
        ----------  dates
        cast(eqpm_prch_dt as date) as purchase_date,
        cast(eqpm_wrnty_end_dt as date) as warranty_end_date,
        cast(eqpm_last_mnt_dt as date) as last_maintenance_date,
        cast(eqpm_next_mnt_dt as date) as next_maintenance_date,
        ----------  timestamps
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at
    from source
)

select * from renamed
