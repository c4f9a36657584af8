with

departments as (
    select * from {{ ref('stg_ehp__dpmt') }}
),

staff as (
    select * from {{ ref('stg_ehp__stff') }}
),

rooms as (
    select * from {{ ref('stg_ehp__roms') }}
),

rooms_by_department as (
    select
        department_id,
        count(*) as room_count,
        cast(sum(bed_count) as {{ dbt.type_bigint() }}) as bed_count
    from rooms
    group by department_id
),

staff_by_department as (
    select
        department_id,
        count(*) as staff_count
    from staff
    group by department_id
),

final as (
    select
        departments.department_id,
        departments.department_code,
        departments.department_name,
        departments.department_type,
        departments.building_code,
        departments.floor_number,
        departments.cost_center_code,
        departments.department_head_staff_id,
        {{ dbt.concat([
            'department_heads.first_name',
            "' '",
            'department_heads.last_name',
        ]) }} as department_head_name,
        departments.is_active,
        coalesce(rooms_by_department.room_count, 0) as room_count,
        coalesce(rooms_by_department.bed_count, 0) as bed_count,
        coalesce(staff_by_department.staff_count, 0) as staff_count
    from departments
    left join staff as department_heads
        on departments.department_head_staff_id = department_heads.staff_id
    left join rooms_by_department
        on departments.department_id = rooms_by_department.department_id
    left join staff_by_department
        on departments.department_id = staff_by_department.department_id
)

select * from final
