"""Patients who move house: real events with their own time (docs/engine.md, "Time").

A registered patient moves at the scenario's ``patient_move_rate`` a year: a Poisson process
over the simulated days after the registration day (so a few move twice), recorded by the
registration desk between 08:00 and 20:00 of the move day, to a new address of the
catchment area (most moves stay within the county: docs/realism.md). Nobody moves on or
after the day they die. A household moves together: a baby born in the hospital lives with
its mother, is registered at her address as of the birth and moves with her afterwards
(same time, same new address); the extract has no other households (docs/data_model.md).

The PATN row shows its state as of the end date (``ctx.cut``, like a bill's status): the
address after the last move by then, the death only once it happened, and ``REC_UPDT_TS``
the time of the row's last change by then (a move or the death). The phone stays: a
patient's number is their own, which a move does not change. No other table keeps a copy
of the address.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from generator.columns import Masked
from generator.core import DAY, Context, to_ts
from generator.people import addresses, at_time

ADDRESS = ("PATN_ADDR_LN1", "PATN_CITY_NM", "PATN_ST_CD", "PATN_ZIP_CD")
NEVER = np.iinfo(np.int64).max  # "alive", in state["patient_death_s"]


def draw(ctx: Context, block: int, registered: np.ndarray) -> dict[str, np.ndarray]:
    """Every move of the block's registered patients (``registered``: their registration
    days), sorted by patient and time: ``owner`` (row), ``at`` (datetime64[s]) and the new
    address (``line``, ``city``, ``state``, ``zip``). Drawn over the whole simulated time,
    from a stream of their own, so no end date changes them."""
    r = ctx.rng("MOVE", block)
    first = np.maximum(np.asarray(registered, "datetime64[D]") + 1, ctx.start)
    span = np.maximum((ctx.end - first).astype(np.int64) + 1, 0)  # days the patient may move
    # a yearly share ``rate`` moving at least once is a Poisson rate of -ln(1 - rate)
    per_day = -np.log1p(-ctx.scenario.patient_move_rate) / 365.25
    owner = np.repeat(np.arange(len(first)), r.poisson(per_day * span))
    day = first[owner] + (r.random(len(owner)) * span[owner]).astype(np.int64).astype(
        "timedelta64[D]"
    )
    at = at_time(r, day, 8, 20)
    new = addresses(r, len(owner))
    order = np.lexsort((at, owner))
    return {"owner": owner[order], "at": at[order], **{k: new[k][order] for k in new}}


def _homes(cols: dict[str, Any], ids: np.ndarray) -> tuple[np.ndarray, int]:
    """Whose moves each row follows (its own, a baby's mother's) and how many rows are
    registered patients (the babies come after them)."""
    mother = cols["PATN_MTHR_PATN_ID"]
    baby = ~np.asarray(mother.null, bool)
    n0 = int((~baby).sum())
    home = np.arange(len(ids))
    if baby.any():
        order = np.argsort(ids[:n0])
        at = np.searchsorted(ids[:n0][order], np.asarray(mother.values)[baby])
        home[baby] = order[np.minimum(at, n0 - 1)]
    return home, n0


def _last_moves(
    mv: dict[str, np.ndarray], home: np.ndarray, created: np.ndarray, limit: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the index of the last move of its home by its creation (-1: none) and of
    the last one after its creation and by ``limit`` (its changes; -1: none)."""
    n = len(home)
    start = np.searchsorted(mv["owner"], home, "left")
    k = np.searchsorted(mv["owner"], home, "right") - start
    row = np.repeat(np.arange(n), k)
    move = np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k) + np.repeat(start, k)
    t = mv["at"][move]
    before = t <= created[row]
    change = ~before & (t <= limit[row])
    last_before = np.full(n, -1, np.int64)
    last_change = np.full(n, -1, np.int64)
    np.maximum.at(last_before, row[before], move[before])  # moves are in time order
    np.maximum.at(last_change, row[change], move[change])
    return last_before, last_change


def _pick(values: np.ndarray, index: np.ndarray, otherwise: np.ndarray) -> np.ndarray:
    """``values[index]`` where ``index`` >= 0, else ``otherwise``."""
    if not len(values):
        return np.asarray(otherwise)
    return np.where(index >= 0, values[np.maximum(index, 0)], otherwise)


def move_block(ctx: Context, block: int, state: dict[str, Any]) -> dict[str, Any]:
    """Pass (c), last step: the block's moves, and PATN as of the end date (address, death,
    REC_UPDT_TS). Needs the deaths and the babies of the block (earlier steps)."""
    cols = state["columns"]["PATN"]
    ids = state["patient_id"]
    home, n0 = _homes(cols, ids)
    mv = draw(ctx, block, state["registered"][:n0])
    death_s = np.asarray(state["patient_death_s"], np.int64)
    died = death_s != NEVER
    # nobody moves on or after the day they die: the last second a move may come
    death_day = to_ts(ctx, np.where(died, death_s, 0) // DAY * DAY)
    alive_at = np.where(died, death_day - np.timedelta64(1, "s"), ctx.end_ts)
    keep = mv["at"] <= alive_at[mv["owner"]]
    mv = {k: v[keep] for k, v in mv.items()}
    created = np.asarray(cols["REC_CRTD_TS"], "datetime64[s]")
    limit = np.minimum(alive_at, ctx.cut_ts)
    last_before, last_change = _last_moves(mv, home, created, limit)
    for name, key in zip(ADDRESS, ("line", "city", "state", "zip"), strict=True):
        at_birth = _pick(mv[key], last_before, cols[name])
        cols[name] = _pick(mv[key], last_change, at_birth)
    # the death, only once it happened by the end date (its time: REC_UPDT_TS until now)
    death_known = died & (np.asarray(cols["REC_UPDT_TS"], "datetime64[s]") <= ctx.cut_ts)
    gone = died & ~death_known
    dth = cols["PATN_DTH_DT"]
    cols["PATN_DTH_DT"] = Masked(dth.values, np.asarray(dth.null, bool) | gone)
    cols["PATN_ACTV_FLG"] = np.where(gone, b"Y", cols["PATN_ACTV_FLG"])
    moved = _pick(mv["at"], last_change, created)
    updated = np.where(death_known, cols["REC_UPDT_TS"], created)
    cols["REC_UPDT_TS"] = np.maximum(updated, moved)
    return cols
