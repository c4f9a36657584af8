"""How realistic a generated extract is, measured from its raw files as an analyst would.

    python scripts/realism_report.py seeds/ehp                 # the extract in a folder
    python scripts/realism_report.py --scale 1 --seed 2026     # generate one, then measure
    make realism                                               # scale 1, seeds 2026 and 7

Prints one table per extract: figure, target, measured, ok. The figures are those of
issue 11 ("Patients with histories") and docs/data_model.md ("Realism targets",
"Patients with histories", "A hospital at capacity" payments); docs/realism.md defines each
one. A target written as a range is met inside it; "rising" and "falling" are met when
every band's figure is above (below) the previous one. Rows with no target are context.
The exit status is 0 whatever the figures: the report says what is true, it is not a test.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.load import connect  # noqa: E402

# chronic conditions whose recurrence on later visits the issue measures (3-character
# ICD-10-CM categories)
CHRONIC_RECURRENCE = ("E11", "I10", "E78", "J44", "N18", "I50")
# every chronic condition of docs/data_model.md, as code prefixes: a patient's chronic count
CHRONIC_PREFIXES = {
    "hypertension": ("I10",),
    "type 2 diabetes": ("E11",),
    "hyperlipidemia": ("E78",),
    "obesity": ("E66",),
    "asthma": ("J45",),
    "COPD": ("J44",),
    "chronic kidney disease": ("N18",),
    "heart failure": ("I50",),
    "atrial fibrillation": ("I48",),
    "depression": ("F32", "F33"),
    "osteoarthritis": ("M15", "M16", "M17", "M18", "M19"),
    "hypothyroidism": ("E03",),
}
# infections: ICD-10-CM chapter 1 (A00-B99) and the infectious codes of other chapters
INFECTION_PREFIXES = (
    *(f"A{i:02d}" for i in range(100)),
    *(f"B{i:02d}" for i in range(100)),
    *(f"J{i:02d}" for i in range(23)),  # acute upper and lower respiratory infections
    "J36", "J39.0", "J85", "J86", "U07.1", "H66", "H70", "H60.3", "H10.0", "N39.0",
    "N30.0", "N10", "N11", "N34.1", "N41.0", "N41.1", "N70", "N71", "N73", "N76.0", "N76.1",
    "L00", "L01", "L02", "L03", "L04", "L05", "L08", "K35", "K57.0", "K57.2", "K57.32",
    "K57.4", "K57.8", "K61", "K65", "K81.0", "K83.0", "M00", "M01", "M86", "G00", "G01",
    "G02", "G03", "G04", "G06", "I30.1", "I33", "I40.0", "R65.2", "T81.4", "T82.6", "T82.7",
    "T83.5", "T84.5", "T84.6", "T84.7", "T85.7", "O23", "O41.1", "O85", "O86", "O98", "P36",
    "P37", "P38", "P39",
)  # fmt: skip
DIABETES_PREFIXES = ("E08", "E09", "E10", "E11", "E13", "O24", "R73", "E28.2")
ANTIBIOTIC_CLASSES = (
    "PENICILLIN", "CEPHALOSPORIN", "MACROLIDE", "FLUOROQUINOLONE", "SULFONAMIDE", "GLYCOPEPTIDE",
)  # fmt: skip
ANTIDIABETIC_CLASSES = ("BIGUANIDE", "INSULIN")
DELIVERY_OUTCOME = "Z37"  # outcome of delivery: coded on every delivery stay
# the seeds (2026 is the one its figures were measured on; never the default 42)
DEFAULT_SEEDS = (2026, 7)


def _prefix_sql(column: str, prefixes: tuple[str, ...]) -> str:
    """A SQL condition: the column starts with one of the prefixes."""
    return "(" + " or ".join(f"starts_with({column}, '{p}')" for p in prefixes) + ")"


def _in_sql(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


AGE_BAND_SQL = """case when {age} < 18 then '0-17' when {age} < 45 then '18-44'
    when {age} < 65 then '45-64' else '65+' end"""


def _views(con, end_date: str) -> None:
    """Views the figures share: patients seen with their age band, diagnoses with the
    patient, given doses with their class, inpatient stays with readmission flags."""
    age = "floor(date_diff('day', p.patn_brth_dt, v.first_admit) / 365.25)"
    con.execute(f"""
        create view seen as
        select p.patn_id, p.patn_sex_cd as sex, {AGE_BAND_SQL.format(age=age)} as band,
            {age} as age
        from patn as p join (
            select patn_id, cast(min(vist_admt_ts) as date) as first_admit
            from vist group by all
        ) as v using (patn_id)""")
    con.execute("""
        create view dx as
        select d.*, v.patn_id, v.vist_typ_cd, v.vist_admt_ts
        from diag as d join vist as v using (vist_id)""")
    con.execute("""
        create view dose as
        select t.*, m.mdcn_drug_cls_cd as drug_class, v.patn_id, v.vist_typ_cd
        from tmmd as t join mdcn as m using (mdcn_id) join vist as v using (vist_id)
        where t.tmmd_sts_cd = 'GIVN'""")
    age = "floor(date_diff('day', p.patn_brth_dt, cast(v.vist_admt_ts as date)) / 365.25)"
    con.execute(f"""
        create view stays as
        select v.*, {age} as age, {AGE_BAND_SQL.format(age=age)} as band,
            date_diff('minute', v.vist_admt_ts, v.vist_dsch_ts) / 1440.0 as los_days,
            lead(v.vist_admt_ts) over (partition by v.patn_id
                order by v.vist_admt_ts, v.vist_id) as next_admit,
            v.vist_dsch_ts is not null
                and v.vist_dsch_disp_cd not in ('EXPD', 'TRNS', 'AMA')
                and cast(v.vist_dsch_ts as date) <= date '{end_date}' - 30 as is_index
        from vist as v join patn as p using (patn_id)
        where v.vist_typ_cd = 'INPT'""")


def _one(con, sql: str) -> dict[str, float]:
    """The one row of a query, by column name."""
    cur = con.execute(sql)
    return dict(zip([c[0] for c in cur.description], cur.fetchone(), strict=True))


def _series(con, sql: str, bands: tuple[str, ...]) -> tuple[float | None, ...]:
    """A figure per band, in the bands' order, from a query of (band, value) rows."""
    got = dict(con.execute(sql).fetchall())
    return tuple(got.get(b) for b in bands)


def chronic_prevalence(con) -> dict[str, object]:
    """Share of the patients seen (age at their first visit of the window) ever coded with
    type 2 diabetes (E11) and hypertension (I10): adults, and by adult age band."""
    sql = """
        with coded as (
            select patn_id,
                bool_or(starts_with(diag_icd10_cd, 'E11')) as e11,
                bool_or(starts_with(diag_icd10_cd, 'I10')) as i10
            from dx group by all
        ),
        adults as (
            select s.band, coalesce(c.e11, false) as e11, coalesce(c.i10, false) as i10
            from seen as s left join coded as c using (patn_id) where s.age >= 18
        )
        select {by} as band, avg(e11::int) as e11, avg(i10::int) as i10
        from adults group by all"""
    overall = _one(con, sql.format(by="'all'"))
    bands = ("18-44", "45-64", "65+")
    rows = {b: (e, i) for b, e, i in con.execute(sql.format(by="band")).fetchall()}
    return {
        "e11_adults": overall["e11"],
        "i10_adults": overall["i10"],
        "e11_by_band": tuple(rows.get(b, (None, None))[0] for b in bands),
        "i10_by_band": tuple(rows.get(b, (None, None))[1] for b in bands),
    }


def chronic_recurrence(con) -> dict[str, object]:
    """After a patient's first visit coded with a chronic condition, the share of their later
    visits coded with it again: all later visits, and later inpatient and ED visits."""
    cats = _in_sql(CHRONIC_RECURRENCE)
    return _one(
        con,
        f"""
        with coded as (
            select distinct patn_id, vist_id, vist_admt_ts, left(diag_icd10_cd, 3) as cat
            from dx where left(diag_icd10_cd, 3) in {cats}
        ),
        first_coded as (
            select patn_id, cat, min(vist_admt_ts) as first_at from coded group by all
        ),
        later as (
            select f.cat, v.vist_typ_cd, c.vist_id is not null as carries
            from first_coded as f
            join vist as v on v.patn_id = f.patn_id and v.vist_admt_ts > f.first_at
            left join coded as c on c.vist_id = v.vist_id and c.cat = f.cat
        )
        select avg(carries::int) as recurrence_later_visits,
            avg(carries::int) filter (where vist_typ_cd in ('INPT', 'EMER'))
                as recurrence_later_inpatient_ed
        from later""",
    )


HBA1C = "CM-LAB-0024"  # the chargemaster's hemoglobin A1c test


def diabetic_monitoring(con, years: float) -> dict[str, object]:
    """Patients coded E11 with a clinic visit (OUTP) in the window: the share with an HbA1c
    test in the window, and their HbA1c tests a year (over the window's years)."""
    return _one(
        con,
        f"""
        with diabetics as (
            select distinct patn_id from dx where starts_with(diag_icd10_cd, 'E11')
            intersect
            select distinct patn_id from vist where vist_typ_cd = 'OUTP'
        ),
        tests as (
            select v.patn_id, count(*) as n
            from trtm as t join vist as v using (vist_id)
            where t.trtm_cd = '{HBA1C}' group by all
        )
        select avg((coalesce(t.n, 0) > 0)::int) as diabetics_with_hba1c,
            sum(coalesce(t.n, 0)) / count(*) / {years} as hba1c_per_diabetic_year
        from diabetics as d left join tests as t using (patn_id)""",
    )


FOLLOWUP_GAP_CATEGORIES = ("E11", "I50", "N18")  # median days between clinic follow-ups


def followup_care(con, years: float) -> dict[str, object]:
    """Care that follows the conditions and the episodes: diabetics (patients coded E11) with
    at least two clinic visits (OUTP or TELE) a year whose primary diagnosis is E11; the
    median days between a patient's consecutive clinic visits for type 2 diabetes, heart
    failure and chronic kidney disease; ED visits (not admitted) followed by a clinic visit
    with the same primary code within 30 days (share of ED visits, and how many); clinic
    visits a year per patient seen, by age band."""
    clinic = "v.vist_typ_cd in ('OUTP', 'TELE')"
    prim = f"""
        select v.patn_id, v.vist_id, v.vist_typ_cd, v.vist_admt_ts, v.vist_dsch_disp_cd,
            d.diag_icd10_cd as code, {clinic} as clinic
        from vist as v join diag as d using (vist_id) where d.diag_typ_cd = 'PRIM'"""
    out = _one(
        con,
        f"""
        with prim as ({prim}),
        diabetics as (select distinct patn_id from dx where starts_with(diag_icd10_cd, 'E11')),
        e11 as (
            select patn_id, count(*) as n from prim
            where clinic and starts_with(code, 'E11') group by all
        ),
        ed as (
            select * from prim where vist_typ_cd = 'EMER' and vist_dsch_disp_cd <> 'ADMT'
        ),
        ed_followed as (
            select e.vist_id from ed as e join prim as c
            on c.patn_id = e.patn_id and c.clinic and c.code = e.code
                and c.vist_admt_ts > e.vist_admt_ts
                and c.vist_admt_ts <= e.vist_admt_ts + interval 30 day
            group by all
        )
        select avg((coalesce(e11.n, 0) >= 2 * {years})::int) as diabetics_e11_clinic_twice_a_year,
            (select count(*) from ed_followed) / (select count(*) from ed) as ed_followed_same_code,
            (select count(*) from ed_followed) as ed_followed_visits
        from diabetics as d left join e11 using (patn_id)""",
    )
    for cat in FOLLOWUP_GAP_CATEGORIES:
        out[f"followup_gap_days_{cat.lower()}"] = _one(
            con,
            f"""
            with visits as (
                select patn_id, vist_admt_ts as seen_at, lag(vist_admt_ts) over (
                    partition by patn_id order by vist_admt_ts, vist_id) as before
                from ({prim}) where clinic and starts_with(code, '{cat}')
            )
            select median(date_diff('day', cast(before as date), cast(seen_at as date))) as v
            from visits where before is not null""",
        )["v"]
    per_year = f"""
        select s.band, count(v.vist_id) / count(distinct s.patn_id) / {years}
        from seen as s left join vist as v on v.patn_id = s.patn_id and {clinic}
        group by all"""
    out["clinic_visits_per_patient_year"] = _series(con, per_year, AGE_BANDS)
    return out


def medicine_indications(con) -> dict[str, object]:
    """Medicines against the diagnoses: antidiabetics for diabetics, biguanides without a
    diabetes code, antibiotics with an infection (or a surgery) on the visit."""
    infection = _prefix_sql("diag_icd10_cd", INFECTION_PREFIXES)
    diabetes = _prefix_sql("diag_icd10_cd", DIABETES_PREFIXES)
    return _one(
        con,
        f"""
        with e11_patients as (
            select distinct patn_id from dx where starts_with(diag_icd10_cd, 'E11')
        ),
        antidiabetic as (
            select distinct patn_id, vist_id from dose
            where drug_class in {_in_sql(ANTIDIABETIC_CLASSES)}
        ),
        diabetic_stays as (
            select distinct vist_id from dx
            where vist_typ_cd = 'INPT' and starts_with(diag_icd10_cd, 'E11')
        ),
        infection_visits as (select distinct vist_id from dx where {infection}),
        surgery_visits as (select distinct vist_id from trtm where trtm_typ_cd = 'SURG'),
        doses as (
            select d.drug_class in {_in_sql(ANTIBIOTIC_CLASSES)} as antibiotic,
                i.vist_id is not null as infection, s.vist_id is not null as surgery
            from dose as d
            left join infection_visits as i using (vist_id)
            left join surgery_visits as s using (vist_id)
        ),
        biguanide_patients as (
            select distinct patn_id from dose where drug_class = 'BIGUANIDE'
        )
        select
            (select avg((patn_id in (select patn_id from antidiabetic))::int)
                from e11_patients) as e11_patients_antidiabetic,
            (select avg((vist_id in (select vist_id from antidiabetic))::int)
                from diabetic_stays) as diabetic_stays_antidiabetic,
            (select avg((patn_id not in (select patn_id from dx where {diabetes}))::int)
                from biguanide_patients) as biguanide_without_diabetes,
            (select avg(infection::int) filter (where antibiotic) from doses)
                as antibiotic_doses_infection,
            (select avg(infection::int) from doses) as all_doses_infection,
            (select avg((infection or surgery)::int) filter (where antibiotic) from doses)
                as antibiotic_doses_infection_or_surgery""",
    )


def code_breadth(con) -> dict[str, object]:
    """Distinct ICD-10-CM codes, the commonest code's share of diagnosis rows, deliveries
    (inpatient stays coded with an outcome of delivery, Z37), newborns (patients coded Z38)
    and newborns per delivery."""
    return _one(
        con,
        f"""
        with counts as (select diag_icd10_cd, count(*) as n from diag group by all),
        deliveries as (
            select distinct vist_id from dx
            where vist_typ_cd = 'INPT' and starts_with(diag_icd10_cd, '{DELIVERY_OUTCOME}')
        ),
        newborns as (
            select count(distinct patn_id) as n from dx where starts_with(diag_icd10_cd, 'Z38')
        )
        select (select count(*) from counts) as icd_distinct_codes,
            (select max(n) / sum(n) from counts) as icd_top_code_share,
            (select count(*) from deliveries) as deliveries,
            (select n from newborns) as newborns,
            (select n from newborns) / nullif((select count(*) from deliveries), 0)
                as newborns_per_delivery""",
    )


def revenue_cycle(con, end_date: str, write_off_days: int) -> dict[str, object]:
    """Insurer payment delays (bill to payment), insured bills never paid by their insurer
    (billed 180 days or more before the end), denials over the months of the window, and
    written-off patient balances (billed long enough before the end to be written off)."""
    return _one(
        con,
        f"""
        with insurer as (
            select date_diff('day', b.bill_dt, p.pmnt_dt) as days
            from pmnt as p join bill as b using (bill_id) where p.pmnt_pyr_typ_cd = 'INSR'
        ),
        old_insured as (
            select bill_id, bill_id in (select bill_id from pmnt where pmnt_pyr_typ_cd = 'INSR')
                as paid
            from bill where insr_id is not null and bill_dt <= date '{end_date}' - 180
        ),
        denied as (
            select date_trunc('month', bill_dt) as month from bill where bill_sts_cd = 'DND'
        ),
        window_months as (
            select count(distinct date_trunc('month', vist_admt_ts)) as n from vist
        )
        select (select median(days) from insurer) as insurer_days_median,
            (select quantile_cont(days, 0.9) from insurer) as insurer_days_p90,
            (select avg((days > 90)::int) from insurer) as insurer_paid_after_90_days,
            (select avg((not paid)::int) from old_insured) as insurer_never_paid,
            (select count(*) from denied) as denied_bills,
            (select count(distinct month) from denied) / (select n from window_months)
                as months_with_denials,
            (select avg((month > date '{end_date}' - interval 4 month)::int) from denied)
                as denials_in_last_4_months,
            (select avg((bill_wrtf_amt > 0)::int) from bill where bill_patn_resp_amt > 0
                and bill_dt <= date '{end_date}' - {write_off_days + 30}) as patient_write_off_rate
        """,
    )


def people(con) -> dict[str, object]:
    """Allergies of all registered patients, and phone numbers shared across households
    (a household is one street address, city and ZIP code)."""
    return _one(
        con,
        """
        with pcn as (
            select distinct t.patn_id from ptal as t join algy as a using (algy_id)
            where a.algy_drug_cls_cd = 'PENICILLIN'
        ),
        homes as (
            select patn_phn_no as phone, count(distinct
                (patn_addr_ln1, patn_city_nm, patn_zip_cd)) as households
            from patn group by all
        )
        select (select count(*) from pcn) / count(*) as penicillin_allergy_rate,
            (select count(distinct patn_id) from ptal) / count(*) as any_allergy_rate,
            avg((h.households > 1)::int) as phone_shared_outside_household
        from patn as p join homes as h on h.phone = p.patn_phn_no""",
    )


def changes(con, end_date: str, years: float) -> dict[str, object]:
    """Records that changed in the extract's last year (none if the window is shorter): the
    living patients registered before that year whose record changed in it (for a living
    patient the only change is a move, generator/moves.py), and the supply items whose
    reorder settings a review changed in it (the catalog's only change)."""
    if years < 1:
        return {"patients_moved_last_year": None, "supplies_reviewed_last_year": None}
    year_ago = f"timestamp '{end_date} 23:59:59' - interval 1 year"
    return _one(
        con,
        f"""
        select
            (select avg((rec_updt_ts > {year_ago})::int) from patn
                where patn_dth_dt is null and rec_crtd_ts <= {year_ago})
                as patients_moved_last_year,
            (select avg((rec_updt_ts > {year_ago})::int) from sply)
                as supplies_reviewed_last_year""",
    )


AGE_BANDS = ("0-17", "18-44", "45-64", "65+")
LEAD_BANDS = ("0-7", "8-30", "31+")
CHRONIC_COUNTS = ("0", "1", "2", "3+")
ESI_LEVELS = ("1", "2", "3")  # admitted patients are triaged 1 (most urgent) to 3
# the ED visit an inpatient stay was admitted from (disposition ADMT, the stay admitted
# within the hour after it), with its triage level
FROM_ED = """
    select s.los_days, cast(e.vist_esi_lvl as varchar) as esi
    from stays as s join vist as e on e.patn_id = s.patn_id and e.vist_typ_cd = 'EMER'
        and e.vist_dsch_disp_cd = 'ADMT' and s.vist_admt_ts >= e.vist_dsch_ts
        and s.vist_admt_ts < e.vist_dsch_ts + interval 1 hour
    where s.los_days is not null"""


def rates_by_band(con) -> dict[str, object]:
    """No-shows (of appointments that came or did not: completed and no-show) by booking lead
    time and by age; 30-day readmissions (as the marts count them) by age and by the number
    of chronic conditions coded for the patient in the window; length of stay by age and by
    the triage level (ESI) of the ED visit the stay was admitted from."""
    age = "floor(date_diff('day', p.patn_brth_dt, a.appt_schd_dt) / 365.25)"
    lead = "date_diff('day', cast(a.appt_bkd_ts as date), a.appt_schd_dt)"
    appts = f"""
        select a.appt_sts_cd = 'NOSH' as no_show, {AGE_BAND_SQL.format(age=age)} as band,
            case when {lead} <= 7 then '0-7' when {lead} <= 30 then '8-30' else '31+' end as lead
        from appt as a join patn as p using (patn_id)
        where a.appt_sts_cd in ('COMP', 'NOSH')"""
    condition = " ".join(
        f"when {_prefix_sql('diag_icd10_cd', p)} then '{name}'"
        for name, p in CHRONIC_PREFIXES.items()
    )
    counts = f"""
        select patn_id, case when n >= 3 then '3+' else cast(n as varchar) end as chronic
        from (select s.patn_id, count(distinct c.condition) as n
            from (select distinct patn_id from vist) as s left join (
                select patn_id, case {condition} end as condition
                from dx) as c on c.patn_id = s.patn_id and c.condition is not null
            group by all)"""
    readmitted = """avg(coalesce(next_admit > vist_dsch_ts
        and cast(next_admit as date) <= cast(vist_dsch_ts as date) + 30, false)::int)"""
    return {
        "no_show_by_lead_days": _series(
            con, f"select lead, avg(no_show::int) from ({appts}) group by all", LEAD_BANDS
        ),
        "no_show_by_age": _series(
            con, f"select band, avg(no_show::int) from ({appts}) group by all", AGE_BANDS
        ),
        "readmission_by_age": _series(
            con, f"select band, {readmitted} from stays where is_index group by all", AGE_BANDS
        ),
        "readmission_by_chronic_count": _series(
            con,
            f"select c.chronic, {readmitted} from stays join ({counts}) as c using (patn_id) "
            "where is_index group by all",
            CHRONIC_COUNTS,
        ),
        "los_by_age": _series(
            con,
            "select band, avg(los_days) from stays where los_days is not null group by all",
            AGE_BANDS,
        ),
        "los_by_esi": _series(
            con, f"select esi, avg(los_days) from ({FROM_ED}) group by all", ESI_LEVELS
        ),
        "los_mean_days": _one(con, "select avg(los_days) as v from stays")["v"],
    }


@dataclass(frozen=True)
class Target:
    """What a figure should be: its text, and a check of the measured value (None: context)."""

    text: str
    check: Callable[[object], bool] | None = None


def _pct(x: float) -> str:
    return f"{x * 100:.3g}%"


def between(lo: float, hi: float, percent: bool = True) -> Target:
    text = f"{_pct(lo)}-{_pct(hi)}" if percent else f"{lo:g}-{hi:g}"
    return Target(text, lambda v: v is not None and lo <= v <= hi)


def at_least(lo: float, percent: bool = True) -> Target:
    return Target(f">= {_pct(lo) if percent else f'{lo:g}'}", lambda v: v is not None and v >= lo)


def at_most(hi: float, percent: bool = True) -> Target:
    return Target(f"<= {_pct(hi) if percent else f'{hi:g}'}", lambda v: v is not None and v <= hi)


def near_each(expected: tuple[float, ...], low: float = 0.6, high: float = 1.5) -> Target:
    """Each band's figure within ``low``..``high`` times its expected value."""
    text = " / ".join(f"{e * 100:g}" for e in expected) + f" % (x{low:g}-{high:g})"
    return Target(
        text,
        lambda v: all(
            x is not None and low * e <= x <= high * e for x, e in zip(v, expected, strict=True)
        ),
    )


def _monotone(values: object, sign: int) -> bool:
    vals = list(values)  # type: ignore[call-overload]
    if any(v is None for v in vals):
        return False
    return all(sign * (b - a) > 0 for a, b in itertools.pairwise(vals))


RISING = Target("rising", lambda v: _monotone(v, 1))
FALLING = Target("falling", lambda v: _monotone(v, -1))


def targets(scenario: dict) -> dict[str, tuple[str, Target]]:
    """Each figure's label and target; the allergy and write-off targets are the extract's
    own scenario settings (manifest.json), so a scenario file moves them."""
    pcn, anyal = scenario["penicillin_allergy_rate"], scenario["any_allergy_rate"]
    wof = scenario["patient_nonpayment_rate"]
    moves = scenario.get("patient_move_rate", 0.084)  # extracts made before the setting
    return {
        "e11_adults": ("type 2 diabetes (E11), adults seen", between(0.07, 0.16)),
        "e11_by_band": ("  E11 by age 18-44 / 45-64 / 65+", near_each((0.03, 0.13, 0.24))),
        "i10_adults": ("hypertension (I10), adults seen", between(0.25, 0.45)),
        "i10_by_band": ("  I10 by age 18-44 / 45-64 / 65+", near_each((0.10, 0.35, 0.60))),
        "recurrence_later_visits": ("chronic code again on later visits", Target("-")),
        "recurrence_later_inpatient_ed": (
            "chronic code again on later inpatient/ED visits", at_least(0.60)),
        "e11_patients_antidiabetic": ("E11 patients ever given an antidiabetic", Target("-")),
        "diabetic_stays_antidiabetic": ("diabetic inpatient stays with an antidiabetic",
                                        at_least(0.70)),
        "biguanide_without_diabetes": ("biguanide patients without a diabetes code",
                                       at_most(0.01)),
        "diabetics_with_hba1c": ("E11 patients seen in clinic with an HbA1c in the window",
                                 Target("-")),
        "hba1c_per_diabetic_year": ("  their HbA1c tests a year (about one or two)",
                                    between(0.8, 2, percent=False)),
        "diabetics_e11_clinic_twice_a_year": (
            "E11 patients with >= 2 clinic visits a year for it", at_least(0.30)),
        "followup_gap_days_e11": ("  median days between E11 clinic visits (cadence 91)",
                                  between(60, 130, percent=False)),
        "followup_gap_days_i50": ("  median days between I50 clinic visits (cadence 75)",
                                  between(45, 110, percent=False)),
        "followup_gap_days_n18": ("  median days between N18 clinic visits (cadence 120)",
                                  between(80, 170, percent=False)),
        "ed_followed_same_code": ("ED visits followed in clinic within 30 days, same code",
                                  between(0.03, 0.20)),
        "ed_followed_visits": ("  how many", Target("-")),
        "clinic_visits_per_patient_year": (
            "clinic visits a year per patient seen, 0-17 / 18-44 / 45-64 / 65+", Target("-")),
        "antibiotic_doses_infection": ("antibiotic doses in a visit with an infection",
                                       Target("-")),
        "all_doses_infection": ("  all given doses in a visit with an infection", Target("-")),
        "antibiotic_doses_infection_or_surgery": (
            "antibiotic doses with an infection or a surgery", at_least(0.99)),
        "icd_distinct_codes": ("distinct ICD-10-CM codes (target at scale 1)",
                               at_least(1000, percent=False)),
        "icd_top_code_share": ("commonest code's share of diagnosis rows", Target(
            "< 5%", lambda v: v is not None and v < 0.05)),
        "deliveries": ("deliveries (inpatient stays coded Z37)", Target("-")),
        "newborns": ("newborns (patients coded Z38)", Target("-")),
        "newborns_per_delivery": ("newborns per delivery", between(0.95, 1.05, percent=False)),
        "insurer_days_median": ("insurer payment, median days after the bill",
                                between(30, 60, percent=False)),
        "insurer_days_p90": ("insurer payment, 90th percentile days", Target("-")),
        "insurer_paid_after_90_days": ("insurer payments after 90 days", between(0.02, 0.20)),
        "insurer_never_paid": ("insured bills (>= 180 days old) never paid by the insurer",
                               between(0.01, 0.10)),
        "denied_bills": ("denied bills", Target("-")),
        "months_with_denials": ("months of the window with a denied bill", at_least(0.90)),
        "denials_in_last_4_months": ("denied bills dated in the last 4 months", at_most(0.35)),
        "penicillin_allergy_rate": ("penicillin-class allergy, all patients",
                                    between(pcn - 0.015, pcn + 0.015)),
        "any_allergy_rate": ("patients with any allergy",
                             between(anyal - 0.03, anyal + 0.03)),
        "patient_write_off_rate": ("patient balances written off", between(wof - 0.01, wof + 0.01)),
        "phone_shared_outside_household": ("patients sharing a phone outside their household",
                                           at_most(0.005)),
        "patients_moved_last_year": ("living patients who moved in the last year",
                                     between(moves - 0.015, moves + 0.015)),
        "supplies_reviewed_last_year": (
            "supply items whose reorder settings changed in the last year", between(0.1, 0.5)),
        "no_show_by_lead_days": ("no-show by lead days 0-7 / 8-30 / 31+", RISING),
        "no_show_by_age": ("no-show by age 0-17 / 18-44 / 45-64 / 65+", FALLING),
        "readmission_by_age": ("30-day readmission by age 0-17 / 18-44 / 45-64 / 65+", RISING),
        "readmission_by_chronic_count": ("30-day readmission by chronic count 0 / 1 / 2 / 3+",
                                         RISING),
        "los_by_age": ("mean length of stay (days) by age 0-17 / 18-44 / 45-64 / 65+", RISING),
        "los_by_esi": ("mean length of stay (days) by ED triage ESI 1 / 2 / 3", FALLING),
        "los_mean_days": ("mean length of stay (days)", between(4.5, 5.0, percent=False)),
    }  # fmt: skip


def _window_years(manifest: dict) -> float:
    """The extract's window in years (its first to its last day)."""
    first = datetime.date.fromisoformat(manifest["start_date"])
    last = datetime.date.fromisoformat(manifest["end_date"])
    return ((last - first).days + 1) / 365.25


def measure(folder: Path) -> dict[str, object]:
    """Every figure of the extract in ``folder`` (CSV or Parquet files and manifest.json)."""
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    con = connect(folder, manifest.get("format", "csv"))
    try:
        end = manifest["end_date"]
        _views(con, end)
        return {
            **chronic_prevalence(con),
            **chronic_recurrence(con),
            **medicine_indications(con),
            **diabetic_monitoring(con, _window_years(manifest)),
            **followup_care(con, _window_years(manifest)),
            **code_breadth(con),
            **revenue_cycle(con, end, int(manifest["scenario"]["write_off_after_days"])),
            **people(con),
            **changes(con, end, _window_years(manifest)),
            **rates_by_band(con),
        }
    finally:
        con.close()


# figures that are counts or days, not shares
NOT_SHARES = (
    "icd_distinct_codes", "deliveries", "newborns", "newborns_per_delivery", "denied_bills",
    "insurer_days_median", "insurer_days_p90", "hba1c_per_diabetic_year", "los_by_age",
    "los_by_esi", "los_mean_days", "followup_gap_days_e11", "followup_gap_days_i50",
    "followup_gap_days_n18", "ed_followed_visits", "clinic_visits_per_patient_year",
)  # fmt: skip


def _show(value: object, share: bool) -> str:
    """A measured value as the table shows it: a percent, a count or days."""
    if isinstance(value, tuple):
        return " / ".join(_show(v, share) for v in value)
    if value is None:
        return "n/a"
    if share:
        return f"{value:.1%}"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def report(folder: Path) -> list[tuple[str, str, str, str]]:
    """(figure, target, measured, ok) rows of the extract in ``folder``."""
    figures = measure(folder)
    scenario = json.loads((Path(folder) / "manifest.json").read_text())["scenario"]
    rows = []
    for key, (label, target) in targets(scenario).items():
        value = figures[key]
        ok = "-" if target.check is None else ("yes" if target.check(value) else "NO")
        rows.append((label, target.text, _show(value, key not in NOT_SHARES), ok))
    return rows


def table(rows: list[tuple[str, str, str, str]]) -> str:
    """The rows as a Markdown table."""
    head = ("figure", "target", "measured", "ok")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    lines = [head, tuple("-" * w for w in widths), *rows]
    return "\n".join(
        "| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
        for line in lines
    )


def _generated(scale: float, seed: int, parent: Path) -> Path:
    from generator.engine import Options, generate

    out = parent / f"scale{scale:g}-seed{seed}"
    generate(Options(scale=scale, seed=seed, out=out, workers=2))
    return out


def _seeds(text: str) -> list[int]:
    try:
        seeds = [int(s) for s in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"seeds are whole numbers separated by commas, got {text!r}"
        ) from None
    return seeds


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, help="an extract (default: generate)")
    ap.add_argument("--scale", type=float, default=1.0, help="scale to generate (default 1)")
    ap.add_argument("--seeds", type=_seeds, default=list(DEFAULT_SEEDS),
                    help="seeds to generate, comma-separated (default 2026,7)")  # fmt: skip
    args = ap.parse_args(argv)
    if args.folder is not None:
        if not (args.folder / "manifest.json").is_file():
            print(f"{args.folder}: no manifest.json: not a generated extract", file=sys.stderr)
            return 2
        print(f"## {args.folder}\n\n{table(report(args.folder))}")
        return 0
    with tempfile.TemporaryDirectory(prefix="realism-") as tmp:
        for seed in args.seeds:
            out = _generated(args.scale, seed, Path(tmp))
            print(f"## scale {args.scale:g}, seed {seed}\n\n{table(report(out))}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
