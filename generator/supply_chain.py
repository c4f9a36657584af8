"""Vendors, the supply catalog, the daily inventory and vendor invoices.

The catalog's reorder settings change at quarterly reviews (``Review``) run inside the daily
stock ledger, so each day restocks by the settings in force that day; SPLY is written after
the ledger, as of the end date (``reviewed_supplies``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from generator import reference
from generator.columns import Masked, cat, choice, digits, keys
from generator.core import MAX_EPOCHS, Context, audit, to_weekday
from generator.identifiers import fictional_phone
from generator.people import addresses, at_time, draw_names, employed_staff, first_names

# daily volume of each usage driver at scale 1 in the first quarter of the default window
# (measured: scale 1 and 10, seed 42): the use the catalog's first reorder settings are
# sized for; the quarterly reviews follow the use as the patient base grows (about half as
# much again by the last quarter of the second year)
DRIVER_DAILY_AT_SCALE_1 = {
    "ED_VISIT": 18.0,
    "OUTPATIENT_VISIT": 42.0,
    "INPATIENT_DAY": 22.0,
    "PROCEDURE": 47.0,
    "SURGERY": 1.4,
    "LAB_TEST": 76.0,
    "ALL_VISITS": 66.0,
}
INVN_DAYS = MAX_EPOCHS * 366  # key stride per supply: a count's key never depends on the end
LEAD_DAYS = {"MSRG": (2, 6), "LAB": (4, 9), "PHRM": (1, 4)}


def vendors(ctx: Context) -> dict[str, Any]:
    r = ctx.rng("VNDR")
    rows = reference.rows("vendors")
    n = len(rows)
    names = [x["name"] for x in rows]
    slug = np.array(
        ["".join(ch for ch in nm.lower() if ch.isalnum())[:20] for nm in names], dtype="S"
    )
    female = r.random(n) < 0.5
    first = first_names(r, female)
    last = draw_names(r, "last", n)
    addr = addresses(r, n)
    onboard = ctx.start - (r.random(n) * 365 * 9).astype(np.int64).astype("timedelta64[D]")
    created = onboard.astype("datetime64[s]") + r.integers(32_400, 61_200, n).astype(
        "timedelta64[s]"
    )
    return {
        "VNDR_ID": keys("VN", np.arange(n), 4, salt=10),
        "VNDR_NM": np.array(names, dtype="S"),
        "VNDR_CTGY_CD": reference.column("vendors", "category"),
        "VNDR_TAX_ID": cat("00-", digits(r.integers(0, 10**7, n), 7)),
        "VNDR_CNTCT_NM": cat(first, " ", last),
        "VNDR_PHN_NO": fictional_phone(r, addr["area"]),
        "VNDR_EMAIL_ADDR": cat(np.char.lower(first), "@", slug, ".example"),
        "VNDR_ADDR_LN1": addr["line"],
        "VNDR_CITY_NM": addr["city"],
        "VNDR_ST_CD": addr["state"],
        "VNDR_ZIP_CD": addr["zip"],
        "VNDR_PYMT_TRMS_CD": reference.column("vendors", "payment_terms"),
        "VNDR_ONBRD_DT": onboard,
        "VNDR_ACTV_FLG": np.where(r.random(n) < 0.95, b"Y", b"N"),
        **audit(ctx, created),
    }


def sized_daily_use(ctx: Context) -> np.ndarray:
    """The daily use of each supply that the first reorder settings are sized for: the
    expected volume of its usage driver at the scale."""
    rows = reference.rows("supply_catalog")
    per_unit = np.array([float(x["usage_per_unit"]) for x in rows])
    return per_unit * np.array([DRIVER_DAILY_AT_SCALE_1[x["driver"]] for x in rows]) * ctx.scale


def reorder_settings(daily: np.ndarray, lead: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(reorder level, reorder quantity) for a daily use: the level covers the lead time plus
    two days with safety stock for day-to-day swings; the quantity two weeks of use."""
    cover = daily * (lead + 2)
    level = np.maximum(2, np.ceil(cover + 2 * np.sqrt(cover))).astype(np.int64)
    qty = np.maximum(5, np.ceil(daily * 14 / 5) * 5).astype(np.int64)
    return level, qty


def supplies(ctx: Context) -> dict[str, Any]:
    r = ctx.rng("SPLY")
    rows = reference.rows("supply_catalog")
    n = len(rows)
    daily = sized_daily_use(ctx)
    vcat = [x["vendor_category"] for x in rows]
    lead_lo = np.array([LEAD_DAYS.get(v, (2, 6))[0] for v in vcat])
    lead_hi = np.array([LEAD_DAYS.get(v, (2, 6))[1] for v in vcat])
    lead = lead_lo + (r.random(n) * (lead_hi - lead_lo + 1)).astype(np.int64)
    reorder_level, reorder_qty = reorder_settings(daily, lead)
    vendor_ids = ctx.col("VNDR", "VNDR_ID")
    vendor_cat = ctx.col("VNDR", "VNDR_CTGY_CD")
    vendor = np.empty(n, dtype=vendor_ids.dtype)
    for v in sorted(set(vcat)):
        m = np.array([x == v for x in vcat])
        pool = vendor_ids[vendor_cat == v.encode()]
        if not len(pool):
            pool = vendor_ids[vendor_cat == b"MSRG"]
        vendor[m] = pool[r.integers(0, len(pool), int(m.sum()))]
    created = (
        ctx.start_ts
        - np.timedelta64(1500, "D")
        + r.integers(0, 86_400 * 1400, n).astype("timedelta64[s]")
    )
    return {
        "SPLY_ID": keys("SP", np.arange(n), 5, salt=11),
        "SPLY_SKU": cat("SKU-", digits(np.arange(n) * 7_919 % 1_000_000, 6)),
        "SPLY_NM": reference.column("supply_catalog", "name"),
        "SPLY_CTGY_CD": reference.column("supply_catalog", "category"),
        "SPLY_UOM_CD": reference.column("supply_catalog", "uom"),
        "SPLY_UNIT_CST_AMT": np.round(np.array([float(x["unit_cost"]) for x in rows]) * 100).astype(
            np.int64
        ),
        "SPLY_RORD_LVL_QTY": reorder_level,
        "SPLY_RORD_QTY": reorder_qty,
        "SPLY_LEAD_DAYS": lead,
        "SPLY_STRG_LOC_CD": reference.column("supply_catalog", "storage_location"),
        "SPLY_LATX_FLG": reference.column("supply_catalog", "latex"),
        "SPLY_PRF_VNDR_ID": vendor,
        **audit(ctx, created),
    }


# ----------------------------------------------------------------------------- roll-ups

TERMS_DAYS = {b"NET30": 30, b"NET45": 45, b"NET60": 60, b"NET90": 90}
DRIVERS = (
    "ED_VISIT",
    "OUTPATIENT_VISIT",
    "INPATIENT_DAY",
    "PROCEDURE",
    "SURGERY",
    "LAB_TEST",
    "ALL_VISITS",
)


def driver_volumes(ctx: Context, activity: dict[str, np.ndarray]) -> np.ndarray:
    """Daily volume of every usage driver (drivers x days), from the clinical activity that
    the patient blocks counted."""
    missing = [d for d in DRIVERS if d not in activity]
    if missing:
        raise KeyError(f"clinical activity lacks the drivers {missing}")
    return np.stack([np.asarray(activity[d], dtype=np.float64)[: ctx.days] for d in DRIVERS])


def inventory(ctx: Context, state: dict[str, Any]) -> dict[str, Any]:
    """One row per supply per day. Use follows the day's clinical volume; stock is reordered
    when the closing count falls below the reorder level and arrives after the vendor's lead
    time; counts are verified daily and discrepancies booked as adjustments."""
    r = ctx.rng("INVN")
    rows = reference.rows("supply_catalog")
    s_n, days = len(rows), ctx.days
    volume = driver_volumes(ctx, state["activity"])
    driver = np.array([DRIVERS.index(x["driver"]) for x in rows])
    per_unit = np.array([float(x["usage_per_unit"]) for x in rows])
    demand = r.poisson(per_unit[:, None] * volume[driver, :])
    discrepancy = r.random((s_n, days)) < ctx.scenario.inventory_discrepancy_rate
    discrepancy[:, -1] = False  # the extract's last count is not verified yet: nothing found
    shrink = r.integers(-4, 3, (s_n, days))
    flat = _stock_ledger(ctx, demand, discrepancy, shrink)
    state["reviews"] = flat.pop("reviews")
    supply = np.repeat(np.arange(s_n), days)
    day = np.tile(np.arange(days), s_n)
    date = ctx.start + day.astype("timedelta64[D]")
    # counted late in the evening, verified the next morning: the simulation's last count is
    # not verified yet (nor, as of an earlier end date, that day's: generator/asof.py)
    pending = day == days - 1
    verifier = employed_staff(ctx, r, date + 1, (b"TECH", b"ADMN"))
    verified_at = at_time(r, date + 1, 7, 10)
    status = np.where(pending, b"PEND", np.where(flat["adj"] != 0, b"DISC", b"VRFD"))
    has_po = flat["po"] >= 0
    po_no = cat("PO-", digits(np.maximum(flat["po"], 0) + 1, 7))
    state["receipts"] = {
        "supply": supply[has_po],
        "date": date[has_po],
        "qty": flat["rcvd"][has_po],
        "po_no": po_no[has_po],
    }
    counted = at_time(r, date, 22, 23.9)
    return {
        "INVN_ID": keys("IV", supply * INVN_DAYS + day, 10, salt=20),
        "SPLY_ID": ctx.col("SPLY", "SPLY_ID")[supply],
        "INVN_DT": date,
        "INVN_OPEN_QTY": flat["open"],
        "INVN_RCVD_QTY": flat["rcvd"],
        "INVN_USED_QTY": flat["used"],
        "INVN_ADJ_QTY": flat["adj"],
        "INVN_CLS_QTY": flat["close"],
        "INVN_PO_NO": Masked(po_no, ~has_po),
        "INVN_VRFD_BY_STFF_ID": Masked(verifier, pending),
        "INVN_VRFD_TS": Masked(verified_at, pending),
        "INVN_VRFY_STS_CD": status,
        **audit(ctx, counted, np.where(pending, counted, verified_at)),
    }


REVIEW_WINDOW_DAYS = 91  # a review looks at the last quarter's use...
REVIEW_MIN_HISTORY_DAYS = 28  # ...and needs at least four weeks of it


def review_days(ctx: Context) -> np.ndarray:
    """The days (from the start) of the reorder reviews: the first weekday of every calendar
    quarter, once the simulation has four weeks of use to look at."""
    dates = ctx.start + np.arange(ctx.days).astype("timedelta64[D]")
    month = dates.astype("datetime64[M]")
    first = (dates == month.astype("datetime64[D]")) & (month.astype(np.int64) % 3 == 0)
    days = to_weekday(np.flatnonzero(first), ctx)
    return days[(days >= REVIEW_MIN_HISTORY_DAYS) & (days < ctx.days)]


class Review:
    """The quarterly reorder review of the stock ledger: an item whose use over the last
    quarter differs from the use its settings were sized for by more than the scenario's
    ``supply_review_threshold`` gets a reorder level and quantity sized to that use (lead
    times are the vendor's and stay), recorded at a time of the review day (09:00-16:00)."""

    def __init__(self, ctx: Context, demand: np.ndarray, lead: np.ndarray) -> None:
        self.demand, self.lead = demand, lead
        self.threshold = ctx.scenario.supply_review_threshold
        self.basis = sized_daily_use(ctx)  # the use the settings in force were sized for
        self.days = review_days(ctx)
        # the review's time on each day, drawn for every item and review (cut-independent)
        r = ctx.rng("SPLY-review")
        secs = r.integers(9 * 3600, 16 * 3600, (len(lead), len(self.days)))
        self.at = (ctx.start + self.days).astype("datetime64[s]") + secs.astype("timedelta64[s]")
        self.found: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def on(self, d: int, level: np.ndarray, qty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The settings in force from day ``d`` on (changed if ``d`` is a review day)."""
        k = int(np.searchsorted(self.days, d))
        if k == len(self.days) or self.days[k] != d:
            return level, qty
        use = self.demand[:, max(0, d - REVIEW_WINDOW_DAYS) : d].mean(axis=1)
        new_level, new_qty = reorder_settings(use, self.lead)
        # a change the quarter's count cannot owe to chance: more than the threshold and
        # more than three standard deviations of a Poisson count of the use sized for
        window = d - max(0, d - REVIEW_WINDOW_DAYS)
        gap = np.abs(use - self.basis)
        drifted = (gap > self.threshold * self.basis) & (
            gap * window > 3 * np.sqrt(self.basis * window)
        )
        changed = drifted & ((new_level != level) | (new_qty != qty))
        self.basis = np.where(changed, use, self.basis)
        items = np.flatnonzero(changed)
        self.found.append((items, self.at[items, k], new_level[items], new_qty[items]))
        return np.where(changed, new_level, level), np.where(changed, new_qty, qty)

    def changes(self) -> dict[str, np.ndarray]:
        """Every change in time order: ``supply`` (index), ``at``, new ``level`` and ``qty``."""
        if not self.found:
            return {
                "supply": np.zeros(0, np.int64),
                "at": np.zeros(0, "datetime64[s]"),
                "level": np.zeros(0, np.int64),
                "qty": np.zeros(0, np.int64),
            }
        names = ("supply", "at", "level", "qty")
        return {n: np.concatenate([f[i] for f in self.found]) for i, n in enumerate(names)}


def reviewed_supplies(ctx: Context, state: dict[str, Any]) -> dict[str, Any]:
    """SPLY as of the end date: the reorder settings in force then, ``REC_UPDT_TS`` the
    review that last changed them (the catalog as first sized: ``supplies``)."""
    cols = supplies(ctx)
    rv = state["reviews"]
    by_cut = np.flatnonzero(rv["at"] <= ctx.cut_ts)
    last = np.full(len(cols["SPLY_ID"]), -1, np.int64)
    np.maximum.at(last, rv["supply"][by_cut], by_cut)  # the changes are in time order
    changed = last >= 0
    pick = np.maximum(last, 0)
    if len(rv["supply"]):
        cols["SPLY_RORD_LVL_QTY"] = np.where(changed, rv["level"][pick], cols["SPLY_RORD_LVL_QTY"])
        cols["SPLY_RORD_QTY"] = np.where(changed, rv["qty"][pick], cols["SPLY_RORD_QTY"])
        updated = np.where(changed, rv["at"][pick], cols["REC_CRTD_TS"])
        cols.update(audit(ctx, cols["REC_CRTD_TS"], updated))
    return cols


def _stock_ledger(
    ctx: Context, demand: np.ndarray, discrepancy: np.ndarray, shrink: np.ndarray
) -> dict[str, np.ndarray]:
    """Opening, received, used, adjusted and closing counts and the arriving purchase order
    (-1: none) of every supply and day (supply-major, flattened)."""
    level = ctx.col("SPLY", "SPLY_RORD_LVL_QTY").astype(np.int64)
    qty = ctx.col("SPLY", "SPLY_RORD_QTY").astype(np.int64)
    lead = ctx.col("SPLY", "SPLY_LEAD_DAYS").astype(np.int64)
    s_n, days = len(level), ctx.days
    review = Review(ctx, demand, lead)
    shape = (s_n, days)
    opening, received, used, adjust, closing = (np.zeros(shape, np.int64) for _ in range(5))
    po = np.full(shape, -1, np.int64)
    arrivals = np.zeros((s_n, days + int(lead.max()) + 1), np.int64)
    arriving_po = np.full(arrivals.shape, -1, np.int64)
    on_order = np.zeros(s_n, bool)
    stock = level + qty
    next_po = 0
    rows_idx = np.arange(s_n)
    # a loop over days (not rows): each day's stock depends on the day before
    for d in range(days):
        level, qty = review.on(d, level, qty)  # in the day, before the evening's count
        opening[:, d] = stock
        received[:, d] = arrivals[:, d]
        po[:, d] = arriving_po[:, d]
        on_order &= arrivals[:, d] == 0
        available = stock + arrivals[:, d]
        used[:, d] = np.minimum(demand[:, d], available)
        adj = np.where(discrepancy[:, d], np.maximum(shrink[:, d], used[:, d] - available), 0)
        adjust[:, d] = adj
        stock = available - used[:, d] + adj
        closing[:, d] = stock
        reorder = (stock < level) & ~on_order
        k = int(reorder.sum())
        if k:
            at = d + lead[reorder]
            arrivals[rows_idx[reorder], at] += qty[reorder]
            arriving_po[rows_idx[reorder], at] = next_po + np.arange(k)
            next_po += k
            on_order |= reorder
    return {
        "open": opening.ravel(),
        "rcvd": received.ravel(),
        "used": used.ravel(),
        "adj": adjust.ravel(),
        "close": closing.ravel(),
        "po": po.ravel(),
        "reviews": review.changes(),
    }


def vendor_payments(ctx: Context, state: dict[str, Any]) -> dict[str, Any]:
    """One invoice per receipt, from the supply's vendor, for quantity x unit cost; paid on
    the vendor's terms with realistic lateness; unpaid invoices are pending or overdue."""
    sc = ctx.scenario
    r = ctx.rng("VPMT")
    rc = state["receipts"]
    n = len(rc["supply"])
    vendor = ctx.col("SPLY", "SPLY_PRF_VNDR_ID")[rc["supply"]]
    vendor_ids = ctx.col("VNDR", "VNDR_ID")
    order = np.argsort(vendor_ids)
    vendor_idx = order[np.searchsorted(vendor_ids[order], vendor)]
    terms = ctx.col("VNDR", "VNDR_PYMT_TRMS_CD")[vendor_idx]
    terms_days = np.select([terms == k for k in TERMS_DAYS], list(TERMS_DAYS.values()), 30)
    amount = rc["qty"] * ctx.col("SPLY", "SPLY_UNIT_CST_AMT").astype(np.int64)[rc["supply"]]
    invoiced = rc["date"]
    due = invoiced + terms_days.astype("timedelta64[D]")
    late = np.round(
        r.normal(sc.vendor_payment_lateness_mean_days, sc.vendor_payment_lateness_sd_days, n)
    )
    late = np.clip(late, -terms_days + 1, 90).astype(np.int64)
    paid_on = due + late.astype("timedelta64[D]")
    paid = paid_on <= ctx.cut  # as of the end date (generator/asof.py)
    status = np.where(paid, b"PAID", np.where(due < ctx.cut, b"OVRD", b"PEND"))
    method = choice(r, ["ACH", "CHK", "WIRE"], n, [0.72, 0.23, 0.05])
    created = at_time(r, invoiced, 9, 17)
    overdue = (due + 1).astype("datetime64[s]") + np.timedelta64(6 * 3600, "s")  # nightly run
    paid_ts = at_time(r, paid_on, 9, 17)
    rec = audit(ctx, created, np.where(paid, paid_ts, np.where(due < ctx.cut, overdue, created)))
    index = np.arange(n)
    return {
        "VPMT_ID": keys("VP", index, 8, salt=21),
        "VNDR_ID": vendor,
        "VPMT_INV_NO": cat("INV-", digits(vendor_idx, 3), "-", digits(index * 31 % 10**6, 6)),
        "VPMT_INV_DT": invoiced,
        "VPMT_PO_NO": rc["po_no"],
        "VPMT_INV_AMT": amount,
        "VPMT_DUE_DT": due,
        "VPMT_PD_AMT": np.where(paid, amount, 0),
        "VPMT_PMNT_DT": Masked(paid_on, ~paid),
        "VPMT_MTHD_CD": Masked(method, ~paid),
        "VPMT_STS_CD": status,
        **rec,
    }


ROLLUP_STEPS = [
    ("INVN", inventory),
    ("SPLY", reviewed_supplies),  # the catalog as of the end date, after the reviews
    ("VPMT", vendor_payments),
]
