with

source as (
    select * from {{ ehp_source('bill') }}
),

renamed as (
    select
        ----------  ids
        -- self-alias: the raw BILL_ID would otherwise keep its upper case
        bill_id as bill_id,  -- noqa: AL09
        vist_id as visit_id,
        patn_id as patient_id,
        insr_id as insurance_policy_id,
        ----------  text
        bill_no as bill_number,
        case bill_sts_cd
            when 'OPEN' then 'open'
            when 'PART' then 'partially paid'
            when 'PAID' then 'paid'
            when 'DND' then 'denied'
            when 'WOFF' then 'written off'
            else bill_sts_cd
        end as bill_status,
        bill_clm_no as claim_number,
        ----------  numerics
        cast(bill_tot_chrg_amt as decimal(14, 2)) as total_charge_amount,
        cast(bill_insr_cvrd_amt as decimal(14, 2)) as insurance_covered_amount,
        cast(
            bill_cntr_adj_amt as decimal(14, 2)
        ) as contractual_adjustment_amount,
        cast(
            bill_patn_resp_amt as decimal(14, 2)
        ) as patient_responsibility_amount,
        cast(bill_wrtf_amt as decimal(14, 2)) as written_off_amount,
        ----------  dates
        cast(bill_dt as date) as bill_date,
        cast(bill_due_dt as date) as due_date,
        ----------  timestamps
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at
    from source
)

select * from renamed
