with

source as (
    select * from {{ ehp_source('diag') }}
),

renamed as (
    select
        ----------  ids
        diag_id as diagnosis_id,
        vist_id as visit_id,
        diag_by_stff_id as diagnosed_by_staff_id,
        ----------  text
        diag_icd10_cd as icd10_code,
        diag_desc_txt as diagnosis_description,
        case diag_typ_cd
            when 'ADMT' then 'admitting'
            when 'PRIM' then 'primary'
            when 'SECD' then 'secondary'
            else diag_typ_cd
        end as diagnosis_type,
        case diag_poa_cd
            when 'Y' then 'yes'
            when 'N' then 'no'
            when 'U' then 'unknown'
            when 'W' then 'clinically undetermined'
            else diag_poa_cd
        end as present_on_admission,
        ----------  numerics
        cast(diag_seq_no as {{ dbt.type_bigint() }}) as sequence_number,
        ----------  dates
        cast(diag_dt as date) as diagnosis_date,
        ----------  timestamps
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at
    from source
)

select * from renamed
