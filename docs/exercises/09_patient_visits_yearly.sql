-- Exercise 9, the answer: build models/exercises/fct_patient_visits_yearly.sql
-- (`dbt build --select fct_patient_visits_yearly`), then count its rows and the
-- patients with five emergency visits or more in a year.
select
    count(*) as patient_years,
    sum(visit_count) as visits,
    count(*) filter (where emergency_visit_count >= 5) as frequent_emergency_patient_years
from exercises.fct_patient_visits_yearly
