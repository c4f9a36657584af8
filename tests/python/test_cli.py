"""The command line: options, help, bad input refused, atomic output."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.cli import build_parser
from generator.writer import MANIFEST, TMP_PREFIX


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
    ):
        assert opt in out


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--scale", "abc"], "--scale"),
        (["--scale", "0"], "--scale"),
        (["--scale", "-1"], "--scale"),
        (["--scale", "nan"], "--scale"),
        (["--seed", "-3"], "--seed"),
        (["--seed", "1.5"], "--seed"),
        (["--start-date", "2023-13-01"], "--start-date"),
        (["--end-date", "yesterday"], "--end-date"),
        (["--start-date", "2024-06-01", "--end-date", "2024-01-01"], "--end-date"),
        (["--workers", "0"], "--workers"),
        (["--format", "xlsx"], "--format"),
        (["--bogus"], "--bogus"),
    ],
)
def test_bad_input_is_refused_with_one_line_and_nothing_written(tmp_path, args, option):
    out = tmp_path / "out"
    res = run(*args, "--out", str(out))
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert option in lines[0]
    assert "Traceback" not in res.stderr
    assert not out.exists()


def test_out_that_is_a_file_is_refused(tmp_path):
    f = tmp_path / "afile"
    f.write_text("x")
    res = run("--out", str(f))
    assert res.returncode == 2 and "--out" in res.stderr and "Traceback" not in res.stderr
    res = run("--out", str(f / "below"))
    assert res.returncode == 2 and "--out" in res.stderr
    assert f.read_text() == "x"


def test_unwritable_out_is_refused(tmp_path):
    # /proc takes no new files, not even from root
    res = run("--out", "/proc/ehp-out")
    assert res.returncode == 2 and "--out" in res.stderr and "not writable" in res.stderr
    assert "Traceback" not in res.stderr


def test_bad_scenario_file_is_refused(tmp_path):
    bad = tmp_path / "s.json"
    bad.write_text('{"no_such_rate": 1}')
    res = run("--scenario", str(bad), "--out", str(tmp_path / "o"))
    assert res.returncode == 2 and "--scenario" in res.stderr and "no_such_rate" in res.stderr


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


def test_a_killed_run_leaves_the_previous_output_intact(tmp_path):
    out = tmp_path / "o"
    assert run("--scale", "0.02", "--out", str(out), "--quiet").returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator",
            "--scale",
            "3",
            "--seed",
            "9",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    # kill it once it has started writing temporary files
    deadline = time.time() + 60
    while time.time() < deadline and not list(out.glob(f"{TMP_PREFIX}*")):
        time.sleep(0.02)
    assert list(out.glob(f"{TMP_PREFIX}*")), "the run never started writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(TMP_PREFIX)}
    assert after == before
    # the next run cleans up what the killed one left
    assert run("--scale", "0.02", "--out", str(out), "--quiet").returncode == 0
    assert not list(out.glob(f"{TMP_PREFIX}*"))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_interrupted_run_removes_its_temporary_files(tmp_path):
    out = tmp_path / "o"
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "--scale", "3", "--out", str(out), "--quiet"],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline and not list(out.glob(f"{TMP_PREFIX}*")):
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "unchanged" in err, err
    assert list(out.iterdir()) == [], err
