-- Exercise 3: at which hour of the day do most emergency visits arrive?
select
    extract(hour from admitted_at) as arrival_hour,
    count(*) as emergency_visits
from marts.fct_visits
where visit_type = 'emergency'
group by arrival_hour
order by emergency_visits desc, arrival_hour
limit 3
