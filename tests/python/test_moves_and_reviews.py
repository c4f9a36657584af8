"""Patients who move and supplies whose reorder settings are reviewed (issue 12), checked on
the raw files of two seeds as an analyst would, against the generator's own move events:

- the yearly share of patients who moved is the scenario's rate (CPS: 8.4 %);
- a baby moves with its mother (same day, same new address);
- a patient's REC_UPDT_TS is never before their last move by the end date;
- the extracts as of D1 < D2 differ in address exactly for the patients who moved in
  (D1, D2], and in reorder settings exactly for the supplies reviewed in (D1, D2];
- restocking follows the settings in force on the order day (docs/data_model.md, 14).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pytest

from generator import moves
from generator.core import BLOCK_PATIENTS, Context
from generator.engine import Options, generate
from generator.supply_chain import review_days

SEEDS = (5, 17)
SCALE = 0.5  # 5,000 patients: the yearly share within half a point or so
D1, D2 = "2023-12-31", "2024-12-31"
D3 = "2024-03-31"  # one review after D1 (2024-01-01): no item can change and change back
ADDRESS = "patn_addr_ln1, patn_city_nm, patn_st_cd, patn_zip_cd"
NEWBORN_INDEX_BASE = 90_000_000


def _extract(root: Path, seed: int, end: str) -> Path:
    out = root / f"s{seed}-{end}"
    if not out.exists():
        opts = Options(scale=SCALE, seed=seed, end=date.fromisoformat(end), out=out, workers=2)
        generate(opts)
    return out


@pytest.fixture(scope="module", params=SEEDS)
def pair(request, tmp_path_factory):
    """(seed, a DuckDB connection with PATN, SPLY and INVN as of D1 (p1, s1, i1), D2
    (p2, s2, i2) and D3 (p3, s3, i3), every column as text)."""
    root = tmp_path_factory.getbasetemp() / "moves"
    seed = request.param
    con = duckdb.connect()
    for tag, end in (("1", D1), ("2", D2), ("3", D3)):
        folder = _extract(root, seed, end)
        for code, name in (("patn", "p"), ("sply", "s"), ("invn", "i")):
            con.execute(
                f"create view {name}{tag} as select * from "
                f"read_csv('{folder}/ehp_{code}.csv', all_varchar = true, header = true)"
            )
    yield seed, con
    con.close()


def _true_moves(seed: int, con) -> dict[str, list[str]]:
    """Per patient id, the times of the moves the generator made for them through D2 (a
    baby: its mother's after its birth), from its move draws and the extract's patients."""
    ctx = Context(Options(scale=SCALE, seed=seed, end=date.fromisoformat(D2)))
    rows = con.execute(
        "select patn_id, cast(substr(patn_mrn, 2) as bigint), patn_rgst_dt, patn_dth_dt, "
        "patn_mthr_patn_id, rec_crtd_ts from p2 order by 2"
    ).fetchall()
    by_index = {r[1]: r for r in rows}
    found: dict[str, list[str]] = {}
    for block in range(ctx.n_blocks):
        lo, hi = ctx.block_range(block)
        registered = np.array([by_index[i][2] for i in range(lo, hi)], "datetime64[D]")
        mv = moves.draw(ctx, block, registered)
        for owner, at in zip(mv["owner"], mv["at"].astype(str), strict=True):
            pid, _, _, death, _, _ = by_index[lo + int(owner)]
            if death is None or at[:10] < death:  # nobody moves on or after the day they die
                found.setdefault(pid, []).append(at.replace("T", " "))
    for pid, index, _, death, mother, created in rows:
        if index >= NEWBORN_INDEX_BASE:  # a baby moves with its mother after its birth
            follows = [t for t in found.get(mother, []) if t > created]
            found[pid] = [t for t in follows if death is None or t[:10] < death]
        else:
            assert index // BLOCK_PATIENTS < ctx.n_blocks
    return {pid: times for pid, times in found.items() if times}


def test_the_yearly_share_of_patients_who_moved_is_the_scenario_rate(pair):
    # registered by D1, alive at D2: at risk all year; moved if the address changed
    _, con = pair
    share = con.execute(
        f"""select avg(((p1.{ADDRESS.replace(", ", ", p1.")})
                        != (p2.{ADDRESS.replace(", ", ", p2.")}))::int)
            from p1 join p2 using (patn_id) where p2.patn_dth_dt is null"""
    ).fetchone()[0]
    assert 0.07 <= share <= 0.10, share


def test_a_baby_moves_with_its_mother(pair):
    _, con = pair
    babies, apart, moved_together = con.execute(
        f"""select count(*),
                   count(*) filter (where ({ADDRESS}) != (select ({ADDRESS}) from p2 m
                                                          where m.patn_id = b.patn_mthr_patn_id)),
                   count(*) filter (where b.rec_updt_ts > b.rec_crtd_ts and b.patn_dth_dt is null)
            from p2 b where b.patn_mthr_patn_id is not null and b.patn_dth_dt is null
              and (select patn_dth_dt from p2 m where m.patn_id = b.patn_mthr_patn_id) is null"""
    ).fetchone()
    assert babies > 20 and apart == 0
    assert moved_together > 0, "no baby moved with its mother: nothing was checked"
    # and they moved at the same time: a living baby's last change is its mother's move
    mismatched = con.execute(
        """select count(*) from p2 b join p2 m on m.patn_id = b.patn_mthr_patn_id
           where b.rec_updt_ts > b.rec_crtd_ts and b.patn_dth_dt is null
             and m.patn_dth_dt is null and b.rec_updt_ts != m.rec_updt_ts"""
    ).fetchone()[0]
    assert mismatched == 0


def test_every_moved_patient_was_updated_at_or_after_the_move(pair):
    seed, con = pair
    truth = _true_moves(seed, con)
    updated = dict(con.execute("select patn_id, rec_updt_ts from p2").fetchall())
    assert len(truth) > 500
    late = [pid for pid, times in truth.items() if updated[pid] < max(times)]
    assert not late, late[:5]
    # and a patient who never moved or died was never updated
    never = con.execute(
        "select list(patn_id) from p2 where patn_dth_dt is null and rec_updt_ts != rec_crtd_ts"
    ).fetchone()[0]
    assert set(never or []) <= set(truth)


def test_the_address_changed_between_two_ends_exactly_for_those_who_moved(pair):
    seed, con = pair
    truth = _true_moves(seed, con)
    cut1, cut2 = f"{D1} 23:59:59", f"{D2} 23:59:59"
    moved = {pid for pid, times in truth.items() if any(cut1 < t <= cut2 for t in times)}
    in_d1 = {r[0] for r in con.execute("select patn_id from p1").fetchall()}
    changed = {
        r[0]
        for r in con.execute(
            f"select patn_id from p1 join p2 using (patn_id) "
            f"where (p1.{ADDRESS.replace(', ', ', p1.')}) != (p2.{ADDRESS.replace(', ', ', p2.')})"
        ).fetchall()
    }
    assert changed == moved & in_d1
    assert len(changed) > 100


def _settings_changed(con, a: str, b: str, since: str) -> tuple[set, set]:
    """(supplies whose reorder settings differ between the extracts ``a`` and ``b``,
    supplies that ``b`` shows changed after ``since``)."""
    differ = con.execute(
        f"""select list(sply_id) from {a} join {b} using (sply_id)
            where ({a}.sply_rord_lvl_qty, {a}.sply_rord_qty)
                  != ({b}.sply_rord_lvl_qty, {b}.sply_rord_qty)"""
    ).fetchone()[0]
    later = con.execute(
        f"select list(sply_id) from {b} where rec_updt_ts > '{since} 23:59:59'"
    ).fetchone()[0]
    return set(differ or []), set(later or [])


def test_reorder_settings_changed_between_two_ends_exactly_for_the_reviewed(pair):
    seed, con = pair
    # one review in (D1, D3]: the settings differ exactly for the items it changed
    differ, reviewed = _settings_changed(con, "s1", "s3", D1)
    assert differ == reviewed and len(reviewed) > 5
    # four reviews in (D1, D2]: an item may change and change back, never differ unchanged
    differ, reviewed = _settings_changed(con, "s1", "s2", D1)
    assert differ <= reviewed and len(differ) > 0.8 * len(reviewed)
    # every change is a quarterly review: the first weekday of a quarter, 09:00-16:00
    ctx = Context(Options(scale=SCALE, seed=seed, end=date.fromisoformat(D2)))
    days = {str(ctx.start + d) for d in review_days(ctx)}
    stamps = con.execute("select rec_updt_ts from s2 where rec_updt_ts > rec_crtd_ts").fetchall()
    assert stamps and all(t[:10] in days and "09" <= t[11:13] < "16" for (t,) in stamps)
    # the other columns of the catalog never change
    fixed = con.execute(
        "select count(*) from s1 join s2 using (sply_id) where (s1.sply_lead_days, "
        "s1.sply_prf_vndr_id, s1.sply_unit_cst_amt) != (s2.sply_lead_days, "
        "s2.sply_prf_vndr_id, s2.sply_unit_cst_amt)"
    ).fetchone()[0]
    assert fixed == 0


@pytest.mark.parametrize("tag", ["1", "2", "3"])
def test_restocking_follows_the_settings_in_force_on_the_order_day(pair, tag):
    """With the extract as of D1, D2 and D3: receipts ordered since the supply's last
    review bring its reorder quantity and were ordered on a day closing below its level."""
    _, con = pair
    checked, wrong = con.execute(
        f"""with r as (
                select i.sply_id, cast(i.invn_dt as date) - cast(s.sply_lead_days as int) as od,
                       cast(i.invn_rcvd_qty as int) as q, cast(s.sply_rord_qty as int) as want,
                       cast(s.sply_rord_lvl_qty as int) as lvl,
                       cast(cast(s.rec_updt_ts as timestamp) as date) as since
                from i{tag} i join s{tag} s using (sply_id)
                where cast(i.invn_rcvd_qty as int) > 0)
            select count(*), count(*) filter (where q != want or c.cls >= lvl)
            from r join (select sply_id, cast(invn_dt as date) as od,
                                cast(invn_cls_qty as int) as cls from i{tag}) c
                 using (sply_id, od)
            where r.od >= r.since"""
    ).fetchone()
    assert checked > 100 and wrong == 0
