"""--defects: dirty data on purpose, each defect logged in defects.csv (docs/defects.md).

Every defect type shows a clean row and its dirty counterpart, and defects.csv records
the change; the clean default is byte-identical with and without ``--defects none``; the
same seed and profile give the same bytes whatever the workers, and the parts of a split
run concatenate to the single run, defects.csv included.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from helpers import assert_same_bytes

from generator import defects
from generator.engine import Options, generate
from generator.load import connect
from generator.registry import TABLES

SCALE, SEED = 0.05, 5


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> tuple[Path, Path]:
    """The same hospital clean and with the ``heavy`` profile."""
    root = tmp_path_factory.mktemp("defects")
    heavy = defects.profile("heavy")
    generate(Options(scale=SCALE, seed=SEED, out=root / "clean", workers=2))
    generate(Options(scale=SCALE, seed=SEED, out=root / "dirty", workers=2, defects=heavy))
    return root / "clean", root / "dirty"


def _log(folder: Path) -> list[dict[str, str]]:
    with (folder / "defects.csv").open(newline="") as fh:
        return list(csv.DictReader(fh))


def _rows(folder: Path, code: str, key: str) -> list[dict[str, str]]:
    """Every row of table ``code`` whose primary key is ``key``, as written (text)."""
    table = TABLES[code]
    with (folder / f"{table.file_stem}.csv").open(newline="") as fh:
        return [r for r in csv.DictReader(fh) if r[table.primary_key] == key]


def test_at_least_ten_types_each_with_a_rate_in_every_profile():
    assert len(defects.TYPES) >= 10
    for name in ("light", "realistic", "heavy"):
        assert set(defects.PROFILES[name]) == set(defects.TYPES), name
        assert all(0 < r <= defects.RATE_MAX for r in defects.PROFILES[name].values())
    targeted = {kind for _, kind, _ in defects.TARGETS}
    assert targeted | {defects.LATE} == set(defects.TYPES)  # late rows: test_late_arrival.py


@pytest.mark.parametrize("kind", [t for t in defects.TYPES if t != defects.LATE])
def test_each_type_changes_a_clean_row_as_defects_csv_says(pair, kind):
    clean, dirty = pair
    logged = [d for d in _log(dirty) if d["defect_type"] == kind]
    assert logged, f"heavy profile injected no {kind}"
    for d in logged[:20]:
        code, key, col = d["table_code"], d["primary_key"], d["column_name"]
        if kind == "duplicate_patient":
            (original,) = _rows(clean, code, d["original_key"])
            (copy,) = _rows(dirty, code, key)
            assert key != d["original_key"] and copy["PATN_SSN_NO"] == original["PATN_SSN_NO"]
            names = col.split("+")
            assert " ".join(original[c] for c in names) == d["clean_value"]
            assert " ".join(copy[c] for c in names) == d["dirty_value"] != d["clean_value"]
            continue
        (before,) = _rows(clean, code, key)
        after = _rows(dirty, code, key)
        if kind == "resent_row":
            assert after == [before, before]
            continue
        (row,) = after
        if kind == "unit_mixup":
            assert f"{before[col]} {before['TMMD_DOSE_UNIT_CD']}" == d["clean_value"]
            assert f"{row[col]} {row['TMMD_DOSE_UNIT_CD']}" == d["dirty_value"]
            assert float(row[col]) * 1000 == float(before[col])
        else:
            assert before[col] == d["clean_value"]
            assert row[col] == d["dirty_value"] != d["clean_value"]
        others = {c: v for c, v in row.items() if c not in (col, "TMMD_DOSE_UNIT_CD")}
        assert others == {c: v for c, v in before.items() if c in others}


def test_a_row_gets_one_defect_at_most_and_untouched_rows_stay_clean(pair):
    clean, dirty = pair
    log = _log(dirty)
    keys = [(d["table_code"], d["primary_key"]) for d in log]
    assert len(keys) == len(set(keys))
    con_clean, con_dirty = connect(clean), connect(dirty)
    for code in ("VIST", "DIAG", "BILL"):  # tables no defect targets: identical files
        name = TABLES[code].file_stem + ".csv"
        assert_same_bytes((dirty / name).read_bytes(), (clean / name).read_bytes(), name)
    inserted = sum(d["defect_type"] in ("resent_row", "duplicate_patient") for d in log)
    total = sum(
        con_dirty.execute(f"select count(*) from {c.lower()}").fetchone()[0]
        - con_clean.execute(f"select count(*) from {c.lower()}").fetchone()[0]
        for c in ("PATN", "PMNT", "MEDT")
    )
    # the payments still in flight on the end date: late rows of its last three days
    in_flight, oldest = con_clean.execute(
        "select count(*), max(date_diff('day', cast(REC_CRTD_TS as date), date '2024-12-31'))"
        f" from pmnt anti join read_csv('{dirty / 'ehp_pmnt.csv'}', all_varchar=true) d"
        " on pmnt.PMNT_ID = d.PMNT_ID"
    ).fetchone()
    assert in_flight and oldest < 3
    assert total == inserted - in_flight


def test_defects_csv_is_in_the_manifest_and_verifies(pair):
    _, dirty = pair
    manifest = json.loads((dirty / "manifest.json").read_text())
    entry = manifest["tables"][defects.CODE]
    assert entry["file"] == "defects.csv"
    assert entry["rows"] == len(_log(dirty))
    assert manifest["defects"]["profile"] == "heavy"


def test_none_is_byte_identical_to_the_default(tmp_path):
    a = generate(Options(scale=SCALE, seed=SEED, out=tmp_path / "a", workers=1))
    b = generate(
        Options(
            scale=SCALE, seed=SEED, out=tmp_path / "b", workers=1, defects=defects.profile("none")
        )
    )
    assert a["tables"] == b["tables"] and a == b
    for f in sorted((tmp_path / "a").iterdir()):
        assert_same_bytes((tmp_path / "b" / f.name).read_bytes(), f.read_bytes(), f.name)
    assert not (tmp_path / "b" / "defects.csv").exists()


def test_same_bytes_whatever_the_workers_and_parts(tmp_path):
    # scale 0.5 is 3 blocks of patients: parts of one and two blocks
    heavy = defects.profile("heavy")
    one = generate(Options(scale=0.5, seed=3, out=tmp_path / "w1", workers=1, defects=heavy))
    two = generate(Options(scale=0.5, seed=3, out=tmp_path / "w2", workers=2, defects=heavy))
    assert one["tables"] == two["tables"]
    folders = [tmp_path / f"p{p}" for p in (1, 2)]
    for part, out in enumerate(folders, start=1):
        generate(Options(scale=0.5, seed=3, out=out, workers=2, defects=heavy, parts=2, part=part))
    for whole in sorted((tmp_path / "w1").glob("*.csv")):
        joined = b"".join((f / whole.name).read_bytes() for f in folders)
        assert_same_bytes(joined, whole.read_bytes(), whole.name)


def test_a_json_file_of_rates_injects_only_what_it_names(tmp_path):
    rates = tmp_path / "rates.json"
    rates.write_text('{"wrong_sign": 0.2, "time_zone": 0}')
    chosen = defects.profile(str(rates))
    generate(Options(scale=SCALE, seed=SEED, out=tmp_path / "out", workers=1, defects=chosen))
    kinds = {d["defect_type"] for d in _log(tmp_path / "out")}
    assert kinds == {"wrong_sign"}
