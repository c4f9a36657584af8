"""Money and people that behave (issue 11 point 5), measured from the raw files of several
seeds with scripts/realism_report.py (whose figures test_realism_report.py checks against
plain Python): insurer payments with a tail (some after 90 days, some never), denials over
the whole window, the scenario's penicillin, allergy and write-off rates, and no phone number
shared between two households."""

from __future__ import annotations

import json
import shutil

import pytest
from helpers import scalar
from realism_report import measure

from generator.engine import Options, generate
from generator.load import connect
from generator.scenario import Scenario


@pytest.fixture(scope="module", params=[(0.5, 21), (0.5, 22)], ids=["seed21", "seed22"])
def extract(request, tmp_path_factory):
    scale, seed = request.param
    # Parquet: a tenth of the CSV's disk; removed after the module
    out = tmp_path_factory.mktemp(f"money{seed}") / "ehp"
    generate(Options(scale=scale, seed=seed, out=out, workers=2, fmt="parquet"))
    yield out
    shutil.rmtree(out)


@pytest.fixture(scope="module")
def figures(extract):
    return measure(extract)


def test_insurers_mostly_pay_in_30_to_60_days_with_a_tail(extract, figures):
    con = connect(extract, "parquet")
    within, early = con.execute(
        """select avg((d between 30 and 60)::int), count(*) filter (where d < 30)
        from (select date_diff('day', b.bill_dt, p.pmnt_dt) as d
            from pmnt as p join bill as b using (bill_id) where p.pmnt_pyr_typ_cd = 'INSR')"""
    ).fetchone()
    assert within >= 0.75  # most within the usual 30-60 days (measured about 0.85)
    assert early == 0
    assert 30 <= figures["insurer_days_median"] <= 60
    assert 0.03 <= figures["insurer_paid_after_90_days"] <= 0.12  # measured about 0.07
    assert 0.015 <= figures["insurer_never_paid"] <= 0.07  # measured about 0.04


def test_denied_bills_are_spread_over_the_window_and_never_paid_by_the_insurer(extract, figures):
    assert figures["months_with_denials"] == 1.0
    assert figures["denials_in_last_4_months"] <= 0.35  # even: 0.17; measured about 0.28
    con = connect(extract, "parquet")
    paid_denied = scalar(
        con,
        """select count(*) from bill where bill_sts_cd = 'DND' and bill_id in
            (select bill_id from pmnt where pmnt_pyr_typ_cd = 'INSR')""",
    )
    assert paid_denied == 0


def test_allergy_and_write_off_rates_are_the_scenarios(extract, figures):
    scenario = json.loads((extract / "manifest.json").read_text())["scenario"]
    assert abs(figures["penicillin_allergy_rate"] - scenario["penicillin_allergy_rate"]) <= 0.015
    assert abs(figures["any_allergy_rate"] - scenario["any_allergy_rate"]) <= 0.025
    assert abs(figures["patient_write_off_rate"] - scenario["patient_nonpayment_rate"]) <= 0.012


def test_no_phone_number_is_shared_between_households(figures):
    assert figures["phone_shared_outside_household"] == 0


def test_a_scenario_moves_the_penicillin_and_write_off_rates(tmp_path):
    scenario = Scenario.from_dict(
        {"penicillin_allergy_rate": 0.2, "any_allergy_rate": 0.3, "patient_nonpayment_rate": 0.1}
    )
    out = tmp_path / "ehp"
    generate(Options(scale=0.3, seed=3, out=out, workers=2, scenario=scenario))
    figures = measure(out)
    assert abs(figures["penicillin_allergy_rate"] - 0.2) <= 0.02
    assert abs(figures["any_allergy_rate"] - 0.3) <= 0.03
    assert abs(figures["patient_write_off_rate"] - 0.1) <= 0.025
