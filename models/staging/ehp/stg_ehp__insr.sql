with

source as (
    select * from {{ ehp_source('insr') }}
),

renamed as (
    select
        ----------  ids
        insr_id as insurance_policy_id,
        patn_id as patient_id,
        ----------  text
        insr_pyr_nm as payer_name,
        case insr_pyr_typ_cd
            when 'MCR' then 'Medicare'
            when 'MCD' then 'Medicaid'
            when 'COM' then 'commercial'
            else insr_pyr_typ_cd
        end as payer_type,
        case insr_plan_typ_cd
            when 'HMO' then 'HMO'
            when 'PPO' then 'PPO'
            when 'EPO' then 'EPO'
            when 'POS' then 'POS'
            when 'HDHP' then 'HDHP'
            when 'FFS' then 'fee for service'
            when 'MA' then 'Medicare Advantage'
            else insr_plan_typ_cd
        end as plan_type,
        insr_mbr_id as member_id,
        insr_grp_no as group_number,
        ----------  numerics
        cast(insr_cvrg_pct as {{ dbt.type_bigint() }}) as coverage_percent,
        cast(insr_copay_amt as decimal(14, 2)) as copay_amount,
        cast(insr_ddct_amt as decimal(14, 2)) as deductible_amount,
        ----------  dates
        cast(insr_eff_dt as date) as effective_date,
        cast(insr_end_dt as date) as end_date,
        ----------  timestamps
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at,
        ----------  booleans
        coalesce(insr_prmy_flg = 'Y', false) as is_primary
    from source
)

select * from renamed
