with

source as (
    select * from {{ ehp_source('vpmt') }}
),

renamed as (
    select
        ----------  ids
        vpmt_id as vendor_invoice_id,
        vndr_id as vendor_id,
        ----------  text
        vpmt_inv_no as invoice_number,
        vpmt_po_no as purchase_order_number,
        case vpmt_mthd_cd
            when 'ACH' then 'ACH transfer'
            when 'CHK' then 'check'
            when 'WIRE' then 'wire transfer'
            else vpmt_mthd_cd
        end as payment_method,
        case vpmt_sts_cd
            when 'PAID' then 'paid'
            when 'PEND' then 'pending'
            when 'OVRD' then 'overdue'
            else vpmt_sts_cd
        end as payment_status,
        ----------  numerics
        cast(vpmt_inv_amt as decimal(14, 2)) as invoice_amount,
        cast(vpmt_pd_amt as decimal(14, 2)) as paid_amount,
        ----------  dates
        cast(vpmt_inv_dt as date) as invoice_date,
        cast(vpmt_due_dt as date) as due_date,
        cast(vpmt_pmnt_dt as date) as payment_date,
        ----------  timestamps
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at
    from source
)

select * from renamed
