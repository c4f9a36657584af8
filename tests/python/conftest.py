from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

from generator.engine import Options, generate
from generator.load import connect

# the project's scripts (ERD, conventions, docs) are importable by the tests
sys.path.insert(0, str(ROOT / "scripts"))


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


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A copy of the dbt project with freshly generated seeds, built by `dbt build`.

    Shared by the end-to-end, conventions, ERD and docs tests (one build per session).
    """
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
