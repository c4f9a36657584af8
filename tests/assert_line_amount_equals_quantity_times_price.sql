-- docs/data_model.md invariant 11: a bill line's amount is its quantity times
-- its unit price, to the cent. Returns the lines that do not multiply out.
with

bill_lines as (
    select * from {{ ref('stg_ehp__mdbl') }}
),

final as (
    select
        bill_line_id,
        bill_id,
        quantity,
        unit_price_amount,
        line_amount
    from bill_lines
    where line_amount != quantity * unit_price_amount
)

select * from final
