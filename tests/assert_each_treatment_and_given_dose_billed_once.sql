-- docs/data_model.md invariant 11: each treatment and each given dose of a
-- billed visit is billed exactly once, on that visit's bill; held and refused
-- doses are never billed. Visits without a bill (still open, or not billed by
-- the extract date) are not checked. Returns the treatments and doses billed a
-- wrong number of times or on another visit's bill.
with

bills as (
    select * from {{ ref('stg_ehp__bill') }}
),

bill_lines as (
    select * from {{ ref('stg_ehp__mdbl') }}
),

treatments as (
    select * from {{ ref('stg_ehp__trtm') }}
),

medicine_administrations as (
    select * from {{ ref('stg_ehp__tmmd') }}
),

billed_items as (
    select
        'treatment' as item_kind,
        'treatment' as item_name,
        treatment_id as item_id,
        visit_id,
        true as must_be_billed
    from treatments

    union all

    select
        'dose' as item_kind,
        'dose (' || administration_status || ')' as item_name,
        medicine_administration_id as item_id,
        visit_id,
        administration_status = 'given' as must_be_billed
    from medicine_administrations
),

item_lines as (
    select
        'treatment' as item_kind,
        bill_lines.treatment_id as item_id,
        bill_lines.bill_line_id,
        bills.visit_id as bill_visit_id
    from bill_lines
    inner join bills
        on bill_lines.bill_id = bills.bill_id
    where bill_lines.treatment_id is not null

    union all

    select
        'dose' as item_kind,
        bill_lines.medicine_administration_id as item_id,
        bill_lines.bill_line_id,
        bills.visit_id as bill_visit_id
    from bill_lines
    inner join bills
        on bill_lines.bill_id = bills.bill_id
    where bill_lines.medicine_administration_id is not null
),

lines_per_item as (
    select
        billed_items.item_name,
        billed_items.item_id,
        billed_items.visit_id,
        billed_items.must_be_billed,
        bills.bill_id as visit_bill_id,
        count(item_lines.bill_line_id) as line_count,
        sum(
            case
                when item_lines.bill_visit_id != billed_items.visit_id then 1
                else 0
            end
        ) as other_visit_line_count
    from billed_items
    left join bills
        on billed_items.visit_id = bills.visit_id
    left join item_lines
        on
            billed_items.item_kind = item_lines.item_kind
            and billed_items.item_id = item_lines.item_id
    group by
        billed_items.item_name,
        billed_items.item_id,
        billed_items.visit_id,
        billed_items.must_be_billed,
        bills.bill_id
),

final as (
    select *
    from lines_per_item
    where
        other_visit_line_count > 0
        or (not must_be_billed and line_count > 0)
        or (
            must_be_billed
            and visit_bill_id is not null
            and line_count != 1
        )
)

select * from final
