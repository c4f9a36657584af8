with

source as (
    select * from {{ ehp_source('mdbl') }}
),

renamed as (
    select
        ----------  ids
        mdbl_id as bill_line_id,
        -- self-alias: the raw BILL_ID would otherwise keep its upper case
        bill_id as bill_id,  -- noqa: AL09
        trtm_id as treatment_id,
        tmmd_id as medicine_administration_id,
        ----------  text
        case mdbl_svc_typ_cd
            when 'ROOM' then 'room'
            when 'TRTM' then 'treatment'
            when 'MEDN' then 'medicine'
            when 'CONS' then 'consultation'
            when 'LAB' then 'lab'
            when 'SPLY' then 'supply'
            else mdbl_svc_typ_cd
        end as service_type,
        mdbl_chrg_cd as charge_code,
        mdbl_desc_txt as line_description,
        ----------  numerics
        cast(mdbl_ln_no as {{ dbt.type_bigint() }}) as line_number,
        cast(mdbl_qty as {{ dbt.type_bigint() }}) as quantity,
        cast(mdbl_unit_prc_amt as decimal(14, 2)) as unit_price_amount,
        cast(mdbl_ln_amt as decimal(14, 2)) as line_amount,
        ----------  dates
        cast(mdbl_svc_dt as date) as service_date,
        ----------  timestamps
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at
    from source
)

select * from renamed
