with

source as (
    select * from {{ ehp_source('tmmd') }}
),

renamed as (
    select
        ----------  ids
        tmmd_id as medicine_administration_id,
        vist_id as visit_id,
        mdcn_id as medicine_id,
        tmmd_ordr_by_stff_id as ordered_by_staff_id,
        tmmd_admn_by_stff_id as administered_by_staff_id,
        ----------  text
        case {{ ehp_unit_fixed('tmmd_dose_unit_cd') }}
            when 'MG' then 'mg'
            when 'MCG' then 'mcg'
            when 'ML' then 'mL'
            when 'UNIT' then 'unit'
            when 'APPL' then 'application'
            when 'PUFF' then 'puff'
            when 'PTCH' then 'patch'
            else {{ ehp_unit_fixed('tmmd_dose_unit_cd') }}
        end as dose_unit,
        {{ decode_route('tmmd_route_cd') }} as route,
        case tmmd_sts_cd
            when 'GIVN' then 'given'
            when 'HELD' then 'held'
            when 'RFSD' then 'refused'
            else tmmd_sts_cd
        end as administration_status,
        ----------  numerics
        cast(
            {{ ehp_grams_fixed('tmmd_dose_qty', 'tmmd_dose_unit_cd') }}
            as decimal(14, 3)
        ) as dose_quantity,
        cast(tmmd_chrg_amt as decimal(14, 2)) as charge_amount,
        ----------  timestamps
        cast(tmmd_admn_ts as {{ dbt.type_timestamp() }}) as administered_at,
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at
    from source
)

select * from renamed
