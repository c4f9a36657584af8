"""The progress bar on a terminal, the labelled summary, and neither touching the output."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from helpers import assert_same_bytes
from reliability import cli


def run_on_a_terminal(*args: str) -> tuple[int, str]:
    """Run the CLI with stdout on a pseudo-terminal; (exit status, what the terminal got)."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "160", "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", *args], stdout=slave, stderr=subprocess.PIPE, env=env
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    _, err = proc.communicate(timeout=300)
    assert err == b"", err
    return proc.returncode, b"".join(chunks).decode(errors="replace")


def _hashes(out: Path) -> dict[str, str]:
    manifest = json.loads((out / "manifest.json").read_text())
    return {code: t["sha256"] for code, t in manifest["tables"].items()}


def test_a_terminal_gets_a_bar_and_a_summary_and_the_same_bytes(tmp_path):
    code, screen = run_on_a_terminal(
        "--scale", "0.3", "--workers", "2", "--out", str(tmp_path / "tty")
    )
    assert code == 0, screen
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)  # without the terminal's escapes
    assert re.search(r"patients .*\d+%.*\d+/3000 patients", text), text[-2000:]
    assert "rows/s" in text and re.search(r"\d+:\d\d:\d\d", text)  # rate and time left
    for label in ("rows ", "size ", "time ", "run "):
        assert f"\n  {label}" in text.replace("\r", ""), text[-800:]
    assert (
        cli(
            "--scale", "0.3", "--workers", "1", "--out", str(tmp_path / "quiet"), "--quiet"
        ).returncode
        == 0
    )
    assert _hashes(tmp_path / "tty") == _hashes(tmp_path / "quiet")
    for f in (tmp_path / "quiet").iterdir():
        assert_same_bytes((tmp_path / "tty" / f.name).read_bytes(), f.read_bytes(), f.name)


def test_quiet_on_a_terminal_prints_nothing(tmp_path):
    code, screen = run_on_a_terminal("--scale", "0.01", "--out", str(tmp_path / "o"), "--quiet")
    assert code == 0 and screen == ""


def test_not_a_terminal_gets_only_the_summary(tmp_path):
    res = cli("--scale", "0.01", "--out", str(tmp_path / "o"))
    assert res.returncode == 0 and res.stderr == ""
    lines = res.stdout.splitlines()
    assert lines[0] == f"ehp-generate: 22 tables written to {tmp_path / 'o'}"
    assert [line.split()[0] for line in lines[1:]] == ["rows", "size", "time", "run"]
