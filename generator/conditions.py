"""Patients with histories: each patient's chronic conditions, and what medicines treat.

A patient is one person across visits. Before any visit is drawn, every patient of a block
gets a health state (:func:`health_state`): which of the data model's twelve chronic
conditions they have, since when (an onset day, most before the window, some inside it),
and the one ICD-10-CM code their record uses for each. The draw is vectorized over the
block, from the block's own random stream (``HLTH``), so it is the same for any number of
workers or parts.

- **Prevalence** by age band at the window's start (0-17, 18-44, 45-64, 65+) and, for
  hypothyroidism, by sex: the scenario's ``prevalence_*`` settings.
- **Clusters**: each condition is present when a latent normal risk falls below the
  band's threshold (the inverse normal of the prevalence, so each condition keeps its
  prevalence exactly); the cardiometabolic conditions share a common factor (correlation
  ``chronic_cluster_correlation``), so diabetes comes with hypertension and
  hyperlipidemia, kidney disease and heart failure with both.
- **Codes**: one per patient and condition, drawn by weight among the curated codes of the
  condition (``reference/icd10_codes.csv``, marked secondary) that fit the patient's sex and
  every age they have in the window; with none fitting, the patient does not have it.

The clinical steps use the state (``generator/clinical.py``): chronic codes are never drawn
at random, only carried by the patients who have them, as secondary diagnoses of their
visits after the onset and as the primary diagnosis of some clinic visits of a department
that treats them; a dose is given only with an indication on its visit
(:data:`CLASS_INDICATIONS`), and inpatients get the usual medicine of their coded
conditions (:data:`USUAL_MEDICINES`).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

from generator import reference
from generator.core import REFERENCE_EPOCHS, Context, epoch_day


@dataclass(frozen=True)
class Condition:
    name: str
    setting: str  # the scenario's prevalence setting
    prefixes: tuple[str, ...]  # ICD-10-CM categories (3 characters) of the condition
    cluster: bool  # shares the cardiometabolic factor
    usual: tuple[str, ...] = ()  # drug classes an inpatient with it usually gets


CONDITIONS = (
    Condition("hypertension", "prevalence_hypertension", ("I10",), True,
              ("ACE_INHIBITOR", "ARB", "CALCIUM_CHANNEL_BLOCKER")),
    Condition("type 2 diabetes", "prevalence_type2_diabetes", ("E11",), True,
              ("INSULIN", "BIGUANIDE")),
    Condition("hyperlipidemia", "prevalence_hyperlipidemia", ("E78",), True, ("STATIN",)),
    Condition("obesity", "prevalence_obesity", ("E66",), True),
    Condition("asthma", "prevalence_asthma", ("J45",), False,
              ("BRONCHODILATOR", "INHALED_CORTICOSTEROID")),
    Condition("COPD", "prevalence_copd", ("J44",), False,
              ("BRONCHODILATOR", "INHALED_CORTICOSTEROID")),
    Condition("chronic kidney disease", "prevalence_chronic_kidney_disease", ("N18",), True),
    Condition("heart failure", "prevalence_heart_failure", ("I50",), True,
              ("LOOP_DIURETIC", "BETA_BLOCKER")),
    Condition("atrial fibrillation", "prevalence_atrial_fibrillation", ("I48",), True,
              ("ANTICOAGULANT", "BETA_BLOCKER")),
    Condition("depression", "prevalence_depression", ("F32", "F33"), False, ("SSRI",)),
    Condition("osteoarthritis", "prevalence_osteoarthritis",
              ("M15", "M16", "M17", "M18", "M19"), False),
    Condition("hypothyroidism", "prevalence_hypothyroidism", ("E03",), False,
              ("THYROID_HORMONE",)),
)  # fmt: skip
CHRONIC_PREFIXES = tuple(p for c in CONDITIONS for p in c.prefixes)
# follow-up clinic visits: per condition, the days between two visits for it and the
# departments that follow it (relative weights); a patient is followed in one of them whose
# primary codes include the patient's own code (children in PEDS where it is listed, adults
# never), at the scenario's ``chronic_followup_share`` (generator/followups.py).
# Hypertension and hyperlipidemia once a year (controlled, checked in primary care; at six
# months I10 would pass 5 % of all diagnosis rows), diabetes and depression quarterly,
# heart failure every ~2.5 months, kidney disease and COPD every 4 months.
FOLLOWUP_CADENCES: dict[str, tuple[int, dict[str, float]]] = {
    "hypertension": (365, {"FMED": 6, "MEDS": 3, "CARD": 1}),
    "type 2 diabetes": (91, {"ENDO": 4, "FMED": 5, "MEDS": 1}),
    "hyperlipidemia": (365, {"FMED": 6, "CARD": 2, "MEDS": 2}),
    "obesity": (365, {"FMED": 6, "ENDO": 2, "PEDS": 2}),
    "asthma": (182, {"PULM": 4, "FMED": 4, "PEDS": 4}),
    "COPD": (120, {"PULM": 6, "FMED": 3, "MEDS": 1}),
    "chronic kidney disease": (120, {"NEPH": 1}),
    "heart failure": (75, {"CARD": 1}),
    "atrial fibrillation": (182, {"CARD": 1}),
    "depression": (91, {"PSYC": 6, "FMED": 4}),
    "osteoarthritis": (365, {"ORTH": 1}),
    "hypothyroidism": (365, {"ENDO": 3, "FMED": 7}),
}

DIABETES = next(i for i, c in enumerate(CONDITIONS) if c.setting == "prevalence_type2_diabetes")
AGE_BANDS = (18, 45, 65)  # 0-17, 18-44, 45-64, 65+
NO_ONSET = np.int64(2**40)  # "never", in days
# years before the window's start an onset may lie, at most
ONSET_YEARS_BACK = 20

# infections: ICD-10-CM chapter 1 (A00-B99) and the infectious codes of other chapters
INFECTION_PREFIXES = (
    *(f"A{i:02d}" for i in range(100)),
    *(f"B{i:02d}" for i in range(100)),
    *(f"J{i:02d}" for i in range(23)),  # acute upper and lower respiratory infections
    "J36", "J39.0", "J85", "J86", "U07.1", "H66", "H70", "H60.3", "H10.0", "N39.0",
    "N30.0", "N10", "N11", "N34.1", "N41.0", "N41.1", "N70", "N71", "N73", "N76.0", "N76.1",
    "L00", "L01", "L02", "L03", "L04", "L05", "L08", "K35", "K57.0", "K57.2", "K57.32",
    "K57.4", "K57.8", "K61", "K65", "K81.0", "K83.0", "M00", "M01", "M86", "G00", "G01",
    "G02", "G03", "G04", "G06", "I30.1", "I33", "I40.0", "R65.2", "T81.4", "T82.6", "T82.7",
    "T83.5", "T84.5", "T84.6", "T84.7", "T85.7", "O23", "O41.1", "O85", "O86", "O98", "P36",
    "P37", "P38", "P39",
)  # fmt: skip
DIABETES_PREFIXES = ("E08", "E09", "E10", "E11", "E13", "O24")
HYPERTENSIVE = ("I10", "I11", "I12", "I13", "I15", "I16")
ATHEROSCLEROTIC = ("I20", "I21", "I22", "I24", "I25", "I63", "I65", "I66", "I70", "Z95.1")
ANTIBIOTICS = (
    "PENICILLIN", "CEPHALOSPORIN", "MACROLIDE", "FLUOROQUINOLONE", "SULFONAMIDE", "GLYCOPEPTIDE",
)  # fmt: skip
# a drug class given only with one of these diagnoses on the visit (antibiotics also for a
# surgery on the visit: prophylaxis); classes not listed treat symptoms any visit may have
CLASS_INDICATIONS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(ANTIBIOTICS, INFECTION_PREFIXES),
    "ANTIVIRAL": INFECTION_PREFIXES,
    "ANTIFUNGAL": INFECTION_PREFIXES,
    "BIGUANIDE": DIABETES_PREFIXES,
    "INSULIN": DIABETES_PREFIXES,
    "STATIN": ("E78", *ATHEROSCLEROTIC, "E11"),
    "ACE_INHIBITOR": (*HYPERTENSIVE, "I50", "N18", "E11", *ATHEROSCLEROTIC),
    "ARB": (*HYPERTENSIVE, "I50", "N18", "E11"),
    "CALCIUM_CHANNEL_BLOCKER": (*HYPERTENSIVE, "I20", "I25", "I48"),
    "BETA_BLOCKER": (*HYPERTENSIVE, "I48", "I50", "I47", "I49", *ATHEROSCLEROTIC, "R00"),
    "LOOP_DIURETIC": ("I50", "N18", "I11", "I13", "R60", "J81", "N04", "K70", "K74", "I10"),
    "ANTICOAGULANT": ("I48", "I26", "I80", "I82", "Z95", "Z79.01", "I63", "Z86.7"),
    "THYROID_HORMONE": ("E03", "E89.0", "C73"),
    "SSRI": ("F32", "F33", "F41", "F42", "F43", "F34", "F50"),
    "INHALED_CORTICOSTEROID": ("J44", "J45", "J30"),
}


def _thresholds(ctx: Context) -> np.ndarray:
    """(condition, age band, female) -> the latent risk below which a patient has the
    condition: the inverse normal of its prevalence (hypothyroidism apportioned by sex)."""
    sc = ctx.scenario
    inv = NormalDist().inv_cdf
    out = np.full((len(CONDITIONS), len(AGE_BANDS) + 1, 2), -np.inf)
    for c, cond in enumerate(CONDITIONS):
        for b, p in enumerate(getattr(sc, cond.setting)):
            for f in (0, 1):
                q = p
                if cond.setting == "prevalence_hypothyroidism":
                    share = (
                        sc.hypothyroidism_female_share if f else 1 - sc.hypothyroidism_female_share
                    )
                    q = min(1.0, 2 * p * share)
                out[c, b, f] = -np.inf if q <= 0 else np.inf if q >= 1 else inv(q)
    return out


@reference.shared
def condition_codes() -> tuple[dict[str, np.ndarray], ...]:
    """Per condition, its curated codes marked secondary (so they fit any visit as a
    secondary diagnosis): code, sex fit, ages, weight."""
    rows = [r for r in reference.rows("icd10_codes") if r["secondary"] == "Y"]
    out = []
    for cond in CONDITIONS:
        mine = [r for r in rows if r["code"][:3] in cond.prefixes]
        sex = np.array([r["sex"] for r in mine])
        out.append(
            {
                "code": np.array([r["code"] for r in mine], dtype="S8"),
                "female_ok": sex != "M",
                "male_ok": sex != "F",
                "min_age": np.array([int(r["min_age"]) for r in mine]),
                "max_age": np.array([int(r["max_age"]) for r in mine]),
                "weight": np.array([float(r["weight"]) for r in mine]),
            }
        )
    return tuple(out)


def _pick_code(
    r: np.random.Generator, c: int, female: np.ndarray, young: np.ndarray, old: np.ndarray
) -> np.ndarray:
    """Per patient, the index of condition ``c``'s code drawn by weight among those fitting
    the patient's sex and every age from ``young`` to ``old`` (whole years); -1: none."""
    t = condition_codes()[c]
    fits = (
        np.where(female[:, None], t["female_ok"][None, :], t["male_ok"][None, :])
        & (t["min_age"][None, :] <= young[:, None])
        & (t["max_age"][None, :] >= old[:, None])
    )
    cdf = np.cumsum(fits * t["weight"][None, :], axis=1)
    total = cdf[:, -1] if cdf.shape[1] else np.zeros(len(female))
    u = r.random(len(female)) * total
    idx = np.minimum((cdf <= u[:, None]).sum(axis=1), max(cdf.shape[1] - 1, 0))
    return np.where(total > 0, idx, -1)


def health_state(ctx: Context, block: int, state: dict[str, Any]) -> dict[str, np.ndarray]:
    """The block's patients' chronic conditions: ``has`` (patient x condition), ``onset``
    (days from the window's start; NO_ONSET without the condition) and ``code`` (the
    ICD-10-CM code the patient's record uses, bytes; empty without the condition). Drawn
    cohort by cohort (``people.patient_block``), each from its own stream, over the cohort's
    reference window: the two years ending with its epoch (the first two for cohorts 0, 1)."""
    cohort = state["cohort"]
    parts = [
        _cohort_health(
            ctx, block, int(c), state["birth"][cohort == c], state["female"][cohort == c]
        )
        for c in np.unique(cohort)
    ]
    return {k: np.concatenate([p[k] for p in parts]) for k in ("has", "onset", "code")}


def _cohort_health(
    ctx: Context, block: int, c: int, birth_date: np.ndarray, female: np.ndarray
) -> dict[str, np.ndarray]:
    sc = ctx.scenario
    r = ctx.epoch_rng("HLTH", block, c)
    w0 = epoch_day(ctx.opts.start, max(0, c - REFERENCE_EPOCHS + 1))
    span = epoch_day(ctx.opts.start, max(c + 1, REFERENCE_EPOCHS)) - w0
    birth = (birth_date - ctx.start).astype(np.int64) - w0  # days from the window's start
    female = np.asarray(female, dtype=bool)
    n, nc = len(birth), len(CONDITIONS)
    age0 = -birth / 365.25
    band = np.searchsorted(AGE_BANDS, age0, side="right")
    # whole years with three days' margin, as visits count them (clinical.pick_codes)
    young = np.floor((-birth - 3) / 365.25).astype(np.int64)
    old = np.floor((span + 3 - birth) / 365.25).astype(np.int64)
    loading = np.array([np.sqrt(sc.chronic_cluster_correlation) if c.cluster else 0.0
                        for c in CONDITIONS])  # fmt: skip
    common = r.standard_normal(n)
    risk = loading * common[:, None] + np.sqrt(1 - loading**2) * r.standard_normal((n, nc))
    has = (
        risk < _thresholds(ctx)[np.arange(nc)[None, :], band[:, None], female[:, None].astype(int)]
    )
    code = np.full((n, nc), b"", dtype="S8")
    onset = np.full((n, nc), NO_ONSET, dtype=np.int64)
    in_window = r.random((n, nc)) < sc.chronic_onset_in_window_share
    for c in range(nc):
        t = condition_codes()[c]
        pick = _pick_code(r, c, female, young, old)
        has[:, c] &= pick >= 0
        p = np.maximum(pick, 0)
        code[:, c] = np.where(has[:, c], t["code"][p] if len(t["code"]) else b"", b"")
        back = np.clip(age0 - t["min_age"][p] if len(t["code"]) else 0, 0, ONSET_YEARS_BACK)
        before = -1 - np.floor(r.random(n) * back * 365.25).astype(np.int64)
        inside = r.integers(0, span, n)
        onset[:, c] = np.where(has[:, c], w0 + np.where(in_window[:, c], inside, before), NO_ONSET)
    return {"has": has, "onset": onset, "code": code}


def active(
    health: dict[str, np.ndarray], pat: np.ndarray, day: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(row, condition) of every condition active on ``day`` for the patient of each row."""
    on = health["onset"][pat] <= np.asarray(day, dtype=np.int64)[:, None]
    return np.nonzero(health["has"][pat] & on)


def starts_with_any(codes: np.ndarray, prefixes: tuple[str, ...]) -> np.ndarray:
    """Whether each code (bytes) starts with one of the prefixes."""
    codes = np.asarray(codes)
    pre = {p.encode() for p in prefixes}
    out = np.zeros(len(codes), dtype=bool)
    for n in sorted({len(p) for p in pre}):  # a code's first n bytes, one of the n-byte ones
        if n == 0:
            return np.ones(len(codes), dtype=bool)
        out |= np.isin(codes.astype(f"S{n}"), np.array([p for p in pre if len(p) == n]))
    return out
