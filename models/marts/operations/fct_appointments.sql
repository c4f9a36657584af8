with

appointments as (
    select * from {{ ref('int_appointments_flagged') }}
),

final as (
    select
        appointment_id,
        patient_id,
        provider_staff_id,
        department_id,
        room_id,
        visit_id,
        appointment_type,
        appointment_status,
        appointment_reason,
        scheduled_date,
        scheduled_start_at,
        scheduled_duration_minutes,
        booked_at,
        checked_in_at,
        cancelled_at,
        booking_lead_days,
        is_completed,
        is_no_show,
        is_cancelled,
        is_outcome_known
    from appointments
)

select * from final
