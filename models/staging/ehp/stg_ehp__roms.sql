with

source as (
    select * from {{ ehp_source('roms') }}
),

renamed as (
    select
        ----------  ids
        roms_id as room_id,
        dpmt_id as department_id,
        ----------  text
        roms_no as room_number,
        case roms_typ_cd
            when 'EXAM' then 'exam room'
            when 'WARD' then 'ward'
            when 'PRIV' then 'private room'
            when 'ICU' then 'intensive care'
            when 'OR' then 'operating room'
            when 'EDBY' then 'emergency bay'
            when 'IMGN' then 'imaging'
            when 'LAB' then 'laboratory'
            else roms_typ_cd
        end as room_type,
        case roms_sts_cd
            when 'AVL' then 'available'
            when 'MNT' then 'under maintenance'
            when 'CLS' then 'closed'
            else roms_sts_cd
        end as room_status,
        ----------  numerics
        cast(roms_bed_cnt as {{ dbt.type_bigint() }}) as bed_count,
        cast(roms_dly_rt_amt as decimal(14, 2)) as daily_rate_amount,
        cast(roms_flr_no as {{ dbt.type_bigint() }}) as floor_number,
        ----------  timestamps
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at
    from source
)

select * from renamed
