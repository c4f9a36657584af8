with

source as (
    select * from {{ ehp_source('algy') }}
),

renamed as (
    select
        ----------  ids
        algy_id as allergen_id,
        ----------  text
        algy_cd as allergen_code,
        algy_nm as allergen_name,
        case algy_ctgy_cd
            when 'DRUG' then 'drug'
            when 'FOOD' then 'food'
            when 'ENVR' then 'environmental'
            when 'LATX' then 'latex'
            when 'INSC' then 'insect'
            else algy_ctgy_cd
        end as allergen_category,
        algy_drug_cls_cd as drug_class_code,
        ----------  timestamps
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at
    from source
)

select * from renamed
