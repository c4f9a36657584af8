"""Small helpers shared by the tests (importable because pytest puts this folder on sys.path)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def scalar(con, sql: str):
    return con.execute(sql).fetchone()[0]


# dbt_project.yml names the string type once for every engine (the `&string` anchor);
# the generator's time of day (APPT_STRT_TM) is a string there too (Spark has no time)
DBT_STRING_TYPE = "{{ {'postgres': 'text', 'spark': 'string'}.get(target.type, 'varchar') }}"


def dbt_seed_type(sql_type: str) -> str:
    """How dbt_project.yml declares a column of the registry's ``sql_type``."""
    return DBT_STRING_TYPE if sql_type in ("varchar", "time") else sql_type


def duckdb_seed_type(sql_type: str) -> str:
    """The DuckDB type a seed or loader column of the registry's ``sql_type`` gets."""
    return "VARCHAR" if sql_type in ("varchar", "time") else sql_type.upper()


def assert_same_bytes(got: bytes, want: bytes, name: str = "") -> None:
    """``got == want``, failing with a few lines (sizes, the first line that differs)
    instead of pytest's diff of two whole files, which takes half an hour on megabytes."""
    if got == want:
        return
    n = min(len(got), len(want))
    a = np.frombuffer(got, np.uint8, n)
    b = np.frombuffer(want, np.uint8, n)
    unequal = np.flatnonzero(a != b)
    at = int(unequal[0]) if len(unequal) else n
    start = got.rfind(b"\n", 0, at) + 1
    line = got.count(b"\n", 0, at) + 1

    def line_at(data: bytes) -> bytes:
        end = data.find(b"\n", start)
        return data[start : end if end >= 0 else len(data)][:300]

    raise AssertionError(
        f"{name}: {len(got):,} bytes, expected {len(want):,}; first difference on line "
        f"{line}:\n  got:  {line_at(got)!r}\n  want: {line_at(want)!r}"
    )
