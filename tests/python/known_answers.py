"""Known answers: headline figures of the default dataset (seed 42, scale 0.1).

Like TPC-H's query answers, a small committed JSON file holds what the marts
say about the default hospital; `test_known_answers.py` rebuilds the marts
and compares. A change in the generator or in mart logic then shows up as a
reviewed diff of that file. Regenerate it with `make answers`
(`python tests/python/known_answers.py --write`).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT, ROOT / "scripts"):  # run as a script from anywhere
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from dbt_copy import copy_project, run_dbt, tail  # noqa: E402

from generator.engine import Options, generate  # noqa: E402

SEED = 42
SCALE = 0.1
ANSWERS_FILE = ROOT / "tests" / "known_answers" / "default_seed42_scale0.1.json"

# figure name -> (SQL over the marts, digits kept; None for exact values)
FIGURES: dict[str, tuple[str, int | None]] = {
    "as_of_date": (
        "select cast(max(as_of_date) as varchar) from marts.fct_ar_aging",
        None,
    ),
    "visits": ("select count(*) from marts.fct_visits", None),
    "discharged_inpatient_stays": (
        "select count(*) from marts.fct_visits where is_inpatient and is_discharged",
        None,
    ),
    "average_length_of_stay_days": (
        "select avg(length_of_stay_days) from marts.fct_visits"
        " where is_inpatient and is_discharged",
        3,
    ),
    "readmission_rate_30_day": (
        "select avg(case when is_readmitted_within_30_days then 1.0 else 0 end)"
        " from marts.fct_visits where is_readmission_index_stay",
        4,
    ),
    "no_show_rate": (
        "select avg(case when is_no_show then 1.0 else 0 end)"
        " from marts.fct_appointments where is_outcome_known",
        4,
    ),
    "cancellation_rate": (
        "select avg(case when is_cancelled then 1.0 else 0 end)"
        " from marts.fct_appointments where is_outcome_known",
        4,
    ),
    "bed_occupancy": (
        "select sum(occupied_bed_count) * 1.0 / sum(bed_count)"
        " from marts.fct_department_census_daily",
        4,
    ),
    "gross_charges_amount": ("select sum(total_charge_amount) from marts.fct_bills", 2),
    "collections_amount": ("select sum(payment_amount) from marts.fct_payments", 2),
    "ar_balance_amount": ("select sum(balance_amount) from marts.fct_ar_aging", 2),
    "written_off_amount": ("select sum(written_off_amount) from marts.fct_bills", 2),
    "vendor_spend_amount": ("select sum(invoice_amount) from marts.fct_vendor_invoices", 2),
    "patient_conditions": ("select count(*) from marts.fct_patient_conditions", None),
    "type2_diabetes_patients": (
        "select count(*) from marts.fct_patient_conditions where condition_key = 'type2_diabetes'",
        None,
    ),
    "given_doses_with_indication": (
        "select count(*) from marts.fct_medication_administrations"
        " where is_given and has_indication",
        None,
    ),
    "stock_out_days": (
        "select count(*) from marts.fct_inventory_daily where is_stock_out",
        None,
    ),
}


def build_default_marts(workdir: Path) -> Path:
    """Generate the default dataset into a copy of the project, load it and build
    the models (no tests: the end-to-end test runs them). Returns the database."""
    copy_project(workdir)
    generate(Options(scale=SCALE, seed=SEED, out=workdir / "seeds" / "ehp", workers=2))
    db = workdir / "known_answers.duckdb"
    for command in ("seed", "run"):
        res = run_dbt(workdir, db, command)
        if res.returncode != 0:
            raise RuntimeError(f"dbt {command} failed:\n{tail(res)}")
    return db


def _rounded(value, digits: int | None):
    if value is None or digits is None:
        return value
    # Decimal keeps money exact; floats are rounded half-even like Decimal
    return float(round(Decimal(str(value)), digits))


def compute(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            name: _rounded(con.execute(sql).fetchone()[0], digits)
            for name, (sql, digits) in FIGURES.items()
        }
    finally:
        con.close()


def answers_document(figures: dict) -> dict:
    return {
        "dataset": {"seed": SEED, "scale": SCALE},
        "regenerate_with": "make answers",
        "figures": figures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write",
        action="store_true",
        help=f"write the figures to {ANSWERS_FILE.relative_to(ROOT)} (default: print them)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ehp-answers-") as tmp:
        figures = compute(build_default_marts(Path(tmp)))
    text = json.dumps(answers_document(figures), indent=2) + "\n"
    if args.write:
        ANSWERS_FILE.parent.mkdir(parents=True, exist_ok=True)
        ANSWERS_FILE.write_text(text)
        print(f"wrote {ANSWERS_FILE.relative_to(ROOT)}")
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
