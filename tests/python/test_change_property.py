"""The change extract's promise (docs/feed.md; docs/data_model.md "Time"): applied to the extract
as of C (upsert by primary key), the changes of (C, D] give exactly the extract as of D, for
every table, several seeds, a window of one day and one of a month.

Needs prefix-stable time (the extract as of C is what a run through D knew on day C, and
REC_UPDT_TS is each row's last real change): the generator's engine guarantees it."""

from __future__ import annotations

import pytest
from reliability import SMALL, cli

from generator.registry import TABLES

END = "2024-06-30"
WINDOWS = {"one day": "2024-06-29", "one month": "2024-05-30"}
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
