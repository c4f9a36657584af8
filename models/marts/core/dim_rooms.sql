with

rooms as (
    select * from {{ ref('stg_ehp__roms') }}
),

departments as (
    select * from {{ ref('stg_ehp__dpmt') }}
),

final as (
    select
        rooms.room_id,
        rooms.room_number,
        rooms.room_type,
        rooms.room_status,
        rooms.department_id,
        departments.department_name,
        rooms.floor_number,
        rooms.bed_count,
        rooms.bed_count > 0 as has_beds,
        rooms.daily_rate_amount
    from rooms
    inner join departments
        on rooms.department_id = departments.department_id
)

select * from final
