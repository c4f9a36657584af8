"""Every figure README.md and docs/*.md show is what the data says: the blocks that
`make readme-figures` writes (scripts/readme_figures.py) are compared with the default
dataset built from scratch, and the benchmark's rows at scale 0.1 with its manifest."""

from __future__ import annotations

import json
import re

import pytest
import readme_figures
from helpers import ROOT

pytestmark = pytest.mark.slow


def test_every_figures_block_matches_the_default_dataset(default_marts):
    found = readme_figures.blocks()
    names = {name for names in found.values() for name in names}
    assert set(readme_figures.FIGURES) | {"rows"} <= names, "a figure is shown nowhere"
    old = readme_figures.stale(default_marts.parent, default_marts)
    assert not old, f"figures out of date in {old}: run `make readme-figures` and commit"


def test_the_benchmark_rows_at_scale_0_1_are_the_default_datasets(default_marts):
    manifest = json.loads((default_marts.parent / "seeds" / "ehp" / "manifest.json").read_text())
    rows = sum(entry["rows"] for entry in manifest["tables"].values())
    page = (ROOT / "docs" / "scale_up.md").read_text()
    shown = re.search(r"^\| 0\.1 \| ([\d,]+) \|", page, re.M)
    assert shown, "docs/scale_up.md shows no benchmark row for scale 0.1"
    assert int(shown[1].replace(",", "")) == rows, (
        "the benchmark ran on other data: run `make bench` and commit docs/scale_up.md"
    )
