"""Care that follows the conditions and the episodes: the clinic appointments patients want
because of their health state or an emergency visit, and the codes those visits share.

- **Chronic follow-ups** (:func:`chronic_wants`): a patient with an active chronic condition
  (onset before the day) comes back to a clinic of a department that follows it, every
  ``conditions.FOLLOWUP_CADENCES`` days (with the scenario's spread), at the scenario's
  ``chronic_followup_share`` of the patients with it. The patient is followed in one
  department, drawn once per patient and condition among those listed whose primary codes
  include the patient's own code; the visit's reason and primary diagnosis is that code.
  A condition that begins inside the window is seen within two weeks of its onset, one
  that began before at a random point of its first cadence.
- **Acute follow-ups** (:func:`acute_wants`): an emergency visit sent home (not admitted) is
  followed in a clinic at the scenario's ``ed_followup_rate``: an injury in orthopedics
  7-21 days later, or an infection rechecked in family medicine (paediatrics for a child)
  5-14 days later; :func:`share_the_ed_code` then gives both visits one code, drawn among
  the injuries (S, T) or infections that fit the emergency department, the clinic, the
  patient's sex and every age from the first visit to the second.
- **Volume** (:func:`replace_random_followups`): each chronic follow-up replaces up to
  ``chronic_followup_replaces`` of the patient's own random follow-up, annual, consult or
  video appointments (:data:`REPLACEABLE`), so clinic visits per patient-year by age band
  stay about what they were; volume rises only for patients whose conditions need more
  visits than they had.

Every function is vectorized over the block's patients; wants carry ``reason``: the
condition's index for a chronic follow-up, :data:`INJURY` or :data:`INFECTION` for an
emergency visit's follow-up, -1 otherwise.
"""

from __future__ import annotations

import numpy as np

from generator import clinical, conditions
from generator.core import DAY, EMER, dept_codes, dept_index

INJURY = 100  # reason of an emergency visit's follow-up in orthopedics
INFECTION = 101  # ... and of an infection's recheck
ONSET_SEEN_WITHIN = 14  # days after an onset inside the window to its first visit
INJURY_DAYS = (7, 22)  # days after the emergency visit, [lo, hi)
INFECTION_DAYS = (5, 15)
# appointment types a chronic follow-up may replace: FLUP, ANNL, CONS, TELE (not a new
# patient's visit, not a procedure)
REPLACEABLE = (1, 2, 3, 5)


def _cadence_table() -> tuple[np.ndarray, np.ndarray]:
    """(days between visits per condition, weight per condition and department)."""
    depts = dept_codes()
    days = np.zeros(len(conditions.CONDITIONS), np.int64)
    weight = np.zeros((len(conditions.CONDITIONS), len(depts)))
    for c, cond in enumerate(conditions.CONDITIONS):
        cadence, where = conditions.FOLLOWUP_CADENCES[cond.name]
        days[c] = cadence
        for d, w in where.items():
            weight[c, depts.index(d)] = w
    return days, weight


def _draw_column(r: np.random.Generator, w: np.ndarray) -> np.ndarray:
    """Per row of ``w``, a column drawn by weight; -1 where the row weighs nothing."""
    return _draw_column_u(r.random(len(w)), w)


def _draw_column_u(u: np.ndarray, w: np.ndarray) -> np.ndarray:
    """:func:`_draw_column` with the uniform numbers given."""
    cdf = np.cumsum(w, axis=1)
    total = cdf[:, -1] if w.shape[1] else np.zeros(len(w))
    idx = (cdf <= (u * total)[:, None]).sum(axis=1)
    return np.where(total > 0, np.minimum(idx, max(w.shape[1] - 1, 0)), -1)


def _followed_in(r: np.random.Generator, pt: dict, p: np.ndarray, c: np.ndarray) -> np.ndarray:
    """The department each (patient, condition) pair is followed in: by the cadence table's
    weights among departments with the patient's code as a primary code; PEDS for children
    only; -1 where none fits."""
    _, weight = _cadence_table()
    rows = clinical.code_rows(pt["health"]["code"][p, c]) if len(p) else np.zeros(0, np.int64)
    w = weight[c] * clinical.icd_table()["dept_mask"][:, rows].T
    child = pt["age_start"][p] < 18
    peds = dept_index("PEDS")
    w[~child, peds] = 0
    w[child & (w[:, peds] > 0)] *= np.eye(w.shape[1])[peds]  # a child goes to paediatrics
    return _draw_column(r, w)


def chronic_wants(
    ctx, block: int, pt: dict, rows: np.ndarray, epochs: tuple[int, int], span: tuple
) -> dict[str, np.ndarray]:
    """The chronic follow-ups one cohort's patients (``rows``, cohort ``epochs[0]``) want in
    epoch ``epochs[1]``: patient, day wanted, department and condition (``reason``). Who is
    followed where, and the first visit, come from the cohort's stream; the visits whose
    day by the cadence falls in the epoch are spread by noise from the (cohort, epoch)
    stream, and only days in [lo, hi) (``span``, per patient of ``rows``) are kept."""
    sc = ctx.scenario
    cohort, epoch = epochs
    lo, hi = span
    health = pt["health"]
    cadence, _ = _cadence_table()
    r = ctx.epoch_rng("CHRN", block, cohort)
    has = health["has"][rows]
    followed = has & (r.random(has.shape) < sc.chronic_followup_share)
    p, c = np.nonzero(followed)
    dept = _followed_in(r, pt, rows[p], c)
    p, c, dept = p[dept >= 0], c[dept >= 0], dept[dept >= 0]
    onset = health["onset"][rows[p], c]
    start = np.maximum(onset, lo[p])
    new = onset >= lo[p]  # begins after registration: seen soon after the onset
    first = start + np.where(
        new,
        r.integers(0, ONSET_SEEN_WITHIN, len(p)),
        (r.random(len(p)) * cadence[c]).astype(np.int64),
    )
    e0, e1 = ctx.epoch_days[epoch], ctx.epoch_days[epoch + 1]
    k0 = np.maximum(0, -((first - e0) // cadence[c]))  # the first visit due in the epoch
    count = np.maximum(np.maximum(0, -((first - e1) // cadence[c])) - k0, 0)
    pair = np.repeat(np.arange(len(p)), count)
    k = k0[pair] + np.arange(len(pair)) - np.repeat(np.cumsum(count) - count, count)
    noise = ctx.epoch_rng("CHRN", block, cohort, epoch).normal(
        0, sc.chronic_followup_spread, len(pair)
    )
    noise = noise * cadence[c][pair]
    day = first[pair] + k * cadence[c][pair] + np.where(k > 0, np.rint(noise), 0).astype(np.int64)
    keep = (day >= lo[p][pair]) & (day < hi[p][pair])
    pair, day = pair[keep], day[keep]
    return {"pat": rows[p[pair]], "want": day, "dept": dept[pair], "reason": c[pair]}


def acute_wants(
    ctx, r: np.random.Generator, pt: dict, ev: dict, dies: np.ndarray
) -> dict[str, np.ndarray]:
    """The clinic follow-ups of emergency visits sent home: patient, day wanted, department,
    ``reason`` (:data:`INJURY` or :data:`INFECTION`) and the episode (the emergency visit)."""
    sc = ctx.scenario
    n = len(ev["pat"])
    home = (ev["kind"] == 0) & ~ev["admitted"] & ~dies if n else np.zeros(0, bool)
    e = np.flatnonzero(home & (r.random(n) < sc.ed_followup_rate))
    injury = r.random(len(e)) < sc.ed_followup_injury_share
    pat = ev["pat"][e]
    child = pt["age_start"][pat] + ev["arrive"][e] / (DAY * 365.25) < 18
    dept = np.where(
        injury, dept_index("ORTH"), np.where(child, dept_index("PEDS"), dept_index("FMED"))
    )
    after = np.where(injury, r.integers(*INJURY_DAYS, len(e)), r.integers(*INFECTION_DAYS, len(e)))
    return {
        "pat": pat,
        "want": ev["arrive"][e] // DAY + after,
        "dept": dept,
        "reason": np.where(injury, INJURY, INFECTION),
        "episode": e,
    }


def _rank_in_group(group: np.ndarray, order_key: np.ndarray) -> np.ndarray:
    """0, 1, 2... within each group, in the order of ``order_key``."""
    order = np.lexsort((order_key, group))
    g = group[order]
    first = np.r_[True, g[1:] != g[:-1]] if len(g) else np.zeros(0, bool)
    start = np.maximum.accumulate(np.where(first, np.arange(len(g)), 0))
    rank = np.empty(len(g), dtype=np.int64)
    rank[order] = np.arange(len(g)) - start
    return rank


def replace_random_followups(
    ctx, r: np.random.Generator, wants: dict, chronic_pat: np.ndarray, n_patients: int
) -> np.ndarray:
    """Which wants to keep: each patient's random follow-ups (:data:`REPLACEABLE` types, of
    no episode or reason), in random order, are dropped up to the scenario's
    ``chronic_followup_replaces`` times the patient's chronic follow-ups."""
    per = np.bincount(chronic_pat, minlength=n_patients) * ctx.scenario.chronic_followup_replaces
    allow = np.floor(per + r.random(n_patients)).astype(np.int64)
    random_fu = np.isin(wants["type"], REPLACEABLE) & (wants["episode"] < 0) & (wants["reason"] < 0)
    # the patient's replaceable wants first, in random order
    rank = _rank_in_group(wants["pat"], r.random(len(wants["pat"])) + ~random_fu)
    return ~(random_fu & (rank < allow[wants["pat"]]))


def chronic_codes(health: dict, pat: np.ndarray, reason: np.ndarray, code: np.ndarray):
    """Appointments' codes (rows of the ICD-10-CM table): a chronic follow-up's is the
    patient's own code of its condition."""
    out = np.array(code, copy=True)
    a = np.flatnonzero((reason >= 0) & (reason < len(conditions.CONDITIONS)))
    if len(a):
        out[a] = clinical.code_rows(health["code"][pat[a], reason[a]])
    return out


def _shared_candidates(dept: int, reason: int) -> np.ndarray:
    """Rows of the ICD-10-CM table an emergency visit and its follow-up in ``dept`` may
    share: injuries (S, T) or infections that are primary codes of both departments."""
    t = clinical.icd_table()
    ok = t["dept_mask"][dept_index("EMER")] & t["dept_mask"][dept]
    ok &= ~t["chronic"] & ~t["fallback"] & (t["weight"] > 0)
    if reason == INJURY:
        ok &= np.char.startswith(t["code"], b"S") | np.char.startswith(t["code"], b"T")
    else:
        ok &= conditions.starts_with_any(t["code"], conditions.INFECTION_PREFIXES)
    return np.flatnonzero(ok)


def share_the_ed_code(
    r: np.random.Generator, vis: dict, appt: dict, pt: dict, prim: np.ndarray
) -> np.ndarray:
    """An emergency visit and its clinic follow-up share one code (the appointment's reason
    and both visits' primary diagnosis), where one fits both; the others keep theirs."""
    t = clinical.icd_table()
    ed = np.flatnonzero((vis["type"] == EMER) & (vis["ev"] >= 0))
    size = max(int(vis["ev"].max(initial=-1)), int(appt["episode"].max(initial=-1))) + 1
    ed_row = np.full(size, -1, np.int64)
    ed_row[vis["ev"][ed]] = ed
    a = np.flatnonzero((appt["reason"] >= INJURY) & (appt["episode"] >= 0))
    a = a[ed_row[appt["episode"][a]] >= 0]
    v = ed_row[appt["episode"][a]]
    female = pt["female"][appt["pat"][a]]
    born = pt["birth_day"][appt["pat"][a]]
    young = np.floor((vis["adm_day"][v] - born - 2) / 365.25)
    old = np.floor((appt["start"][a] // DAY - born + 2) / 365.25)
    u = r.random(len(a))
    out = np.array(prim, copy=True)
    pairs = zip(appt["dept"][a].tolist(), appt["reason"][a].tolist(), strict=True)
    for dept, reason in sorted(set(pairs)):
        m = np.flatnonzero((appt["dept"][a] == dept) & (appt["reason"][a] == reason))
        cand = _shared_candidates(dept, reason)
        fits = (
            np.where(female[m, None], t["female_ok"][cand], t["male_ok"][cand])
            & (t["min_age"][cand] <= young[m, None])
            & (t["max_age"][cand] >= old[m, None])
        )
        pick = _draw_column_u(u[m], fits * t["weight"][cand])
        got = m[pick >= 0]
        code = cand[pick[pick >= 0]]
        appt["code"][a[got]] = code
        out[v[got]] = code
    from_appt = np.flatnonzero(vis["appt"] >= 0)
    out[from_appt] = appt["code"][vis["appt"][from_appt]]
    return out
