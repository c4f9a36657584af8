"""Departments, rooms and equipment."""

from __future__ import annotations

from typing import Any

import numpy as np

from generator import reference
from generator.capacity import Beds
from generator.columns import Masked, cat, choice, digits, keys
from generator.core import Context, audit, department_ids
from generator.identifiers import fictional_phone

# beds per room and the daily rate range (dollars) of each room type
DAILY_RATE = {"ward": (1_900, 2_600), "priv": (2_800, 3_600), "icu": (6_500, 9_500)}


def scaled(base: np.ndarray, scale: float) -> np.ndarray:
    """Counts that grow with the scale, keeping at least one of whatever exists at scale 1."""
    base = np.asarray(base, dtype=np.float64)
    return np.where(base > 0, np.maximum(1, np.round(base * scale)), 0).astype(np.int64)


def departments(ctx: Context) -> dict[str, Any]:
    r = ctx.rng("DPMT")
    rows = reference.rows("departments")
    n = len(rows)
    ids = department_ids()
    # head of department: the longest-serving physician or surgeon still employed at the end
    staff_dept = ctx.col("STFF", "DPMT_ID")
    role = ctx.col("STFF", "STFF_ROLE_CD")
    hire = ctx.col("STFF", "STFF_HIRE_DT")
    term_null = ctx.master["STFF"].column("STFF_TERM_DT").is_null().to_numpy(zero_copy_only=False)
    staff_ids = ctx.col("STFF", "STFF_ID")
    eligible = term_null & np.isin(role, [b"PHYS", b"SURG"])
    heads = np.full(n, b"", dtype="S10")
    has_head = np.zeros(n, dtype=bool)
    order = np.lexsort((hire, ~eligible, staff_dept))  # by department, eligible first, oldest hire
    first = np.unique(staff_dept[order], return_index=True)
    for dept_id, pos in zip(*first, strict=True):
        i = order[pos]
        if eligible[i]:
            k = np.flatnonzero(ids == dept_id)[0]
            heads[k] = staff_ids[i]
            has_head[k] = True
    created = (
        ctx.start_ts
        - np.timedelta64(3650, "D")
        + r.integers(0, 86_400 * 365, n).astype("timedelta64[s]")
    )
    return {
        "DPMT_ID": ids,
        "DPMT_CD": reference.column("departments", "code"),
        "DPMT_NM": reference.column("departments", "name"),
        "DPMT_TYP_CD": reference.column("departments", "type"),
        "DPMT_BLDG_CD": reference.column("departments", "building"),
        "DPMT_FLR_NO": reference.column("departments", "floor", np.int64),
        "DPMT_CST_CTR_CD": cat("CC-", digits(4100 + 10 * np.arange(n), 4)),
        "DPMT_HEAD_STFF_ID": Masked(heads, ~has_head),
        "DPMT_PHN_NO": fictional_phone(r, np.full(n, b"617")),
        "DPMT_ACTV_FLG": np.full(n, b"Y"),
        **audit(ctx, created),
    }


PRIVATE_BED_SHARE = 0.3  # of a department's general beds, in one-bed private rooms
BED_CLASS = {"ward": 0, "priv": 0, "icu": 1}  # capacity.GENERAL / capacity.ICU


def _bed_rooms(beds: int) -> list[tuple[str, int]]:
    """A department's general beds as private rooms and two-bed wards (one of three when the
    count is odd)."""
    priv = round(beds * PRIVATE_BED_SHARE)
    ward = beds - priv
    if ward == 1:
        return [("priv", 1)] * beds
    rooms = [("priv", 1)] * priv + [("ward", 2)] * (ward // 2)
    if ward % 2:
        rooms[-1] = ("ward", 3)
    return rooms


def room_plan(ctx: Context) -> list[tuple[int, str, int]]:
    """(department index, room type, beds) of every room, in a fixed order. Bedded rooms, ED
    bays and exam rooms follow the work (``ctx.capacity``); theatres, imaging and labs the
    departments' reference counts times the scale."""
    plan = ctx.capacity
    rows = reference.rows("departments")
    clinic_staff = _clinic_staff(ctx)
    out: list[tuple[int, str, int]] = []
    for d, row in enumerate(rows):
        if clinic_staff[d]:
            out += [(d, "exam", 0)] * int(clinic_staff[d])
        out += [(d, t, b) for t, b in _bed_rooms(int(plan.general_beds[d]))]
        if row["code"] == "ICU":
            out += [(d, "icu", 1)] * plan.icu_beds
        if row["code"] == "EMER":
            out += [(d, "edby", 1)] * plan.ed_bays
        for t in ("or", "imgn", "lab"):
            out += [(d, t, 0)] * int(scaled(np.array([int(row[t])]), ctx.scale)[0])
    return out


def _clinic_staff(ctx: Context) -> np.ndarray:
    """Clinic providers per department, from STFF (each has an exam room of their own)."""
    providers = np.isin(ctx.col("STFF", "STFF_ROLE_CD"), [b"PHYS", b"SURG", b"NP", b"PA"])
    dept_pos = {d: i for i, d in enumerate(department_ids())}
    dept = np.array([dept_pos[d] for d in ctx.col("STFF", "DPMT_ID")[providers]], np.int64)
    count = np.bincount(dept, minlength=len(dept_pos))
    return np.where(ctx.capacity.clinic_providers > 0, count, 0)


def bed_inventory(ctx: Context):
    """Every inpatient bed of the hospital (ward, private and ICU rooms), for pass (b)."""
    rtype = np.char.lower(ctx.col("ROMS", "ROMS_TYP_CD").astype(str))
    beds = np.where(np.isin(rtype, list(BED_CLASS)), ctx.col("ROMS", "ROMS_BED_CNT"), 0)
    room = np.repeat(np.arange(len(beds)), beds.astype(np.int64))
    dept_pos = {d: i for i, d in enumerate(department_ids())}
    rdept = np.array([dept_pos[d] for d in ctx.col("ROMS", "DPMT_ID")], dtype=np.int64)
    cls = np.array([BED_CLASS[t] for t in rtype[room]], dtype=np.int64)
    return Beds(room=room, cls=cls, dept=rdept[room])


def ed_bays(ctx: Context) -> np.ndarray:
    """The ROMS rows of the ED bays, for pass (b)."""
    return np.flatnonzero(ctx.col("ROMS", "ROMS_TYP_CD") == b"EDBY")


def rooms(ctx: Context) -> dict[str, Any]:
    r = ctx.rng("ROMS")
    plan = room_plan(ctx)
    n = len(plan)
    dept_idx = np.array([p[0] for p in plan], dtype=np.int64)
    tnames = np.array([p[1] for p in plan])
    beds = np.array([p[2] for p in plan], dtype=np.int64)
    rate_lo = np.array([DAILY_RATE.get(t, (0, 0))[0] for t in tnames])
    rate_hi = np.array([DAILY_RATE.get(t, (0, 0))[1] for t in tnames])
    rate = ((rate_lo + r.random(n) * (rate_hi - rate_lo)) // 25 * 25 * 100).astype(np.int64)
    floors = reference.column("departments", "floor", np.int64)[dept_idx]
    # room numbers: floor, then a running number within the building floor
    bldg = reference.column("departments", "building")[dept_idx]
    seq = np.zeros(n, dtype=np.int64)
    key = np.char.add(bldg, digits(floors, 2))
    for k in np.unique(key):
        m = key == k
        seq[m] = np.arange(1, m.sum() + 1)
    number = cat(bldg, "-", digits(floors, 1), digits(seq, 2))
    bedded = beds > 0
    status = np.where(bedded, b"AVL", choice(r, ["AVL", "MNT", "CLS"], n, [0.93, 0.05, 0.02]))
    created = ctx.start_ts - np.timedelta64(2000, "D")
    return {
        "ROMS_ID": keys("RM", np.arange(n), 5, salt=2),
        "DPMT_ID": department_ids()[dept_idx],
        "ROMS_NO": number,
        "ROMS_TYP_CD": np.char.upper(tnames.astype("S")),
        "ROMS_BED_CNT": beds,
        "ROMS_DLY_RT_AMT": rate,
        "ROMS_FLR_NO": floors,
        "ROMS_STS_CD": status,
        **audit(ctx, np.full(n, created)),
    }


def equipment(ctx: Context) -> dict[str, Any]:
    r = ctx.rng("EQPM")
    cat_rows = reference.rows("equipment_catalog")
    weights = np.array([float(c["weight"]) for c in cat_rows])
    n = int(max(len(cat_rows), round(300 + 700 * ctx.scale)))
    kind = np.searchsorted(np.cumsum(weights / weights.sum()), r.random(n), side="right")
    kind = np.minimum(kind, len(cat_rows) - 1)
    dept, room = _equipment_places(ctx, r, cat_rows, kind)
    cost_min = np.array([float(c["cost_min"]) for c in cat_rows])[kind]
    cost_max = np.array([float(c["cost_max"]) for c in cat_rows])[kind]
    cost = np.exp(np.log(cost_min) + r.random(n) * (np.log(cost_max) - np.log(cost_min)))
    cost_cents = (np.round(cost, 0) * 100).astype(np.int64)
    dates = _equipment_dates(ctx, r, cat_rows, kind)
    status = choice(r, ["INSV", "MNT", "RTRD"], n, [0.93, 0.04, 0.03])
    mfr = np.array([c["manufacturer"] for c in cat_rows], dtype="S")[kind]
    supplier = _equipment_supplier(ctx, r, mfr)
    mfr_prefix = np.array([c["model_prefix"] for c in cat_rows], dtype="S")[kind]
    created = dates["purchase"].astype("datetime64[s]") + r.integers(28_800, 61_200, n).astype(
        "timedelta64[s]"
    )
    serviced = dates["last"].astype("datetime64[s]") + np.timedelta64(12 * 3600, "s")  # noon
    return {
        "EQPM_ID": keys("EQ", np.arange(n), 6, salt=3),
        "EQPM_ASST_TAG": cat("AT-", digits(r.integers(0, 10**7, n), 7)),
        "EQPM_TYP_CD": np.array([c["type_code"] for c in cat_rows], dtype="S")[kind],
        "EQPM_NM": np.array([c["name"] for c in cat_rows], dtype="S")[kind],
        "EQPM_MFR_NM": mfr,
        "EQPM_MDL_NM": cat(mfr_prefix, "-", digits(r.integers(100, 1000, n), 3)),
        "EQPM_SRL_NO": cat("SN", digits(r.integers(0, 10**9, n), 9)),
        "DPMT_ID": dept,
        "ROMS_ID": Masked(room, room == b""),
        "EQPM_SPLR_VNDR_ID": supplier,
        "EQPM_PRCH_DT": dates["purchase"],
        "EQPM_PRCH_CST_AMT": cost_cents,
        "EQPM_WRNTY_END_DT": dates["warranty"],
        "EQPM_LAST_MNT_DT": Masked(dates["last"], ~dates["maintained"]),
        "EQPM_NEXT_MNT_DT": Masked(dates["next"], dates["interval"] == 0),
        "EQPM_STS_CD": status,
        # updated by its last service (at noon)
        **audit(ctx, created, np.where(dates["maintained"], serviced, created)),
    }


def _equipment_places(
    ctx: Context, r: np.random.Generator, cat_rows: list[dict[str, str]], kind: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(department, room or b"") of each asset: a department its catalog entry allows, and a
    room of that department of one of the entry's room types, when there is one."""
    n = len(kind)
    dept_codes = reference.column("departments", "code").astype(str)
    dept_ids = department_ids()
    room_ids = ctx.col("ROMS", "ROMS_ID")
    room_dept = ctx.col("ROMS", "DPMT_ID")
    room_type = ctx.col("ROMS", "ROMS_TYP_CD")
    dept = np.empty(n, dtype="S6")
    room = np.full(n, b"", dtype="S7")
    u1, u2 = r.random(n), r.random(n)
    # per catalog entry (a few dozen), vectorized over the assets of that kind
    for k, c in enumerate(cat_rows):
        m = np.flatnonzero(kind == k)
        if not len(m):
            continue
        allowed = dept_codes if c["departments"] == "ALL" else np.array(c["departments"].split("|"))
        allowed_ids = dept_ids[np.isin(dept_codes, allowed)]
        if not len(allowed_ids):
            allowed_ids = dept_ids
        d = allowed_ids[(u1[m] * len(allowed_ids)).astype(np.int64)]
        dept[m] = d
        rtypes = (
            np.array(c["room_types"].split("|"), dtype="S")
            if c["room_types"]
            else np.array([], "S")
        )
        if len(rtypes):
            cand = np.isin(room_type, rtypes)
            for di in np.unique(d):
                rooms_here = room_ids[cand & (room_dept == di)]
                mm = m[d == di]
                if len(rooms_here):
                    room[mm] = rooms_here[(u2[mm] * len(rooms_here)).astype(np.int64)]
    return dept, room


def _equipment_dates(
    ctx: Context, r: np.random.Generator, cat_rows: list[dict[str, str]], kind: np.ndarray
) -> dict[str, np.ndarray]:
    """Purchase and warranty end of each asset (within its life), and its maintenance as of
    the end date: serviced every ``maintenance_days``, first 30 days to one interval after
    the purchase; the last service by the end date (none yet: null) and the next one due."""
    n = len(kind)
    life = np.array([float(c["life_years"]) for c in cat_rows])[kind]
    interval = np.array([int(c["maintenance_days"]) for c in cat_rows])[kind]
    age_days = (r.random(n) * life * 365).astype(np.int64)
    purchase = ctx.end - age_days.astype("timedelta64[D]")
    warranty = purchase + (365 * r.integers(1, 6, n)).astype("timedelta64[D]")
    every = np.maximum(interval, 1)
    first = purchase + (30 + (r.random(n) * every).astype(np.int64)).astype("timedelta64[D]")
    done = (ctx.cut - first).astype(np.int64) // every  # services before the end date, - 1
    maintained = (interval > 0) & (done >= 0)
    last = first + (np.maximum(done, 0) * every).astype("timedelta64[D]")
    return {
        "purchase": purchase,
        "warranty": warranty,
        "maintained": maintained,
        "interval": interval,
        "last": last,
        "next": np.where(maintained, last + every.astype("timedelta64[D]"), first),
    }


def _equipment_supplier(ctx: Context, r: np.random.Generator, mfr: np.ndarray) -> np.ndarray:
    """Bought from the manufacturer when it is one of our vendors, else from a distributor."""
    vendors = ctx.col("VNDR", "VNDR_ID")[ctx.col("VNDR", "VNDR_CTGY_CD") == b"EQPT"]
    vendor_names = ctx.col("VNDR", "VNDR_NM")
    order = np.argsort(vendor_names)
    pos = np.minimum(np.searchsorted(vendor_names[order], mfr), len(order) - 1)
    direct = vendor_names[order][pos] == mfr
    fallback = vendors[r.integers(0, len(vendors), len(mfr))]
    return np.where(direct, ctx.col("VNDR", "VNDR_ID")[order][pos], fallback)
