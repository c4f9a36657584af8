"""`make sql`: harlequin, in its own venv (.venv-tools/harlequin, installed by `make test`
and `make sql`), opens the database file this project's duckdb writes."""

from __future__ import annotations

import re
import subprocess

import duckdb
import pytest
from helpers import ROOT

HARLEQUIN_PYTHON = ROOT / ".venv-tools" / "harlequin" / "bin" / "python"


def pin(text: str, package: str) -> str:
    return re.search(rf'^\s*"?{package}==([\w.]+)', text, re.M)[1]


def test_harlequin_uses_the_projects_duckdb():
    tools = (ROOT / "tools" / "harlequin.txt").read_text()
    project = (ROOT / "pyproject.toml").read_text()
    assert pin(tools, "duckdb") == pin(project, "duckdb") == duckdb.__version__


@pytest.mark.slow
def test_harlequin_reads_a_database_this_duckdb_wrote(tmp_path):
    if not HARLEQUIN_PYTHON.exists():
        pytest.fail("harlequin is not installed: make .venv-tools/harlequin/.installed")
    database = tmp_path / "written.duckdb"
    con = duckdb.connect(str(database))
    con.execute("create schema marts; create table marts.t as select 42 as answer")
    con.close()
    script = (
        "import sys; from harlequin_duckdb import DuckDbAdapter;"
        " conn = DuckDbAdapter((sys.argv[1],), read_only=True, no_init=True).connect();"
        " print(conn.execute('select answer from marts.t').fetchall().to_pylist())"
    )
    res = subprocess.run(
        [str(HARLEQUIN_PYTHON), "-c", script, str(database)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip() == "[{'answer': 42}]"
