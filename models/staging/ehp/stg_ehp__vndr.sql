with

source as (
    select * from {{ ehp_source('vndr') }}
),

renamed as (
    select
        ----------  ids
        vndr_id as vendor_id,
        ----------  text
        vndr_nm as vendor_name,
        case vndr_ctgy_cd
            when 'PHRM' then 'pharmaceutical'
            when 'MSRG' then 'medical-surgical supply'
            when 'EQPT' then 'equipment'
            when 'LAB' then 'laboratory'
            when 'SRVC' then 'services'
            else vndr_ctgy_cd
        end as vendor_category,
        vndr_tax_id as tax_id,
        vndr_cntct_nm as contact_name,
        vndr_phn_no as phone_number,
        lower(vndr_email_addr) as email_address,
        vndr_addr_ln1 as address_line_1,
        vndr_city_nm as city,
        vndr_st_cd as state_code,
        vndr_zip_cd as zip_code,
        ----------  numerics
        case vndr_pymt_trms_cd
            when 'NET30' then 30
            when 'NET45' then 45
            when 'NET60' then 60
            when 'NET90' then 90
        end as payment_terms_days,
        ----------  dates
        cast(vndr_onbrd_dt as date) as onboarding_date,
        ----------  timestamps
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at,
        ----------  booleans
        coalesce(vndr_actv_flg = 'Y', false) as is_active
    from source
)

select * from renamed
