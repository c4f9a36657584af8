"""Small helpers shared by the tests (importable because pytest puts this folder on sys.path)."""

from __future__ import annotations

from pathlib import Path

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
