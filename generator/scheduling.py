"""Scheduling: appointments and visits, in two of the engine's three passes.

Pass (a), ``demand``, one block of patients at a time, vectorized: emergency arrivals (24/7,
late-morning and evening peaks, a weekend dip and a winter bump), observation stays,
elective and direct admissions, births; about 20 % of emergency visits admitted; inpatient
stays with a log-normal length (long right tail); readmissions within 30 days; deaths in
hospital (disposition ``EXPD``: nothing of the patient's after it is kept); and the clinic
appointments patients want (department, kind, from which weekday on). It returns what the
block asks of the hospital's shared capacity: beds, ED bays, clinic slots.

Pass (b) (``generator.capacity``) sizes the hospital to that demand and allocates beds,
bays and slots over every block in time order.

Pass (c), ``schedule_block``, writes the block's appointments and visits from its demand and
what pass (b) gave it: boarded patients wait in the ED for their bed, transferred ones leave
from the ED (disposition ``TRNS``), bookings land in their provider's session slot;
bookings for days after the end date are still ``SCHD``.

Times inside this module are integer seconds (or days) counted from the window's start.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from generator import capacity, clinical, conditions, followups, newborns, reference
from generator.columns import Masked, cat
from generator.core import (
    DAY,
    EMER,
    HOUR,
    INPT,
    OBSV,
    OUTP,
    PROVIDER_ROLES,
    TELE,
    VISIT_TYPES,
    Context,
    audit,
    check_key_space,
    day_of_year,
    department_ids,
    dept_codes,
    dept_index,
    dept_weights,
    row_keys,
    staff_index,
    to_date,
    to_ts,
    to_weekday,
    weekday,
)
from generator.people import ALLERGY_RECORDERS, employed_staff
from generator.scenario import Scenario

APPT_TYPES = np.array([b"NEW", b"FLUP", b"ANNL", b"CONS", b"PROC", b"TELE"])
APPT_TYPE_SHARES = (0.25, 0.42, 0.13, 0.10, 0.10)  # of in-person appointments
APPT_REASON_PREFIX = np.array(
    [
        b"New patient: ",
        b"Follow-up: ",
        b"Annual visit: ",
        b"Consult: ",
        b"Procedure: ",
        b"Video visit: ",
    ]
)
ANNUAL_DEPTS = ("FMED", "PEDS", "OBGY", "MEDS")
PROCEDURE_DEPTS = ("GAST", "DERM", "ORTH", "CARD", "UROL", "ONCO", "PULM", "SURG", "NEPH")
# relative share of inpatient admissions by department (non-ICU), from the ED and elective
ED_ADMIT_DEPTS = {
    "MEDS": 34,
    "CARD": 15,
    "PULM": 10,
    "SURG": 9,
    "NEUR": 7,
    "GAST": 6,
    "ORTH": 6,
    "NEPH": 3,
    "ONCO": 3,
    "PSYC": 4,
    "PEDS": 3,
    "OBGY": 2,
}
ELECTIVE_DEPTS = {
    "SURG": 30,
    "ORTH": 30,
    "CARD": 10,
    "GAST": 6,
    "UROL": 6,
    "OBGY": 8,
    "NEUR": 4,
    "ONCO": 6,
}


def clinic_providers(ctx: Context) -> capacity.Providers:
    """The providers of every department with clinic demand, with their session pattern,
    for pass (b)."""
    staff = staff_index(ctx)
    plan = ctx.capacity
    post = ctx.staff_post  # the planned post each STFF row holds (people.staff)
    first = np.flatnonzero(np.isin(staff.role, PROVIDER_ROLES) & (post == np.arange(len(post))))
    # the first providers' posts of a department (in staff order) hold its clinic, whoever
    # holds the post at the time; a department that keeps more (one of each role it has)
    # gives the others other work
    rank = _rank_in_group(staff.dept[first])
    clinic = first[rank < plan.clinic_providers[staff.dept[first]]]
    rows = np.flatnonzero(np.isin(post, clinic))
    dept = staff.dept[rows]
    count = np.bincount(staff.dept[clinic], minlength=len(plan.clinic_providers))
    each = capacity.sessions_per_provider(plan.clinic_sessions, count)
    return capacity.Providers(
        staff=rows,
        dept=dept,
        hire=staff.hire[rows],
        term=staff.term[rows],
        sessions=each[dept],
    )


def _rank_in_group(group: np.ndarray) -> np.ndarray:
    """0, 1, 2... within each run of equal values (in order of appearance)."""
    order = np.argsort(group, kind="stable")
    g = group[order]
    first = np.r_[True, g[1:] != g[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(len(g)), 0))
    rank = np.empty(len(g), dtype=np.int64)
    rank[order] = np.arange(len(g)) - start
    return rank


def pick_dept(
    r: np.random.Generator, weights: np.ndarray, female: np.ndarray, age: np.ndarray
) -> np.ndarray:
    """A department per row, by weight, among those with diagnoses that fit the patient;
    children go mostly to paediatrics, adults never."""
    n = len(female)
    elig = clinical.department_fit()  # (dept, sex, age) -> bool
    a = np.clip(age.astype(np.int64), 0, elig.shape[2] - 1)
    w = np.broadcast_to(weights, (n, len(weights))).copy()
    w *= elig[:, female.astype(np.int64), a].T
    child = age < 18
    peds = dept_index("PEDS")
    w[child] *= 0.15
    w[child, peds] *= 60
    w[child, dept_index("FMED")] *= 4
    w[~child, peds] = 0
    cdf = np.cumsum(w, axis=1)
    u = r.random(n) * cdf[:, -1]
    return np.minimum((cdf <= u[:, None]).sum(axis=1), len(weights) - 1)


# ----------------------------------------------------------------------------- rates by band

# band edges of the scenario's relative risks: age in years (0-17, 18-44, 45-64, 65+), booking
# lead time in days (0-7, 8-30, 31+), acuity as the triage level (ESI 1, 2, 3)
AGE_EDGES = (18, 45, 65)
LEAD_EDGES = (8, 31)
ESI_EDGES = (2, 3)
CHRONIC_COUNT_EDGES = (1, 2, 3)  # active chronic conditions: 0, 1, 2, 3+


def chronic_count(health: dict[str, np.ndarray], pat: np.ndarray, day: np.ndarray) -> np.ndarray:
    """How many of the data model's chronic conditions each row's patient has active on the
    row's day (days from the window's start)."""
    row, _ = conditions.active(health, pat, day)
    return np.bincount(row, minlength=len(pat))


def band_factor(factors: tuple[float, ...], value: np.ndarray, edges: tuple) -> np.ndarray:
    """Each row's factor: the one of the band its value falls in (bands split at ``edges``,
    a value equal to an edge in the upper band)."""
    return np.asarray(factors, dtype=np.float64)[np.searchsorted(edges, value, side="right")]


def spread(overall: float, risk: np.ndarray) -> np.ndarray:
    """Each row's rate (or mean): ``overall`` times its relative risk over the rows' mean risk,
    so the rows' mean stays ``overall`` whatever the mix of bands."""
    mean = float(risk.mean()) if len(risk) else 0.0
    return overall * risk / mean if mean > 0 else np.full(len(risk), float(overall))


# ----------------------------------------------------------------------------- calendar


def _day_cdf(weights: np.ndarray) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(weights)])


def sample_days(
    r: np.random.Generator, cdf: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """A day in [lo, hi] per row, drawn by the day weights behind ``cdf``."""
    a, b = cdf[lo], cdf[hi + 1]
    u = a + r.random(len(lo)) * (b - a)
    d = np.searchsorted(cdf, u, side="right") - 1
    return np.clip(d, lo, hi)


def lognormal_days(r: np.random.Generator, mean: float, sigma: float, n: int) -> np.ndarray:
    mu = np.log(mean) - sigma**2 / 2
    return np.exp(mu + sigma * r.standard_normal(n))


def group_prev_max(group: np.ndarray, value: np.ndarray) -> np.ndarray:
    """For rows sorted by group, the max of ``value`` over earlier rows of the same group
    (a very negative number for a group's first row). Values must be >= -2**35."""
    big = np.int64(2**37)
    key = group.astype(np.int64) * big + (value + 2**35)
    run = np.maximum.accumulate(key)
    prev = np.concatenate([[np.int64(-1)], run[:-1]]) - group.astype(np.int64) * big - 2**35
    first = np.concatenate([[True], group[1:] != group[:-1]])
    return np.where(first, np.int64(-(2**40)), prev)


# ----------------------------------------------------------------------------- acute care


def _acute_episodes(ctx: Context, block: int, pt: dict[str, np.ndarray]) -> dict:
    """Emergency arrivals, observation stays and admissions of the block's patients, as
    episodes (an ED visit and the inpatient stay it led to form one episode). Epoch by epoch,
    each from the epoch's own stream over the patients registered by its end, so an epoch's
    episodes never depend on a later one; readmissions follow their stay's epoch."""
    parts = []
    for e in range(ctx.epochs):
        r = ctx.epoch_rng("VIST", block, e)
        ed = _ed_arrivals(ctx, r, pt, e)
        planned = _planned_admissions(ctx, r, pt, e)
        ev = {key: np.concatenate([ed[key], planned[key]]) for key in ed}
        ev = _stays(ctx, r, ev, pt)
        re = _stays(ctx, r, _readmissions(ctx, r, ev, pt), pt)
        parts.append({key: np.concatenate([ev[key], re[key]]) for key in ev})
    return _non_overlapping(ctx, {key: np.concatenate([p[key] for p in parts]) for key in parts[0]})


def active_span(ctx: Context, pt: dict, epoch: int) -> tuple[np.ndarray, np.ndarray]:
    """For the patients of the cohorts up to ``epoch`` (a prefix of the block's patients),
    the first and last day (inclusive) of the epoch on which each is registered and has not
    left yet (last < first: none)."""
    n = int(pt["upto"][min(epoch, len(pt["upto"]) - 1)])  # the epoch after: all registered
    lo = np.maximum(pt["e0"][:n], ctx.epoch_days[epoch])
    hi = np.minimum(pt["leave"][:n], ctx.epoch_days[epoch + 1]) - 1
    return lo, hi


def _age_at_epoch_end(ctx: Context, pt: dict, epoch: int, n: int) -> np.ndarray:
    return (ctx.epoch_days[epoch + 1] - 1 - pt["birth_day"][:n]) / 365.25


def _ed_arrivals(ctx: Context, r: np.random.Generator, pt: dict, epoch: int) -> dict:
    """Emergency arrivals in one epoch (some kept for observation): more for the very young,
    the old and the frail, with a weekend dip, a winter bump and the scenario's hourly
    profile."""
    sc = ctx.scenario
    lo, hi = active_span(ctx, pt, epoch)
    n, first = len(lo), int(ctx.epoch_days[epoch])
    years = np.maximum(hi + 1 - lo, 0) / 365.25
    age = _age_at_epoch_end(ctx, pt, epoch, n)
    days = np.arange(first, ctx.epoch_days[epoch + 1])
    doy = day_of_year(days, ctx)
    w_day = np.where(weekday(days, ctx) >= 5, sc.ed_weekend_factor, 1.0)
    w_day = w_day * (1 + sc.ed_winter_amplitude * np.cos(2 * np.pi * (doy - 15) / 365.25))
    age_ed = np.select(
        [age < 5, age < 18, age < 45, age < 65, age < 80], [1.3, 0.7, 1.0, 0.9, 1.2], 1.8
    )
    n_ed = r.poisson(sc.ed_visits_per_patient_year * age_ed * pt["frail"][:n] * years)
    ed_pat = np.repeat(np.arange(n), n_ed)
    m = len(ed_pat)
    ed_day = first + sample_days(r, _day_cdf(w_day), lo[ed_pat] - first, hi[ed_pat] - first)
    hours = np.asarray(sc.ed_hourly_profile, dtype=np.float64)
    hour = np.minimum(
        np.searchsorted(np.cumsum(hours) / hours.sum(), r.random(m), side="right"), 23
    )
    arrive = ed_day * DAY + hour * HOUR + r.integers(0, HOUR, m)
    obs = r.random(m) < sc.observation_share_of_ed
    return {
        "pat": ed_pat,
        "kind": np.where(obs, 1, 0),
        "arrive": arrive,
        "birth": np.zeros(m, bool),
        "src": np.full(m, b"ED", dtype="S4"),
        "forced": np.zeros(m, bool),
        "dept": np.full(m, -1, dtype=np.int64),
    }


def _planned_admissions(ctx: Context, r: np.random.Generator, pt: dict, epoch: int) -> dict:
    """Elective / direct admissions in one epoch (more with age and frailty, on weekdays)
    and births; each patient's elective admissions first, then their births."""
    sc = ctx.scenario
    lo, hi = active_span(ctx, pt, epoch)
    n = len(lo)
    years = np.maximum(hi + 1 - lo, 0) / 365.25
    age, female = _age_at_epoch_end(ctx, pt, epoch, n), pt["female"][:n]
    age_adm = np.select([age < 18, age < 45, age < 65, age < 80], [0.25, 0.6, 1.0, 2.0], 3.0)
    n_el = r.poisson(sc.elective_admissions_per_patient_year * age_adm * pt["frail"][:n] * years)
    fertile = female & (age >= 16) & (age <= 46)
    n_birth = np.where(fertile, r.poisson(sc.births_per_woman_year_15_44 * years), 0)
    el_pat = np.repeat(np.arange(n), n_el + n_birth)
    first_of_patient = np.cumsum(n_el + n_birth) - (n_el + n_birth)
    birth_flag = np.arange(len(el_pat)) - first_of_patient[el_pat] >= n_el[el_pat]
    k = len(el_pat)
    span = hi[el_pat] + 1 - lo[el_pat]
    el_day = to_weekday(lo[el_pat] + (r.random(k) * span).astype(np.int64), ctx)
    el_time = np.where(birth_flag, r.integers(0, DAY, k), r.integers(6 * HOUR, 10 * HOUR, k))
    src_el = np.where(
        birth_flag,
        b"SELF",
        np.where(r.random(k) < 0.1, b"TRNS", np.where(r.random(k) < 0.65, b"REF", b"CLIN")),
    )
    return {
        "pat": el_pat,
        "kind": np.full(k, 2),
        "arrive": el_day * DAY + el_time,
        "birth": birth_flag,
        "src": src_el.astype("S4"),
        "forced": np.zeros(k, bool),
        "dept": np.full(k, -1, dtype=np.int64),
    }


def _readmissions(ctx: Context, r: np.random.Generator, ev: dict, pt: dict) -> dict:
    """Readmissions within 30 days of an inpatient discharge (not after a birth), mostly
    through the ED; an ICU stay is readmitted to medicine. The chance rises with age, acuity
    and the number of chronic conditions active at admission (the scenario's relative risks
    spread its readmission rate)."""
    sc = ctx.scenario
    idx = np.flatnonzero(ev["admitted"] & ~ev["birth"])
    age = pt["age_start"][ev["pat"][idx]] + ev["admit"][idx] / (DAY * 365.25)
    risk = (
        band_factor(sc.readmission_risk_by_age, age, AGE_EDGES)
        * band_factor(sc.readmission_risk_by_esi, ev["esi"][idx], ESI_EDGES)
        * band_factor(
            sc.readmission_risk_by_chronic_count,
            chronic_count(pt["health"], ev["pat"][idx], ev["admit"][idx] // DAY),
            CHRONIC_COUNT_EDGES,
        )
    )
    chance = np.minimum(spread(sc.readmission_rate, risk), 1.0)
    again = idx[r.random(len(idx)) < chance]
    q = len(again)
    gap = 1 + np.minimum(r.exponential(9, q), 29)
    via_ed = r.random(q) < 0.7
    return {
        "pat": ev["pat"][again],
        "kind": np.where(via_ed, 0, 2),
        "arrive": ev["disch"][again] + (gap * DAY).astype(np.int64),
        "birth": np.zeros(q, bool),
        "src": np.where(via_ed, b"ED", b"REF").astype("S4"),
        "forced": np.ones(q, bool),
        "dept": np.where(ev["icu"][again], dept_index("MEDS"), ev["dept"][again]),
    }


def _non_overlapping(ctx: Context, ev: dict) -> dict:
    """The episodes inside the window, sorted by patient and arrival, none starting within
    an hour of the end of the patient's previous one."""
    order = np.lexsort((ev["arrive"], ev["pat"]))
    ev = {key: v[order] for key, v in ev.items()}
    prev = group_prev_max(ev["pat"], ev["disch"])  # the end of the last visit of the episode
    keep = (ev["arrive"] > prev + HOUR) & (ev["arrive"] <= ctx.days * DAY - 1)
    return {key: v[keep] for key, v in ev.items()}


def _stays(ctx: Context, r: np.random.Generator, ev: dict, pt: dict) -> dict:
    """Times, admission decisions, departments and lengths of stay of events."""
    sc = ctx.scenario
    n = len(ev["pat"])
    kind, pat = ev["kind"], ev["pat"]
    age = pt["age_start"][pat] + ev["arrive"] / (DAY * 365.25)
    female = pt["female"][pat]
    is_ed = kind == 0
    admitted = np.where(is_ed, ev["forced"] | (r.random(n) < sc.ed_admit_rate), kind == 2)
    esi = np.where(
        admitted,
        1 + np.searchsorted(np.cumsum([0.06, 0.44, 0.50]), r.random(n), side="right"),
        2 + np.searchsorted(np.cumsum([0.08, 0.42, 0.38, 0.12]), r.random(n), side="right"),
    )
    esi = np.minimum(esi, 5)
    ed_hours = np.exp(np.log(3.0) + 0.5 * r.standard_normal(n)) * np.where(admitted, 1.6, 1.0)
    ed_out = ev["arrive"] + np.maximum(1800, (ed_hours * HOUR).astype(np.int64))
    ed_out = np.where(is_ed, ed_out, ev["arrive"])
    # the inpatient part starts when the patient leaves the ED (or on arrival)
    admit = np.where(is_ed, ed_out + r.integers(60, 1200, n), ev["arrive"])
    icu = (
        admitted
        & ~ev["birth"]
        & (
            r.random(n)
            < sc.icu_share_of_admissions
            * np.where(esi <= 2, 2.2, 0.5)
            * np.where(kind == 2, 0.5, 1.0)
        )
    )
    icu &= ev["dept"] < 0
    dept = ev["dept"].copy()
    need = admitted & (dept < 0) & ~icu
    el = need & (kind == 2) & ~ev["birth"]
    dept[el] = pick_dept(r, dept_weights(ELECTIVE_DEPTS), female[el], age[el])
    other = need & ~el & ~ev["birth"]
    dept[other] = pick_dept(r, dept_weights(ED_ADMIT_DEPTS), female[other], age[other])
    dept[admitted & ev["birth"]] = dept_index("OBGY")
    dept[icu] = dept_index("ICU")
    # observation stays: internal medicine or paediatrics, 8-40 hours
    obs = kind == 1
    dept[obs] = np.where(age[obs] < 18, dept_index("PEDS"), dept_index("MEDS"))
    los = lognormal_days(r, sc.inpatient_los_mean_days, sc.inpatient_los_sigma, n)
    los = _los_by_age_and_acuity(sc, los, age, esi, admitted & ~ev["birth"])
    los = np.where(icu, los * 1.2, los)
    los = np.where(ev["birth"], lognormal_days(r, 2.4, 0.35, n), los)
    los = np.where(obs, lognormal_days(r, 0.85, 0.4, n), los)
    raw = admit + (los * DAY).astype(np.int64)
    # inpatients leave late morning to afternoon
    snapped = raw // DAY * DAY + r.integers(10 * HOUR, 16 * HOUR, n)
    snapped = np.where(snapped < admit + 6 * HOUR, snapped + DAY, snapped)
    disch = np.where(obs, raw, snapped)
    surgical = admitted & ~icu & (kind == 2) & ~ev["birth"]
    surgical |= admitted & ~icu & is_ed & (r.random(n) < 0.12)
    ev.update(
        admitted=admitted,
        esi=esi,
        ed_out=ed_out,
        admit=admit,
        icu=icu,
        dept=dept,
        disch=np.where(admitted | obs, disch, ed_out),
        surgical=surgical,
    )
    return ev


def _los_by_age_and_acuity(
    sc: Scenario, los: np.ndarray, age: np.ndarray, esi: np.ndarray, stay: np.ndarray
) -> np.ndarray:
    """Lengths of the inpatient stays (``stay``; births keep their own) longer with age and
    acuity: the scenario's factors over their mean, so the mean length stays the scenario's."""
    factor = band_factor(sc.los_factor_by_age, age[stay], AGE_EDGES) * band_factor(
        sc.los_factor_by_esi, esi[stay], ESI_EDGES
    )
    out = los.copy()
    out[stay] = los[stay] * spread(1.0, factor)
    return out


# ----------------------------------------------------------------------------- the block


def _patients(ctx: Context, block: int, state: dict[str, Any]) -> dict:
    reg_day = (state["registered"] - ctx.start).astype(np.int64)
    birth_day = (state["birth"] - ctx.start).astype(np.int64)
    cohort = state["cohort"]
    sizes = np.bincount(cohort, minlength=ctx.epochs)
    frail = [ctx.epoch_rng("FRAIL", block, c).gamma(0.8, 1 / 0.8, k) for c, k in enumerate(sizes)]
    return {
        "e0": np.maximum(reg_day, 0),
        "reg_day": reg_day,
        "birth_day": birth_day,
        "age_start": -birth_day / 365.25,
        "female": state["female"],
        "frail": np.concatenate(frail),
        "health": state["health"],
        "cohort": cohort,
        "leave": state["leave_day"],
        "upto": np.cumsum(sizes),  # patients of the cohorts up to each epoch's
    }


def demand(ctx: Context, block: int, state: dict[str, Any]) -> dict[str, np.ndarray]:
    """Pass (a): the block's acute episodes, deaths and wanted appointments, kept in
    ``state["demand"]``; returns what they ask of the hospital's shared capacity. Every
    draw comes from a stream of its epoch (``Context.epoch_rng``): the demand created before
    an epoch starts is the same whatever the run's length (docs/engine.md, "Time")."""
    check_key_space(ctx)
    pt = _patients(ctx, block, state)
    ev = _acute_episodes(ctx, block, pt)
    ev, death, dies = _deaths(ctx, block, ev, pt)
    wants = _appointment_wants(ctx, block, pt, ev, dies)
    state["demand"] = {
        # pass (c)'s own streams (not yet epoch-keyed: docs/engine.md, "Time")
        "r": ctx.rng("APPT", block),
        "rv": ctx.rng("VIST", block),
        "pt": pt,
        "ev": ev,
        "death": death,
        "dies": dies,
        "wants": wants,
    }
    return _requests(ctx, ev, dies, wants)


def epoch_of(ctx: Context, day: np.ndarray) -> np.ndarray:
    """The epoch of each day (days from the start)."""
    return np.searchsorted(ctx.epoch_days, np.asarray(day, dtype=np.int64), side="right") - 1


def _deaths(ctx: Context, block: int, ev: dict, pt: dict) -> tuple:
    """Some inpatient stays end in death (disposition ``EXPD``); nothing of the patient's
    after it is kept. The draw of each episode comes from the stream of its arrival's epoch,
    and does not look at the window's end (a death after it is not recorded: pass (c)).
    Returns the episodes kept, each patient's death time (int64 max when alive) and which
    episodes end in death."""
    age_at = pt["age_start"][ev["pat"]] + ev["arrive"] / (DAY * 365.25)
    p_die = ctx.scenario.inpatient_mortality * np.select(
        [age_at < 45, age_at < 65, age_at < 80], [0.2, 0.8, 2.0], 4.0
    )
    p_die = p_die * np.where(ev["icu"], 6.0, 1.0)
    epoch = epoch_of(ctx, ev["arrive"] // DAY)
    u = np.ones(len(p_die))
    for e in range(ctx.epochs):
        rows = np.flatnonzero(epoch == e)
        u[rows] = ctx.epoch_rng("DEATH", block, e).random(len(rows))
    dies = ev["admitted"] & (u < p_die)
    death = np.full(len(pt["e0"]), np.iinfo(np.int64).max)
    np.minimum.at(death, ev["pat"][dies], ev["disch"][dies])
    ev = {k: v[ev["arrive"] < death[ev["pat"]]] for k, v in ev.items()}
    dies = ev["admitted"] & (ev["disch"] == death[ev["pat"]])
    return ev, death, dies


def _requests(ctx: Context, ev: dict, dies: np.ndarray, wants: dict) -> dict[str, np.ndarray]:
    """Beds (inpatient and observation parts), ED bays and clinic slots the block asks for."""
    window_end = ctx.days * DAY - 1
    inpt = ev["admitted"] & (ev["admit"] <= window_end)
    obs = ev["kind"] == 1
    bed_ev = np.flatnonzero(inpt | obs)
    ed_ev = np.flatnonzero(ev["kind"] == 0)
    bed_row = np.full(len(ev["pat"]), -1, dtype=np.int64)
    bed_row[bed_ev] = np.arange(len(bed_ev))
    start = np.where(obs, ev["arrive"], ev["admit"])[bed_ev]
    end = ev["disch"][bed_ev]
    horizon = ctx.days + int(ctx.scenario.future_booking_horizon_days) + 40
    return {
        "bed_start": start,
        "bed_end": np.where(end > window_end, capacity.OPEN_END, end),
        "bed_cls": np.where(ev["icu"][bed_ev], capacity.ICU, capacity.GENERAL),
        "bed_dept": ev["dept"][bed_ev],
        "bed_via_ed": ev["kind"][bed_ev] == 0,
        "bed_dying": dies[bed_ev],
        "bed_obs": obs[bed_ev],
        "bed_surgical": ev["surgical"][bed_ev] & inpt[bed_ev],
        "ed_start": ev["arrive"][ed_ev],
        "ed_end": ev["ed_out"][ed_ev],
        "ed_bed_row": np.where(inpt[ed_ev], bed_row[ed_ev], -1),
        "clinic_dept": wants["dept"],
        "clinic_day": wants["want"],
        "clinic_last": wants["last"],
        "clinic_prio": wants["prio"],
        "clinic_tele": wants["type"] == 5,
        "first_weekday": np.array([int(weekday(np.zeros(1, np.int64), ctx)[0])]),
        "horizon_days": np.array([horizon]),
    }


def _apply_beds(ctx: Context, ev: dict, dies: np.ndarray, alloc: dict) -> dict:
    """Pass (b)'s answer written into the episodes: boarding delays the inpatient admit (and
    keeps the patient in the ED), a transfer ends the episode in the ED."""
    window_end = ctx.days * DAY - 1
    inpt = ev["admitted"] & (ev["admit"] <= window_end)
    obs = ev["kind"] == 1
    bed_ev = np.flatnonzero(inpt | obs)
    ed_ev = np.flatnonzero(ev["kind"] == 0)
    ev = {k: np.array(v, copy=True) for k, v in ev.items()}
    ev["bed_room"] = np.full(len(ev["pat"]), -1, dtype=np.int64)
    ev["ed_room"] = np.full(len(ev["pat"]), -1, dtype=np.int64)
    ev["bed_room"][bed_ev] = alloc["bed_room"]
    ev["admit"][bed_ev] = np.where(obs[bed_ev], ev["admit"][bed_ev], alloc["bed_admit"])
    ev["arrive"][bed_ev] = np.where(obs[bed_ev], alloc["bed_admit"], ev["arrive"][bed_ev])
    ev["ed_room"][ed_ev] = alloc["ed_room"]
    ev["ed_out"][ed_ev] = alloc["ed_end"]
    moved = bed_ev[alloc["bed_transferred"]]
    ev["transferred"] = np.zeros(len(ev["pat"]), bool)
    ev["transferred"][moved] = True
    ev["admitted"][moved] = False
    return ev


def schedule_block(ctx: Context, block: int, state: dict[str, Any]) -> dict[str, Any]:
    """Pass (c): APPT for the block, from its demand and what pass (b) allocated; leaves the
    block's visits (VIST columns) and arrays in ``state``."""
    d = state["demand"]
    alloc = state["allocation"]
    r, rv, pt = d["r"], d["rv"], d["pt"]
    # a death after the window's end has not happened yet
    window_end = ctx.days * DAY - 1
    dies = d["dies"] & (d["ev"]["disch"] <= window_end)
    death = np.where(d["death"] <= window_end, d["death"], np.iinfo(np.int64).max)
    ev = _apply_beds(ctx, d["ev"], dies, alloc)
    vis = _acute_visits(ctx, rv, ev, dies)
    born = newborns.register(ctx, block, state, ev)  # the babies of the block's deliveries
    vis = {k: np.concatenate([v, born["visits"][k]]) for k, v in vis.items()}
    appt = _book_appointments(ctx, r, pt, d["wants"], alloc, death)
    appt = _keep_out_of_stays(ctx, r, appt, ev)
    vis = _all_visits(ctx, r, vis, appt)
    att = _attendings(ctx, rv, vis, appt)
    disp = _dispositions(rv, vis, pt)
    disp[vis["pat"] >= born["first"]] = b"HOME"  # babies go home with their mother
    prim = _primary_codes(ctx, rv, vis, appt, pt)
    prim = _followups_share_the_stay_code(vis, appt, pt, prim)
    prim = followups.share_the_ed_code(rv, vis, appt, pt, prim)
    prim = newborns.birth_visits(state, vis, prim, born)
    alive = np.full(len(state["patient_id"]) - len(death), np.iinfo(np.int64).max)
    _record_deaths(ctx, block, state, np.concatenate([death, alive]))
    _visit_columns(ctx, block, state, vis, appt, att, disp, prim)
    return _appointment_columns(ctx, r, state, appt)


def _acute_visits(
    ctx: Context, rv: np.random.Generator, ev: dict, dies: np.ndarray
) -> dict[str, np.ndarray]:
    """The visits of the acute episodes: the ED part, observation, the inpatient part."""
    window_end = ctx.days * DAY - 1
    parts = {
        EMER: ev["kind"] == 0,
        # an observation patient still waiting for a bed when the window ends is not in yet
        OBSV: (ev["kind"] == 1) & (ev["arrive"] <= window_end),
        INPT: ev["admitted"] & (ev["admit"] <= window_end),
    }
    fields = {  # per part: where each visit column comes from (a column of ev or a constant)
        "pat": ("pat", "pat", "pat"),
        "admit": ("arrive", "arrive", "admit"),
        "disch": ("ed_out", "disch", "disch"),
        "dept": (dept_index("EMER"), "dept", "dept"),
        "esi": ("esi", 0, 0),
        "src": ("src", "src", "src"),
        "icu": (False, False, "icu"),
        "surgical": (False, False, "surgical"),
        "room": ("ed_room", "bed_room", "bed_room"),
        "transferred": ("transferred", False, False),
        "appt": (-1, -1, -1),
    }
    ev = {**ev, "dies": dies, "from_ed": ev["admitted"] & parts[INPT]}
    ev["idx"] = np.arange(len(ev["pat"]))
    fields["ev"] = ("idx", "idx", "idx")  # the episode each visit belongs to
    fields["expired"] = (False, False, "dies")
    fields["admitted_from_ed"] = ("from_ed", False, False)
    vis = {
        name: np.concatenate(
            [
                ev[src][mask] if isinstance(src, str) else np.full(int(mask.sum()), src)
                for src, mask in zip(sources, parts.values(), strict=True)
            ]
        )
        for name, sources in fields.items()
    }
    vis["type"] = np.concatenate([np.full(int(m.sum()), t) for t, m in parts.items()])
    vis["src"] = vis["src"].astype("S4")
    # ED arrivals come by themselves or by ambulance; the code set has SELF and TRNS
    ed_rows = vis["type"] == EMER
    vis["src"][ed_rows] = np.where(rv.random(ed_rows.sum()) < 0.04, b"TRNS", b"SELF")
    return vis


def _keep_out_of_stays(ctx: Context, r: np.random.Generator, appt: dict, ev: dict) -> dict:
    """Appointments that fall inside one of the patient's episodes: cancelled when booked
    before it, otherwise never made."""
    window_end = ctx.days * DAY - 1
    ep_end = np.where(ev["disch"] > window_end, np.int64(2**34), ev["disch"])
    ep_key = ev["pat"] * np.int64(2**36) + ev["arrive"]  # sorted: events are by patient, time
    na0 = len(appt["pat"])
    inside = np.zeros(na0, bool)
    ep_start = np.zeros(na0, np.int64)
    if len(ev["pat"]):
        a_key = appt["pat"] * np.int64(2**36) + appt["start"] + 2 * HOUR
        j = np.searchsorted(ep_key, a_key, side="right") - 1
        jj = np.maximum(j, 0)
        inside = (j >= 0) & (ev["pat"][jj] == appt["pat"]) & (ep_end[jj] + HOUR >= appt["start"])
        ep_start = ev["arrive"][jj]
    booked_before = appt["booked"] < ep_start - HOUR
    drop = inside & ~booked_before
    cancel = inside & booked_before
    appt["status"] = np.where(cancel, 2, appt["status"])
    lo = appt["booked"]
    hi = np.minimum(np.minimum(ep_start - HOUR, appt["start"]), window_end)
    canc = lo + (r.random(na0) * np.maximum(hi - lo, 0)).astype(np.int64)
    appt["canc"] = np.where(cancel, canc, appt["canc"])
    return {k: v[~drop] for k, v in appt.items()}


def _all_visits(ctx: Context, r: np.random.Generator, vis: dict, appt: dict) -> dict:
    """The acute visits and the outpatient and telehealth visits of completed appointments,
    by patient and time."""
    comp = np.flatnonzero(appt["status"] == 0)
    nc = len(comp)
    o_admit = appt["start"][comp] + r.integers(0, 600, nc)
    o_disch = o_admit + appt["dur"][comp] * 60 + r.integers(300, 2100, nc)
    tele = appt["type"][comp] == 5
    new = appt["type"][comp] == 0
    none = np.zeros(nc, bool)
    out_vis = {
        "pat": appt["pat"][comp],
        "type": np.where(tele, TELE, OUTP),
        "admit": o_admit,
        "disch": o_disch,
        "dept": appt["dept"][comp],
        "esi": np.zeros(nc, np.int64),
        "src": np.where(new & (r.random(nc) < 0.5), b"REF", b"CLIN").astype("S4"),
        "icu": none,
        "surgical": none,
        "expired": none,
        "admitted_from_ed": none,
        "appt": comp,
        "room": appt["room"][comp],
        "transferred": none,
        "ev": np.full(nc, -1, np.int64),
    }
    vis = {k: np.concatenate([vis[k], out_vis[k]]) for k in vis}
    order = np.lexsort((vis["type"], vis["admit"], vis["pat"]))
    vis = {k: v[order] for k, v in vis.items()}
    window_end = ctx.days * DAY - 1
    vis["open"] = vis["disch"] > window_end
    vis["adm_day"] = vis["admit"] // DAY
    vis["dis_day"] = np.where(vis["open"], ctx.days - 1, vis["disch"] // DAY)
    return vis


def _attendings(ctx: Context, rv: np.random.Generator, vis: dict, appt: dict) -> np.ndarray:
    """The attending of each visit: the appointment's provider, or a clinician of the
    department employed on every day of an acute visit."""
    staff = staff_index(ctx)
    att = np.full(len(vis["pat"]), -1, dtype=np.int64)
    from_appt = vis["appt"] >= 0
    att[from_appt] = appt["prov"][vis["appt"][from_appt]]
    roles_by_type = {EMER: PROVIDER_ROLES, OBSV: (b"PHYS", b"NP", b"PA"), INPT: (b"PHYS", b"SURG")}
    for t, roles in roles_by_type.items():
        rows = np.flatnonzero(~from_appt & (vis["type"] == t))
        lo, hi = vis["adm_day"][rows], vis["dis_day"][rows]
        att[rows] = staff.pick(rv, lo, hi, roles, vis["dept"][rows])
    return att


def _dispositions(rv: np.random.Generator, vis: dict, pt: dict) -> np.ndarray:
    nv = len(vis["pat"])
    disp = np.full(nv, b"HOME", dtype="S4")
    u = rv.random(nv)
    ed = vis["type"] == EMER
    disp[ed] = np.where(u[ed] < 0.03, b"AMA", np.where(u[ed] < 0.05, b"TRNS", b"HOME"))
    disp[ed & vis["admitted_from_ed"]] = b"ADMT"
    disp[ed & vis["transferred"]] = b"TRNS"  # no bed free: transferred out from the ED
    ip = vis["type"] == INPT
    old = (pt["age_start"][vis["pat"]] + vis["admit"] / (DAY * 365.25)) >= 70
    disp[ip] = np.select(
        [
            u[ip] < 0.12 + 0.1 * old[ip],
            u[ip] < 0.26 + 0.15 * old[ip],
            u[ip] < 0.28 + 0.15 * old[ip],
            u[ip] < 0.29 + 0.15 * old[ip],
        ],
        [b"HHC", b"SNF", b"TRNS", b"AMA"],
        b"HOME",
    )
    disp[vis["expired"]] = b"EXPD"
    return disp


def _primary_codes(
    ctx: Context, rv: np.random.Generator, vis: dict, appt: dict, pt: dict
) -> np.ndarray:
    """The primary diagnosis of each visit (an appointment's reason, or drawn for an acute
    visit). Ages in whole days / 365.25, with two days' margin: a code fits the patient's age
    on every day of the visit, whichever way a reader counts birthdays."""
    born = pt["birth_day"][vis["pat"]]
    vis["age"] = (vis["adm_day"] - born - 2) / 365.25
    vis["age_hi"] = (vis["dis_day"] - born + 2) / 365.25
    from_appt = vis["appt"] >= 0
    acute = ~from_appt
    prim = np.full(len(vis["pat"]), -1, dtype=np.int64)
    prim[from_appt] = appt["code"][vis["appt"][from_appt]]
    prim[acute] = clinical.pick_codes(
        rv,
        vis["dept"][acute],
        pt["female"][vis["pat"][acute]],
        vis["age"][acute],
        vis["adm_day"][acute],
        ctx,
        age_hi=vis["age_hi"][acute],
    )
    return _surgical_primaries(ctx, rv, vis, pt, prim)


SURGICAL_ROUNDS = 40  # primary diagnoses a surgical stay draws, at most, for its surgery


def _surgical_primaries(
    ctx: Context, rv: np.random.Generator, vis: dict, pt: dict, prim: np.ndarray
) -> np.ndarray:
    """A surgical stay's primary diagnosis is one a surgery of its department is done for
    (``clinical.surgery_fit``): drawn again, a few times at most, until it is."""
    fit = clinical.surgery_fit()
    todo = np.flatnonzero(vis["surgical"] & (vis["appt"] < 0))
    for _ in range(SURGICAL_ROUNDS):
        todo = todo[~fit[vis["dept"][todo], prim[todo]]]
        if not len(todo):
            break
        prim[todo] = clinical.pick_codes(
            rv,
            vis["dept"][todo],
            pt["female"][vis["pat"][todo]],
            vis["age"][todo],
            vis["adm_day"][todo],
            ctx,
            age_hi=vis["age_hi"][todo],
        )
    return prim


def _followups_share_the_stay_code(vis: dict, appt: dict, pt: dict, prim: np.ndarray):
    """An acute episode's visits share its code: the clinic follow-up booked after an
    inpatient stay is for the stay's primary diagnosis (its reason, and the visit's primary
    diagnosis when it takes place), where that code fits the clinic's department and the
    patient's age on the day; otherwise it keeps its own."""
    t = clinical.icd_table()
    ip = np.flatnonzero((vis["type"] == INPT) & (vis["ev"] >= 0))  # babies' stays: no episode
    size = max(int(vis["ev"].max(initial=-1)), int(appt["episode"].max(initial=-1))) + 1
    stay_code = np.full(size, -1, np.int64)
    stay_code[vis["ev"][ip]] = prim[ip]
    a = np.flatnonzero(appt["episode"] >= 0)
    code = stay_code[appt["episode"][a]]
    c = np.maximum(code, 0)
    day = appt["start"][a] // DAY
    born = pt["birth_day"][appt["pat"][a]]
    fits = (
        (code >= 0)
        & t["dept_mask"][appt["dept"][a], c]
        & (t["min_age"][c] <= np.floor((day - born - 2) / 365.25))
        & (t["max_age"][c] >= np.floor((day - born + 2) / 365.25))
    )
    appt["code"][a[fits]] = code[fits]
    out = np.array(prim, copy=True)
    from_appt = np.flatnonzero(vis["appt"] >= 0)
    out[from_appt] = appt["code"][vis["appt"][from_appt]]
    return out


def _record_deaths(ctx: Context, block: int, state: dict, death: np.ndarray) -> None:
    """Write the patients' death dates into PATN (and move later allergy records back)."""
    died = death < np.iinfo(np.int64).max
    patn = state["columns"]["PATN"]
    death_date = to_date(ctx, np.where(died, death, 0))
    patn["PATN_DTH_DT"] = Masked(np.where(died, death_date, patn["PATN_DTH_DT"].values), ~died)
    patn["PATN_ACTV_FLG"] = np.where(died, b"N", patn["PATN_ACTV_FLG"])
    death_ts = to_ts(ctx, np.where(died, death, 0))
    patn["REC_UPDT_TS"] = np.where(
        died, np.maximum(patn["REC_UPDT_TS"], death_ts), patn["REC_UPDT_TS"]
    )
    _amend_allergies(ctx, block, state, died, death_date, death_ts)
    state["patient_death_s"] = death


def _visit_columns(
    ctx: Context,
    block: int,
    state: dict,
    vis: dict,
    appt: dict,
    att: np.ndarray,
    disp: np.ndarray,
    prim: np.ndarray,
) -> None:
    """VIST's columns, and the visit arrays later steps read, into ``state``."""
    window_end = ctx.days * DAY - 1
    nv = len(vis["pat"])
    staff = staff_index(ctx)
    room = vis["room"]
    ed = vis["type"] == EMER
    ip = vis["type"] == INPT
    vid = row_keys("VS", block, nv, salt=13)
    aid = row_keys("AP", block, len(appt["pat"]), salt=12)
    admit_ts = to_ts(ctx, vis["admit"])
    disch_ts = to_ts(ctx, np.minimum(vis["disch"], window_end))
    room_ids = ctx.col("ROMS", "ROMS_ID")
    dpmt = department_ids()
    nights = (np.minimum(vis["disch"], window_end + 1) // DAY) - vis["adm_day"]
    state.update(
        visit_id=vid,
        visit_patient=vis["pat"],
        visit_type=VISIT_TYPES[vis["type"]],
        visit_type_idx=vis["type"],
        visit_admit_s=vis["admit"],
        visit_discharge_s=np.where(vis["open"], window_end, vis["disch"]),
        visit_open=vis["open"],
        visit_admit=admit_ts,
        visit_discharge=np.where(vis["open"], np.datetime64("NaT", "s"), disch_ts),
        visit_dept_idx=vis["dept"],
        visit_dept=dpmt[vis["dept"]],
        visit_room_idx=room,
        visit_room=np.where(room >= 0, room_ids[np.maximum(room, 0)], b""),
        visit_attending_idx=att,
        visit_attending=staff.ids[att],
        visit_prim_code=prim,
        visit_icu=vis["icu"],
        visit_surgical=vis["surgical"],
        visit_age=vis["age"],
        visit_age_hi=vis["age_hi"],
        visit_female=state["demand"]["pt"]["female"][vis["pat"]],
        visit_nights=np.where(ip, nights, 0),
        appt_id=aid,
    )
    from_appt = vis["appt"] >= 0
    state["vist_columns"] = {
        "VIST_ID": vid,
        "PATN_ID": state["patient_id"][vis["pat"]],
        "APPT_ID": Masked(
            aid[np.maximum(vis["appt"], 0)] if len(aid) else np.full(nv, b""), ~from_appt
        ),
        "VIST_ATND_STFF_ID": staff.ids[att],
        "DPMT_ID": dpmt[vis["dept"]],
        "ROMS_ID": Masked(state["visit_room"], room < 0),
        "VIST_TYP_CD": VISIT_TYPES[vis["type"]],
        "VIST_ADMT_TS": admit_ts,
        "VIST_DSCH_TS": Masked(disch_ts, vis["open"]),
        "VIST_ADMT_SRC_CD": vis["src"],
        "VIST_DSCH_DISP_CD": Masked(disp, vis["open"]),
        "VIST_CHF_CMPLT_TXT": clinical.icd_table()["complaint"][prim],
        "VIST_ESI_LVL": Masked(vis["esi"], ~ed),
        **audit(ctx, admit_ts, np.where(vis["open"], admit_ts, disch_ts)),  # made at admission
    }


def _appointment_columns(
    ctx: Context, r: np.random.Generator, state: dict, appt: dict
) -> dict[str, Any]:
    na = len(appt["pat"])
    st = appt["status"]
    status = np.array([b"COMP", b"NOSH", b"CANC", b"SCHD"])[st]
    icd = clinical.icd_table()
    reason = cat(APPT_REASON_PREFIX[appt["type"]], icd["complaint"][appt["code"]])
    checkin = np.maximum(appt["start"] - r.integers(120, 1200, na), appt["booked"])
    created = to_ts(ctx, appt["booked"])
    last_event = np.where(st == 2, appt["canc"], np.where(st == 3, appt["booked"], appt["start"]))
    rec = audit(ctx, created, to_ts(ctx, last_event))
    state["appt_status"] = status
    room_ids = ctx.col("ROMS", "ROMS_ID")
    return {
        "APPT_ID": state["appt_id"],
        "PATN_ID": state["patient_id"][appt["pat"]],
        "APPT_PRVDR_STFF_ID": staff_index(ctx).ids[appt["prov"]],
        "DPMT_ID": department_ids()[appt["dept"]],
        "ROMS_ID": Masked(
            np.where(appt["room"] >= 0, room_ids[np.maximum(appt["room"], 0)], b""),
            appt["room"] < 0,
        ),
        "APPT_TYP_CD": APPT_TYPES[appt["type"]],
        "APPT_SCHD_DT": to_date(ctx, appt["start"]),
        "APPT_STRT_TM": appt["start"] % DAY,
        "APPT_DUR_MIN": appt["dur"],
        "APPT_BKD_TS": created,
        "APPT_STS_CD": status,
        "APPT_RSN_TXT": reason,
        "APPT_CHKIN_TS": Masked(to_ts(ctx, checkin), st != 0),
        "APPT_CANC_TS": Masked(to_ts(ctx, appt["canc"]), st != 2),
        **rec,
    }


def visit_block(ctx: Context, block: int, state: dict[str, Any]) -> dict[str, Any]:
    return state.pop("vist_columns")


def _amend_allergies(
    ctx: Context,
    block: int,
    state: dict,
    died: np.ndarray,
    death_date: np.ndarray,
    death_ts: np.ndarray,
) -> None:
    """Nothing is recorded after a death: allergy records move to the death date at latest,
    recorded by somebody employed on that day."""
    ptal = state["columns"].get("PTAL")
    if ptal is None or not died.any():
        return
    owner = state["allergy_patient"]
    late = died[owner] & (ptal["PTAL_RCRD_DT"] > death_date[owner])
    if not late.any():
        return
    rec = np.where(late, death_date[owner], ptal["PTAL_RCRD_DT"])
    ptal["PTAL_RCRD_DT"] = rec
    moved = np.flatnonzero(late)
    recorder = np.array(ptal["PTAL_RCRD_BY_STFF_ID"], copy=True)
    recorder[moved] = employed_staff(
        ctx, ctx.rng("PTAL-death", block), rec[moved], ALLERGY_RECORDERS
    )
    ptal["PTAL_RCRD_BY_STFF_ID"] = recorder
    onset = ptal["PTAL_ONST_DT"]
    ptal["PTAL_ONST_DT"] = Masked(np.minimum(onset.values, rec), onset.null)
    ptal["REC_CRTD_TS"] = np.where(
        late, np.minimum(ptal["REC_CRTD_TS"], death_ts[owner]), ptal["REC_CRTD_TS"]
    )
    ptal["REC_UPDT_TS"] = np.where(late, ptal["REC_CRTD_TS"], ptal["REC_UPDT_TS"])


# Supplies used per encounter, by kind (treatments per visit of each type, measured on the
# simulated visits): procedures (incl. therapy and imaging) and lab tests per ED visit,
# observation stay, inpatient stay, clinic visit and video visit (seed 2026, scale 1, with
# procedures drawn for the visits' diagnoses and diabetics' HbA1c tests).
PROCEDURES_PER_VISIT = {"ED": 1.13, "OBSV": 1.07, "INPT": 2.71, "CLINIC": 0.28, "TELE": 0.05}
LAB_TESTS_PER_VISIT = {"ED": 1.46, "OBSV": 1.98, "INPT": 3.91, "CLINIC": 0.66, "TELE": 0.0}


def daily_volumes(
    ctx: Context, demands: list[dict[str, np.ndarray]], allocation: list[dict[str, np.ndarray]]
) -> dict[str, np.ndarray]:
    """The hospital's daily clinical volume, which drives supply use (supply_chain.DRIVERS):
    from pass (a)'s requests and what pass (b) gave them, so that it is known before any
    block writes its detail (every part of a split run can compute it)."""
    D = ctx.days
    sc = ctx.scenario
    counts = {k: np.zeros(D) for k in ("ED", "OBSV", "INPT", "CLINIC", "TELE", "SURG")}
    census = np.zeros(D + 1)

    def add(key: str, secs: np.ndarray, weight: np.ndarray | float = 1.0) -> None:
        day = np.asarray(secs, dtype=np.int64) // DAY
        ok = (day >= 0) & (day < D)
        w = np.broadcast_to(np.asarray(weight, dtype=np.float64), day.shape)
        counts[key] += np.bincount(day[ok], weights=w[ok], minlength=D)[:D]

    kept = 1.0 - sc.no_show_rate - sc.cancellation_rate
    for req, got in zip(demands, allocation, strict=True):
        add("ED", req["ed_start"])
        stay = ~got["bed_transferred"] & ~req["bed_obs"]
        add("OBSV", req["bed_start"][req["bed_obs"]])
        add("INPT", got["bed_admit"][stay])
        add("SURG", got["bed_admit"][stay & req["bed_surgical"]])
        first = np.clip(got["bed_admit"][stay] // DAY, 0, D)
        last = np.clip(np.minimum(req["bed_end"][stay], D * DAY) // DAY, 0, D)
        np.add.at(census, first, 1)
        np.add.at(census, last, -1)
        booked = got["clinic_day"] >= 0
        tele = req["clinic_tele"][booked]
        add("CLINIC", got["clinic_day"][booked][~tele] * DAY, kept)
        add("TELE", got["clinic_day"][booked][tele] * DAY, kept)

    def per_visit(rates: dict[str, float]) -> np.ndarray:
        return sum(rates[k] * counts[k] for k in rates)

    return {
        "ED_VISIT": counts["ED"],
        "OUTPATIENT_VISIT": counts["CLINIC"],
        "INPATIENT_DAY": np.cumsum(census)[:D],
        "PROCEDURE": per_visit(PROCEDURES_PER_VISIT),
        "SURGERY": counts["SURG"],
        "LAB_TEST": per_visit(LAB_TESTS_PER_VISIT),
        "ALL_VISITS": counts["ED"] + counts["OBSV"] + counts["INPT"] + counts["CLINIC"],
    }


def _appointment_wants(ctx: Context, block: int, pt: dict, ev: dict, dies: np.ndarray) -> dict:
    """Pass (a) of the clinic: which patient wants which kind of appointment, in which
    department, from which weekday on, epoch by epoch: each cohort's own wants (random and
    chronic follow-ups) from the (epoch, cohort) stream, then the follow-ups of the epoch's
    episodes from the epoch's. The epoch after the window is drawn too, for the patients
    already registered, as far as bookings reach (the scenario's booking horizon)."""
    last_day = ctx.days - 1 + int(ctx.scenario.future_booking_horizon_days)
    ev_epoch = epoch_of(ctx, ev["arrive"] // DAY)
    groups = []
    for e in range(ctx.epochs + 1):
        if ctx.epoch_days[e] > last_day:
            break
        for c in range(min(e, ctx.epochs - 1) + 1):
            groups.append(_cohort_wants(ctx, block, pt, e, c))
        if e < ctx.epochs:
            groups.append(_episode_wants(ctx, block, pt, ev, dies, e, ev_epoch == e))
    w = {k: np.concatenate([g[k] for g in groups]) for k in groups[0]}
    keep = w["want"] <= last_day - 2
    w = {k: v[keep] for k, v in w.items()}
    w["want"] = to_weekday(np.maximum(w["want"], pt["e0"][w["pat"]]), ctx)
    return w


CLINIC_WAIT_DAYS = 60  # days after the wanted one an appointment may be given, at most


def _want_columns(ctx: Context, r: np.random.Generator, w: dict) -> dict:
    """The wants ``w`` (pat, want, dept, kind, episode, reason) with their appointment type,
    length, latest day and priority."""
    m = len(w["pat"])
    typ = _appointment_types(ctx, r, w["dept"], w["kind"])
    dur = np.where((typ == 1) | (typ == 5), np.where(r.random(m) < 0.55, 15, 20), 20)
    return {
        "pat": w["pat"],
        "want": w["want"],
        "last": w["want"] + CLINIC_WAIT_DAYS,
        "dept": w["dept"],
        "type": typ,
        "dur": dur,
        "prio": r.random(m),
        "episode": w["episode"],
        "reason": w["reason"],
    }


def _cohort_wants(ctx: Context, block: int, pt: dict, epoch: int, cohort: int) -> dict:
    """One cohort's wanted appointments in one epoch: random ones (by age and the patient's
    own propensity) and chronic follow-ups, each chronic follow-up replacing some of the
    patient's random follow-ups (``followups.replace_random_followups``)."""
    sc = ctx.scenario
    r = ctx.epoch_rng("APPT", block, epoch, cohort)
    n0 = int(pt["upto"][cohort - 1]) if cohort else 0
    rows = np.arange(n0, int(pt["upto"][cohort]))
    lo, hi = active_span(ctx, pt, epoch)
    lo, hi = lo[rows], hi[rows]
    age = _age_at_epoch_end(ctx, pt, epoch, len(hi) + n0)[rows]
    age_f = np.select([age < 5, age < 18, age < 45, age < 65], [1.6, 0.7, 0.75, 1.1], 1.6)
    own = ctx.epoch_rng("APPT", block, cohort).gamma(1.2, 1 / 1.2, len(rows))
    g = own * (0.6 + 0.4 * pt["frail"][rows])
    years = np.maximum(hi + 1 - lo, 0) / 365.25
    n_appt = r.poisson(sc.appointments_per_patient_year * age_f * g * years)
    k = np.repeat(np.arange(len(rows)), n_appt)
    m = len(k)
    want = lo[k] + (r.random(m) * (hi[k] + 1 - lo[k])).astype(np.int64)
    pat = rows[k]
    age_at = pt["age_start"][pat] + want / 365.25
    dept = pick_dept(
        r, reference.column("departments", "visit_weight", np.float64), pt["female"][pat], age_at
    )
    chronic = followups.chronic_wants(
        ctx, block, pt, rows, (cohort, epoch), (pt["e0"][rows], pt["leave"][rows])
    )
    nc = len(chronic["pat"])
    w = {
        "pat": np.concatenate([pat, chronic["pat"]]),
        "want": np.concatenate([want, chronic["want"]]),
        "dept": np.concatenate([dept, chronic["dept"]]),
        "kind": np.concatenate([np.zeros(m, np.int64), np.ones(nc, np.int64)]),
        "episode": np.full(m + nc, -1, np.int64),
        "reason": np.concatenate([np.full(m, -1, np.int64), chronic["reason"]]),
    }
    out = _want_columns(ctx, r, w)
    keep = followups.replace_random_followups(ctx, r, out, chronic["pat"], len(hi) + n0)
    return {k: v[keep] for k, v in out.items()}


def _episode_wants(
    ctx: Context, block: int, pt: dict, ev: dict, dies: np.ndarray, epoch: int, mine: np.ndarray
) -> dict:
    """The follow-ups of the episodes arriving in one epoch (``mine``), from the epoch's
    stream: a clinic visit after an inpatient discharge, in the stay's department (medicine
    after intensive care), and the emergency visits' follow-ups (``followups.acute_wants``)."""
    sc = ctx.scenario
    r = ctx.epoch_rng("FLUP", block, epoch)
    idx = np.flatnonzero(mine)
    sub = {k: v[idx] for k, v in ev.items()}
    fu = np.flatnonzero(
        sub["admitted"] & ~dies[idx] & (r.random(len(idx)) < sc.post_discharge_followup_rate)
    )
    fu_dept = np.where(sub["dept"][fu] == dept_index("ICU"), dept_index("MEDS"), sub["dept"][fu])
    fu_dept = np.where(fu_dept == dept_index("EMER"), dept_index("FMED"), fu_dept)
    acute = followups.acute_wants(ctx, r, pt, sub, dies[idx])
    na = len(acute["pat"])
    w = {
        "pat": np.concatenate([sub["pat"][fu], acute["pat"]]),
        "want": np.concatenate(
            [sub["disch"][fu] // DAY + r.integers(6, 16, len(fu)), acute["want"]]
        ),
        "dept": np.concatenate([fu_dept, acute["dept"]]),
        "kind": np.ones(len(fu) + na, np.int64),
        "episode": np.concatenate([idx[fu], idx[acute["episode"]]]),
        "reason": np.concatenate([np.full(len(fu), -1, np.int64), acute["reason"]]),
    }
    return _want_columns(ctx, r, w)


def _appointment_types(
    ctx: Context, r: np.random.Generator, dept: np.ndarray, kind: np.ndarray
) -> np.ndarray:
    m = len(dept)
    u = r.random(m)
    typ = np.searchsorted(
        np.cumsum(APPT_TYPE_SHARES), r.random(m) * sum(APPT_TYPE_SHARES), side="right"
    )
    typ = np.minimum(typ, 4)
    codes = np.array(dept_codes())
    typ = np.where((typ == 2) & ~np.isin(codes[dept], ANNUAL_DEPTS), 1, typ)
    typ = np.where((typ == 4) & ~np.isin(codes[dept], PROCEDURE_DEPTS), 3, typ)
    typ = np.where(kind == 1, 1, typ)
    return np.where(u < ctx.scenario.telehealth_share, 5, typ)


def _book_appointments(
    ctx: Context,
    r: np.random.Generator,
    pt: dict,
    wants: dict,
    alloc: dict,
    death: np.ndarray,
) -> dict:
    """Pass (c) of the clinic: the slots pass (b) gave become bookings, with booking times,
    statuses, exam rooms and reasons."""
    sc = ctx.scenario
    D = ctx.days
    prov, day, slot = alloc["clinic_provider"], alloc["clinic_day"], alloc["clinic_slot"]
    pat, dept, typ, dur = wants["pat"], wants["dept"], wants["type"], wants["dur"]
    ep, reason = wants["episode"], wants["reason"]
    female = pt["female"]
    got = prov >= 0
    # one appointment per patient and day
    sel = np.flatnonzero(got)
    order = sel[np.lexsort((slot[sel], day[sel], pat[sel]))]
    dup = np.concatenate(
        [[False], (pat[order][1:] == pat[order][:-1]) & (day[order][1:] == day[order][:-1])]
    )
    keep = np.sort(order[~dup])
    pat, dept, typ, dur, prov, day, slot, ep, reason = (
        a[keep] for a in (pat, dept, typ, dur, prov, day, slot, ep, reason)
    )
    m = len(pat)
    start = day * DAY + capacity.CLINIC_OPEN + slot * capacity.SLOT_SECONDS
    lead = (r.exponential(sc.booking_lead_days_mean, m) * DAY).astype(np.int64) + r.integers(
        3600, DAY, m
    )
    reg_s = pt["reg_day"][pat] * DAY + 8 * HOUR
    booked = np.minimum(np.maximum(start - lead, reg_s), start - 600)
    window_end = D * DAY - 1
    keep = (booked <= window_end) & (start < death[pat]) & (booked < death[pat])
    pat, dept, typ, dur, prov, day, slot, start, booked, ep, reason = (
        a[keep] for a in (pat, dept, typ, dur, prov, day, slot, start, booked, ep, reason)
    )
    m = len(pat)
    u = r.random(m)
    no_show = _no_show_chance(sc, pt, pat, day, start, booked)
    status = np.where(u < no_show, 1, np.where(u < no_show + sc.cancellation_rate, 2, 0))
    status = np.where(start > window_end, 3, status)
    canc = booked + (r.random(m) * (start - booked)).astype(np.int64)
    born = pt["birth_day"][pat]
    code = clinical.pick_codes(
        r, dept, female[pat], (day - born - 2) / 365.25, day, ctx, age_hi=(day - born + 2) / 365.25
    )
    code = clinical.chronic_primaries(ctx, r, pt["health"], pat, dept, day, code)
    code = followups.chronic_codes(pt["health"], pat, reason, code)
    return {
        "pat": pat,
        "dept": dept,
        "type": typ,
        "dur": dur,
        "prov": prov,
        "start": start,
        "booked": booked,
        "status": status,
        "canc": canc,
        "room": _exam_rooms(ctx, dept, prov, typ),
        "code": code,
        "episode": ep,
        "reason": reason,
    }


def _no_show_chance(
    sc: Scenario, pt: dict, pat: np.ndarray, day: np.ndarray, start: np.ndarray, booked: np.ndarray
) -> np.ndarray:
    """Each booking's chance of a no-show: higher the longer ahead it was booked (days from
    the booking's date to the appointment's) and the younger the patient on the day; the
    scenario's relative risks spread its no-show rate, which stays the overall rate."""
    lead_days = start // DAY - booked // DAY
    age = (day - pt["birth_day"][pat]) / 365.25
    risk = band_factor(sc.no_show_risk_by_lead_days, lead_days, LEAD_EDGES) * band_factor(
        sc.no_show_risk_by_age, age, AGE_EDGES
    )
    return np.minimum(spread(sc.no_show_rate, risk), 1.0 - sc.cancellation_rate)


def _exam_rooms(ctx: Context, dept: np.ndarray, prov: np.ndarray, typ: np.ndarray) -> np.ndarray:
    """The provider's usual exam room in the department (telehealth has none)."""
    rtype = ctx.col("ROMS", "ROMS_TYP_CD")
    dept_pos = {d: i for i, d in enumerate(department_ids())}
    rdept = np.array([dept_pos[d] for d in ctx.col("ROMS", "DPMT_ID")], dtype=np.int64)
    room = np.full(len(dept), -1, dtype=np.int64)
    for d in np.unique(dept):
        exam = np.flatnonzero((rtype == b"EXAM") & (rdept == d))
        mm = dept == d
        if len(exam):
            room[mm] = exam[prov[mm] % len(exam)]
    return np.where(typ == 5, -1, room)
