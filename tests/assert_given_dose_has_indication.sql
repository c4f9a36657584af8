-- docs/data_model.md "Patients with histories": every given dose of a drug
-- class given only with an indication (antibiotics, antidiabetics, statins,
-- antihypertensives...: macros/chronic_conditions.sql) has one: a diagnosis
-- of its visit or a chronic condition of the patient coded by then that the
-- class treats, or a surgery on the visit for an antibiotic. Returns each
-- given dose without one; held and refused doses and the classes without a
-- restriction (has_indication null) are not judged.
with

medication_administrations as (
    select * from {{ ref('fct_medication_administrations') }}
),

final as (
    select
        medicine_administration_id,
        visit_id,
        patient_id,
        drug_class_code,
        administered_at
    from medication_administrations
    where
        is_given
        and not has_indication
)

select * from final
