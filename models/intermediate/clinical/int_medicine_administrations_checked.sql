-- Each dose checked against the patient's active drug allergies: a dose of a
-- medicine whose drug class the patient is allergic to must never be given
-- (docs/data_model.md invariant 8). Held and refused doses were not given.
with

medicine_administrations as (
    select * from {{ ref('stg_ehp__tmmd') }}
),

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

medicines as (
    select * from {{ ref('stg_ehp__mdcn') }}
),

patient_allergies as (
    select * from {{ ref('stg_ehp__ptal') }}
),

allergens as (
    select * from {{ ref('stg_ehp__algy') }}
),

active_drug_class_allergies as (
    select distinct
        patient_allergies.patient_id,
        allergens.drug_class_code
    from patient_allergies
    inner join allergens
        on patient_allergies.allergen_id = allergens.allergen_id
    where
        patient_allergies.allergy_status = 'active'
        and allergens.drug_class_code is not null
),

final as (
    select
        medicine_administrations.medicine_administration_id,
        medicine_administrations.visit_id,
        visits.patient_id,
        visits.department_id,
        medicine_administrations.medicine_id,
        medicine_administrations.ordered_by_staff_id,
        medicine_administrations.administered_by_staff_id,
        medicines.drug_class_code,
        medicine_administrations.dose_quantity,
        medicine_administrations.dose_unit,
        medicine_administrations.route,
        medicine_administrations.administration_status,
        medicine_administrations.administered_at,
        medicine_administrations.charge_amount,
        medicine_administrations.administration_status = 'given' as is_given,
        active_drug_class_allergies.patient_id
        is not null as has_active_allergy_to_drug_class
    from medicine_administrations
    inner join visits
        on medicine_administrations.visit_id = visits.visit_id
    inner join medicines
        on medicine_administrations.medicine_id = medicines.medicine_id
    left join active_drug_class_allergies
        on
            visits.patient_id = active_drug_class_allergies.patient_id
            and medicines.drug_class_code
            = active_drug_class_allergies.drug_class_code
)

select * from final
