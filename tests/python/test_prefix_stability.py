"""Prefix-stable time (docs/engine.md, "Time"): the extract with ``--end-date D1`` is the
longer run's extract (same seed, options and start) as it stood on D1, for every table.

- every row of the D1 extract is in the D2 extract, by primary key, with the same
  immutable columns (the mutable ones, declared below, may have changed after D1);
- every D2 row created by D1 (REC_CRTD_TS) is in the D1 extract;
- every D2 row whose last change is by D1 (REC_UPDT_TS) is identical in the D1 extract;
- nothing in the D1 extract is created or changed after D1, and its keys resolve.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest
from helpers import assert_same_bytes

from generator import registry
from generator.core import Context
from generator.engine import Options, generate

# columns whose value may change after the row is created: the events of docs/engine.md
MUTABLE = {
    "STFF": {"STFF_TERM_DT", "STFF_STS_CD"},
    "PATN": {
        "PATN_DTH_DT",
        "PATN_ACTV_FLG",
        "PATN_ADDR_LN1",
        "PATN_CITY_NM",
        "PATN_ST_CD",
        "PATN_ZIP_CD",
    },  # a death, a move
    "SPLY": {"SPLY_RORD_LVL_QTY", "SPLY_RORD_QTY"},  # a reorder review
    "INSR": {"INSR_END_DT"},
    "EQPM": {"EQPM_LAST_MNT_DT", "EQPM_NEXT_MNT_DT"},
    "APPT": {"APPT_STS_CD", "APPT_CHKIN_TS", "APPT_CANC_TS"},
    "VIST": {"VIST_DSCH_TS", "VIST_DSCH_DISP_CD"},
    "TRTM": {"TRTM_END_TS", "TRTM_OUTC_CD"},
    "MEDT": {"MEDT_RLS_TS"},
    "BILL": {"BILL_WRTF_AMT", "BILL_STS_CD"},
    "INVN": {"INVN_VRFY_STS_CD", "INVN_VRFD_BY_STFF_ID", "INVN_VRFD_TS"},
    "VPMT": {"VPMT_PD_AMT", "VPMT_PMNT_DT", "VPMT_MTHD_CD", "VPMT_STS_CD"},
}
AUDIT = {"REC_UPDT_TS"}


def _read(folder: Path, code: str) -> pa.Table:
    table = registry.TABLES[code]
    names = [c.name for c in table.columns]
    convert = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        strings_can_be_null=True,  # an unquoted empty field is a null
        quoted_strings_can_be_null=False,
    )
    return pacsv.read_csv(folder / f"ehp_{code.lower()}.csv", convert_options=convert)


def _extract(tmp: Path, seed: int, end: str, scale: float = 0.05) -> Path:
    out = tmp / f"s{seed}-{scale}-{end}"
    if not out.exists():
        opts = Options(scale=scale, seed=seed, end=date.fromisoformat(end), out=out, workers=2)
        generate(opts)
    return out


def _by_key(t: pa.Table, key: str) -> dict[str, dict]:
    return {row[key]: row for row in t.to_pylist()}


def _compare(short: Path, long: Path, cut: str) -> None:
    """The checks of the module docstring for every table; ``cut`` is D1's last second."""
    for code, spec in registry.TABLES.items():
        key = spec.primary_key
        a, b = _read(short, code), _read(long, code)
        assert a.num_rows == len(set(a[key].to_pylist())), f"{code}: duplicate keys"
        a_rows, b_rows = _by_key(a, key), _by_key(b, key)
        missing = set(a_rows) - set(b_rows)
        assert not missing, f"{code}: {len(missing)} rows of {cut[:10]} not in the longer run"
        created = {k for k, r in b_rows.items() if r["REC_CRTD_TS"] <= cut}
        assert created == set(a_rows), (
            f"{code}: {len(created - set(a_rows))} rows created by {cut[:10]} are missing, "
            f"{len(set(a_rows) - created)} are extra"
        )
        fixed = [c.name for c in spec.columns if c.name not in MUTABLE.get(code, set()) | AUDIT]
        for k, row in a_rows.items():
            other = b_rows[k]
            diff = [c for c in fixed if row[c] != other[c]]
            assert not diff, f"{code} {k}: immutable {diff} differ: {row} vs {other}"
            assert row["REC_UPDT_TS"] <= cut, f"{code} {k}: changed after {cut}"
            if other["REC_UPDT_TS"] <= cut:
                assert row == other, f"{code} {k}: unchanged by {cut} yet differs"


def _check_keys(folder: Path) -> None:
    """Every foreign key of the extract resolves inside it."""
    tables = {code: _read(folder, code) for code in registry.TABLES}
    for code, spec in registry.TABLES.items():
        for col in spec.columns:
            if not col.references:
                continue
            parent = registry.TABLES[col.references].primary_key
            values = pc.drop_null(tables[code][col.name])
            values = pc.filter(values, pc.not_equal(values, ""))
            ok = pc.is_in(values, value_set=tables[col.references][parent])
            assert pc.all(ok).as_py() is not False, f"{code}.{col.name} dangles"


PAIRS = [
    (3, "2024-06-30", "2024-12-31"),  # inside one epoch
    (5, "2023-09-30", "2024-03-31"),  # across epochs 0 and 1
    (8, "2023-03-31", "2023-12-31"),  # the first quarter against the whole first year
]


@pytest.mark.parametrize(("seed", "d1", "d2"), PAIRS)
def test_shorter_extract_is_the_longer_one_as_of_its_end(tmp_path_factory, seed, d1, d2):
    tmp = tmp_path_factory.getbasetemp() / "prefix"
    short, long = _extract(tmp, seed, d1), _extract(tmp, seed, d2)
    _compare(short, long, f"{d1} 23:59:59")
    _check_keys(short)


@pytest.mark.slow
def test_several_blocks_and_a_day_apart(tmp_path_factory):
    """Three blocks of patients (scale 0.5), and two end dates one day apart."""
    tmp = tmp_path_factory.getbasetemp() / "prefix"
    short, long = (_extract(tmp, 13, d, scale=0.5) for d in ("2024-02-28", "2024-02-29"))
    _compare(short, long, "2024-02-28 23:59:59")
    _check_keys(short)


# ------------------------------------------------------------------ one test per change rule
D1, D2, CUT = "2024-06-30", "2024-12-31", "2024-06-30 23:59:59"


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """(as of D1, as of D2) for seed 12 (one whose small staff has a leaver after D1): each
    table as {key: row}."""
    tmp = tmp_path_factory.getbasetemp() / "prefix"
    out = []
    for end in (D1, D2):
        folder = _extract(tmp, 12, end)
        out.append(
            {
                code: _by_key(_read(folder, code), spec.primary_key)
                for code, spec in registry.TABLES.items()
            }
        )
    return out


def _changed_after_cut(pair, code: str, when) -> list[tuple[dict, dict]]:
    """(row as of D1, row as of D2) of the rows of ``code`` whose change ``when(row)`` (a
    time as text, or None) is after D1; asserts there are some to look at."""
    short, long = pair[0][code], pair[1][code]
    rows = [(short[k], r) for k, r in long.items() if k in short and (when(r) or "") > CUT]
    assert rows, f"{code}: no row changes after {D1} in this extract"
    return rows


def test_an_appointment_whose_day_comes_after_the_end_is_still_scheduled(pair):
    def outcome(r):
        return r["APPT_CANC_TS"] or (r["APPT_SCHD_DT"] + " " + r["APPT_STRT_TM"])

    for a, b in _changed_after_cut(pair, "APPT", outcome):
        assert b["APPT_STS_CD"] != "SCHD" or b["APPT_SCHD_DT"] > D2
        assert (a["APPT_STS_CD"], a["APPT_CHKIN_TS"], a["APPT_CANC_TS"]) == ("SCHD", None, None)
        assert a["REC_UPDT_TS"] == a["REC_CRTD_TS"] == b["REC_CRTD_TS"]


def test_a_stay_not_yet_discharged_has_no_discharge(pair):
    for a, _ in _changed_after_cut(pair, "VIST", lambda r: r["VIST_DSCH_TS"]):
        assert (a["VIST_DSCH_TS"], a["VIST_DSCH_DISP_CD"]) == (None, None)
        assert a["VIST_ADMT_TS"] <= CUT and a["REC_UPDT_TS"] == a["REC_CRTD_TS"]
    for a, _ in _changed_after_cut(pair, "MEDT", lambda r: r["MEDT_RLS_TS"]):
        assert a["MEDT_RLS_TS"] is None


def test_end_dates_death_and_termination_only_once_they_happened(pair):
    for a, _ in _changed_after_cut(pair, "STFF", lambda r: r["STFF_TERM_DT"] and r["REC_UPDT_TS"]):
        assert (a["STFF_TERM_DT"], a["STFF_STS_CD"]) == (None, "ACTV")
    for a, _ in _changed_after_cut(pair, "PATN", lambda r: r["PATN_DTH_DT"] and r["REC_UPDT_TS"]):
        assert (a["PATN_DTH_DT"], a["PATN_ACTV_FLG"]) == (None, "Y")
    for a, _ in _changed_after_cut(pair, "INSR", lambda r: r["INSR_END_DT"] and r["REC_UPDT_TS"]):
        assert a["INSR_END_DT"] is None
    for table in pair[0].values():
        for row in table.values():
            for name, value in row.items():
                if value and name.endswith("_DT") and name not in NOT_EVENTS:
                    assert value <= D1, (name, row)


# dates that may lie after the end date: planned, not happened
NOT_EVENTS = {
    "APPT_SCHD_DT",
    "BILL_DUE_DT",
    "VPMT_DUE_DT",
    "EQPM_NEXT_MNT_DT",
    "EQPM_WRNTY_END_DT",
}


def test_a_bill_shows_the_payments_posted_by_the_end(pair):
    payments = {}
    for p in pair[0]["PMNT"].values():
        payments.setdefault(p["BILL_ID"], []).append(p)
    paid_later = 0
    for a, b in _changed_after_cut(pair, "BILL", lambda r: r["REC_UPDT_TS"]):
        posted = payments.get(a["BILL_ID"], [])
        assert all(p["PMNT_DT"] <= D1 for p in posted)
        if b["BILL_STS_CD"] == "PAID" and a["BILL_STS_CD"] != "PAID":
            paid_later += 1
            due = float(a["BILL_INSR_CVRD_AMT"]) + float(a["BILL_PATN_RESP_AMT"])
            assert sum(float(p["PMNT_AMT"]) for p in posted) < due
    assert paid_later


def test_vendor_invoices_and_stock_counts_as_of_the_end(pair):
    for a, b in _changed_after_cut(pair, "VPMT", lambda r: r["VPMT_PMNT_DT"] and r["REC_UPDT_TS"]):
        assert b["VPMT_STS_CD"] == "PAID" and a["VPMT_STS_CD"] in ("PEND", "OVRD")
        assert (a["VPMT_PMNT_DT"], float(a["VPMT_PD_AMT"])) == (None, 0.0)
    last_day = [r for r in pair[0]["INVN"].values() if r["INVN_DT"] == D1]
    assert last_day and all(r["INVN_VRFY_STS_CD"] == "PEND" for r in last_day)
    assert all(pair[1]["INVN"][r["INVN_ID"]]["INVN_VRFY_STS_CD"] != "PEND" for r in last_day)


def test_equipment_maintenance_as_of_the_end(pair):
    rows = list(pair[0]["EQPM"].values())
    assert any(r["EQPM_LAST_MNT_DT"] for r in rows)
    for r in rows:
        assert (r["EQPM_LAST_MNT_DT"] or "") <= D1 < (r["EQPM_NEXT_MNT_DT"] or "9")
        assert r["EQPM_PRCH_DT"] <= D1
    moved = _changed_after_cut(pair, "EQPM", lambda r: r["REC_UPDT_TS"])
    assert all((a["EQPM_LAST_MNT_DT"] or "") < b["EQPM_LAST_MNT_DT"] for a, b in moved)


@pytest.mark.parametrize(
    ("start", "end", "simulated_to"),
    [
        ("2023-01-01", "2023-06-30", "2024-12-31"),  # short windows simulate the reference years
        ("2023-01-01", "2024-12-31", "2024-12-31"),  # the default window is exactly epochs 0, 1
        ("2023-01-01", "2025-01-01", "2025-12-31"),  # one day into a third year: three epochs
        ("2024-02-29", "2026-03-01", "2027-02-27"),  # a leap day start: epochs begin on the 28th
    ],
)
def test_whole_epochs_are_simulated(start, end, simulated_to):
    ctx = Context(Options(start=date.fromisoformat(start), end=date.fromisoformat(end)))
    assert str(ctx.end) == simulated_to
    assert str(ctx.cut) == end


# references set by a row's later change, nulled before it (generator/asof.py)
SET_BY_A_CHANGE = {("INVN", "INVN_VRFD_BY_STFF_ID")}


def test_no_row_is_made_a_day_before_a_row_it_references(tmp_path_factory):
    """So that no end date leaves a key dangling: a child row is created on the day of its
    parents or later (within a day the cut, at midnight, cannot fall between them)."""
    folder = _extract(tmp_path_factory.getbasetemp() / "prefix", 2, "2024-12-31", scale=0.3)
    con = duckdb.connect()
    for code in registry.TABLES:
        path = folder / f"ehp_{code.lower()}.csv"
        con.execute(f"create view {code} as select * from read_csv('{path}', all_varchar=true)")
    bad = []
    for code, spec in registry.TABLES.items():
        for col in spec.columns:
            if not col.references or col.deferred or (code, col.name) in SET_BY_A_CHANGE:
                continue
            parent = registry.TABLES[col.references].primary_key
            n = con.execute(
                f"select count(*) from {code} c join {col.references} p"
                f" on c.{col.name} = p.{parent}"
                " where left(c.REC_CRTD_TS, 10) < left(p.REC_CRTD_TS, 10)"
                " and p.REC_CRTD_TS >= '2023-01-01'"
            ).fetchone()[0]
            if n:
                bad.append(f"{code}.{col.name}: {n}")
    assert not bad, bad


def test_parts_of_an_extract_cut_mid_epoch_concatenate_to_the_single_run(tmp_path):
    """The cut is per block, so parts and workers still give the single run's bytes."""
    end = date(2024, 6, 30)
    whole = tmp_path / "whole"
    generate(Options(scale=0.3, seed=4, end=end, out=whole, workers=1))
    parts = [tmp_path / f"part{i}" for i in (1, 2)]
    for i, out in enumerate(parts, start=1):
        generate(Options(scale=0.3, seed=4, end=end, out=out, workers=2, parts=2, part=i))
    for f in sorted(whole.glob("*.csv")):
        assert_same_bytes(
            b"".join((p / f.name).read_bytes() for p in parts), f.read_bytes(), f.name
        )
