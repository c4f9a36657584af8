"""The commit: the output folder holds the whole old output or the whole new one at every
instant, whatever kills the run and wherever; one run per folder; signals end with one line;
a broken stdout never fails a committed run; a full disk leaves the old output."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability import SMALL, cli, one_clean_line, snapshot, start, wait_for_line

from generator import cli as cli_module
from generator import folder as outdir
from generator import validate
from generator.verify import file_problem, read_manifest


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("template") / "out"
    assert cli(*SMALL, "--seed", "1", "--out", str(out), "--quiet").returncode == 0
    (out / ".generate-args").write_text("kept\n")
    return out


@pytest.fixture
def previous(template, tmp_path) -> Path:
    out = tmp_path / "work" / "out"
    shutil.copytree(template, out)
    return out


@pytest.fixture
def own_signals():
    """cli.main installs its signal handlers: give pytest its own back afterwards."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


def complete_output(out: Path) -> int:
    """The seed of the complete output in ``out`` (every file matches its manifest)."""
    entries = read_manifest(out)
    assert len(entries) == 22
    for name, entry in entries.items():
        assert file_problem(out / name, entry) is None
    names = {p.name for p in out.iterdir()}
    assert names == {*entries, "manifest.json", ".generate-args"}, names
    return json.loads((out / "manifest.json").read_text())["seed"]


def leftovers(out: Path) -> list[str]:
    return sorted(
        p.name
        for p in out.parent.iterdir()
        if p.name.startswith(f".{out.name}.ehp-") and not p.name.endswith("lock")
    )


# (where the run is stopped, the signal, what the folder must then hold, exit status)
KILLS = [
    ("before-switch", signal.SIGKILL, "old", -9),
    ("before-switch", signal.SIGTERM, "old", 143),
    ("before-switch", signal.SIGINT, "old", 130),
    ("after-switch", signal.SIGKILL, "new", -9),
    ("after-switch", signal.SIGTERM, "new", 143),
    ("after-switch", signal.SIGINT, "new", 130),
    ("between-renames", signal.SIGKILL, "old after recovery", -9),
    ("between-renames", signal.SIGTERM, "new", 143),
    ("between-renames", signal.SIGINT, "new", 130),
]


@pytest.mark.parametrize(
    ("step", "sig", "holds", "code"), KILLS, ids=[f"{k[0]}-{k[1].name}" for k in KILLS]
)
def test_a_kill_inside_the_commit_leaves_old_or_new(previous, step, sig, holds, code):
    old = snapshot(previous)
    env = {"EHP_TEST_PAUSE_AT": step}
    if step == "between-renames":  # the two-rename switch, for file systems without exchange
        env["EHP_TEST_NO_EXCHANGE"] = "1"
    proc = start(*SMALL, "--seed", "2", "--out", str(previous), "--quiet", env=env)
    wait_for_line(proc, f"test pause at {step}")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    if sig != signal.SIGKILL:
        line = err.strip().splitlines()[-1]
        assert len(err.strip().splitlines()) == 1, err  # after the test pause line: one line
        assert signal.Signals(sig).name in line
        assert ("unchanged" in line) == (holds == "old"), line
    if holds == "old":
        assert snapshot(previous) == old
    elif holds == "new":
        assert complete_output(previous) == 2
    else:  # killed between the two renames: the folder is missing, the old one beside it
        assert not previous.exists() and leftovers(previous)
        outdir.recover(previous)
        assert snapshot(previous) == old
    if sig == signal.SIGKILL:  # the next run clears what the killed one left and commits
        assert cli(*SMALL, "--seed", "3", "--out", str(previous), "--quiet").returncode == 0
        assert complete_output(previous) == 3 and leftovers(previous) == []
    else:
        assert leftovers(previous) == []


def test_the_new_folder_keeps_the_old_ones_permissions(previous):
    previous.chmod(0o750)
    assert cli(*SMALL, "--seed", "2", "--out", str(previous), "--quiet").returncode == 0
    assert complete_output(previous) == 2
    assert previous.stat().st_mode & 0o777 == 0o750


def test_next_run_rolls_back_a_switch_killed_between_renames(previous):
    old = snapshot(previous)
    env = {"EHP_TEST_PAUSE_AT": "between-renames", "EHP_TEST_NO_EXCHANGE": "1"}
    proc = start(*SMALL, "--seed", "2", "--out", str(previous), "--quiet", env=env)
    wait_for_line(proc, "test pause at between-renames")
    proc.kill()
    proc.communicate()
    # the next run is stopped before its own switch: the folder is the old output again
    proc = start(
        *SMALL,
        "--seed",
        "3",
        "--out",
        str(previous),
        "--quiet",
        env={"EHP_TEST_PAUSE_AT": "before-switch"},
    )
    wait_for_line(proc, "test pause at before-switch")
    assert snapshot(previous) == old
    proc.kill()
    proc.communicate()


@pytest.mark.parametrize("delay", [0.0, 0.4, 0.9, 1.5])
def test_kills_at_any_time_of_the_writing_leave_old_or_new(previous, delay):
    old = snapshot(previous)
    proc = start(
        "--scale", "0.3", "--seed", "2", "--workers", "2", "--out", str(previous), "--quiet"
    )
    deadline = time.time() + 60
    while time.time() < deadline and not leftovers(previous) and proc.poll() is None:
        time.sleep(0.01)
    time.sleep(delay)
    proc.kill()
    proc.communicate()
    now = snapshot(previous)
    assert now == old or complete_output(previous) == 2


def test_a_switch_refused_by_the_file_system_leaves_the_old_output(
    previous, monkeypatch, capsys, own_signals
):
    def refuse(a, b):
        raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(b))

    monkeypatch.setattr(outdir, "exchange", refuse)
    old = snapshot(previous)
    assert cli_module.main([*SMALL, "--seed", "2", "--out", str(previous), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "could not switch" in err and "still holds the previous output" in err
    assert len(err.strip().splitlines()) == 1
    assert snapshot(previous) == old and leftovers(previous) == []


def test_a_failed_second_rename_is_undone(previous, monkeypatch, capsys, own_signals):
    """Without exchange: folder -> old, then stage -> folder fails: old is put back."""
    real_rename = Path.rename

    def rename(self, target):
        if outdir.NEW_MARK in self.name:
            raise OSError(errno.EIO, "simulated failure", str(self))
        return real_rename(self, target)

    monkeypatch.setenv("EHP_TEST_NO_EXCHANGE", "1")
    monkeypatch.setattr(Path, "rename", rename)
    old = snapshot(previous)
    assert cli_module.main([*SMALL, "--seed", "2", "--out", str(previous), "--quiet"]) == 1
    assert "could not switch" in capsys.readouterr().err
    assert snapshot(previous) == old and leftovers(previous) == []


def test_an_immutable_folder_keeps_its_output(previous):
    if subprocess.run(["chattr", "+i", str(previous)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not allowed here (needs root and CAP_LINUX_IMMUTABLE)")
    try:
        old = snapshot(previous)
        res = cli(*SMALL, "--seed", "2", "--out", str(previous), "--quiet")
        assert res.returncode == 1, res.stderr
        assert "still holds the previous output" in one_clean_line(res)
        assert snapshot(previous) == old and leftovers(previous) == []
    finally:
        subprocess.run(["chattr", "-i", str(previous)], check=True)


def test_a_second_run_into_the_same_folder_is_refused(previous):
    old = snapshot(previous)
    first = start(
        *SMALL,
        "--seed",
        "2",
        "--out",
        str(previous),
        "--quiet",
        env={"EHP_TEST_PAUSE_AT": "before-switch"},
    )
    wait_for_line(first, "test pause at before-switch")
    second = cli(*SMALL, "--seed", "3", "--out", str(previous), "--quiet")
    assert second.returncode == 2
    line = one_clean_line(second)
    assert f"another ehp-generate (pid {first.pid}) is writing" in line
    assert leftovers(previous) == [f".out.ehp-new-{first.pid}"], (
        "the second run touched the first's files"
    )
    first.send_signal(signal.SIGTERM)
    _, err = first.communicate(timeout=60)
    assert first.returncode == 143 and "unchanged" in err
    assert snapshot(previous) == old
    assert cli(*SMALL, "--seed", "3", "--out", str(previous), "--quiet").returncode == 0


def test_two_runs_started_together_one_wins_one_is_refused(previous):
    procs = [
        start(
            "--scale", "0.2", "--seed", str(s), "--workers", "1", "--out", str(previous), "--quiet"
        )
        for s in (5, 6)
    ]
    results = [(p.wait(timeout=300), p.communicate()[1]) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    refused = next(err for code, err in results if code == 2)
    assert "another ehp-generate" in refused
    winner = next(s for (code, _), s in zip(results, (5, 6), strict=True) if code == 0)
    assert complete_output(previous) == winner


@pytest.mark.parametrize("stdout", ["closed pipe", "closed descriptor", "/dev/full"])
def test_a_broken_stdout_never_fails_a_committed_run(tmp_path, stdout):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "generator", *SMALL, "--out", str(out)]
    if stdout == "closed pipe":
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdout.close()
        err = proc.communicate(timeout=120)[1].decode()
        code = proc.returncode
    else:
        with Path(os.devnull if stdout == "closed descriptor" else stdout).open("wb") as sink:
            kwargs = (
                {"preexec_fn": lambda: os.close(1)}
                if stdout == "closed descriptor"
                else {"stdout": sink}
            )
            res = subprocess.run(cmd, stderr=subprocess.PIPE, timeout=120, **kwargs)
        code, err = res.returncode, res.stderr.decode()
    assert code == 0, err
    assert err == ""
    assert complete_output_or_plain(out)


def complete_output_or_plain(out: Path) -> bool:
    entries = read_manifest(out)
    return all(file_problem(out / n, e) is None for n, e in entries.items())


def test_ctrl_c_in_a_parquet_run_says_one_line(previous):
    old = snapshot(previous)
    proc = start(
        "--scale", "1", "--format", "parquet", "--workers", "2", "--out", str(previous), "--quiet"
    )
    deadline = time.time() + 60
    while time.time() < deadline and not any(
        list((previous.parent / n).glob("*.parquet")) for n in leftovers(previous)
    ):
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert err.strip() == f"ehp-generate: stopped by SIGINT; {previous} is unchanged"
    assert snapshot(previous) == old and leftovers(previous) == []


@pytest.fixture
def small_disk(tmp_path):
    """A 24 MiB tmpfs, if this machine lets the tests mount one."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    res = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mnt)],
        capture_output=True,
        text=True,
    )
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {res.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_disk_too_small_is_refused_before_writing(small_disk):
    out = small_disk / "out"
    res = cli("--scale", "0.1", "--out", str(out))
    assert res.returncode == 2
    assert "not enough free space" in one_clean_line(res)
    assert list(small_disk.iterdir()) == []


def test_a_disk_that_fills_up_leaves_the_old_output(small_disk, monkeypatch, capsys, own_signals):
    out = small_disk / "out"
    assert (
        cli_module.main(
            ["--scale", "0.01", "--start-date", "2024-01-01", "--out", str(out), "--quiet"]
        )
        == 0
    )
    old = snapshot(out)
    monkeypatch.setattr(validate, "estimated_bytes", lambda *a: 1)  # pretend it fits
    assert cli_module.main([*SMALL, "--seed", "2", "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert (
        err.strip()
        == f"ehp-generate: error: the disk is full while writing {out}; it still holds the previous output"
    )
    assert snapshot(out) == old and leftovers(out) == []


def test_a_bug_in_the_simulation_ends_with_one_line_and_the_old_output(
    previous, monkeypatch, capsys, own_signals
):
    from generator import engine

    def broken(ctx, block, state):
        raise IndexError("boolean index did not match\nindexed array")

    monkeypatch.setattr(engine, "block_steps", lambda: [("PATN", broken)])
    old = snapshot(previous)
    assert cli_module.main([*SMALL, "--seed", "2", "--out", str(previous), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "ehp-generate: error: internal error IndexError: boolean index did not match indexed array;"
    )
    assert len(err.strip().splitlines()) == 1 and "EHP_TRACEBACK=1" in err
    assert snapshot(previous) == old and leftovers(previous) == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_the_generator_starts_up_is_one_line(previous, sig):
    """During the imports (NumPy, pyarrow, rich) the handlers are already in place."""
    old = snapshot(previous)
    proc = start(*SMALL, "--seed", "2", "--out", str(previous), "--quiet")
    time.sleep(0.3)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig, err
    assert err.strip() == f"ehp-generate: stopped by {sig.name}; {previous} is unchanged"
    assert snapshot(previous) == old and leftovers(previous) == []
