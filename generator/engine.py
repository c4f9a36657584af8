"""The generation engine: master data, then patient blocks, then whole-hospital roll-ups.

1. Master data (departments, staff, rooms, equipment, vendors, supplies, medicines,
   allergens) is small and generated whole, each table from its own random stream.
2. Patients are simulated in blocks of ``BLOCK_PATIENTS``. A block holds everything that
   belongs to its patients (their allergies, policies and, as the simulation grows, their
   care and bills), drawn from streams keyed by (seed, table, block). Blocks are
   independent, so workers can build them in any order; they are written in block order,
   so the files never depend on the number of workers.
3. Roll-ups that need the whole hospital (daily inventory, vendor invoices) come last.

The block size is part of the output's definition: changing it changes the data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from generator import __version__, columns, registry, rng
from generator.scenario import Scenario
from generator.writer import Chunk, Output, prepare

BLOCK_PATIENTS = 2_000
PATIENTS_PER_SCALE = 10_000

Progress = Callable[[str, int], None]


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


class Context:
    """What every generation step may read: options, dates, scenario, master tables."""

    def __init__(self, opts: Options) -> None:
        self.opts = opts
        self.seed = opts.seed
        self.scale = opts.scale
        self.scenario = opts.scenario
        self.start = np.datetime64(opts.start, "D")
        self.end = np.datetime64(opts.end, "D")
        self.days = int((self.end - self.start).astype(int)) + 1
        self.start_ts = self.start.astype("datetime64[s]")
        # the last second of the window: nothing is stamped after it
        self.end_ts = (self.end + 1).astype("datetime64[s]") - np.timedelta64(1, "s")
        self.n_patients = max(1, round(PATIENTS_PER_SCALE * opts.scale))
        self.n_blocks = -(-self.n_patients // BLOCK_PATIENTS)
        self.master: dict[str, pa.Table] = {}
        # set by the engine between pass (a) and pass (c): the hospital's size (a
        # capacity.Plan) and, per block, what pass (b) allocated to its requests
        self.capacity: Any = None
        self.allocation: list[dict[str, np.ndarray]] = []
        self.volumes: dict[str, np.ndarray] = {}  # daily clinical volume, for the roll-ups
        self._np_cache: dict[tuple[str, str], np.ndarray] = {}

    def rng(self, name: str, block: int = 0) -> np.random.Generator:
        return rng.stream(self.seed, name, block)

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


def audit(ctx: Context, rng_: np.random.Generator, created: np.ndarray) -> dict[str, np.ndarray]:
    """REC_CRTD_TS / REC_UPDT_TS: created at the event, updated later, never after the end."""
    created = np.minimum(np.asarray(created).astype("datetime64[s]"), ctx.end_ts)
    span = (ctx.end_ts - created).astype(np.int64)
    touched = rng_.random(len(created)) < 0.35
    later = (rng_.random(len(created)) * np.minimum(span, 86_400 * 120)).astype(np.int64)
    updated = created + np.where(touched, later, 0).astype("timedelta64[s]")
    return {"REC_CRTD_TS": created, "REC_UPDT_TS": updated}


MASTER_BEFORE_DEMAND = ("VNDR", "ALGY", "MDCN", "SPLY")
MASTER_AFTER_DEMAND = ("STFF", "DPMT", "ROMS", "EQPM")  # sized to the demand


def master_steps() -> dict[str, Callable[[Context], dict[str, Any]]]:
    from generator import facilities, people, pharmacy, supply_chain

    return {
        "VNDR": supply_chain.vendors,
        "ALGY": pharmacy.allergens,
        "MDCN": pharmacy.medicines,
        "SPLY": supply_chain.supplies,
        "STFF": people.staff,
        "DPMT": facilities.departments,
        "ROMS": facilities.rooms,
        "EQPM": facilities.equipment,
    }


def _master(ctx: Context, codes: tuple[str, ...]) -> Iterator[tuple[str, pa.Table]]:
    steps = master_steps()
    for code in codes:
        table = columns.build(registry.TABLES[code], steps[code](ctx))
        ctx.master[code] = table
        yield code, table


Step = Callable[[Context, int, dict[str, Any]], dict[str, Any]]


def block_steps() -> list[tuple[str, Step]]:
    """Pass (c): the steps that write one block of patients, in order. Each returns the
    columns of one table; a step may read what earlier steps left in ``state`` and may amend
    the columns of an earlier table in ``state["columns"]`` (e.g. a death date)."""
    from generator import billing, clinical, people, scheduling

    return [
        ("PTAL", people.allergy_block),
        ("INSR", people.insurance_block),
        ("APPT", scheduling.schedule_block),
        ("VIST", scheduling.visit_block),
        ("DIAG", clinical.diagnosis_block),
        ("TRTM", clinical.treatment_block),
        ("MEDT", clinical.team_block),
        ("TMMD", clinical.dose_block),
        ("INSR", people.close_policies_at_death),
        *billing.BILLING_STEPS,
    ]


def _demand(ctx: Context, block: int, state: dict[str, Any] | None = None) -> dict[str, Any]:
    """Pass (a) for one block: its patients, and what they will ask of the hospital."""
    from generator import people, scheduling

    state = {"columns": {}} if state is None else state
    state["columns"]["PATN"] = people.patient_block(ctx, block, state)
    return scheduling.demand(ctx, block, state)


def _capacity(ctx: Context, workers: int) -> None:
    """Pass (a) over every block, the hospital sized to that demand (``ctx.capacity``), its
    staff and rooms built, then pass (b): the shared capacity allocated in time order
    (``ctx.allocation``) and the daily clinical volume it makes (``ctx.volumes``)."""
    from generator import capacity, facilities, scheduling

    demands = list(_in_order(lambda b: _demand(ctx, b), range(ctx.n_blocks), workers))
    codes = scheduling.dept_codes()
    ctx.capacity = capacity.plan(
        demands, ctx.days, len(codes), codes.index("ICU"), codes.index("EMER")
    )
    for _ in _master(ctx, MASTER_AFTER_DEMAND):
        pass
    ctx.allocation = capacity.allocate(
        demands,
        facilities.bed_inventory(ctx),
        facilities.ed_bays(ctx),
        scheduling.clinic_providers(ctx),
    )
    ctx.volumes = scheduling.daily_volumes(ctx, demands, ctx.allocation)


def _block(ctx: Context, block: int) -> dict[str, Chunk]:
    """Pass (c) for one block: its tables, encoded for the output format (in the worker, so
    encoding runs in parallel too)."""
    state: dict[str, Any] = {"columns": {}}
    _demand(ctx, block, state)  # the same draws as in pass (a): nothing kept in between
    state["allocation"] = ctx.allocation[block]
    for code, step in block_steps():
        state["columns"][code] = step(ctx, block, state)
    chunks = {}
    for code, cols in state["columns"].items():
        table = registry.TABLES[code]
        chunks[code] = prepare(table, columns.build(table, cols), ctx.opts.fmt)
    return chunks


def _rollups(ctx: Context) -> Iterator[tuple[str, pa.Table]]:
    """Hospital-wide tables driven by the daily clinical volume: inventory, then invoices."""
    from generator import supply_chain

    state: dict[str, Any] = {"activity": ctx.volumes}
    for code, step in supply_chain.ROLLUP_STEPS:
        yield code, columns.build(registry.TABLES[code], step(ctx, state))


def _in_order(work: Callable[[int], Any], blocks: range, workers: int) -> Iterator[Any]:
    """``work(block)`` for every block of ``blocks``, yielded in block order; at most
    workers + 1 blocks in flight."""
    if workers <= 1:
        for b in blocks:
            yield work(b)
        return
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        pending: list[Future] = []
        todo = iter(blocks)
        nxt = next(todo, None)
        while nxt is not None or pending:
            while nxt is not None and len(pending) < workers + 1:
                pending.append(pool.submit(work, nxt))
                nxt = next(todo, None)
            yield pending.pop(0).result()
    finally:
        # on an interrupt or error, blocks not yet started are dropped, not computed
        pool.shutdown(wait=True, cancel_futures=True)


def part_blocks(n_blocks: int, parts: int, part: int) -> range:
    """The blocks of part ``part`` of ``parts`` (1-based): contiguous, in order, as even as
    whole blocks allow."""
    return range((part - 1) * n_blocks // parts, part * n_blocks // parts)


def generate(opts: Options, progress: Progress | None = None) -> dict[str, Any]:
    """Generate every table into ``opts.out``; returns the manifest.

    With ``opts.parts`` > 1 only part ``opts.part`` of the patient blocks is written: every
    part runs passes (a) and (b) for the whole hospital, part 1 also writes the hospital-wide
    tables (master data, daily inventory, vendor invoices) and the CSV header, so the parts'
    files concatenated in order are byte for byte the files of a single run."""
    ctx = Context(opts)
    whole = opts.part == 1  # part 1 carries the hospital-wide tables and the headers
    output = Output(Path(opts.out), opts.fmt, header=whole)

    def write(code: str, table: pa.Table) -> None:
        if whole:
            output.write(registry.TABLES[code], table)
        if progress:
            progress(code, table.num_rows if whole else 0)

    try:
        for code, table in _master(ctx, MASTER_BEFORE_DEMAND):
            write(code, table)
        _capacity(ctx, opts.workers)
        for code in MASTER_AFTER_DEMAND:
            write(code, ctx.master[code])
        blocks = part_blocks(ctx.n_blocks, opts.parts, opts.part)
        for chunks in _in_order(lambda b: _block(ctx, b), blocks, opts.workers):
            for code, chunk in chunks.items():
                output.append(registry.TABLES[code], chunk)
                if progress:
                    progress(code, chunk.rows)
        if whole:
            for code, table in _rollups(ctx):
                write(code, table)
        for table in registry.TABLES.values():  # every table has a file, even if empty
            output.sink(table)
        meta = {
            "generator_version": __version__,
            "seed": opts.seed,
            "scale": opts.scale,
            "start_date": opts.start.isoformat(),
            "end_date": opts.end.isoformat(),
            "block_patients": BLOCK_PATIENTS,
            "scenario": dataclasses.asdict(opts.scenario),
        }
        if opts.parts > 1:
            meta.update(parts=opts.parts, part=opts.part, blocks=[blocks.start, blocks.stop])
        return output.commit(meta)
    except BaseException:
        output.abort()
        raise
