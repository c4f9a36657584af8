"""Refuse to start dbt on a DuckDB file another program holds open, in one line.

DuckDB lets one process write a database file, and none while another holds it open
(even read-only). dbt would then fail with a long traceback; this check names the
program to close instead:

    python scripts/database_lock.py proactivehealth.duckdb && dbt build

Exit status 0 when the file is free (or does not exist yet), 3 when it is held.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import duckdb

HELD_BY = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
EXIT_LOCKED = 3


def command_line(pid: int) -> str | None:
    """The command line of a running process, from /proc (None where unreadable)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    words = raw.rstrip(b"\0").decode(errors="replace").split("\0")
    text = " ".join(" ".join(words).split())
    return text if len(text) <= 80 else text[:77] + "..."


def holder(error_text: str) -> str:
    """Who holds the lock, as precisely as the error and /proc tell."""
    match = HELD_BY.search(error_text)
    if not match:
        return "another program"
    pid = int(match["pid"])
    return f"process {pid} ({command_line(pid) or match['program']})"


def lock_problem(database: Path) -> str | None:
    """One line saying who holds the database and what to do, or None when it is free."""
    if not database.exists():
        return None
    try:
        duckdb.connect(str(database)).close()
    except duckdb.IOException as error:
        if "lock" not in str(error).lower():
            raise
        return (
            f"{database.name} is open in {holder(str(error))}: close that connection "
            "(a notebook kernel, a Python shell, harlequin, DBeaver...) or stop it, "
            "then run the command again"
        )
    return None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: database_lock.py DATABASE_FILE", file=sys.stderr)
        return 2
    problem = lock_problem(Path(args[0]))
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_LOCKED
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
