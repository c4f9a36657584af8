"""Pass (b): the capacity the whole hospital shares, sized to the work and allocated in time order.

The patient blocks of pass (a) only say what their patients *want*: a bed from an admit time
to a discharge time, an ED bay while they are seen, a clinic appointment on or after a day.
This module

1. sizes the hospital to that demand (``plan``): general and ICU beds for the target
   occupancy, ED bays for the target visits per bay-year, clinic providers and their
   sessions for the target completed visits per clinic day, nurses for the target ratios;
2. allocates what the hospital shares, over every block at once and in time order, so that
   any patient can get any free bed of the right kind (``allocate``): beds (a patient with
   no free bed boards in the ED until one frees up, or is transferred out), ED bays (a
   patient with no free bay waits in a hallway: no room), and clinic slots (an appointment
   goes to the first session with a free slot on or after the wanted day).

Everything here is deterministic: requests are ordered by time, then by block and row, so
the result does not depend on how many workers drew the blocks.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from generator.core import largest_remainder

DAY = 86_400
HOUR = 3_600
OPEN_END = np.int64(2**34)  # "still in the bed when the window ends"

# --- clinic sessions: weekdays 08:00-17:00 in 20-minute slots
SLOT_SECONDS = 1_200
SLOTS_PER_SESSION = 27
CLINIC_OPEN = 8 * HOUR
SESSION_CYCLE = 20  # weekdays in the cycle a provider's sessions repeat over (4 weeks)
MAX_SESSIONS = 18  # of 20 weekdays: providers have clinic on most weekdays at most
CLINIC_FILL = 1.0  # share of slots the sizing aims to book (no-shows leave gaps)
MAX_CLINIC_ROUNDS = 40  # moves to a later session before a request goes elsewhere

# --- beds, bays, boarding
GENERAL, ICU = 0, 1
TARGET_OCCUPANCY = {GENERAL: 0.80, ICU: 0.75}
BED_TURNOVER = 1_800  # a bed is cleaned for half an hour between patients
BAY_TURNOVER = 600  # an ED bay, for ten minutes
MAX_BOARDING = {True: 24 * HOUR, False: 12 * HOUR}  # via the ED / direct admission
ED_VISITS_PER_BAY_YEAR = 1_100
PATIENTS_PER_NURSE = {GENERAL: 5.0, ICU: 1.5}
FTE_PER_POST = 4.2  # staffing one post around the clock, all week, takes ~4.2 people
ED_PATIENTS_PER_PHYSICIAN_HOUR = 2.0


@dataclass(frozen=True)
class Plan:
    """What the hospital has, sized to its patients' demand (per department index)."""

    general_beds: np.ndarray  # beds in ward and private rooms, by department
    icu_beds: int
    ed_bays: int
    clinic_providers: np.ndarray  # providers holding clinic sessions, by department
    clinic_sessions: np.ndarray  # provider clinic days needed per SESSION_CYCLE weekdays
    ed_providers: int
    nurses: np.ndarray  # registered nurses, by department
    census: float  # inpatients in a bed at an average moment (general and ICU)


def plan(
    demands: list[dict[str, np.ndarray]],
    days: int,
    n_depts: int,
    icu_dept: int,
    ed_dept: int,
) -> Plan:
    """Size beds, bays, clinic providers and nurses to the demand of every block over its
    first ``days`` (the reference epochs: the hospital is the same whatever the run's
    length, docs/engine.md "Time")."""
    window_end = days * DAY
    census = np.zeros((2, n_depts))
    wants = np.zeros(n_depts)
    ed_visits = 0
    for d in demands:
        stay = np.minimum(d["bed_end"], window_end) - d["bed_start"]
        stay = np.maximum(stay, 0) / DAY / days
        np.add.at(census[0], d["bed_dept"][d["bed_cls"] == GENERAL], stay[d["bed_cls"] == GENERAL])
        census[1, icu_dept] += stay[d["bed_cls"] == ICU].sum()
        ed_visits += int((d["ed_start"] < window_end).sum())
        np.add.at(wants, d["clinic_dept"][d["clinic_day"] < days], 1)
    general = _beds_for(census[0], TARGET_OCCUPANCY[GENERAL])
    icu = max(1, round(census[1].sum() / TARGET_OCCUPANCY[ICU]))
    ed_per_year = ed_visits * 365.25 / days
    weekdays = days * 5 / 7
    sessions_needed = wants / max(weekdays, 1) * SESSION_CYCLE / (SLOTS_PER_SESSION * CLINIC_FILL)
    providers = np.where(wants > 0, np.maximum(1, np.ceil(sessions_needed / MAX_SESSIONS)), 0)
    ward_nurses = int(np.ceil(census[0].sum() / PATIENTS_PER_NURSE[GENERAL] * FTE_PER_POST))
    nurses = _beds_for(census[0], census[0].sum() / max(ward_nurses, 1)).astype(np.float64)
    nurses[icu_dept] = np.ceil(census[1].sum() / PATIENTS_PER_NURSE[ICU] * FTE_PER_POST)
    # the nearest whole number of bays, one fewer where that would leave them under the
    # data model's 1,000 visits a bay-year (a small ED: 2.6 bays' work is not 3 bays)
    ed_bays = max(1, min(round(ed_per_year / ED_VISITS_PER_BAY_YEAR), int(ed_per_year // 1_020)))
    nurses[ed_dept] = np.ceil(ed_bays / 3 * FTE_PER_POST)
    ed_hours = ed_per_year / 365.25 / ED_PATIENTS_PER_PHYSICIAN_HOUR  # physician-hours a day
    ed_providers = max(int(FTE_PER_POST) + 1, int(np.ceil(ed_hours / 24 * FTE_PER_POST)))
    return Plan(
        general_beds=general,
        icu_beds=icu,
        ed_bays=ed_bays,
        clinic_providers=providers.astype(np.int64),
        clinic_sessions=sessions_needed,
        ed_providers=ed_providers,
        nurses=nurses.astype(np.int64),
        census=float(census.sum()),
    )


def sessions_per_provider(needed: np.ndarray, providers: np.ndarray) -> np.ndarray:
    """Clinic days per SESSION_CYCLE weekdays for each provider of a department that needs
    ``needed`` provider clinic days in the cycle and has ``providers`` providers."""
    each = np.round(np.asarray(needed) / np.maximum(providers, 1))
    return np.clip(each, 1, MAX_SESSIONS).astype(np.int64)


def _beds_for(census: np.ndarray, occupancy: float) -> np.ndarray:
    """Whole beds per department for the target occupancy, in total and (by largest
    remainder) department by department; a department with a tiny load may get none and
    borrow another's beds."""
    return largest_remainder(census, max(2, round(census.sum() / occupancy)))


# ----------------------------------------------------------------------------- allocation


@dataclass(frozen=True)
class Beds:
    """Every bed of the hospital: its room (ROMS row), class and department."""

    room: np.ndarray
    cls: np.ndarray
    dept: np.ndarray


@dataclass(frozen=True)
class Providers:
    """Clinic providers: staff row, department, employment days and session pattern."""

    staff: np.ndarray
    dept: np.ndarray
    hire: np.ndarray
    term: np.ndarray
    sessions: np.ndarray  # clinic days per SESSION_CYCLE weekdays


def _concat(demands: list[dict[str, np.ndarray]], key: str) -> np.ndarray:
    return np.concatenate([d[key] for d in demands]) if demands else np.zeros(0, np.int64)


def _block_of(demands: list[dict[str, np.ndarray]], key: str) -> np.ndarray:
    return np.repeat(np.arange(len(demands)), [len(d[key]) for d in demands])


def allocate(
    demands: list[dict[str, np.ndarray]], beds: Beds, bays: np.ndarray, providers: Providers
) -> list[dict[str, np.ndarray]]:
    """For every block, what it was given: beds (with boarding and transfers), ED bays and
    clinic slots, aligned with the rows of its requests."""
    bed = allocate_beds(demands, beds)
    ed_end = _concat(demands, "ed_end").copy()
    ed_bed_row = _concat(demands, "ed_bed_row")  # the stay an ED visit led to, or -1
    offsets = np.cumsum([0] + [len(d["bed_start"]) for d in demands])[:-1]
    ed_block = _block_of(demands, "ed_start")
    linked = np.flatnonzero(ed_bed_row >= 0)
    g = offsets[ed_block[linked]] + ed_bed_row[linked]
    # a boarded patient stays in the ED until the bed is ready
    boarded = ~bed["transferred"][g] & (bed["admit"][g] > _concat(demands, "bed_start")[g])
    ed_end[linked[boarded]] = bed["admit"][g[boarded]] - 60
    bay = allocate_bays(_concat(demands, "ed_start"), ed_end, bays)
    slots = allocate_clinic(demands, providers)
    out = []
    ed_offsets = np.cumsum([0] + [len(d["ed_start"]) for d in demands])
    cl_offsets = np.cumsum([0] + [len(d["clinic_dept"]) for d in demands])
    bed_offsets = np.cumsum([0] + [len(d["bed_start"]) for d in demands])
    for b in range(len(demands)):
        bs = slice(bed_offsets[b], bed_offsets[b + 1])
        es = slice(ed_offsets[b], ed_offsets[b + 1])
        cs = slice(cl_offsets[b], cl_offsets[b + 1])
        out.append(
            {
                "bed_room": bed["room"][bs],
                "bed_admit": bed["admit"][bs],
                "bed_transferred": bed["transferred"][bs],
                "ed_room": bay[es],
                "ed_end": ed_end[es],
                "clinic_provider": slots["provider"][cs],
                "clinic_day": slots["day"][cs],
                "clinic_slot": slots["slot"][cs],
            }
        )
    return out


def allocate_beds(demands: list[dict[str, np.ndarray]], beds: Beds) -> dict[str, np.ndarray]:
    """One pass over every stay in admit order. A stay takes a free bed of its class (of its
    department first, the one free longest); with none free it boards until the first bed
    frees up, if that is soon enough (and before it would have ended); otherwise it is
    transferred out, except a stay that ends in death or an observation stay, which stay
    without a bed (a trolley in the ED)."""
    start = _concat(demands, "bed_start")
    end = _concat(demands, "bed_end")
    cls = _concat(demands, "bed_cls")
    dept = _concat(demands, "bed_dept")
    via_ed = _concat(demands, "bed_via_ed").astype(bool)
    dying = _concat(demands, "bed_dying").astype(bool)
    obs = _concat(demands, "bed_obs").astype(bool)
    block = _block_of(demands, "bed_start")
    n = len(start)
    room = np.full(n, -1, dtype=np.int64)
    admit = start.copy()
    transferred = np.zeros(n, bool)
    free_at = np.full(len(beds.room), np.iinfo(np.int64).min // 2, dtype=np.int64)
    by_cls = {c: np.flatnonzero(beds.cls == c) for c in (GENERAL, ICU)}
    order = np.lexsort((np.arange(n), block, start))
    for i in order.tolist():
        pool = by_cls[int(cls[i])]
        if not len(pool):
            pool = by_cls[GENERAL]
        if not len(pool):
            transferred[i] = not (dying[i] or obs[i])
            continue
        fa = free_at[pool]
        t = start[i]
        free = fa < t
        if free.any():
            mine = free & (beds.dept[pool] == dept[i])
            cand = mine if mine.any() else free
            k = pool[np.flatnonzero(cand)[np.argmin(fa[cand])]]
        else:
            k = pool[np.argmin(fa)]
            ready = free_at[k] + 1
            if ready - t > MAX_BOARDING[bool(via_ed[i])] or ready + HOUR >= end[i]:
                transferred[i] = not (dying[i] or obs[i])
                continue
            admit[i] = ready
        room[i] = k
        free_at[k] = end[i] + BED_TURNOVER
    room = np.where(room >= 0, beds.room[np.maximum(room, 0)], -1)
    return {"room": room, "admit": admit, "transferred": transferred}


def allocate_bays(start: np.ndarray, end: np.ndarray, bays: np.ndarray) -> np.ndarray:
    """ED bays in arrival order: the bay free longest, or none (a hallway) when all are full."""
    n = len(start)
    out = np.full(n, -1, dtype=np.int64)
    heap = [(-(2**40), int(b)) for b in range(len(bays))]
    heapq.heapify(heap)
    for i in np.lexsort((np.arange(n), start)).tolist():
        if heap and heap[0][0] < start[i]:
            _, b = heapq.heappop(heap)
            out[i] = bays[b]
            heapq.heappush(heap, (int(end[i]) + BAY_TURNOVER, b))
    return out


def session_days(providers: Providers, days: int, first_weekday: int) -> np.ndarray:
    """(provider, day) -> holds a clinic session: employed that day, a weekday, and one of the
    provider's session days in the repeating cycle (spread evenly, staggered by provider)."""
    day = np.arange(days)
    wd = (day + first_weekday) % 7
    weekday_no = (day + first_weekday) // 7 * 5 + np.minimum(wd, 5)
    k = providers.sessions[:, None]
    w = (weekday_no[None, :] + 7 * np.arange(len(k))[:, None]) % SESSION_CYCLE
    on = (w + 1) * k // SESSION_CYCLE > w * k // SESSION_CYCLE
    employed = (providers.hire[:, None] <= day) & (providers.term[:, None] >= day)
    return on & employed & (wd < 5)[None, :]


def allocate_clinic(
    demands: list[dict[str, np.ndarray]], providers: Providers, first_weekday: int = 0
) -> dict[str, np.ndarray]:
    """Clinic slots for every wanted appointment. Requests are taken day by day, in a random
    but fixed order within a day; each goes to the first session of its department on or
    after the wanted day that has a free slot (moving on at most MAX_CLINIC_ROUNDS
    times). Within a department's day, the q-th booking gets provider q mod P and slot q div P
    (in a shuffled order of the day's slots), so no provider is ever double-booked."""
    dept = _concat(demands, "clinic_dept")
    want = _concat(demands, "clinic_day")
    last = _concat(demands, "clinic_last")
    prio = _concat(demands, "clinic_prio") if demands else np.zeros(0)
    first_weekday = int(demands[0]["first_weekday"][0]) if demands else first_weekday
    days = int(demands[0]["horizon_days"][0]) if demands else 1
    n = len(dept)
    sess = session_days(providers, days, first_weekday)
    n_dept = int(max(dept.max(initial=0), providers.dept.max(initial=0))) + 1
    # per department: its providers, and per day the ones in session, in a fixed order
    roster, count = {}, np.zeros((n_dept, days + 1), dtype=np.int64)
    for d in range(n_dept):
        rows = np.flatnonzero(providers.dept == d)
        on = sess[rows]
        roster[d] = rows[np.argsort(~on, axis=0, kind="stable")].T  # (day, provider)
        count[d, :days] = on.sum(axis=0)
    used = np.zeros((n_dept, days + 1), dtype=np.int64)
    provider = np.full(n, -1, dtype=np.int64)
    day = np.full(n, -1, dtype=np.int64)
    slot = np.full(n, -1, dtype=np.int64)
    cur = _next_session(count, dept, np.minimum(want, days))
    shuffle = np.argsort(np.sin(np.arange(SLOTS_PER_SESSION) * 12.9898) * 43758.5453 % 1)
    for _ in range(MAX_CLINIC_ROUNDS):
        todo = np.flatnonzero((provider < 0) & (cur <= last) & (cur < days))
        if not len(todo):
            break
        key = dept[todo] * (days + 1) + cur[todo]
        order = todo[np.lexsort((todo, prio[todo], key))]
        key = dept[order] * (days + 1) + cur[order]
        first = np.r_[True, key[1:] != key[:-1]]
        start_of = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
        q = used.ravel()[key] + np.arange(len(order)) - start_of
        cap = count.ravel()[key] * SLOTS_PER_SESSION
        ok = q < cap
        got = order[ok]
        p = count.ravel()[key[ok]]
        provider[got] = providers.staff[roster_pick(roster, dept[got], cur[got], q[ok] % p)]
        slot[got] = shuffle[q[ok] // p]
        day[got] = cur[got]
        np.add.at(used.ravel(), key, 1)
        used = np.minimum(used, count * SLOTS_PER_SESSION)
        late = order[~ok]
        cur[late] = _next_session(count, dept[late], cur[late] + 1)
    return {"provider": provider, "day": day, "slot": slot}


def roster_pick(roster: dict, dept: np.ndarray, day: np.ndarray, k: np.ndarray) -> np.ndarray:
    out = np.full(len(dept), -1, dtype=np.int64)
    for d in np.unique(dept):
        m = dept == d
        out[m] = roster[int(d)][day[m], k[m]]
    return out


def _next_session(count: np.ndarray, dept: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The first day >= ``day`` on which the department holds a session (a day past the
    horizon when none is left)."""
    days = count.shape[1] - 1
    out = np.full(len(dept), days, dtype=np.int64)
    for d in np.unique(dept):
        m = dept == d
        on = np.flatnonzero(count[int(d), :days] > 0)
        j = np.searchsorted(on, day[m])
        out[m] = np.where(j < len(on), on[np.minimum(j, len(on) - 1)], days)
    return out
