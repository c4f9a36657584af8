-- Appointment outcomes as flags and the booking lead time, so that rates
-- are sums of flags over the bookings whose outcome is known.
with

appointments as (
    select * from {{ ref('stg_ehp__appt') }}
),

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

final as (
    select
        appointments.appointment_id,
        appointments.patient_id,
        appointments.provider_staff_id,
        appointments.department_id,
        appointments.room_id,
        visits.visit_id,
        appointments.appointment_type,
        appointments.appointment_status,
        appointments.appointment_reason,
        appointments.scheduled_date,
        appointments.scheduled_start_at,
        appointments.scheduled_duration_minutes,
        appointments.booked_at,
        appointments.checked_in_at,
        appointments.cancelled_at,
        {{ ehp_datediff(
            'cast(appointments.booked_at as date)',
            'appointments.scheduled_date',
            'day'
        ) }} as booking_lead_days,
        appointments.appointment_status = 'completed' as is_completed,
        appointments.appointment_status = 'no-show' as is_no_show,
        appointments.appointment_status = 'cancelled' as is_cancelled,
        appointments.appointment_status <> 'scheduled' as is_outcome_known
    from appointments
    left join visits
        on appointments.appointment_id = visits.appointment_id
)

select * from final
