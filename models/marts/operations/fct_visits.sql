with

visits as (
    select * from {{ ref('int_visits_measured') }}
),

diagnoses as (
    select * from {{ ref('stg_ehp__diag') }}
),

treatments as (
    select * from {{ ref('stg_ehp__trtm') }}
),

medicine_administrations as (
    select * from {{ ref('stg_ehp__tmmd') }}
),

bills as (
    select * from {{ ref('int_bills_aged') }}
),

diagnoses_by_visit as (
    select
        visit_id,
        count(*) as diagnosis_count
    from diagnoses
    group by visit_id
),

primary_diagnoses as (
    select
        visit_id,
        icd10_code,
        diagnosis_description
    from diagnoses
    where diagnosis_type = 'primary'
),

treatments_by_visit as (
    select
        visit_id,
        count(*) as treatment_count
    from treatments
    group by visit_id
),

doses_by_visit as (
    select
        visit_id,
        cast(
            sum(
                case when administration_status = 'given' then 1 else 0 end
            ) as {{ dbt.type_bigint() }}
        ) as given_dose_count
    from medicine_administrations
    group by visit_id
),

final as (
    select
        visits.visit_id,
        visits.patient_id,
        visits.appointment_id,
        visits.attending_staff_id,
        visits.department_id,
        visits.room_id,
        visits.visit_type,
        visits.admission_source,
        visits.discharge_disposition,
        visits.chief_complaint,
        visits.emergency_severity_index,
        visits.admitted_at,
        visits.discharged_at,
        visits.admitted_date,
        visits.discharged_date,
        visits.is_inpatient,
        visits.is_discharged,
        visits.length_of_stay_days,
        visits.is_readmission_index_stay,
        visits.is_readmitted_within_30_days,
        visits.is_readmission,
        primary_diagnoses.icd10_code as primary_icd10_code,
        primary_diagnoses.diagnosis_description
            as primary_diagnosis_description,
        coalesce(diagnoses_by_visit.diagnosis_count, 0) as diagnosis_count,
        coalesce(treatments_by_visit.treatment_count, 0) as treatment_count,
        coalesce(doses_by_visit.given_dose_count, 0) as given_dose_count,
        bills.bill_id,
        bills.total_charge_amount,
        bills.paid_amount,
        bills.balance_amount
    from visits
    left join primary_diagnoses
        on visits.visit_id = primary_diagnoses.visit_id
    left join diagnoses_by_visit
        on visits.visit_id = diagnoses_by_visit.visit_id
    left join treatments_by_visit
        on visits.visit_id = treatments_by_visit.visit_id
    left join doses_by_visit
        on visits.visit_id = doses_by_visit.visit_id
    left join bills
        on visits.visit_id = bills.visit_id
)

select * from final
