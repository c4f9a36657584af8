"""Every model with logic of its own has a dbt unit test, so the gap cannot reopen.

The rule (docs/dbt_project.md, "Unit tests"): a model has logic when its SQL, comments
left out, joins, aggregates (group by, count, sum, min, max, avg), uses a window
(over, qualify), combines or deduplicates rows (union, distinct), filters (where),
decides with a searched CASE (`case when ...`), computes with dates (the project's date
macros and dbt's), or is incremental (`is_incremental()`, or `ehp_feed_incremental()` for
the facts incremental in the daily feed only). Renaming, casting and decoding a code to its label
(`case code when 'X' then 'label'`, as the staging models do) is not logic: the staging
models' tests check their values. Unit tests are found in the models' YAML files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from helpers import ROOT

MODELS = ROOT / "models"

COMMENTS = re.compile(r"--[^\n]*|\{#.*?#\}", re.S)
LOGIC = {
    "join": r"\bjoin\b",
    "aggregate": r"\bgroup\s+by\b|\b(count|sum|min|max|avg)\s*\(",
    "window": r"\bover\s*\(|\bqualify\b",
    "set operation": r"\bunion\b|\bdistinct\b",
    "filter": r"\bwhere\b",
    "searched case": r"\bcase\s+when\b",
    "date arithmetic": (
        r"\b(ehp_datediff|age_in_years|date_spine|day_of_week)\s*\("
        r"|\bdbt\.(dateadd|datediff|date_trunc|last_day)\b"
    ),
    "incremental": r"\b(is_incremental|ehp_feed_incremental)\s*\(",
}


def logic_in(sql: str) -> list[str]:
    """The kinds of logic a model's SQL has (none: it renames, casts or decodes)."""
    code = COMMENTS.sub(" ", sql).lower()
    return [kind for kind, pattern in LOGIC.items() if re.search(pattern, code)]


def models_with_logic(models: Path = MODELS) -> dict[str, list[str]]:
    """Each model whose SQL has logic, with the kinds found."""
    found = {path.stem: logic_in(path.read_text()) for path in sorted(models.rglob("*.sql"))}
    return {name: kinds for name, kinds in found.items() if kinds}


def unit_tests(models: Path = MODELS) -> list[dict]:
    """Every `unit_tests:` entry in the project's YAML files."""
    found = []
    for path in sorted(models.rglob("*.yml")):
        text = path.read_text()
        if "unit_tests:" in text:
            found += (yaml.safe_load(text) or {}).get("unit_tests") or []
    return found


def unit_tested_models(models: Path = MODELS) -> set[str]:
    """The models that at least one unit test tests."""
    return {test["model"] for test in unit_tests(models)}


def test_every_model_with_logic_has_a_unit_test():
    tested = unit_tested_models()
    missing = {name: kinds for name, kinds in models_with_logic().items() if name not in tested}
    assert not missing, (
        "models with logic but no dbt unit test (add one to the _<area>__unit_tests.yml"
        f" beside them, see docs/dbt_project.md): {missing}"
    )


def test_unit_tests_name_existing_models():
    names = {path.stem for path in MODELS.rglob("*.sql")}
    assert unit_tested_models() <= names


def test_unit_test_names_fit_postgres():
    """dbt names a relation after each unit test: Postgres refuses names over 63 bytes."""
    too_long = [test["name"] for test in unit_tests() if len(test["name"]) > 63]
    assert not too_long


def test_the_rule_finds_the_logic_of_the_marts_and_none_in_staging():
    with_logic = models_with_logic()
    assert not [name for name in with_logic if name.startswith("stg_")]
    assert {"fct_provider_utilization_monthly", "fct_department_census_daily"} <= set(with_logic)
    assert "date arithmetic" in with_logic["int_dates_spined"]
    assert "fct_appointments" not in with_logic  # a selection of int_appointments_flagged


@pytest.mark.parametrize(
    ("sql", "kinds"),
    [
        ("select a as b, cast(c as date) as d from {{ ref('x') }}", []),
        ("select case code when 'F' then 'female' else code end as sex from t", []),
        ("-- no join here\nselect a {# , count(*) #} from t", []),
        ("select t.a from t left join u on t.k = u.k", ["join"]),
        ("select k, count(*) as n from t group by k", ["aggregate"]),
        ("select max(d) as last_date from t", ["aggregate"]),
        ("select row_number() over (partition by k order by d) as r from t", ["window"]),
        ("select distinct k from t", ["set operation"]),
        ("select a from t where is_active", ["filter"]),
        ("select case when a < 18 then 'child' end as band from t", ["searched case"]),
        ("select {{ ehp_datediff('a', 'b', 'day') }} as days from t", ["date arithmetic"]),
        ("select {{ dbt.date_trunc('month', 'd') }} as m from t", ["date arithmetic"]),
        ("select * from t {% if is_incremental() %} {% endif %}", ["incremental"]),
    ],
)
def test_the_rule_tells_logic_from_renaming(sql, kinds):
    assert logic_in(sql) == kinds


def test_a_model_with_logic_and_no_unit_test_is_reported(tmp_path):
    (tmp_path / "marts").mkdir()
    (tmp_path / "marts" / "fct_a.sql").write_text("select k, count(*) as n from t group by k")
    (tmp_path / "marts" / "fct_b.sql").write_text("select a from t inner join u on t.k = u.k")
    (tmp_path / "marts" / "dim_c.sql").write_text("select a as b from t")
    (tmp_path / "marts" / "_unit_tests.yml").write_text(
        "unit_tests:\n  - {name: t, model: fct_a, given: [], expect: {rows: []}}\n"
    )
    untested = set(models_with_logic(tmp_path)) - unit_tested_models(tmp_path)
    assert untested == {"fct_b"}
