"""The hospital runs at real capacity: the ratios of docs' "A hospital at capacity", measured
from the raw files for seeds other than the default, and the shared-capacity rules (no bed
or bay over its count, no provider double-booked, a hallway only when every bay is taken).
Plus unit tests of pass (b)'s allocation on hand-made requests."""

from __future__ import annotations

import numpy as np
import pytest
from capacity_report import TARGETS, measure

from generator import capacity
from generator.engine import Options, generate
from generator.load import connect

DAY = 86_400


@pytest.fixture(
    scope="module", params=[(1.0, 7), (0.5, 11)], ids=["scale1-seed7", "scale05-seed11"]
)
def hospital(request, tmp_path_factory):
    scale, seed = request.param
    out = tmp_path_factory.mktemp(f"cap{seed}") / "ehp"
    generate(Options(scale=scale, seed=seed, out=out, workers=2))
    return out


def test_capacity_ratios_hold(hospital):
    figures = measure(hospital)
    for name, (lo, hi) in TARGETS.items():
        assert lo <= figures[name] <= hi, (name, figures[name], (lo, hi))


def test_no_room_over_its_beds_at_any_moment(hospital):
    con = connect(hospital)
    over = con.execute("""
        with stays as (
            select roms_id, vist_admt_ts as t, 1 as d from vist where roms_id is not null
                and vist_typ_cd in ('INPT', 'OBSV', 'EMER')
            union all
            select roms_id, coalesce(vist_dsch_ts, timestamp '9999-01-01'), -1 from vist
            where roms_id is not null and vist_typ_cd in ('INPT', 'OBSV', 'EMER')
        ),
        running as (
            select roms_id, sum(d) over (partition by roms_id order by t, d
                rows between unbounded preceding and current row) as inside
            from stays
        )
        select count(*) from running join roms using (roms_id)
        where inside > roms_bed_cnt""").fetchone()[0]
    assert over == 0


def test_no_provider_double_booked(hospital):
    con = connect(hospital)
    clash = con.execute("""
        with a as (
            select appt_id, appt_prvdr_stff_id as p, appt_schd_dt + appt_strt_tm as s,
                appt_schd_dt + appt_strt_tm + to_minutes(appt_dur_min) as e
            from appt
        )
        select count(*) from a as x join a as y
            on x.p = y.p and x.appt_id < y.appt_id and x.s < y.e and y.s < x.e""").fetchone()[0]
    same_slot = con.execute("""
        select count(*) - count(distinct (appt_prvdr_stff_id, appt_schd_dt, appt_strt_tm))
        from appt""").fetchone()[0]
    assert clash == 0 and same_slot == 0


def test_hallway_only_when_every_bay_is_taken(hospital):
    # a bay is taken from its patient's arrival until a short clean after they leave (or
    # until the end of the extract: a patient still in the ED then has no discharge)
    con = connect(hospital)
    bays = con.execute("select count(*) from roms where roms_typ_cd = 'EDBY'").fetchone()[0]
    not_full = con.execute(
        f"""
        with ed as (select * from vist where vist_typ_cd = 'EMER'),
        hallway as (select vist_id, vist_admt_ts from ed where roms_id is null)
        select count(*) from hallway as h
        where (select count(*) from ed
               where ed.roms_id is not null and ed.vist_admt_ts <= h.vist_admt_ts
                 and (ed.vist_dsch_ts is null or ed.vist_dsch_ts
                     + to_seconds({capacity.BAY_TURNOVER}) >= h.vist_admt_ts)) < {bays}""",
    ).fetchone()[0]
    assert bays > 0 and not_full == 0


def test_boarding_and_transfers_show_in_the_data(hospital):
    con = connect(hospital)
    boarded = con.execute("""
        select count(*) from vist where vist_typ_cd = 'EMER' and vist_dsch_disp_cd = 'ADMT'
            and vist_dsch_ts - vist_admt_ts > interval 12 hours""").fetchone()[0]
    assert boarded > 0


# ----------------------------------------------------------------------------- pass (b) units


def _bed_demand(starts, ends, dying=None, via_ed=True):
    n = len(starts)
    return {
        "bed_start": np.array(starts, dtype=np.int64),
        "bed_end": np.array(ends, dtype=np.int64),
        "bed_cls": np.zeros(n, dtype=np.int64),
        "bed_dept": np.zeros(n, dtype=np.int64),
        "bed_via_ed": np.full(n, via_ed),
        "bed_dying": np.zeros(n, bool) if dying is None else np.array(dying),
        "bed_obs": np.zeros(n, bool),
    }


def test_one_bed_boards_the_second_and_transfers_the_third():
    beds = capacity.Beds(room=np.array([5]), cls=np.array([0]), dept=np.array([0]))
    hour = 3_600
    d = _bed_demand([0, 2 * hour, 3 * hour], [10 * hour, 5 * DAY, 2 * DAY])
    got = capacity.allocate_beds([d], beds)
    assert got["room"].tolist() == [5, 5, -1]
    assert got["admit"][1] > 10 * hour  # boarded until the first patient left
    assert got["transferred"].tolist() == [False, False, True]


def test_a_dying_patient_is_never_transferred():
    beds = capacity.Beds(room=np.array([0]), cls=np.array([0]), dept=np.array([0]))
    d = _bed_demand([0, 3_600], [10 * DAY, 2 * DAY], dying=[False, True])
    got = capacity.allocate_beds([d], beds)
    assert got["transferred"].tolist() == [False, False] and got["room"][1] == -1


def test_allocation_does_not_depend_on_how_blocks_split_the_requests():
    beds = capacity.Beds(room=np.arange(3), cls=np.zeros(3, np.int64), dept=np.zeros(3, np.int64))
    r = np.random.default_rng(1)
    starts = np.sort(r.integers(0, 30 * DAY, 200))
    ends = starts + r.integers(DAY // 2, 6 * DAY, 200)
    whole = capacity.allocate_beds([_bed_demand(starts, ends)], beds)
    split = capacity.allocate_beds(
        [_bed_demand(starts[:70], ends[:70]), _bed_demand(starts[70:], ends[70:])], beds
    )
    for key in whole:
        assert np.array_equal(whole[key], split[key]), key


def test_clinic_requests_spill_to_the_next_session_and_never_share_a_slot():
    providers = capacity.Providers(
        staff=np.array([10, 11]),
        dept=np.array([0, 0]),
        hire=np.array([-100, -100]),
        term=np.array([10**7, 10**7]),
        sessions=np.array([20, 20]),
    )
    n = 2 * capacity.SLOTS_PER_SESSION + 5  # five more than one day holds
    demand = {
        "clinic_dept": np.zeros(n, np.int64),
        "clinic_day": np.zeros(n, np.int64),
        "clinic_last": np.full(n, 30, np.int64),
        "clinic_prio": np.linspace(0, 1, n),
        "first_weekday": np.array([0]),  # day 0 is a Monday
        "horizon_days": np.array([40]),
    }
    got = capacity.allocate_clinic([demand], providers)
    assert (got["provider"] >= 10).all()
    assert np.bincount(got["day"]).tolist() == [n - 5, 5]
    taken = set(
        zip(got["provider"].tolist(), got["day"].tolist(), got["slot"].tolist(), strict=True)
    )
    assert len(taken) == n
