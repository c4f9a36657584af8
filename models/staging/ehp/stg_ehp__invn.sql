with

source as (
    select * from {{ ehp_source('invn') }}
),

renamed as (
    select
        ----------  ids
        invn_id as inventory_id,
        sply_id as supply_id,
        invn_vrfd_by_stff_id as verified_by_staff_id,
        ----------  text
        invn_po_no as purchase_order_number,
        case invn_vrfy_sts_cd
            when 'VRFD' then 'verified'
            when 'DISC' then 'discrepancy booked'
            when 'PEND' then 'pending'
            else invn_vrfy_sts_cd
        end as verification_status,
        ----------  numerics
        cast(invn_open_qty as {{ dbt.type_bigint() }}) as opening_quantity,
        cast(invn_rcvd_qty as {{ dbt.type_bigint() }}) as received_quantity,
        cast(invn_used_qty as {{ dbt.type_bigint() }}) as used_quantity,
        cast(invn_adj_qty as {{ dbt.type_bigint() }}) as adjustment_quantity,
        cast(invn_cls_qty as {{ dbt.type_bigint() }}) as closing_quantity,
        ----------  dates
        cast(invn_dt as date) as inventory_date,
        ----------  timestamps
        cast(invn_vrfd_ts as {{ dbt.type_timestamp() }}) as verified_at,
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at
    from source
)

select * from renamed
