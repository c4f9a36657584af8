"""Read generated files back with DuckDB, typed by the registry (tests, benchmarks, users)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from generator.registry import TABLES, Table


def read_sql(table: Table, folder: Path, fmt: str = "csv") -> str:
    """A DuckDB ``read_csv`` / ``read_parquet`` expression with every column's declared type.

    The same reading as the dbt DuckDB loader (macros/load_ehp_raw.sql): CSV with the
    writer's dialect and explicit column types, Parquet cast to the same types.
    """
    path = (Path(folder) / f"{table.file_stem}.{fmt}").as_posix().replace("'", "''")
    if fmt == "parquet":
        casts = ", ".join(f"cast({c.name} as {c.sql_type}) as {c.name}" for c in table.columns)
        return f"(select {casts} from read_parquet('{path}'))"
    cols = ", ".join(f"'{c.name}': '{c.sql_type}'" for c in table.columns)
    return (
        f"read_csv('{path}', header = true, delim = ',', quote = '\"', escape = '\"', "
        f"nullstr = '', auto_detect = false, columns = {{{cols}}})"
    )


def connect(folder: Path, fmt: str = "csv") -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per raw table, named by its code (``patn``)."""
    con = duckdb.connect()
    for table in TABLES.values():
        if (Path(folder) / f"{table.file_stem}.{fmt}").exists():
            con.execute(
                f"create view {table.code.lower()} as select * from {read_sql(table, folder, fmt)}"
            )
    return con
