with

source as (
    select * from {{ ehp_source('trtm') }}
),

renamed as (
    select
        ----------  ids
        trtm_id as treatment_id,
        vist_id as visit_id,
        diag_id as diagnosis_id,
        trtm_prf_by_stff_id as performed_by_staff_id,
        roms_id as room_id,
        ----------  text
        trtm_cd as treatment_code,
        trtm_desc_txt as treatment_description,
        case trtm_typ_cd
            when 'PROC' then 'procedure'
            when 'SURG' then 'surgery'
            when 'THER' then 'therapy'
            when 'LAB' then 'lab test'
            when 'IMGN' then 'imaging'
            else trtm_typ_cd
        end as treatment_type,
        case trtm_outc_cd
            when 'SUCC' then 'successful'
            when 'PART' then 'partial'
            when 'COMP' then 'complication'
            when 'NORM' then 'normal result'
            when 'ABNL' then 'abnormal result'
            else trtm_outc_cd
        end as outcome,
        ----------  numerics
        cast(trtm_chrg_amt as decimal(14, 2)) as charge_amount,
        ----------  timestamps
        cast(trtm_strt_ts as {{ dbt.type_timestamp() }}) as started_at,
        cast(trtm_end_ts as {{ dbt.type_timestamp() }}) as ended_at,
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at
    from source
)

select * from renamed
