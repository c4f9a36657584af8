"""Every input of a run checked before anything is written: one line per refusal.

The limits live here, stated once, and every refusal names the option and the limit.
``check_run`` is the one place the CLI's parsed options become a checked run; the parsers
(``scale``, ``seed``, ``day``, ``workers``) are argparse types.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

from generator import people
from generator.core import REFERENCE_EPOCHS, Context, Options, epochs_covering
from generator.folder import foreign_entries
from generator.scenario import Scenario

SCALE_MIN = 0.01  # 100 patients: fewer can leave a block without any visit
SCALE_MAX = 100.0  # 1,000,000 patients, about 23 GB of CSV
SEED_MAX = 2**63 - 1
WORKERS_MAX = 32  # each worker holds up to two blocks in memory
PARTS_MAX = 1_000  # one block of patients a part at scale 20
YEAR_MIN, YEAR_MAX = 1900, 2100
WINDOW_MIN_DAYS = 90  # a quarter: shorter windows can leave a block without any visit
WINDOW_MAX_DAYS = 3_653  # ten years
NAME_MAX = 255  # bytes per path component (Linux)
PATH_MAX = 4_095
# Output size, CSV (Parquet is smaller): measured at scales 0.1 to 10 over two years
BYTES_PER_PATIENT_DAY = 34
BYTES_PER_DAY_FIXED = 32_000  # daily inventory and other tables that do not grow with scale
SPACE_MARGIN = 1.25


class InputError(ValueError):
    """A refused input; the message is the whole line to show."""


def _type_error(message: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(message)


def scale(text: str) -> float:
    message = f"--scale must be a number from {SCALE_MIN:g} to {SCALE_MAX:g}, got {text!r}"
    try:
        value = float(text)
    except ValueError:
        raise _type_error(message) from None
    if not (math.isfinite(value) and SCALE_MIN <= value <= SCALE_MAX):
        raise _type_error(message)
    return value


def seed(text: str) -> int:
    message = f"--seed must be a whole number from 0 to {SEED_MAX}, got {text!r}"
    try:
        value = int(text)
    except ValueError:
        raise _type_error(message) from None
    if not 0 <= value <= SEED_MAX:
        raise _type_error(message)
    return value


def day(option: str):
    def parse(text: str) -> date:
        try:
            value = date.fromisoformat(text)
        except ValueError:
            raise _type_error(f"{option} must be a date as YYYY-MM-DD, got {text!r}") from None
        if len(text) != 10 or not YEAR_MIN <= value.year <= YEAR_MAX:
            raise _type_error(
                f"{option} must be a date YYYY-MM-DD from {YEAR_MIN}-01-01 to "
                f"{YEAR_MAX}-12-31, got {text!r}"
            )
        return value

    return parse


def _whole_number(text: str, message: str, lo: int, hi: int | None) -> int:
    """``text`` as a whole number from ``lo`` to ``hi`` (no upper bound when None)."""
    try:
        value = int(text)
    except ValueError:
        raise _type_error(message) from None
    if value < lo or (hi is not None and value > hi):
        raise _type_error(message)
    return value


def workers(text: str) -> int:
    message = f"--workers must be a whole number from 1 to {WORKERS_MAX}, got {text!r}"
    return _whole_number(text, message, 1, WORKERS_MAX)


def parts(text: str) -> int:
    message = f"--parts must be a whole number from 1 to {PARTS_MAX}, got {text!r}"
    return _whole_number(text, message, 1, PARTS_MAX)


def part(text: str) -> int:
    # its upper bound, --parts, is checked with the other options (check_parts)
    message = f"--part must be a whole number from 1 to --parts, got {text!r}"
    return _whole_number(text, message, 1, None)


def check_parts(parts_: int, part_: int, fmt: str) -> None:
    """A split run writes part ``part_`` of ``parts_``; CSV parts concatenate, Parquet's
    do not."""
    if part_ > parts_:
        raise InputError(f"--part must be from 1 to --parts ({parts_}), got {part_}")
    if parts_ > 1 and fmt != "csv":
        raise InputError("--parts needs --format csv: CSV parts concatenate to one file")


def default_workers() -> int:
    return max(1, min(WORKERS_MAX, os.cpu_count() or 1))


def check_window(start: date, end: date) -> None:
    days = (end - start).days + 1
    if days < 1:
        raise InputError(f"--end-date must not be before --start-date ({end} < {start})")
    if not WINDOW_MIN_DAYS <= days <= WINDOW_MAX_DAYS:
        raise InputError(
            f"--start-date to --end-date must span {WINDOW_MIN_DAYS} to {WINDOW_MAX_DAYS} "
            f"days, got {days} ({start} to {end})"
        )


def check_patients(scale_: float, start: date, end: date, scenario: Scenario) -> None:
    """A run longer than the reference epochs registers new patients every year; their
    indexes must stay below the identifiers' limit (``people.SSN_LIMIT``)."""
    ctx = Context(Options(scale=scale_, start=start, end=end, scenario=scenario))
    try:
        people.cohort_index(ctx, ctx.n_blocks - 1, ctx.epochs - 1)
    except ValueError:
        raise InputError(
            f"--scale {scale_:g} from {start} to {end} registers more than "
            f"{people.SSN_LIMIT:,} patients, the identifiers' limit: choose a shorter window "
            "or a smaller scale"
        ) from None


def check_changes(since: date | None, start: date, end: date) -> None:
    """A change extract covers (since, end]: ``since`` from the first day to the day
    before the last."""
    if since is None:
        return
    if since >= end:
        raise InputError(f"--changes-since must be before --end-date ({since} >= {end})")
    if since < start:
        raise InputError(
            f"--changes-since must not be before --start-date ({since} < {start}): "
            "there is no extract as of that day to apply the changes to"
        )
    before, after = (max(REFERENCE_EPOCHS, epochs_covering(start, d)) for d in (since, end))
    if before != after:
        raise InputError(
            f"--changes-since {since} and --end-date {end} must fall in the same simulated "
            f"years ({before} and {after} years from --start-date): extracts that simulate "
            'different years are not yet prefixes of each other (docs/engine.md, "Time")'
        )


def check_out(text: str) -> Path:
    """The output folder, resolved (symlinks followed); InputError if it cannot be one."""
    if not text.strip():
        raise InputError("--out must name a folder, got an empty name")
    if "\0" in text:
        raise InputError("--out must not contain a NUL character")
    if len(os.fsencode(text)) > PATH_MAX:
        raise InputError(f"--out is longer than {PATH_MAX} bytes")
    for part in Path(text).parts:
        if len(os.fsencode(part)) > NAME_MAX:
            raise InputError(f"--out has a name longer than {NAME_MAX} bytes: {part[:40]!r}...")
    _refuse_bad_links(Path(text))
    try:
        out = Path(text).resolve()
    except (RuntimeError, OSError) as exc:  # a symlink loop further down
        raise InputError(f"--out {text!r} cannot be resolved (a symlink loop?): {exc}") from None
    _refuse_unusable(out, text)
    foreign = foreign_entries(out)
    if foreign:
        raise InputError(
            f"--out {text!r} holds {foreign[0]!r}, which ehp-generate did not write; give a "
            "new or empty folder, or one it wrote before (the whole folder is replaced)"
        )
    return out


def _refuse_bad_links(path: Path) -> None:
    """A symlink on the way to --out that leads nowhere, or in a loop, is refused."""
    probe = Path(path.anchor) if path.is_absolute() else Path()
    for part in path.parts[1:] if path.is_absolute() else path.parts:
        probe = probe / part
        if not (probe.is_symlink() and not probe.exists()):
            continue
        try:
            probe.resolve(strict=True)
        except RuntimeError:
            raise InputError(f"--out: {str(probe)!r} is a symlink loop") from None
        except OSError:
            pass
        raise InputError(
            f"--out: {str(probe)!r} is a symlink to {str(probe.readlink())!r}, which does not exist"
        )


def _refuse_unusable(out: Path, text: str) -> None:
    if out.exists() and not out.is_dir():
        raise InputError(f"--out must be a folder, but {text!r} is a file")
    if out.parent == out or (out.is_dir() and os.path.ismount(out)):
        raise InputError(
            f"--out {text!r} is a mount point; the output is switched in by a rename in "
            "its parent folder, so give a folder inside it"
        )
    probe = out.parent
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise InputError(f"--out must be a folder, but {str(probe)!r} is a file")
    try:  # the real question, also for root: can a file be created there?
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError:
        raise InputError(
            f"--out must be a folder you can write to, {str(probe)!r} is not writable"
        ) from None


def estimated_bytes(scale_: float, start: date, end: date) -> int:
    """About how many bytes a CSV run writes (Parquet writes less)."""
    days = (end - start).days + 1
    patients = max(1, round(10_000 * scale_))
    return int(days * (BYTES_PER_PATIENT_DAY * patients + BYTES_PER_DAY_FIXED))


def check_space(out: Path, needed: int) -> None:
    probe = out.parent
    while not probe.exists():
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    if free < needed * SPACE_MARGIN:
        raise InputError(
            f"not enough free space for --out {str(out)!r}: the run needs about "
            f"{_mib(needed * SPACE_MARGIN)}, {_mib(free)} are free"
        )


def _mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"
