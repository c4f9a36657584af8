-- One row per raw row (and defect type) the data-quality layer finds dirty,
-- read from the raw tables as loaded: what staging fixes (codes, dates, units,
-- signs, time zones, re-sent rows) and what it cannot (invalid codes, orphans,
-- missing values, duplicate registrations). Empty on clean data. Compared with
-- the ground truth in int_quality_scorecard (docs/defects.md).

with

patients as (
    select * from {{ ehp_source('patn') }}
),

appointments as (
    select * from {{ ehp_source('appt') }}
),

payments as (
    select * from {{ ehp_source('pmnt') }}
),

team as (
    select * from {{ ehp_source('medt') }}
),

allergies as (
    select * from {{ ehp_source('ptal') }}
),

doses as (
    select * from {{ ehp_source('tmmd') }}
),

visits as (
    select * from {{ ehp_source('vist') }}
),

staff as (
    select * from {{ ehp_source('stff') }}
),

allergens as (
    select * from {{ ehp_source('algy') }}
),

duplicates as (
    select * from {{ ref('int_quality_patients_deduplicated') }}
),

detected as (
    {{ ehp_flagged_where(
        'PATN', 'patient_id', 'duplicate_patient', 'duplicates'
    ) }}
        is_duplicate

    union all

    {{ ehp_flagged_where('PATN', 'patn_id', 'text_noise', 'patients') }}
        patn_mrtl_sts_cd != {{ ehp_clean_code('patn_mrtl_sts_cd') }}

    union all

    {{ ehp_flagged_where('APPT', 'appt_id', 'text_noise', 'appointments') }}
        appt_typ_cd != {{ ehp_clean_code('appt_typ_cd') }}

    union all

    {{ ehp_flagged_where('APPT', 'appt_id', 'time_zone', 'appointments') }}
        {{ ehp_time_zone_suspect(
            'appt_chkin_ts',
            ehp_appointment_start('appt_schd_dt', 'appt_strt_tm')
        ) }}

    union all

    {{ ehp_flagged_where('PMNT', 'pmnt_id', 'mixed_date_format', 'payments') }}
        cast(pmnt_dt as {{ dbt.type_string() }}) not like '____-__-__'

    union all

    {{ ehp_flagged_where('PMNT', 'pmnt_id', 'wrong_sign', 'payments') }}
        pmnt_amt < 0

    union all

    {{ ehp_resent_rows('PMNT', 'pmnt_id', 'payments') }}

    union all

    {{ ehp_resent_rows('MEDT', 'medt_id', 'team') }}

    union all

    {{ ehp_flagged_where('TMMD', 'tmmd_id', 'unit_mixup', 'doses') }}
        {{ ehp_clean_code('tmmd_dose_unit_cd') }} = 'G'

    union all

    {{ ehp_flagged_where('MEDT', 'medt_id', 'invalid_code', 'team') }}
        {{ ehp_clean_code('medt_role_cd') }}
        not in ('ATND', 'RES', 'RN', 'ANES', 'CNSL', 'PHRM')
        or {{ ehp_clean_code('medt_lead_flg') }} not in ('Y', 'N')

    union all

    {{ ehp_flagged_where('PTAL', 'ptal_id', 'invalid_code', 'allergies') }}
        {{ ehp_clean_code('ptal_svrty_cd') }} not in ('MILD', 'MOD', 'SEV')
        or {{ ehp_clean_code('ptal_rctn_cd') }}
        not in ('RASH', 'HIVES', 'ANAPH', 'SWELL', 'GI', 'RESP')
        or {{ ehp_clean_code('ptal_sts_cd') }} not in ('ACTV', 'INAC', 'RSLV')

    union all

    {{ ehp_flagged_where('MEDT', 'medt_id', 'missing_value', 'team') }}
        vist_id is null
        or stff_id is null
        or medt_role_cd is null
        or medt_asgn_ts is null
        or medt_lead_flg is null

    union all

    {{ ehp_flagged_where('PTAL', 'ptal_id', 'missing_value', 'allergies') }}
        patn_id is null
        or algy_id is null
        or ptal_svrty_cd is null
        or ptal_rctn_cd is null
        or ptal_rcrd_dt is null
        or ptal_rcrd_by_stff_id is null
        or ptal_sts_cd is null

    union all

    select distinct
        'MEDT' as table_code,
        team.medt_id as primary_key,
        'orphan_key' as defect_type
    from team
    left join visits
        on team.vist_id = visits.vist_id
    left join staff
        on team.stff_id = staff.stff_id
    where
        (team.vist_id is not null and visits.vist_id is null)
        or (team.stff_id is not null and staff.stff_id is null)

    union all

    select distinct
        'PTAL' as table_code,
        allergies.ptal_id as primary_key,
        'orphan_key' as defect_type
    from allergies
    left join patients
        on allergies.patn_id = patients.patn_id
    left join allergens
        on allergies.algy_id = allergens.algy_id
    left join staff
        on allergies.ptal_rcrd_by_stff_id = staff.stff_id
    where
        (allergies.patn_id is not null and patients.patn_id is null)
        or (allergies.algy_id is not null and allergens.algy_id is null)
        or (
            allergies.ptal_rcrd_by_stff_id is not null
            and staff.stff_id is null
        )
)

select * from detected
