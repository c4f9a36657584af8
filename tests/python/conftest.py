from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from helpers import ROOT

from generator.engine import Options, generate
from generator.load import connect

# the project's scripts (ERD, conventions, docs, dbt_copy) are importable by the tests
sys.path.insert(0, str(ROOT / "scripts"))
from dbt_copy import copy_project, run_dbt, tail
from known_answers import build_default_marts


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> Path:
    """One generated hospital at a small scale, shared by the read-only tests."""
    out = tmp_path_factory.mktemp("ehp") / "seeds"
    generate(Options(scale=0.2, seed=7, out=out, workers=2))
    return out


@pytest.fixture(scope="session")
def db(small_run):
    con = connect(small_run)
    yield con
    con.close()


@pytest.fixture
def clean_env():
    return {k: v for k, v in os.environ.items() if not k.startswith("EHP_")}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A copy of the dbt project with freshly generated seeds, built by `dbt build`.

    Shared by the end-to-end, conventions, ERD and docs tests (one build per session).
    """
    proj = copy_project(tmp_path_factory.mktemp("project"))
    generate(Options(scale=0.05, seed=123, out=proj / "seeds" / "ehp", workers=2))
    res = run_dbt(proj, proj / "e2e.duckdb", "build")
    if res.returncode != 0:
        pytest.fail("dbt build failed:\n" + tail(res))
    return proj


@pytest.fixture(scope="session")
def default_marts(tmp_path_factory) -> Path:
    """The default dataset (seed 42, scale 0.1) generated into a copy of the project, its
    seeds and models built (no tests). Returns the database; the copy is its folder.
    Shared by the known answers and the figures the pages show."""
    return build_default_marts(tmp_path_factory.mktemp("default_marts"))
