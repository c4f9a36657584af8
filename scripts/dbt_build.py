"""`make build`'s dbt step: build only what changed since the last successful build.

After a `dbt build` that passed, a stamp (target/last-build/stamp.json, with a copy of
that build's manifest) records what it was built from: the hash of every dbt project
file, the dataset's manifest, the dbt arguments and the database file's size and time.
The next run compares and says what it does:

- nothing changed: no dbt at all (about a second);
- only project files changed (a model, a test, a macro): `dbt build --select
  state:modified+`, the changed nodes and everything downstream, built and tested;
- the data, the arguments or the database changed, or there is no stamp: `dbt build`.

    python scripts/dbt_build.py [--force] [-- extra dbt build arguments]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from database_lock import EXIT_LOCKED, lock_problem  # noqa: E402

STATE_DIR = Path("target") / "last-build"
STAMP = STATE_DIR / "stamp.json"
PROJECT_FILES = ["dbt_project.yml", "profiles.yml", ".dbtignore", "seeds/_ehp__seeds.yml"]
PROJECT_FOLDERS = ["models", "macros", "tests", "analyses", "snapshots"]
SKIPPED_FOLDERS = {"python", "__pycache__", "known_answers"}


def database_path() -> Path:
    return Path(os.environ.get("EHP_DUCKDB_PATH") or "proactivehealth.duckdb")


def project_hashes() -> dict[str, str]:
    """sha256 of every file dbt reads to parse the project, by path."""
    paths = [Path(name) for name in PROJECT_FILES if Path(name).is_file()]
    for folder in PROJECT_FOLDERS:
        paths += [
            path
            for path in Path(folder).rglob("*")
            if path.is_file() and not SKIPPED_FOLDERS & set(path.parts)
        ]
    return {
        path.as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(paths)
    }


def database_state(database: Path) -> dict | None:
    if not database.exists():
        return None
    stat = database.stat()
    return {"path": str(database.resolve()), "bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def current_stamp(dbt_args: list[str], data_manifest: Path) -> dict:
    data = data_manifest.read_bytes() if data_manifest.exists() else b""
    return {
        "project": project_hashes(),
        "data": hashlib.sha256(data).hexdigest(),
        "dbt_args": dbt_args,
        "database": database_state(database_path()),
    }


def plan(previous: dict | None, now: dict) -> tuple[str, str]:
    """("skip" | "modified" | "full", the reason in words)."""
    if previous is None:
        return "full", "no earlier successful build recorded"
    if now["database"] is None:
        return "full", f"{database_path()} does not exist"
    for key, words in (
        ("data", "the dataset changed"),
        ("dbt_args", "other dbt arguments"),
        ("database", f"{database_path()} was changed by another command"),
    ):
        if previous.get(key) != now[key]:
            return "full", words
    changed = sorted(
        path
        for path in previous["project"].keys() | now["project"].keys()
        if previous["project"].get(path) != now["project"].get(path)
    )
    if not changed:
        return "skip", "nothing changed since the last successful build"
    shown = ", ".join(changed[:4]) + (f" and {len(changed) - 4} more" if len(changed) > 4 else "")
    return "modified", f"changed since the last successful build: {shown}"


def dbt(*args: str) -> int:
    return subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), *args], check=False
    ).returncode


def record_success(dbt_args: list[str], data_manifest: Path) -> None:
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path("target") / "manifest.json", STATE_DIR / "manifest.json")
    STAMP.write_text(json.dumps(current_stamp(dbt_args, data_manifest), indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="run the whole dbt build")
    parser.add_argument("--data-manifest", type=Path, default=Path("seeds/ehp/manifest.json"))
    parser.add_argument("dbt_args", nargs="*", help="extra arguments for dbt build")
    args = parser.parse_args(argv)

    previous = json.loads(STAMP.read_text()) if STAMP.exists() and not args.force else None
    mode, reason = plan(previous, current_stamp(args.dbt_args, args.data_manifest))
    if args.force:
        reason = "asked to (FORCE=1)"
    if mode == "skip":
        print(f"dbt build skipped: {reason} (every model built, every test passed).")
        print("  `make build FORCE=1` runs it all again.")
        return 0
    problem = lock_problem(database_path())
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_LOCKED
    selection = ["--select", "state:modified+", "--state", str(STATE_DIR)] * (mode == "modified")
    what = "changed nodes and their descendants" if mode == "modified" else "everything"
    print(f"dbt build ({what}): {reason}")
    status = dbt("build", *selection, *args.dbt_args)
    if status == 0:
        record_success(args.dbt_args, args.data_manifest)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
