-- The patient allergies set aside: a patient, allergen or staff key with no
-- parent, a required value missing, a severity, reaction or status outside
-- its code list. Empty on clean data (docs/defects.md).
{{ ehp_quarantined(
    ref('stg_ehp__ptal'),
    'patient_allergy_id',
    ['patient_id', 'allergen_id', 'recorded_by_staff_id'],
    'PTAL'
) }}
