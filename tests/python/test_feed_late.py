"""A daily feed with late-arriving rows (scripts/feed.py --defects, docs/defects.md): the
feed-mode check int_quality_late_arrivals finds exactly the late rows the days' defects.csv
files log (recall and precision 1), its scorecard says so, and `dbt build` on the dirty
feed ends with warnings, not errors (var ehp_feed_defects)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from helpers import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import feed as feed_script  # scripts/feed.py

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def feed(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """Two days of heavy late rows at the smallest scale, landed by scripts/feed.py day by
    day, then one `dbt build` (tests included): the late-row check reads the landing
    tables, so it needs no build in between."""
    folder = tmp_path_factory.mktemp("feed-late")
    options = ("--days", "2", "--scale", "0.01", "--end-date", "2024-06-30", "--defects", "heavy")
    args = feed_script.parse_args([*options, "--dir", str(folder)])
    fed = feed_script.Feed(args)
    fed.start_afresh()
    for offset, day in enumerate(date(2024, 6, 28) + timedelta(days=k) for k in range(3)):
        fed.generate(day, None if offset == 0 else day - timedelta(days=1))
        fed.land(day)
    assert json.loads(fed.vars) == {"ehp_feed": True, "ehp_feed_defects": True}
    return folder, fed.dbt("build", "--vars", fed.vars)


def _query(folder: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(folder / "feed.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_check_finds_exactly_the_late_rows_defects_csv_logs(feed):
    feed, _ = feed
    logged = _query(
        feed,
        "select table_code, primary_key, cast(clean_value as date), cast(dirty_value as date) "
        "from ehp_landing.ehp_defects where defect_type = 'late_arrival'",
    )
    found = _query(
        feed,
        "select table_code, primary_key, due_date, arrived_date "
        "from intermediate.int_quality_late_arrivals",
    )
    assert len(logged) > 10, "too few late rows to prove anything"
    assert sorted(found) == sorted(logged)
    ((kind, injected, detected, hits, precision, recall),) = _query(
        feed, "select * from intermediate.int_quality_late_arrival_scorecard"
    )
    assert (kind, injected, detected, hits) == ("late_arrival", len(logged), len(found), len(found))
    assert precision == 1 and recall >= 0.95
    assert feed_script.late_score(feed / "feed.duckdb") == (  # what `make feed` prints
        f"late rows: {injected} injected, {detected} detected, {hits} true positives, "
        f"precision {precision}, recall {recall}"
    )


def test_dbt_build_on_the_dirty_feed_ends_with_warnings_not_errors(feed):
    _, res = feed
    assert res.returncode == 0, res.stdout[-6000:]
    totals = re.search(r"PASS=(\d+) WARN=(\d+) ERROR=(\d+)", res.stdout)
    assert totals, res.stdout[-2000:]
    assert int(totals[2]) > 0 and int(totals[3]) == 0, totals[0]
    assert re.search(r"WARN \d+ .*assert_quality_no_late_arrivals", res.stdout), res.stdout[-3000:]
