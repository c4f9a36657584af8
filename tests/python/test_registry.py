"""The registry is the one description of the raw tables; everything else must agree."""

from __future__ import annotations

import re

import pytest
import yaml
from helpers import ROOT, dbt_seed_type

from generator.registry import TABLES, generation_order

CODES = {
    "DPMT",
    "STFF",
    "PATN",
    "ALGY",
    "PTAL",
    "INSR",
    "ROMS",
    "EQPM",
    "APPT",
    "VIST",
    "DIAG",
    "TRTM",
    "MEDT",
    "MDCN",
    "TMMD",
    "BILL",
    "MDBL",
    "PMNT",
    "VNDR",
    "SPLY",
    "INVN",
    "VPMT",
}


def test_the_22_tables_of_the_data_model():
    assert set(TABLES) == CODES


@pytest.mark.parametrize("code", sorted(CODES))
def test_table_shape(code):
    t = TABLES[code]
    names = t.column_names
    assert len(names) == len(set(names)), "duplicate column"
    assert t.primary_key == f"{code}_ID"
    assert names[-2:] == ["REC_CRTD_TS", "REC_UPDT_TS"]
    for c in t.columns:
        assert re.fullmatch(r"[A-Z0-9_]+", c.name)
        assert c.description
        if c.references:
            assert c.references in TABLES, f"{c.name} points at unknown table {c.references}"
        if not c.primary_key and not c.references and c.name not in ("REC_CRTD_TS", "REC_UPDT_TS"):
            assert c.name.startswith(code + "_"), f"{c.name} lacks the table prefix"


def test_generation_order_puts_parents_first_and_has_no_cycle():
    order = generation_order()
    assert sorted(order) == sorted(CODES)
    pos = {c: i for i, c in enumerate(order)}
    for t in TABLES.values():
        for c in t.foreign_keys:
            if not c.deferred and c.references != t.code:
                assert pos[c.references] < pos[t.code], f"{t.code}.{c.name}"


def test_a_cycle_is_detected(monkeypatch):
    from generator import registry

    dpmt = registry.TABLES["DPMT"]
    cols = tuple(
        c.__class__(**{**c.__dict__, "deferred": False}) if c.references else c
        for c in dpmt.columns
    )
    monkeypatch.setitem(
        registry.TABLES, "DPMT", dpmt.__class__(dpmt.code, dpmt.name, dpmt.grain, cols)
    )
    with pytest.raises(ValueError, match="cycle"):
        registry.generation_order()


def _dbt_project() -> dict:
    return yaml.safe_load((ROOT / "dbt_project.yml").read_text())


def test_dbt_seed_column_types_match_the_registry():
    seeds = _dbt_project()["seeds"]["proactivehealth"]
    found = {}
    for node in (seeds, seeds.get("ehp", {})):
        for key, value in node.items():
            if key.startswith("ehp_") and isinstance(value, dict):
                found[key] = {k.upper(): v for k, v in value["+column_types"].items()}
    for t in TABLES.values():
        assert t.file_stem in found, f"dbt_project.yml declares no column_types for {t.file_stem}"
        expected = {c.name: dbt_seed_type(c.sql_type) for c in t.columns}
        assert found[t.file_stem] == expected, t.code


def test_every_staging_model_reads_every_raw_column():
    for t in TABLES.values():
        sql = (
            (ROOT / "models" / "staging" / "ehp" / f"stg_ehp__{t.code.lower()}.sql")
            .read_text()
            .lower()
        )
        assert f"ehp_source('{t.code.lower()}')" in sql
        missing = [c.name for c in t.columns if not re.search(rf"\b{c.name.lower()}\b", sql)]
        assert not missing, f"stg_ehp__{t.code.lower()} drops raw columns {missing}"
