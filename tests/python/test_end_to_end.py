"""End to end: generate a small hospital, then `dbt build` with every dbt test on DuckDB."""

from __future__ import annotations

import json

import duckdb
import pytest

pytestmark = pytest.mark.slow


def test_dbt_build_runs_every_test_and_all_pass(built):
    results = json.loads((built / "target" / "run_results.json").read_text())["results"]
    # dbt build lists exposures (the dashboards reading the marts) and saved queries as no-ops
    results = [r for r in results if not r["unique_id"].startswith(("exposure.", "saved_query."))]
    statuses = {r["status"] for r in results}
    assert statuses <= {"success", "pass"}, [
        r for r in results if r["status"] not in ("success", "pass")
    ][:5]
    tests = [r for r in results if r["unique_id"].startswith("test.")]
    seeds = [r for r in results if r["unique_id"].startswith("seed.")]
    assert len(seeds) == 22
    assert len(tests) >= 400


def test_no_dbt_warnings(built):
    log = (built / "logs" / "dbt.log").read_text()
    warnings = [
        line for line in log.splitlines() if "[warn" in line.lower() or "deprecat" in line.lower()
    ]
    assert not warnings, warnings[:5]


def test_dbt_ignores_the_python_tests(built):
    manifest = json.loads((built / "target" / "manifest.json").read_text())
    paths = [n.get("original_file_path", "") for n in manifest["nodes"].values()]
    assert not [p for p in paths if p.startswith("tests/python")]


def test_every_built_column_is_documented(built):
    manifest = json.loads((built / "target" / "manifest.json").read_text())
    con = duckdb.connect(str(built / "e2e.duckdb"), read_only=True)
    try:
        for node in manifest["nodes"].values():
            if node["resource_type"] != "model":
                continue
            actual = [
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ?"
                    " order by ordinal_position",
                    [node["schema"], node["alias"]],
                ).fetchall()
            ]
            assert actual, node["name"]
            documented = node["columns"]
            assert set(actual) == set(documented), (node["name"], set(actual) ^ set(documented))
            assert node["description"].startswith("One row per"), node["name"]
            for name, col in documented.items():
                assert col["description"].strip(), f"{node['name']}.{name}"
    finally:
        con.close()
