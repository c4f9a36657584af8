"""Newborns: every live delivery in the window registers its baby as a patient.

A delivery is a mother's birth stay (``scheduling._planned_admissions``, the ``birth`` flag)
that got a bed (a mother transferred out delivers elsewhere). Each registers one baby, two
for the scenario's share of twins, in the mother's block, during pass (c) only: babies ask
nothing of the shared capacity (they room in with their mother, in a bassinet, which is not
a staffed bed), so pass (a) and pass (b) never see them. A baby has:

- a PATN row born on the delivery day (a few hours after the mother's admission), registered
  that day, with the mother's last name, address, phone and language, the mother as
  emergency contact and ``PATN_MTHR_PATN_ID``, the link to her (docs/data_model.md, "How a
  newborn links to the mother");
- an insurance policy like the mother's where she has one in force on the birth day: a
  dependant on her commercial plan (same payer, plan, group and costs) or Medicaid of its
  own; a self-pay mother's baby is self-pay too;
- a birth encounter: an inpatient stay in paediatrics from birth to the mother's discharge,
  admission source ``BRTH``, no room of its own (``ROMS_ID`` empty: the bassinet in the
  mother's room), discharged home; primary and admitting diagnosis Z38.00 / Z38.01 (Z38.30 /
  Z38.31 for twins) as the mother's stay was a vaginal or a cesarean delivery (a ``Cesarean
  delivery`` treatment on it), and now and then neonatal jaundice (P59.9) or a late preterm
  birth (P07.37-P07.39) as secondary diagnoses; the mother's delivery stay records the
  outcome of delivery (Z37.0 single live birth, Z37.2 twins). Treatments, teams, doses and
  bills follow the visit like any other.

Keys: a baby's patient index is ``NEWBORN_INDEX_BASE + block * BLOCK_PATIENTS + j`` (j its
rank in the block), far above every registered patient's (fewer than 1,000,000 up to scale
100), so PATN, MRN and policy keys never meet another patient's and do not depend on the
number of workers or parts; SSNs use their own range below the identifiers' limit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from generator import clinical, conditions
from generator.columns import Masked, cat, choice, digits, flag, keys
from generator.core import (
    BLOCK_PATIENTS,
    DAY,
    HOUR,
    INPT,
    Context,
    audit,
    closing_time,
    dept_index,
    to_date,
)
from generator.identifiers import never_issued_ssn
from generator.people import first_names

NEWBORN_INDEX_BASE = 90_000_000
# SSNs: registered patients use indexes below 1,000,000; never_issued_ssn is unique below
# about 1,980,000, which leaves 975 babies a block for up to 1,000 blocks
SSN_INDEX_BASE = 1_000_000
NEWBORNS_PER_BLOCK = 975
# Z38 by (twin, cesarean): single vaginal, single cesarean, twin vaginal, twin cesarean
BIRTH_CODES = np.array([b"Z38.00", b"Z38.01", b"Z38.30", b"Z38.31"])
# the outcome of delivery, coded on the mother's delivery stay: single or twins liveborn
OUTCOME_CODES = np.array([b"Z37.0", b"Z37.2"])
JAUNDICE = b"P59.9"
PRETERM = {b"P07.37": 0.2, b"P07.38": 0.3, b"P07.39": 0.5}  # 34, 35, 36 completed weeks


def _deliveries(ctx: Context, r: np.random.Generator, ev: dict) -> dict[str, np.ndarray]:
    """One row per baby: the mother's episode, birth second, twin flag and rank in the
    block; born 1-12 hours after the admission, at least 3 hours before the discharge."""
    window_end = ctx.days * DAY - 1
    d = np.flatnonzero(ev["birth"] & ev["admitted"] & (ev["admit"] <= window_end))
    twins = r.random(len(d)) < ctx.scenario.twin_share_of_births
    labour = r.integers(HOUR, 12 * HOUR, len(d))
    gap = r.integers(5 * 60, 40 * 60, len(d))  # the second twin, minutes after the first
    latest = np.minimum(ev["disch"][d] - 3 * HOUR, window_end)
    first = np.maximum(np.minimum(ev["admit"][d] + labour, latest), ev["admit"][d])
    # twins are born the same day
    later = np.maximum(np.minimum(first + gap, np.minimum(first // DAY * DAY + DAY - 1, latest)),
                       first)  # fmt: skip
    per = 1 + twins.astype(np.int64)
    mother_ev = np.repeat(d, per)
    second = np.arange(len(mother_ev)) - np.repeat(np.cumsum(per) - per, per) == 1
    disch = ev["disch"][mother_ev]
    born = np.where(second, np.repeat(later, per), np.repeat(first, per))
    if len(mother_ev) > NEWBORNS_PER_BLOCK:
        raise ValueError(f"{len(mother_ev)} newborns in one block, more than the key space allows")
    return {
        "mother_ev": mother_ev,
        "mother": ev["pat"][mother_ev],
        "born": born,
        "disch": disch,
        "twin": np.repeat(twins, per),
        "rank": np.arange(len(mother_ev)),
    }


def register(ctx: Context, block: int, state: dict[str, Any], ev: dict) -> dict[str, Any]:
    """Pass (c), once beds are known: the block's babies appended to PATN, to INSR and to the
    patient arrays every later step reads; returns their birth stays (visit arrays shaped
    as ``scheduling._acute_visits``'s) and what the later steps need."""
    r = ctx.rng("NWBN", block)
    b = _deliveries(ctx, r, ev)
    first = len(state["patient_id"])
    index = NEWBORN_INDEX_BASE + block * BLOCK_PATIENTS + b["rank"]
    birth = to_date(ctx, b["born"])
    female = r.random(len(index)) >= ctx.scenario.newborn_male_share
    patn = _patient_rows(ctx, r, block, state, b, index, birth, female)
    _append(state["columns"]["PATN"], patn)
    _extend_patients(ctx, state, index, birth, female, patn["PATN_ID"])
    _insure(ctx, r, state, b, first, birth)
    return {
        "first": first,
        "mother_ev": b["mother_ev"],
        "twin": b["twin"],
        "visits": _birth_stays(b, first),
        "secondary": _neonatal_codes(ctx, r, len(index)),
    }


def _patient_rows(
    ctx: Context,
    r: np.random.Generator,
    block: int,
    state: dict[str, Any],
    b: dict[str, np.ndarray],
    index: np.ndarray,
    birth: np.ndarray,
    female: np.ndarray,
) -> dict[str, Any]:
    """PATN columns of the babies: the mother's family name, home and language."""
    k = len(index)
    mom = state["columns"]["PATN"]
    m = b["mother"]
    sc = ctx.scenario
    has_middle = r.random(k) < 0.7
    created = ctx.start_ts + b["born"].astype("timedelta64[s]")  # registered at birth
    mother_name = cat(mom["PATN_FRST_NM"][m], " ", mom["PATN_LAST_NM"][m])
    return {
        "PATN_ID": keys("PT", index, 8, salt=5),
        "PATN_MRN": cat("M", digits(index, 8)),
        "PATN_FRST_NM": first_names(r, female),
        "PATN_MDL_NM": Masked(first_names(r, female), ~has_middle),
        "PATN_LAST_NM": mom["PATN_LAST_NM"][m],
        "PATN_SEX_CD": np.where(female, b"F", b"M"),
        "PATN_BRTH_DT": birth,
        "PATN_SSN_NO": never_issued_ssn(SSN_INDEX_BASE + block * NEWBORNS_PER_BLOCK + b["rank"]),
        "PATN_ADDR_LN1": mom["PATN_ADDR_LN1"][m],
        "PATN_CITY_NM": mom["PATN_CITY_NM"][m],
        "PATN_ST_CD": mom["PATN_ST_CD"][m],
        "PATN_ZIP_CD": mom["PATN_ZIP_CD"][m],
        "PATN_PHN_NO": mom["PATN_PHN_NO"][m],
        "PATN_EMAIL_ADDR": Masked(mom["PATN_EMAIL_ADDR"].values[m], np.ones(k, bool)),
        "PATN_MRTL_STS_CD": np.full(k, b"S"),
        "PATN_BLD_TYP_CD": choice(
            r, list(sc.blood_type_shares), k, list(sc.blood_type_shares.values())
        ),
        "PATN_LANG_CD": mom["PATN_LANG_CD"][m],
        "PATN_EMRG_CNTCT_NM": Masked(mother_name, np.zeros(k, bool)),
        "PATN_EMRG_CNTCT_PHN_NO": Masked(mom["PATN_PHN_NO"][m], np.zeros(k, bool)),
        "PATN_EMRG_CNTCT_REL_CD": Masked(np.full(k, b"PAR"), np.zeros(k, bool)),
        "PATN_RGST_DT": birth,
        "PATN_DTH_DT": Masked(birth, np.ones(k, bool)),
        "PATN_ACTV_FLG": flag(np.ones(k, bool)),
        "PATN_MTHR_PATN_ID": Masked(state["patient_id"][m], np.zeros(k, bool)),
        **audit(ctx, created),
    }


def _append(cols: dict[str, Any], more: dict[str, Any]) -> None:
    """Rows appended to a table's columns, in place (masked columns stay masked)."""
    for name, v in more.items():
        old = cols[name]
        if isinstance(old, Masked):
            cols[name] = Masked(
                np.concatenate([np.asarray(old.values), np.asarray(v.values)]),
                np.concatenate([np.asarray(old.null, bool), np.asarray(v.null, bool)]),
            )
        else:
            cols[name] = np.concatenate([np.asarray(old), np.asarray(v)])


def _extend_patients(
    ctx: Context,
    state: dict[str, Any],
    index: np.ndarray,
    birth: np.ndarray,
    female: np.ndarray,
    ids: np.ndarray,
) -> None:
    """The patient arrays of ``state`` and of the block's demand, babies appended: no
    chronic condition, registered on the birth day."""
    k = len(index)
    birth_day = (birth - ctx.start).astype(np.int64)
    age_end = (ctx.end - birth).astype(np.int64) / 365.25
    state["patient_index"] = np.concatenate([state["patient_index"], index])
    state["patient_id"] = np.concatenate([state["patient_id"], ids])
    for key, more in (("birth", birth), ("registered", birth), ("female", female),
                      ("age_end", age_end)):  # fmt: skip
        state[key] = np.concatenate([state[key], more])
    h = state["health"]
    nc = h["has"].shape[1]
    health = {
        "has": np.concatenate([h["has"], np.zeros((k, nc), bool)]),
        "onset": np.concatenate([h["onset"], np.full((k, nc), conditions.NO_ONSET)]),
        "code": np.concatenate([h["code"], np.full((k, nc), b"", dtype=h["code"].dtype)]),
    }
    state["health"] = health
    pt = state["demand"]["pt"]
    more = {
        "e0": birth_day,
        "reg_day": birth_day,
        "birth_day": birth_day,
        "age_start": -birth_day / 365.25,
        "female": female,
        "frail": np.ones(k),
        "cohort": np.searchsorted(ctx.epoch_days, birth_day, side="right") - 1,
        "leave": np.full(k, np.iinfo(np.int64).max // 4),
    }
    for key, v in more.items():
        pt[key] = np.concatenate([pt[key], v])
    pt["health"] = health


def _insure(
    ctx: Context,
    r: np.random.Generator,
    state: dict[str, Any],
    b: dict[str, np.ndarray],
    first: int,
    birth: np.ndarray,
) -> None:
    """A policy like the mother's primary one in force on the birth day (a dependant on
    her plan, or Medicaid of the baby's own), from the birth day to the end of hers."""
    owner = state["policy_patient"]
    prim = np.flatnonzero(state["policy_primary"])
    key = owner[prim] * np.int64(2**32) + (state["policy_eff"][prim] - ctx.start).astype(np.int64)
    want = b["mother"] * np.int64(2**32) + (birth - ctx.start).astype(np.int64)
    j = np.searchsorted(key, want, side="right") - 1
    p = prim[np.maximum(j, 0)]
    ok = (j >= 0) & (owner[p] == b["mother"]) & (state["policy_end"][p] >= birth)
    baby, p = np.flatnonzero(ok), p[ok]
    m = len(baby)
    index = state["patient_index"][first + baby] * 4
    cols = state["columns"]["INSR"]
    created = ctx.start_ts + (b["born"][baby] + r.integers(HOUR, 30 * HOUR, m)).astype(
        "timedelta64[s]"
    )
    end = state["policy_end"][p]
    open_ = end >= np.datetime64("2999-12-31")
    ids = keys("IN", index, 9, salt=7)
    same = {c: cols[c] for c in ("INSR_PYR_NM", "INSR_PYR_TYP_CD", "INSR_PLAN_TYP_CD",
                                 "INSR_CVRG_PCT", "INSR_COPAY_AMT", "INSR_DDCT_AMT")}  # fmt: skip
    rows = {
        "INSR_ID": ids,
        "PATN_ID": state["patient_id"][first + baby],
        **{c: np.asarray(v)[p] for c, v in same.items()},
        "INSR_MBR_ID": cat("ZQ", digits(index, 10)),
        "INSR_GRP_NO": Masked(cols["INSR_GRP_NO"].values[p], cols["INSR_GRP_NO"].null[p]),
        "INSR_EFF_DT": birth[baby],
        "INSR_END_DT": Masked(np.where(open_, birth[baby], end), open_),
        "INSR_PRMY_FLG": flag(np.ones(m, bool)),
        **audit(ctx, created, np.where(open_, created, closing_time(end))),  # updated as it ends
    }
    _append(cols, {c: rows[c] for c in cols})
    more = {
        "policy_patient": first + baby,
        "policy_id": ids,
        "policy_kind": state["policy_kind"][p],
        "policy_eff": birth[baby],
        "policy_end": end,
        "policy_primary": np.ones(m, bool),
        "policy_cover_pct": state["policy_cover_pct"][p],
        "policy_copay_cents": state["policy_copay_cents"][p],
    }
    for k, v in more.items():
        state[k] = np.concatenate([state[k], v])


def _birth_stays(b: dict[str, np.ndarray], first: int) -> dict[str, np.ndarray]:
    """The babies' birth stays, as inpatient visits: paediatrics, no room of their own."""
    k = len(b["born"])
    none = np.zeros(k, bool)
    return {
        "pat": first + b["rank"],
        "admit": b["born"],
        "disch": np.maximum(b["disch"], b["born"] + HOUR),
        "dept": np.full(k, dept_index("PEDS"), np.int64),
        "esi": np.zeros(k, np.int64),
        "src": np.full(k, b"BRTH", dtype="S4"),
        "icu": none,
        "surgical": none,
        "room": np.full(k, -1, np.int64),
        "transferred": none,
        "appt": np.full(k, -1, np.int64),
        "ev": np.full(k, -1, np.int64),
        "expired": none,
        "admitted_from_ed": none,
        "type": np.full(k, INPT),
    }


def _neonatal_codes(ctx: Context, r: np.random.Generator, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(baby, ICD row) of the secondary diagnoses of the birth stays: neonatal jaundice and
    late preterm birth at the scenario's rates."""
    sc = ctx.scenario
    jaundice = np.flatnonzero(r.random(k) < sc.newborn_jaundice_rate)
    preterm = np.flatnonzero(r.random(k) < sc.newborn_preterm_rate)
    weeks = choice(r, list(PRETERM), len(preterm), list(PRETERM.values()))
    baby = np.concatenate([jaundice, preterm])
    codes = np.concatenate([np.full(len(jaundice), JAUNDICE, dtype="S8"), weeks.astype("S8")])
    return baby, clinical.code_rows(codes) if len(codes) else np.zeros(0, np.int64)


def birth_visits(state: dict[str, Any], vis: dict, prim: np.ndarray, born: dict) -> np.ndarray:
    """After the block's visits are sorted: where the babies' birth stays and their
    mothers' delivery stays are; the birth stays' primary diagnosis (Z38, vaginal until
    :func:`match_delivery` knows the mother's procedures); their secondary codes for
    ``clinical.diagnosis_block``."""
    nv = len(vis["pat"])
    is_baby = vis["pat"] >= born["first"]
    baby_visit = np.flatnonzero(is_baby)  # one stay per baby, in baby order (by patient)
    stay = np.flatnonzero((vis["type"] == INPT) & (vis["ev"] >= 0))
    size = max(int(vis["ev"].max(initial=-1)), int(born["mother_ev"].max(initial=-1))) + 1
    by_episode = np.full(size, -1, np.int64)
    by_episode[vis["ev"][stay]] = stay
    state["newborn_visit"] = baby_visit
    state["newborn_mother_visit"] = by_episode[born["mother_ev"]]
    state["newborn_twin"] = born["twin"]
    state["visit_newborn"] = np.zeros(nv, bool)
    state["visit_newborn"][baby_visit] = True
    baby, code = born["secondary"]
    # the mother's stay records the outcome: one Z37 per delivery (twins: one for both)
    mother_visit = state["newborn_mother_visit"]
    once = np.r_[True, mother_visit[1:] != mother_visit[:-1]][: len(mother_visit)]
    outcome = clinical.code_rows(OUTCOME_CODES[born["twin"][once].astype(np.int64)])
    state["newborn_secondary"] = (
        np.concatenate([baby_visit[baby], mother_visit[once]]),
        np.concatenate([code, outcome]),
    )
    out = np.array(prim, copy=True)
    out[baby_visit] = clinical.code_rows(BIRTH_CODES[born["twin"] * 2])
    return out


def match_delivery(ctx: Context, block: int, state: dict[str, Any]) -> dict[str, Any]:
    """After TRTM: a baby whose mother's delivery stay has a cesarean is coded Z38.01
    (Z38.31 for twins) on its birth stay (primary and admitting diagnosis); the others keep
    Z38.00 (Z38.30)."""
    cols = state["columns"]["DIAG"]
    baby_visit = state["newborn_visit"]
    if not len(baby_visit):
        return cols
    cesarean_stays = np.unique(
        state["trtm_visit"][state["trtm_code"] == clinical.CESAREAN_DELIVERY]
    )
    cesarean = np.isin(state["newborn_mother_visit"], cesarean_stays)
    code = clinical.code_rows(BIRTH_CODES[state["newborn_twin"] * 2 + cesarean])
    baby_of_visit = np.full(len(state["visit_type_idx"]), -1, np.int64)
    baby_of_visit[baby_visit] = np.arange(len(baby_visit))
    j = baby_of_visit[state["diag_visit"]]
    rows = (j >= 0) & (state["diag_kind"] != 1)
    new = np.where(rows, code[np.maximum(j, 0)], state["diag_code"])
    t = clinical.icd_table()
    state["diag_code"] = new
    state["visit_prim_code"][baby_visit] = code
    code_txt = cols["DIAG_ICD10_CD"].astype(np.result_type(t["code"], cols["DIAG_ICD10_CD"]))
    code_txt[rows] = t["code"][new[rows]]  # a copy: only the newborns' rows rewritten
    cols["DIAG_ICD10_CD"] = code_txt
    cols["DIAG_DESC_TXT"] = clinical.icd_text("description").take(pa.array(new, pa.int64()))
    return cols
