"""The generation engine: it owns the pipeline, in three passes (docs/engine.md).

1. Master data that does not depend on the patients (vendors, allergens, medicines,
   supplies), each table from its own random stream.
2. Pass (a): every block of ``BLOCK_PATIENTS`` patients draws what its patients will ask of
   the hospital (``scheduling.demand``), in parallel, as compact requests. The hospital is
   sized to that demand (``capacity.plan``), then its staff, departments, rooms and
   equipment are built.
3. Pass (b): one hospital-wide, time-ordered pass allocates beds, ED bays and clinic slots
   to every block's requests (``capacity.allocate``) and sums the daily clinical volume.
4. Pass (c): each block writes its rows (``block_steps``), in parallel, written in block
   order, so the files never depend on the number of workers; with ``--parts`` only the
   part's blocks. Then the roll-ups driven by the daily volume (inventory, whose stock
   ledger runs the quarterly reorder reviews, the supply catalog as of the end date, vendor
   invoices).

Random streams are keyed by (seed, table, block). The block size is part of the output's
definition: changing it changes the data.

Time: the history is simulated over whole epochs (years from the start date, at least the
reference ones the hospital is sized from), then every table is cut to the end date
(``asof.cut``): the extract is that history as it stood on the end date.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa

from generator import (
    __version__,
    asof,
    billing,
    capacity,
    changes,
    clinical,
    columns,
    conditions,
    defects,
    facilities,
    moves,
    newborns,
    people,
    pharmacy,
    registry,
    scheduling,
    supply_chain,
)
from generator.core import BLOCK_PATIENTS, PATIENTS_PER_SCALE, Context, Options
from generator.writer import Chunk, Output, prepare

__all__ = ["BLOCK_PATIENTS", "PATIENTS_PER_SCALE", "Context", "Options", "generate"]

Progress = Callable[[str, int], None]


_TABLES = {**registry.TABLES, defects.CODE: defects.LOG}  # the 22 tables and the defect log
MASTER_BEFORE_DEMAND = ("VNDR", "ALGY", "MDCN", "SPLY")
MASTER_AFTER_DEMAND = ("STFF", "DPMT", "ROMS", "EQPM")  # sized to the demand


def master_steps() -> dict[str, Callable[[Context], dict[str, Any]]]:
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
    return [
        ("PTAL", people.allergy_block),
        ("INSR", people.insurance_block),
        ("APPT", scheduling.schedule_block),
        ("VIST", scheduling.visit_block),
        ("DIAG", clinical.diagnosis_block),
        ("TRTM", clinical.treatment_block),
        ("DIAG", newborns.match_delivery),  # Z38: vaginal or cesarean, as the mother's stay
        ("MEDT", clinical.team_block),
        ("TMMD", clinical.dose_block),
        ("INSR", people.close_policies_at_death),
        *billing.BILLING_STEPS,
        ("PATN", moves.move_block),  # moves, and the row as of the end date (address, death)
    ]


def _demand(ctx: Context, block: int, state: dict[str, Any] | None = None) -> dict[str, Any]:
    """Pass (a) for one block: its patients, and what they will ask of the hospital."""
    state = {"columns": {}} if state is None else state
    state["columns"]["PATN"] = people.patient_block(ctx, block, state)
    state["health"] = conditions.health_state(ctx, block, state)  # chronic conditions
    return scheduling.demand(ctx, block, state)


def _capacity(ctx: Context, workers: int) -> None:
    """Pass (a) over every block, the hospital sized to that demand (``ctx.capacity``), its
    staff and rooms built, then pass (b): the shared capacity allocated in time order
    (``ctx.allocation``) and the daily clinical volume it makes (``ctx.volumes``)."""
    demands = list(_in_order(lambda b: _demand(ctx, b), range(ctx.n_blocks), workers))
    codes = scheduling.dept_codes()
    ctx.capacity = capacity.plan(
        demands, ctx.ref_days, len(codes), codes.index("ICU"), codes.index("EMER")
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
    built = {c: columns.build(registry.TABLES[c], cols) for c, cols in state["columns"].items()}
    built = {c: asof.cut(ctx, c, table) for c, table in built.items()}  # as of the end date
    window = (ctx.opts.end, ctx.opts.changes_since)
    if ctx.opts.defects:  # dirty data on purpose, logged in defects.csv (generator/defects.py)
        built = defects.inject_block(ctx.opts.defects, ctx.seed, block, built, window)
    else:
        built = {c: changes.changed(data, window[1]) for c, data in built.items()}
    strict = not ctx.opts.defects  # a dirty column may be text (dates in mixed formats)
    return {c: prepare(_TABLES[c], data, ctx.opts.fmt, strict) for c, data in built.items()}


def _rollups(ctx: Context) -> Iterator[tuple[str, pa.Table]]:
    """Hospital-wide tables driven by the daily clinical volume: inventory, the supply
    catalog as its reorder reviews left it, then invoices."""
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


def _meta(opts: Options, blocks: range) -> dict[str, Any]:
    """What the manifest says about the run (the writer adds the files)."""
    meta = {
        "generator_version": __version__,
        "seed": opts.seed,
        "scale": opts.scale,
        "start_date": opts.start.isoformat(),
        "end_date": opts.end.isoformat(),
        "block_patients": BLOCK_PATIENTS,
        "scenario": dataclasses.asdict(opts.scenario),
        **changes.window(opts.changes_since, opts.end),
    }
    if opts.defects:
        meta["defects"] = opts.defects.describe()
    if opts.parts > 1:
        meta.update(parts=opts.parts, part=opts.part, blocks=[blocks.start, blocks.stop])
    return meta


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
        table = asof.cut(ctx, code, table)  # the simulated history as of the end date
        # a change extract: the changes; with --defects, less the rows not arrived yet
        table, late = defects.in_extract(
            opts.defects, opts.seed, code, table, (opts.end, opts.changes_since)
        )
        if whole:
            output.write(registry.TABLES[code], table)
        if late.num_rows:  # late stock counts a change extract delivers (after the blocks)
            output.append(defects.LOG, prepare(defects.LOG, late, opts.fmt, False))
        if progress:
            progress(code, table.num_rows if whole else 0)

    try:
        later = dict(supply_chain.ROLLUP_STEPS)  # SPLY: as of the end date, after the ledger
        for code, table in _master(ctx, MASTER_BEFORE_DEMAND):
            if code not in later:
                write(code, table)
        _capacity(ctx, opts.workers)
        for code in MASTER_AFTER_DEMAND:
            write(code, ctx.master[code])
        blocks = part_blocks(ctx.n_blocks, opts.parts, opts.part)
        for chunks in _in_order(lambda b: _block(ctx, b), blocks, opts.workers):
            for code, chunk in chunks.items():
                output.append(_TABLES[code], chunk)
                if progress:
                    progress(code, chunk.rows)
        if whole:
            for code, table in _rollups(ctx):
                write(code, table)
        for table in registry.TABLES.values():  # every table has a file, even if empty
            output.sink(table)
        if opts.defects:
            output.sink(defects.LOG)
        return output.commit(_meta(opts, blocks))
    except BaseException:
        output.abort()
        raise
