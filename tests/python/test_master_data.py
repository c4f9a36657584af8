"""Invariants, never-real identifiers and realism of the master tables."""

from __future__ import annotations

import pytest
from helpers import rows, scalar

from generator.identifiers import luhn_ok
from generator.registry import TABLES

MASTER = ["DPMT", "STFF", "PATN", "ALGY", "PTAL", "INSR", "ROMS", "EQPM", "VNDR", "SPLY", "MDCN"]


@pytest.mark.parametrize("code", MASTER)
def test_primary_key_unique_and_not_null(db, code):
    t = TABLES[code]
    n, distinct, nulls = rows(
        db,
        f"select count(*), count(distinct {t.primary_key}), "
        f"count(*) - count({t.primary_key}) from {code.lower()}",
    )[0]
    assert n > 0 and n == distinct and nulls == 0


@pytest.mark.parametrize("code", MASTER)
def test_foreign_keys_resolve_and_required_columns_are_filled(db, code):
    t = TABLES[code]
    for c in t.columns:
        if not c.nullable:
            assert scalar(db, f"select count(*) from {code.lower()} where {c.name} is null") == 0, (
                c.name
            )
        if c.references and c.references in MASTER:
            parent = TABLES[c.references]
            orphans = scalar(
                db,
                f"""select count(*) from {code.lower()} x
                where x.{c.name} is not null and x.{c.name} not in
                (select {parent.primary_key} from {c.references.lower()})""",
            )
            assert orphans == 0, c.name


@pytest.mark.parametrize("code", MASTER)
def test_codes_are_accepted_values(db, code):
    for c in TABLES[code].columns:
        if c.values:
            bad = rows(
                db,
                f"select distinct {c.name} from {code.lower()} where {c.name} is not null "
                f"and {c.name} not in ({', '.join(repr(v) for v in c.values)})",
            )
            assert not bad, f"{c.name}: {bad}"


@pytest.mark.parametrize("code", MASTER)
def test_audit_columns_are_ordered_and_never_after_the_end(db, code):
    bad = scalar(
        db,
        f"""select count(*) from {code.lower()} where rec_updt_ts < rec_crtd_ts
        or rec_updt_ts > timestamp '2024-12-31 23:59:59'""",
    )
    assert bad == 0


def test_ssn_areas_are_never_issued(db):
    assert (
        scalar(
            db,
            r"select count(*) from patn where not regexp_full_match(patn_ssn_no, '(000|666)-\d\d-\d{4}')",
        )
        == 0
    )
    assert (
        scalar(
            db,
            "select count(*) from patn where substr(patn_ssn_no, 5, 2) = '00' or right(patn_ssn_no, 4) = '0000'",
        )
        == 0
    )


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("patn", "patn_phn_no"),
        ("patn", "patn_emrg_cntct_phn_no"),
        ("stff", "stff_phn_no"),
        ("vndr", "vndr_phn_no"),
        ("dpmt", "dpmt_phn_no"),
    ],
)
def test_phones_are_in_the_fictional_range(db, table, column):
    bad = scalar(
        db,
        rf"select count(*) from {table} where {column} is not null and not regexp_full_match({column}, '\(\d{{3}}\) 555-01\d\d')",
    )
    assert bad == 0


@pytest.mark.parametrize(
    ("table", "column"),
    [("patn", "patn_email_addr"), ("stff", "stff_email_addr"), ("vndr", "vndr_email_addr")],
)
def test_emails_use_reserved_domains(db, table, column):
    bad = scalar(
        db,
        rf"""select count(*) from {table} where {column} is not null and not regexp_full_match(
        {column}, '[a-z0-9.]+@([a-z0-9-]+\.)*(example\.(com|org|net)|[a-z0-9-]+\.(example|test))')""",
    )
    assert bad == 0


def test_npi_numbers_pass_luhn_over_80840_and_start_with_3(db):
    npis = [r[0] for r in rows(db, "select stff_npi_no from stff where stff_npi_no is not null")]
    assert npis
    for npi in npis:
        assert len(npi) == 10 and npi.isdigit() and npi[0] == "3"
        assert luhn_ok("80840" + npi), npi
        assert not luhn_ok("80840" + npi[:-1] + str((int(npi[-1]) + 1) % 10))
    assert len(set(npis)) == len(npis)


def test_licensed_clinicians_have_npis_and_others_do_not(db):
    assert (
        scalar(
            db,
            "select count(*) from stff where stff_role_cd in ('PHYS','SURG','NP','PA') and stff_npi_no is null",
        )
        == 0
    )
    assert (
        scalar(
            db,
            "select count(*) from stff where stff_role_cd in ('ADMN','TECH','RN') and stff_npi_no is not null",
        )
        == 0
    )


def test_member_and_tax_ids_use_formats_no_issuer_uses(db):
    assert (
        scalar(
            db, r"select count(*) from insr where not regexp_full_match(insr_mbr_id, 'ZQ\d{10}')"
        )
        == 0
    )
    assert (
        scalar(
            db, r"select count(*) from vndr where not regexp_full_match(vndr_tax_id, '00-\d{7}')"
        )
        == 0
    )


def test_city_state_zip_belong_together(db):
    from generator import reference

    known = {(r["zip"], r["city"], r["state"]) for r in reference.rows("catchment")}
    for table, p in (("patn", "patn"), ("vndr", "vndr")):
        got = set(rows(db, f"select distinct {p}_zip_cd, {p}_city_nm, {p}_st_cd from {table}"))
        assert got <= known
    in_area = scalar(db, "select avg(case when patn_st_cd = 'MA' then 1 else 0 end) from patn")
    assert in_area > 0.9


def test_people_dates_are_in_order(db):
    assert (
        scalar(
            db,
            "select count(*) from patn where patn_brth_dt > patn_rgst_dt or patn_rgst_dt > date '2024-12-31'",
        )
        == 0
    )
    assert scalar(db, "select count(*) from patn where patn_dth_dt < patn_brth_dt") == 0
    assert (
        scalar(
            db,
            "select count(*) from stff where stff_term_dt < stff_hire_dt or stff_brth_dt + interval 18 year > stff_hire_dt",
        )
        == 0
    )
    assert (
        scalar(
            db,
            "select count(*) from stff where (stff_term_dt is not null) <> (stff_sts_cd = 'TERM')",
        )
        == 0
    )


def test_every_department_role_group_has_someone_employed_throughout(db):
    missing = rows(
        db,
        """select dpmt_id, stff_role_cd from stff group by all
        having count(*) filter (where stff_hire_dt <= date '2023-01-01' and stff_term_dt is null) = 0""",
    )
    assert not missing


def test_department_heads_are_their_own_current_clinicians(db):
    bad = scalar(
        db,
        """select count(*) from dpmt d join stff s on s.stff_id = d.dpmt_head_stff_id
        where s.dpmt_id <> d.dpmt_id or s.stff_term_dt is not null""",
    )
    assert bad == 0
    assert scalar(db, "select count(*) from dpmt where dpmt_head_stff_id is not null") >= 18


def test_allergies_recorded_after_registration_by_staff_then_employed(db):
    assert (
        scalar(
            db,
            """select count(*) from ptal a join patn p using (patn_id)
        where a.ptal_rcrd_dt < p.patn_rgst_dt or a.ptal_onst_dt < p.patn_brth_dt
           or a.ptal_onst_dt > a.ptal_rcrd_dt or a.ptal_rcrd_dt > date '2024-12-31'""",
        )
        == 0
    )
    assert (
        scalar(
            db,
            """select count(*) from ptal a join stff s on s.stff_id = a.ptal_rcrd_by_stff_id
        where a.ptal_rcrd_dt < s.stff_hire_dt or a.ptal_rcrd_dt > coalesce(s.stff_term_dt, date '9999-12-31')""",
        )
        == 0
    )
    assert scalar(db, "select count(*) - count(distinct (patn_id, algy_id)) from ptal") == 0


def test_allergy_rates(db):
    n = scalar(db, "select count(*) from patn")
    any_ = scalar(db, "select count(distinct patn_id) from ptal") / n
    pcn = (
        scalar(
            db,
            "select count(distinct patn_id) from ptal join algy using (algy_id)"
            " where algy_drug_cls_cd = 'PENICILLIN'",
        )
        / n
    )
    assert 0.21 <= any_ <= 0.29
    assert 0.08 <= pcn <= 0.12


def test_demographics_match_the_scenario(db):
    n = scalar(db, "select count(*) from patn")
    assert 0.48 <= scalar(db, "select avg((patn_sex_cd = 'F')::int) from patn") <= 0.54
    bands = dict(
        rows(
            db,
            """select case when a < 18 then '0-17' when a < 45 then '18-44' when a < 65 then '45-64'
        else '65+' end, count(*) / sum(count(*)) over () from
        (select date_diff('year', patn_brth_dt, date '2024-12-31') as a from patn) group by 1""",
        )
    )
    for band, target in (("0-17", 0.22), ("18-44", 0.36), ("45-64", 0.25), ("65+", 0.17)):
        assert abs(bands[band] - target) < 0.03, (band, bands[band])
    o_pos = scalar(db, "select avg((patn_bld_typ_cd = 'O+')::int) from patn")
    assert abs(o_pos - 0.374) < 0.03
    # scale 0.2: 2,000 registered patients, and the babies born in the hospital
    assert scalar(db, "select count(*) from patn where patn_mthr_patn_id is null") == 2000
    assert 2000 < n < 2060


def test_primary_policies_never_overlap(db):
    bad = scalar(
        db,
        """select count(*) from insr a join insr b on a.patn_id = b.patn_id and a.insr_id < b.insr_id
        where a.insr_prmy_flg = 'Y' and b.insr_prmy_flg = 'Y'
          and a.insr_eff_dt <= coalesce(b.insr_end_dt, date '9999-12-31')
          and b.insr_eff_dt <= coalesce(a.insr_end_dt, date '9999-12-31')""",
    )
    assert bad == 0
    assert scalar(db, "select count(*) from insr where insr_end_dt < insr_eff_dt") == 0


def test_payer_mix(db):
    # current primary policy at the end of the window, by age then
    mix = dict(
        rows(
            db,
            """with cur as (
        select p.patn_id, date_diff('year', p.patn_brth_dt, date '2024-12-31') >= 65 as senior, i.insr_pyr_typ_cd
        from patn p left join insr i on i.patn_id = p.patn_id and i.insr_prmy_flg = 'Y' and i.insr_end_dt is null)
        select case when senior then 'senior-mcr' else coalesce(insr_pyr_typ_cd, 'SELF') end, count(*)
        from cur where not senior or insr_pyr_typ_cd = 'MCR' group by 1""",
        )
    )
    seniors = scalar(
        db,
        "select count(*) from patn where date_diff('year', patn_brth_dt, date '2024-12-31') >= 65",
    )
    assert mix["senior-mcr"] / seniors > 0.93
    young = sum(v for k, v in mix.items() if k != "senior-mcr")
    assert abs(mix["MCD"] / young - 0.20) < 0.04
    assert abs(mix["COM"] / young - 0.71) < 0.05
    assert 0.06 <= mix["SELF"] / young <= 0.12
    # Medicare mostly covers people aged 65 or over
    under = scalar(
        db,
        """select avg((date_diff('year', p.patn_brth_dt, i.insr_eff_dt) < 65)::int)
        from insr i join patn p using (patn_id) where i.insr_pyr_typ_cd = 'MCR'""",
    )
    assert under < 0.02


def test_medicines_route_fits_form_and_storage_fits_form_and_class(db):
    assert (
        scalar(
            db,
            """select count(*) from mdcn where not (
        (mdcn_form_cd in ('TAB','CAP','SUSP') and mdcn_route_cd = 'PO')
        or (mdcn_form_cd = 'SOL' and mdcn_route_cd in ('PO','IV'))
        or (mdcn_form_cd = 'INJ' and mdcn_route_cd in ('IV','IM','SC'))
        or (mdcn_form_cd = 'CRM' and mdcn_route_cd = 'TOP')
        or (mdcn_form_cd = 'INH' and mdcn_route_cd = 'INH')
        or (mdcn_form_cd = 'PTCH' and mdcn_route_cd = 'TD'))""",
        )
        == 0
    )
    assert (
        scalar(
            db,
            "select count(*) from mdcn where (mdcn_schd_cd like 'C%') <> (mdcn_strg_cd = 'VAULT')",
        )
        == 0
    )
    assert (
        scalar(
            db, "select count(*) from mdcn where mdcn_strg_cd = 'FRZN' and mdcn_form_cd <> 'INJ'"
        )
        == 0
    )
    assert (
        scalar(
            db,
            "select count(*) from mdcn where mdcn_strg_cd = 'REFR' and mdcn_form_cd in ('TAB','CAP','INH','PTCH')",
        )
        == 0
    )


def test_medicine_names_are_invented_and_fit_their_class(db):
    assert (
        scalar(db, "select count(*) - count(distinct mdcn_gnrc_nm || mdcn_form_cd) from mdcn") == 0
    )
    stems = {"ACE_INHIBITOR": "pril", "BETA_BLOCKER": "olol", "STATIN": "statin"}
    for cls, stem in stems.items():
        names = [
            r[0]
            for r in rows(db, f"select mdcn_gnrc_nm from mdcn where mdcn_thrp_cls_cd = '{cls}'")
        ]
        if names:
            assert all(stem in n for n in names), (cls, names)
    assert 300 <= scalar(db, "select count(*) from mdcn") <= 600


def test_every_drug_allergen_class_is_on_the_formulary(db):
    assert (
        scalar(
            db,
            """select count(*) from algy where algy_drug_cls_cd is not null
        and algy_drug_cls_cd not in (select mdcn_drug_cls_cd from mdcn)""",
        )
        == 0
    )


def test_rooms_and_equipment_make_sense(db):
    assert (
        scalar(
            db,
            "select count(*) from roms where roms_typ_cd in ('WARD','PRIV','ICU') and (roms_bed_cnt < 1 or roms_dly_rt_amt <= 0)",
        )
        == 0
    )
    assert (
        scalar(
            db,
            "select count(*) from roms where roms_typ_cd in ('EXAM','OR','IMGN','LAB') and roms_bed_cnt <> 0",
        )
        == 0
    )
    assert (
        scalar(
            db,
            """select count(*) from eqpm e join roms r using (roms_id) where e.dpmt_id <> r.dpmt_id""",
        )
        == 0
    )
    assert (
        scalar(
            db,
            "select count(*) from eqpm where eqpm_wrnty_end_dt < eqpm_prch_dt or eqpm_last_mnt_dt < eqpm_prch_dt or eqpm_next_mnt_dt <= eqpm_last_mnt_dt",
        )
        == 0
    )
    assert scalar(db, "select count(*) from roms r where roms_no is null") == 0
    assert scalar(db, "select count(*) - count(distinct roms_no) from roms") == 0


def test_curated_catalogs_stay_the_same_size_and_people_grow(small_run, tmp_path):
    import json

    from generator.engine import Options, generate

    small = json.loads((small_run / "manifest.json").read_text())["tables"]
    big = generate(Options(scale=1.0, seed=7, out=tmp_path / "big", workers=2))["tables"]
    for code in ("ALGY", "MDCN", "SPLY", "VNDR", "DPMT"):
        assert small[code]["rows"] == big[code]["rows"], code
    for code in ("PATN", "EQPM", "INSR", "PTAL"):
        assert big[code]["rows"] > 2 * small[code]["rows"], code
    # staff and rooms follow the work, with a floor at tiny scales (one of each role and
    # room a department needs), so they grow less than in proportion
    for code in ("STFF", "ROMS"):
        assert big[code]["rows"] > 1.5 * small[code]["rows"], code
    # 10,000 registered patients, and the babies born in the hospital (about 1 %)
    assert 10_000 < big["PATN"]["rows"] < 10_300


def test_no_policy_runs_past_death(db):
    assert (
        scalar(
            db,
            """select count(*) from insr i join patn p using (patn_id)
        where p.patn_dth_dt is not null
          and (i.insr_eff_dt > p.patn_dth_dt or coalesce(i.insr_end_dt, date '9999-12-31') > p.patn_dth_dt)""",
        )
        == 0
    )
    assert scalar(db, "select count(*) from patn where patn_dth_dt is not null") > 0


def test_allergies_moved_to_a_death_date_keep_an_employed_recorder(tmp_path):
    # many in-hospital deaths move many allergy records back to the death date
    from dataclasses import replace

    from generator.engine import Options, generate
    from generator.load import connect
    from generator.scenario import Scenario

    sc = replace(Scenario(), inpatient_mortality=0.4, annual_turnover=0.4)
    generate(Options(scale=0.3, seed=3, out=tmp_path, workers=2, scenario=sc))
    con = connect(tmp_path)
    moved = scalar(
        con, "select count(*) from ptal join patn using (patn_id) where ptal_rcrd_dt = patn_dth_dt"
    )
    assert moved > 0
    assert (
        scalar(
            con,
            """select count(*) from ptal a join stff s on s.stff_id = a.ptal_rcrd_by_stff_id
        where a.ptal_rcrd_dt < s.stff_hire_dt or a.ptal_rcrd_dt > coalesce(s.stff_term_dt, date '9999-12-31')""",
        )
        == 0
    )
