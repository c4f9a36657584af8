-- The pharmacy's safety question: was any dose given to a patient with an
-- active allergy to its drug class? Must return no rows (a dbt test on
-- fct_medication_administrations enforces it); held and refused doses show
-- the check working.
with

doses as (
    select * from {{ ref('fct_medication_administrations') }}
),

medicines as (
    select * from {{ ref('dim_medicines') }}
),

final as (
    select
        doses.administration_status,
        medicines.drug_class_code,
        count(*) as doses_against_active_allergy
    from doses
    inner join medicines
        on doses.medicine_id = medicines.medicine_id
    where doses.has_active_allergy_to_drug_class
    group by doses.administration_status, medicines.drug_class_code
)

select * from final
order by administration_status, drug_class_code
