-- docs/data_model.md invariant 6: a provider never has two appointments that
-- overlap. Cancelled bookings free their slot, so they are left out.
-- Returns each overlapping pair once.
with

appointments as (
    select * from {{ ref('stg_ehp__appt') }}
),

booked_slots as (
    select
        appointment_id,
        provider_staff_id,
        scheduled_date,
        scheduled_start_at,
        {{ dbt.dateadd(
            'minute', 'scheduled_duration_minutes', 'scheduled_start_at'
        ) }} as scheduled_end_at
    from appointments
    where appointment_status != 'cancelled'
),

-- appointments end on their start day, so overlaps share a date
overlapping_pairs as (
    select
        first_slot.provider_staff_id,
        first_slot.appointment_id as first_appointment_id,
        first_slot.scheduled_start_at as first_start_at,
        first_slot.scheduled_end_at as first_end_at,
        second_slot.appointment_id as second_appointment_id,
        second_slot.scheduled_start_at as second_start_at,
        second_slot.scheduled_end_at as second_end_at
    from booked_slots as first_slot
    inner join booked_slots as second_slot
        on
            first_slot.provider_staff_id = second_slot.provider_staff_id
            and first_slot.scheduled_date = second_slot.scheduled_date
            and first_slot.appointment_id < second_slot.appointment_id
            and first_slot.scheduled_start_at < second_slot.scheduled_end_at
            and first_slot.scheduled_end_at > second_slot.scheduled_start_at
),

final as (
    select * from overlapping_pairs
)

select * from final
