-- Exercise 8: how long insurers take to pay, by payer type of the bill: the
-- average and the longest number of days from the bill to the insurer's payment.
select
    bill_payer_type,
    count(*) as insurer_payments,
    round(avg(days_after_bill), 1) as average_days,
    max(days_after_bill) as longest_days
from marts.fct_payments
where payer_type = 'insurer'
group by bill_payer_type
order by bill_payer_type
