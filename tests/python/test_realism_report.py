"""The realism report (scripts/realism_report.py, docs/realism.md): its figures equal the same
figures computed another way (plain Python over the CSV files), its targets judge as they
say, and it refuses a folder that holds no extract."""

from __future__ import annotations

import csv
import json
import statistics
import subprocess
import sys
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from helpers import ROOT
from realism_report import FALLING, RISING, at_most, between, measure, near_each, report, targets


def _rows(folder: Path, code: str) -> list[dict[str, str]]:
    with (folder / f"ehp_{code}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def figures(small_run):
    return measure(small_run)


def test_every_target_has_a_figure_and_a_row(small_run):
    scenario = json.loads((small_run / "manifest.json").read_text())["scenario"]
    rows = report(small_run)
    assert len(rows) == len(targets(scenario))
    assert {ok for *_, ok in rows} <= {"yes", "NO", "-"}


def test_code_breadth_is_counted_from_the_diagnoses(small_run, figures):
    codes = [r["DIAG_ICD10_CD"] for r in _rows(small_run, "diag")]
    counts = defaultdict(int)
    for c in codes:
        counts[c] += 1
    assert figures["icd_distinct_codes"] == len(counts)
    assert figures["icd_top_code_share"] == pytest.approx(max(counts.values()) / len(codes))


def test_insurer_delays_are_days_from_bill_to_payment(small_run, figures):
    bill_day = {b["BILL_ID"]: date.fromisoformat(b["BILL_DT"]) for b in _rows(small_run, "bill")}
    days = [
        (date.fromisoformat(p["PMNT_DT"]) - bill_day[p["BILL_ID"]]).days
        for p in _rows(small_run, "pmnt")
        if p["PMNT_PYR_TYP_CD"] == "INSR"
    ]
    assert figures["insurer_days_median"] == pytest.approx(statistics.median(days))
    assert figures["insurer_paid_after_90_days"] == pytest.approx(
        sum(d > 90 for d in days) / len(days)
    )


def test_allergy_and_phone_figures_are_shares_of_all_patients(small_run, figures):
    patients = _rows(small_run, "patn")
    pcn_allergens = {a["ALGY_ID"] for a in _rows(small_run, "algy") if a["ALGY_DRUG_CLS_CD"] == "PENICILLIN"}  # fmt: skip
    allergies = _rows(small_run, "ptal")
    pcn = {a["PATN_ID"] for a in allergies if a["ALGY_ID"] in pcn_allergens}
    assert figures["penicillin_allergy_rate"] == pytest.approx(len(pcn) / len(patients))
    assert figures["any_allergy_rate"] == pytest.approx(
        len({a["PATN_ID"] for a in allergies}) / len(patients)
    )
    homes = defaultdict(set)
    for p in patients:
        homes[p["PATN_PHN_NO"]].add((p["PATN_ADDR_LN1"], p["PATN_CITY_NM"], p["PATN_ZIP_CD"]))
    shared = sum(len(homes[p["PATN_PHN_NO"]]) > 1 for p in patients)
    assert figures["phone_shared_outside_household"] == pytest.approx(shared / len(patients))


def test_moves_and_reviews_are_changes_in_the_last_year(small_run, figures):
    end = json.loads((small_run / "manifest.json").read_text())["end_date"]
    assert end[5:] != "02-29"
    year_ago = f"{int(end[:4]) - 1}{end[4:]} 23:59:59"  # the same day a year before
    at_risk = [
        p for p in _rows(small_run, "patn") if not p["PATN_DTH_DT"] and p["REC_CRTD_TS"] <= year_ago
    ]
    moved = [p for p in at_risk if p["REC_UPDT_TS"] > year_ago]
    assert moved, "nobody moved: the figure is not checked"
    assert figures["patients_moved_last_year"] == pytest.approx(len(moved) / len(at_risk))
    supplies = _rows(small_run, "sply")
    reviewed = [s for s in supplies if s["REC_UPDT_TS"] > year_ago]
    assert figures["supplies_reviewed_last_year"] == pytest.approx(len(reviewed) / len(supplies))


def test_biguanides_without_a_diabetes_code_are_counted_by_patient(small_run, figures):
    visit_patient = {v["VIST_ID"]: v["PATN_ID"] for v in _rows(small_run, "vist")}
    biguanides = {m["MDCN_ID"] for m in _rows(small_run, "mdcn") if m["MDCN_DRUG_CLS_CD"] == "BIGUANIDE"}  # fmt: skip
    given = {
        visit_patient[d["VIST_ID"]]
        for d in _rows(small_run, "tmmd")
        if d["MDCN_ID"] in biguanides and d["TMMD_STS_CD"] == "GIVN"
    }
    prefixes = ("E08", "E09", "E10", "E11", "E13", "O24", "R73", "E28.2")
    diabetic = {
        visit_patient[d["VIST_ID"]]
        for d in _rows(small_run, "diag")
        if d["DIAG_ICD10_CD"].startswith(prefixes)
    }
    assert given, "the run has no biguanide doses: the figure cannot be checked"
    assert figures["biguanide_without_diabetes"] == pytest.approx(
        len(given - diabetic) / len(given)
    )


def test_length_of_stay_by_esi_follows_the_ed_visit_each_stay_was_admitted_from(small_run, figures):
    def ts(text: str) -> datetime:
        return datetime.fromisoformat(text)

    visits = _rows(small_run, "vist")
    admitted = defaultdict(list)  # patient -> (discharged from the ED, ESI)
    for v in visits:
        if v["VIST_TYP_CD"] == "EMER" and v["VIST_DSCH_DISP_CD"] == "ADMT":
            admitted[v["PATN_ID"]].append((ts(v["VIST_DSCH_TS"]), v["VIST_ESI_LVL"]))
    days = defaultdict(list)
    for v in visits:
        if v["VIST_TYP_CD"] != "INPT" or not v["VIST_DSCH_TS"]:
            continue
        admit = ts(v["VIST_ADMT_TS"])
        for left, esi in admitted[v["PATN_ID"]]:
            if left <= admit < left + timedelta(hours=1):
                days[esi].append((ts(v["VIST_DSCH_TS"]) - admit).total_seconds() / 86400)
    want = tuple(statistics.mean(days[e]) if days[e] else None for e in ("1", "2", "3"))
    # the report counts whole minutes (as the marts do): within a minute of the seconds
    assert figures["los_by_esi"] == pytest.approx(want, abs=1 / 1440)


def test_follow_up_figures_are_counted_from_the_visits(small_run, figures):
    """Diabetics with two clinic visits a year for E11, and ED visits sent home followed in
    a clinic within 30 days with the same primary code, counted in plain Python."""
    manifest = json.loads((small_run / "manifest.json").read_text())
    first, last = (date.fromisoformat(manifest[k]) for k in ("start_date", "end_date"))
    years = ((last - first).days + 1) / 365.25
    visits = {v["VIST_ID"]: v for v in _rows(small_run, "vist")}
    prim, e11 = {}, set()
    for d in _rows(small_run, "diag"):
        if d["DIAG_ICD10_CD"].startswith("E11"):
            e11.add(visits[d["VIST_ID"]]["PATN_ID"])
        if d["DIAG_TYP_CD"] == "PRIM":
            prim[d["VIST_ID"]] = d["DIAG_ICD10_CD"]
    clinic = {v for v in prim if visits[v]["VIST_TYP_CD"] in ("OUTP", "TELE")}
    per = defaultdict(int)
    for v in clinic:
        if prim[v].startswith("E11"):
            per[visits[v]["PATN_ID"]] += 1
    want = sum(per[p] >= 2 * years for p in e11) / len(e11)
    assert figures["diabetics_e11_clinic_twice_a_year"] == pytest.approx(want)
    seen = defaultdict(list)  # (patient, code) -> clinic admissions
    for v in clinic:
        seen[visits[v]["PATN_ID"], prim[v]].append(
            datetime.fromisoformat(visits[v]["VIST_ADMT_TS"])
        )
    ed = [
        v for v in prim
        if visits[v]["VIST_TYP_CD"] == "EMER" and visits[v]["VIST_DSCH_DISP_CD"] not in ("", "ADMT")
    ]  # fmt: skip
    followed = 0
    for v in ed:
        at = datetime.fromisoformat(visits[v]["VIST_ADMT_TS"])
        later = seen[visits[v]["PATN_ID"], prim[v]]
        followed += any(timedelta(0) < c - at <= timedelta(days=30) for c in later)
    assert figures["ed_followed_visits"] == followed
    assert figures["ed_followed_same_code"] == pytest.approx(followed / len(ed))


def test_targets_judge_as_they_say():
    assert between(0.1, 0.2).check(0.15) and not between(0.1, 0.2).check(0.25)
    assert not between(0.1, 0.2).check(None)
    assert at_most(0.005).check(0.0) and not at_most(0.005).check(0.01)
    assert RISING.check((0.1, 0.2, 0.3)) and not RISING.check((0.1, 0.1, 0.3))
    assert FALLING.check((0.3, 0.2)) and not FALLING.check((0.2, 0.3))
    assert not RISING.check((0.1, None))
    near = near_each((0.1, 0.5))
    assert near.check((0.07, 0.7)) and not near.check((0.05, 0.5))


def test_a_folder_without_an_extract_is_refused_in_one_line(tmp_path):
    res = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "realism_report.py"), str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "manifest.json" in res.stderr
