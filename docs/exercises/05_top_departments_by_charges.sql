-- Exercise 5: the three departments whose visits were charged the most, with
-- what is still owed on them (a join of the bills to the departments).
select
    departments.department_name,
    round(sum(bills.total_charge_amount), 2) as gross_charges,
    round(sum(bills.balance_amount), 2) as still_owed
from marts.fct_bills as bills
inner join marts.dim_departments as departments
    on bills.department_id = departments.department_id
group by departments.department_name
order by gross_charges desc
limit 3
