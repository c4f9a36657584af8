-- docs/data_model.md invariant 8: no dose is given of a medicine whose drug
-- class the patient has an active allergy to. Held and refused doses were not
-- given. Returns each given dose with the allergy it ignores.
with

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

medicine_administrations as (
    select * from {{ ref('stg_ehp__tmmd') }}
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

given_doses as (
    select
        medicine_administrations.medicine_administration_id,
        medicine_administrations.administered_at,
        visits.patient_id,
        medicines.medicine_id,
        medicines.drug_class_code
    from medicine_administrations
    inner join visits
        on medicine_administrations.visit_id = visits.visit_id
    inner join medicines
        on medicine_administrations.medicine_id = medicines.medicine_id
    where medicine_administrations.administration_status = 'given'
),

active_drug_allergies as (
    select
        patient_allergies.patient_allergy_id,
        patient_allergies.patient_id,
        patient_allergies.recorded_date,
        allergens.allergen_name,
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
        given_doses.*,
        active_drug_allergies.patient_allergy_id,
        active_drug_allergies.allergen_name,
        active_drug_allergies.recorded_date
    from given_doses
    inner join active_drug_allergies
        on
            given_doses.patient_id = active_drug_allergies.patient_id
            and given_doses.drug_class_code
            = active_drug_allergies.drug_class_code
)

select * from final
