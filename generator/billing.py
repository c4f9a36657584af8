"""The revenue cycle of a block of patients: bills, bill lines and payments.

Reads the block's clinical tables as they were generated (``state["columns"]``, registry
column names), so it depends on the data, not on how the clinical simulation is written.

- A visit is billed a few days after discharge; visits still open, or discharged too late
  to be billed by the extract date, have no bill yet.
- Lines: room nights x daily rate (inpatient and observation stays in a bedded room), one
  line per treatment, one per given dose, a consultation / visit-level line, and supplies
  for emergency and inpatient visits. The total is the sum of the lines.
- The primary policy in force on the admission day is billed. The payer allows part of the
  charges (the rest is the contractual adjustment); the patient owes the copay plus the
  uncovered share of what is allowed; self-pay patients get the uninsured discount as
  their adjustment. Some claims are denied: the patient still owes their part, and the
  insurer's share stays claimed; it is paid late if the appeal is won (60-180 days after
  the bill) or the claim is resubmitted corrected (45-120 days), never otherwise: such a
  bill stays denied, whenever in the window it was billed.
- The insurer pays most clean claims 30-60 days after the bill, some later (a long tail
  up to 240 days); the patient pays in one to three instalments; the balances of the
  patients who stop paying are written off 120 days after the bill.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator import rng as rng_mod
from generator.columns import Masked, cat, choice, digits, keys
from generator.core import Context, audit
from generator.people import at_time

DAY = np.timedelta64(1, "D")
STRIDE = 10**6  # rows one block may hold in each table (keys stay unique across blocks)
NEVER = np.datetime64("2999-12-31")
NEVER_DAYS = 300_000  # a delay no extract reaches: the claim is never paid

# allowed share of charges by payer kind (chargemaster prices are far above what payers pay)
ALLOWED_SHARE = {1: 0.32, 2: 0.55, 3: 0.38, 4: 0.55}  # Medicaid, commercial, Medicare, Medigap
SELF_PAY_DISCOUNT = 0.40

# consultation / visit-level lines: (code prefix, description, price range in dollars)
VISIT_LEVEL = {
    b"OUTP": (b"CM-EM-", b"Clinic visit, level ", (140, 460)),
    b"TELE": (b"CM-TH-", b"Telehealth visit, level ", (90, 240)),
    b"EMER": (b"CM-ED-", b"Emergency department visit, level ", (420, 2900)),
    b"INPT": (b"CM-IC-", b"Inpatient physician care, level ", (380, 1200)),
    b"OBSV": (b"CM-OB-", b"Observation care, level ", (350, 950)),
}
ROOM_CODES = {b"WARD": b"CM-RB-WARD", b"PRIV": b"CM-RB-PRIV", b"ICU": b"CM-RB-ICU"}


def _np(value: Any) -> tuple[np.ndarray, np.ndarray]:
    """(values, is-null) of a generated column, whatever form the step produced."""
    if isinstance(value, Masked):
        vals, null = _np(value.values)
        return vals, null | np.asarray(value.null, dtype=bool)
    if isinstance(value, pa.ChunkedArray):
        value = value.combine_chunks()
    if isinstance(value, pa.Array):
        null = value.is_null().to_numpy(zero_copy_only=False)
        if pa.types.is_string(value.type):
            return np.array(value.fill_null("").to_pylist(), dtype="S"), null
        return value.to_numpy(zero_copy_only=False), null
    arr = np.asarray(value)
    if arr.dtype.kind == "U":
        arr = np.char.encode(arr, "utf-8")
    null = np.isnat(arr) if arr.dtype.kind == "M" else np.zeros(len(arr), dtype=bool)
    return arr, null


def _index_of(keys_: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Position of each value in keys_ (every value must be present; of equal keys, the
    first). Byte keys by Arrow's hash lookup (``index_in``, a tenth of the time of a binary
    search over byte strings, and without the GIL), others by a binary search."""
    if keys_.dtype.kind == "S" and values.dtype.kind == "S" and len(values):
        found = pc.index_in(_fixed(values.astype(keys_.dtype)), value_set=_fixed(keys_))
        if found.null_count:
            raise ValueError("a foreign key of the block does not resolve")
        pos = found.to_numpy().astype(np.int64)
    else:
        order = np.argsort(keys_, kind="stable")
        pos = order[np.searchsorted(keys_[order], values)]
    if len(values) and not np.array_equal(keys_[pos], values):
        raise ValueError("a foreign key of the block does not resolve")
    return pos


def _fixed(a: np.ndarray) -> pa.Array:
    """Fixed-width bytes as an Arrow array over the same memory (trailing NULs kept)."""
    a = np.ascontiguousarray(a)
    width = pa.binary(a.dtype.itemsize)
    return pa.FixedSizeBinaryArray.from_buffers(width, len(a), [None, pa.py_buffer(a)])


def _days(ts: np.ndarray) -> np.ndarray:
    return np.asarray(ts).astype("datetime64[D]")


def bills(ctx: Context, block: int, state: dict[str, Any]) -> dict[str, Any]:
    r = ctx.rng("BILL", block)
    cols = state["columns"]
    v = _visit_arrays(cols["VIST"])
    billed, bill_day = _billed_visits(ctx, r, v)
    bv = np.flatnonzero(billed)  # billed visit index, in visit order
    nb = len(bv)
    bill_ids = keys("BL", block * STRIDE + np.arange(nb), 10, salt=30)
    line, amount, total = _bill_lines_of(ctx, r, cols, v, billed)
    policy = _billed_policy(state, v["patient"][bv], v["admit"][bv])
    money = _bill_amounts(ctx, r, state, policy, total)
    bill_date = bill_day[bv]
    paid = _payments(ctx, r, bill_date, money)
    write_off, last_change, status = _bill_status(ctx, bill_date, money, paid)
    state["bill"] = {
        "id": bill_ids,
        "patient": v["patient"][bv],
        "ins_paid": paid["ins_paid"],
        "ins_date": paid["ins_date"],
        "ins_amt": money["covered"],
        "inst_bill": paid["inst_bill"][paid["inst_paid"]],
        "inst_date": paid["inst_date"][paid["inst_paid"]],
        "inst_amt": paid["inst_amt"][paid["inst_paid"]],
    }
    state["bill_lines"] = (line, amount, bill_ids)
    rec = _bill_audit(ctx, r, bill_date, last_change)
    state["bill_created"] = rec["REC_CRTD_TS"]  # its lines are written with it
    index = block * STRIDE + np.arange(nb)
    return {
        "BILL_ID": bill_ids,
        "BILL_NO": cat("B", digits(index, 9)),
        "VIST_ID": v["id"][bv],
        "PATN_ID": v["patient"][bv],
        "INSR_ID": Masked(state["policy_id"][np.maximum(policy, 0)], ~money["insured"]),
        "BILL_DT": bill_date,
        "BILL_DUE_DT": bill_date + np.timedelta64(30, "D"),
        "BILL_TOT_CHRG_AMT": total,
        "BILL_INSR_CVRD_AMT": money["covered"],
        "BILL_CNTR_ADJ_AMT": money["adjustment"],
        "BILL_PATN_RESP_AMT": money["patient"],
        "BILL_WRTF_AMT": write_off,
        "BILL_STS_CD": status,
        "BILL_CLM_NO": Masked(cat("CLM", digits(index, 10)), ~money["insured"]),
        **rec,
    }


def _visit_arrays(vist: dict[str, Any]) -> dict[str, np.ndarray]:
    """The visit columns billing reads, as numpy arrays, with the null masks it needs."""
    v = {}
    for name, column in (
        ("id", "VIST_ID"),
        ("patient", "PATN_ID"),
        ("type", "VIST_TYP_CD"),
        ("admit", "VIST_ADMT_TS"),
    ):
        v[name], _ = _np(vist[column])
    v["disch"], v["open"] = _np(vist["VIST_DSCH_TS"])
    v["room"], v["no_room"] = _np(vist["ROMS_ID"])
    v["esi"], v["no_esi"] = _np(vist["VIST_ESI_LVL"])
    return v


def _billed_visits(
    ctx: Context, r: np.random.Generator, v: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """(is billed, bill day) of each visit: a few days after discharge, by the extract date."""
    nv = len(v["id"])
    lag = np.where(
        np.isin(v["type"], [b"INPT", b"OBSV"]), r.integers(2, 8, nv), r.integers(1, 5, nv)
    )
    bill_day = np.where(v["open"], NEVER, _days(v["disch"]) + lag.astype("timedelta64[D]"))
    billed = ~v["open"] & (bill_day <= ctx.end)
    return billed, bill_day


def _line(
    bill: np.ndarray,
    svc: Any,
    code: np.ndarray,
    desc: np.ndarray,
    date: np.ndarray,
    qty: Any,
    price: Any,
    trtm: np.ndarray | None = None,
    tmmd: np.ndarray | None = None,
) -> dict[str, Any]:
    """One kind of bill line, as columns (bill index, type, code, ..., unit cents)."""
    k = len(bill)
    empty = np.full(k, b"", dtype="S12")
    return {
        "bill": bill,
        "svc": np.full(k, svc) if np.ndim(svc) == 0 else svc,
        "code": code,
        "desc": desc,
        "date": _days(date),
        "qty": np.asarray(qty, np.int64),
        "price": np.asarray(price, np.int64),
        "trtm": empty if trtm is None else trtm,
        "tmmd": empty if tmmd is None else tmmd,
    }


def _bill_lines_of(
    ctx: Context,
    r: np.random.Generator,
    cols: dict[str, Any],
    v: dict[str, np.ndarray],
    billed: np.ndarray,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """(lines sorted by bill and date, line amounts, bill totals) of the billed visits."""
    bv = np.flatnonzero(billed)
    bill_of_visit = np.full(len(v["id"]), -1, np.int64)
    bill_of_visit[bv] = np.arange(len(bv))
    parts = [
        *_room_lines(ctx, v, billed, bill_of_visit),
        _treatment_lines(cols["TRTM"], v, billed, bill_of_visit),
        _dose_lines(ctx, cols["TMMD"], v, billed, bill_of_visit),
        _visit_level_lines(r, v, bv),
        _supply_lines(r, v, bv),
    ]
    line = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.lexsort((line["date"], line["bill"]))
    line = {k: col[order] for k, col in line.items()}
    amount = line["qty"] * line["price"]
    total = np.zeros(len(bv), np.int64)
    np.add.at(total, line["bill"], amount)  # integer sums: exact to the cent
    return line, amount, total


def _room_lines(
    ctx: Context, v: dict[str, np.ndarray], billed: np.ndarray, bill_of_visit: np.ndarray
) -> list[dict[str, Any]]:
    """Room nights x daily rate, for inpatient and observation stays in a bedded room."""
    room_ids = ctx.col("ROMS", "ROMS_ID")
    room_type = ctx.col("ROMS", "ROMS_TYP_CD")
    room_rate = ctx.col("ROMS", "ROMS_DLY_RT_AMT")
    stay = billed & ~v["no_room"] & np.isin(v["type"], [b"INPT", b"OBSV"])
    si = np.flatnonzero(stay)
    if not len(si):
        return []
    ri = _index_of(room_ids, v["room"][si])
    has_rate = np.isin(room_type[ri], list(ROOM_CODES))
    si, ri = si[has_rate], ri[has_rate]
    nights = np.maximum(1, (_days(v["disch"][si]) - _days(v["admit"][si])).astype(np.int64))
    rt = room_type[ri]
    code = np.select([rt == k for k in ROOM_CODES], list(ROOM_CODES.values()), b"CM-RB-WARD")
    room = cat("Room and board, ", np.char.lower(rt))
    return [_line(bill_of_visit[si], b"ROOM", code, room, v["admit"][si], nights, room_rate[ri])]


def _treatment_lines(
    trtm: dict[str, Any], v: dict[str, np.ndarray], billed: np.ndarray, bill_of_visit: np.ndarray
) -> dict[str, Any]:
    """One line per treatment of a billed visit (labs as LAB lines)."""
    t_id, _ = _np(trtm["TRTM_ID"])
    t_vis = _index_of(v["id"], _np(trtm["VIST_ID"])[0]) if len(t_id) else np.zeros(0, np.int64)
    t_type, _ = _np(trtm["TRTM_TYP_CD"])
    t_code, _ = _np(trtm["TRTM_CD"])
    t_desc, _ = _np(trtm["TRTM_DESC_TXT"])
    t_start, _ = _np(trtm["TRTM_STRT_TS"])
    t_charge, _ = _np(trtm["TRTM_CHRG_AMT"])
    tb = np.flatnonzero(billed[t_vis])
    return _line(
        bill_of_visit[t_vis[tb]],
        np.where(t_type[tb] == b"LAB", b"LAB", b"TRTM"),
        t_code[tb],
        t_desc[tb],
        t_start[tb],
        np.ones(len(tb)),
        t_charge[tb],
        trtm=t_id[tb],
    )


def _dose_lines(
    ctx: Context,
    tmmd: dict[str, Any],
    v: dict[str, np.ndarray],
    billed: np.ndarray,
    bill_of_visit: np.ndarray,
) -> dict[str, Any]:
    """One line per dose given during a billed visit."""
    d_id, _ = _np(tmmd["TMMD_ID"])
    d_vis = _index_of(v["id"], _np(tmmd["VIST_ID"])[0]) if len(d_id) else np.zeros(0, np.int64)
    d_status, _ = _np(tmmd["TMMD_STS_CD"])
    d_med, _ = _np(tmmd["MDCN_ID"])
    d_time, _ = _np(tmmd["TMMD_ADMN_TS"])
    d_charge, _ = _np(tmmd["TMMD_CHRG_AMT"])
    db_ = np.flatnonzero(billed[d_vis] & (d_status == b"GIVN"))
    mi = _index_of(ctx.col("MDCN", "MDCN_ID"), d_med[db_])
    return _line(
        bill_of_visit[d_vis[db_]],
        b"MEDN",
        cat("CM-RX-", ctx.col("MDCN", "MDCN_FRML_CD")[mi]),
        ctx.col("MDCN", "MDCN_BRND_NM")[mi],
        d_time[db_],
        np.ones(len(db_)),
        d_charge[db_],
        tmmd=d_id[db_],
    )


def _visit_level_lines(
    r: np.random.Generator, v: dict[str, np.ndarray], bv: np.ndarray
) -> dict[str, Any]:
    """The consultation / visit-level line of every billed visit, priced by its level."""
    nb = len(bv)
    level = np.where(
        ~v["no_esi"][bv],
        6 - np.clip(np.nan_to_num(v["esi"][bv].astype(np.float64), nan=3), 1, 5),
        r.choice(np.arange(1, 6), nb, p=[0.05, 0.2, 0.4, 0.25, 0.1]),
    )
    level = level.astype(np.int64)
    prefix = np.empty(nb, dtype="S8")
    desc = np.empty(nb, dtype="S40")
    lo = np.zeros(nb)
    hi = np.zeros(nb)
    for t, (p, d, (a, b)) in VISIT_LEVEL.items():
        m = v["type"][bv] == t
        prefix[m], desc[m], lo[m], hi[m] = p, d, a, b
    price = np.round((lo + (hi - lo) * (level - 1) / 4) * (0.95 + 0.1 * r.random(nb))) * 100
    return _line(
        np.arange(nb),
        b"CONS",
        cat(prefix, digits(level, 3)),
        cat(desc, digits(level, 1)),
        v["admit"][bv],
        np.ones(nb),
        price.astype(np.int64),
    )


def _supply_lines(
    r: np.random.Generator, v: dict[str, np.ndarray], bv: np.ndarray
) -> dict[str, Any]:
    """A supplies line for emergency, inpatient and observation visits."""
    sup = np.flatnonzero(np.isin(v["type"][bv], [b"EMER", b"INPT", b"OBSV"]))
    return _line(
        sup,
        b"SPLY",
        np.full(len(sup), b"CM-SUP-001"),
        np.full(len(sup), b"Medical and surgical supplies"),
        v["admit"][bv[sup]],
        r.integers(1, 4, len(sup)),
        (r.integers(35, 121, len(sup)) * 100),
    )


def _billed_policy(state: dict[str, Any], patient: np.ndarray, admit: np.ndarray) -> np.ndarray:
    """Index of the patient's primary policy in force on the admission day (-1: self-pay)."""
    bpat = _index_of(state["patient_id"], patient)
    admit_day = _days(admit)
    pol_pat = state["policy_patient"]
    policy = np.full(len(patient), -1, np.int64)
    cand = np.flatnonzero(state["policy_primary"])
    if not len(cand):
        return policy
    # bills x candidate policies of the same patient: few policies per patient
    first = np.searchsorted(pol_pat[cand], bpat, side="left")
    last = np.searchsorted(pol_pat[cand], bpat, side="right")
    for k in range(int((last - first).max(initial=0))):
        j = first + k
        has = j < last
        jj = cand[np.minimum(j, len(cand) - 1)]
        ok = has & (state["policy_eff"][jj] <= admit_day) & (state["policy_end"][jj] >= admit_day)
        policy = np.where((policy < 0) & ok, jj, policy)
    return policy


def _bill_amounts(
    ctx: Context,
    r: np.random.Generator,
    state: dict[str, Any],
    policy: np.ndarray,
    total: np.ndarray,
) -> dict[str, np.ndarray]:
    """Allowed, adjustment, patient and insurer shares of each bill; some claims are denied."""
    insured = policy >= 0
    pk = np.where(insured, state["policy_kind"][np.maximum(policy, 0)], 0)
    cover_pct = np.where(insured, state["policy_cover_pct"][np.maximum(policy, 0)], 0)
    copay = np.where(insured, state["policy_copay_cents"][np.maximum(policy, 0)], 0)
    allowed_share = np.select(
        [pk == k for k in ALLOWED_SHARE], list(ALLOWED_SHARE.values()), 1 - SELF_PAY_DISCOUNT
    )
    allowed = np.round(total * allowed_share).astype(np.int64)
    adjustment = total - allowed
    uncovered = np.round((allowed - np.minimum(copay, allowed)) * (100 - cover_pct) / 100)
    patient = np.where(insured, np.minimum(allowed, copay + uncovered.astype(np.int64)), allowed)
    covered = allowed - patient
    # a denied claim stays claimed: the insurer pays it late if the hospital wins the appeal
    # or resubmits it corrected, never otherwise (the bill then stays denied)
    denied = insured & (covered > 0) & (r.random(len(total)) < ctx.scenario.claim_denial_rate)
    return {
        "insured": insured,
        "patient": patient,
        "denied": denied,
        "adjustment": adjustment,
        "covered": covered,
    }


def _payments(
    ctx: Context, r: np.random.Generator, bill_date: np.ndarray, money: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """The insurer's payment and the patient's instalments of each bill, paid by the end."""
    sc = ctx.scenario
    covered, patient = money["covered"], money["patient"]
    nb = len(bill_date)
    ins_date = bill_date + _insurer_days(sc, r, money["denied"]).astype("timedelta64[D]")
    ins_paid = (covered > 0) & (ins_date <= ctx.end)
    # the patient is billed once the insurer has settled (at once for self-pay / denials)
    settles_first = (covered > 0) & ~money["denied"]
    pt_start = np.where(settles_first, ins_date, bill_date) + r.integers(5, 25, nb).astype(
        "timedelta64[D]"
    )
    n_inst = r.choice(np.arange(1, 4), nb, p=[0.55, 0.28, 0.17])
    non_payer = r.random(nb) < sc.patient_nonpayment_rate
    # non-payers stop before their last instalment: their balance is left to write off
    stops_after = np.where(non_payer, (r.random(nb) * n_inst).astype(np.int64), n_inst)
    inst_bill = np.repeat(np.arange(nb), n_inst)
    k_of = np.arange(len(inst_bill)) - np.searchsorted(inst_bill, inst_bill)
    base = patient[inst_bill] // n_inst[inst_bill]
    inst_amt = np.where(
        k_of == n_inst[inst_bill] - 1, patient[inst_bill] - base * (n_inst[inst_bill] - 1), base
    )
    inst_date = pt_start[inst_bill] + (k_of * 30 + r.integers(0, 6, len(inst_bill))).astype(
        "timedelta64[D]"
    )
    inst_paid = (inst_amt > 0) & (k_of < stops_after[inst_bill]) & (inst_date <= ctx.end)
    # a non-payer's balance is written off write_off_after_days after the bill: no later payment
    wo_day = bill_date + np.timedelta64(sc.write_off_after_days, "D")
    inst_paid &= ~non_payer[inst_bill] | (inst_date <= wo_day[inst_bill])
    pt_paid = np.bincount(inst_bill[inst_paid], weights=inst_amt[inst_paid], minlength=nb)
    return {
        "ins_date": ins_date,
        "ins_paid": ins_paid,
        "non_payer": non_payer,
        "inst_bill": inst_bill,
        "inst_date": inst_date,
        "inst_amt": inst_amt,
        "inst_paid": inst_paid,
        "pt_paid": pt_paid.astype(np.int64),
        "ins_amt_paid": np.where(ins_paid, covered, 0),
    }


def _insurer_days(sc: Any, r: np.random.Generator, denied: np.ndarray) -> np.ndarray:
    """Days from the bill to the insurer's payment: most clean claims within the usual
    30-60 days, some late (a long tail up to insurer_late_days_max); denied claims 60-180
    days if the appeal is won, 45-120 after a corrected resubmission, else never."""
    nb = len(denied)
    usual = r.integers(sc.insurer_pay_days_min, sc.insurer_pay_days_max + 1, nb)
    span = sc.insurer_late_days_max - sc.insurer_pay_days_max
    late = sc.insurer_pay_days_max + 1 + (r.random(nb) ** 2 * span).astype(np.int64)
    days = np.where(
        r.random(nb) < sc.insurer_late_share, np.minimum(late, sc.insurer_late_days_max), usual
    )
    outcome = r.random(nb)
    appeal = outcome < sc.denial_appeal_won_rate
    resubmitted = ~appeal & (outcome < sc.denial_appeal_won_rate + sc.denial_resubmitted_rate)
    denied_days = np.select(
        [appeal, resubmitted], [r.integers(60, 181, nb), r.integers(45, 121, nb)], NEVER_DAYS
    )
    return np.where(denied, denied_days, days)


def _bill_status(
    ctx: Context,
    bill_date: np.ndarray,
    money: dict[str, np.ndarray],
    paid: dict[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(write-off, last change day, status) of each bill as of the end date (``ctx.cut``):
    paid, written off, denied, part, open, from the payments posted by then. A non-payer's
    balance is written off ``write_off_after_days`` after the bill, at what was unpaid then."""
    patient, covered, nb = money["patient"], money["covered"], len(bill_date)
    ins_by = paid["ins_paid"] & (paid["ins_date"] <= ctx.cut)
    inst_by = paid["inst_paid"] & (paid["inst_date"] <= ctx.cut)
    inst_bill, inst_amt, inst_date = paid["inst_bill"], paid["inst_amt"], paid["inst_date"]
    pt_paid = np.bincount(inst_bill[inst_by], weights=inst_amt[inst_by], minlength=nb)
    writeoff_day = bill_date + np.timedelta64(ctx.scenario.write_off_after_days, "D")
    before_wo = paid["inst_paid"] & (inst_date <= writeoff_day[inst_bill])
    pt_at_wo = np.bincount(inst_bill[before_wo], weights=inst_amt[before_wo], minlength=nb)
    write_off = np.where(
        paid["non_payer"] & (patient > pt_at_wo) & (writeoff_day <= ctx.cut),
        patient - pt_at_wo.astype(np.int64),
        0,
    )
    ins_amt_paid = np.where(ins_by, covered, 0)
    settled = (ins_amt_paid == covered) & (pt_paid == patient)
    status = np.where(
        settled,
        b"PAID",
        np.where(
            write_off > 0,
            b"WOFF",
            np.where(
                money["denied"] & ~ins_by,  # denied, and not (yet) paid on appeal
                b"DND",
                np.where((ins_amt_paid + pt_paid) > 0, b"PART", b"OPEN"),
            ),
        ),
    )
    last = np.maximum(
        np.where(ins_by, paid["ins_date"], bill_date),
        np.where(write_off > 0, writeoff_day, bill_date),
    )
    np.maximum.at(last, inst_bill[inst_by], inst_date[inst_by])
    return write_off, last, status


def _bill_audit(
    ctx: Context, r: np.random.Generator, bill_date: np.ndarray, last: np.ndarray
) -> dict[str, np.ndarray]:
    """Audit columns: created on the bill day, updated on its last change by the end date
    (a payment posted, a write-off)."""
    created = at_time(r, bill_date, 6, 20)
    return audit(ctx, created, at_time(r, last, 6, 20))


def bill_lines(ctx: Context, block: int, state: dict[str, Any]) -> dict[str, Any]:
    line, amount, bill_ids = state["bill_lines"]
    n = len(amount)
    bill_no_line = np.arange(n) - np.searchsorted(line["bill"], line["bill"]) + 1
    created = state["bill_created"][line["bill"]]
    return {
        "MDBL_ID": keys("LN", block * STRIDE * 10 + np.arange(n), 11, salt=31),
        "BILL_ID": bill_ids[line["bill"]],
        "MDBL_LN_NO": bill_no_line,
        "MDBL_SVC_TYP_CD": line["svc"],
        "MDBL_CHRG_CD": line["code"],
        "MDBL_DESC_TXT": line["desc"],
        "TRTM_ID": Masked(line["trtm"], line["trtm"] == b""),
        "TMMD_ID": Masked(line["tmmd"], line["tmmd"] == b""),
        "MDBL_SVC_DT": line["date"],
        "MDBL_QTY": line["qty"],
        "MDBL_UNIT_PRC_AMT": line["price"],
        "MDBL_LN_AMT": amount,
        **audit(ctx, created),
    }


def payments(ctx: Context, block: int, state: dict[str, Any]) -> dict[str, Any]:
    r = ctx.rng("PMNT", block)
    b = state["bill"]
    ins = np.flatnonzero(b["ins_paid"])
    bill = np.concatenate([ins, b["inst_bill"]])
    date = np.concatenate([b["ins_date"][ins], b["inst_date"]])
    amount = np.concatenate([b["ins_amt"][ins], b["inst_amt"]])
    payer = np.concatenate([np.full(len(ins), b"INSR"), np.full(len(b["inst_bill"]), b"PATN")])
    order = np.lexsort((payer, date, bill))
    bill, date, amount, payer = bill[order], date[order], amount[order], payer[order]
    n = len(bill)
    method = np.where(
        payer == b"INSR",
        choice(r, ["EFT", "CHK"], n, [0.9, 0.1]),
        choice(r, ["CARD", "CHK", "CASH", "EFT"], n, [0.62, 0.18, 0.08, 0.12]),
    )
    index = block * STRIDE + np.arange(n)
    created = at_time(r, date, 8, 18)
    return {
        "PMNT_ID": keys("PY", index, 10, salt=32),
        "BILL_ID": b["id"][bill],
        "PATN_ID": b["patient"][bill],
        "PMNT_DT": date,
        "PMNT_AMT": amount,
        "PMNT_PYR_TYP_CD": payer,
        "PMNT_MTHD_CD": method,
        "PMNT_TXN_REF": cat(
            "TX", digits(rng_mod.stream(ctx.seed, "PMNT-ref", block).integers(0, 10**12, n), 12)
        ),
        **audit(ctx, created),
    }


BILLING_STEPS = [
    ("BILL", bills),
    ("MDBL", bill_lines),
    ("PMNT", payments),
]
