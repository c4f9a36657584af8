-- Exercise 10, the answer: after `dbt build --select fct_payments_daily` twice (a
-- full build, then an incremental run), the days, the payments and the money
-- must be the same as a full rebuild gives, and match fct_payments.
select
    count(*) as payment_days,
    sum(payment_count) as payments,
    sum(payment_amount) as payment_amount,
    (select sum(payment_amount) from marts.fct_payments) as fct_payments_amount
from exercises.fct_payments_daily
