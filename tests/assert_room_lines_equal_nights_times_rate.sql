-- docs/data_model.md invariant 11: the room lines of a billed inpatient stay in
-- a room billed by the day add up to nights x the room's daily rate. Nights are
-- the midnights between admission and discharge, at least one (a stay that
-- starts and ends on one day is billed one day). Any other visit's room lines
-- are held to the same count. Returns the bills that differ.
with

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

rooms as (
    select * from {{ ref('stg_ehp__roms') }}
),

bills as (
    select * from {{ ref('stg_ehp__bill') }}
),

bill_lines as (
    select * from {{ ref('stg_ehp__mdbl') }}
),

room_lines_per_bill as (
    select
        bill_id,
        sum(quantity) as room_nights_billed,
        sum(line_amount) as room_amount_billed,
        min(unit_price_amount) as lowest_unit_price_amount,
        max(unit_price_amount) as highest_unit_price_amount
    from bill_lines
    where service_type = 'room'
    group by bill_id
),

billed_stays as (
    select
        bills.bill_id,
        visits.visit_id,
        visits.visit_type,
        rooms.room_id,
        rooms.daily_rate_amount,
        room_lines_per_bill.room_nights_billed,
        room_lines_per_bill.room_amount_billed,
        room_lines_per_bill.lowest_unit_price_amount,
        room_lines_per_bill.highest_unit_price_amount,
        case
            when
                {{ ehp_datediff(
                    'cast(visits.admitted_at as date)',
                    'cast(visits.discharged_at as date)',
                    'day'
                ) }} < 1
                then 1
            else
                {{ ehp_datediff(
                    'cast(visits.admitted_at as date)',
                    'cast(visits.discharged_at as date)',
                    'day'
                ) }}
        end as nights
    from bills
    inner join visits
        on bills.visit_id = visits.visit_id
    left join rooms
        on visits.room_id = rooms.room_id
    left join room_lines_per_bill
        on bills.bill_id = room_lines_per_bill.bill_id
    where
        room_lines_per_bill.bill_id is not null
        or (visits.visit_type = 'inpatient' and rooms.daily_rate_amount > 0)
),

final as (
    select *
    from billed_stays
    where
        room_id is null
        or coalesce(room_nights_billed, 0) != nights
        or coalesce(room_amount_billed, 0) != nights * daily_rate_amount
        or lowest_unit_price_amount != daily_rate_amount
        or highest_unit_price_amount != daily_rate_amount
)

select * from final
