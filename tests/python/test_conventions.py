"""The project's conventions (scripts/check_conventions.py) hold on the built manifest,
and each rule fails, naming file and line, on a copy of the project with bad models."""

from __future__ import annotations

from pathlib import Path

import check_conventions
import dbt_manifest as dm
import pytest
from dbt_copy import copy_project, run_dbt

pytestmark = pytest.mark.slow

BAD_MODELS = {
    # two raw tables, a join and an aggregate in staging; no YAML at all
    "models/staging/ehp/stg_ehp__zzz.sql": """\
select
    p.patn_id,
    count(*) as visit_count
from {{ ehp_source('patn') }} as p
inner join {{ ehp_source('vist') }} as v on p.patn_id = v.patn_id
group by p.patn_id
""",
    "models/staging/ehp/staging_patients.sql": "select * from {{ ehp_source('patn') }}\n",
    "models/intermediate/core/int_patients_from_marts.sql": (
        "select patient_id from {{ ref('dim_patients') }}\n"
    ),
    "models/marts/core/patient_summary.sql": (
        "{{ config(contract={'enforced': false}) }}\nselect 1 as patient_count\n"
    ),
}


def test_the_built_project_follows_its_conventions(built):
    problems = check_conventions.check(dm.load(built / "target" / "manifest.json"))
    assert not problems, "\n" + "\n".join(map(str, problems))


@pytest.fixture(scope="module")
def bad_project(tmp_path_factory) -> Path:
    proj = copy_project(tmp_path_factory.mktemp("bad"))
    for name, sql in BAD_MODELS.items():
        (proj / name).write_text(sql)
    res = run_dbt(proj, proj / "x.duckdb", "parse", "--vars", "{ehp_loader: duckdb}", timeout=300)
    assert res.returncode == 0, res.stdout[-3000:]
    return proj


def test_each_rule_fails_with_file_and_line(bad_project):
    problems = check_conventions.check(
        dm.load(bad_project / "target" / "manifest.json"), bad_project
    )
    found = {(p.path, p.line, p.rule) for p in problems}
    staging = "models/staging/ehp/stg_ehp__zzz.sql"
    expected = {
        (staging, 1, "documented"),
        (staging, 1, "primary-key"),
        (staging, 4, "staging-source"),
        (staging, 5, "staging-sql"),  # the join
        (staging, 6, "staging-sql"),  # the group by
        (staging, 3, "staging-sql"),  # count(
        ("models/staging/ehp/staging_patients.sql", 1, "naming"),
        ("models/intermediate/core/int_patients_from_marts.sql", 1, "layers"),
        ("models/marts/core/patient_summary.sql", 1, "naming"),
        ("models/marts/core/patient_summary.sql", 1, "contract"),
    }
    assert expected <= found, "\n".join(map(str, problems))
    assert {p.path for p in problems} == {name for name in BAD_MODELS}, "\n".join(
        map(str, problems)
    )


def test_an_undocumented_column_points_to_its_yaml_line(bad_project):
    manifest = dm.load(bad_project / "target" / "manifest.json")
    node = manifest["nodes"]["model.proactivehealth.stg_ehp__patn"]
    column = next(iter(node["columns"]))
    node["columns"][column]["description"] = ""
    problems = [p for p in check_conventions.check(manifest, bad_project) if p.rule == "documented"]
    yml = "models/staging/ehp/_ehp__models.yml"
    hit = [p for p in problems if p.path == yml]
    assert len(hit) == 1, problems
    lines = (bad_project / yml).read_text().splitlines()
    assert lines[hit[0].line - 1].strip() == f"- name: {column}"


def test_an_engine_specific_type_name_fails_where_it_is_written(tmp_path):
    """docs/engines.md: a bare `double`, `varchar` or `time`, or dbt.datediff, in SQL,
    a contract or a seed's column types fails the `portable` rule at its line."""
    proj = copy_project(tmp_path / "portable")
    (proj / "models" / "marts" / "core" / "bad.sql").write_text(
        "select\n    cast(1 as double) as x,  -- as time, in a comment: fine\n"
        "    cast('a' as varchar) as y,\n    cast('a' as varchar(20)) as ok,\n"
        "    {{ dbt.datediff('a', 'b', 'day') }} as z\n"
    )
    yml = proj / "models" / "marts" / "core" / "_core__models.yml"
    text = yml.read_text()
    string = (
        "data_type: \"{{ {'postgres': 'text', 'spark': 'string'}.get(target.type, 'varchar') }}\""
    )
    assert string in text
    yml.write_text(text.replace(string, "data_type: varchar", 1))
    yml_line = text[: text.index(string)].count("\n") + 1
    project = proj / "dbt_project.yml"
    text = project.read_text()
    project.write_text(text.replace("APPT_BKD_TS: timestamp", "APPT_BKD_TS: time", 1))
    seed_line = text[: text.index("APPT_BKD_TS: timestamp")].count("\n") + 1

    checker = check_conventions.Checker({"nodes": {}}, proj)
    checker.portable()
    found = {(p.path, p.line) for p in checker.problems if p.rule == "portable"}
    bad = "models/marts/core/bad.sql"
    assert found == {
        (bad, 2),
        (bad, 3),
        (bad, 5),
        ("models/marts/core/_core__models.yml", yml_line),
        ("dbt_project.yml", seed_line),
    }


def test_the_project_names_no_engine_specific_type():
    checker = check_conventions.Checker({"nodes": {}})
    checker.portable()
    assert not checker.problems, "\n".join(map(str, checker.problems))
