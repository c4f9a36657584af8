"""Late-arriving rows (``--defects`` type ``late_arrival``, docs/defects.md): a share of the
payments, bill lines, doses and stock counts reach the extract 1 to 3 days after the day
they were created. Every extract agrees on the day each row arrives: the full extract as
of D leaves out the rows still in flight, the daily change extracts applied in order hold
every row arrived by the last day, each late row delivered exactly on its due day plus its
delay and logged in the defects.csv of the file that delivers it."""

from __future__ import annotations

import csv
import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from helpers import assert_same_bytes
from reliability import SMALL, cli

from generator import defects
from generator.engine import Options, generate
from generator.registry import TABLES

SCALE, SEED = 0.02, 7
END = date(2024, 6, 30)
FIRST = END - timedelta(days=4)  # the initial extract, then four daily change extracts
LATE_ONLY = defects.Profile("late.json", (("late_arrival", defects.RATE_MAX),))


def _read(folder: Path, code: str) -> dict[str, dict[str, str]]:
    """Table ``code`` of ``folder`` by primary key, every value as written."""
    table = TABLES[code]
    with (folder / f"{table.file_stem}.csv").open(newline="") as fh:
        return {r[table.primary_key]: r for r in csv.DictReader(fh)}


def _log(folder: Path) -> list[dict[str, str]]:
    path = folder / "defects.csv"
    if not path.exists():
        return []
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def _days() -> list[date]:
    return [FIRST + timedelta(days=k) for k in range((END - FIRST).days + 1)]


@pytest.fixture(scope="module")
def feed(tmp_path_factory) -> Path:
    """A late-only dirty feed: the extract as of FIRST, then each day's changes; and the
    dirty and the clean full extracts as of END."""
    root = tmp_path_factory.mktemp("late")

    def run(name: str, end: date, since: date | None, dirty: bool = True) -> None:
        chosen = LATE_ONLY if dirty else None
        opts = Options(scale=SCALE, seed=SEED, out=root / name, workers=2, end=end)
        generate(dataclasses.replace(opts, defects=chosen, changes_since=since))

    for k, day in enumerate(_days()):
        run(day.isoformat(), day, None if k == 0 else day - timedelta(days=1))
    run("full", END, None)
    run("clean", END, None, dirty=False)
    return root


def test_late_arrival_has_a_rate_in_every_profile_and_only_late_tables():
    for name in ("light", "realistic", "heavy"):
        assert 0 < defects.PROFILES[name]["late_arrival"] <= defects.RATE_MAX
    assert set(defects.LATE_TABLES) == {"TMMD", "MDBL", "PMNT", "INVN"}
    assert list(defects.LATE_DELAYS) == [1, 2, 3] and defects.LATE_SHARES.sum() == 1


def test_the_daily_extracts_applied_in_order_are_the_full_extract_of_the_last_day(feed):
    """Upsert each day's changes by primary key onto the initial extract: the result is
    the dirty full extract as of END, row for row, i.e. every clean row less those still
    in flight, and those are late rows created within the last three days."""
    in_flight = 0
    for code in TABLES:
        applied = {}
        for day in _days():
            applied.update(_read(feed / day.isoformat(), code))
        full, clean = _read(feed / "full", code), _read(feed / "clean", code)
        assert applied == full, code
        missing = set(clean) - set(full)
        assert set(full) <= set(clean), code
        if code not in defects.LATE_TABLES:
            assert not missing, code
        for key in missing:
            created = date.fromisoformat(clean[key]["REC_CRTD_TS"][:10])
            assert END - created < timedelta(days=3), (code, key)
        in_flight += len(missing)
    assert in_flight > 0, "no row in flight on the last day: the test proves nothing"


def test_each_late_row_arrives_on_its_due_day_plus_its_delay_and_is_logged(feed):
    seen: dict[str, set[str]] = {code: set() for code in TABLES}
    logged_any = 0
    for k, day in enumerate(_days()):
        folder = feed / day.isoformat()
        log = _log(folder)
        assert {d["defect_type"] for d in log} <= {"late_arrival"}
        logged = {(d["table_code"], d["primary_key"]): d for d in log}
        assert len(logged) == len(log)
        for code in TABLES:
            rows = _read(folder, code)
            new = {key for key in rows if key not in seen[code]}
            late = {key for key in new if rows[key]["REC_CRTD_TS"][:10] < day.isoformat()}
            if k == 0:  # the initial extract: nothing is late in it, nothing logged
                late = set()
            assert late == {key for c, key in logged if c == code}, (day, code)
            for key in late:
                d = logged[(code, key)]
                due = date.fromisoformat(rows[key]["REC_CRTD_TS"][:10])
                assert d["clean_value"] == due.isoformat()
                assert d["dirty_value"] == day.isoformat()
                assert 1 <= (day - due).days <= 3
            seen[code] |= set(rows)
        logged_any += len(log)
    assert logged_any > 0


def test_the_arrival_day_is_a_function_of_seed_table_and_key():
    keys = pa.table(
        {
            "X_ID": ["A1", "A2", "B3", "A1"],
            "REC_CRTD_TS": pa.array([0, 0, 86_400, 86_400], pa.timestamp("s")),
        }
    )
    due, arrives = defects.arrival_days(1, "PMNT", keys, 0.5)
    assert list(due) == [0, 0, 1, 1]
    assert arrives[0] - due[0] == arrives[3] - due[3]  # the same key: the same delay
    twice = defects.arrival_days(1, "PMNT", keys, 0.5)
    assert (twice[1] == arrives).all()
    many = pa.table(
        {
            "X_ID": [f"PY{i:010d}" for i in range(20_000)],
            "REC_CRTD_TS": pa.array([0] * 20_000, pa.timestamp("s")),
        }
    )
    _, a1 = defects.arrival_days(1, "PMNT", many, 0.1)
    _, a2 = defects.arrival_days(2, "PMNT", many, 0.1)
    _, m1 = defects.arrival_days(1, "MDBL", many, 0.1)
    assert 0.08 < (a1 > 0).mean() < 0.12  # the rate is the share of late rows
    assert (a1 != a2).any() and (a1 != m1).any()  # the seed and the table move it


def test_same_bytes_whatever_the_workers(tmp_path):
    # scale 0.35 is two blocks of patients
    outs = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        generate(
            Options(
                scale=0.35,
                seed=3,
                out=out,
                workers=workers,
                end=END,
                changes_since=END - timedelta(days=1),
                defects=defects.profile("heavy"),
            )
        )
        outs.append(out)
    assert _log(outs[0]), "no late row: the test proves nothing"
    for f in sorted(outs[0].glob("*.csv")):
        assert_same_bytes((outs[1] / f.name).read_bytes(), f.read_bytes(), f.name)


def test_a_dirty_change_extract_takes_only_late_rows(tmp_path):
    """--defects heavy --changes-since: the late rows, no other type; every row it holds
    is the clean full extract's row, value for value."""
    args = (*SMALL, "--end-date", END.isoformat(), "--quiet")
    assert cli(*args, "--out", str(tmp_path / "clean")).returncode == 0
    since = ("--changes-since", "2024-06-28")
    res = cli(*args, *since, "--defects", "heavy", "--out", str(tmp_path / "dirty"))
    assert res.returncode == 0, res.stderr
    log = _log(tmp_path / "dirty")
    assert log and {d["defect_type"] for d in log} == {"late_arrival"}
    for code in TABLES:
        clean, dirty = _read(tmp_path / "clean", code), _read(tmp_path / "dirty", code)
        assert all(clean.get(k) == row for k, row in dirty.items()), code


def test_none_is_byte_identical_for_a_change_extract(tmp_path):
    args = (*SMALL, "--end-date", END.isoformat(), "--changes-since", "2024-06-29", "--quiet")
    assert cli(*args, "--out", str(tmp_path / "a")).returncode == 0
    assert cli(*args, "--defects", "none", "--out", str(tmp_path / "b")).returncode == 0
    for f in sorted((tmp_path / "a").iterdir()):
        assert_same_bytes((tmp_path / "b" / f.name).read_bytes(), f.read_bytes(), f.name)
    assert not (tmp_path / "b" / "defects.csv").exists()


def test_a_split_dirty_change_extract_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "out"
    res = cli(
        *SMALL,
        "--end-date",
        END.isoformat(),
        "--changes-since",
        "2024-06-29",
        "--defects",
        "light",
        "--parts",
        "2",
        "--out",
        str(out),
    )
    assert res.returncode == 2 and "drop --parts" in res.stderr
    assert not out.exists()
