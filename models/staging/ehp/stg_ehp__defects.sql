with

source as (
    select * from {{ ehp_source('defects') }}
),

renamed as (
    select
        table_code,
        primary_key,
        column_name,
        defect_type,
        clean_value,
        dirty_value,
        original_key
    from source
)

select * from renamed
