with

departments as (
    select * from {{ ref('stg_ehp__dpmt') }}
),

rooms as (
    select * from {{ ref('stg_ehp__roms') }}
),

dates as (
    select * from {{ ref('int_dates_spined') }}
),

stay_nights as (
    select * from {{ ref('int_stay_nights_spined') }}
),

visits as (
    select * from {{ ref('int_visits_measured') }}
),

window_days as (
    select date_day
    from dates
    where date_day between window_start_date and as_of_date
),

beds_by_department as (
    select
        department_id,
        cast(sum(bed_count) as {{ dbt.type_bigint() }}) as bed_count
    from rooms
    group by department_id
),

-- a night counts where the bed is: the department of the patient's room
nights_by_department as (
    select
        rooms.department_id,
        stay_nights.census_date,
        cast(
            sum(
                case
                    when stay_nights.visit_type = 'inpatient' then 1 else 0
                end
            ) as {{ dbt.type_bigint() }}
        ) as inpatient_census,
        cast(
            sum(
                case
                    when stay_nights.visit_type = 'observation' then 1 else 0
                end
            ) as {{ dbt.type_bigint() }}
        ) as observation_census
    from stay_nights
    inner join rooms
        on stay_nights.room_id = rooms.room_id
    group by rooms.department_id, stay_nights.census_date
),

admissions_by_department as (
    select
        department_id,
        admitted_date as census_date,
        count(*) as admission_count
    from visits
    where is_inpatient
    group by department_id, admitted_date
),

discharges_by_department as (
    select
        department_id,
        discharged_date as census_date,
        count(*) as discharge_count
    from visits
    where is_inpatient and is_discharged
    group by department_id, discharged_date
),

department_days as (
    select
        departments.department_id,
        window_days.date_day as census_date,
        coalesce(beds_by_department.bed_count, 0) as bed_count
    from departments
    cross join window_days
    left join beds_by_department
        on departments.department_id = beds_by_department.department_id
),

final as (
    select
        department_days.department_id,
        department_days.census_date,
        department_days.bed_count,
        coalesce(nights_by_department.inpatient_census, 0) as inpatient_census,
        coalesce(
            nights_by_department.observation_census, 0
        ) as observation_census,
        coalesce(nights_by_department.inpatient_census, 0)
        + coalesce(
            nights_by_department.observation_census, 0
        ) as occupied_bed_count,
        coalesce(
            admissions_by_department.admission_count, 0
        ) as admission_count,
        coalesce(
            discharges_by_department.discharge_count, 0
        ) as discharge_count,
        case
            when department_days.bed_count > 0
                then cast(
                    (
                        coalesce(nights_by_department.inpatient_census, 0)
                        + coalesce(nights_by_department.observation_census, 0)
                    ) as {{ ehp_type_float() }}
                ) / department_days.bed_count
        end as bed_occupancy_rate
    from department_days
    left join nights_by_department
        on
            department_days.department_id = nights_by_department.department_id
            and department_days.census_date = nights_by_department.census_date
    left join admissions_by_department
        on
            department_days.department_id
            = admissions_by_department.department_id
            and department_days.census_date
            = admissions_by_department.census_date
    left join discharges_by_department
        on
            department_days.department_id
            = discharges_by_department.department_id
            and department_days.census_date
            = discharges_by_department.census_date
)

select * from final
