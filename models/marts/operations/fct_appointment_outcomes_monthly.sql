with

appointments as (
    select * from {{ ref('int_appointments_flagged') }}
),

departments as (
    select * from {{ ref('stg_ehp__dpmt') }}
),

appointments_due as (
    select
        department_id,
        cast(
            {{ dbt.date_trunc('month', 'scheduled_date') }} as date
        ) as month_start_date,
        is_completed,
        is_no_show,
        is_cancelled,
        booking_lead_days
    from appointments
    where is_outcome_known
),

outcomes_by_month as (
    select
        department_id,
        month_start_date,
        count(*) as appointment_count,
        sum(case when is_completed then 1 else 0 end) as completed_count,
        sum(case when is_no_show then 1 else 0 end) as no_show_count,
        sum(case when is_cancelled then 1 else 0 end) as cancelled_count,
        avg(cast(booking_lead_days as {{ ehp_type_float() }}))
            as average_booking_lead_days
    from appointments_due
    group by department_id, month_start_date
),

final as (
    select
        outcomes_by_month.month_start_date,
        outcomes_by_month.department_id,
        departments.department_name,
        cast(
            outcomes_by_month.appointment_count as {{ dbt.type_bigint() }}
        ) as appointment_count,
        cast(
            outcomes_by_month.completed_count as {{ dbt.type_bigint() }}
        ) as completed_count,
        cast(
            outcomes_by_month.no_show_count as {{ dbt.type_bigint() }}
        ) as no_show_count,
        cast(
            outcomes_by_month.cancelled_count as {{ dbt.type_bigint() }}
        ) as cancelled_count,
        cast(outcomes_by_month.no_show_count as {{ ehp_type_float() }})
        / outcomes_by_month.appointment_count as no_show_rate,
        cast(outcomes_by_month.cancelled_count as {{ ehp_type_float() }})
        / outcomes_by_month.appointment_count as cancellation_rate,
        outcomes_by_month.average_booking_lead_days
    from outcomes_by_month
    inner join departments
        on outcomes_by_month.department_id = departments.department_id
)

select * from final
