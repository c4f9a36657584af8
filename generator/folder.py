"""The output folder: one run at a time, and switched whole from the old output to the new.

A run writes its files into a staging folder beside the output folder
(``.NAME.ehp-new-PID``), then swaps the two with one ``renameat2(RENAME_EXCHANGE)``
system call: at every instant ``NAME`` is the complete old output or the complete new one.
Where the file system cannot exchange, two renames are used (``NAME`` -> ``.NAME.ehp-old-PID``,
staging -> ``NAME``), undone at once if the second fails, and rolled back by the next run if a
kill falls between them (then, for that instant, ``NAME`` is missing, never mixed).

A lock file beside the folder (``.NAME.ehp-lock``, ``flock``) admits one run at a time;
the kernel releases it when the run ends, however it ends.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import re
import shutil
import sys
import time
from pathlib import Path

from generator import interrupts

MANIFEST = "manifest.json"
LOCK_SUFFIX = ".ehp-lock"
NEW_MARK = ".ehp-new-"
OLD_MARK = ".ehp-old-"
LEGACY_TMP = ".ehp-tmp-"  # temporary files of earlier versions, inside the folder
OUR_FILE = re.compile(r"manifest\.json|defects\.csv|ehp_[a-z]+\.(csv|parquet)")
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class FolderError(Exception):
    """The output folder cannot be used as asked; the message says why, in one line."""


class FolderBusy(FolderError):
    """Another run holds the folder's lock."""


class SwitchFailed(FolderError):
    """The switch to the new output failed; the folder still holds the previous output."""


def sibling(folder: Path, mark: str) -> Path:
    return folder.parent / f".{folder.name}{mark}"


def lock_path(folder: Path) -> Path:
    return sibling(folder, LOCK_SUFFIX)


class FolderLock:
    """An exclusive, non-blocking ``flock`` on the lock file beside ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = lock_path(folder)
        self.fd: int | None = None

    def acquire(self) -> None:
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise FolderBusy(
                f"another ehp-generate (pid {holder}) is writing {self.folder}; "
                "try again when it has finished"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def foreign_entries(folder: Path) -> list[str]:
    """Entries of ``folder`` that a run would not carry over: anything that is neither an
    output file of ours nor a hidden regular file (such as Makefile's ``.generate-args``)."""
    if not folder.is_dir():
        return []
    found = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        is_file = entry.is_file(follow_symlinks=False)
        ours = OUR_FILE.fullmatch(entry.name) or entry.name.startswith(LEGACY_TMP)
        if not (is_file and (ours or entry.name.startswith("."))):
            found.append(entry.name)
    return found


def carry_over(folder: Path, stage: Path) -> None:
    """The old folder's permissions and hidden files (not ours; hard links) go into the new
    one too."""
    if not folder.is_dir():
        return
    shutil.copymode(folder, stage)
    for entry in os.scandir(folder):
        if (
            entry.name.startswith(".")
            and not entry.name.startswith(LEGACY_TMP)
            and entry.is_file(follow_symlinks=False)
        ):
            try:
                os.link(entry.path, stage / entry.name)
            except OSError:
                shutil.copy2(entry.path, stage / entry.name)


def recover(folder: Path) -> None:
    """Undo what a killed run left (call under the lock): roll back a half-done two-rename
    switch, remove staging folders and old temporary files."""
    parent = folder.parent
    if not parent.is_dir():
        return
    for old in sorted(parent.glob(f".{glob_escape(folder.name)}{OLD_MARK}*")):
        if not folder.exists():
            old.rename(folder)
        else:
            shutil.rmtree(old, ignore_errors=True)
    for stage in parent.glob(f".{glob_escape(folder.name)}{NEW_MARK}*"):
        shutil.rmtree(stage, ignore_errors=True)
    if folder.is_dir():
        for stale in folder.glob(f"{LEGACY_TMP}*"):
            with contextlib.suppress(OSError):
                stale.unlink()


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


class ExchangeUnsupported(OSError):
    pass


def exchange(a: Path, b: Path) -> None:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE)."""
    if os.environ.get("EHP_TEST_NO_EXCHANGE"):
        raise ExchangeUnsupported("exchange disabled for a test")
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        raise ExchangeUnsupported("no renameat2")
    res = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if res != 0:
        err = ctypes.get_errno()
        if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise ExchangeUnsupported(os.strerror(err))
        raise OSError(err, os.strerror(err), str(b))


def switch(stage: Path, folder: Path) -> Path | None:
    """Make ``stage`` the folder; returns where the old output now is (None: there was none).

    Raises SwitchFailed, with the folder as it was, if the file system refuses."""
    try:
        if not folder.exists():
            stage.rename(folder)
            return None
        try:
            exchange(stage, folder)
            return stage
        except ExchangeUnsupported:
            return _switch_by_two_renames(stage, folder)
    except OSError as exc:
        raise SwitchFailed(
            f"could not switch {folder} to the new output ({exc.strerror or exc}); "
            "it still holds the previous output"
        ) from None


def _switch_by_two_renames(stage: Path, folder: Path) -> Path:
    old = sibling(folder, f"{OLD_MARK}{os.getpid()}")
    folder.rename(old)
    pause_for_test("between-renames")
    try:
        stage.rename(folder)
    except BaseException:
        old.rename(folder)
        raise
    return old


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def pause_for_test(step: str) -> None:
    """Test hook: with EHP_TEST_PAUSE_AT=step, say so on stderr and wait for a signal here."""
    if os.environ.get("EHP_TEST_PAUSE_AT") != step:
        return
    sys.stderr.write(f"ehp-generate: test pause at {step}\n")
    sys.stderr.flush()
    while interrupts.requested() is None:
        time.sleep(0.02)
    interrupts.check()
