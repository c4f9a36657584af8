with

source as (
    select * from {{ ehp_source('stff') }}
),

renamed as (
    select
        ----------  ids
        stff_id as staff_id,
        dpmt_id as department_id,
        ----------  text
        stff_emp_no as employee_number,
        stff_frst_nm as first_name,
        stff_last_nm as last_name,
        case stff_sex_cd
            when 'F' then 'female'
            when 'M' then 'male'
            else stff_sex_cd
        end as sex,
        case stff_role_cd
            when 'PHYS' then 'physician'
            when 'SURG' then 'surgeon'
            when 'RN' then 'registered nurse'
            when 'NP' then 'nurse practitioner'
            when 'PA' then 'physician assistant'
            when 'PHRM' then 'pharmacist'
            when 'TECH' then 'technician'
            when 'THER' then 'therapist'
            when 'ADMN' then 'administrator'
            else stff_role_cd
        end as staff_role,
        stff_spclty_cd as specialty_code,
        stff_npi_no as national_provider_identifier,
        stff_lic_no as license_number,
        case stff_shft_cd
            when 'DAY' then 'day'
            when 'EVE' then 'evening'
            when 'NGT' then 'night'
            when 'ROT' then 'rotating'
            else stff_shft_cd
        end as shift,
        case stff_empl_typ_cd
            when 'FT' then 'full time'
            when 'PT' then 'part time'
            when 'PRN' then 'per diem'
            when 'CTR' then 'contractor'
            else stff_empl_typ_cd
        end as employment_type,
        lower(stff_email_addr) as email_address,
        stff_phn_no as phone_number,
        case stff_sts_cd
            when 'ACTV' then 'active'
            when 'LOA' then 'leave of absence'
            when 'TERM' then 'terminated'
            else stff_sts_cd
        end as employment_status,
        ----------  numerics
        cast(stff_annl_slry_amt as decimal(14, 2)) as annual_salary_amount,
        ----------  dates
        cast(stff_brth_dt as date) as birth_date,
        cast(stff_hire_dt as date) as hire_date,
        cast(stff_term_dt as date) as termination_date,
        ----------  timestamps
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at
    from source
)

select * from renamed
