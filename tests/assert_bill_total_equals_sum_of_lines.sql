-- docs/data_model.md invariant 11: a bill's total charge equals the sum of its
-- lines, to the cent. Returns the bills whose total differs (a bill without
-- lines must total zero).
with

bills as (
    select * from {{ ref('stg_ehp__bill') }}
),

bill_lines as (
    select * from {{ ref('stg_ehp__mdbl') }}
),

line_totals as (
    select
        bill_id,
        count(*) as line_count,
        sum(line_amount) as lines_amount
    from bill_lines
    group by bill_id
),

final as (
    select
        bills.bill_id,
        bills.total_charge_amount,
        coalesce(line_totals.line_count, 0) as line_count,
        coalesce(line_totals.lines_amount, 0) as lines_amount
    from bills
    left join line_totals
        on bills.bill_id = line_totals.bill_id
    where bills.total_charge_amount != coalesce(line_totals.lines_amount, 0)
)

select * from final
