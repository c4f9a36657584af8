with

source as (
    select * from {{ ehp_source('dpmt') }}
),

renamed as (
    select
        ----------  ids
        dpmt_id as department_id,
        dpmt_head_stff_id as department_head_staff_id,
        ----------  text
        dpmt_cd as department_code,
        dpmt_nm as department_name,
        case dpmt_typ_cd
            when 'CLIN' then 'clinical'
            when 'SUPP' then 'support'
            when 'ADMN' then 'administrative'
            else dpmt_typ_cd
        end as department_type,
        dpmt_bldg_cd as building_code,
        dpmt_cst_ctr_cd as cost_center_code,
        dpmt_phn_no as phone_number,
        ----------  numerics
        cast(dpmt_flr_no as {{ dbt.type_bigint() }}) as floor_number,
        ----------  timestamps
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at,
        ----------  booleans
        coalesce(dpmt_actv_flg = 'Y', false) as is_active
    from source
)

select * from renamed
