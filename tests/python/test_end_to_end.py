"""End to end: generate a small hospital, then `dbt build` with every dbt test on DuckDB."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from helpers import ROOT

from generator.engine import Options, generate

pytestmark = pytest.mark.slow
PROJECT_FILES = [
    "dbt_project.yml",
    "profiles.yml",
    ".dbtignore",
    "models",
    "macros",
    "tests",
    "seeds/_ehp__seeds.yml",
    "analyses",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A copy of the dbt project with freshly generated seeds, built by `dbt build`."""
    proj = tmp_path_factory.mktemp("project")
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, proj / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif src.exists():
            (proj / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, proj / name)
    generate(Options(scale=0.05, seed=123, out=proj / "seeds" / "ehp", workers=2))
    env = {**os.environ, "DBT_PROFILES_DIR": str(proj), "EHP_DUCKDB_PATH": str(proj / "e2e.duckdb")}
    dbt = Path(sys.executable).with_name("dbt")
    res = subprocess.run(
        [str(dbt), "build", "--project-dir", str(proj)],
        cwd=proj,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if res.returncode != 0:
        pytest.fail("dbt build failed:\n" + res.stdout[-6000:] + res.stderr[-2000:])
    return proj


def test_dbt_build_runs_every_test_and_all_pass(built):
    results = json.loads((built / "target" / "run_results.json").read_text())["results"]
    # dbt build lists exposures (the dashboards reading the marts) as no-ops
    results = [r for r in results if not r["unique_id"].startswith("exposure.")]
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
