with

source as (
    select * from {{ ehp_source('ptal') }}
),

renamed as (
    select
        ----------  ids
        ptal_id as patient_allergy_id,
        patn_id as patient_id,
        algy_id as allergen_id,
        ptal_rcrd_by_stff_id as recorded_by_staff_id,
        ----------  text
        case ptal_svrty_cd
            when 'MILD' then 'mild'
            when 'MOD' then 'moderate'
            when 'SEV' then 'severe'
            else ptal_svrty_cd
        end as severity,
        case ptal_rctn_cd
            when 'RASH' then 'rash'
            when 'HIVES' then 'hives'
            when 'ANAPH' then 'anaphylaxis'
            when 'SWELL' then 'swelling'
            when 'GI' then 'gastrointestinal'
            when 'RESP' then 'respiratory'
            else ptal_rctn_cd
        end as reaction,
        case ptal_sts_cd
            when 'ACTV' then 'active'
            when 'INAC' then 'inactive'
            when 'RSLV' then 'resolved'
            else ptal_sts_cd
        end as allergy_status,
        ----------  dates
        cast(ptal_onst_dt as date) as onset_date,
        cast(ptal_rcrd_dt as date) as recorded_date,
        ----------  timestamps
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at
    from source
)

select * from renamed
