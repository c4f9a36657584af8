"""Build the dbt project somewhere else: a copy of its files, and dbt run against a chosen
DuckDB file. Used by the tests, the known answers and the benchmark, so that none of them
touches the checkout's own seeds, database or target/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# what a copy needs to parse and build (generated seeds are written into it afterwards)
PROJECT_FILES = [
    "dbt_project.yml",
    "profiles.yml",
    ".dbtignore",
    "models",
    "macros",
    "tests",
    "seeds/_ehp__seeds.yml",
    "analyses",
    "snapshots",
]


def copy_project(dest: Path) -> Path:
    """Copy the project's dbt files into ``dest`` (created if needed); returns ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif src.exists():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, dest / name)
    return dest


def dbt_command(proj: Path, *args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("dbt")), *args, "--project-dir", str(proj)]


def dbt_env(proj: Path, db: Path) -> dict[str, str]:
    return {**os.environ, "DBT_PROFILES_DIR": str(proj), "EHP_DUCKDB_PATH": str(db)}


def run_dbt(proj: Path, db: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run dbt in the copy at ``proj`` against the database file ``db``."""
    return subprocess.run(
        dbt_command(proj, *args),
        cwd=proj,
        env=dbt_env(proj, db),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def tail(res: subprocess.CompletedProcess) -> str:
    """The end of a failed dbt run's output, enough to see what failed."""
    return res.stdout[-6000:] + res.stderr[-2000:]
