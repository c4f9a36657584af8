-- docs/data_model.md invariant 6: a room never holds more inpatients than it
-- has beds. Occupancy only rises when a patient is admitted, so counting the
-- inpatients in the room at each admission instant is enough. Returns the
-- admissions that overfill their room.
with

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

rooms as (
    select * from {{ ref('stg_ehp__roms') }}
),

-- an inpatient occupies the bed from admission until discharge (still
-- there when the discharge is empty)
inpatient_stays as (
    select
        visit_id,
        room_id,
        admitted_at,
        discharged_at
    from visits
    where visit_type = 'inpatient' and room_id is not null
),

occupancy_at_admission as (
    select
        admission.visit_id,
        admission.room_id,
        admission.admitted_at,
        count(*) as inpatient_count
    from inpatient_stays as admission
    inner join inpatient_stays as occupant
        on
            admission.room_id = occupant.room_id
            and admission.admitted_at >= occupant.admitted_at
            and (
                admission.admitted_at < occupant.discharged_at
                or occupant.discharged_at is null
            )
    group by
        admission.visit_id,
        admission.room_id,
        admission.admitted_at
),

final as (
    select
        occupancy_at_admission.*,
        rooms.bed_count
    from occupancy_at_admission
    inner join rooms
        on occupancy_at_admission.room_id = rooms.room_id
    where occupancy_at_admission.inpatient_count > rooms.bed_count
)

select * from final
