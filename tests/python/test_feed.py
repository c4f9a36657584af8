"""The daily feed (scripts/feed.py, docs/feed.md) proved against a full rebuild: after a few
days of the generator's change extracts (`--changes-since D-1 --end-date D`) landed and
built incrementally, every mart equals the marts built from scratch on the extract as of
the last day, and every snapshot holds one version per change the generator made in the
window (per row, one per distinct REC_UPDT_TS landed; some rows with several), exactly one
of them current."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from helpers import ROOT

pytestmark = pytest.mark.slow

DAYS = "3"  # four builds: the initial extract and three days of changes
SCALE = "0.01"  # the smallest hospital; it still has changes every day
END = "2024-06-30"
# snapshot -> (its key, the landing table whose versions it keeps)
SNAPSHOTS = {
    "snp_patients": ("patient_id", "ehp_patn"),
    "snp_insurance_policies": ("insurance_policy_id", "ehp_insr"),
    "snp_appointments": ("appointment_id", "ehp_appt"),
    "snp_staff": ("staff_id", "ehp_stff"),
    "snp_supplies": ("supply_id", "ehp_sply"),
}
BILLS = ("snp_bill_balances", "bill_id")  # versions at the bill's or its payments' changes


def run_feed(folder: Path, *extra: str) -> str:
    res = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "feed.py"),
            "--days",
            DAYS,
            "--scale",
            SCALE,
            "--end-date",
            END,
            "--dir",
            str(folder),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-4000:]
    return res.stdout


def full_rebuild(extract: Path, folder: Path, *select: str) -> Path:
    """The project built from scratch on ``extract`` with the DuckDB loader (no tests)."""
    database = folder / "full.duckdb"
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(ROOT),
        "EHP_DUCKDB_PATH": str(database),
        "DBT_TARGET_PATH": str(folder / "target"),
        "DBT_LOG_PATH": str(folder / "logs"),
    }
    variables = json.dumps({"ehp_loader": "duckdb", "ehp_raw_path": str(extract)})
    res = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "run", "--vars", variables, *select],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
        env=env,
    )
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    return database


def mart_differences(feed_db: Path, full_db: Path) -> dict[str, tuple[int, int, int]]:
    """Per mart: (rows in the feed's, rows only in the feed's, rows only in the full)."""
    con = duckdb.connect()
    con.execute(f"attach '{feed_db}' as feed (read_only)")
    con.execute(f"attach '{full_db}' as full_build (read_only)")
    marts = [
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where database_name = 'full_build' "
            "and schema_name = 'marts' order by 1"
        ).fetchall()
    ]
    assert len(marts) > 20, marts
    found = {}
    for mart in marts:
        feed, full = f"feed.marts.{mart}", f"full_build.marts.{mart}"
        found[mart] = (
            con.execute(f"select count(*) from {feed}").fetchone()[0],
            con.execute(f"select count(*) from (from {feed} except all from {full})").fetchone()[0],
            con.execute(f"select count(*) from (from {full} except all from {feed})").fetchone()[0],
        )
    con.close()
    return found


def snapshot_problems(feed_db: Path) -> list[str]:
    """Where a snapshot's versions are not the changes the feed landed."""
    con = duckdb.connect(str(feed_db), read_only=True)
    problems = []
    for snapshot, (key, landed) in SNAPSHOTS.items():
        code_key = con.execute(f"select * from ehp_landing.{landed} limit 0").description[0][0]
        wrong = con.execute(
            f"""
            with versions as (
                select {key} as k, count(*) as n, count(*) filter (dbt_valid_to is null) as now
                from snapshots.{snapshot} group by 1
            ),
            changes as (
                select {code_key} as k, count(distinct REC_UPDT_TS) as n
                from ehp_landing.{landed} group by 1
            )
            select count(*) from changes full join versions using (k)
            where versions.n is distinct from changes.n or versions.now is distinct from 1
            """
        ).fetchone()[0]
        if wrong:
            problems.append(f"{snapshot}: {wrong} keys whose versions are not their changes")
    con.close()
    return problems


def default_state() -> dict[str, tuple[int, int] | None]:
    """The default database, dataset manifest and dbt target: what the feed must not touch."""
    paths = ["proactivehealth.duckdb", "seeds/ehp/manifest.json", "target/manifest.json"]
    return {
        p: (s.st_size, s.st_mtime_ns)
        if (s := (ROOT / p).stat() if (ROOT / p).exists() else None)
        else None
        for p in paths
    }


@pytest.fixture(scope="module")
def fed(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("feed")
    before = default_state()
    out = run_feed(folder)
    assert default_state() == before, "the feed touched the default database or dataset"
    return folder, out


def test_the_feed_prints_each_day_rows_landed_and_models_rebuilt(fed):
    folder, out = fed
    days = [line for line in out.splitlines() if " landed " in line]
    assert len(days) == int(DAYS) + 1, out
    assert days[0].startswith("initial ") and "2024-06-27" in days[0]
    assert days[-1].split()[0] == END
    for line in days:
        assert " 0 rows" not in line and "rebuilt " in line and " 6 snapshots" in line, line
    assert sorted(p.name for p in (folder / "landing").iterdir())[-1] == END


def extract_as_of(day: str, out: Path) -> Path:
    command = [sys.executable, "-m", "generator", "--scale", SCALE, "--end-date", day]
    res = subprocess.run(
        [*command, "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert res.returncode == 0, res.stderr
    return out


def test_every_mart_equals_a_full_rebuild_of_the_last_day(fed, tmp_path):
    folder, _ = fed
    extract = extract_as_of(END, tmp_path / "asof")
    found = mart_differences(folder / "feed.duckdb", full_rebuild(extract, tmp_path))
    wrong = {mart: counts for mart, counts in found.items() if counts[1] or counts[2]}
    assert not wrong, f"marts that differ (rows, only in the feed's, only in the full): {wrong}"
    assert found["fct_payments"][0] > 0 and found["fct_inventory_daily"][0] > 0


def test_the_incremental_facts_were_built_incrementally(fed):
    folder, _ = fed
    log = (folder / "logs" / "dbt.log").read_text()
    for fact in ("fct_payments", "fct_inventory_daily"):
        assert f"OK created sql incremental model marts.{fact}" in log, fact


def test_snapshots_hold_one_version_per_change_the_generator_made(fed):
    folder, _ = fed
    database = folder / "feed.duckdb"
    assert snapshot_problems(database) == []
    con = duckdb.connect(str(database), read_only=True)
    changed = {
        snapshot: con.execute(
            f"select count(*) from (select {key} from snapshots.{snapshot} "
            "group by 1 having count(*) > 1)"
        ).fetchone()[0]
        for snapshot, key in [*((s, k) for s, (k, _) in SNAPSHOTS.items()), BILLS]
    }
    con.close()
    assert sum(changed.values()) > 0, f"no row changed in the window: {changed}"


def test_the_ar_balance_as_known_on_a_day_is_that_days_full_build(fed, tmp_path):
    """docs/feed.md, exercise 2: the bill snapshot's versions valid at the end of the first
    day of changes sum to the AR balance of a full build of the extract as of that day."""
    folder, _ = fed
    day = "2024-06-28"
    full = full_rebuild(extract_as_of(day, tmp_path / "asof"), tmp_path, "--select", "+fct_bills")
    want = (
        duckdb.connect(str(full), read_only=True)
        .execute("select sum(balance_amount), count(*) from marts.fct_bills")
        .fetchone()
    )
    con = duckdb.connect(str(folder / "feed.duckdb"), read_only=True)
    known = con.execute(
        "select sum(balance_amount), count(*) from snapshots.snp_bill_balances "
        f"where dbt_valid_from < date '{day}' + 1 "
        f"and (dbt_valid_to is null or dbt_valid_to >= date '{day}' + 1)"
    ).fetchone()
    now = con.execute("select sum(balance_amount) from marts.fct_bills").fetchone()[0]
    con.close()
    assert known == want
    assert now != want[0], "the balance never changed: the check proves nothing"


def test_a_clean_feed_has_no_late_row(fed):
    """The late-row check (int_quality_late_arrivals) reads every landing table: on the
    clean feed no row first lands in a file whose window starts after its creation."""
    folder, _ = fed
    con = duckdb.connect(str(folder / "feed.duckdb"), read_only=True)
    found = con.execute("select count(*) from intermediate.int_quality_late_arrivals").fetchone()
    scored = con.execute(
        "select injected, detected from intermediate.int_quality_late_arrival_scorecard"
    ).fetchall()
    con.close()
    assert found == (0,) and scored == [(0, 0)]
