"""`make feed`: the hospital's daily feed, to practise incremental loading on (docs/feed.md).

An initial extract as of the day before the first day, then day by day the day's change
files (`ehp-generate --changes-since D-1 --end-date D`) into a landing folder, each day
appended to the landing tables and built by `dbt build` in feed mode (var ehp_feed: the
staging models read the latest version of each landed row, the snapshots keep history,
the big facts are incremental). Prints, per day, the rows landed and the models rebuilt.

Everything lives in its own folder (default data/feed): landing/<day>/, the database
feed.duckdb and dbt's target/ and logs/. The default dataset (seeds/ehp) and database
(proactivehealth.duckdb) are never touched. Each run starts the feed afresh.

    python scripts/feed.py [--days 30] [--scale 0.1] [--seed 42] [--end-date 2024-12-31]
                           [--dir data/feed] [--tests] [--defects realistic] [--lookback 3]

With --defects PROFILE every file is written with late-arriving rows at the profile's
late_arrival rate (the other defect types need a full extract; docs/defects.md), each
day's defects.csv is landed too, and the data tests warn (var ehp_feed_defects).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from generator import defects  # noqa: E402
from generator.load import read_sql  # noqa: E402
from generator.registry import TABLES  # noqa: E402

DATABASE = "feed.duckdb"
LANDING = "ehp_landing"  # the dbt var ehp_landing_schema's default
EXCLUDE_TESTS = ["--exclude-resource-type", "test", "unit_test"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--days", type=int, default=30, help="days to feed, 1 to 365 (default 30)")
    p.add_argument("--scale", default="0.1", help="ehp-generate --scale (default 0.1)")
    p.add_argument("--seed", default="42", help="ehp-generate --seed (default 42)")
    p.add_argument(
        "--end-date", type=date.fromisoformat, default=date(2024, 12, 31), help="last day fed"
    )
    p.add_argument("--dir", type=Path, default=Path("data/feed"), help="the feed's own folder")
    p.add_argument("--tests", action="store_true", help="run the data tests every day too")
    p.add_argument("--select", nargs="*", default=[], help="dbt --select (default: everything)")
    p.add_argument(
        "--defects",
        metavar="PROFILE",
        default=None,
        help="late-arriving rows at this --defects profile's late_arrival rate (light, "
        "realistic, heavy or a JSON file of rates; default: a clean feed)",
    )
    p.add_argument(
        "--lookback", type=int, default=None, help="dbt var ehp_feed_lookback_days (default 3)"
    )
    args = p.parse_args(argv)
    if not 1 <= args.days <= 365:
        p.error(f"--days must be from 1 to 365, got {args.days}")
    if args.lookback is not None and not 0 <= args.lookback <= 365:
        p.error(f"--lookback must be from 0 to 365 days, got {args.lookback}")
    args.late_rate = _late_rate(p, args.defects)
    return args


def _late_rate(p: argparse.ArgumentParser, text: str | None) -> float | None:
    """The late_arrival rate of ``--defects`` (None: a clean feed)."""
    if text is None:
        return None
    try:
        chosen = defects.profile(text)
    except ValueError as exc:
        p.error(str(exc))
    rate = chosen.rate(defects.LATE) if chosen is not None else 0.0
    return rate or None


class Feed:
    """One feed: its folder, its database, how it calls the generator and dbt."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.folder = args.dir.resolve()
        self.landing = self.folder / "landing"
        self.env = {
            **os.environ,
            "DBT_PROFILES_DIR": str(ROOT),
            "EHP_DUCKDB_PATH": str(self.folder / DATABASE),
            "DBT_TARGET_PATH": str(self.folder / "target"),
            "DBT_LOG_PATH": str(self.folder / "logs"),
        }
        extra: dict = {} if args.late_rate is None else {"ehp_feed_defects": True}
        if args.lookback is not None:
            extra["ehp_feed_lookback_days"] = args.lookback
        # the same every day: dbt's partial parsing holds
        self.vars = json.dumps({"ehp_feed": True, **extra})

    def start_afresh(self) -> None:
        """Drop the previous feed's landing files and database (its own files only)."""
        shutil.rmtree(self.landing, ignore_errors=True)
        for name in (DATABASE, DATABASE + ".wal"):
            (self.folder / name).unlink(missing_ok=True)
        self.landing.mkdir(parents=True)
        if self.args.late_rate is not None:  # every file: the late rows only
            rates = {defects.LATE: self.args.late_rate}
            (self.folder / "late_arrival.json").write_text(json.dumps(rates) + "\n")

    def generate(self, day: date, since: date | None) -> dict[str, int]:
        """The day's files into landing/<day>/ (the changes since ``since``, or everything);
        rows written per table code."""
        out = self.landing / day.isoformat()
        extra = [] if since is None else ["--changes-since", since.isoformat()]
        command = [sys.executable, "-m", "generator", "--scale", self.args.scale]
        command += ["--seed", self.args.seed, "--end-date", day.isoformat(), "--quiet"]
        command += ["--out", str(out), *extra]
        if self.args.late_rate is not None:
            command += ["--defects", str(self.folder / "late_arrival.json")]
        if subprocess.run(command, check=False, cwd=ROOT).returncode != 0:
            raise SystemExit(f"feed: ehp-generate refused or failed for {day} (see above)")
        tables = json.loads((out / "manifest.json").read_text())["tables"]
        return {code: t["rows"] for code, t in tables.items()}

    def dbt(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(Path(sys.executable).with_name("dbt")), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )

    def land(self, day: date) -> None:
        """Append landing/<day>/ to the landing tables (DuckDB's CSV reader, every column
        typed as the registry declares), stamped with the day and the time of the load;
        landing a day again replaces it. The day is logged in feed_batches."""
        folder = self.landing / day.isoformat()
        con = duckdb.connect(str(self.folder / DATABASE))
        try:
            con.execute(f"create schema if not exists {LANDING}")
            con.execute(
                f"create table if not exists {LANDING}.feed_batches (extract_date date, "
                "changes_since date, row_count bigint, _loaded_at timestamptz)"
            )
            manifest = json.loads((folder / "manifest.json").read_text())
            rows = 0
            for table in TABLES.values():
                relation = f"{LANDING}.{table.file_stem}"
                source = read_sql(table, folder)
                con.execute(
                    f"create table if not exists {relation} as select *, "
                    f"cast(null as date) as _extract_date, current_timestamp as _loaded_at "
                    f"from {source} limit 0"
                )
                con.execute(f"delete from {relation} where _extract_date = ?", [day])
                con.execute(
                    f"insert into {relation} select *, ?, current_timestamp from {source}", [day]
                )
                rows += manifest["tables"][table.code]["rows"]
            land_defects(con, folder, day)
            con.execute(f"delete from {LANDING}.feed_batches where extract_date = ?", [day])
            since = manifest.get("changes_since")
            con.execute(
                f"insert into {LANDING}.feed_batches values (?, ?, ?, current_timestamp)",
                [day, since, rows],
            )
        finally:
            con.close()

    def build(self, day: date) -> dict[str, int]:
        """Land the day's files and `dbt build` in feed mode; nodes run, by kind."""
        select = ["--select", *self.args.select] if self.args.select else []
        tests = [] if self.args.tests else EXCLUDE_TESTS
        self.land(day)
        res = self.dbt("build", "--vars", self.vars, *select, *tests)
        if res.returncode != 0:
            sys.stderr.write(res.stdout[-6000:] + res.stderr[-2000:])
            raise SystemExit(f"feed: dbt build failed on {day} (see above)")
        results = json.loads((self.folder / "target" / "run_results.json").read_text())
        counts: dict[str, int] = {}
        for result in results["results"]:
            kind = result["unique_id"].split(".")[0]
            counts[kind] = counts.get(kind, 0) + 1
        return counts


def land_defects(con: duckdb.DuckDBPyConnection, folder: Path, day: date) -> None:
    """The day's defects.csv (if any) into ehp_defects, every column text: the ground
    truth of the late rows each day delivers. The table exists on a clean feed too."""
    names = defects.LOG.column_names
    con.execute(
        f"create table if not exists {LANDING}.ehp_defects ("
        + ", ".join(f"{n} varchar" for n in names)
        + ", _extract_date date, _loaded_at timestamptz)"
    )
    con.execute(f"delete from {LANDING}.ehp_defects where _extract_date = ?", [day])
    path = folder / "defects.csv"
    if path.exists():
        con.execute(
            f"insert into {LANDING}.ehp_defects select {', '.join(names)}, ?, current_timestamp "
            "from read_csv(?, header = true, all_varchar = true)",
            [day, str(path)],
        )


def late_score(database: Path) -> str:
    """The late rows scored (intermediate.int_quality_late_arrival_scorecard), one line."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        row = con.execute(
            "select injected, detected, true_positives, detection_precision, detection_recall "
            "from intermediate.int_quality_late_arrival_scorecard"
        ).fetchone()
    except duckdb.CatalogException:
        return "late rows: not scored (int_quality_late_arrival_scorecard was not built)"
    finally:
        con.close()
    injected, detected, hits, precision, recall = row
    return (
        f"late rows: {injected} injected, {detected} detected, {hits} true positives, "
        f"precision {precision}, recall {recall}"
    )


def landed_line(day: date, rows: dict[str, int], counts: dict[str, int], seconds: float) -> str:
    codes = {code: n for code, n in sorted(rows.items(), key=lambda kv: -kv[1]) if n}
    top = ", ".join(f"{code} {n:,}" for code, n in list(codes.items())[:4])
    built = f"{counts.get('model', 0)} models, {counts.get('snapshot', 0)} snapshots"
    if counts.get("test") or counts.get("unit_test"):
        built += f", {counts.get('test', 0) + counts.get('unit_test', 0)} tests"
    return f"{day}  landed {sum(rows.values()):>8,} rows ({top})  rebuilt {built}  {seconds:5.1f} s"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    feed = Feed(args)
    first = args.end_date - timedelta(days=args.days)
    feed.start_afresh()
    print(f"feed: {args.days} days to {args.end_date} in {feed.folder} (database {DATABASE})")
    t_all = time.perf_counter()
    for offset in range(args.days + 1):
        t0 = time.perf_counter()
        day = first + timedelta(days=offset)
        rows = feed.generate(day, None if offset == 0 else day - timedelta(days=1))
        counts = feed.build(day)
        line = landed_line(day, rows, counts, time.perf_counter() - t0)
        print(("initial " if offset == 0 else "        ") + line, flush=True)
    fresh = feed.dbt("source", "freshness", "--vars", feed.vars)
    print(f"source freshness: {'pass' if fresh.returncode == 0 else 'warn or error'}")
    if args.late_rate is not None:
        print(late_score(feed.folder / DATABASE))
    print(f"feed: {args.days} days in {time.perf_counter() - t_all:.1f} s; query it with")
    print(f"  harlequin --read-only {args.dir / DATABASE}   (or duckdb, or make sql DB=...)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
