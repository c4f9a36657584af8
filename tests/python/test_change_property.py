"""The change extract's promise (docs/feed.md; docs/data_model.md "Time"): applied to the extract
as of C (upsert by primary key), the changes of (C, D] give exactly the extract as of D, for
every table, several seeds, a window of one day, one of a month and one of a quarter (across
a reorder review: patients who moved and supplies re-sized among the changes).

Needs prefix-stable time (the extract as of C is what a run through D knew on day C, and
REC_UPDT_TS is each row's last real change): the generator's engine guarantees it."""

from __future__ import annotations

import csv

import pytest
from reliability import SMALL, cli

from generator.registry import TABLES

END = "2024-06-30"
# the quarter crosses a reorder review (2024-04-01): supplies change as well as patients
WINDOWS = {"one day": "2024-06-29", "one month": "2024-05-30", "one quarter": "2024-03-31"}
SEEDS = (3, 11)


def _extract(root, name: str, seed: int, *extra: str):
    out = root / f"{name}-{seed}"
    res = cli(*SMALL, "--seed", str(seed), "--out", str(out), "--quiet", *extra)
    assert res.returncode == 0, res.stderr
    return out


def _by_key(folder, table) -> dict[str, str]:
    """Every data line of the table's CSV by its primary key (the first column)."""
    header, *lines = (folder / f"{table.file_stem}.csv").read_text().splitlines()
    assert header.split(",")[0] == table.primary_key
    rows = {line.split(",", 1)[0]: line for line in lines}
    assert len(rows) == len(lines), f"{table.code}: a key appears twice"
    return rows


@pytest.fixture(scope="module")
def extracts(tmp_path_factory):
    root = tmp_path_factory.mktemp("property")
    made = {}
    for seed in SEEDS:
        made[seed, "as of D"] = _extract(root, "d", seed, "--end-date", END)
        for window, since in WINDOWS.items():
            made[seed, window, "as of C"] = _extract(root, f"c{since}", seed, "--end-date", since)
            made[seed, window, "changes"] = _extract(
                root, f"ch{since}", seed, "--end-date", END, "--changes-since", since
            )
    return made


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("seed", SEEDS)
def test_changes_upserted_onto_the_extract_as_of_c_give_the_extract_as_of_d(extracts, seed, window):
    changed = 0
    for table in TABLES.values():
        applied = _by_key(extracts[seed, window, "as of C"], table)
        changes = _by_key(extracts[seed, window, "changes"], table)
        applied.update(changes)
        want = _by_key(extracts[seed, "as of D"], table)
        missing = want.keys() - applied.keys()
        extra = applied.keys() - want.keys()
        differ = [k for k in want.keys() & applied.keys() if want[k] != applied[k]]
        assert not (missing or extra or differ), (
            f"{table.code}, seed {seed}, {window}: {len(missing)} rows missing, {len(extra)} "
            f"rows too many, {len(differ)} rows differ (e.g. {sorted(differ)[:1]})"
        )
        changed += len(changes)
    assert changed > 0, "no change at all in the window proves nothing"


def _rows(folder, code: str) -> dict[str, dict[str, str]]:
    with (folder / f"{TABLES[code].file_stem}.csv").open(newline="", encoding="utf-8") as fh:
        return {r[TABLES[code].primary_key]: r for r in csv.DictReader(fh)}


def test_a_quarter_holds_patients_who_moved_and_supplies_reviewed(extracts):
    """Rows that existed on C and changed by D: patients who moved (a new address) and
    supplies whose reorder settings the review of 2024-04-01 changed (seed 3 has both)."""
    watched = {
        "PATN": ("PATN_ADDR_LN1", "PATN_ZIP_CD"),
        "SPLY": ("SPLY_RORD_LVL_QTY", "SPLY_RORD_QTY"),
    }
    for code, columns in watched.items():
        before = _rows(extracts[3, "one quarter", "as of C"], code)
        changes = _rows(extracts[3, "one quarter", "changes"], code)
        changed = [
            k
            for k, row in changes.items()
            if k in before and any(row[c] != before[k][c] for c in columns)
        ]
        assert changed, f"{code}: no {columns} of the extract as of C changed in the quarter"
