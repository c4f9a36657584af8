"""Both ways to load give the same data: CSV or Parquet, `dbt seed` or DuckDB's own reader."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml
from dbt_copy import copy_project, run_dbt, tail
from helpers import ROOT, dbt_seed_type, duckdb_seed_type

from generator.engine import Options, generate
from generator.load import read_sql
from generator.registry import TABLES

# (database name, dbt vars): the default seed loader, then DuckDB on CSV and on Parquet
BUILDS = {
    "db_seed": None,
    "db_csv": {"ehp_loader": "duckdb"},
    "db_parquet": {"ehp_loader": "duckdb", "ehp_format": "parquet", "ehp_raw_path": "{parquet}"},
}


def test_duckdb_loader_types_are_the_seed_types_in_file_order():
    """var ehp_column_types aliases the seeds' column_types: same types, file column order."""
    project = yaml.safe_load((ROOT / "dbt_project.yml").read_text())
    types = project["vars"]["ehp_column_types"]
    seeds = project["seeds"]["proactivehealth"]["ehp"]
    assert sorted(types) == sorted(t.file_stem for t in TABLES.values())
    for t in TABLES.values():
        declared = types[t.file_stem]
        assert declared == seeds[t.file_stem]["+column_types"]
        assert list(declared) == t.column_names, f"{t.file_stem}: not in the file's column order"
        assert list(declared.values()) == [dbt_seed_type(c.sql_type) for c in t.columns]


def test_parquet_holds_the_same_rows_as_csv(tmp_path):
    opts = {"scale": 0.05, "seed": 3, "workers": 2}
    csv = generate(Options(out=tmp_path / "csv", fmt="csv", **opts))
    pq = generate(Options(out=tmp_path / "pq", fmt="parquet", **opts))
    assert pq["format"] == "parquet"
    assert {c: t["rows"] for c, t in csv["tables"].items()} == {
        c: t["rows"] for c, t in pq["tables"].items()
    }
    assert not list((tmp_path / "pq").glob("*.csv"))
    con = duckdb.connect()
    for t in TABLES.values():
        a = f"select * from {read_sql(t, tmp_path / 'csv', 'csv')}"
        b = f"select * from {read_sql(t, tmp_path / 'pq', 'parquet')}"
        assert con.execute(f"describe {a}").fetchall() == con.execute(f"describe {b}").fetchall()
        n = con.execute(f"select count(*) from ({a})").fetchone()[0]
        assert n == csv["tables"][t.code]["rows"]
        differ = con.execute(
            f"select count(*) from (({a} except all {b}) union all ({b} except all {a}))"
        ).fetchone()[0]
        assert differ == 0, f"{t.code}: {differ} rows differ between CSV and Parquet"


def _dbt(proj: Path, db: Path, *args: str) -> None:
    res = run_dbt(proj, db, *args, timeout=600)
    if res.returncode != 0:
        pytest.fail(f"dbt {' '.join(args)} failed:\n" + tail(res))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Path:
    """One small hospital as CSV (in the project's seeds) and as Parquet, staged three ways."""
    proj = copy_project(tmp_path_factory.mktemp("loaders"))
    opts = {"scale": 0.05, "seed": 99, "workers": 2}
    generate(Options(out=proj / "seeds" / "ehp", **opts))
    generate(Options(out=proj / "parquet", fmt="parquet", **opts))
    for name, build_vars in BUILDS.items():
        args = ["build", "--select", "+path:models/staging", "--exclude-resource-type", "test"]
        if build_vars:
            rendered = {k: v.format(parquet=proj / "parquet") for k, v in build_vars.items()}
            args += ["--vars", yaml.safe_dump(rendered, default_flow_style=True).strip()]
        _dbt(proj, proj / f"{name}.duckdb", *args)
    return proj


def _attach(proj: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name in BUILDS:  # attached under their file names, which dbt-duckdb's views name
        con.execute(f"attach '{proj / name}.duckdb' (read_only)")
    return con


def _staging(con, db: str) -> dict[str, list[tuple]]:
    cols = con.execute(
        "select table_name, column_name, data_type from information_schema.columns"
        " where table_catalog = ? and table_schema = 'staging' order by table_name, ordinal_position",
        [db],
    ).fetchall()
    out: dict[str, list[tuple]] = {}
    for table, column, data_type in cols:
        out.setdefault(table, []).append((column, data_type))
    return out


@pytest.mark.slow
def test_each_loader_fills_its_own_schema(loaded):
    con = _attach(loaded)
    schemas = {
        db: {
            r[0]
            for r in con.execute(
                "select schema_name from information_schema.schemata where catalog_name = ?", [db]
            ).fetchall()
        }
        for db in BUILDS
    }
    assert {"raw", "staging"} <= schemas["db_seed"] and "ehp_raw" not in schemas["db_seed"]
    for db in ("db_csv", "db_parquet"):
        assert {"ehp_raw", "staging"} <= schemas[db] and "raw" not in schemas[db], db
    # the DuckDB loader's raw tables carry the declared types, as the seeds do
    for db, schema in (("db_seed", "raw"), ("db_csv", "ehp_raw"), ("db_parquet", "ehp_raw")):
        for t in TABLES.values():
            types = con.execute(
                "select data_type from information_schema.columns where table_catalog = ?"
                " and table_schema = ? and table_name = ? order by ordinal_position",
                [db, schema, t.file_stem],
            ).fetchall()
            assert [r[0] for r in types] == [duckdb_seed_type(c.sql_type) for c in t.columns], (
                db,
                t.code,
            )


@pytest.mark.slow
def test_both_loaders_give_identical_staging_data(loaded):
    con = _attach(loaded)
    reference = _staging(con, "db_seed")
    assert len(reference) == 22
    for db in ("db_csv", "db_parquet"):
        assert _staging(con, db) == reference, f"{db}: staging columns or types differ"
        for view in reference:
            a = f"select * from db_seed.staging.{view}"
            b = f"select * from {db}.staging.{view}"
            counts = con.execute(
                f"select (select count(*) from ({a})), (select count(*) from ({b}))"
            ).fetchone()
            assert counts[0] == counts[1], (db, view, counts)
            differ = con.execute(
                f"select count(*) from (({a} except all {b}) union all ({b} except all {a}))"
            ).fetchone()[0]
            assert differ == 0, f"{db}.staging.{view}: {differ} rows differ from the seed load"
    assert (
        sum(
            con.execute(f"select count(*) from db_seed.staging.{v}").fetchone()[0]
            for v in reference
        )
        > 10_000
    )
