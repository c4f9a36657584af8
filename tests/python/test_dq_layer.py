"""The data-quality layer (docs/defects.md), end to end.

On the default hospital with ``--defects realistic`` (scale 0.1, seed 42, as
``make dq-score`` builds it, in a copy of the project): ``dbt build`` completes with
warnings and no error, staging gives back the clean value of every defect it fixes, and
the scorecard is the committed known answer, with a recall of at least 0.95 for every
type. On clean data (the shared ``built`` project) the layer finds nothing.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import duckdb
import pytest
from dbt_copy import copy_project
from dq_score import ANSWER, answer, build, generate_dirty, scorecard

from generator import defects

pytestmark = pytest.mark.slow

REFRESH = (
    "if the data changed on purpose, rewrite it: make answers (or make dq-score DQ_ARGS=--write)"
)


@pytest.fixture(scope="module")
def dirty(tmp_path_factory) -> Path:
    """A copy of the project built on the realistic dirty hospital; the work folder."""
    work = tmp_path_factory.mktemp("dq")
    project = copy_project(work / "project")
    generate_dirty(work / "ehp")
    res = build(project, work / "ehp", work)
    assert res.returncode == 0, res.stdout[-6000:] + res.stderr[-2000:]
    (work / "build.log").write_text(res.stdout)
    return work


def _sql(work: Path, query: str) -> list[tuple]:
    con = duckdb.connect(str(work / "proactivehealth_dq.duckdb"), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def _log(work: Path, kind: str) -> list[dict[str, str]]:
    with (work / "ehp" / "defects.csv").open(newline="") as fh:
        return [d for d in csv.DictReader(fh) if d["defect_type"] == kind]


def test_dbt_build_on_dirty_data_warns_and_does_not_fail(dirty):
    summary = re.search(r"PASS=(\d+) WARN=(\d+) ERROR=(\d+)", (dirty / "build.log").read_text())
    assert summary, "no dbt summary line"
    passed, warned, errors = map(int, summary.groups())
    assert errors == 0 and warned > 0 and passed > 400


def test_the_scorecard_is_the_known_answer(dirty):
    assert answer(scorecard(dirty)) == json.loads(ANSWER.read_text()), REFRESH


def test_every_type_is_caught_with_a_recall_of_at_least_095(dirty):
    rows = {r["defect_type"]: r for r in scorecard(dirty)}
    # late_arrival needs the daily feed: a full extract holds no late row (test_feed_late.py)
    assert set(rows) == set(defects.TYPES) - {defects.LATE}
    for kind, row in rows.items():
        assert row["injected"] > 0, kind
        assert row["recall"] >= 0.95, (kind, row)


@pytest.mark.parametrize(
    ("kind", "query"),
    [
        (
            "mixed_date_format",
            "select payment_id, cast(payment_date as varchar) from staging.stg_ehp__pmnt",
        ),
        (
            "wrong_sign",
            "select payment_id, cast(payment_amount as varchar) from staging.stg_ehp__pmnt",
        ),
        (
            "time_zone",
            "select appointment_id, strftime(checked_in_at, '%Y-%m-%d %H:%M:%S')"
            " from staging.stg_ehp__appt",
        ),
        (
            "unit_mixup",
            "select medicine_administration_id, cast(dose_quantity as varchar) || ' MG'"
            " from staging.stg_ehp__tmmd",
        ),
    ],
)
def test_staging_gives_back_the_clean_value_of_what_it_fixes(dirty, kind, query):
    staged = dict(_sql(dirty, query))
    logged = _log(dirty, kind)
    assert logged
    for d in logged:
        assert staged[d["primary_key"]] == d["clean_value"], d


def test_staging_decodes_noisy_codes_and_keeps_one_of_each_resent_row(dirty):
    pairs = _sql(
        dirty,
        "select raw.appt_id, raw.appt_typ_cd, staged.appointment_type from ehp_raw.ehp_appt as raw"
        " inner join staging.stg_ehp__appt as staged on raw.appt_id = staged.appointment_id",
    )
    noisy = {d["primary_key"]: d["clean_value"] for d in _log(dirty, "text_noise")}
    decode = {code: staged for key, code, staged in pairs if key not in noisy}
    checked = [(key, staged) for key, _, staged in pairs if key in noisy]
    assert checked
    for key, staged in checked:
        assert staged == decode[noisy[key]], key
    for table, key in (("pmnt", "payment_id"), ("medt", "team_assignment_id")):
        query = f"select count(*), count(distinct {key}) from staging.stg_ehp__{table}"
        (rows, keys) = _sql(dirty, query)[0]
        assert rows == keys, table


def test_the_layer_finds_nothing_on_clean_data(built):
    con = duckdb.connect(str(built / "e2e.duckdb"), read_only=True)
    try:
        for model in (
            "int_quality_defects_detected",
            "int_quality_quarantined_team_assignments",
            "int_quality_quarantined_patient_allergies",
        ):
            (n,) = con.execute(f"select count(*) from intermediate.{model}").fetchone()
            assert n == 0, model
        (records, duplicates, patients) = con.execute(
            "select count(*), count(*) filter (where is_duplicate),"
            " (select count(*) from staging.stg_ehp__patn)"
            " from intermediate.int_quality_patients_deduplicated"
        ).fetchone()
        assert (records, duplicates) == (patients, 0)
    finally:
        con.close()
