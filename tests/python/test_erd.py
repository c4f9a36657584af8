"""The ERD (docs/erd.md, README.md, the docs overview) is drawn from the dbt project."""

from __future__ import annotations

import re

import dbt_manifest as dm
import erd
import pytest
from helpers import ROOT


@pytest.mark.slow
def test_committed_erd_is_up_to_date(built):
    manifest = dm.load(built / "target" / "manifest.json")
    old = [str(p.relative_to(ROOT)) for p in erd.stale(manifest)]
    assert not old, f"ERD out of date in {old}: run `make docs` and commit the result"


@pytest.mark.slow
def test_erd_covers_the_22_raw_tables_and_every_mart(built):
    manifest = dm.load(built / "target" / "manifest.json")
    raw = erd.raw_diagram(manifest)
    assert len(raw.entities) == 22
    assert all(e.key for e in raw.entities), [e.name for e in raw.entities if not e.key]
    assert erd.Line("ehp_vist", "PATN_ID", "ehp_patn", "PATN_ID", True, False) in raw.lines
    marts = erd.marts_diagram(manifest)
    names = {e.name for e in marts.entities}
    assert names == {m["name"] for m in dm.models(manifest) if dm.layer(m) == "marts"}


def test_mermaid_lines_read_as_cardinalities():
    diagram = erd.Diagram(
        [erd.Entity("parent", "", [("id", "varchar")], key=["id"])],
        [
            erd.Line("child", "parent_id", "parent", "id", True, False),
            erd.Line("one", "parent_id", "parent", "id", False, True),
        ],
    )
    text = erd.mermaid(diagram, columns=True)
    assert 'parent ||--o{ child : "parent_id"' in text
    assert 'parent |o--o| one : "parent_id"' in text
    assert "varchar id PK" in text
    assert erd._type("decimal(14,2)") == "decimal(14-2)"


@pytest.mark.slow
def test_every_table_is_in_one_area_and_every_diagram_is_drawn(built):
    manifest = dm.load(built / "target" / "manifest.json")
    areas = [table for members in erd.raw_areas().values() for table in members]
    assert sorted(areas) == sorted(e.name for e in erd.raw_diagram(manifest).entities)
    sources = erd.dot_sources(manifest)
    assert "overview" in sources and len(sources) == 1 + len(erd.RAW_AREAS) + len(
        erd.mart_areas(manifest)
    )


def test_the_docs_overview_shows_every_diagram_the_erd_draws():
    overview = (ROOT / "models" / "overview.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"\(assets/erd/([\w-]+)\.svg\)", overview))
    areas = {f"raw_{a}" for a in erd.RAW_AREAS}
    marts = {p.name for p in (ROOT / "models" / "marts").iterdir() if p.is_dir()}
    assert shown == {"overview"} | areas | {f"marts_{m}" for m in marts}
    assert "<!--" not in overview and "```mermaid" not in overview
