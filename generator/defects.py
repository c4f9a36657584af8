"""Dirty data on purpose (``--defects``): realistic defects injected into the clean tables
as they are written, each one recorded in ``defects.csv``, the ground truth a data-quality
layer is scored against (docs/defects.md).

:func:`inject_block` takes one block's finished Arrow tables and returns them dirty, plus
the defect log of that block (table ``DFCT``, written as ``defects.csv``). Every target
(a defect type on a table's column) draws from its own random stream keyed by (seed,
``defect-<type>``, table, column, block), so the defects of a block never depend on other
blocks, on the workers, or on the part a block is written in. Within a table a row gets at
most one defect; rows are chosen independently with the profile's rate per type.

``late_arrival`` is not a change to a value but to when a row reaches the extract
(:func:`hold_back`): whether a row is late, and by how many days, is a hash of (seed, table,
primary key), so every extract, full or of changes, agrees on the day each row arrives.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator import changes, rng
from generator.registry import Column, Table

CODE = "DFCT"
TYPES = (
    "duplicate_patient",
    "text_noise",
    "mixed_date_format",
    "invalid_code",
    "orphan_key",
    "missing_value",
    "resent_row",
    "unit_mixup",
    "wrong_sign",
    "time_zone",
    "late_arrival",
)
LATE = "late_arrival"
RATE_MAX = 0.2  # a fifth of the eligible rows: every target of a table fits in its rows
REALISTIC = {
    "duplicate_patient": 0.02,
    "text_noise": 0.02,
    "mixed_date_format": 0.03,
    "invalid_code": 0.005,
    "orphan_key": 0.005,
    "missing_value": 0.01,
    "resent_row": 0.01,
    "unit_mixup": 0.01,
    "wrong_sign": 0.005,
    "time_zone": 0.02,
    "late_arrival": 0.02,
}
PROFILES: dict[str, dict[str, float]] = {
    "none": {},
    "light": {t: r / 5 for t, r in REALISTIC.items()},
    "realistic": dict(REALISTIC),
    "heavy": {t: min(RATE_MAX, r * 4) for t, r in REALISTIC.items()},
}
# (table, defect type, column), in the order they are applied; the dbt data-quality layer
# (macros/dq_rules.sql) checks the same columns
TARGETS: tuple[tuple[str, str, str | None], ...] = (
    ("PATN", "duplicate_patient", None),
    ("PATN", "text_noise", "PATN_MRTL_STS_CD"),
    ("APPT", "text_noise", "APPT_TYP_CD"),
    ("APPT", "time_zone", "APPT_CHKIN_TS"),
    ("PMNT", "mixed_date_format", "PMNT_DT"),
    ("PMNT", "wrong_sign", "PMNT_AMT"),
    ("PMNT", "resent_row", None),
    ("MEDT", "invalid_code", "MEDT_ROLE_CD"),
    ("MEDT", "orphan_key", "VIST_ID"),
    ("MEDT", "missing_value", "STFF_ID"),
    ("MEDT", "resent_row", None),
    ("PTAL", "invalid_code", "PTAL_RCTN_CD"),
    ("PTAL", "orphan_key", "PATN_ID"),
    ("PTAL", "missing_value", "PTAL_SVRTY_CD"),
    ("TMMD", "unit_mixup", "TMMD_DOSE_QTY"),
)
# late_arrival: rows other systems post to the ERP in batches (bill lines from charge
# capture, payments from the bank, doses charted from the ward, the evening stock counts);
# nothing in the extract points at a payment or a stock count, and a late dose or bill line
# is a row whose children (a dose's bill line) can arrive before it (docs/defects.md)
LATE_TABLES = ("TMMD", "MDBL", "PMNT", "INVN")
LATE_DELAYS = np.array([1, 2, 3])  # days after it was due; the feed's default lookback is 3
LATE_SHARES = np.array([0.5, 0.3, 0.2])
TIME_ZONE_SHIFT = 5 * 3_600  # seconds: stamped in UTC instead of US Eastern standard
DATE_FORMATS = ("%m/%d/%Y", "%d.%m.%Y", "%Y%m%d")
INVALID_CODES = ("UNK", "XX", "N/A", "99")


class _LogTable(Table):
    @property
    def file_stem(self) -> str:
        return "defects"


def _text(name: str, description: str, nullable: bool = False) -> Column:
    return Column(name, "str", description, nullable=nullable)


LOG = _LogTable(
    CODE,
    "defects",
    "One row per injected defect.",
    (
        _text("table_code", "Table the defect is in (PATN, PMNT...)"),
        _text("primary_key", "Primary key of the dirty row"),
        _text("column_name", "Column changed (empty for a whole re-sent row)", True),
        _text("defect_type", "Defect type (docs/defects.md)"),
        _text("clean_value", "The value before the defect", True),
        _text("dirty_value", "The value written", True),
        _text("original_key", "Duplicates: the key of the original record", True),
    ),
)


@dataclass(frozen=True)
class Profile:
    """A named set of rates, one per defect type (types not named have rate 0)."""

    name: str
    rates: tuple[tuple[str, float], ...]

    def rate(self, kind: str) -> float:
        return dict(self.rates).get(kind, 0.0)

    def describe(self) -> dict:
        return {"profile": self.name, "rates": dict(self.rates)}


def profile(text: str) -> Profile | None:
    """``--defects``: a profile name or a JSON file of rates; None for ``none``.
    ValueError with the one-line reason for anything else."""
    if text in PROFILES:
        return None if text == "none" else Profile(text, tuple(sorted(PROFILES[text].items())))
    if not text.endswith(".json"):
        raise ValueError(
            f"--defects must be one of {', '.join(PROFILES)} or a .json file of rates, got {text!r}"
        )
    try:
        raw = json.loads(Path(text).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"--defects {text!r} cannot be read: {exc.strerror}") from None
    except ValueError as exc:
        raise ValueError(f"--defects {text!r} is not valid JSON: {exc}") from None
    return Profile(Path(text).name, tuple(sorted(_checked_rates(text, raw).items())))


def _checked_rates(text: str, raw: object) -> dict[str, float]:
    if not isinstance(raw, dict) or not raw:
        raise ValueError(f"--defects {text!r} must hold a JSON object of defect types to rates")
    for kind, value in raw.items():
        if kind not in TYPES:
            raise ValueError(
                f"--defects {text!r}: unknown defect type {kind!r} (known: {', '.join(TYPES)})"
            )
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not (ok and math.isfinite(value) and 0 <= value <= RATE_MAX):
            raise ValueError(
                f"--defects {text!r}: {kind} must be a rate from 0 to {RATE_MAX:g}, got {value!r}"
            )
    return {k: float(v) for k, v in raw.items()}


# --- one block ------------------------------------------------------------------------


def inject_block(
    chosen: Profile,
    seed: int,
    block: int,
    tables: dict[str, pa.Table],
    window: tuple[date, date | None],
) -> dict[str, pa.Table]:
    """The block's tables with their defects, plus ``DFCT``: the log of what was done.
    ``window`` is the extract's (end date, changes since): the late rows are held back
    first; a change extract then keeps its window's rows and takes no other defect."""
    out = dict(tables)
    logs = []
    for code in tables:
        out[code], log = in_extract(chosen, seed, code, out[code], window)
        if log.num_rows:  # (an empty table here has no buffers: the CSV encoder trips)
            logs.append(log)
        targets = [(kind, col) for t, kind, col in TARGETS if t == code and chosen.rate(kind)]
        if not targets or window[1] is not None:
            continue
        taken = np.zeros(out[code].num_rows, dtype=bool)
        for kind, col in targets:
            r = rng.stream(seed, f"defect-{kind}/{code}/{col or '*'}", block)
            out[code], taken, log = _apply(out[code], taken, code, kind, col, chosen.rate(kind), r)
            logs.append(log)
    out[CODE] = pa.concat_tables(logs) if logs else LOG.schema.empty_table()
    return out


# --- late-arriving rows ----------------------------------------------------------------


def in_extract(
    chosen: Profile | None, seed: int, code: str, data: pa.Table, window: tuple[date, date | None]
) -> tuple[pa.Table, pa.Table]:
    """The rows of ``data`` (as of the end date) that reach the extract of ``window``, and
    the log of the late rows it delivers.

    A full extract as of D holds the rows that arrived by D. A change extract of (C, D]
    holds those changed in the window and those that arrived in it; it logs each late row
    it delivers that was due by C (one due within the window is on time for this file):
    clean value the day it was due, dirty value the day it arrives."""
    end, since = window
    rate = chosen.rate(LATE) if chosen is not None and code in LATE_TABLES else 0.0
    if not rate or not data.num_rows:
        return changes.changed(data, since), LOG.schema.empty_table()
    due, arrives = arrival_days(seed, code, data, rate)
    present = arrives <= _day_number(end)
    data, due, arrives = data.filter(pa.array(present)), due[present], arrives[present]
    if since is None:
        return data, LOG.schema.empty_table()
    after = arrives > _day_number(since)
    late = np.flatnonzero(after & (due <= _day_number(since)))
    log = _log(
        code,
        data.column(_key(data)).take(pa.array(late)),
        None,
        LATE,
        _iso_days(due[late]),
        _iso_days(arrives[late]),
    )
    return changes.changed(data, since, also=after), log


def arrival_days(seed: int, code: str, data: pa.Table, rate: float) -> tuple[np.ndarray, ...]:
    """Per row, the day it was due (its creation day) and the day it reaches the extract,
    as days since 1970-01-01: a share ``rate`` of the rows arrive 1 to 3 days late."""
    due = pc.cast(data.column("REC_CRTD_TS"), pa.date32()).to_numpy(zero_copy_only=False)
    due = due.astype("datetime64[D]").astype(np.int64)
    h = _key_hash(seed, code, data.column(_key(data)))
    late = _unit(h) < rate
    pick = np.searchsorted(np.cumsum(LATE_SHARES), _unit(_mix(h ^ _GOLDEN)), side="right")
    delay = LATE_DELAYS[np.minimum(pick, len(LATE_DELAYS) - 1)]
    return due, np.where(late, due + delay, due)


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_FNV_PRIME = np.uint64(0x100000001B3)


def _key_hash(seed: int, code: str, keys: pa.ChunkedArray) -> np.ndarray:
    """A 64-bit hash of each key, keyed by (seed, table): FNV-1a over the key's bytes,
    one byte position at a time for every row at once, then mixed."""
    raw = keys.to_numpy().astype("S")
    width = raw.dtype.itemsize
    octets = raw.view(np.uint8).reshape(len(raw), width)
    h = np.full(len(raw), rng.stream(seed, f"defect-{LATE}/{code}").integers(2**63), np.uint64)
    for i in range(width):  # a loop over the key's bytes (about a dozen), not over rows
        h = (h ^ octets[:, i].astype(np.uint64)) * _FNV_PRIME
    return _mix(h)


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every bit of the input moves every bit of the output."""
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def _unit(h: np.ndarray) -> np.ndarray:
    """A uniform number in [0, 1) from the hash's top 53 bits."""
    return (h >> np.uint64(11)).astype(np.float64) / float(2**53)


def _day_number(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def _iso_days(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype("datetime64[D]")).cast(pa.string())


def _apply(data, taken, code, kind, col, rate, r):
    """One target on one table: the rows chosen, changed, and logged."""
    eligible = ELIGIBLE.get(kind, _not_null)(data, col) & ~taken
    rows = np.flatnonzero(eligible & (r.random(data.num_rows) < rate))
    if kind in INSERTERS:
        return INSERTERS[kind](data, taken, code, rows, r)
    column = data.column(col).combine_chunks()
    dirty, clean_text, dirty_text = CHANGERS[kind](column, rows, r)
    data = data.set_column(data.schema.get_field_index(col), col, dirty)
    taken = taken.copy()
    taken[rows] = True
    keys = data.column(_key(data)).take(rows)
    return data, taken, _log(code, keys, col, kind, clean_text, dirty_text)


def _key(data: pa.Table) -> str:
    return data.schema.names[0]  # every table's first column is its primary key


def _log(code, keys, col, kind, clean, dirty, original=None) -> pa.Table:
    n = len(keys)
    return pa.Table.from_arrays(
        [
            pa.array([code] * n, pa.string()),
            keys,
            pa.array([col] * n, pa.string()),
            pa.array([kind] * n, pa.string()),
            clean.cast(pa.string()),
            dirty.cast(pa.string()),
            original if original is not None else pa.nulls(n, pa.string()),
        ],
        schema=LOG.schema,
    )


# --- which rows can take a defect ------------------------------------------------------


def _not_null(data: pa.Table, col: str | None) -> np.ndarray:
    if col is None:
        return np.ones(data.num_rows, dtype=bool)
    return pc.is_valid(data.column(col)).to_numpy(zero_copy_only=False)


def _whole_milligrams(data: pa.Table, col: str) -> np.ndarray:
    """Doses in MG that are whole milligrams: in grams they keep their three decimals."""
    qty = data.column(col)
    unit = data.column("TMMD_DOSE_UNIT_CD")
    amount = pc.cast(qty, pa.float64())
    whole = pc.and_(pc.equal(pc.floor(amount), amount), pc.greater_equal(amount, 1))
    return pc.and_(pc.equal(unit, "MG"), whole).to_numpy(zero_copy_only=False)


ELIGIBLE = {"unit_mixup": _whole_milligrams}


# --- changes to one column ------------------------------------------------------------


def _replace(column: pa.Array, rows: np.ndarray, values: pa.Array) -> pa.Array:
    """``column`` with ``values[i]`` at row ``rows[i]``."""
    if not len(rows):
        return column
    mask = np.zeros(len(column), dtype=bool)
    mask[rows] = True
    spread = np.zeros(len(column), dtype=np.int64)
    spread[rows] = np.arange(len(rows))
    return pc.if_else(pa.array(mask), values.take(pa.array(spread)), column)


def _text_noise(column, rows, r):
    """Codes in lower case, or with stray spaces around them."""
    clean = column.take(rows)
    lower = pc.utf8_lower(clean)
    variants = [
        lower,
        pc.binary_join_element_wise(lower, " ", ""),
        pc.binary_join_element_wise(" ", clean, ""),
    ]
    pick = r.integers(0, len(variants), len(rows))
    dirty = variants[0]
    for i in range(1, len(variants)):
        dirty = pc.if_else(pa.array(pick == i), variants[i], dirty)
    return _replace(column, rows, dirty), clean, dirty


def _mixed_date(column, rows, r):
    """Dates as text: ISO for clean rows, another format for the dirty ones."""
    stamps = column.cast(pa.timestamp("s"))
    text = pc.strftime(stamps, "%Y-%m-%d")
    clean = text.take(rows)
    pick = r.integers(0, len(DATE_FORMATS), len(rows))
    chosen = stamps.take(rows)
    dirty = pc.strftime(chosen, DATE_FORMATS[0])
    for i, fmt in enumerate(DATE_FORMATS[1:], start=1):
        dirty = pc.if_else(pa.array(pick == i), pc.strftime(chosen, fmt), dirty)
    return _replace(text, rows, dirty), clean, dirty


def _invalid_code(column, rows, r):
    clean = column.take(rows)
    dirty = pa.array(np.asarray(INVALID_CODES)[r.integers(0, len(INVALID_CODES), len(rows))])
    return _replace(column, rows, dirty.cast(pa.string())), clean, dirty


def _orphan_key(column, rows, r):
    """A key with one digit too many: it can never belong to a row."""
    clean = column.take(rows)
    dirty = pc.binary_join_element_wise(clean, "0", "")
    return _replace(column, rows, dirty), clean, dirty


def _missing(column, rows, r):
    clean = column.take(rows)
    dirty = pa.nulls(len(rows), column.type)
    return _replace(column, rows, dirty), clean, dirty


def _wrong_sign(column, rows, r):
    clean = column.take(rows)
    dirty = pc.negate(clean)
    return _replace(column, rows, dirty), clean, dirty


def _time_zone(column, rows, r):
    clean = column.take(rows)
    dirty = pc.add(clean, pa.scalar(TIME_ZONE_SHIFT, pa.duration("s")))
    return _replace(column, rows, dirty), clean, dirty


CHANGERS = {
    "text_noise": _text_noise,
    "mixed_date_format": _mixed_date,
    "invalid_code": _invalid_code,
    "orphan_key": _orphan_key,
    "missing_value": _missing,
    "wrong_sign": _wrong_sign,
    "time_zone": _time_zone,
}


# --- changes to two columns: a dose in grams -------------------------------------------


def _unit_mixup(data, taken, code, rows, r):
    """A dose in MG written in grams: the quantity divided by 1,000, the unit ``G``."""
    qty = data.column("TMMD_DOSE_QTY").combine_chunks()
    unit = data.column("TMMD_DOSE_UNIT_CD").combine_chunks()
    mg = pc.cast(qty.take(rows), pa.int64()).to_numpy(zero_copy_only=False)
    grams = pa.array([f"{m // 1000}.{m % 1000:03d}" for m in mg], pa.string()).cast(qty.type)
    data = data.set_column(
        data.schema.get_field_index("TMMD_DOSE_QTY"), "TMMD_DOSE_QTY", _replace(qty, rows, grams)
    )
    g = pa.array(["G"] * len(rows), pa.string())
    data = data.set_column(
        data.schema.get_field_index("TMMD_DOSE_UNIT_CD"),
        "TMMD_DOSE_UNIT_CD",
        _replace(unit, rows, g),
    )
    clean = pc.binary_join_element_wise(qty.take(rows).cast(pa.string()), unit.take(rows), " ")
    dirty = pc.binary_join_element_wise(grams.cast(pa.string()), g, " ")
    taken = taken.copy()
    taken[rows] = True
    keys = data.column(_key(data)).take(rows)
    return data, taken, _log(code, keys, "TMMD_DOSE_QTY", "unit_mixup", clean, dirty)


# --- new rows: re-sent rows and duplicate registrations --------------------------------


def _insert_after(data: pa.Table, rows: np.ndarray, extra: pa.Table) -> pa.Table:
    """``data`` with ``extra[i]`` placed right after row ``rows[i]``."""
    order = np.concatenate([np.arange(data.num_rows) * 2, rows * 2 + 1])
    both = pa.concat_tables([data, extra.cast(data.schema)])
    return both.take(pa.array(np.argsort(order, kind="stable")))


def _taken_after(taken: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The taken mask of the table with a new row after each of ``rows`` (taken too)."""
    grown = np.insert(taken, rows + 1, True)
    grown[rows + np.arange(len(rows))] = True
    return grown


def _resent(data, taken, code, rows, r):
    """The same row sent twice (an extract batch re-sent): an exact copy after it."""
    copy = data.take(pa.array(rows, pa.int64()))
    keys = copy.column(_key(data)).combine_chunks()
    nothing = pa.nulls(len(rows), pa.string())
    log = _log(code, keys, None, "resent_row", nothing, nothing, original=keys)
    return _insert_after(data, rows, copy), _taken_after(taken, rows), log


def _typo(name: str, at: int) -> str:
    """Two neighbouring letters swapped, or one dropped where the swap changes nothing."""
    i = 1 + at % max(1, len(name) - 2)
    if i + 1 >= len(name):
        return name + name[-1]
    swapped = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return swapped if swapped != name else name[:i] + name[i + 1 :]


def _drift(first, last, birth, kind, at):
    """One duplicate registration's drifted demographics: (column, clean, dirty, values)."""
    if kind == 2 and birth.day <= 12 and birth.day != birth.month:
        moved = birth.replace(month=birth.day, day=birth.month)
        return "PATN_BRTH_DT", birth.isoformat(), moved.isoformat(), (first, last, moved)
    if kind == 1:
        both = f"{first} {last}"
        return "PATN_FRST_NM+PATN_LAST_NM", both, f"{last} {first}", (last, first, birth)
    typo = _typo(last, at)
    return "PATN_LAST_NM", last, typo, (first, typo, birth)


def _duplicate_patient(data, taken, code, rows, r):
    """The same patient registered twice: a new key and MRN, one demographic drifted."""
    copy = data.take(pa.array(rows, pa.int64())).to_pydict()
    kinds, ats = r.integers(0, 3, len(rows)), r.integers(0, 1_000, len(rows))
    drift = [
        _drift(f, la, b, int(k), int(a))
        for f, la, b, k, a in zip(
            copy["PATN_FRST_NM"],
            copy["PATN_LAST_NM"],
            copy["PATN_BRTH_DT"],
            kinds,
            ats,
            strict=True,
        )
    ]
    original = pa.array(copy["PATN_ID"], pa.string())
    copy["PATN_ID"] = [k + "D" for k in copy["PATN_ID"]]
    copy["PATN_MRN"] = [m + "D" for m in copy["PATN_MRN"]]
    for name, i in (("PATN_FRST_NM", 0), ("PATN_LAST_NM", 1), ("PATN_BRTH_DT", 2)):
        copy[name] = [d[3][i] for d in drift]
    extra = pa.Table.from_pydict(copy, schema=data.schema)
    log = pa.Table.from_arrays(
        [
            pa.array([code] * len(rows), pa.string()),
            pa.array(copy["PATN_ID"], pa.string()),
            pa.array([d[0] for d in drift], pa.string()),
            pa.array(["duplicate_patient"] * len(rows), pa.string()),
            pa.array([d[1] for d in drift], pa.string()),
            pa.array([d[2] for d in drift], pa.string()),
            original,
        ],
        schema=LOG.schema,
    )
    return _insert_after(data, rows, extra), _taken_after(taken, rows), log


INSERTERS = {
    "unit_mixup": _unit_mixup,
    "resent_row": _resent,
    "duplicate_patient": _duplicate_patient,
}
