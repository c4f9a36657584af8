"""Vendors and the supply catalog (daily inventory and vendor invoices come later)."""

from __future__ import annotations

from typing import Any

import numpy as np

from generator import reference
from generator.columns import cat, digits, keys
from generator.engine import Context, audit
from generator.people import addresses, draw_names, fictional_phone, first_names

# expected daily volume of each usage driver at scale 1 (sizes reorder levels)
DRIVER_DAILY_AT_SCALE_1 = {
    "ED_VISIT": 23.0,
    "OUTPATIENT_VISIT": 60.0,
    "INPATIENT_DAY": 32.0,
    "PROCEDURE": 140.0,
    "SURGERY": 6.0,
    "LAB_TEST": 90.0,
    "ALL_VISITS": 90.0,
}
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
        **audit(ctx, r, created),
    }


def supplies(ctx: Context) -> dict[str, Any]:
    r = ctx.rng("SPLY")
    rows = reference.rows("supply_catalog")
    n = len(rows)
    driver = [x["driver"] for x in rows]
    per_unit = np.array([float(x["usage_per_unit"]) for x in rows])
    daily = per_unit * np.array([DRIVER_DAILY_AT_SCALE_1[d] for d in driver]) * ctx.scale
    vcat = [x["vendor_category"] for x in rows]
    lead_lo = np.array([LEAD_DAYS.get(v, (2, 6))[0] for v in vcat])
    lead_hi = np.array([LEAD_DAYS.get(v, (2, 6))[1] for v in vcat])
    lead = lead_lo + (r.random(n) * (lead_hi - lead_lo + 1)).astype(np.int64)
    reorder_level = np.maximum(2, np.ceil(daily * (lead + 3))).astype(np.int64)
    reorder_qty = np.maximum(5, np.ceil(daily * 14 / 5) * 5).astype(np.int64)
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
        **audit(ctx, r, created),
    }
