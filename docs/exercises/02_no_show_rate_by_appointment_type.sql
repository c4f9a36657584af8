-- Exercise 2: the no-show rate of each appointment type, over the appointments
-- whose outcome is known (still-scheduled bookings left out), in percent.
select
    appointment_type,
    count(*) as appointments,
    round(100.0 * avg(case when is_no_show then 1 else 0 end), 1) as no_show_percent
from marts.fct_appointments
where is_outcome_known
group by appointment_type
order by appointment_type
