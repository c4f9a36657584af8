-- Exercise 4: the average length of stay, in days, of discharged inpatient stays,
-- by year of discharge.
select
    extract(year from discharged_date) as discharge_year,
    count(*) as stays,
    round(avg(length_of_stay_days), 2) as average_length_of_stay_days
from marts.fct_visits
where is_inpatient and is_discharged
group by discharge_year
order by discharge_year
