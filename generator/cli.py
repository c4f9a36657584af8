"""``ehp-generate`` / ``python -m generator``: parse and validate, then call the engine.

Bad input is refused before anything is written: one line naming the option and what it
accepts, exit status 2 (generator/validate.py). A run ends with one line whatever happens:
exit 0 (done), 1 (the disk or the file system failed; the folder is unchanged), 2 (refused,
or another run holds the folder), 130 / 143 (Ctrl-C / SIGTERM). ``--verify DIR`` checks a
folder against its manifest (generator/verify.py).
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import signal
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from generator import __version__, defects, interrupts, validate, verify
from generator.engine import Options, generate
from generator.folder import FolderError, SwitchFailed
from generator.progress import Progress, summary
from generator.scenario import Scenario

DEFECTS_HELP = (
    "dirty data on purpose: none, light, realistic, heavy or a JSON file of rates per defect "
    "type; each defect is logged in defects.csv (docs/defects.md; default: none)"
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, no usage dump
        message = re.sub(r"^argument [^:]+: (?=--)", "", message)  # our messages name it
        self.exit(2, f"ehp-generate: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="ehp-generate",
        description="Generate the 22 raw tables of the ProactiveHealth hospital ERP.",
        allow_abbrev=False,
    )
    p.add_argument(
        "--scale",
        type=validate.scale,
        default=0.1,
        help="size of the hospital, 0.01 to 100; 1 = 10,000 patients (default: 0.1)",
    )
    p.add_argument(
        "--seed",
        type=validate.seed,
        default=42,
        help="random seed; the same seed and options give byte-identical files (default: 42)",
    )
    _window_options(p)
    p.add_argument(
        "--out",
        default="seeds/ehp",
        help="folder the files are written to; the whole folder is replaced (default: seeds/ehp)",
    )
    p.add_argument(
        "--format", choices=("csv", "parquet"), default="csv", help="file format (default: csv)"
    )
    p.add_argument(
        "--workers",
        type=validate.workers,
        default=validate.default_workers(),
        help="parallel workers, 1 to 32; the output does not depend on it (default: the number "
        "of cores)",
    )
    p.add_argument(
        "--parts",
        type=validate.parts,
        default=1,
        help="split the patients into this many parts, 1 to 1,000, for as many machines; "
        "the parts' CSV files concatenated in order (the header once) are the single run's "
        "(default: 1)",
    )
    p.add_argument(
        "--part",
        type=validate.part,
        default=1,
        help="which part to write, 1 to --parts; part 1 also writes the hospital-wide tables "
        "(default: 1)",
    )
    p.add_argument(
        "--scenario",
        metavar="FILE",
        default=None,
        help="JSON file overriding realism rates of the default scenario (generator/scenario.py)",
    )
    p.add_argument("--defects", metavar="PROFILE", default="none", help=DEFECTS_HELP)
    p.add_argument(
        "--verify",
        metavar="DIR",
        default=None,
        help="check the files in DIR against its manifest.json and exit (0: all match, "
        "1: the file named differs)",
    )
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def _window_options(p: argparse.ArgumentParser) -> None:
    """The simulated window, and the change extract's first day."""
    p.add_argument(
        "--start-date",
        type=validate.day("--start-date"),
        default=date(2023, 1, 1),
        help="first day of the simulated window, YYYY-MM-DD (default: 2023-01-01)",
    )
    p.add_argument(
        "--end-date",
        type=validate.day("--end-date"),
        default=date(2024, 12, 31),
        help="last day of the window and the extract date, YYYY-MM-DD (default: 2024-12-31)",
    )
    p.add_argument(
        "--changes-since",
        type=validate.day("--changes-since"),
        default=None,
        metavar="DAY",
        help="a change extract: only the rows created or changed after DAY through --end-date, "
        "all their columns as of --end-date (docs/feed.md; default: every row)",
    )


def checked_options(p: argparse.ArgumentParser, args: argparse.Namespace) -> Options:
    """Every input checked, in the order a user would fix them; exits 2 on the first refusal."""
    try:
        validate.check_window(args.start_date, args.end_date)
        validate.check_changes(args.changes_since, args.start_date, args.end_date)
        validate.check_parts(args.parts, args.part, args.format)
        scenario = _scenario(args.scenario)
        validate.check_patients(args.scale, args.start_date, args.end_date, scenario)
        dirty = _defects(args.defects, args.format)
        if dirty is not None and args.changes_since is not None and args.parts > 1:
            raise validate.InputError(
                "--defects with --changes-since writes one part: drop --parts (its defects.csv "
                "logs the late stock counts after every block)"
            )
        out = validate.check_out(args.out)
        validate.check_space(
            out, validate.estimated_bytes(args.scale, args.start_date, args.end_date)
        )
    except validate.InputError as exc:
        p.error(str(exc))
    return Options(
        scale=args.scale,
        seed=args.seed,
        start=args.start_date,
        end=args.end_date,
        out=out,
        fmt=args.format,
        workers=args.workers,
        scenario=scenario,
        parts=args.parts,
        part=args.part,
        defects=dirty,
        changes_since=args.changes_since,
    )


def _defects(text: str, fmt: str) -> defects.Profile | None:
    try:
        chosen = defects.profile(text)
    except ValueError as exc:
        raise validate.InputError(str(exc)) from None
    if chosen is not None and fmt != "csv":
        raise validate.InputError("--defects needs --format csv: a dirty date column is text")
    return chosen


def _scenario(path: str | None) -> Scenario:
    if path is None:
        return Scenario()
    try:
        return Scenario.from_file(Path(path))
    except OSError as exc:
        raise validate.InputError(f"--scenario {path!r} cannot be read: {exc.strerror}") from None
    except ValueError as exc:
        raise validate.InputError(f"--scenario {path!r}: {exc}") from None


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"ehp-generate: error: {message}\n")
    return code


def _disk_message(exc: OSError, out: Path) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk is full while writing {out}; it still holds the previous output"
    return f"{exc.strerror or exc} ({exc.filename or out}); {out} still holds the previous output"


def _interrupted(signum: int, out: Path, committed: bool) -> int:
    name = signal.Signals(signum).name
    if committed:
        sys.stderr.write(
            f"ehp-generate: {name} received; the new output was already complete in {out}\n"
        )
    else:
        sys.stderr.write(f"ehp-generate: stopped by {name}; {out} is unchanged\n")
    return 128 + signum


def say(text: str) -> None:
    """Print to stdout; a closed or broken stdout never fails a run that has committed."""
    try:
        if sys.stdout is not None:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()
    except (OSError, ValueError):
        _silence_stdout()


def _silence_stdout() -> None:
    # the interpreter flushes stdout again at exit: point it at /dev/null first
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        sys.stdout = None  # type: ignore[assignment]


def run(opts: Options, quiet: bool) -> tuple[int, dict[str, Any] | None]:
    """Generate with a progress bar; (exit status, manifest if committed)."""
    progress = Progress(opts, enabled=not quiet and bool(sys.stdout) and sys.stdout.isatty())
    try:
        with progress:
            manifest = generate(opts, progress)
    except interrupts.Interrupted as exc:
        return _interrupted(exc.signum, opts.out, committed=False), None
    except SwitchFailed as exc:
        return _fail(str(exc), 1), None
    except FolderError as exc:  # FolderBusy, or a folder that changed since the checks
        return _fail(str(exc), 2), None
    except OSError as exc:
        return _fail(_disk_message(exc, opts.out), 1), None
    except Exception as exc:  # a bug: one line, the folder unchanged, the trace on request
        if os.environ.get("EHP_TRACEBACK"):
            raise
        return _fail(
            f"internal error {type(exc).__name__}: {' '.join(str(exc).split())}; "
            f"{opts.out} is unchanged "
            "(EHP_TRACEBACK=1 shows where; please report it)",
            1,
        ), None
    signum = interrupts.requested()
    if signum is not None:
        return _interrupted(signum, opts.out, committed=True), manifest
    return 0, manifest


def main(argv: list[str] | None = None) -> int:
    interrupts.install()
    p = build_parser()
    args = p.parse_args(argv)
    if args.verify is not None:
        return verify.main(args.verify, say)
    opts = checked_options(p, args)
    t0 = time.perf_counter()
    code, manifest = run(opts, args.quiet)
    if manifest is not None and not args.quiet:
        say(summary(manifest, opts, args.out, time.perf_counter() - t0))
    return code
