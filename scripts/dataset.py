"""Make sure the seeds folder holds the dataset `make build` was asked for, and say so.

Compares what was asked (scale, seed, dates, the default scenario, the generator's version
and the hash of its code) with the folder's manifest.json, not with file timestamps, and
regenerates when anything differs, saying what it found:

    python scripts/dataset.py --scale 0.1 --seed 42 --out seeds/ehp [--force]

Bad input is refused by ehp-generate itself (one line, exit 2).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator import __version__  # noqa: E402
from generator.scenario import Scenario  # noqa: E402

DEFAULT_START, DEFAULT_END = "2023-01-01", "2024-12-31"
# the hash of the generator's code the data was made with, beside the manifest
CODE_STAMP = ".generator-code"


def generator_code_hash() -> str:
    """sha256 over the generator's sources and reference data, in a stable order."""
    digest = hashlib.sha256()
    package = ROOT / "generator"
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.csv")]):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def wanted_options(args: argparse.Namespace) -> dict:
    return {
        "scale": float(args.scale),
        "seed": int(args.seed),
        "start_date": args.start_date,
        "end_date": args.end_date,
        "format": "csv",
        # as the manifest stores it (JSON: tuples become lists)
        "scenario": json.loads(json.dumps(dataclasses.asdict(Scenario()))),
        "generator_version": __version__,
    }


def describe(options: dict) -> str:
    text = f"scale {options['scale']:g}, seed {options['seed']}"
    if (options["start_date"], options["end_date"]) != (DEFAULT_START, DEFAULT_END):
        text += f", {options['start_date']} to {options['end_date']}"
    return text


def differences(found: dict, wanted: dict) -> list[str]:
    """What the manifest says that differs from what was asked, in words."""
    labels = {
        "scale": "scale",
        "seed": "seed",
        "start_date": "start date",
        "end_date": "end date",
        "format": "format",
        "generator_version": "generator version",
    }
    diffs = [
        f"{label} {found.get(key)} instead of {wanted[key]}"
        for key, label in labels.items()
        if found.get(key) != wanted[key]
    ]
    if found.get("scenario") != wanted["scenario"]:
        diffs.append("a custom --scenario instead of the default")
    if found.get("defects"):  # written by --defects: dirty data on purpose
        diffs.append(f"defects ({found['defects'].get('profile')}) instead of clean data")
    return diffs


def reason_to_generate(out: Path, wanted: dict, code_hash: str) -> str | None:
    """Why the folder must be (re)generated, or None when it already holds the dataset."""
    manifest = out / "manifest.json"
    if not manifest.exists():
        return f"{out} holds no dataset yet"
    try:
        found = json.loads(manifest.read_text())
    except (OSError, ValueError):
        return f"{manifest} cannot be read"
    diffs = differences(found, wanted)
    if diffs:
        return f"{out} holds another dataset ({', '.join(diffs)})"
    tables = found.get("tables") or {}
    changed = [entry["file"] for entry in tables.values() if not _file_matches(out, entry)]
    if changed or not tables:
        listed = ", ".join(changed[:3]) or "no table listed"
        return f"files of {out} are missing or differ from its manifest ({listed})"
    stamp = out / CODE_STAMP
    if not stamp.exists() or stamp.read_text().strip() != code_hash:
        return "the generator's code changed since it was written"
    return None


def _file_matches(out: Path, entry: dict) -> bool:
    """The file is there with the size the manifest recorded (a cheap check, no hashing)."""
    path = out / entry.get("file", "")
    return path.is_file() and path.stat().st_size == entry.get("bytes")


def generate(args: argparse.Namespace, code_hash: str) -> int:
    command = [
        str(Path(sys.executable).with_name("ehp-generate")),
        *("--scale", str(args.scale), "--seed", str(args.seed), "--out", str(args.out)),
        *("--start-date", args.start_date, "--end-date", args.end_date),
    ]
    status = subprocess.run(command, check=False).returncode
    if status == 0:
        (args.out / CODE_STAMP).write_text(code_hash + "\n")
    return status


def _plausible(args: argparse.Namespace) -> bool:
    try:
        return float(args.scale) > 0 and int(args.seed) >= 0
    except ValueError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="0.1")
    parser.add_argument("--seed", default="42")
    parser.add_argument("--start-date", default=DEFAULT_START)
    parser.add_argument("--end-date", default=DEFAULT_END)
    parser.add_argument("--out", type=Path, default=Path("seeds/ehp"))
    parser.add_argument("--force", action="store_true", help="regenerate in any case")
    args = parser.parse_args(argv)
    if not _plausible(args):  # ehp-generate words the error (one line, exit 2)
        return generate(args, "")
    wanted = wanted_options(args)
    code_hash = generator_code_hash()
    reason = "asked to (make generate)" if args.force else None
    reason = reason or reason_to_generate(args.out, wanted, code_hash)
    if reason is None:
        print(f"{args.out}: the dataset asked for ({describe(wanted)}), already generated")
        return 0
    print(f"{args.out}: generating {describe(wanted)}: {reason}")
    return generate(args, code_hash)


if __name__ == "__main__":
    raise SystemExit(main())
