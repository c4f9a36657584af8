"""The command line: options, help, summary, manifest (bad input: test_bad_inputs.py;
the commit, kills and the lock: test_commit.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from generator.cli import build_parser
from generator.writer import MANIFEST


def run(
    *args: str, cwd: Path | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def test_every_option_has_help_text():
    for action in build_parser()._actions:
        assert action.help, f"{action.option_strings} has no help"
    out = run("--help").stdout
    for opt in (
        "--scale",
        "--seed",
        "--start-date",
        "--end-date",
        "--out",
        "--quiet",
        "--format",
        "--workers",
        "--scenario",
        "--verify",
    ):
        assert opt in out


def test_quiet_prints_nothing_and_summary_otherwise(tmp_path):
    res = run("--scale", "0.01", "--out", str(tmp_path / "a"), "--quiet")
    assert res.returncode == 0 and res.stdout == "" and res.stderr == ""
    res = run("--scale", "0.01", "--out", str(tmp_path / "b"))
    assert res.returncode == 0
    assert "tables" in res.stdout and "rows" in res.stdout and str(tmp_path / "b") in res.stdout
    assert res.stderr == ""  # no progress display when not on a terminal


def test_manifest_lists_every_file_with_rows_and_hash(tmp_path):
    import hashlib

    out = tmp_path / "o"
    assert run("--scale", "0.01", "--seed", "3", "--out", str(out), "--quiet").returncode == 0
    m = json.loads((out / MANIFEST).read_text())
    assert m["seed"] == 3 and m["scale"] == 0.01 and m["generator_version"]
    assert m["start_date"] == "2023-01-01" and m["end_date"] == "2024-12-31"
    for entry in m["tables"].values():
        data = (out / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert data.count(b"\n") == entry["rows"] + 1
