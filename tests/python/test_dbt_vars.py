"""Safe dbt vars: a value that would change the SQL is refused (or quoted), never run.

Each case passes an injection string through one var and checks that dbt fails naming the
var (or, for the path, reads a file of that odd name), and that the statement smuggled in
did not run: no table ``pwned`` exists and no compiled SQL reads ``/etc/hostname``.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from dbt_copy import copy_project, run_dbt, tail

from generator.engine import Options, generate

pytestmark = pytest.mark.slow

PWN = "create table pwned as select 1; --"

# (var, value, what the error must say): a value refused with a message naming the var
REFUSED = [
    ("ehp_raw_schema", f'ehp_raw"; {PWN}', "var ehp_raw_schema must be an identifier"),
    (
        "ehp_as_of_date",
        "2024-12-31' as date), (select content from read_text('/etc/hostname')) --",
        "var ehp_as_of_date must be a date",
    ),
    ("ehp_as_of_date", f"2024-12-31'; {PWN}", "var ehp_as_of_date must be a date"),
    ("ehp_loader", f"duckdb'; {PWN}", "var ehp_loader must be one of seed, duckdb"),
    ("ehp_format", f"csv'); {PWN}", "var ehp_format must be one of csv, parquet"),
    (
        "ehp_column_types",
        {"ehp_dpmt": {f"DPMT_ID) from x; {PWN}": "varchar"}},
        "column names as identifiers",
    ),
    (
        "ehp_column_types",
        {"ehp_dpmt": {"DPMT_ID": f"varchar); {PWN}"}},
        "a type of varchar",
    ),
    ("ehp_column_types", {f'ehp_dpmt"; {PWN}': {"DPMT_ID": "varchar"}}, "a map of table"),
    (
        "ehp_prevalence_severity",
        f"warn'; {PWN}",
        "var ehp_prevalence_severity must be one of error, warn",
    ),
    (
        "ehp_prevalence_sigmas",
        f"50; {PWN}",
        "var ehp_prevalence_sigmas must be a number",
    ),
    ("ehp_raw_path", f"seeds/ehp`; {PWN}", "var ehp_raw_path must be a path without backticks"),
    (
        "ehp_column_types",  # Jinja in a value is never rendered, except the engine-type form
        {"ehp_dpmt": {"DPMT_ID": "{{ run_query('create table pwned as select 1') }}varchar"}},
        "a type of varchar",
    ),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    proj = copy_project(tmp_path_factory.mktemp("vars"))
    generate(Options(scale=0.01, seed=5, out=proj / "seeds" / "ehp", workers=1))
    return proj


def _run_with_var(project: Path, db: Path, var: str, value) -> tuple[int, str]:
    vars_ = {"ehp_loader": "duckdb", var: value}
    if var == "ehp_loader":
        vars_ = {var: value}
    res = run_dbt(
        project, db, "run", "--select", "int_extract_dates_derived", "--vars", json.dumps(vars_)
    )
    return res.returncode, tail(res)


def _no_injected_effect(project: Path, db: Path) -> None:
    if db.exists():
        con = duckdb.connect(str(db), read_only=True)
        names = [
            r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()
        ]
        con.close()
        assert "pwned" not in names
    for sql in (project / "target").rglob("*.sql"):
        assert "/etc/hostname" not in sql.read_text(), sql


@pytest.mark.parametrize(("var", "value", "message"), REFUSED)
def test_an_injection_string_in_a_var_is_refused(project, tmp_path, var, value, message):
    db = tmp_path / "vars.duckdb"
    code, output = _run_with_var(project, db, var, value)
    assert code != 0, output
    assert message in output, output
    _no_injected_effect(project, db)


def test_a_path_var_is_quoted_not_pasted(project, tmp_path):
    """ehp_raw_path may hold any character: it is quoted, so the odd path is only a path."""
    db = tmp_path / "vars.duckdb"
    code, output = _run_with_var(project, db, "ehp_raw_path", f"seeds/ehp/x'); {PWN}")
    assert code != 0
    assert "No files found" in output and f"x'); {PWN}/ehp_" in output, output
    _no_injected_effect(project, db)


def test_valid_vars_build_and_a_staging_folder_is_not_read_as_seeds(project, tmp_path):
    """The controls: an unusual but valid schema name and an as-of date work. And a run
    killed after writing leaves seeds/.ehp.ehp-new-PID/ until the next run: .dbtignore keeps
    dbt from taking its CSVs for a second set of seeds (dbt would refuse to parse)."""
    stage = project / "seeds" / ".ehp.ehp-new-12345"
    stage.mkdir()
    (stage / "ehp_dpmt.csv").write_bytes((project / "seeds" / "ehp" / "ehp_dpmt.csv").read_bytes())
    db = tmp_path / "vars.duckdb"
    vars_ = {"ehp_loader": "duckdb", "ehp_raw_schema": "raw_2", "ehp_as_of_date": "2024-06-30"}
    try:
        res = run_dbt(
            project,
            db,
            "run",
            "--select",
            "+int_extract_dates_derived",
            "--vars",
            json.dumps(vars_),
        )
    finally:
        (stage / "ehp_dpmt.csv").unlink()
        stage.rmdir()
    assert res.returncode == 0, tail(res)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from raw_2.ehp_dpmt").fetchone()[0] > 0
    as_of = con.execute("select as_of_date from intermediate.int_extract_dates_derived").fetchone()
    assert str(as_of[0]) == "2024-06-30"
    con.close()
