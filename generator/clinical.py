"""Clinical content of visits: diagnoses, treatments, medical teams and medicine doses.

Reference data (beside the code, curated by hand and checked by tests against the
``simple-icd-10-cm`` package, which is never imported here):

- ``reference/icd10_codes.csv``: real billable ICD-10-CM codes with their official
  descriptions; the departments where each may be the primary (or admitting) diagnosis;
  the sex and age range it fits; a weight; whether it is a respiratory diagnosis with a
  winter peak; whether it may be recorded as a secondary diagnosis on any visit (chronic
  conditions, status codes); the chief complaint a patient would give.
- ``reference/icd10_long_tail.csv``: the same columns for thousands of less common codes,
  written by ``scripts/build_icd_reference.py`` from the package (never by hand).
- ``reference/procedures.csv``: HCPCS Level II and internal chargemaster codes (never CPT)
  with type, departments, visit types, patient fit, charge range, duration, who performs
  them and where, and the ICD-10-CM prefixes of the diagnoses each is done for.

Rules the data keeps (checked by tests): one primary diagnosis per visit; a diagnosis fits
the patient's sex and age; a primary or admitting diagnosis fits the visit's department, a
secondary one fits it or is marked ``secondary``; present-on-admission flags on inpatient
diagnoses only; every treatment addresses a diagnosis of its visit that it is done for (its
procedure's ``indications``; none: any), starts and ends inside
it and is performed by staff employed that day; every team member and dose falls inside the
visit; no dose of a drug class the patient has an active allergy to; the route is the
medicine's own (which fits its form); only given doses are charged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa

from generator import conditions, reference
from generator.columns import Masked, to_arrow
from generator.core import (
    DAY,
    EMER,
    HOUR,
    INPT,
    OBSV,
    OUTP,
    TELE,
    VISIT_TYPES,
    Context,
    StaffIndex,
    audit,
    day_of_year,
    department_ids,
    dept_codes,
    dept_index,
    row_keys,
    staff_index,
)
from generator.scenario import Scenario

MAX_AGE = 110
# a code proposed for a visit and not fitting the patient's age is drawn again, this many
# times at most (then the visit draws among exactly its fitting codes)
PROPOSAL_ROUNDS = 6
FALLBACK_CODE = "Z09"  # follow-up examination: fits every clinical department and patient


# the curated common codes, then the long tail built from the public code set by
# scripts/build_icd_reference.py (make icd-reference)
ICD_FILES = ("icd10_codes", "icd10_long_tail")


@reference.shared
def icd_table() -> dict[str, np.ndarray]:

    rows = [row for name in ICD_FILES for row in reference.rows(name)]
    depts = dept_codes()
    n = len(rows)
    mask = np.zeros((len(depts), n), dtype=bool)
    for j, row in enumerate(rows):
        for d in row["departments"].split("|") if row["departments"] else []:
            mask[depts.index(d), j] = True
    sex = np.array([row["sex"] for row in rows])
    return {
        "code": np.array([row["code"] for row in rows], dtype="S"),
        "description": np.array([row["description"].encode() for row in rows], dtype="S"),
        "dept_mask": mask,
        "female_ok": sex != "M",
        "male_ok": sex != "F",
        "min_age": np.array([int(row["min_age"]) for row in rows]),
        "max_age": np.array([int(row["max_age"]) for row in rows]),
        "weight": np.array([float(row["weight"]) for row in rows]),
        "seasonal": np.array([row["seasonal"] == "Y" for row in rows]),
        "secondary": np.array([row["secondary"] == "Y" for row in rows]),
        "complaint": np.array([row["complaint"].encode() for row in rows], dtype="S"),
        "fallback": np.array([row["code"] == FALLBACK_CODE for row in rows]),
        # a chronic condition's code: carried by the patients who have it, never drawn
        "chronic": np.array([row["code"][:3] in conditions.CHRONIC_PREFIXES for row in rows]),
    }


@reference.shared
@reference.shared
def icd_text(column: str) -> pa.Array:
    """A text column of :func:`icd_table` as an Arrow string array: a block's column is
    taken from it (Arrow copies each value's own bytes, without the GIL), not gathered at the
    widest value's width and trimmed again (a tenth of the time for descriptions)."""
    return to_arrow(icd_table()[column], "str", pa.string())


def _codes_sorted() -> tuple[np.ndarray, np.ndarray]:
    """(the codes of :func:`icd_table` sorted, their rows): one binary search finds a code."""
    order = np.argsort(icd_table()["code"], kind="stable")
    return icd_table()["code"][order], order


def code_rows(codes: np.ndarray) -> np.ndarray:
    """The row in :func:`icd_table` of each code (every one must be there)."""
    ordered, rows = _codes_sorted()
    at = np.minimum(np.searchsorted(ordered, codes), len(ordered) - 1)
    if not (ordered[at] == codes).all():
        missing = np.unique(codes[ordered[at] != codes])
        raise KeyError(f"codes not in the ICD-10-CM table: {missing}")
    return rows[at]


@reference.shared
def department_fit() -> np.ndarray:
    """(department, sex [0 male, 1 female], age in years) -> has a fitting primary code
    other than the generic follow-up code."""
    t = icd_table()
    ages = np.arange(MAX_AGE + 1)
    age_ok = (t["min_age"][None, :] <= ages[:, None]) & (t["max_age"][None, :] >= ages[:, None])
    out = np.zeros((t["dept_mask"].shape[0], 2, MAX_AGE + 1), dtype=bool)
    real = t["dept_mask"] & ~(t["fallback"] | t["chronic"])[None, :]
    for s, ok in enumerate((t["male_ok"], t["female_ok"])):
        out[:, s, :] = (real.astype(np.int64) @ (age_ok & ok[None, :]).T.astype(np.int64)) > 0
    return out


def _fitting_parts(
    dept: int, female: bool, secondary: bool, young: int | None = None, old: int | None = None
) -> tuple:
    """(codes, cumulative weights) of the codes a visit may get, in two parts: codes without
    and with a winter peak; with ``young`` and ``old``, only codes that fit both ages."""
    t = icd_table()
    ok = t["dept_mask"][dept]
    # secondary picks may use any code marked secondary; primary ones never the fallback
    ok = (ok | t["secondary"]) if secondary else (ok & ~t["fallback"])
    ok = ok & (t["female_ok"] if female else t["male_ok"]) & ~t["chronic"]
    if young is not None:
        ok = ok & (t["min_age"] <= young) & (t["max_age"] >= old)
    parts = []
    for seasonal in (False, True):
        idx = np.flatnonzero(ok & (t["seasonal"] == seasonal) & (t["weight"] > 0))
        parts.append((idx, np.cumsum(t["weight"][idx])))
    return tuple(parts)


@reference.shared
def _department_sex_codes(secondary: bool) -> tuple[dict, dict]:
    """Every (department, sex) group's codes whatever the age, laid end to end (group
    ``2 * department + female``): the proposals of :func:`pick_codes`."""
    groups = [
        _fitting_parts(d, f, secondary) for d in range(len(dept_codes())) for f in (False, True)
    ]
    return _laid_end_to_end([g[0] for g in groups]), _laid_end_to_end([g[1] for g in groups])


def _exact_codes(r, dept, female, years, years_hi, season, secondary: bool) -> np.ndarray:
    """Codes drawn among exactly those fitting each visit's ages (the slow path, for the few
    visits whose proposals keep failing): one group per department, sex and ages."""
    key = ((np.asarray(dept, np.int64) * 2 + female) * 1000 + years) * 1000 + years_hi
    _, first, group = np.unique(key, return_index=True, return_inverse=True)
    parts = [
        _fitting_parts(int(dept[i]), bool(female[i]), secondary, int(years[i]), int(years_hi[i]))
        for i in first
    ]
    plain = _laid_end_to_end([p[0] for p in parts])
    winter = _laid_end_to_end([p[1] for p in parts])
    return _draw(plain, winter, group, season, r.random(len(group)))


def pick_codes(
    r: np.random.Generator,
    dept: np.ndarray,
    female: np.ndarray,
    age: np.ndarray,
    day: np.ndarray,
    ctx: Context,
    secondary: bool = False,
    age_hi: np.ndarray | None = None,
) -> np.ndarray:
    """An ICD-10-CM row per visit, by weight among codes that fit the department, sex and age,
    respiratory codes weighted up in winter, never a chronic condition's code (those come
    from the patient's health state). Secondary picks may also use any code marked
    ``secondary``; they return -1 where nothing fits.

    Vectorized rejection sampling: a code is proposed by the weights of the visit's
    department and sex (each group's cumulative weights laid end to end and cached, one
    binary search for all visits), and kept if it fits every age the patient has during the
    visit; visits whose proposal did not fit draw again. Kept proposals follow the weights
    of the fitting codes exactly. The few visits still without a code after a few rounds
    draw among exactly their fitting codes."""
    n = len(dept)
    out = np.full(n, -1, dtype=np.int64)
    if not n:
        return out
    t = icd_table()
    amp = ctx.scenario.respiratory_winter_amplitude
    doy = day_of_year(np.asarray(day, dtype=np.int64), ctx)
    season = 1 + amp * np.cos(2 * np.pi * (doy - 15) / 365.25)
    # the code fits every age the patient has during the visit (``age`` .. ``age_hi``)
    years = np.clip(np.floor(age).astype(np.int64), 0, MAX_AGE)
    years_hi = years if age_hi is None else np.clip(np.floor(age_hi).astype(np.int64), 0, MAX_AGE)
    group = np.asarray(dept, np.int64) * 2 + female
    plain, winter = _department_sex_codes(secondary)
    todo = np.arange(n)
    for _ in range(PROPOSAL_ROUNDS):
        code = _draw(plain, winter, group[todo], season[todo], r.random(len(todo)))
        fits = (
            (code >= 0)
            & (t["min_age"][code] <= years[todo])
            & (t["max_age"][code] >= years_hi[todo])
        )
        out[todo[fits]] = code[fits]
        todo = todo[~fits & (code >= 0)]  # -1: the department has no code for this sex
        if not len(todo):
            break
    if len(todo):
        out[todo] = _exact_codes(
            r, dept[todo], female[todo], years[todo], years_hi[todo], season[todo], secondary
        )
    if not secondary:
        out[out < 0] = int(np.flatnonzero(t["fallback"])[0])
    return out


def chronic_primaries(
    ctx: Context,
    r: np.random.Generator,
    health: dict[str, np.ndarray],
    pat: np.ndarray,
    dept: np.ndarray,
    day: np.ndarray,
    code: np.ndarray,
) -> np.ndarray:
    """Clinic appointments' reasons with the patients' conditions: an appointment in a
    department that treats one of the patient's active conditions (the condition's code is
    a primary code of that department) is for it, at the scenario's rate (one condition per
    appointment, drawn among those that fit)."""
    v, c = conditions.active(health, pat, day)
    rows = code_rows(health["code"][pat[v], c])
    fits = icd_table()["dept_mask"][np.asarray(dept, np.int64)[v], rows]
    v, rows = v[fits], rows[fits]
    order = np.lexsort((r.random(len(v)), v))
    first = order[_first_of_group(v[order])]
    take = first[r.random(len(first)) < ctx.scenario.chronic_primary_in_own_clinic]
    out = np.array(code, copy=True)
    out[v[take]] = rows[take]
    return out


def weighted_draw(
    u: np.ndarray,
    key: np.ndarray,
    candidates: Callable[[int], np.ndarray],
    weights: Callable[[np.ndarray, np.ndarray], np.ndarray],
    n_columns: int,
    chunk: int = 4096,
) -> np.ndarray:
    """Per row, the column of ``n_columns`` at which the running sum of the row's weights
    first exceeds ``u`` times their total (the last column if none does); -1 where the total
    is zero. Rows of one ``key`` share their ``candidates`` columns, and ``weights(rows,
    cols)`` gives their weights there; every other column weighs zero, so leaving it out
    changes no partial sum: the draw is the one a cumulative sum over all the columns makes,
    at a fraction of its cost."""
    out = np.full(len(u), -1, dtype=np.int64)
    order = np.argsort(key, kind="stable")
    groups, starts = np.unique(key[order], return_index=True)
    for g, lo, hi in zip(groups, starts, [*starts[1:], len(order)], strict=True):
        cols = candidates(int(g))
        if not len(cols):
            continue
        for at in range(lo, hi, chunk):
            rows = order[at : min(hi, at + chunk)]
            cdf = np.cumsum(weights(rows, cols), axis=1)
            total = cdf[:, -1]
            below = (cdf <= (u[rows] * total)[:, None]).sum(axis=1)
            idx = np.where(below < len(cols), cols[np.minimum(below, len(cols) - 1)], n_columns - 1)
            out[rows] = np.where(total > 0, idx, -1)
    return out


def _draw(plain: dict, winter: dict, group: np.ndarray, season: np.ndarray, u: np.ndarray):
    """A code per row by inverse CDF over its group's two parts (codes with a winter peak
    weighted by the day's season); -1 where the group has no code."""
    total_n = plain["total"][group]
    total_s = winter["total"][group] * season
    x = u * (total_n + total_s)
    out = np.where(
        x >= total_n,
        _search(winter, group, (x - total_n) / season),
        _search(plain, group, x),
    )
    return np.where(total_n + total_s > 0, out, -1)


def _laid_end_to_end(parts: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
    """Groups' (codes, cumulative weights) as one increasing array: each group's stretch
    starts where the previous one's total ends."""
    sizes = np.array([len(idx) for idx, _ in parts], dtype=np.int64)
    total = np.array([cdf[-1] if len(cdf) else 0.0 for _, cdf in parts])
    base = np.concatenate([[0.0], np.cumsum(total)[:-1]])
    return {
        "code": np.concatenate([idx for idx, _ in parts]).astype(np.int64),
        "cdf": np.concatenate([b + cdf for b, (_, cdf) in zip(base, parts, strict=True)]),
        "start": np.concatenate([[0], np.cumsum(sizes)[:-1]]),
        "size": sizes,
        "base": base,
        "total": total,
    }


def _search(laid: dict[str, np.ndarray], group: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The code at weight ``x`` in each row's group (-1 where the group has none)."""
    if not len(laid["code"]):
        return np.full(len(group), -1, np.int64)
    pos = np.searchsorted(laid["cdf"], laid["base"][group] + x, side="right")
    start, size = laid["start"][group], laid["size"][group]
    pos = np.clip(pos, start, start + np.maximum(size, 1) - 1)
    return np.where(size > 0, laid["code"][np.minimum(pos, len(laid["code"]) - 1)], -1)


@reference.shared
def procedure_table() -> dict[str, np.ndarray]:

    rows = reference.rows("procedures")
    depts = dept_codes()
    n = len(rows)
    dmask = np.zeros((len(depts), n), dtype=bool)
    vmask = np.zeros((len(VISIT_TYPES), n), dtype=bool)
    vt = [v.decode() for v in VISIT_TYPES]
    for j, row in enumerate(rows):
        ds = depts if row["departments"] == "ALL" else row["departments"].split("|")
        for d in ds:
            dmask[depts.index(d), j] = True
        for v in row["visit_types"].split("|"):
            vmask[vt.index(v), j] = True
    sex = np.array([row["sex"] for row in rows])
    return {
        "code": np.array([row["code"] for row in rows], dtype="S"),
        "description": np.array([row["description"].encode() for row in rows], dtype="S"),
        "type": np.array([row["type"] for row in rows], dtype="S"),
        "dept_mask": dmask,
        "visit_mask": vmask,
        "female_ok": sex != "M",
        "male_ok": sex != "F",
        "min_age": np.array([int(row["min_age"]) for row in rows]),
        "max_age": np.array([int(row["max_age"]) for row in rows]),
        "charge_min": np.array([float(row["charge_min"]) for row in rows]),
        "charge_max": np.array([float(row["charge_max"]) for row in rows]),
        "duration": np.array([int(row["duration_min"]) for row in rows]),
        "role": np.array([row["performer_role"] for row in rows], dtype="S"),
        "performer_dept": np.array([row["performer_dept"] for row in rows]),
        "room_type": np.array([row["room_type"] for row in rows], dtype="S"),
        "weight": np.array([float(row["weight"]) for row in rows]),
        # ICD-10-CM prefixes of the diagnoses it is done for (empty: any diagnosis)
        "indications": tuple(
            tuple(row["indications"].split("|")) if row["indications"] else () for row in rows
        ),
    }


@reference.shared
def procedure_indications() -> np.ndarray:
    """code x procedure: the procedure is done for a diagnosis with that code (every code
    for a procedure without indications: generic labs, monitoring, vaccines...)."""
    codes = icd_table()["code"]
    return np.stack(
        [
            conditions.starts_with_any(codes, pre) if pre else np.ones(len(codes), bool)
            for pre in procedure_table()["indications"]
        ],
        axis=1,
    )


@reference.shared
def surgery_fit() -> np.ndarray:
    """(department, code) -> a surgery of the department, done on inpatients, is done for
    a diagnosis with that code."""
    t = procedure_table()
    surg = np.flatnonzero(t["type"] == b"SURG")
    does = (t["dept_mask"][:, surg] & t["visit_mask"][INPT, surg][None, :]).astype(np.int64)
    return (does @ procedure_indications()[:, surg].T.astype(np.int64)) > 0


def _pick_procedures(
    r: np.random.Generator,
    dept,
    vtype,
    female,
    age,
    types: tuple[bytes, ...],
    fits: np.ndarray | None = None,
):
    """A procedure row per treatment among those fitting department, visit type, sex, age,
    one of ``types`` and (``fits``: treatment x procedure) the visit's diagnoses; -1 where
    none fits."""
    t = procedure_table()
    n = len(dept)
    if not n:
        return np.full(n, -1, dtype=np.int64)
    type_ok = np.isin(t["type"], types) & ~np.isin(t["code"], DELIVERIES)
    years = np.clip(np.floor(age).astype(np.int64), 0, MAX_AGE)
    u = r.random(n)
    by_sex = (t["male_ok"], t["female_ok"])
    n_types = len(VISIT_TYPES)

    def candidates(key: int) -> np.ndarray:
        d, rest = divmod(key, 2 * n_types)
        v, f = divmod(rest, 2)
        return np.flatnonzero(t["dept_mask"][d] & t["visit_mask"][v] & type_ok & by_sex[f])

    def weights(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        ok = (t["min_age"][cols] <= years[rows, None]) & (t["max_age"][cols] >= years[rows, None])
        if fits is not None:
            ok &= fits[rows][:, cols]
        return ok * t["weight"][cols]

    female = np.asarray(female, dtype=bool)
    key = (np.asarray(dept, dtype=np.int64) * n_types + np.asarray(vtype)) * 2 + female
    return weighted_draw(u, key, candidates, weights, len(t["code"]))


def _within(r: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A second in [lo, hi] per row."""
    span = np.maximum(hi - lo, 0)
    return lo + (r.random(len(lo)) * (span + 1)).astype(np.int64)


def _ts(ctx: Context, secs: np.ndarray) -> np.ndarray:
    return ctx.start_ts + np.asarray(secs, dtype=np.int64).astype("timedelta64[s]")


def _date(ctx: Context, secs: np.ndarray) -> np.ndarray:
    return ctx.start + (np.asarray(secs, dtype=np.int64) // DAY).astype("timedelta64[D]")


def _first_of_group(group: np.ndarray) -> np.ndarray:
    return np.concatenate([[True], group[1:] != group[:-1]]) if len(group) else np.zeros(0, bool)


def _rank_in_group(group: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within runs of equal values of a sorted array."""
    n = len(group)
    if not n:
        return np.zeros(0, np.int64)
    starts = np.flatnonzero(_first_of_group(group))
    run = np.repeat(starts, np.diff(np.append(starts, n)))
    return np.arange(n) - run


# ----------------------------------------------------------------------------- DIAG


def diagnosis_block(ctx: Context, block: int, state: dict[str, Any]) -> dict[str, Any]:

    r = ctx.rng("DIAG", block)
    t = icd_table()
    a_s, d_s = state["visit_admit_s"], state["visit_discharge_s"]
    inpt = state["visit_type_idx"] == INPT
    ia = np.flatnonzero(inpt)
    adm_code = _admitting_codes(ctx, r, state, ia)
    newborn = state.get("visit_newborn", np.zeros(len(inpt), bool))
    adm_code = np.where(newborn[ia], state["visit_prim_code"][ia], adm_code)  # Z38
    sv, s_code = _secondary_codes(ctx, r, state)
    rows_visit, rows_code, rows_kind = _diagnosis_rows(state, ia, adm_code, sv, s_code)
    n = len(rows_visit)
    seq = _rank_in_group(rows_visit) + 1  # PRIM 1, SECD 2.., ADMT last
    # dates: primary and admitting on the admission day, secondary any day of the visit
    when = np.where(rows_kind == 1, _within(r, a_s[rows_visit], d_s[rows_visit]), a_s[rows_visit])
    is_in = inpt[rows_visit]
    poa = _present_on_admission(r, rows_code, rows_kind)
    ids = row_keys("DX", block, n, salt=14)
    state["diag_visit"] = rows_visit
    state["diag_code"] = rows_code
    state["diag_id"] = ids
    state["diag_kind"] = rows_kind
    # the primary and admitting diagnoses are entered with the visit (a visit in progress on
    # the end date has them); a secondary one is charted within hours of being made
    charted = np.minimum(when + r.integers(600, 4 * HOUR, n), d_s[rows_visit])
    created = _ts(ctx, np.where(rows_kind == 1, charted, a_s[rows_visit]))
    state["diag_created"] = created
    return {
        "DIAG_ID": ids,
        "VIST_ID": state["visit_id"][rows_visit],
        "DIAG_ICD10_CD": t["code"][rows_code],
        "DIAG_DESC_TXT": icd_text("description").take(pa.array(rows_code, pa.int64())),
        "DIAG_TYP_CD": np.array([b"PRIM", b"SECD", b"ADMT"])[rows_kind],
        "DIAG_SEQ_NO": seq,
        "DIAG_DT": _date(ctx, when),
        "DIAG_POA_CD": Masked(poa, ~is_in),
        "DIAG_BY_STFF_ID": state["visit_attending"][rows_visit],
        **audit(ctx, created),
    }


def _admitting_codes(
    ctx: Context, r: np.random.Generator, state: dict[str, Any], ia: np.ndarray
) -> np.ndarray:
    """Admitting diagnosis of the inpatient visits ``ia``: often the primary one, else
    another of the department's codes."""
    dept, female, age = state["visit_dept_idx"], state["visit_female"], state["visit_age"]
    day = state["visit_admit_s"][ia] // DAY
    return np.where(
        r.random(len(ia)) < 0.5,
        state["visit_prim_code"][ia],
        pick_codes(r, dept[ia], female[ia], age[ia], day, ctx, age_hi=state["visit_age_hi"][ia]),
    )


def _secondary_codes(
    ctx: Context, r: np.random.Generator, state: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    """(visit, code or -1) of secondary diagnoses: more with age and for inpatients."""
    sc = ctx.scenario
    vt = state["visit_type_idx"]
    dept, female, age = state["visit_dept_idx"], state["visit_female"], state["visit_age"]
    factor = np.select([vt == INPT, vt == EMER, vt == TELE, vt == OUTP], [1.8, 0.8, 0.5, 1.0], 1.0)
    lam = (sc.secondary_diagnoses_base + sc.secondary_diagnoses_per_year_of_age * age) * factor
    # a baby's birth stay: only the neonatal codes of generator/newborns.py
    lam = np.where(state.get("visit_newborn", np.zeros(len(vt), bool)), 0.0, lam)
    k = np.minimum(r.poisson(lam), 8)
    sv = np.repeat(np.arange(len(vt)), k)
    day = state["visit_admit_s"][sv] // DAY
    s_code = pick_codes(
        r, dept[sv], female[sv], age[sv], day, ctx, secondary=True, age_hi=state["visit_age_hi"][sv]
    )
    cv, c_code = _chronic_secondaries(ctx, r, state)
    nv, n_code = state.get("newborn_secondary", (np.zeros(0, np.int64), np.zeros(0, np.int64)))
    return np.concatenate([sv, cv, nv]), np.concatenate([s_code, c_code, n_code])


def _chronic_secondaries(
    ctx: Context, r: np.random.Generator, state: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    """(visit, code) of the patients' active chronic conditions coded on their visits: on the
    patient's first visit with the condition active at one rate, then on inpatient,
    observation and ED visits at another, clinic and video visits at a third (diabetes at a
    fourth in a department that treats it)."""
    sc = ctx.scenario
    pat = state["visit_patient"]
    v, c = conditions.active(state["health"], pat, state["visit_admit_s"] // DAY)
    acute = np.isin(state["visit_type_idx"][v], [INPT, OBSV, EMER])
    code = code_rows(state["health"]["code"][pat[v], c])
    # a clinic of a department that treats diabetes (its code is one of the department's
    # primary codes) manages it, and monitors it (an HbA1c, _monitoring_tests): coded at its
    # own, higher rate
    own = (c == conditions.DIABETES) & icd_table()["dept_mask"][state["visit_dept_idx"][v], code]
    clinic = np.where(own, sc.diabetes_coded_in_own_clinic, sc.chronic_coded_on_clinic_visit)
    rate = np.where(acute, sc.chronic_coded_on_acute_visit, clinic)
    # the first visit after the onset (visits are in time order per patient) records it
    _, first = np.unique(pat[v] * len(conditions.CONDITIONS) + c, return_index=True)
    rate[first] = np.maximum(rate[first], sc.chronic_coded_on_first_visit)
    keep = r.random(len(v)) < rate
    return v[keep], code[keep]


def _diagnosis_rows(
    state: dict[str, Any],
    ia: np.ndarray,
    adm_code: np.ndarray,
    sv: np.ndarray,
    s_code: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(visit, code, kind 0 PRIM / 1 SECD / 2 ADMT) of every diagnosis, sorted by visit and
    kind; a secondary code appears once per visit and never repeats the primary one."""
    nv = len(state["visit_type_idx"])
    rows_visit = np.concatenate([np.arange(nv), sv, ia])
    rows_code = np.concatenate([state["visit_prim_code"], s_code, adm_code])
    rows_kind = np.concatenate(
        [np.zeros(nv, np.int64), np.ones(len(sv), np.int64), np.full(len(ia), 2, np.int64)]
    )
    prim_of = state["visit_prim_code"][rows_visit]
    keep = (rows_kind != 1) | ((rows_code >= 0) & (rows_code != prim_of))
    rows_visit, rows_code, rows_kind = rows_visit[keep], rows_code[keep], rows_kind[keep]
    order = np.lexsort((rows_code, rows_kind, rows_visit))
    rows_visit, rows_code, rows_kind = rows_visit[order], rows_code[order], rows_kind[order]
    dup = np.concatenate(
        [
            [False],
            (rows_visit[1:] == rows_visit[:-1])
            & (rows_code[1:] == rows_code[:-1])
            & (rows_kind[1:] == 1)
            & (rows_kind[:-1] == 1),
        ]
    )
    return rows_visit[~dup], rows_code[~dup], rows_kind[~dup]


def _present_on_admission(
    r: np.random.Generator, rows_code: np.ndarray, rows_kind: np.ndarray
) -> np.ndarray:
    """Present-on-admission flag: Y for primary and admitting diagnoses; mostly Y for
    chronic (secondary-marked) codes; Y, N, U or W for the others."""
    n = len(rows_code)
    return np.where(
        rows_kind != 1,
        b"Y",
        np.where(
            icd_table()["secondary"][rows_code],
            np.where(r.random(n) < 0.9, b"Y", b"U"),
            np.array([b"Y", b"N", b"U", b"W"])[
                np.minimum(np.searchsorted([0.6, 0.9, 0.97], r.random(n), side="right"), 3)
            ],
        ),
    )


# ----------------------------------------------------------------------------- TRTM


def treatment_block(ctx: Context, block: int, state: dict[str, Any]) -> dict[str, Any]:

    r = ctx.rng("TRTM", block)
    t = procedure_table()
    staff = staff_index(ctx)
    k = _treatments_per_visit(ctx, r, state)
    fits = _coded(state, procedure_indications())
    tv, proc = _treatment_procedures(r, state, k, fits, ctx.scenario)
    n = len(tv)
    surg = t["type"][proc] == b"SURG"
    start, end = _treatment_times(r, state, tv, proc, surg)
    perf, pdept = _treatment_performers(r, staff, state, tv, proc, start, end)
    room = _treatment_rooms(ctx, r, state, tv, proc, pdept)
    pick = _addressed_diagnosis(r, state, tv, proc)
    charge = t["charge_min"][proc] + r.random(n) * (t["charge_max"][proc] - t["charge_min"][proc])
    charge_cents = (np.round(charge) * 100).astype(np.int64)
    ptype = t["type"][proc]
    outcome = _treatment_outcome(r, ptype, surg)
    ids = row_keys("TR", block, n, salt=15)
    has_surg = np.zeros(len(state["visit_type_idx"]), bool)
    has_surg[tv[surg]] = True
    state.update(
        trtm_id=ids,
        trtm_visit=tv,
        trtm_code=t["code"][proc],
        trtm_desc=t["description"][proc],
        trtm_type=ptype,
        trtm_charge_cents=charge_cents,
        trtm_start=_ts(ctx, start),
        trtm_start_s=start,
        trtm_end_s=end,
        visit_has_surgery=has_surg,
    )
    room_ids = ctx.col("ROMS", "ROMS_ID")
    return {
        "TRTM_ID": ids,
        "VIST_ID": state["visit_id"][tv],
        "DIAG_ID": state["diag_id"][pick],
        "TRTM_PRF_BY_STFF_ID": staff.ids[perf],
        "ROMS_ID": Masked(np.where(room >= 0, room_ids[np.maximum(room, 0)], b""), room < 0),
        "TRTM_CD": t["code"][proc],
        "TRTM_DESC_TXT": t["description"][proc],
        "TRTM_TYP_CD": ptype,
        "TRTM_STRT_TS": _ts(ctx, start),
        "TRTM_END_TS": _ts(ctx, end),
        "TRTM_CHRG_AMT": charge_cents,
        "TRTM_OUTC_CD": outcome,
        # charted once done, and no earlier than the diagnosis it addresses
        **audit(ctx, np.maximum(_ts(ctx, end), state["diag_created"][pick])),
    }


def _treatments_per_visit(
    ctx: Context, r: np.random.Generator, state: dict[str, Any]
) -> np.ndarray:
    """How many non-surgical treatments each visit gets, by visit type and length of stay."""
    sc = ctx.scenario
    vt = state["visit_type_idx"]
    days = np.maximum((state["visit_discharge_s"] - state["visit_admit_s"]) / DAY, 0)
    lam = np.select(
        [vt == OUTP, vt == TELE, vt == EMER, vt == OBSV, vt == INPT],
        [
            sc.treatments_per_outpatient_visit,
            0.15,
            sc.treatments_per_ed_visit - 1,
            2.0,
            1 + sc.treatments_per_inpatient_day * np.minimum(days, 20),
        ],
        0.0,
    )
    return r.poisson(lam) + np.isin(vt, [EMER, OBSV, INPT])


def _treatment_procedures(
    r: np.random.Generator,
    state: dict[str, Any],
    k: np.ndarray,
    fits: np.ndarray,
    sc: Scenario,
) -> tuple[np.ndarray, np.ndarray]:
    """(visit, procedure) of each treatment, sorted by visit: k picks per visit, plus surgery
    for surgical admissions and day surgery, and the delivery of each live birth; a
    procedure with indications only on a visit with one of them among its diagnoses
    (``fits``: visit x procedure)."""
    vt = state["visit_type_idx"]
    tv = np.repeat(np.arange(len(vt)), k)
    dept, female, age = state["visit_dept_idx"], state["visit_female"], state["visit_age"]
    proc = _pick_procedures(
        r, dept[tv], vt[tv], female[tv], age[tv], (b"LAB", b"IMGN", b"PROC", b"THER"), fits[tv]
    )
    sv = np.flatnonzero(state["visit_surgical"])
    sproc = _pick_procedures(r, dept[sv], vt[sv], female[sv], age[sv], (b"SURG",), fits[sv])
    mv, mproc = _monitoring_tests(r, state, sc.hba1c_per_diabetic_visit)
    dv, dproc = _deliveries(r, state, sc.cesarean_share)
    tv = np.concatenate([tv, sv, mv, dv])
    proc = np.concatenate([proc, sproc, mproc, dproc])
    keep = proc >= 0
    tv, proc = tv[keep], proc[keep]
    order = np.lexsort((proc, tv))
    return tv[order], proc[order]


VAGINAL_DELIVERY = b"CM-PRC-0253"
CESAREAN_DELIVERY = b"CM-SRG-0315"
DELIVERIES = (VAGINAL_DELIVERY, CESAREAN_DELIVERY)


def _deliveries(
    r: np.random.Generator, state: dict[str, Any], cesarean_share: float
) -> tuple[np.ndarray, np.ndarray]:
    """(visit, procedure) of the deliveries: one on each mother's stay that ended in a live
    birth (``generator/newborns.py``), a cesarean at ``cesarean_share``, else vaginal. A
    delivery is never drawn at random, so every one has its baby."""
    t = procedure_table()
    dv = np.unique(state.get("newborn_mother_visit", np.zeros(0, np.int64)))
    dv = dv[dv >= 0]
    rows = np.array([np.flatnonzero(t["code"] == c)[0] for c in DELIVERIES], dtype=np.int64)
    return dv, rows[(r.random(len(dv)) < cesarean_share).astype(np.int64)]


HBA1C = b"CM-LAB-0024"
DIABETES_CODES = ("E08", "E09", "E10", "E11", "E13")


@reference.shared
def _diabetes_codes() -> np.ndarray:
    """code x 1: the code is one of diabetes mellitus (E08-E13)."""
    return conditions.starts_with_any(icd_table()["code"], DIABETES_CODES)[:, None]


def _monitoring_tests(
    r: np.random.Generator, state: dict[str, Any], rate: float
) -> tuple[np.ndarray, np.ndarray]:
    """(visit, procedure) of the HbA1c tests that monitor diabetes: on a visit coded with
    diabetes, in person in the clinic of a department that does them, at ``rate`` per visit,
    over the tests drawn at random like any other; and on inpatient stays of those
    departments, as on admission."""
    t = procedure_table()
    test = int(np.flatnonzero(t["code"] == HBA1C)[0])
    ok = (
        _coded(state, _diabetes_codes())[:, 0]
        & np.isin(state["visit_type_idx"], [OUTP, INPT])
        & t["dept_mask"][state["visit_dept_idx"], test]
        & (state["visit_age"] >= t["min_age"][test])
    )
    mv = np.flatnonzero(ok & (r.random(len(ok)) < rate))
    return mv, np.full(len(mv), test, dtype=np.int64)


def _treatment_times(
    r: np.random.Generator,
    state: dict[str, Any],
    tv: np.ndarray,
    proc: np.ndarray,
    surg: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) seconds of each treatment: inside the visit, surgery early in the stay."""
    t = procedure_table()
    a_s, d_s = state["visit_admit_s"], state["visit_discharge_s"]
    dur = (t["duration"][proc] * (0.8 + 0.6 * r.random(len(tv))) * 60).astype(np.int64)
    lo, hi = a_s[tv] + 300, d_s[tv]
    hi_start = np.where(surg, lo + (hi - lo) * 0.4, hi - dur).astype(np.int64)
    start = np.minimum(_within(r, lo, np.maximum(hi_start, lo)), hi)
    end = np.minimum(start + dur, hi)
    return np.minimum(start, end), end


TREATMENT_ROLES = {  # performer role of a procedure -> staff roles that may perform it
    b"PHYS": (b"PHYS", b"SURG", b"NP", b"PA"),
    b"RN": (b"RN",),
    b"TECH": (b"TECH",),
    b"THER": (b"THER",),
    b"SURG": (b"SURG",),
}


def _treatment_performers(
    r: np.random.Generator,
    staff: StaffIndex,
    state: dict[str, Any],
    tv: np.ndarray,
    proc: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(staff row, department) of each treatment's performer: by role, in the procedure's
    department or the visit's."""
    t = procedure_table()
    pos = {c: i for i, c in enumerate(dept_codes())}
    own = np.array([pos.get(c, -1) for c in t["performer_dept"]])[proc]
    pdept = np.where(own >= 0, own, state["visit_dept_idx"][tv])
    role = t["role"][proc]
    perf = np.full(len(tv), -1, dtype=np.int64)
    sday, eday = start // DAY, end // DAY
    for rl, roles in TREATMENT_ROLES.items():
        m = np.flatnonzero(role == rl)
        if len(m):
            perf[m] = staff.pick(r, sday[m], eday[m], roles, pdept[m])
    return perf, pdept


def _treatment_rooms(
    ctx: Context,
    r: np.random.Generator,
    state: dict[str, Any],
    tv: np.ndarray,
    proc: np.ndarray,
    pdept: np.ndarray,
) -> np.ndarray:
    """Room row of each treatment (-1: none): the lab, imaging, an operating room of the
    performing department, or the visit's own room."""
    rtype = ctx.col("ROMS", "ROMS_TYP_CD")
    dept_pos = {d: i for i, d in enumerate(department_ids())}
    rdept = np.array([dept_pos[d] for d in ctx.col("ROMS", "DPMT_ID")], dtype=np.int64)
    room = np.full(len(tv), -1, dtype=np.int64)
    want = procedure_table()["room_type"][proc]
    for rt in (b"LAB", b"IMGN"):
        m = np.flatnonzero(want == rt)
        pool = np.flatnonzero(rtype == rt)
        if len(m) and len(pool):
            room[m] = pool[r.integers(0, len(pool), len(m))]
    m = np.flatnonzero(want == b"OR")
    for d in np.unique(pdept[m]):
        mm = m[pdept[m] == d]
        pool = np.flatnonzero((rtype == b"OR") & (rdept == d))
        if not len(pool):
            pool = np.flatnonzero(rtype == b"OR")
        room[mm] = pool[r.integers(0, len(pool), len(mm))]
    m = want == b"VISIT"
    room[m] = state["visit_room_idx"][tv[m]]
    return room


def _addressed_diagnosis(
    r: np.random.Generator, state: dict[str, Any], tv: np.ndarray, proc: np.ndarray
) -> np.ndarray:
    """Diagnosis row each treatment addresses, among the visit's diagnoses it is done for
    (:func:`procedure_indications`): mostly the visit's primary when it is one, else any of
    them. The procedure was drawn for the visit's diagnoses, so there is always one."""
    n = len(tv)
    dv = state["diag_visit"]
    first = np.searchsorted(dv, tv)
    count = np.searchsorted(dv, tv, side="right") - first
    # every (treatment, diagnosis of its visit) pair, the primary (first) one of each first
    pair_t = np.repeat(np.arange(n), count)
    pair_d = np.arange(len(pair_t)) - np.repeat(np.cumsum(count) - count, count) + first[pair_t]
    ok = procedure_indications()[state["diag_code"][pair_d], proc[pair_t]]
    primary = pair_d == first[pair_t]
    # the primary with three chances in four, else a random one: the lowest key that fits
    key = np.where(primary & (r.random(n) < 0.75)[pair_t], -1.0, r.random(len(pair_t)))
    key = np.where(ok, key, 2.0)
    if not len(key):
        return pair_d
    # of each treatment's pairs (contiguous), the first with the lowest key
    start = np.flatnonzero(_first_of_group(pair_t))
    size = np.diff(np.r_[start, len(key)])
    lowest = np.flatnonzero(key == np.repeat(np.minimum.reduceat(key, start), size))
    return pair_d[lowest[_first_of_group(pair_t[lowest])]]


def _treatment_outcome(r: np.random.Generator, ptype: np.ndarray, surg: np.ndarray) -> np.ndarray:
    """Labs and imaging are normal or abnormal; procedures succeed, partly succeed or go wrong."""
    u = r.random(len(ptype))
    return np.where(
        np.isin(ptype, [b"LAB", b"IMGN"]),
        np.where(u < 0.3, b"ABNL", b"NORM"),
        np.where(u < 0.9 - 0.03 * surg, b"SUCC", np.where(u < 0.97, b"PART", b"COMP")),
    )


# ----------------------------------------------------------------------------- MEDT

CONSULT_DEPTS = ("CARD", "NEUR", "PULM", "NEPH", "GAST", "ONCO", "ENDO", "PSYC", "MEDS")


def team_block(ctx: Context, block: int, state: dict[str, Any]) -> dict[str, Any]:

    r = ctx.rng("MEDT", block)
    staff = staff_index(ctx)
    counts = _team_sizes(r, state)
    nv = len(counts)
    mv = np.repeat(np.repeat(np.arange(nv), 6), counts.ravel())
    mrole = np.repeat(np.tile(np.arange(6), nv), counts.ravel())
    asg, rls = _team_times(r, state, mv, mrole)
    release_day = np.where(state["visit_open"][mv], ctx.days - 1, rls // DAY)
    sid = _team_staff(r, staff, state, mv, mrole, asg, release_day)
    keep = _first_role_of_member(mv, mrole, sid)
    mv, mrole, sid, asg, rls = mv[keep], mrole[keep], sid[keep], asg[keep], rls[keep]
    ids = row_keys("MT", block, len(mv), salt=16)
    return {
        "MEDT_ID": ids,
        "VIST_ID": state["visit_id"][mv],
        "STFF_ID": staff.ids[sid],
        "MEDT_ROLE_CD": np.array([b"ATND", b"RES", b"RN", b"ANES", b"CNSL", b"PHRM"])[mrole],
        "MEDT_ASGN_TS": _ts(ctx, asg),
        "MEDT_RLS_TS": Masked(_ts(ctx, rls), state["visit_open"][mv]),
        "MEDT_LEAD_FLG": np.where(mrole == 0, b"Y", b"N"),
        # released when the visit ends (still on the team while it is open)
        **audit(ctx, _ts(ctx, asg), _ts(ctx, np.where(state["visit_open"][mv], asg, rls))),
    }


def _team_sizes(r: np.random.Generator, state: dict[str, Any]) -> np.ndarray:
    """Members per visit (rows) and role (columns: 0 ATND, 1 RES, 2 RN, 3 ANES, 4 CNSL,
    5 PHRM), by visit type and length of stay."""
    vt = state["visit_type_idx"]
    nv = len(vt)
    days = np.maximum((state["visit_discharge_s"] - state["visit_admit_s"]) / DAY, 0)
    n_rn = np.select(
        [vt == OUTP, vt == EMER, vt == OBSV, vt == INPT],
        [
            1 + (r.random(nv) < 0.3),
            1 + r.poisson(1.4, nv),
            2 + r.poisson(0.8, nv),
            np.minimum(2 + r.poisson(1.1 * np.minimum(days, 15)), 14),
        ],
        0,
    )
    n_res = np.select(
        [vt == OUTP, vt == EMER, vt == OBSV, vt == INPT],
        [r.random(nv) < 0.2, r.random(nv) < 0.45, r.random(nv) < 0.4, r.random(nv) < 0.7],
        0,
    )
    n_cnsl = np.where(vt == INPT, r.random(nv) < 0.4, (vt == EMER) & (r.random(nv) < 0.08))
    n_phrm = np.where(vt == INPT, r.random(nv) < 0.45, 0)
    n_anes = state["visit_has_surgery"].astype(np.int64)
    return np.stack([np.ones(nv, np.int64), n_res, n_rn, n_anes, n_cnsl, n_phrm], axis=1).astype(
        np.int64
    )


def _team_times(
    r: np.random.Generator, state: dict[str, Any], mv: np.ndarray, mrole: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(assigned, released) seconds of each member: the attending for the whole visit, the
    anesthetist around the first surgery, the others for part of the visit."""
    lo, hi = state["visit_admit_s"][mv], state["visit_discharge_s"][mv]
    asg = np.where(mrole == 0, lo, _within(r, lo, lo + (hi - lo) // 2))
    rls = np.where(mrole == 0, hi, _within(r, asg, hi))
    if state["visit_has_surgery"].any():
        surg_rows = np.flatnonzero(state["trtm_type"] == b"SURG")
        first_surg = np.full(len(state["visit_type_idx"]), -1, np.int64)
        first_surg[state["trtm_visit"][surg_rows[::-1]]] = surg_rows[::-1]
        a = np.flatnonzero(mrole == 3)
        srow = first_surg[mv[a]]
        asg[a] = np.maximum(state["trtm_start_s"][srow] - 1800, lo[a])
        rls[a] = np.minimum(state["trtm_end_s"][srow] + 1800, hi[a])
    return asg, rls


def _team_staff(
    r: np.random.Generator,
    staff: StaffIndex,
    state: dict[str, Any],
    mv: np.ndarray,
    mrole: np.ndarray,
    asg: np.ndarray,
    release_day: np.ndarray,
) -> np.ndarray:
    """Staff row of each member: the visit's attending, else someone of the role employed
    over the assignment, in the visit's department, the ICU, pharmacy or a consulting one."""
    n = len(mv)
    dept = state["visit_dept_idx"]
    sid = np.full(n, -1, dtype=np.int64)
    sid[mrole == 0] = state["visit_attending_idx"][mv[mrole == 0]]
    dpos = {c: dept_index(c) for c in ("ICU", "PHAR")}
    spec = {
        1: ((b"PHYS",), dept[mv]),
        2: ((b"RN",), dept[mv]),
        3: ((b"PHYS",), np.full(n, dpos["ICU"])),
        4: (
            (b"PHYS",),
            np.array([dept_index(c) for c in CONSULT_DEPTS])[r.integers(0, len(CONSULT_DEPTS), n)],
        ),
        5: ((b"PHRM",), np.full(n, dpos["PHAR"])),
    }
    for role, (roles, dd) in spec.items():
        m = np.flatnonzero(mrole == role)
        if len(m):
            sid[m] = staff.pick(r, asg[m] // DAY, release_day[m], roles, dd[m])
    return sid


def _first_role_of_member(mv: np.ndarray, mrole: np.ndarray, sid: np.ndarray) -> np.ndarray:
    """Rows to keep: one per staff member and visit (the first role wins), in row order."""
    order = np.lexsort((mrole, sid, mv))
    dup = np.concatenate(
        [[False], (mv[order][1:] == mv[order][:-1]) & (sid[order][1:] == sid[order][:-1])]
    )
    return np.sort(order[~dup])


# ----------------------------------------------------------------------------- TMMD


@reference.shared
def _class_departments() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for row in reference.rows("medicine_classes"):
        out[row["therapeutic_class"]] = tuple(row["departments"].split("|"))
    return out


def dose_block(ctx: Context, block: int, state: dict[str, Any]) -> dict[str, Any]:

    r = ctx.rng("TMMD", block)
    staff = staff_index(ctx)
    k = _doses_per_visit(ctx, r, state)
    tv = np.repeat(np.arange(len(k)), k)
    med = _dose_medicines(ctx, r, state, tv)
    keep = med >= 0  # doses no allowed medicine could fill are not ordered
    uv, umed = _usual_medicines(ctx, r, state)
    tv, med = np.concatenate([tv[keep], uv]), np.concatenate([med[keep], umed])
    n = len(tv)
    qty, dose_unit, count = _dose_amounts(ctx, r, med)
    route = ctx.col("MDCN", "MDCN_ROUTE_CD")[med]
    when = _within(r, state["visit_admit_s"][tv], state["visit_discharge_s"][tv])
    status = _dose_status(ctx, r, n)
    cost = ctx.col("MDCN", "MDCN_UNIT_CST_AMT")[med]  # cents
    fee = np.select([route == b"IV", np.isin(route, [b"IM", b"SC"])], [2500, 1200], 300)
    charge = np.where(status == b"GIVN", cost * count * 4 + fee, 0)
    order_by, admin = _dose_staff(r, staff, state, tv, when)
    order = np.lexsort((when, tv))
    tv, med, when, status, charge, order_by, admin, qty, dose_unit, route = (
        a[order] for a in (tv, med, when, status, charge, order_by, admin, qty, dose_unit, route)
    )
    ids = row_keys("TM", block, n, salt=17)
    mdcn_ids = ctx.col("MDCN", "MDCN_ID")
    state.update(
        dose_id=ids,
        dose_visit=tv,
        dose_medicine=mdcn_ids[med],
        dose_status=status,
        dose_charge_cents=charge,
        dose_ts=_ts(ctx, when),
    )
    return {
        "TMMD_ID": ids,
        "VIST_ID": state["visit_id"][tv],
        "MDCN_ID": mdcn_ids[med],
        "TMMD_ORDR_BY_STFF_ID": staff.ids[order_by],
        "TMMD_ADMN_BY_STFF_ID": staff.ids[admin],
        "TMMD_DOSE_QTY": np.round(qty).astype(np.int64),
        "TMMD_DOSE_UNIT_CD": dose_unit,
        "TMMD_ROUTE_CD": route,
        "TMMD_ADMN_TS": _ts(ctx, when),
        "TMMD_STS_CD": status,
        "TMMD_CHRG_AMT": charge,
        **audit(ctx, _ts(ctx, when)),
    }


def _doses_per_visit(ctx: Context, r: np.random.Generator, state: dict[str, Any]) -> np.ndarray:
    """How many doses each visit orders, by visit type and length of stay."""
    sc = ctx.scenario
    vt = state["visit_type_idx"]
    days = np.maximum((state["visit_discharge_s"] - state["visit_admit_s"]) / DAY, 0)
    lam = np.select(
        [vt == OUTP, vt == EMER, vt == OBSV, vt == INPT],
        [
            sc.doses_per_outpatient_visit,
            sc.doses_per_ed_visit,
            3 + 4 * days,
            2 + sc.doses_per_inpatient_day * np.minimum(days, 20),
        ],
        0.0,
    )
    return r.poisson(lam)


def _formulary_weights(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """(weight of each medicine, department x medicine fits): active medicines share their
    therapeutic class's weight; a class fits the departments it lists (or ALL)."""
    active = ctx.col("MDCN", "MDCN_ACTV_FLG") == b"Y"
    tclass = ctx.col("MDCN", "MDCN_THRP_CLS_CD").astype(str)
    cls_w = {
        row["therapeutic_class"]: float(row["weight"]) for row in reference.rows("medicine_classes")
    }
    per_class = {c: int(((tclass == c) & active).sum()) for c in cls_w}
    w_med = np.array([cls_w[c] / max(per_class[c], 1) for c in tclass]) * active
    cdep = _class_departments()
    classes, of_med = np.unique(tclass, return_inverse=True)  # a loop over classes, not drugs
    fits = np.array([[("ALL" in cdep[c]) or (d in cdep[c]) for c in classes] for d in dept_codes()])
    return w_med, fits.reshape(len(dept_codes()), len(classes))[:, of_med.ravel()]


def _allergy_keys(ctx: Context, state: dict[str, Any]) -> tuple[np.ndarray, int, np.ndarray]:
    """(drug class of each medicine as an integer, number of classes, banned keys): a
    banned key is patient x classes + class of each active drug-class allergy."""
    uniq_cls, cls_idx = np.unique(ctx.col("MDCN", "MDCN_DRUG_CLS_CD"), return_inverse=True)
    nc = len(uniq_cls)
    al_pat = state["allergy_patient"][state["allergy_active"]]
    al_cls = state["allergy_class"][state["allergy_active"]]
    known = np.isin(al_cls, uniq_cls) & (al_cls != b"")
    banned = np.unique(al_pat[known] * nc + np.searchsorted(uniq_cls, al_cls[known]))
    return cls_idx, nc, banned


def _dose_medicines(
    ctx: Context, r: np.random.Generator, state: dict[str, Any], tv: np.ndarray
) -> np.ndarray:
    """Medicine row of each dose (-1: none found in 8 tries): on formulary in the visit's
    department, by class weight, never of a class the patient is allergic to."""
    w_med, fits = _formulary_weights(ctx)
    cls_idx, nc, banned = _allergy_keys(ctx, state)
    ind_class, indicated = _visit_indications(ctx, state)
    dept = state["visit_dept_idx"]
    pat = state["visit_patient"][tv]
    med = np.full(len(tv), -1, dtype=np.int64)
    for _ in range(8):
        todo = np.flatnonzero(med < 0)
        if not len(todo):
            break
        cand = np.full(len(todo), -1, dtype=np.int64)
        for d in np.unique(dept[tv[todo]]):
            m = dept[tv[todo]] == d
            w = w_med * fits[d]
            if w.sum() <= 0:
                continue
            cdf = np.cumsum(w) / w.sum()
            cand[m] = np.minimum(
                np.searchsorted(cdf, r.random(int(m.sum())), side="right"), len(w) - 1
            )
        ok = cand >= 0
        ok &= ~np.isin(pat[todo] * nc + cls_idx[np.maximum(cand, 0)], banned)
        k = ind_class[np.maximum(cand, 0)]
        ok &= (k < 0) | indicated[tv[todo], np.maximum(k, 0)]
        med[todo[ok]] = cand[ok]
    return med


@reference.shared
def _indication_matrix() -> tuple[tuple[str, ...], np.ndarray]:
    """(drug classes given only with an indication, code x class: the code indicates it)."""
    classes = tuple(conditions.CLASS_INDICATIONS)
    codes = icd_table()["code"]
    m = [conditions.starts_with_any(codes, conditions.CLASS_INDICATIONS[k]) for k in classes]
    return classes, np.stack(m, axis=1)


@reference.shared
def _condition_matrix() -> np.ndarray:
    """code x chronic condition: the code is one of the condition's."""
    codes = icd_table()["code"]
    return np.stack(
        [conditions.starts_with_any(codes, c.prefixes) for c in conditions.CONDITIONS], 1
    )


def _coded(state: dict[str, Any], matrix: np.ndarray) -> np.ndarray:
    """visit x column of ``matrix`` (code x column): a diagnosis of the visit has it.

    The OR over each visit's diagnoses runs on the rows packed into 64-bit words, one
    ``bitwise_or.reduceat`` per word (a ``logical_or.at`` over the bool rows took 30 times
    as long)."""
    visit, code = state["diag_visit"], state["diag_code"]
    k = matrix.shape[1]
    out = np.zeros((len(state["visit_type_idx"]), k), dtype=bool)
    if not len(visit):
        return out
    if np.any(visit[1:] < visit[:-1]):  # grouped by visit
        order = np.argsort(visit, kind="stable")
        visit, code = visit[order], code[order]
    words = -(-k // 64)
    packed = np.zeros((len(matrix), words * 8), dtype=np.uint8)
    packed[:, : -(-k // 8)] = np.packbits(matrix, axis=1)
    rows = packed.view(np.uint64)[code]
    start = np.flatnonzero(np.r_[True, visit[1:] != visit[:-1]])
    hit = np.empty((len(start), words), dtype=np.uint64)
    for w in range(words):
        hit[:, w] = np.bitwise_or.reduceat(rows[:, w], start)
    out[visit[start]] = np.unpackbits(hit.view(np.uint8), axis=1, count=k).astype(bool)
    return out


def _visit_indications(ctx: Context, state: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """(each medicine's column among the classes given only with an indication, -1 for
    the others; visit x column: the visit has an indication for it). A surgery on the visit
    indicates antibiotics (prophylaxis)."""
    classes, matrix = _indication_matrix()
    indicated = _coded(state, matrix)
    antibiotic = np.isin(classes, conditions.ANTIBIOTICS)
    indicated[:, antibiotic] |= state["visit_has_surgery"][:, None]
    pos = {k: i for i, k in enumerate(classes)}
    med_class = ctx.col("MDCN", "MDCN_DRUG_CLS_CD").astype(str)
    return np.array([pos.get(c, -1) for c in med_class], dtype=np.int64), indicated


def _usual_medicines(
    ctx: Context, r: np.random.Generator, state: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    """(visit, medicine) of the usual medicines of inpatient and observation stays coded
    with a chronic condition that has one (diabetes at its own rate): one active medicine
    of the condition's classes the patient is not allergic to (another class of the list
    otherwise; none if every class is barred), once per day of the stay."""
    sc = ctx.scenario
    coded = _coded(state, _condition_matrix())
    coded &= np.isin(state["visit_type_idx"], [INPT, OBSV])[:, None]
    coded &= np.array([bool(c.usual) for c in conditions.CONDITIONS])[None, :]
    v, c = np.nonzero(coded)
    rate = np.where(
        c == conditions.DIABETES,
        sc.diabetic_stay_antidiabetic_rate,
        sc.chronic_stay_usual_medicine_rate,
    )
    keep = r.random(len(v)) < rate
    v, c = v[keep], c[keep]
    cls_idx, nc, banned = _allergy_keys(ctx, state)
    drug_class = ctx.col("MDCN", "MDCN_DRUG_CLS_CD").astype(str)
    active = ctx.col("MDCN", "MDCN_ACTV_FLG") == b"Y"
    pat = state["visit_patient"][v]
    med = np.full(len(v), -1, dtype=np.int64)
    for ci in np.unique(c):
        pool = np.flatnonzero(active & np.isin(drug_class, conditions.CONDITIONS[ci].usual))
        rows = np.flatnonzero(c == ci)
        for _ in range(8 if len(pool) else 0):
            todo = rows[med[rows] < 0]
            cand = pool[r.integers(0, len(pool), len(todo))]
            ok = ~np.isin(pat[todo] * nc + cls_idx[cand], banned)
            med[todo[ok]] = cand[ok]
    v, med = v[med >= 0], med[med >= 0]
    days = (state["visit_discharge_s"][v] - state["visit_admit_s"][v]) // DAY
    per_stay = np.clip(days, 1, 10)
    return np.repeat(v, per_stay), np.repeat(med, per_stay)


def _dose_amounts(
    ctx: Context, r: np.random.Generator, med: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(quantity x 1000, unit, units counted for the charge) of each dose, from the
    medicine's form and strength."""
    n = len(med)
    form = ctx.col("MDCN", "MDCN_FORM_CD")[med]
    sunit = ctx.col("MDCN", "MDCN_STRNGTH_UNIT_CD")[med]
    strength = ctx.col("MDCN", "MDCN_STRNGTH_QTY")[med].astype(np.float64)
    units = np.where(r.random(n) < 0.8, 1, 2)
    liquid_ml = np.array([1, 2, 5, 10, 15])[r.integers(0, 5, n)]
    solid = np.isin(form, [b"TAB", b"CAP"])
    dose_unit = np.select(
        [
            solid & (sunit == b"MCG"),
            solid,
            sunit == b"UNIT_ML",
            np.isin(form, [b"INJ", b"SOL", b"SUSP"]),
            form == b"CRM",
            form == b"INH",
            form == b"PTCH",
        ],
        [b"MCG", b"MG", b"UNIT", b"ML", b"APPL", b"PUFF", b"PTCH"],
        b"MG",
    )
    qty = np.select(
        [solid, dose_unit == b"UNIT", dose_unit == b"ML", dose_unit == b"PUFF"],
        [
            strength * units * 1000.0,
            np.array([2, 4, 6, 8, 10, 12])[r.integers(0, 6, n)] * 1000.0,
            liquid_ml * 1000.0,
            units * 1000.0,
        ],
        1000.0,
    )
    count = np.where(solid | (dose_unit == b"PUFF"), units, 1)
    return qty, dose_unit, count


def _dose_status(ctx: Context, r: np.random.Generator, n: int) -> np.ndarray:
    """Given, held or refused, at the scenario's rates."""
    sc = ctx.scenario
    u = r.random(n)
    return np.where(
        u < sc.dose_held_rate,
        b"HELD",
        np.where(u < sc.dose_held_rate + sc.dose_refused_rate, b"RFSD", b"GIVN"),
    )


def _dose_staff(
    r: np.random.Generator,
    staff: StaffIndex,
    state: dict[str, Any],
    tv: np.ndarray,
    when: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(who ordered, who gave) each dose: the attending mostly, else a provider of the
    department; a nurse of the department, sometimes a pharmacist."""
    n = len(tv)
    dept = state["visit_dept_idx"]
    day = when // DAY
    by_att = r.random(n) < 0.7
    order_by = np.where(by_att, state["visit_attending_idx"][tv], -1)
    m = np.flatnonzero(~by_att)
    order_by[m] = staff.pick(r, day[m], day[m], (b"PHYS", b"SURG", b"NP", b"PA"), dept[tv[m]])
    phrm = r.random(n) < 0.08
    admin = np.full(n, -1, dtype=np.int64)
    m = np.flatnonzero(~phrm)
    admin[m] = staff.pick(r, day[m], day[m], (b"RN",), dept[tv[m]])
    m = np.flatnonzero(phrm)
    admin[m] = staff.pick(r, day[m], day[m], (b"PHRM",), np.full(len(m), dept_index("PHAR")))
    return order_by, admin
