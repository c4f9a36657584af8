-- Exercise 1: how many booked appointments ended as a no-show?
select count(*) as no_shows
from staging.stg_ehp__appt
where appointment_status = 'no-show'
