with

source as (
    select * from {{ ehp_source('pmnt') }}
),

renamed as (
    select
        ----------  ids
        pmnt_id as payment_id,
        -- self-alias: the raw BILL_ID would otherwise keep its upper case
        bill_id as bill_id,  -- noqa: AL09
        patn_id as patient_id,
        ----------  text
        case pmnt_pyr_typ_cd
            when 'INSR' then 'insurer'
            when 'PATN' then 'patient'
            else pmnt_pyr_typ_cd
        end as payer_type,
        case pmnt_mthd_cd
            when 'EFT' then 'electronic funds transfer'
            when 'CHK' then 'check'
            when 'CARD' then 'card'
            when 'CASH' then 'cash'
            else pmnt_mthd_cd
        end as payment_method,
        pmnt_txn_ref as transaction_reference,
        ----------  numerics
        -- a payment is never negative: a wrong sign is fixed (docs/defects.md)
        cast(abs(pmnt_amt) as decimal(14, 2)) as payment_amount,
        ----------  dates
        {{ ehp_clean_date('pmnt_dt') }} as payment_date,
        ----------  timestamps
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at
    from source
)

-- a row re-sent by a dirty extract is kept once (docs/defects.md)
{{ ehp_resent_rows_removed('renamed') }}
