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
    select
        'PATN' as table_code,
        patient_id as primary_key,
        'duplicate_patient' as defect_type
    from duplicates
    where is_duplicate

    union all

    select
        'PATN' as table_code,
        patn_id as primary_key,
        'text_noise' as defect_type
    from patients
    where patn_mrtl_sts_cd != {{ ehp_clean_code('patn_mrtl_sts_cd') }}

    union all

    select
        'APPT' as table_code,
        appt_id as primary_key,
        'text_noise' as defect_type
    from appointments
    where appt_typ_cd != {{ ehp_clean_code('appt_typ_cd') }}

    union all

    select
        'APPT' as table_code,
        appt_id as primary_key,
        'time_zone' as defect_type
    from appointments
    where
        {{ ehp_time_zone_suspect(
            'appt_chkin_ts',
            ehp_appointment_start('appt_schd_dt', 'appt_strt_tm')
        ) }}

    union all

    select
        'PMNT' as table_code,
        pmnt_id as primary_key,
        'mixed_date_format' as defect_type
    from payments
    where cast(pmnt_dt as {{ dbt.type_string() }}) not like '____-__-__'

    union all

    select
        'PMNT' as table_code,
        pmnt_id as primary_key,
        'wrong_sign' as defect_type
    from payments
    where pmnt_amt < 0

    union all

    select
        'PMNT' as table_code,
        pmnt_id as primary_key,
        'resent_row' as defect_type
    from payments
    group by pmnt_id
    having count(*) > 1

    union all

    select
        'MEDT' as table_code,
        medt_id as primary_key,
        'resent_row' as defect_type
    from team
    group by medt_id
    having count(*) > 1

    union all

    select
        'TMMD' as table_code,
        tmmd_id as primary_key,
        'unit_mixup' as defect_type
    from doses
    where {{ ehp_clean_code('tmmd_dose_unit_cd') }} = 'G'

    union all

    select distinct
        'MEDT' as table_code,
        medt_id as primary_key,
        'invalid_code' as defect_type
    from team
    where
        {{ ehp_clean_code('medt_role_cd') }}
        not in ('ATND', 'RES', 'RN', 'ANES', 'CNSL', 'PHRM')
        or {{ ehp_clean_code('medt_lead_flg') }} not in ('Y', 'N')

    union all

    select distinct
        'PTAL' as table_code,
        ptal_id as primary_key,
        'invalid_code' as defect_type
    from allergies
    where
        {{ ehp_clean_code('ptal_svrty_cd') }} not in ('MILD', 'MOD', 'SEV')
        or {{ ehp_clean_code('ptal_rctn_cd') }}
        not in ('RASH', 'HIVES', 'ANAPH', 'SWELL', 'GI', 'RESP')
        or {{ ehp_clean_code('ptal_sts_cd') }} not in ('ACTV', 'INAC', 'RSLV')

    union all

    select distinct
        'MEDT' as table_code,
        medt_id as primary_key,
        'missing_value' as defect_type
    from team
    where
        vist_id is null
        or stff_id is null
        or medt_role_cd is null
        or medt_asgn_ts is null
        or medt_lead_flg is null

    union all

    select distinct
        'PTAL' as table_code,
        ptal_id as primary_key,
        'missing_value' as defect_type
    from allergies
    where
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
