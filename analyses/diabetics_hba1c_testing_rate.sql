-- Are our diabetics monitored? Of the patients with type 2 diabetes (E11,
-- fct_patient_conditions) coded by the end of a year and seen that year, the
-- share with at least one HbA1c test (chargemaster code CM-LAB-0024) in the
-- year, and with two or more (the ADA's minimum for patients meeting their
-- goals: twice a year).
with

patient_conditions as (
    select * from {{ ref('fct_patient_conditions') }}
),

visits as (
    select * from {{ ref('fct_visits') }}
),

treatments as (
    select * from {{ ref('fct_treatments') }}
),

diabetics_seen as (
    select distinct
        visits.patient_id,
        extract(year from visits.admitted_date) as calendar_year
    from visits
    inner join patient_conditions
        on visits.patient_id = patient_conditions.patient_id
    where
        patient_conditions.condition_key = 'type2_diabetes'
        and extract(year from patient_conditions.first_coded_date)
        <= extract(year from visits.admitted_date)
),

hba1c_tests as (
    select
        patient_id,
        extract(year from started_at) as calendar_year,
        count(*) as hba1c_test_count
    from treatments
    where treatment_code = 'CM-LAB-0024'
    group by patient_id, extract(year from started_at)
),

final as (
    select
        diabetics_seen.calendar_year,
        count(*) as diabetics_seen,
        sum(
            case when hba1c_tests.hba1c_test_count >= 1 then 1 else 0 end
        ) as diabetics_tested,
        round(
            avg(
                case when hba1c_tests.hba1c_test_count >= 1 then 1.0 else 0 end
            ),
            3
        ) as testing_rate,
        round(
            avg(
                case when hba1c_tests.hba1c_test_count >= 2 then 1.0 else 0 end
            ),
            3
        ) as tested_twice_rate
    from diabetics_seen
    left join hba1c_tests
        on
            diabetics_seen.patient_id = hba1c_tests.patient_id
            and diabetics_seen.calendar_year = hba1c_tests.calendar_year
    group by diabetics_seen.calendar_year
)

select * from final
order by calendar_year
