{%- set scheduled_start = ehp_appointment_start(
    'appt_schd_dt', 'appt_strt_tm'
) -%}

with

source as (
    select * from {{ ehp_source('appt') }}
),

renamed as (
    select
        ----------  ids
        appt_id as appointment_id,
        patn_id as patient_id,
        appt_prvdr_stff_id as provider_staff_id,
        dpmt_id as department_id,
        roms_id as room_id,
        ----------  text
        case {{ ehp_clean_code('appt_typ_cd') }}
            when 'NEW' then 'new patient'
            when 'FLUP' then 'follow-up'
            when 'ANNL' then 'annual'
            when 'CONS' then 'consultation'
            when 'PROC' then 'procedure'
            when 'TELE' then 'telehealth'
            else {{ ehp_clean_code('appt_typ_cd') }}
        end as appointment_type,
        case appt_sts_cd
            when 'COMP' then 'completed'
            when 'NOSH' then 'no-show'
            when 'CANC' then 'cancelled'
            when 'SCHD' then 'scheduled'
            else appt_sts_cd
        end as appointment_status,
        appt_rsn_txt as appointment_reason,
        ----------  numerics
        cast(
            appt_dur_min as {{ dbt.type_bigint() }}
        ) as scheduled_duration_minutes,
        ----------  dates
        cast(appt_schd_dt as date) as scheduled_date,
        ----------  time of day, 'HH:MM:SS' (Spark has no time type)
        cast(appt_strt_tm as {{ dbt.type_string() }}) as scheduled_start_time,
        ----------  timestamps
        cast(appt_bkd_ts as {{ dbt.type_timestamp() }}) as booked_at,
        -- a check-in stamped in UTC moved back to local time (docs/defects.md)
        cast(
            {{ ehp_time_zone_fixed('appt_chkin_ts', scheduled_start) }}
            as {{ dbt.type_timestamp() }}
        ) as checked_in_at,
        cast(appt_canc_ts as {{ dbt.type_timestamp() }}) as cancelled_at,
        {{ scheduled_start }} as scheduled_start_at,
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at
    from source
)

select * from renamed
