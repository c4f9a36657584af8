"""What every step of the generator may import, and that imports none of them: the run's
options, the context a step reads (dates, scenario, master tables, random streams), the
audit columns, time and key helpers, the departments and the staff as arrays.

Domain modules (people, facilities, pharmacy, scheduling, capacity, clinical, billing,
supply_chain) import this module; the engine imports them; nothing here imports either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from generator import reference, registry, rng
from generator.columns import keys
from generator.scenario import Scenario

BLOCK_PATIENTS = 2_000
PATIENTS_PER_SCALE = 10_000

DAY = 86_400
HOUR = 3_600
# Row keys: block * KEY_STRIDE + row, permuted over KEY_WIDTH digits (unique while
# n_blocks * KEY_STRIDE <= 10**KEY_WIDTH, i.e. up to 1,000 blocks = scale 200).
KEY_STRIDE = 10_000_000
KEY_WIDTH = 10
PROVIDER_ROLES = (b"PHYS", b"SURG", b"NP", b"PA")
NO_TERM = 10**7  # "never terminated", in days
# Time is simulated in whole epochs, years counted from the start date (docs/engine.md,
# "Time"): at least the REFERENCE_EPOCHS the hospital is sized from, whatever the end date
REFERENCE_EPOCHS = 2
MAX_EPOCHS = 11  # the CLI refuses windows over ten years

# visit type codes, in this order everywhere in the simulation
OUTP, INPT, EMER, OBSV, TELE = range(5)
VISIT_TYPES = np.array([b"OUTP", b"INPT", b"EMER", b"OBSV", b"TELE"])


@dataclass(frozen=True)
class Options:
    scale: float = 0.1
    seed: int = 42
    start: date = date(2023, 1, 1)
    end: date = date(2024, 12, 31)
    out: Path = Path("seeds/ehp")
    fmt: str = "csv"
    workers: int = 1
    scenario: Scenario = field(default_factory=Scenario)
    parts: int = 1  # split the patient blocks into this many parts...
    part: int = 1  # ...and write this one (1-based)
    defects: Any = None  # a defects.Profile: dirty data on purpose (None: clean)
    # a change extract: only the rows created or changed after this day (None: every row)
    changes_since: date | None = None


class Context:
    """What every generation step may read: options, dates, scenario, master tables."""

    def __init__(self, opts: Options) -> None:
        self.opts = opts
        self.seed = opts.seed
        self.scale = opts.scale
        self.scenario = opts.scenario
        self.start = np.datetime64(opts.start, "D")
        # the simulated time: whole epochs, at least the reference ones; the extract is that
        # history as it stood on the end date, the cut (generator/asof.py)
        self.epochs = max(REFERENCE_EPOCHS, epochs_covering(opts.start, opts.end))
        self.end = np.datetime64(epoch_start(opts.start, self.epochs), "D") - 1
        # the first day of every epoch (days from the start), one past the simulated ones
        # included: pass (a) draws each epoch's events from the epoch's own streams
        self.epoch_days = np.array(
            [epoch_day(opts.start, e) for e in range(self.epochs + 2)], dtype=np.int64
        )
        self.ref_days = epoch_day(opts.start, REFERENCE_EPOCHS)  # the reference epochs' days
        self.days = int((self.end - self.start).astype(int)) + 1
        self.start_ts = self.start.astype("datetime64[s]")
        # the last simulated second: nothing is stamped after it
        self.end_ts = (self.end + 1).astype("datetime64[s]") - np.timedelta64(1, "s")
        self.cut = np.datetime64(opts.end, "D")
        self.cut_ts = (self.cut + 1).astype("datetime64[s]") - np.timedelta64(1, "s")
        self.n_patients = max(1, round(PATIENTS_PER_SCALE * opts.scale))
        self.n_blocks = -(-self.n_patients // BLOCK_PATIENTS)
        self.master: dict[str, pa.Table] = {}
        # set by the engine between pass (a) and pass (c): the hospital's size (a
        # capacity.Plan) and, per block, what pass (b) allocated to its requests
        self.capacity: Any = None
        self.allocation: list[dict[str, np.ndarray]] = []
        self.volumes: dict[str, np.ndarray] = {}  # daily clinical volume, for the roll-ups
        # per STFF row, the planned post it holds (set with STFF: people.staff)
        self.staff_post: np.ndarray = np.zeros(0, np.int64)
        self._np_cache: dict[tuple[str, str], np.ndarray] = {}

    def rng(self, name: str, block: int = 0) -> np.random.Generator:
        return rng.stream(self.seed, name, block)

    def epoch_rng(self, name: str, block: int, *epochs: int) -> np.random.Generator:
        """The stream of ``name`` for one block and one epoch (or one pair of epochs, e.g.
        the epoch of an event and the cohort of its patient): the same whatever the run's
        length, so the draws of the first epochs never depend on the later ones."""
        return rng.stream(self.seed, "@".join([name, *map(str, epochs)]), block)

    def col(self, code: str, name: str) -> np.ndarray:
        """A master table's column as NumPy (strings as bytes, dates as datetime64)."""
        key = (code, name)
        if key not in self._np_cache:
            arr = self.master[code].column(name)
            c = registry.TABLES[code].column(name)
            if c.type in ("str", "flag"):
                out = np.array(arr.fill_null("").to_pylist(), dtype="S")
            elif c.type == "date":
                out = arr.to_numpy(zero_copy_only=False).astype("datetime64[D]")
            elif c.type == "ts":
                out = arr.to_numpy(zero_copy_only=False).astype("datetime64[s]")
            elif c.type in ("money", "qty"):  # integer cents / thousandths, as generated
                factor = 100 if c.type == "money" else 1000
                out = np.round(arr.cast(pa.float64()).to_numpy(zero_copy_only=False) * factor)
                out = out.astype(np.int64)
            else:
                out = arr.to_numpy(zero_copy_only=False)
            self._np_cache[key] = out
        return self._np_cache[key]

    def block_range(self, block: int) -> tuple[int, int]:
        lo = block * BLOCK_PATIENTS
        return lo, min(self.n_patients, lo + BLOCK_PATIENTS)


def epoch_start(start: date, epoch: int) -> date:
    """The first day of ``epoch``: ``start`` plus that many years (29 February: the 28th)."""
    try:
        return start.replace(year=start.year + epoch)
    except ValueError:
        return start.replace(year=start.year + epoch, day=28)


def epoch_day(start: date, epoch: int) -> int:
    """The first day of ``epoch`` as days from ``start``."""
    return (epoch_start(start, epoch) - start).days


def epochs_covering(start: date, end: date) -> int:
    """How many epochs from ``start`` it takes to reach ``end`` (inclusive)."""
    n = 1
    while epoch_start(start, n) <= end:
        n += 1
    return n


def audit(
    ctx: Context, created: np.ndarray, updated: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """REC_CRTD_TS / REC_UPDT_TS: created at the event that made the row; updated at the
    row's last real change (``updated``: a discharge, a payment, a termination...), the
    creation when it never changed. Never a random touch."""
    created = np.asarray(created).astype("datetime64[s]")
    updated = created if updated is None else np.asarray(updated).astype("datetime64[s]")
    created = np.minimum(created, ctx.end_ts)
    updated = np.minimum(np.maximum(updated, created), ctx.end_ts)
    return {"REC_CRTD_TS": created, "REC_UPDT_TS": updated}


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Whole counts in proportion to ``weights`` that add up to ``total`` (the largest
    remainders, then the lowest index, get the units left over); zeros when the weights are."""
    weights = np.asarray(weights, dtype=np.float64)
    if weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(np.int64)
    order = np.lexsort((np.arange(len(weights)), -(exact - counts)))
    counts[order[: total - int(counts.sum())]] += 1
    return counts


# ----------------------------------------------------------------------------- time


def weekday(day: np.ndarray, ctx: Context) -> np.ndarray:
    """Monday = 0 .. Sunday = 6 of day offsets from the window's start."""
    epoch = (ctx.start - np.datetime64("1970-01-01", "D")).astype(np.int64)
    return (np.asarray(day, dtype=np.int64) + epoch + 3) % 7


def day_of_year(day: np.ndarray, ctx: Context) -> np.ndarray:
    d = ctx.start + np.asarray(day, dtype=np.int64).astype("timedelta64[D]")
    return (d - d.astype("datetime64[Y]")).astype(np.int64)


def to_ts(ctx: Context, secs: np.ndarray) -> np.ndarray:
    return ctx.start_ts + np.asarray(secs, dtype=np.int64).astype("timedelta64[s]")


def closing_time(day: np.ndarray) -> np.ndarray:
    """17:00 on each day: when an office change (a policy ended, a leaver) is recorded."""
    return np.asarray(day).astype("datetime64[D]").astype("datetime64[s]") + np.timedelta64(
        17 * HOUR, "s"
    )


def to_date(ctx: Context, secs: np.ndarray) -> np.ndarray:
    return ctx.start + (np.asarray(secs, dtype=np.int64) // DAY).astype("timedelta64[D]")


def row_keys(prefix: str, block: int, n: int, salt: int) -> np.ndarray:
    if n > KEY_STRIDE:
        raise ValueError(f"{prefix}: {n} rows in one block, more than the key stride allows")
    return keys(prefix, block * KEY_STRIDE + np.arange(n), KEY_WIDTH, salt)


def check_key_space(ctx: Context) -> None:
    if ctx.n_blocks * KEY_STRIDE > 10**KEY_WIDTH:
        raise ValueError("scale too large for the clinical key space (at most 1,000 blocks)")


# ----------------------------------------------------------------------------- staff


def to_weekday(day: np.ndarray, ctx: Context) -> np.ndarray:
    wd = weekday(day, ctx)
    return day + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))


# ----------------------------------------------------------------------------- departments


@reference.shared
def department_ids() -> np.ndarray:
    """DPMT_ID of every department, in the order of reference/departments.csv."""
    return keys("DP", np.arange(len(reference.rows("departments"))), 4, salt=1)


@cache
def dept_codes() -> tuple[str, ...]:
    return tuple(reference.column("departments", "code").astype(str))


def dept_index(code: str) -> int:
    return dept_codes().index(code)


def dept_weights(table: dict[str, float]) -> np.ndarray:
    w = np.zeros(len(dept_codes()))
    for k, v in table.items():
        w[dept_index(k)] = v
    return w


# ----------------------------------------------------------------------------- staff


@dataclass(frozen=True)
class StaffIndex:
    """Staff as arrays: department index, role, employment days (from the window's start)."""

    ids: np.ndarray
    role: np.ndarray
    dept: np.ndarray
    hire: np.ndarray
    term: np.ndarray

    def pick(
        self,
        r: np.random.Generator,
        lo: np.ndarray,
        hi: np.ndarray,
        roles: tuple[bytes, ...],
        dept: np.ndarray | None = None,
    ) -> np.ndarray:
        """For each row, the index of a staff member of ``roles`` (of department ``dept`` when
        given, -1 = any) employed on every day of [lo, hi]. Random candidates in a few
        vectorized rounds; then the group's anchors, employed throughout the window."""
        lo = np.asarray(lo, dtype=np.int64)
        hi = np.asarray(hi, dtype=np.int64)
        n = len(lo)
        out = np.full(n, -1, dtype=np.int64)
        role_ok = np.isin(self.role, roles)
        dept = np.full(n, -1, dtype=np.int64) if dept is None else np.asarray(dept, np.int64)
        for d in np.unique(dept):
            rows = np.flatnonzero(dept == d)
            pool = np.flatnonzero(role_ok & (self.dept == d)) if d >= 0 else np.array([], int)
            if not len(pool):
                pool = np.flatnonzero(role_ok)
            res = np.full(len(rows), -1, dtype=np.int64)
            for _ in range(8):
                todo = np.flatnonzero(res < 0)
                if not len(todo):
                    break
                cand = pool[r.integers(0, len(pool), len(todo))]
                ok = (self.hire[cand] <= lo[rows[todo]]) & (self.term[cand] >= hi[rows[todo]])
                res[todo[ok]] = cand[ok]
            todo = np.flatnonzero(res < 0)
            if len(todo):
                always = pool[(self.hire[pool] <= 0) & (self.term[pool] >= NO_TERM)]
                if not len(always):
                    always = np.flatnonzero(role_ok & (self.hire <= 0) & (self.term >= NO_TERM))
                res[todo] = always[r.integers(0, len(always), len(todo))]
            out[rows] = res
        return out


def staff_index(ctx: Context) -> StaffIndex:
    cached = getattr(ctx, "_clinical_staff", None)
    if cached is not None:
        return cached
    dept_pos = {d: i for i, d in enumerate(department_ids())}
    term_null = ctx.master["STFF"].column("STFF_TERM_DT").is_null().to_numpy(zero_copy_only=False)
    term = (ctx.col("STFF", "STFF_TERM_DT") - ctx.start).astype(np.int64)
    idx = StaffIndex(
        ids=ctx.col("STFF", "STFF_ID"),
        role=ctx.col("STFF", "STFF_ROLE_CD"),
        dept=np.array([dept_pos[d] for d in ctx.col("STFF", "DPMT_ID")], dtype=np.int64),
        hire=(ctx.col("STFF", "STFF_HIRE_DT") - ctx.start).astype(np.int64),
        term=np.where(term_null, NO_TERM, term),
    )
    ctx._clinical_staff = idx  # type: ignore[attr-defined]
    return idx
