-- The team assignments set aside: a visit or staff key with no parent, a
-- required value missing, a role or flag outside its code list. Empty on
-- clean data (docs/defects.md).
{{ ehp_quarantined(
    ref('stg_ehp__medt'), 'team_assignment_id', ['visit_id', 'staff_id'], 'MEDT'
) }}
