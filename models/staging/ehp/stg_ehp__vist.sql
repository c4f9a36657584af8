with

source as (
    select * from {{ ehp_source('vist') }}
),

renamed as (
    select
        ----------  ids
        vist_id as visit_id,
        patn_id as patient_id,
        appt_id as appointment_id,
        vist_atnd_stff_id as attending_staff_id,
        dpmt_id as department_id,
        roms_id as room_id,
        ----------  text
        case vist_typ_cd
            when 'OUTP' then 'outpatient'
            when 'INPT' then 'inpatient'
            when 'EMER' then 'emergency'
            when 'OBSV' then 'observation'
            when 'TELE' then 'telehealth'
            else vist_typ_cd
        end as visit_type,
        case vist_admt_src_cd
            when 'CLIN' then 'clinic'
            when 'ED' then 'emergency department'
            when 'REF' then 'referral'
            when 'TRNS' then 'transfer'
            when 'SELF' then 'self-referral'
            when 'BRTH' then 'born in the hospital'
            else vist_admt_src_cd
        end as admission_source,
        case vist_dsch_disp_cd
            when 'HOME' then 'home'
            when 'HHC' then 'home health care'
            when 'SNF' then 'skilled nursing facility'
            when 'TRNS' then 'transfer'
            when 'AMA' then 'left against medical advice'
            when 'EXPD' then 'expired'
            when 'ADMT' then 'admitted as inpatient'
            else vist_dsch_disp_cd
        end as discharge_disposition,
        vist_chf_cmplt_txt as chief_complaint,
        ----------  numerics
        cast(
            vist_esi_lvl as {{ dbt.type_bigint() }}
        ) as emergency_severity_index,
        ----------  timestamps
        cast(vist_admt_ts as {{ dbt.type_timestamp() }}) as admitted_at,
        cast(vist_dsch_ts as {{ dbt.type_timestamp() }}) as discharged_at,
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at
    from source
)

select * from renamed
