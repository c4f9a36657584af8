-- Exercise 6: the share of primary diagnoses that are respiratory (ICD-10-CM
-- chapter J) in each calendar month, both years together; the top three.
select
    extract(month from diagnosis_date) as diagnosis_month,
    round(100.0 * avg(case when icd10_code like 'J%' then 1 else 0 end), 1)
        as respiratory_percent
from marts.fct_diagnoses
where is_primary
group by diagnosis_month
order by respiratory_percent desc, diagnosis_month
limit 3
