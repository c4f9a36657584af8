"""Pass (a) drawn epoch by epoch (docs/engine.md, "Time"): a run simulating more epochs has,
for everything created before the third epoch starts, exactly the two-epoch run's demand,
array for array (patients and their PATN rows, episodes, deaths, wanted appointments,
requests), and the hospital and its staff are the same."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from generator import asof, capacity, columns, engine, people, registry, scheduling
from generator.columns import Masked
from generator.core import DAY, REFERENCE_EPOCHS, Context, Options

SCALE = 0.3  # two blocks, the second one short


def _demand(seed: int, end: date, block: int) -> tuple[Context, dict[str, Any], dict]:
    ctx = Context(Options(scale=SCALE, seed=seed, end=end))
    state: dict[str, Any] = {"columns": {}}
    req = engine._demand(ctx, block, state)
    return ctx, {**state["demand"], "PATN": state["columns"]["PATN"]}, req


def _kept(mask: np.ndarray) -> np.ndarray:
    """Old index -> index among the kept rows (-1 where dropped)."""
    out = np.full(len(mask) + 1, -1, dtype=np.int64)  # index -1 stays -1
    out[:-1][mask] = np.arange(int(mask.sum()))
    return out


def _restricted(ctx: Context, d: dict, req: dict) -> dict[str, np.ndarray]:
    """The demand arrays created before the start of the first epoch after the reference
    ones, as the shorter run knows them (a stay still open then has no end yet)."""
    t = int(ctx.epoch_days[REFERENCE_EPOCHS]) * DAY
    pt, ev, w = d["pt"], d["ev"], d["wants"]
    n = int(pt["upto"][REFERENCE_EPOCHS - 1])
    out = {f"pt.{k}": v[:n] for k, v in pt.items() if k not in ("health", "upto")}
    for k, v in d["PATN"].items():  # the registered patients' rows (before any death)
        out[f"PATN.{k}"] = v.values[:n] if isinstance(v, Masked) else v[:n]
        out[f"PATN.{k}.null"] = v.null[:n] if isinstance(v, Masked) else np.zeros(0)
    out.update({f"health.{k}": v[:n] for k, v in pt["health"].items()})
    e = ev["arrive"] < t
    out.update({f"ev.{k}": v[e] for k, v in ev.items()})
    out["dies"] = d["dies"][e]
    out["death"] = np.where(d["death"][:n] < t, d["death"][:n], -1)
    keep = w["want"] < t // DAY
    out.update({f"wants.{k}": v[keep] for k, v in w.items()})
    out["wants.episode"] = _kept(e)[w["episode"][keep]]
    bed = req["bed_start"] < t
    for k in ("bed_start", "bed_cls", "bed_dept", "bed_via_ed", "bed_dying", "bed_obs"):
        out[k] = req[k][bed]
    out["bed_end"] = np.where(req["bed_end"][bed] >= t, capacity.OPEN_END, req["bed_end"][bed])
    out["bed_surgical"] = req["bed_surgical"][bed]
    ed = req["ed_start"] < t
    for k in ("ed_start", "ed_end"):
        out[k] = req[k][ed]
    out["ed_bed_row"] = _kept(bed)[req["ed_bed_row"][ed]]
    clinic = req["clinic_day"] < t // DAY
    for k in ("clinic_dept", "clinic_day", "clinic_last", "clinic_prio", "clinic_tele"):
        out[k] = req[k][clinic]
    return out


@pytest.mark.parametrize("seed", [7, 2026])
@pytest.mark.parametrize("block", [0, 1])
def test_the_first_two_epochs_demand_is_the_same_in_a_longer_run(seed: int, block: int) -> None:
    ctx2, d2, r2 = _demand(seed, date(2024, 12, 31), block)
    two = _restricted(ctx2, d2, r2)
    assert len(two["ev.pat"]) > 100 and len(two["wants.pat"]) > 1_000
    for end in (date(2025, 3, 31), date(2026, 12, 31)):  # 3 and 4 epochs
        ctx, d, r = _demand(seed, end, block)
        assert ctx.epochs > REFERENCE_EPOCHS
        longer = _restricted(ctx, d, r)
        assert set(longer) == set(two)
        for k, v in two.items():
            np.testing.assert_array_equal(longer[k], v, err_msg=f"{k} (to {end})")
        # the later epochs have demand of their own, new patients included
        late = d["ev"]["arrive"] >= int(ctx.epoch_days[REFERENCE_EPOCHS]) * DAY
        assert late.sum() > 0.3 * len(two["ev.pat"])
        assert (d["pt"]["cohort"][d["ev"]["pat"][late]] >= REFERENCE_EPOCHS).any()


def test_the_hospital_is_sized_from_the_reference_epochs() -> None:
    plans = []
    for end in (date(2024, 12, 31), date(2025, 12, 31)):
        ctx = Context(Options(scale=SCALE, seed=3, end=end))
        demands = [engine._demand(ctx, b) for b in range(ctx.n_blocks)]
        codes = scheduling.dept_codes()
        plans.append(
            capacity.plan(
                demands, ctx.ref_days, len(codes), codes.index("ICU"), codes.index("EMER")
            )
        )
    a, b = plans
    for k in ("general_beds", "clinic_providers", "clinic_sessions", "nurses"):
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k), err_msg=k)
    assert (a.icu_beds, a.ed_bays, a.ed_providers, a.census) == (
        b.icu_beds,
        b.ed_bays,
        b.ed_providers,
        b.census,
    )


def test_the_active_population_stays_steady_over_ten_years() -> None:
    """Patients leave (move away) as fast as new ones register: the demand of the tenth
    year is within 15 % of the first's, not five times it."""
    ctx = Context(Options(scale=0.2, seed=5, end=date(2032, 12, 31)))
    per_year = np.zeros(ctx.epochs)
    for b in range(ctx.n_blocks):
        state: dict[str, Any] = {"columns": {}}
        engine._demand(ctx, b, state)
        ev = state["demand"]["ev"]
        per_year += np.bincount(scheduling.epoch_of(ctx, ev["arrive"] // DAY), minlength=ctx.epochs)
    assert ctx.epochs == 10
    assert 0.85 < per_year[-1] / per_year[0] < 1.15, per_year


def _staff(end: date) -> tuple[Context, pa.Table]:
    ctx = Context(Options(scale=0.5, seed=4, end=end))
    demands = [engine._demand(ctx, b) for b in range(ctx.n_blocks)]
    codes = scheduling.dept_codes()
    ctx.capacity = capacity.plan(
        demands, ctx.ref_days, len(codes), codes.index("ICU"), codes.index("EMER")
    )
    ctx.master["STFF"] = columns.build(registry.TABLES["STFF"], people.staff(ctx))
    return ctx, ctx.master["STFF"]


def test_the_staff_of_the_first_two_epochs_are_the_same_in_a_longer_run() -> None:
    """STFF of a 4-epoch run as it stood at the end of epoch 1 is the 2-epoch run's STFF:
    the same people, hires, leavers and replacements; later leavers are still employed."""
    ctx2, two = _staff(date(2024, 12, 31))
    ctx4, four = _staff(date(2026, 12, 31))
    assert four.num_rows > two.num_rows  # the later epochs' replacements
    assert (
        pc.sum(pc.equal(four["STFF_STS_CD"], "TERM")).as_py()
        > pc.sum(pc.equal(two["STFF_STS_CD"], "TERM")).as_py()
    )
    as_of = SimpleNamespace(cut=ctx2.cut, end=ctx4.end, cut_ts=ctx2.cut_ts)
    assert asof.cut(as_of, "STFF", four).equals(two)
    # the clinic posts: the same people hold them (the later ones appended)
    ctx4.capacity = ctx2.capacity
    p2, p4 = scheduling.clinic_providers(ctx2), scheduling.clinic_providers(ctx4)
    n = len(p2.staff)
    np.testing.assert_array_equal(p4.staff[:n], p2.staff)
    np.testing.assert_array_equal(p4.sessions[:n], p2.sessions)
    np.testing.assert_array_equal(p4.hire[:n], p2.hire)
