-- Clinic capacity is an assumption, stated here once: a provider can see
-- clinic patients 8 hours (480 minutes) on each weekday they are employed.
{% set clinic_minutes_per_weekday = 480 %}

with

appointments as (
    select * from {{ ref('int_appointments_flagged') }}
),

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

staff as (
    select * from {{ ref('stg_ehp__stff') }}
),

dates as (
    select * from {{ ref('int_dates_spined') }}
),

appointments_due as (
    select
        provider_staff_id,
        cast(
            {{ dbt.date_trunc('month', 'scheduled_date') }} as date
        ) as month_start_date,
        is_completed,
        is_no_show,
        is_cancelled,
        scheduled_duration_minutes
    from appointments
    where is_outcome_known
),

appointments_by_provider as (
    select
        provider_staff_id as staff_id,
        month_start_date,
        count(*) as appointment_count,
        sum(case when is_completed then 1 else 0 end) as completed_count,
        sum(case when is_no_show then 1 else 0 end) as no_show_count,
        sum(
            case
                when not is_cancelled then scheduled_duration_minutes else 0
            end
        ) as booked_minutes,
        sum(
            case
                when is_completed then scheduled_duration_minutes else 0
            end
        ) as completed_minutes
    from appointments_due
    group by provider_staff_id, month_start_date
),

visits_by_attending as (
    select
        attending_staff_id as staff_id,
        cast(
            {{ dbt.date_trunc('month', 'admitted_at') }} as date
        ) as month_start_date,
        count(*) as attended_visit_count
    from visits
    group by
        attending_staff_id,
        cast({{ dbt.date_trunc('month', 'admitted_at') }} as date)
),

provider_months as (
    select
        staff_id,
        month_start_date
    from appointments_by_provider
    union
    select
        staff_id,
        month_start_date
    from visits_by_attending
),

weekdays_employed as (
    select
        provider_months.staff_id,
        provider_months.month_start_date,
        count(*) as weekday_count
    from provider_months
    inner join staff
        on provider_months.staff_id = staff.staff_id
    inner join dates
        on
            cast(
                {{ dbt.date_trunc('month', 'dates.date_day') }} as date
            ) = provider_months.month_start_date
            and staff.hire_date <= dates.date_day
            and (
                staff.termination_date is null
                or staff.termination_date >= dates.date_day
            )
            and {{ day_of_week('dates.date_day') }} between 1 and 5
    group by provider_months.staff_id, provider_months.month_start_date
),

final as (
    select
        provider_months.month_start_date,
        provider_months.staff_id,
        staff.staff_role,
        staff.department_id,
        cast(
            coalesce(appointments_by_provider.appointment_count, 0)
            as {{ dbt.type_bigint() }}
        ) as appointment_count,
        cast(
            coalesce(appointments_by_provider.completed_count, 0)
            as {{ dbt.type_bigint() }}
        ) as completed_count,
        cast(
            coalesce(appointments_by_provider.no_show_count, 0)
            as {{ dbt.type_bigint() }}
        ) as no_show_count,
        cast(
            coalesce(visits_by_attending.attended_visit_count, 0)
            as {{ dbt.type_bigint() }}
        ) as attended_visit_count,
        cast(
            coalesce(appointments_by_provider.booked_minutes, 0)
            as {{ dbt.type_bigint() }}
        ) as booked_minutes,
        cast(
            coalesce(appointments_by_provider.completed_minutes, 0)
            as {{ dbt.type_bigint() }}
        ) as completed_minutes,
        cast(
            coalesce(weekdays_employed.weekday_count, 0)
            * {{ clinic_minutes_per_weekday }} as {{ dbt.type_bigint() }}
        ) as clinic_capacity_minutes,
        case
            when weekdays_employed.weekday_count > 0
                then
                    cast(
                        coalesce(appointments_by_provider.completed_minutes, 0)
                        as {{ ehp_type_float() }}
                    )
                    / (
                        weekdays_employed.weekday_count
                        * {{ clinic_minutes_per_weekday }}
                    )
        end as utilization_rate,
        case
            when appointments_by_provider.appointment_count > 0
                then
                    cast(
                        appointments_by_provider.no_show_count
                        as {{ ehp_type_float() }}
                    )
                    / appointments_by_provider.appointment_count
        end as no_show_rate
    from provider_months
    inner join staff
        on provider_months.staff_id = staff.staff_id
    left join appointments_by_provider
        on
            provider_months.staff_id = appointments_by_provider.staff_id
            and provider_months.month_start_date
            = appointments_by_provider.month_start_date
    left join visits_by_attending
        on
            provider_months.staff_id = visits_by_attending.staff_id
            and provider_months.month_start_date
            = visits_by_attending.month_start_date
    left join weekdays_employed
        on
            provider_months.staff_id = weekdays_employed.staff_id
            and provider_months.month_start_date
            = weekdays_employed.month_start_date
)

select * from final
