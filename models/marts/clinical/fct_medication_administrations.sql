with

medicine_administrations as (
    select * from {{ ref('int_medicine_administrations_indicated') }}
),

final as (
    select
        medicine_administration_id,
        visit_id,
        patient_id,
        department_id,
        medicine_id,
        ordered_by_staff_id,
        administered_by_staff_id,
        drug_class_code,
        dose_quantity,
        dose_unit,
        route,
        administration_status,
        administered_at,
        cast(administered_at as date) as administered_date,
        charge_amount,
        is_given,
        has_active_allergy_to_drug_class,
        is_given and has_active_allergy_to_drug_class as is_allergy_conflict,
        indication_icd10_code,
        indication_source,
        has_indication
    from medicine_administrations
)

select * from final
