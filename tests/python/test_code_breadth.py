"""A broad, long-tailed diagnosis code set (issue 11 point 3): at scale 1 at least 1,000
distinct billable ICD-10-CM codes, the commonest under 5 % of rows, over several seeds; and
the sampler (clinical.pick_codes, rejection sampling over cached cumulative weights) draws
each code at its weight among exactly the codes that fit the visit."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from helpers import scalar

from generator import clinical
from generator.core import Context, Options, dept_index
from generator.engine import generate
from generator.load import connect


def _expected(dept: int, female: bool, year: int, secondary: bool = False) -> np.ndarray:
    """Each code's probability for a visit of that department, sex and age in summer (no
    winter weighting), straight from the reference table."""
    t = clinical.icd_table()
    ok = t["dept_mask"][dept] | (t["secondary"] & secondary)
    ok = (
        ok
        & (~t["fallback"] | secondary)
        & ~t["chronic"]  # chronic conditions come from the patient's health state
        & (t["female_ok"] if female else t["male_ok"])
        & (t["min_age"] <= year)
        & (t["max_age"] >= year)
    )
    w = np.where(ok, t["weight"], 0.0)
    return w / w.sum()


@pytest.mark.parametrize(
    ("dept", "female", "year", "secondary"),
    [
        ("EMER", False, 40, False),
        ("PEDS", True, 0, False),
        ("OBGY", True, 30, True),
        ("UROL", False, 70, True),
        ("OBGY", False, 30, True),
    ],
)
def test_codes_are_drawn_at_their_weight_among_the_fitting_ones(dept, female, year, secondary):
    ctx = Context(Options(seed=1))
    n = 200_000
    d = np.full(n, dept_index(dept))
    # day 180 of a window starting on 1 January: 30 June, when the season factor is lowest;
    # respiratory codes are set apart by comparing only codes without a winter peak
    got = clinical.pick_codes(
        np.random.default_rng(5),
        d,
        np.full(n, female),
        np.full(n, year + 0.5),
        np.full(n, 180),
        ctx,
        secondary=secondary,
    )
    t = clinical.icd_table()
    expected = _expected(d[0], female, year, secondary)
    assert (expected[got] > 0).all(), "a code that does not fit was drawn"
    plain = ~t["seasonal"]
    freq = np.bincount(got, minlength=len(expected))[plain] / n
    exp = expected[plain] / expected[plain].sum() * freq.sum()
    # each code's share within 4 standard errors of its probability (plus a little slack)
    tolerance = 4 * np.sqrt(exp * (1 - exp) / n) + 2e-4
    assert (np.abs(freq - exp) <= tolerance).all()


def test_a_visit_turning_a_year_older_gets_a_code_fitting_both_ages():
    ctx = Context(Options(seed=1))
    n = 50_000
    got = clinical.pick_codes(
        np.random.default_rng(3),
        np.full(n, dept_index("PEDS")),
        np.zeros(n, bool),
        np.full(n, 0.99),
        np.zeros(n, np.int64),
        ctx,
        age_hi=np.full(n, 1.2),
    )
    t = clinical.icd_table()
    assert (t["max_age"][got] >= 1).all() and (t["min_age"][got] <= 0).all()


@pytest.fixture(scope="module", params=[2026, 5], ids=["seed2026", "seed5"])
def scale_one(request, tmp_path_factory):
    # Parquet: a tenth of the CSV's disk; removed after the module
    out = tmp_path_factory.mktemp(f"breadth{request.param}") / "ehp"
    generate(Options(scale=1.0, seed=request.param, out=out, workers=2, fmt="parquet"))
    con = connect(out, "parquet")
    yield con
    con.close()
    shutil.rmtree(out)


def test_at_least_a_thousand_codes_none_over_five_percent(scale_one):
    assert scalar(scale_one, "select count(distinct diag_icd10_cd) from diag") >= 1000
    top = scalar(
        scale_one,
        "select max(n) / sum(n) from (select count(*) as n from diag group by diag_icd10_cd)",
    )
    assert top < 0.05


def test_the_shared_code_tables_cannot_be_changed_in_place():
    """A caller's ``&=`` on a row of the cached department mask once changed every later
    draw of the process (a generation after that test gave other secondary codes)."""
    t = clinical.icd_table()
    with pytest.raises(ValueError, match="read-only"):
        t["dept_mask"][0] &= False
    plain, _ = clinical._department_sex_codes(True)
    with pytest.raises(ValueError, match="read-only"):
        plain["cdf"][0] = 0.0
