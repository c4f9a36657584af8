"""People: staff, patients, their allergies and their insurance policies.

Names come from Faker's en_US frequency tables (the pinned Faker version), drawn with
NumPy by weight; addresses come from the hospital's catchment area (real ZIP codes with
their city and state). Identifiers are made so that they can never be a real person's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from faker.providers.person.en_US import Provider as FakerPerson

from generator import reference
from generator.columns import Masked, cat, choice, digits, flag, keys
from generator.core import (
    BLOCK_PATIENTS,
    REFERENCE_EPOCHS,
    Context,
    audit,
    closing_time,
    department_ids,
    epoch_start,
    largest_remainder,
)
from generator.identifiers import (
    fictional_phone,
    never_issued_ssn,
    npi_numbers,
    own_fictional_phone,
)

SECONDS_PER_DAY = 86_400
STREET_SUFFIXES = (
    "Street",
    "Avenue",
    "Road",
    "Lane",
    "Drive",
    "Court",
    "Place",
    "Way",
    "Terrace",
    "Boulevard",
    "Circle",
    "Park",
)
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.test")
HOSPITAL_DOMAIN = b"proactivehealth.example"


@reference.shared
def _names(kind: str) -> tuple[np.ndarray, np.ndarray]:
    table = {
        "female": FakerPerson.first_names_female,
        "male": FakerPerson.first_names_male,
        "last": FakerPerson.last_names,
    }[kind]
    names = np.array(list(table.keys()), dtype="S")
    cdf = np.cumsum(np.array(list(table.values()), dtype=np.float64))
    return names, cdf / cdf[-1]


def draw_names(r: np.random.Generator, kind: str, n: int) -> np.ndarray:
    names, cdf = _names(kind)
    return names[np.minimum(np.searchsorted(cdf, r.random(n), side="right"), len(names) - 1)]


def first_names(r: np.random.Generator, female: np.ndarray) -> np.ndarray:
    n = len(female)
    return np.where(female, draw_names(r, "female", n), draw_names(r, "male", n))


@reference.shared
def _catchment() -> dict[str, np.ndarray]:
    rows = reference.rows("catchment")
    w = np.array([float(r["weight"]) for r in rows])
    return {
        "zip": np.array([r["zip"] for r in rows], dtype="S5"),
        "city": np.array([r["city"] for r in rows], dtype="S"),
        "state": np.array([r["state"] for r in rows], dtype="S2"),
        "area": np.array([r["area_code"] for r in rows], dtype="S3"),
        "cdf": np.cumsum(w) / w.sum(),
    }


def addresses(r: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    c = _catchment()
    i = np.minimum(np.searchsorted(c["cdf"], r.random(n), side="right"), len(c["zip"]) - 1)
    house = (np.exp(r.random(n) * np.log(1200))).astype(np.int64) + 1
    street = cat(draw_names(r, "last", n), " ", choice(r, list(STREET_SUFFIXES), n))
    apt = r.random(n) < 0.28
    line = cat(house.astype("S"), " ", street)
    line = np.where(apt, cat(line, " Apt ", r.integers(1, 40, n).astype("S")), line)
    return {
        "line": line,
        "city": c["city"][i],
        "state": c["state"][i],
        "zip": c["zip"][i],
        "area": c["area"][i],
    }


def days_between(r: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A uniform date in [lo, hi] (datetime64[D]); hi is raised to lo where it is earlier."""
    lo = np.asarray(lo, dtype="datetime64[D]")
    hi = np.maximum(np.asarray(hi, dtype="datetime64[D]"), lo)
    span = (hi - lo).astype(np.int64) + 1
    return lo + (r.random(len(lo)) * span).astype(np.int64).astype("timedelta64[D]")


def at_time(
    r: np.random.Generator, day: np.ndarray, lo_h: float = 8, hi_h: float = 17
) -> np.ndarray:
    secs = (lo_h + r.random(len(day)) * (hi_h - lo_h)) * 3600
    return day.astype("datetime64[s]") + secs.astype(np.int64).astype("timedelta64[s]")


# ----------------------------------------------------------------------------- staff

ROLES = ("phys", "surg", "rn", "np", "pa", "phrm", "tech", "ther", "admn")
SALARY = {  # annual salary range in dollars
    "phys": (240_000, 420_000),
    "surg": (340_000, 620_000),
    "rn": (78_000, 128_000),
    "np": (112_000, 150_000),
    "pa": (105_000, 140_000),
    "phrm": (120_000, 150_000),
    "tech": (48_000, 82_000),
    "ther": (72_000, 102_000),
    "admn": (42_000, 96_000),
}
NPI_ROLES = (b"PHYS", b"SURG", b"NP", b"PA", b"PHRM", b"THER")
LICENSED_ROLES = (*NPI_ROLES, b"RN")
TECH_SPECIALTY = {
    "RADI": "RADIOLOGIC_TECHNOLOGY",
    "LABS": "LABORATORY_SCIENCE",
    "PHAR": "PHARMACY_TECHNOLOGY",
}


PROVIDER_ROLES = ("phys", "surg", "np", "pa")
# the departments' reference head counts of support roles fit a hospital with this many
# inpatients on an average day; support staff scale with the inpatient census
REFERENCE_CENSUS = 40.0


def staff_plan(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """(department index, role index) of every employee, in a fixed order. Providers and
    nurses follow the work (``ctx.capacity``, sized by pass (b)); the other roles follow the
    departments' reference counts times the scale. A department keeps at least one of each
    role it has at all."""
    rows = reference.rows("departments")
    dept_idx, role_idx = [], []
    for d, row in enumerate(rows):
        ref = np.array([int(row[k]) for k in ROLES])
        counts = _support_staff(ref, ctx.capacity.census / REFERENCE_CENSUS)
        providers = _providers_needed(ctx, row["code"], d)
        if providers is not None:
            mask = np.isin(ROLES, PROVIDER_ROLES)
            counts[mask] = _split(ref[mask], providers)
        if providers is not None or ctx.capacity.nurses[d] > 0:
            counts[ROLES.index("rn")] = _nurses(ctx, d, ref, counts)
        for k, c in enumerate(counts):
            dept_idx += [d] * int(c)
            role_idx += [k] * int(c)
    return np.array(dept_idx, dtype=np.int64), np.array(role_idx, dtype=np.int64)


def _support_staff(ref: np.ndarray, factor: float) -> np.ndarray:
    """Reference head counts times ``factor``, rounded; a department keeps at least one of
    its main support role (the largest reference count among pharmacists, technicians,
    therapists and administrators), so every department can run."""
    counts = np.round(ref * factor).astype(np.int64)
    support = np.array([k in ("phrm", "tech", "ther", "admn") for k in ROLES])
    main = np.flatnonzero(support)[np.argmax(ref[support])]
    if ref[main] > 0:
        counts[main] = max(1, counts[main])
    return counts


def _nurses(ctx: Context, d: int, ref: np.ndarray, counts: np.ndarray) -> int:
    """Registered nurses of a department: its share of the bedside posts (``ctx.capacity``),
    and one for every two clinic providers (rooming patients, triage calls)."""
    if not ref[ROLES.index("rn")]:
        return 0
    providers = int(counts[np.isin(ROLES, PROVIDER_ROLES)].sum())
    return max(int(ctx.capacity.nurses[d]), providers // 2)


def _providers_needed(ctx: Context, code: str, d: int) -> int | None:
    """Physicians, surgeons, NPs and PAs a department needs for its work, or None where the
    reference counts stand (support departments)."""
    plan = ctx.capacity
    if code == "EMER":
        return plan.ed_providers
    if code == "ICU":
        return max(1, round(plan.icu_beds / 10 * 4.2))
    if plan.clinic_providers[d] > 0:
        return int(plan.clinic_providers[d])
    return None


def _split(ref: np.ndarray, total: int) -> np.ndarray:
    """``total`` people over roles in proportion to ``ref`` (largest remainder), at least one
    of the department's main role (its largest reference count)."""
    out = largest_remainder(ref, max(total, 1))
    if ref.sum() <= 0:
        return out
    main = int(np.argmax(ref))
    if out[main] == 0:
        out[main] = 1
        out[int(np.argmax(np.where(np.arange(len(ref)) == main, -1, out)))] -= 1
    return out


def staff(ctx: Context) -> dict[str, Any]:
    """STFF: the planned posts' first holders (hired before the start), then, epoch by
    epoch, the people hired to replace the leavers of that epoch (``_staff_rows``), each
    batch's columns from its own stream; rows hired after the simulated time are left out."""
    rows = _staff_rows(ctx, *staff_plan(ctx))
    index = np.arange(len(rows["dept"]))
    parts = []
    for b in np.unique(rows["batch"]):
        mine = rows["batch"] == b
        r = ctx.rng("STFF") if b < 0 else ctx.epoch_rng("STFF", 0, int(b))
        sub = {k: v[mine] for k, v in rows.items()}
        parts.append(_staff_columns(ctx, r, sub, index[mine]))
    cols = _concat_columns(parts)
    kept = rows["hire"] <= ctx.end
    # the post each row holds (clinic sessions follow the post: scheduling.clinic_providers)
    ctx.staff_post = rows["post"][kept]
    return {
        k: Masked(v.values[kept], v.null[kept]) if isinstance(v, Masked) else v[kept]
        for k, v in cols.items()
    }


def _staff_columns(
    ctx: Context, r: np.random.Generator, rows: dict[str, np.ndarray], index: np.ndarray
) -> dict[str, Any]:
    """The STFF columns of some rows (``rows``: dept, role, hire, leaves, term)."""
    dept_idx, role_idx, hire = rows["dept"], rows["role"], rows["hire"]
    leaves, term_day = rows["leaves"], rows["term"]
    n = len(dept_idx)
    roles = np.array([k.upper() for k in ROLES], dtype="S")[role_idx]
    female = r.random(n) < np.where(np.isin(roles, [b"RN", b"NP"]), 0.86, 0.5)
    age_at_hire = 23 + r.gamma(2.0, 4.5, n)
    birth = hire - (age_at_hire * 365.25).astype(np.int64).astype("timedelta64[D]")
    lo = np.array([SALARY[k][0] for k in ROLES])[role_idx]
    hi = np.array([SALARY[k][1] for k in ROLES])[role_idx]
    salary = ((lo + r.beta(2, 3, n) * (hi - lo)) // 100 * 100 * 100).astype(np.int64)
    dept_codes = reference.column("departments", "code").astype(str)[dept_idx]
    specialty = _staff_specialty(r, roles, dept_idx, dept_codes)
    no_specialty = (roles == b"ADMN") | (specialty == b"")
    npi_holder = np.isin(roles, NPI_ROLES)
    licensed = np.isin(roles, LICENSED_ROLES)
    first = first_names(r, female)
    last = draw_names(r, "last", n)
    shift = np.where(
        np.isin(roles, [b"RN", b"TECH"]),
        choice(r, ["DAY", "EVE", "NGT", "ROT"], n, [0.45, 0.2, 0.2, 0.15]),
        np.where(dept_codes == "EMER", b"ROT", b"DAY"),
    )
    empl = choice(r, ["FT", "PT", "PRN", "CTR"], n, [0.78, 0.12, 0.06, 0.04])
    status = np.where(leaves, b"TERM", np.where(r.random(n) < 0.02, b"LOA", b"ACTV"))
    email = cat(
        np.char.lower(first), ".", np.char.lower(last), digits(index % 100, 2), "@", HOSPITAL_DOMAIN
    )
    rec = _staff_audit(ctx, r, hire, leaves, term_day)
    return {
        "STFF_ID": keys("ST", index, 6, salt=4),
        "STFF_EMP_NO": cat("E", digits(100_000 + (index * 37 + 11) % 900_000, 6)),
        "STFF_FRST_NM": first,
        "STFF_LAST_NM": last,
        "STFF_SEX_CD": np.where(female, b"F", b"M"),
        "STFF_BRTH_DT": birth,
        "STFF_ROLE_CD": roles,
        "STFF_SPCLTY_CD": Masked(specialty, no_specialty),
        "STFF_NPI_NO": Masked(npi_numbers(index), ~npi_holder),
        "STFF_LIC_NO": Masked(cat("ZZ-", roles, "-", digits(index, 6)), ~licensed),
        "DPMT_ID": department_ids()[dept_idx],
        "STFF_HIRE_DT": hire,
        "STFF_TERM_DT": Masked(term_day, ~leaves),
        "STFF_SHFT_CD": shift,
        "STFF_EMPL_TYP_CD": empl,
        "STFF_ANNL_SLRY_AMT": salary,
        "STFF_EMAIL_ADDR": email,
        "STFF_PHN_NO": fictional_phone(r, np.full(n, b"617")),
        "STFF_STS_CD": status,
        **rec,
    }


REPLACED_WITHIN = (60, 241)  # days from a leaver's last day to the replacement's hire, [lo, hi)


def _staff_rows(ctx: Context, dept_idx: np.ndarray, role_idx: np.ndarray) -> dict[str, np.ndarray]:
    """Who holds each planned post over time. The first holders were hired before the start;
    the first of each (department, role) group is a long-serving anchor who never leaves, so
    every group has somebody employed throughout. In each epoch, every other employee leaves
    at the scenario's ``annual_turnover`` (from the epoch's stream, on a day of the epoch at
    least a month after the hire) and is replaced by a new row, hired two to eight months
    later (the time a hospital takes to fill a post): rows of epoch e depend on nothing
    later."""
    n = len(dept_idx)
    r = ctx.rng("STFF-hire")
    group = dept_idx * 100 + role_idx
    anchor = np.r_[True, group[1:] != group[:-1]] if n else np.zeros(0, bool)
    tenure_years = np.where(anchor, 3 + r.exponential(8, n), r.exponential(7, n))
    rows = {
        "dept": dept_idx,
        "role": role_idx,
        "post": np.arange(n),
        "anchor": anchor,
        "batch": np.full(n, -1, np.int64),
        "hire": ctx.start - (tenure_years * 365.25).astype(np.int64).astype("timedelta64[D]"),
        "term": np.full(n, np.datetime64("2999-12-31"), "datetime64[D]"),
        "leaves": np.zeros(n, bool),
    }
    for e in range(ctx.epochs):
        rows = _epoch_leavers(ctx, rows, e)
    return rows


def _epoch_leavers(ctx: Context, rows: dict[str, np.ndarray], e: int) -> dict[str, np.ndarray]:
    """Epoch ``e``'s leavers among ``rows``, and their replacements appended."""
    r = ctx.epoch_rng("STFF-leave", 0, e)
    m = len(rows["dept"])
    first = np.datetime64(epoch_start(ctx.opts.start, e), "D")
    last = np.datetime64(epoch_start(ctx.opts.start, e + 1), "D") - 1
    u, when = r.random(m), r.random(m)
    lo = np.maximum(rows["hire"] + 30, first)
    span = np.maximum((last - lo).astype(np.int64) + 1, 0)
    term = lo + (when * span).astype(np.int64).astype("timedelta64[D]")
    go = ~rows["anchor"] & ~rows["leaves"] & (u < ctx.scenario.annual_turnover) & (span > 0)
    rows = {**rows, "leaves": rows["leaves"] | go, "term": np.where(go, term, rows["term"])}
    k = np.flatnonzero(go)
    gap = r.integers(*REPLACED_WITHIN, m)[k].astype("timedelta64[D]")
    new = {
        "dept": rows["dept"][k],
        "role": rows["role"][k],
        "post": rows["post"][k],
        "anchor": np.zeros(len(k), bool),
        "batch": np.full(len(k), e, np.int64),
        "hire": term[k] + gap,
        "term": np.full(len(k), np.datetime64("2999-12-31"), "datetime64[D]"),
        "leaves": np.zeros(len(k), bool),
    }
    return {key: np.concatenate([rows[key], new[key]]) for key in rows}


def _staff_specialty(
    r: np.random.Generator, roles: np.ndarray, dept_idx: np.ndarray, dept_codes: np.ndarray
) -> np.ndarray:
    """The department's specialty, or the role's own (nursing, pharmacy, therapy, tech)."""
    specialty = reference.column("departments", "specialty")[dept_idx]
    specialty = np.where(roles == b"RN", b"NURSING", specialty)
    specialty = np.where(roles == b"PHRM", b"PHARMACY", specialty)
    specialty = np.where(
        roles == b"THER",
        choice(r, ["PHYSICAL_THERAPY", "OCCUPATIONAL_THERAPY", "RESPIRATORY_THERAPY"], len(roles)),
        specialty,
    )
    tech = np.array([TECH_SPECIALTY.get(d, "CLINICAL_TECHNOLOGY") for d in dept_codes], dtype="S")
    return np.where(roles == b"TECH", tech, specialty)


def _staff_audit(
    ctx: Context,
    r: np.random.Generator,
    hire: np.ndarray,
    leaves: np.ndarray,
    term_day: np.ndarray,
) -> dict[str, np.ndarray]:
    """Audit columns: created on the hire day; a leaver's record updated on termination."""
    n = len(hire)
    created = hire.astype("datetime64[s]") + r.integers(28_800, 61_200, n).astype("timedelta64[s]")
    left = term_day.astype("datetime64[s]") + 61_200  # at 17:00 on the last day
    return audit(ctx, created, np.where(leaves, left, created))


def _longest_serving(pool: np.ndarray, hire: np.ndarray, term: np.ndarray) -> int:
    """The pool's earliest-hired member still employed at the end: employed on any day of
    the window and as far before it as anybody in the pool."""
    stayed = pool[term[pool] >= np.datetime64("2999-12-31")]
    cand = stayed if len(stayed) else pool
    return int(cand[np.argmin(hire[cand])])


def employed_staff(
    ctx: Context,
    r: np.random.Generator,
    day: np.ndarray,
    roles: tuple[bytes, ...],
    dept: np.ndarray | None = None,
) -> np.ndarray:
    """For each day, a staff member of one of ``roles`` (in ``dept`` when given) employed that
    day. Draws candidates in a few vectorized rounds; falls back to the group's anchor, who
    is employed throughout the window."""
    ids = ctx.col("STFF", "STFF_ID")
    role = ctx.col("STFF", "STFF_ROLE_CD")
    sdept = ctx.col("STFF", "DPMT_ID")
    hire = ctx.col("STFF", "STFF_HIRE_DT")
    term_col = ctx.master["STFF"].column("STFF_TERM_DT")
    term = np.where(
        term_col.is_null().to_numpy(zero_copy_only=False),
        np.datetime64("2999-12-31"),
        ctx.col("STFF", "STFF_TERM_DT"),
    )
    pool_mask = np.isin(role, roles)
    n = len(day)
    day = np.asarray(day, dtype="datetime64[D]")
    out = np.full(n, -1, dtype=np.int64)
    if dept is None:
        pool = np.flatnonzero(pool_mask)
        for _ in range(6):
            todo = np.flatnonzero(out < 0)
            if not len(todo):
                break
            cand = pool[r.integers(0, len(pool), len(todo))]
            ok = (hire[cand] <= day[todo]) & (term[cand] >= day[todo])
            out[todo[ok]] = cand[ok]
        todo = np.flatnonzero(out < 0)
        if len(todo):
            out[todo] = _longest_serving(pool, hire, term)
        return ids[out]
    dept = np.asarray(dept, dtype="S")
    for d in np.unique(dept):
        rows = np.flatnonzero(dept == d)
        pool = np.flatnonzero(pool_mask & (sdept == d))
        if not len(pool):
            pool = np.flatnonzero(pool_mask)
        always = pool[(hire[pool] <= ctx.start) & (term[pool] >= ctx.end)]
        if not len(always):
            always = np.flatnonzero(pool_mask & (hire <= ctx.start) & (term >= ctx.end))
        res = np.full(len(rows), -1, dtype=np.int64)
        for _ in range(6):
            todo = np.flatnonzero(res < 0)
            if not len(todo):
                break
            cand = pool[r.integers(0, len(pool), len(todo))]
            ok = (hire[cand] <= day[rows[todo]]) & (term[cand] >= day[rows[todo]])
            res[todo[ok]] = cand[ok]
        todo = np.flatnonzero(res < 0)
        res[todo] = _longest_serving(always if len(always) else pool, hire, term)
        out[rows] = res
    return ids[out]


# ----------------------------------------------------------------------------- patients

LANGUAGES = {
    "EN": 78.0,
    "ES": 11.0,
    "ZH": 2.5,
    "HT": 2.0,
    "VI": 1.5,
    "TL": 0.5,
    "AR": 1.0,
    "FR": 0.8,
    "KO": 0.7,
    "RU": 2.0,
}


# Patients arrive epoch by epoch (docs/engine.md, "Time"): the block's patients are cohorts,
# one per simulated epoch, each drawn from its own streams. Cohort 0 holds the patients
# registered before the start and those new in the first year, each later cohort the new
# patients of its year, so the reference epochs hold the block's BLOCK_PATIENTS as before.
# Patients also leave: they move away or take their care elsewhere (a day drawn at
# registration, exponential), which the hospital never learns: they just stop coming. The
# rate keeps the active population steady, as many leaving a year as registering.
SSN_LIMIT = 1_000_000  # registered patients' indexes stay below (newborns.SSN_INDEX_BASE)


def new_per_epoch(ctx: Context, n: int) -> int:
    """New patients a year of a block of ``n`` patients."""
    return round(n * (1 - ctx.scenario.registered_before_start) / REFERENCE_EPOCHS)


def leave_rate(ctx: Context) -> float:
    """Patients leaving a year per active patient: the new ones a year over those active at
    the start, so the active population stays the same size."""
    s = ctx.scenario.registered_before_start
    return (1 - s) / (REFERENCE_EPOCHS * max(s, 0.05))


def cohort_sizes(ctx: Context, block: int) -> np.ndarray:
    """Patients of the block in each simulated epoch's cohort."""
    lo, hi = ctx.block_range(block)
    new = new_per_epoch(ctx, hi - lo)
    sizes = np.full(ctx.epochs, new, dtype=np.int64)
    sizes[0] = hi - lo - new * (REFERENCE_EPOCHS - 1)
    return sizes


def cohort_index(ctx: Context, block: int, epoch: int) -> np.ndarray:
    """The patient indexes of one cohort: the block's range for the reference epochs' cohorts
    (as many as BLOCK_PATIENTS), then every block's later cohorts after all of those, epoch
    by epoch; never dependent on the run's length."""
    lo, hi = ctx.block_range(block)
    new = new_per_epoch(ctx, hi - lo)
    size = hi - lo - new * (REFERENCE_EPOCHS - 1) if epoch == 0 else new
    if epoch < REFERENCE_EPOCHS:
        first = lo + (0 if epoch == 0 else hi - lo - new * (REFERENCE_EPOCHS - epoch))
    else:
        full = new_per_epoch(ctx, BLOCK_PATIENTS)
        last_lo, last_hi = ctx.block_range(ctx.n_blocks - 1)
        per_epoch = full * (ctx.n_blocks - 1) + new_per_epoch(ctx, last_hi - last_lo)
        first = ctx.n_patients + (epoch - REFERENCE_EPOCHS) * per_epoch + block * full
    index = np.arange(first, first + size)
    if len(index) and index[-1] >= SSN_LIMIT:
        raise ValueError("too many patients for the identifiers: a shorter run or a smaller scale")
    return index


def _concat_columns(parts: list[dict[str, Any]]) -> dict[str, Any]:
    out = {}
    for k, v in parts[0].items():
        if isinstance(v, Masked):
            out[k] = Masked(
                np.concatenate([p[k].values for p in parts]),
                np.concatenate([p[k].null for p in parts]),
            )
        else:
            out[k] = np.concatenate([p[k] for p in parts])
    return out


def patient_block(ctx: Context, block: int, state: dict[str, Any]) -> dict[str, Any]:
    """PATN of the block: its cohorts one after the other (rows and state arrays)."""
    cols, info = [], []
    for e, size in enumerate(cohort_sizes(ctx, block)):
        c, i = _cohort(ctx, block, e, int(size))
        cols.append(c)
        info.append(i)
    state.update({k: np.concatenate([i[k] for i in info]) for k in info[0]})
    return _concat_columns(cols)


def _cohort(ctx: Context, block: int, epoch: int, n: int) -> tuple[dict, dict]:
    """One cohort's PATN columns and patient arrays, from the cohort's own stream."""
    sc = ctx.scenario
    r = ctx.epoch_rng("PATN", block, epoch)
    index = cohort_index(ctx, block, epoch)
    female = r.random(n) < sc.female_share
    age = _patient_age(ctx, r, n)  # on the last day of the cohort's reference window
    ref_end = np.datetime64(epoch_start(ctx.opts.start, max(epoch + 1, REFERENCE_EPOCHS)), "D")
    birth = ref_end - 1 - (age * 365.25).astype(np.int64).astype("timedelta64[D]")
    lo, hi = ctx.block_range(block)
    registered = _registration_day(
        ctx, r, birth, epoch, n if epoch else new_per_epoch(ctx, hi - lo)
    )
    first = first_names(r, female)
    middle = first_names(r, female)
    has_middle = r.random(n) < 0.7
    last = draw_names(r, "last", n)
    addr = addresses(r, n)
    adult = age >= 18
    marital = _marital_status(r, age)
    blood = choice(r, list(sc.blood_type_shares), n, list(sc.blood_type_shares.values()))
    lang = choice(r, list(LANGUAGES), n, list(LANGUAGES.values()))
    has_email = r.random(n) < np.where(adult, 0.72, 0.1)
    email = cat(
        np.char.lower(first),
        ".",
        np.char.lower(last),
        digits(r.integers(0, 100, n), 2),
        "@",
        choice(r, list(EMAIL_DOMAINS), n),
    )
    has_contact, rel, contact = _emergency_contact(r, adult, last)
    # nobody has died yet: the clinical simulation of the block sets death dates
    death_null = np.ones(n, dtype=bool)
    created = at_time(r, registered, 7, 19)
    pid = keys("PT", index, 8, salt=5)
    reg_day = np.maximum((registered - ctx.start).astype(np.int64), 0)
    info = {
        "patient_index": index,
        "patient_id": pid,
        "birth": birth,
        "registered": registered,
        "female": female,
        "age_end": age,
        "cohort": np.full(n, epoch, dtype=np.int64),
        # the day the patient leaves (moves away): no visit is wanted after it
        "leave_day": reg_day + (r.exponential(365.25 / leave_rate(ctx), n)).astype(np.int64),
    }
    return {
        "PATN_ID": pid,
        "PATN_MRN": cat("M", digits(index, 8)),
        "PATN_FRST_NM": first,
        "PATN_MDL_NM": Masked(middle, ~has_middle),
        "PATN_LAST_NM": last,
        "PATN_SEX_CD": np.where(female, b"F", b"M"),
        "PATN_BRTH_DT": birth,
        "PATN_SSN_NO": never_issued_ssn(index),
        "PATN_ADDR_LN1": addr["line"],
        "PATN_CITY_NM": addr["city"],
        "PATN_ST_CD": addr["state"],
        "PATN_ZIP_CD": addr["zip"],
        # a number of their own: patients share a phone only inside a household, and the
        # extract has no households (docs/data_model.md, "Decisions")
        "PATN_PHN_NO": own_fictional_phone(index),
        "PATN_EMAIL_ADDR": Masked(email, ~has_email),
        "PATN_MRTL_STS_CD": marital,
        "PATN_BLD_TYP_CD": blood,
        "PATN_LANG_CD": lang,
        "PATN_EMRG_CNTCT_NM": Masked(contact, ~has_contact),
        "PATN_EMRG_CNTCT_PHN_NO": Masked(fictional_phone(r, addr["area"]), ~has_contact),
        "PATN_EMRG_CNTCT_REL_CD": Masked(rel, ~has_contact),
        "PATN_RGST_DT": registered,
        "PATN_DTH_DT": Masked(registered, death_null),
        "PATN_ACTV_FLG": flag(death_null),
        # the mother of a baby born in the hospital (generator/newborns.py); nobody else's
        "PATN_MTHR_PATN_ID": Masked(pid, np.ones(n, dtype=bool)),
        **audit(ctx, created),
    }, info


def _patient_age(ctx: Context, r: np.random.Generator, n: int) -> np.ndarray:
    """Age in years at the end of the window, by the scenario's age bands; within 65+,
    fewer people at each older age."""
    sc = ctx.scenario
    band = np.searchsorted(
        np.cumsum(sc.age_band_shares) / sum(sc.age_band_shares), r.random(n), side="right"
    )
    band = np.minimum(band, 3)
    band_lo = np.array([0, 18, 45, 65])[band]
    band_hi = np.array([18, 45, 65, 100])[band]
    u = r.random(n)
    return np.where(
        band == 3, 65 + np.minimum(r.exponential(11, n), 39.9), band_lo + u * (band_hi - band_lo)
    )


def _registration_day(
    ctx: Context, r: np.random.Generator, birth: np.ndarray, epoch: int, new: int
) -> np.ndarray:
    """Registered during the cohort's epoch (new patients) or, in cohort 0, before the start
    (the patients the hospital already had: the first of the cohort, so that the MRNs follow
    the registration order)."""
    n = len(birth)
    before = np.arange(n) < n - new
    lo = np.datetime64(epoch_start(ctx.opts.start, epoch), "D")
    span = int((np.datetime64(epoch_start(ctx.opts.start, epoch + 1), "D") - lo).astype(int))
    reg_before = ctx.start - (r.random(n) * 365 * 12).astype(np.int64).astype("timedelta64[D]")
    reg_during = lo + (r.random(n) * span).astype(np.int64).astype("timedelta64[D]")
    return np.maximum(np.where(before, reg_before, reg_during), birth)


def _marital_status(r: np.random.Generator, age: np.ndarray) -> np.ndarray:
    """Children are single; some married people over 70 are widowed."""
    n = len(age)
    marital = np.where(
        age >= 18,
        choice(r, ["S", "M", "D", "W", "P"], n, [0.34, 0.48, 0.1, 0.05, 0.03]),
        b"S",
    )
    return np.where((age >= 70) & (marital == b"M") & (r.random(n) < 0.3), b"W", marital)


def _emergency_contact(
    r: np.random.Generator, adult: np.ndarray, last: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(has a contact, relationship, name) of each patient's emergency contact: a parent for
    children; family share the patient's last name."""
    n = len(adult)
    has_contact = r.random(n) < 0.85
    rel = np.where(
        adult,
        choice(
            r, ["SPS", "PAR", "CHD", "SIB", "FRD", "OTH"], n, [0.42, 0.14, 0.2, 0.12, 0.08, 0.04]
        ),
        b"PAR",
    )
    contact_female = r.random(n) < 0.55
    family = np.isin(rel, [b"SPS", b"PAR", b"CHD", b"SIB"])
    contact_last = np.where(family, last, draw_names(r, "last", n))
    return has_contact, rel, cat(first_names(r, contact_female), " ", contact_last)


REACTIONS = {
    b"DRUG": (["RASH", "HIVES", "ANAPH", "SWELL", "GI"], [0.4, 0.3, 0.08, 0.1, 0.12]),
    b"FOOD": (["HIVES", "ANAPH", "SWELL", "GI"], [0.35, 0.15, 0.25, 0.25]),
    b"ENVR": (["RESP", "RASH", "HIVES"], [0.7, 0.15, 0.15]),
    b"LATX": (["RASH", "HIVES", "ANAPH"], [0.55, 0.35, 0.1]),
    b"INSC": (["SWELL", "HIVES", "ANAPH"], [0.5, 0.3, 0.2]),
}


ALLERGY_RECORDERS = (b"RN", b"PHYS", b"NP", b"PA", b"PHRM")
# active, inactive (entered in error), resolved
ALLERGY_STATUS_SHARES = (0.9, 0.04, 0.06)


def _allergens(ctx: Context, r: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(patient, allergen) pairs, sorted: a penicillin-class allergen (penicillin itself
    mostly, by the catalog's prevalence) for the scenario's share of patients, and allergens
    of other kinds so that the share with any allergy is the scenario's."""
    sc = ctx.scenario
    drug_class = ctx.col("ALGY", "ALGY_DRUG_CLS_CD")
    prevalence = np.array([float(x["prevalence"]) for x in reference.rows("allergens")])
    is_pcn = drug_class == b"PENICILLIN"
    p_pcn, p_any = sc.penicillin_allergy_rate, sc.any_allergy_rate
    # 1 - (1 - p_pcn)(1 - q) = p_any (the scenario keeps p_pcn <= p_any and p_pcn < 1)
    q = 1 - (1 - p_any) / (1 - p_pcn)
    has_pcn = r.random(n) < p_pcn
    has_other = r.random(n) < q
    n_other = np.where(has_other, 1 + np.minimum(r.poisson(0.25, n), 5), 0)
    owner = np.concatenate([np.flatnonzero(has_pcn), np.repeat(np.arange(n), n_other)])
    allergen = np.concatenate(
        [_by_weight(r, prevalence * is_pcn, int(has_pcn.sum())),
         _by_weight(r, prevalence * ~is_pcn, int(n_other.sum()))]
    )  # fmt: skip
    pair = np.unique(owner * 1000 + allergen)
    return pair // 1000, pair % 1000


def _by_weight(r: np.random.Generator, weight: np.ndarray, k: int) -> np.ndarray:
    """``k`` indices drawn by weight (zeros if every weight is 0)."""
    if not k or weight.sum() <= 0:
        return np.zeros(k, np.int64)
    return np.minimum(
        np.searchsorted(np.cumsum(weight) / weight.sum(), r.random(k), side="right"),
        len(weight) - 1,
    )


def allergy_block(ctx: Context, block: int, state: dict[str, Any]) -> dict[str, Any]:
    r = ctx.rng("PTAL", block)
    pid, reg, birth = state["patient_id"], state["registered"], state["birth"]
    n = len(pid)
    ids = ctx.col("ALGY", "ALGY_ID")
    category = ctx.col("ALGY", "ALGY_CTGY_CD")
    owner, allergen = _allergens(ctx, r, n)
    m = len(owner)
    # recorded in the ERP at most three years before the window (every department's anchor
    # staff member was employed by then)
    recorded = days_between(r, np.maximum(reg[owner], ctx.start - 3 * 365), np.full(m, ctx.end))
    has_onset = r.random(m) < 0.55
    onset = days_between(r, birth[owner], recorded)
    cat_ = category[allergen]
    reaction = np.empty(m, dtype="S5")
    for c, (opts, p) in REACTIONS.items():
        mm = cat_ == c
        reaction[mm] = choice(r, opts, int(mm.sum()), p)
    severity = np.where(
        reaction == b"ANAPH", b"SEV", choice(r, ["MILD", "MOD", "SEV"], m, [0.52, 0.36, 0.12])
    )
    status = choice(r, ["ACTV", "INAC", "RSLV"], m, ALLERGY_STATUS_SHARES)
    by = employed_staff(ctx, r, recorded, ALLERGY_RECORDERS)
    created = at_time(r, recorded, 7, 20)
    global_index = state["patient_index"][owner] * 8 + (
        np.arange(m) - np.searchsorted(owner, owner)
    )
    state["allergy_patient"] = owner
    state["allergy_class"] = ctx.col("ALGY", "ALGY_DRUG_CLS_CD")[allergen]
    state["allergy_active"] = status == b"ACTV"
    return {
        "PTAL_ID": keys("PA", global_index, 9, salt=6),
        "PATN_ID": pid[owner],
        "ALGY_ID": ids[allergen],
        "PTAL_SVRTY_CD": severity,
        "PTAL_RCTN_CD": reaction,
        "PTAL_ONST_DT": Masked(onset, ~has_onset),
        "PTAL_RCRD_DT": recorded,
        "PTAL_RCRD_BY_STFF_ID": by,
        "PTAL_STS_CD": status,
        **audit(ctx, created),
    }


COMMERCIAL_PAYERS = (
    "Bayside Health Plan",
    "Commonwealth Mutual Health",
    "Granite Benefit Partners",
    "Harbor Point Health",
    "Liberty Crest Insurance",
    "Northshore Care Alliance",
    "Old Colony Health Assurance",
    "Pilgrim Valley Health",
)
MEDICARE_ADVANTAGE = (
    "Bayside Medicare Advantage",
    "Harbor Point Senior Care",
    "Evergreen Medicare Choice",
)


def insurance_block(ctx: Context, block: int, state: dict[str, Any]) -> dict[str, Any]:
    """Policies per patient. Everybody 65+ is on Medicare (original or Advantage, some with
    a supplemental plan); younger patients hold Medicaid, a commercial plan or nothing
    (self-pay); patients who turn 65 in the window move to Medicare on their birthday
    month; some change commercial plans. A patient's primary policies never overlap."""
    r = ctx.rng("INSR", block)
    pid, reg = state["patient_id"], state["registered"]
    p = _policy_rows(ctx, r, state)
    owner, kind, eff, end, end_null = p["owner"], p["kind"], p["eff"], p["end"], p["end_null"]
    m = len(owner)
    advantage, payer, payer_type, plan = _payer_and_plan(ctx, r, kind)
    cover, copay, deductible = _policy_costs(r, kind, plan, advantage)
    group = kind == 2
    global_index = state["patient_index"][owner] * 4 + (
        np.arange(m) - np.searchsorted(owner, owner)
    )
    created = at_time(r, np.maximum(eff, reg[owner]), 8, 18)
    state["policy_patient"] = owner
    state["policy_id"] = keys("IN", global_index, 9, salt=7)
    state["policy_kind"] = kind
    state["policy_eff"] = eff
    state["policy_end"] = np.where(end_null, np.datetime64("2999-12-31"), end)
    state["policy_primary"] = p["primary"]
    state["policy_cover_pct"] = cover
    state["policy_copay_cents"] = copay
    return {
        "INSR_ID": state["policy_id"],
        "PATN_ID": pid[owner],
        "INSR_PYR_NM": payer,
        "INSR_PYR_TYP_CD": payer_type,
        "INSR_PLAN_TYP_CD": plan,
        "INSR_MBR_ID": cat("ZQ", digits(global_index, 10)),
        "INSR_GRP_NO": Masked(cat("GRP-", digits(r.integers(0, 10**6, m), 6)), ~group),
        "INSR_CVRG_PCT": cover,
        "INSR_COPAY_AMT": copay,
        "INSR_DDCT_AMT": deductible,
        "INSR_EFF_DT": eff,
        "INSR_END_DT": Masked(np.where(end_null, eff, end), end_null),
        "INSR_PRMY_FLG": flag(p["primary"]),
        # updated when it ends (at 17:00 on its last day)
        **audit(ctx, created, np.where(end_null, created, closing_time(end))),
    }


def _first_policy(
    ctx: Context, r: np.random.Generator, state: dict[str, Any]
) -> dict[str, np.ndarray]:
    """Each patient's first policy (kind 0 self-pay, 1 Medicaid, 2 commercial, 3 Medicare)
    and its start, and when the patient turns 65."""
    sc = ctx.scenario
    birth, reg = state["birth"], state["registered"]
    n = len(birth)
    turn65 = (birth.astype("datetime64[M]") + np.timedelta64(65 * 12, "M")).astype("datetime64[D]")
    senior_at_start = turn65 <= ctx.start
    u = r.random(n)
    young_kind = np.where(
        u < sc.medicaid_share_under_65,
        1,
        np.where(u < sc.medicaid_share_under_65 + sc.commercial_share_under_65, 2, 0),
    )
    medicare = r.random(n) < sc.medicare_share_65_plus
    kind = np.where(senior_at_start, np.where(medicare, 3, 2), young_kind)
    eff = np.minimum(reg, ctx.start) - (r.random(n) * 365 * 6).astype(np.int64).astype(
        "timedelta64[D]"
    )
    eff = np.maximum(eff, birth)
    eff = np.where(kind == 3, np.maximum(eff, turn65), eff)
    turns_in_window = (~senior_at_start) & (turn65 <= ctx.end)
    return {
        "kind": kind,
        "eff": eff,
        "medicare": medicare,
        "turn65": turn65,
        "turns_in_window": turns_in_window,
    }


def _second_policy(
    ctx: Context, r: np.random.Generator, first: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Where the first policy ends in the window: turning 65 (-> Medicare) or a change of
    commercial plan; the second policy starts the next day."""
    sc = ctx.scenario
    n = len(first["kind"])
    turns_in_window = first["turns_in_window"]
    change = (first["kind"] == 2) & (r.random(n) < sc.policy_change_rate) & ~turns_in_window
    change_day = days_between(r, np.maximum(first["eff"] + 30, ctx.start + 1), np.full(n, ctx.end))
    change &= change_day <= ctx.end
    to_medicare = turns_in_window & first["medicare"]
    start = np.where(to_medicare, first["turn65"], change_day)
    return {
        "has": change | to_medicare,
        "kind": np.where(to_medicare, 3, 2),
        "start": start,
        "first_end": start - np.timedelta64(1, "D"),
    }


def _policy_rows(
    ctx: Context, r: np.random.Generator, state: dict[str, Any]
) -> dict[str, np.ndarray]:
    """Every policy of the block (owner, kind, eff, end, end_null, primary), sorted by owner
    and start: first and second policies, and Medigap beside original Medicare."""
    first = _first_policy(ctx, r, state)
    second = _second_policy(ctx, r, first)
    has_second = second["has"]
    p_owner = [np.flatnonzero(first["kind"] > 0), np.flatnonzero(has_second)]
    p_kind = [first["kind"][p_owner[0]], second["kind"][p_owner[1]]]
    p_eff = [first["eff"][p_owner[0]], second["start"][p_owner[1]]]
    p_end = [
        second["first_end"][p_owner[0]],
        np.full(len(p_owner[1]), np.datetime64("NaT"), "datetime64[D]"),
    ]
    p_end_null = [~has_second[p_owner[0]], np.ones(len(p_owner[1]), dtype=bool)]
    p_primary = [np.ones(len(p_owner[0]), bool), np.ones(len(p_owner[1]), bool)]
    # Medigap: a supplemental commercial policy beside original Medicare (never primary)
    senior_owner = np.concatenate([p_owner[0][p_kind[0] == 3], p_owner[1][p_kind[1] == 3]])
    senior_eff = np.concatenate([p_eff[0][p_kind[0] == 3], p_eff[1][p_kind[1] == 3]])
    gap = r.random(len(senior_owner)) < ctx.scenario.medigap_share
    n_gap = int(gap.sum())
    p_owner.append(senior_owner[gap])
    p_kind.append(np.full(n_gap, 4))  # 4: supplemental commercial
    p_eff.append(senior_eff[gap])
    p_end.append(np.full(n_gap, np.datetime64("NaT"), "datetime64[D]"))
    p_end_null.append(np.ones(n_gap, bool))
    p_primary.append(np.zeros(n_gap, bool))
    rows = {
        "owner": np.concatenate(p_owner),
        "kind": np.concatenate(p_kind),
        "eff": np.concatenate(p_eff),
        "end": np.concatenate(p_end),
        "end_null": np.concatenate(p_end_null),
        "primary": np.concatenate(p_primary),
    }
    order = np.lexsort((rows["eff"], rows["owner"]))
    return {k: v[order] for k, v in rows.items()}


def _payer_and_plan(
    ctx: Context, r: np.random.Generator, kind: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(Medicare Advantage, payer name, payer type, plan type) of each policy."""
    m = len(kind)
    advantage = (kind == 3) & (r.random(m) < ctx.scenario.medicare_advantage_share)
    payer = np.where(
        kind == 1,
        b"Commonwealth Medicaid Program",
        np.where(
            kind == 3,
            np.where(advantage, choice(r, list(MEDICARE_ADVANTAGE), m), b"Medicare"),
            choice(r, list(COMMERCIAL_PAYERS), m),
        ),
    )
    payer_type = np.where(kind == 1, b"MCD", np.where(kind == 3, b"MCR", b"COM"))
    plan = np.where(
        kind == 1,
        b"HMO",
        np.where(
            kind == 3,
            np.where(advantage, b"MA", b"FFS"),
            np.where(
                kind == 4,
                b"PPO",
                choice(r, ["HMO", "PPO", "EPO", "POS", "HDHP"], m, [0.3, 0.35, 0.1, 0.1, 0.15]),
            ),
        ),
    )
    return advantage, payer, payer_type, plan


def _policy_costs(
    r: np.random.Generator, kind: np.ndarray, plan: np.ndarray, advantage: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(coverage percent, copay cents, deductible cents) of each policy."""
    m = len(kind)
    cover = np.where(
        kind == 1,
        100,
        np.where(
            kind == 3,
            np.where(advantage, 85, 80),
            np.where(kind == 4, 20, np.where(plan == b"HDHP", 70, r.choice([80, 90], m))),
        ),
    )
    copay = np.where(
        kind == 2, r.choice([20, 25, 30, 40, 50], m) * 100, np.where(kind == 1, 300, 0)
    )
    copay = np.where(advantage, 2000, copay)
    deductible = np.where(
        kind == 2,
        np.where(
            plan == b"HDHP", r.choice([1600, 3000, 4000], m), r.choice([500, 1000, 1500, 2000], m)
        )
        * 100,
        np.where(kind == 3, 24_000, 0),
    )
    return cover, copay, deductible


def close_policies_at_death(ctx: Context, block: int, state: dict[str, Any]) -> dict[str, Any]:
    """Once the clinical simulation has set death dates: a policy in force at death ends on
    the death date, and a policy that would only have started later is never written."""
    patn = state["columns"]["PATN"]
    death = np.asarray(patn["PATN_DTH_DT"].values, dtype="datetime64[D]")
    dead = ~np.asarray(patn["PATN_DTH_DT"].null, dtype=bool)
    cols = state["columns"]["INSR"]
    owner = state["policy_patient"]
    died = dead[owner]
    d = death[owner]
    keep = ~died | (state["policy_eff"] <= d)
    closes = died & keep & (state["policy_end"] > d)
    end_null = np.asarray(cols["INSR_END_DT"].null, dtype=bool) & ~closes
    end = np.where(closes, d, np.asarray(cols["INSR_END_DT"].values, dtype="datetime64[D]"))
    cols["INSR_END_DT"] = Masked(end, end_null)
    state["policy_end"] = np.where(closes, d, state["policy_end"])
    updated = np.maximum(cols["REC_UPDT_TS"], at_time(ctx.rng("INSR-death", block), d, 9, 17))
    cols["REC_UPDT_TS"] = np.where(closes, np.minimum(updated, ctx.end_ts), cols["REC_UPDT_TS"])
    out = {
        k: (Masked(v.values[keep], v.null[keep]) if isinstance(v, Masked) else v[keep])
        for k, v in cols.items()
    }
    for k in [k for k in state if k.startswith("policy_")]:
        state[k] = state[k][keep]
    return out
