-- The indication of each dose (docs/data_model.md "Patients with histories"):
-- a dose of a drug class given only with an indication
-- (macros/chronic_conditions.sql, the generator's CLASS_INDICATIONS) has one
-- when a diagnosis of its visit indicates the class, else a chronic
-- condition of the patient coded on or before the day of the dose does,
-- else (antibiotics) a surgery on the visit makes it a prophylaxis. The
-- first that applies is kept: the visit's primary diagnosis before the
-- others, then by sequence and code. Classes without a restriction get no
-- indication and a null has_indication.
with

medicine_administrations as (
    select * from {{ ref('int_medicine_administrations_checked') }}
),

diagnoses as (
    select * from {{ ref('stg_ehp__diag') }}
),

treatments as (
    select * from {{ ref('stg_ehp__trtm') }}
),

patient_conditions as (
    select * from {{ ref('int_patient_conditions_coded') }}
),

restricted_doses as (
    select
        medicine_administration_id,
        visit_id,
        patient_id,
        drug_class_code,
        cast(administered_at as date) as administered_date
    from medicine_administrations
    where {{ ehp_is_restricted_class('drug_class_code') }}
),

visit_diagnosis_indications as (
    select
        restricted_doses.medicine_administration_id,
        diagnoses.icd10_code as indication_icd10_code,
        'visit diagnosis' as indication_source,
        1 as source_rank,
        case
            when diagnoses.diagnosis_type = 'primary' then 0 else 1
        end as diagnosis_rank,
        diagnoses.sequence_number
    from restricted_doses
    inner join diagnoses
        on restricted_doses.visit_id = diagnoses.visit_id
    where
        {{ ehp_indicates(
            'restricted_doses.drug_class_code', 'diagnoses.icd10_code'
        ) }}
),

chronic_condition_indications as (
    select
        restricted_doses.medicine_administration_id,
        patient_conditions.icd10_code as indication_icd10_code,
        'chronic condition' as indication_source,
        2 as source_rank,
        0 as diagnosis_rank,
        0 as sequence_number
    from restricted_doses
    inner join patient_conditions
        on
            restricted_doses.patient_id = patient_conditions.patient_id
            and restricted_doses.administered_date
            >= patient_conditions.first_coded_date
    where
        {{ ehp_indicates(
            'restricted_doses.drug_class_code', 'patient_conditions.icd10_code'
        ) }}
),

prophylaxis_indications as (
    select distinct
        restricted_doses.medicine_administration_id,
        cast(null as {{ dbt.type_string() }}) as indication_icd10_code,
        'surgical prophylaxis' as indication_source,
        3 as source_rank,
        0 as diagnosis_rank,
        0 as sequence_number
    from restricted_doses
    inner join treatments
        on restricted_doses.visit_id = treatments.visit_id
    where
        treatments.treatment_type = 'surgery'
        and {{ ehp_is_antibiotic_class('restricted_doses.drug_class_code') }}
),

indications as (
    select * from visit_diagnosis_indications
    union all
    select * from chronic_condition_indications
    union all
    select * from prophylaxis_indications
),

indications_ranked as (
    select
        medicine_administration_id,
        indication_icd10_code,
        indication_source,
        row_number() over (
            partition by medicine_administration_id
            order by
                source_rank,
                diagnosis_rank,
                sequence_number,
                indication_icd10_code
        ) as indication_order
    from indications
),

final as (
    select
        medicine_administrations.medicine_administration_id,
        medicine_administrations.visit_id,
        medicine_administrations.patient_id,
        medicine_administrations.department_id,
        medicine_administrations.medicine_id,
        medicine_administrations.ordered_by_staff_id,
        medicine_administrations.administered_by_staff_id,
        medicine_administrations.drug_class_code,
        medicine_administrations.dose_quantity,
        medicine_administrations.dose_unit,
        medicine_administrations.route,
        medicine_administrations.administration_status,
        medicine_administrations.administered_at,
        medicine_administrations.charge_amount,
        medicine_administrations.is_given,
        medicine_administrations.has_active_allergy_to_drug_class,
        indications_ranked.indication_icd10_code,
        indications_ranked.indication_source,
        case
            when
                {{ ehp_is_restricted_class(
                    'medicine_administrations.drug_class_code'
                ) }}
                then indications_ranked.medicine_administration_id is not null
        end as has_indication
    from medicine_administrations
    left join indications_ranked
        on
            medicine_administrations.medicine_administration_id
            = indications_ranked.medicine_administration_id
            and indications_ranked.indication_order = 1
)

select * from final
