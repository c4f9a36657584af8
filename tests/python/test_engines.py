"""One project, three engines: the default hospital (seed 42, scale 0.1) loaded by each
engine's own loader and built with `dbt build` on Postgres and on a local Spark session
gives the same marts as DuckDB, row for row, and the same known answers.

The engines are started here and stopped after (scripts/engines.py; Debian's
postgresql and Java are installed when missing, as `make build-postgres` does).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import duckdb
import engines
import pytest
from known_answers import ANSWERS_FILE, FIGURES, compute

pytestmark = pytest.mark.slow

# on Spark every query costs about half a second whatever the size: the generic tests of
# the staging layer (half of all tests, the raw data engine-independent and checked by
# DuckDB) are left out there, and the calendar's unit test (370 expected rows: 85 s on
# Spark; dim_dates, built from that calendar, is compared row for row below); its models,
# the other unit tests, singular and mart tests all run
SPARK_CI_EXCLUDE = (
    "--exclude",
    "path:models/staging,test_type:generic",
    "test_date_spine_from_new_year_to_a_year_after_as_of",
)
SECONDS: dict[str, float] = {}


def mart_tables(con) -> dict[str, list[tuple[str, str]]]:
    """Each mart of the DuckDB reference, with its columns and their types."""
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns"
        " where table_schema = 'marts' order by table_name, ordinal_position"
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


@pytest.fixture(scope="module")
def reference(default_marts) -> dict[str, list[tuple[str, str]]]:
    con = duckdb.connect(str(default_marts), read_only=True)
    try:
        return mart_tables(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def workdir(default_marts) -> Path:
    """Where the servers may read: the project's temp area (Postgres's COPY runs as the
    `postgres` user, who cannot enter pytest's private temporary folders)."""
    folder = engines.shared_folder("test")
    shutil.copytree(default_marts.parent / "seeds" / "ehp", folder / "raw")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def build(engine: str, project: Path, raw: Path, env: dict[str, str], *args: str) -> None:
    started = time.monotonic()
    engines.dbt_build(engine, project, raw, env, *args)
    SECONDS[engine] = time.monotonic() - started
    print(f"\n{engine}: dbt build {SECONDS[engine]:.0f} s")


def copy_into_duckdb(db: Path, reference: dict, reader) -> Path:
    """A DuckDB file with schema marts, each mart read by ``reader(table)`` (a DuckDB
    table expression of text or typed columns) and cast to the reference's types."""
    con = duckdb.connect(str(db))
    con.execute("create schema marts")
    for table, columns in reference.items():
        select = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in columns)
        con.execute(f"create table marts.{table} as select {select} from {reader(table)}")
    con.close()
    return db


@pytest.fixture(scope="module")
def postgres_db(default_marts, workdir, reference) -> Path:
    import psycopg2

    project = default_marts.parent
    server = engines.Postgres(workdir / "postgres", port=55439)
    server.start()
    try:
        build("postgres", project, workdir / "raw", server.env())
        connection = psycopg2.connect(
            host="127.0.0.1", port=server.port, user="postgres", dbname=server.database
        )
        for table in reference:
            with (workdir / f"{table}.csv").open("w") as out, connection.cursor() as cur:
                cur.copy_expert(f"copy marts.{table} to stdout with (format csv, header)", out)
        connection.close()
    finally:
        server.stop()

    def reader(table: str) -> str:
        return f"read_csv('{workdir / table}.csv', header = true, all_varchar = true)"

    return copy_into_duckdb(workdir / "postgres.duckdb", reference, reader)


@pytest.fixture(scope="module")
def spark_db(default_marts, workdir, reference) -> Path:
    project = default_marts.parent
    env = engines.spark_env(workdir / "spark")
    build("spark", project, workdir / "raw", env, *SPARK_CI_EXCLUDE)
    warehouse = workdir / "spark" / "warehouse" / "marts.db"

    def reader(table: str) -> str:
        return f"read_parquet('{warehouse / table}/*.parquet')"

    return copy_into_duckdb(workdir / "spark.duckdb", reference, reader)


def differing_rows(reference_db: Path, other_db: Path, table: str, columns) -> int:
    """Rows of one mart found in one database and not the other (doubles to 9 places:
    engines add floating numbers in different orders)."""
    con = duckdb.connect()
    con.execute(f"attach '{reference_db}' as a (read_only)")
    con.execute(f"attach '{other_db}' as b (read_only)")
    select = ", ".join(f'round("{c}", 9)' if t == "DOUBLE" else f'"{c}"' for c, t in columns)
    a, b = (f"select {select} from {db}.marts.{table}" for db in ("a", "b"))
    count = con.execute(
        f"select count(*) from (({a} except all {b}) union all ({b} except all {a}))"
    )
    return count.fetchone()[0]


@pytest.mark.parametrize("engine", ["postgres", "spark"])
def test_known_answers_are_the_same_on_every_engine(engine, request):
    db = request.getfixturevalue(f"{engine}_db")
    expected = json.loads(ANSWERS_FILE.read_text())["figures"]
    assert compute(db) == expected
    assert set(expected) == set(FIGURES)


@pytest.mark.parametrize("engine", ["postgres", "spark"])
def test_every_mart_is_the_same_row_for_row(engine, request, default_marts, reference):
    db = request.getfixturevalue(f"{engine}_db")
    assert len(reference) >= 20
    differ = {
        table: n
        for table, columns in reference.items()
        if (n := differing_rows(default_marts, db, table, columns))
    }
    assert not differ, f"{engine}: marts whose rows differ from DuckDB's: {differ}"


def test_a_loader_of_another_engine_is_refused(default_marts):
    """ehp_loader must name the target's engine: a one-line message, nothing built."""
    project = default_marts.parent
    command = engines.dbt_build_command("duckdb", project / "seeds" / "ehp")
    command[command.index("--vars") + 1] = "{ehp_loader: postgres}"
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(project),
        "EHP_DUCKDB_PATH": str(project / "x.duckdb"),
    }
    res = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode != 0
    assert (
        "var ehp_loader 'postgres' loads into postgres, but the target 'dev' is duckdb"
        in res.stdout
    )
