"""``ehp-generate`` / ``python -m generator``: parse and validate, then call the engine.

Bad input is refused before anything is written: one line naming the option and what it
accepts, exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from generator import __version__
from generator.engine import Options, generate
from generator.registry import TABLES
from generator.scenario import Scenario


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        self.exit(2, f"ehp-generate: error: {message}\n")


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--scale must be a number greater than 0, got {text!r}"
        ) from None
    if not (value > 0) or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"--scale must be a number greater than 0, got {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--seed must be a whole number >= 0, got {text!r}"
        ) from None
    if value < 0 or value >= 2**63:
        raise argparse.ArgumentTypeError(f"--seed must be a whole number >= 0, got {text!r}")
    return value


def _date(option: str):
    def parse(text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{option} must be a date as YYYY-MM-DD, got {text!r}"
            ) from None

    return parse


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"--workers must be a whole number >= 1, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="ehp-generate",
        description="Generate the 22 raw tables of the ProactiveHealth hospital ERP.",
        allow_abbrev=False,
    )
    p.add_argument(
        "--scale",
        type=_scale,
        default=0.1,
        help="size of the hospital; 1 = 10,000 patients (default: 0.1)",
    )
    p.add_argument(
        "--seed",
        type=_seed,
        default=42,
        help="random seed; the same seed and options give byte-identical files (default: 42)",
    )
    p.add_argument(
        "--start-date",
        type=_date("--start-date"),
        default=date(2023, 1, 1),
        help="first day of the simulated window, YYYY-MM-DD (default: 2023-01-01)",
    )
    p.add_argument(
        "--end-date",
        type=_date("--end-date"),
        default=date(2024, 12, 31),
        help="last day of the window and the extract date, YYYY-MM-DD (default: 2024-12-31)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("seeds/ehp"),
        help="folder the files are written to (default: seeds/ehp)",
    )
    p.add_argument(
        "--format", choices=("csv", "parquet"), default="csv", help="file format (default: csv)"
    )
    p.add_argument(
        "--workers",
        type=_workers,
        default=os.cpu_count() or 1,
        help="parallel workers; the output does not depend on it (default: the number of cores)",
    )
    p.add_argument(
        "--scenario",
        type=Path,
        default=None,
        help="JSON file overriding realism rates of the default scenario (generator/scenario.py)",
    )
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def _check_out(p: argparse.ArgumentParser, out: Path) -> None:
    probe = out
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if out.exists() and not out.is_dir():
        p.error(f"--out must be a folder, but {str(out)!r} is a file")
    if probe.exists() and not probe.is_dir():
        p.error(f"--out must be a folder, but {str(probe)!r} is a file")
    try:  # the real question, also for root: can a file be created there?
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError:
        p.error(f"--out must be a folder you can write to, {str(probe)!r} is not writable")


class _Progress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.rows: dict[str, int] = {}
        self.t0 = time.perf_counter()
        self.last = 0.0

    def __call__(self, code: str, rows: int) -> None:
        self.rows[code] = self.rows.get(code, 0) + rows
        now = time.perf_counter()
        if self.enabled and now - self.last > 0.2:
            self.last = now
            total = sum(self.rows.values())
            rate = total / max(now - self.t0, 1e-9)
            sys.stderr.write(
                f"\r  {code:<5} {self.rows[code]:>12,} rows   all tables {total:>13,} rows"
                f"  {rate:>12,.0f} rows/s"
            )
            sys.stderr.flush()

    def finish(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 90 + "\r")
            elapsed = time.perf_counter() - self.t0
            for code in TABLES:
                if code in self.rows:
                    sys.stderr.write(
                        f"  {code:<5} {TABLES[code].name:<26} {self.rows[code]:>12,} rows\n"
                    )
            sys.stderr.write(
                f"  {'':<32} {sum(self.rows.values()) / max(elapsed, 1e-9):>12,.0f} rows/s\n"
            )


def main(argv: list[str] | None = None) -> int:
    p = build_parser()
    args = p.parse_args(argv)
    if args.end_date < args.start_date:
        p.error(f"--end-date must not be before --start-date ({args.end_date} < {args.start_date})")
    scenario = Scenario()
    if args.scenario is not None:
        try:
            scenario = Scenario.from_file(args.scenario)
        except (OSError, ValueError, TypeError) as exc:
            p.error(f"--scenario must be a readable JSON file of scenario fields: {exc}")
    _check_out(p, args.out)
    opts = Options(
        scale=args.scale,
        seed=args.seed,
        start=args.start_date,
        end=args.end_date,
        out=args.out,
        fmt=args.format,
        workers=args.workers,
        scenario=scenario,
    )
    progress = _Progress(enabled=not args.quiet and sys.stderr.isatty())
    t0 = time.perf_counter()
    try:
        manifest = generate(opts, progress)
    except KeyboardInterrupt:
        sys.stderr.write("\nehp-generate: interrupted; the previous output is unchanged\n")
        return 130
    progress.finish()
    if not args.quiet:
        rows = sum(t["rows"] for t in manifest["tables"].values())
        print(
            f"ehp-generate: {len(manifest['tables'])} tables, {rows:,} rows in "
            f"{time.perf_counter() - t0:.1f} s -> {args.out}/"
        )
    return 0
