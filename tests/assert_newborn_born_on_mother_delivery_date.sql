-- docs/data_model.md, "How a newborn links to the mother": every patient
-- with a mother was born on a day of one of her delivery stays (an
-- obstetrics inpatient stay, from its admission day to its discharge day, or
-- on while she is still in), and the mother is a female patient aged 12-55
-- on that day. Returns the babies without such a mother or stay.
with

patients as (
    select * from {{ ref('stg_ehp__patn') }}
),

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

departments as (
    select * from {{ ref('stg_ehp__dpmt') }}
),

babies as (
    select
        patient_id,
        mother_patient_id,
        birth_date
    from patients
    where mother_patient_id is not null
),

delivery_stays as (
    select
        visits.patient_id,
        cast(visits.admitted_at as date) as admitted_date,
        cast(visits.discharged_at as date) as discharged_date
    from visits
    inner join departments
        on visits.department_id = departments.department_id
    where
        visits.visit_type = 'inpatient'
        and departments.department_code = 'OBGY'
),

born_in_a_stay as (
    select distinct babies.patient_id
    from babies
    inner join delivery_stays
        on
            babies.mother_patient_id = delivery_stays.patient_id
            and babies.birth_date >= delivery_stays.admitted_date
            and (
                delivery_stays.discharged_date is null
                or babies.birth_date <= delivery_stays.discharged_date
            )
),

checked as (
    select
        babies.patient_id,
        babies.mother_patient_id,
        babies.birth_date,
        mothers.patient_id is not null as has_mother,
        born_in_a_stay.patient_id is not null as is_born_in_a_stay,
        mothers.sex as mother_sex,
        {{ dbt.dateadd('year', 12, 'mothers.birth_date') }} as mother_aged_12,
        {{ dbt.dateadd('year', 56, 'mothers.birth_date') }} as mother_aged_56
    from babies
    left join patients as mothers
        on babies.mother_patient_id = mothers.patient_id
    left join born_in_a_stay
        on babies.patient_id = born_in_a_stay.patient_id
),

final as (
    select *
    from checked
    where
        not has_mother
        or not is_born_in_a_stay
        or mother_sex != 'female'
        or birth_date < mother_aged_12
        or birth_date >= mother_aged_56
)

select * from final
