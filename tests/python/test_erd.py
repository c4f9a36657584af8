"""The ERD (docs/erd.md, README.md, the docs overview) is drawn from the dbt project."""

from __future__ import annotations

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


def test_every_target_has_the_markers():
    for name in erd.COMPACT_TARGETS:
        text = (ROOT / name).read_text(encoding="utf-8")
        assert erd.BEGIN in text and erd.END in text, name
