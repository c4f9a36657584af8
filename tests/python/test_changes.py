"""Change extracts (``--changes-since C --end-date D``, docs/feed.md): per table, exactly the
rows of the extract as of D that were created or changed after day C, with the same bytes,
and a manifest naming the window. (That the upsert of the changes onto the extract as of C
gives the extract as of D is test_change_property.py: it needs prefix-stable time.)"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from reliability import SMALL, cli

from generator.registry import TABLES

END = "2024-06-30"


@pytest.fixture(scope="module")
def extracts(tmp_path_factory):
    """The full extract as of END, and its changes since 1 day and 31 days before."""
    root = tmp_path_factory.mktemp("changes")
    runs = {"full": [], "day": ["--changes-since", "2024-06-29"]}
    runs["month"] = ["--changes-since", "2024-05-30"]
    for name, extra in runs.items():
        res = cli(*SMALL, "--end-date", END, "--out", str(root / name), "--quiet", *extra)
        assert res.returncode == 0, res.stderr
    return root


def _lines(path) -> tuple[str, list[str]]:
    header, *body = path.read_text().splitlines()
    return header, body


def _updated_from(line: str, header: str) -> str:
    """REC_UPDT_TS of a CSV line (the last column: no quoted comma can follow it)."""
    assert header.endswith(",REC_UPDT_TS")
    return line.rsplit(",", 1)[1]


@pytest.mark.parametrize("window,since", [("day", "2024-06-29"), ("month", "2024-05-30")])
def test_a_change_extract_is_the_full_extract_filtered_on_the_update_time(extracts, window, since):
    first_day = (date.fromisoformat(since) + timedelta(days=1)).isoformat()
    kept = 0
    for table in TABLES.values():
        name = f"{table.file_stem}.csv"
        header, full = _lines(extracts / "full" / name)
        got_header, got = _lines(extracts / window / name)
        assert got_header == header, table.code
        want = [line for line in full if _updated_from(line, header) >= first_day]
        assert got == want, f"{table.code}: {len(got)} rows, {len(want)} expected"
        assert len(got) < len(full) or not full, f"{table.code}: nothing left out"
        kept += len(got)
    assert kept > 0, "a change extract with no row at all proves nothing"


def test_the_month_holds_more_changes_than_the_day(extracts):
    def rows(window: str) -> int:
        return json.loads((extracts / window / "manifest.json").read_text())["tables"]

    day, month = rows("day"), rows("month")
    assert sum(t["rows"] for t in month.values()) > sum(t["rows"] for t in day.values())
    assert all(month[c]["rows"] >= day[c]["rows"] for c in day)


def test_the_manifest_says_which_window_it_covers(extracts):
    changes = json.loads((extracts / "day" / "manifest.json").read_text())
    assert changes["extract"] == "changes"
    assert changes["changes_since"] == "2024-06-29"
    assert changes["end_date"] == END
    assert "REC_UPDT_TS >= 2024-06-30" in changes["changes"]
    full = json.loads((extracts / "full" / "manifest.json").read_text())
    assert "extract" not in full and "changes_since" not in full  # as it always was


def test_a_change_extract_verifies_against_its_manifest(extracts):
    res = cli("--verify", str(extracts / "day"))
    assert res.returncode == 0, res.stdout + res.stderr
