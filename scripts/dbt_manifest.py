"""Read what the ERD and the convention checks need from dbt's target/manifest.json.

Only the project's own nodes count (dbt's built-in docs and macros are ignored). The
helpers take the parsed manifest (a dict) so that tests can hand them a doctored copy.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = "proactivehealth"
LAYERS = ("staging", "intermediate", "marts")
_REF = re.compile(r"""ref\(\s*['"](\w+)['"]\s*\)""")


def load(path: str | Path) -> dict:
    with Path(path).open(encoding="utf-8") as f:
        return json.load(f)


def models(manifest: dict) -> list[dict]:
    """The project's models, sorted by name."""
    found = [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["package_name"] == PROJECT
    ]
    return sorted(found, key=lambda n: n["name"])


def layer(node: dict) -> str | None:
    """staging / intermediate / marts from the model's folder (models/<layer>/...)."""
    parts = Path(node["original_file_path"]).parts
    if len(parts) > 2 and parts[0] == "models" and parts[1] in LAYERS:
        return parts[1]
    return None


def raw_tables(manifest: dict) -> list[dict]:
    """The raw ERP tables as dbt knows them: the ehp_* seeds, enabled or not.

    With the DuckDB loader the seeds are disabled (they still carry their column types);
    either way the ERD shows the same 22 tables.
    """
    found: dict[str, dict] = {}
    candidates = list(manifest["nodes"].values())
    for versions in manifest.get("disabled", {}).values():
        candidates.extend(versions)
    for n in candidates:
        if n["resource_type"] == "seed" and n["name"].startswith("ehp_"):
            found.setdefault(n["name"], n)
    return [found[k] for k in sorted(found)]


@dataclass
class Tests:
    """The data tests attached to one model."""

    unique: set[str] = field(default_factory=set)
    not_null: set[str] = field(default_factory=set)
    combinations: list[list[str]] = field(default_factory=list)
    # (column, parent model name, parent column)
    relationships: list[tuple[str, str, str]] = field(default_factory=list)


def tests_by_model(manifest: dict) -> dict[str, Tests]:
    """Generic data tests by the unique_id of the model they test."""
    out: dict[str, Tests] = defaultdict(Tests)
    for n in manifest["nodes"].values():
        meta = n.get("test_metadata") or {}
        attached = n.get("attached_node")
        if n["resource_type"] != "test" or not meta or not attached:
            continue
        kwargs = meta.get("kwargs", {})
        column = n.get("column_name") or kwargs.get("column_name")
        t = out[attached]
        name = meta["name"]
        if name == "unique" and column:
            t.unique.add(column)
        elif name == "not_null" and column:
            t.not_null.add(column)
        elif name == "unique_combination_of_columns":
            t.combinations.append(list(kwargs.get("combination_of_columns", [])))
        elif name == "relationships" and column:
            to = _REF.search(str(kwargs.get("to", "")))
            if to:
                t.relationships.append((column, to.group(1), kwargs.get("field", "")))
    return out


def primary_key(node: dict, tests: Tests) -> list[str]:
    """The model's primary key: a column tested unique + not_null (or declared
    primary_key in its contract and tested unique), else a unique combination of
    columns that are each tested not_null. Empty when there is none."""
    constrained = [
        c["name"]
        for c in node.get("columns", {}).values()
        if any(x.get("type") == "primary_key" for x in c.get("constraints", []))
    ]
    for col in constrained + sorted(tests.unique):
        if col in tests.unique and col in tests.not_null:
            return [col]
    for combo in tests.combinations:
        if combo and all(c in tests.not_null for c in combo):
            return combo
    return []


def line_of(path: Path, pattern: str, start: int = 1) -> int:
    """1-based number of the first line at or after `start` matching the regex, else 1."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    rx = re.compile(pattern)
    for i, text in enumerate(lines[start - 1 :], start):
        if rx.search(text):
            return i
    return 1
