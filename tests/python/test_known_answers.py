"""Known answers and realism: rebuild the default hospital's marts and check them.

1. The headline figures equal the committed file exactly (rounded as stored):
   any change in the data or the mart logic must come with `make answers` and
   a reviewed diff of tests/known_answers/default_seed42_scale0.1.json.
2. The figures sit within docs/data_model.md's realism targets, with the
   tolerance stated for each (one two-year sample of 1,000 patients).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from known_answers import ANSWERS_FILE, compute

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def marts_db(default_marts):
    return default_marts


@pytest.fixture(scope="module")
def figures(marts_db) -> dict:
    return compute(marts_db)


@pytest.fixture
def con(marts_db):
    # per test: mf (below) opens the database for writing and needs no other
    # connection held
    connection = duckdb.connect(str(marts_db), read_only=True)
    yield connection
    connection.close()


def scalar(con, sql: str):
    return con.execute(sql).fetchone()[0]


def test_figures_equal_the_committed_answers(figures):
    expected = json.loads(ANSWERS_FILE.read_text())["figures"]
    assert figures == expected, (
        "the default dataset's figures changed; if intended, run `make answers` and commit the diff"
    )


# (figure, target, tolerance): docs/data_model.md "Realism targets"
REALISM = [
    ("no_show_rate", 0.18, 0.03),
    ("cancellation_rate", 0.10, 0.03),
    ("readmission_rate_30_day", 0.14, 0.03),
]


@pytest.mark.parametrize(("figure", "target", "tolerance"), REALISM)
def test_rates_within_realism_targets(figures, figure, target, tolerance):
    assert abs(figures[figure] - target) <= tolerance, (figure, figures[figure])


def test_average_length_of_stay_within_four_and_a_half_to_five_days(figures):
    # target 4.5-5 days; 0.2 days of sampling tolerance either side
    assert 4.3 <= figures["average_length_of_stay_days"] <= 5.2


def test_the_as_of_date_is_the_extract_end_date(figures):
    assert figures["as_of_date"] == "2024-12-31"


def test_age_bands_and_sex_follow_published_shares(con):
    shares = dict(
        con.execute(
            "select age_band, count(*) * 1.0 / sum(count(*)) over () from marts.dim_patients"
            " group by age_band"
        ).fetchall()
    )
    # 0-17 22 %, 18-44 36 %, 45-64 25 %, 65+ 17 %; +-5 points each
    for band, target in {"0-17": 0.22, "18-44": 0.36, "45-64": 0.25, "65+": 0.17}.items():
        assert abs(shares[band] - target) <= 0.05, (band, shares[band])
    female = scalar(
        con, "select avg(case when sex = 'female' then 1.0 else 0 end) from marts.dim_patients"
    )
    assert abs(female - 0.51) <= 0.04


def test_about_a_fifth_of_emergency_visits_are_admitted(con):
    admitted = scalar(
        con,
        "select avg(case when discharge_disposition = 'admitted as inpatient' then 1.0 else 0 end)"
        " from marts.fct_visits where visit_type = 'emergency'",
    )
    assert abs(admitted - 0.20) <= 0.05


def test_telehealth_is_about_fifteen_percent_of_appointments(con):
    telehealth = scalar(
        con,
        "select avg(case when appointment_type = 'telehealth' then 1.0 else 0 end)"
        " from marts.fct_appointments",
    )
    assert abs(telehealth - 0.15) <= 0.03


def test_insurers_mostly_pay_thirty_to_sixty_days_after_the_bill_with_a_tail(con):
    low, within, after_90 = con.execute(
        "select min(days_after_bill), avg(case when days_after_bill between 30 and 60"
        " then 1.0 else 0 end), avg(case when days_after_bill > 90 then 1.0 else 0 end)"
        " from marts.fct_payments where payer_type = 'insurer'"
    ).fetchone()
    assert low >= 30
    assert within >= 0.75  # the usual delay (measured about 0.85)
    assert 0.02 <= after_90 <= 0.15  # late payers and won appeals (measured about 0.07)


def test_respiratory_diagnoses_peak_in_winter(con):
    winter, summer = con.execute(
        "select"
        " avg(case when icd10_code like 'J%' then 1.0 else 0 end)"
        "   filter (where extract(month from diagnosis_date) in (12, 1, 2)),"
        " avg(case when icd10_code like 'J%' then 1.0 else 0 end)"
        "   filter (where extract(month from diagnosis_date) in (6, 7, 8))"
        " from marts.fct_diagnoses where is_primary"
    ).fetchone()
    assert winter > 1.5 * summer


def test_about_five_percent_of_patient_balances_are_written_off(con):
    # bills old enough to be written off (a non-paying patient stops before their last
    # instalment); +-1.5 points
    written_off = scalar(
        con,
        "select avg(case when written_off_amount > 0 then 1.0 else 0 end) from marts.fct_bills"
        " where patient_responsibility_amount > 0 and days_since_bill > 120",
    )
    assert abs(written_off - 0.05) <= 0.015


def test_semantic_layer_validates_and_answers_from_duckdb(marts_db, figures):
    """`mf validate-configs` passes and `mf query` gives the marts' visit count."""
    project = marts_db.parent
    env = {**os.environ, "DBT_PROFILES_DIR": str(project), "EHP_DUCKDB_PATH": str(marts_db)}
    mf = Path(sys.executable).with_name("mf")

    def run(*args: str) -> str:
        res = subprocess.run(
            [str(mf), *args], cwd=project, env=env, capture_output=True, text=True, timeout=600
        )
        assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
        return res.stdout

    assert "ERRORS: 0" in run("validate-configs")
    out = run("query", "--metrics", "visits", "--group-by", "metric_time__month", "--csv", "v.csv")
    assert "Success" in out or "query completed" in out
    with (project / "v.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 24  # two years of months
    assert sum(int(row["visits"]) for row in rows) == figures["visits"]
