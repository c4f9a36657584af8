with

source as (
    select * from {{ ehp_source('patn') }}
),

renamed as (
    select
        ----------  ids
        patn_id as patient_id,
        patn_mthr_patn_id as mother_patient_id,
        ----------  text
        patn_mrn as medical_record_number,
        patn_frst_nm as first_name,
        patn_mdl_nm as middle_name,
        patn_last_nm as last_name,
        case patn_sex_cd
            when 'F' then 'female'
            when 'M' then 'male'
            else patn_sex_cd
        end as sex,
        patn_ssn_no as social_security_number,
        patn_addr_ln1 as address_line_1,
        patn_city_nm as city,
        patn_st_cd as state_code,
        patn_zip_cd as zip_code,
        patn_phn_no as phone_number,
        lower(patn_email_addr) as email_address,
        case {{ ehp_clean_code('patn_mrtl_sts_cd') }}
            when 'S' then 'single'
            when 'M' then 'married'
            when 'D' then 'divorced'
            when 'W' then 'widowed'
            when 'P' then 'domestic partner'
            else {{ ehp_clean_code('patn_mrtl_sts_cd') }}
        end as marital_status,
        patn_bld_typ_cd as blood_type,
        case patn_lang_cd
            when 'EN' then 'English'
            when 'ES' then 'Spanish'
            when 'ZH' then 'Chinese'
            when 'VI' then 'Vietnamese'
            when 'TL' then 'Tagalog'
            when 'AR' then 'Arabic'
            when 'FR' then 'French'
            when 'KO' then 'Korean'
            when 'RU' then 'Russian'
            when 'HT' then 'Haitian Creole'
            else patn_lang_cd
        end as preferred_language,
        patn_emrg_cntct_nm as emergency_contact_name,
        patn_emrg_cntct_phn_no as emergency_contact_phone_number,
        case patn_emrg_cntct_rel_cd
            when 'SPS' then 'spouse'
            when 'PAR' then 'parent'
            when 'CHD' then 'child'
            when 'SIB' then 'sibling'
            when 'FRD' then 'friend'
            when 'OTH' then 'other'
            else patn_emrg_cntct_rel_cd
        end as emergency_contact_relationship,
        ----------  dates
        cast(patn_brth_dt as date) as birth_date,
        cast(patn_rgst_dt as date) as registration_date,
        cast(patn_dth_dt as date) as death_date,
        ----------  timestamps
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at,
        ----------  booleans
        coalesce(patn_actv_flg = 'Y', false) as is_active
    from source
)

select * from renamed
