"""Entity-relationship diagrams (Mermaid) of the raw ERP tables and of the marts.

Generated from the dbt project itself, through target/manifest.json:
- raw tables: the ehp_* seeds and their declared column types; keys and foreign keys
  from the tests on their staging models (`unique` + `not_null`, `relationships`),
  mapped back to the raw column each staging column is renamed from;
- marts: the mart models and their contract types; keys from the primary key
  constraints and tests, lines from `relationships` tests between marts.

The diagrams are split by business area so that each fits a page: a small overview of
the 22 raw tables, then one diagram per area of the raw tables and of the marts.
Writes docs/erd.md (Mermaid, which GitHub draws; every column) and, with `--svg DIR`,
draws the same diagrams to SVG with Graphviz (no Node) for the dbt docs site, whose
overview page (models/overview.md) shows them from assets/erd/. `--check` writes
nothing and exits 1 naming each file that is out of date.

    python scripts/erd.py target/manifest.json [--check] [--svg assets/erd]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import dbt_manifest as dm

ROOT = Path(__file__).resolve().parents[1]
FULL_TARGET = "docs/erd.md"
_RENAME = re.compile(r"(?m)^\s*(\w+)\s+as\s+(\w+),?\s*(?:--.*)?$")
_CAST = re.compile(r"cast\(\s*(\w+)\s+as\s.*?\)\s+as\s+(\w+)", re.S)


@dataclass
class Entity:
    name: str
    description: str
    columns: list[tuple[str, str]]  # (name, type)
    key: list[str] = field(default_factory=list)
    foreign: set[str] = field(default_factory=set)


@dataclass(frozen=True, order=True)
class Line:
    child: str
    column: str
    parent: str
    parent_column: str
    required: bool  # the child's column is tested not_null
    one_to_one: bool  # the child's column is tested unique


@dataclass
class Diagram:
    entities: list[Entity]
    lines: list[Line]


def _staging_renames(node: dict) -> dict[str, str]:
    """staging column -> raw column, from the staging model's `raw as staging` lines."""
    sql = node.get("raw_code", "")
    found = {new: old for old, new in _RENAME.findall(sql)}
    found.update({new: old for old, new in _CAST.findall(sql)})
    return {new: old.upper() for new, old in found.items()}


def raw_diagram(manifest: dict) -> Diagram:
    seeds = dm.raw_tables(manifest)
    tests = dm.tests_by_model(manifest)
    staging = {m["name"]: m for m in dm.models(manifest) if dm.layer(m) == "staging"}
    by_staging: dict[str, str] = {}  # stg_ehp__patn -> ehp_patn
    entities: dict[str, Entity] = {}
    for seed in seeds:
        types = seed["config"].get("column_types") or {}
        columns = list(types.items()) or [(c, "") for c in seed.get("columns", {})]
        entities[seed["name"]] = Entity(seed["name"], seed.get("description", ""), columns)
        by_staging["stg_ehp__" + seed["name"].removeprefix("ehp_")] = seed["name"]

    def raw_column(model: str, column: str) -> str:
        renames = _staging_renames(staging[model])
        if column not in renames:
            sys.exit(
                f"{staging[model]['original_file_path']}: cannot tell which raw column "
                f"'{column}' comes from; write it as `<raw column> as {column}`"
            )
        return renames[column]

    lines: set[Line] = set()
    for model, table in by_staging.items():
        if model not in staging:
            continue
        t = tests[staging[model]["unique_id"]]
        entity = entities[table]
        entity.key = [raw_column(model, c) for c in dm.primary_key(staging[model], t)]
        for column, parent, parent_column in t.relationships:
            if parent not in by_staging:
                continue
            raw = raw_column(model, column)
            entity.foreign.add(raw)
            lines.add(
                Line(
                    table,
                    raw,
                    by_staging[parent],
                    raw_column(parent, parent_column),
                    column in t.not_null,
                    column in t.unique,
                )
            )
    return Diagram(list(entities.values()), sorted(lines))


def marts_diagram(manifest: dict) -> Diagram:
    tests = dm.tests_by_model(manifest)
    marts = {m["name"]: m for m in dm.models(manifest) if dm.layer(m) == "marts"}
    entities: dict[str, Entity] = {}
    lines: set[Line] = set()
    for name, node in marts.items():
        t = tests[node["unique_id"]]
        columns = [(c["name"], c.get("data_type") or "") for c in node["columns"].values()]
        entities[name] = Entity(name, node.get("description", ""), columns)
        entities[name].key = dm.primary_key(node, t)
        for column, parent, parent_column in t.relationships:
            if parent in marts:
                entities[name].foreign.add(column)
                lines.add(
                    Line(
                        name,
                        column,
                        parent,
                        parent_column,
                        column in t.not_null,
                        column in t.unique,
                    )
                )
    return Diagram(list(entities.values()), sorted(lines))


# The business areas the diagrams are split by: each raw table in one area (the marts
# take theirs from their folder, models/marts/<area>/).
RAW_AREAS: dict[str, tuple[str, ...]] = {
    "people_and_places": ("dpmt", "stff", "patn", "algy", "ptal", "insr", "roms", "eqpm"),
    "care": ("appt", "vist", "diag", "trtm", "medt", "tmmd", "mdcn"),
    "money": ("bill", "mdbl", "pmnt"),
    "supply_chain": ("vndr", "sply", "invn", "vpmt"),
}
TITLES = {
    "people_and_places": "People and places",
    "care": "Care",
    "money": "Money",
    "supply_chain": "Supply chain",
    "core": "Core dimensions",
    "operations": "Operations",
    "clinical": "Clinical",
    "finance": "Finance",
}
# widest a rendered diagram may be, in points (x 4/3 = 912 CSS pixels): it fits dbt docs'
# content box without scaling the text below a readable size
MAX_WIDTH_INCHES = 9.5
SVG_DIR = "assets/erd"


def raw_areas() -> dict[str, list[str]]:
    return {area: [f"ehp_{code}" for code in codes] for area, codes in RAW_AREAS.items()}


def mart_areas(manifest: dict) -> dict[str, list[str]]:
    areas: dict[str, list[str]] = {}
    for node in dm.models(manifest):
        if dm.layer(node) == "marts":
            area = Path(node["original_file_path"]).parts[2]
            areas.setdefault(area, []).append(node["name"])
    return dict(sorted(areas.items(), key=lambda kv: (kv[0] != "core", kv[0])))


@dataclass
class Part:
    """One diagram of an area: its own entities, the lines from them, and the entities
    of other areas those lines reach (drawn as plain boxes)."""

    name: str
    title: str
    own: list[Entity]
    lines: list[Line]
    neighbours: list[str]


def part(diagram: Diagram, name: str, members: list[str]) -> Part:
    own = [e for e in diagram.entities if e.name in members]
    lines = [x for x in diagram.lines if x.child in members]
    neighbours = sorted({x.parent for x in lines} - set(members))
    return Part(name, TITLES.get(name, name.replace("_", " ").capitalize()), own, lines, neighbours)


def parts(raw: Diagram, marts: Diagram, manifest: dict) -> tuple[list[Part], list[Part]]:
    raw_parts = [part(raw, area, members) for area, members in raw_areas().items()]
    mart_parts = [part(marts, area, members) for area, members in mart_areas(manifest).items()]
    return raw_parts, mart_parts


def _type(sql_type: str) -> str:
    """A column type as Mermaid accepts it: `decimal(14,2)` -> `decimal(14-2)`."""
    cleaned = re.sub(r"[^\w()\[\]-]+", "-", sql_type.strip().lower()).strip("-")
    return cleaned or "unknown"


def _mermaid_line(line: Line, label: bool = True) -> str:
    parent_end = "||" if line.required else "|o"
    child_end = "o|" if line.one_to_one else "o{"
    text = line.column if label else ""
    return f'    {line.parent} {parent_end}--{child_end} {line.child} : "{text}"'


def mermaid(diagram: Diagram, columns: bool) -> str:
    out = ["```mermaid", "erDiagram"]
    out += [_mermaid_line(line) for line in diagram.lines]
    linked = {x.child for x in diagram.lines} | {x.parent for x in diagram.lines}
    for e in diagram.entities:
        if not columns:
            if e.name not in linked:
                out.append(f"    {e.name}")
            continue
        out.append(f"    {e.name} {{")
        for name, sql_type in e.columns:
            keys = [k for k, on in (("PK", name in e.key), ("FK", name in e.foreign)) if on]
            out.append(f"        {_type(sql_type)} {name} {', '.join(keys)}".rstrip())
        out.append("    }")
    out.append("```")
    return "\n".join(out)


def mermaid_part(p: Part) -> str:
    """An area as Mermaid, every column of its own tables (other areas' tables by name)."""
    return mermaid(Diagram(p.own, p.lines), columns=True)


def mermaid_overview(raw: Diagram) -> str:
    """The 22 raw tables and which points to which, nothing else."""
    pairs = sorted({(x.parent, x.child, x.required, x.one_to_one) for x in raw.lines})
    lines = [Line(child, "", parent, "", req, one) for parent, child, req, one in pairs]
    return "\n".join(
        ["```mermaid", "erDiagram", *(_mermaid_line(x, label=False) for x in lines), "```"]
    )


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _dot_entity(e: Entity) -> str:
    """A table as a Graphviz HTML label: its name, then its key and foreign key columns."""
    rows = [f'<TR><TD BGCOLOR="#dfe9f5"><B>{_html(e.name)}</B></TD></TR>']
    for name, _sql_type in e.columns:
        keys = [k for k, on in (("PK", name in e.key), ("FK", name in e.foreign)) if on]
        if keys:
            rows.append(f'<TR><TD ALIGN="LEFT">{_html(name)}  <I>{" ".join(keys)}</I></TD></TR>')
    body = "".join(rows)
    table = f'<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3">{body}</TABLE>'
    return f'    "{e.name}" [label=<{table}>];'


def _dot_edge(line: Line, label: bool) -> str:
    tail_end = "teetee" if line.required else "teeodot"
    head_end = "teeodot" if line.one_to_one else "crowodot"
    text = f', label="{line.column}"' if label else ""
    return (
        f'    "{line.parent}" -> "{line.child}" [arrowtail={tail_end}, arrowhead={head_end}{text}];'
    )


DOT_HEADER = [
    f'    graph [rankdir=LR, size="{MAX_WIDTH_INCHES},30", ranksep=0.5, nodesep=0.25,',
    '           fontname="Helvetica", fontsize=11];',
    '    node [shape=plaintext, fontname="Helvetica", fontsize=10];',
    '    edge [dir=both, fontname="Helvetica", fontsize=8, color="#555555"];',
]


def dot_part(p: Part) -> str:
    out = ["digraph erd {", *DOT_HEADER]
    out += [_dot_entity(e) for e in p.own]
    out += [f'    "{n}" [shape=box, style=dashed, fontsize=9];' for n in p.neighbours]
    out += [_dot_edge(line, label=True) for line in p.lines]
    out.append("}")
    return "\n".join(out) + "\n"


def dot_overview(raw: Diagram) -> str:
    """The raw tables as boxes grouped by area, one arrow per parent -> child pair."""
    out = ["digraph overview {", *DOT_HEADER]
    out[1] = out[1].replace("rankdir=LR", "rankdir=TB")
    for area, members in raw_areas().items():
        out.append(f'    subgraph "cluster_{area}" {{')
        out.append(f'        label="{TITLES[area]}"; style=rounded; color="#99aabb";')
        out += [
            f'        "{m}" [shape=box, label="{m.removeprefix("ehp_").upper()}"];' for m in members
        ]
        out.append("    }")
    pairs = sorted({(x.parent, x.child) for x in raw.lines})
    out += [f'    "{a}" -> "{b}" [dir=forward, arrowhead=crow];' for a, b in pairs]
    out.append("}")
    return "\n".join(out) + "\n"


def dot_sources(manifest: dict) -> dict[str, str]:
    """name -> Graphviz source of every diagram the docs show (overview, then areas)."""
    raw, marts = raw_diagram(manifest), marts_diagram(manifest)
    raw_parts, mart_parts = parts(raw, marts, manifest)
    sources = {"overview": dot_overview(raw)}
    sources |= {f"raw_{p.name}": dot_part(p) for p in raw_parts}
    sources |= {f"marts_{p.name}": dot_part(p) for p in mart_parts}
    return sources


def render_svgs(manifest: dict, folder: Path) -> list[Path]:
    """Draw every diagram to SVG with Graphviz's `dot` (Debian's graphviz package)."""
    dot = shutil.which("dot")
    if dot is None:
        sys.exit("erd.py: Graphviz's `dot` is missing: run `make docs` (it installs graphviz)")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, source in dot_sources(manifest).items():
        res = subprocess.run([dot, "-Tsvg"], input=source, capture_output=True, text=True)
        if res.returncode != 0:
            sys.exit(f"erd.py: dot failed on {name}: {res.stderr.strip()}")
        path = folder / f"{name}.svg"
        path.write_text(res.stdout, encoding="utf-8")
        written.append(path)
    return written


def full_page(raw: Diagram, marts: Diagram, manifest: dict) -> str:
    raw_parts, mart_parts = parts(raw, marts, manifest)

    def sections(items: list[Part], kind: str) -> str:
        blocks = []
        for p in items:
            others = f" (from other areas: {', '.join(p.neighbours)})" if p.neighbours else ""
            names = ", ".join(e.name for e in p.own)
            blocks.append(f"### {p.title}\n\n{kind}: {names}{others}.\n\n{mermaid_part(p)}\n")
        return "\n".join(blocks)

    return f"""# Entity-relationship diagrams

Generated by `make docs` (`scripts/erd.py`) from the dbt project: tables and column
types from the raw seeds' declared `column_types` and the marts' contracts, primary keys
(`PK`) from `unique` + `not_null` tests and primary key constraints, and each line from
a `relationships` test (`FK`). Do not edit by hand: `make docs` rewrites this file and a
test fails when it is out of date. The docs site (`make docs`) shows the same diagrams
as pictures, drawn by Graphviz.

Reading a line: `A ||--o{{ B : "X"` means each row of B points to exactly one row of A
through its column X, and a row of A has zero or more rows of B. `|o` on A's side: X
may be empty; `o|` on B's side: at most one B per A.

## Overview: the {len(raw.entities)} raw tables

Which table points to which (one line per pair of tables; the areas below name the keys).

{mermaid_overview(raw)}

## The raw ERP extract, by area

Keys and lines come from the tests on the staging models, mapped back to the raw
columns they are renamed from. Each area shows its own tables with every column; a line
to a table of another area names that table only.

{sections(raw_parts, "Tables")}
## The marts ({len(marts.entities)} models), by area

{sections(mart_parts, "Marts")}"""


def outputs(manifest: dict, root: Path = ROOT) -> dict[Path, str]:
    raw, marts = raw_diagram(manifest), marts_diagram(manifest)
    return {root / FULL_TARGET: full_page(raw, marts, manifest)}


def stale(manifest: dict, root: Path = ROOT) -> list[Path]:
    return [
        path
        for path, text in outputs(manifest, root).items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("manifest", help="dbt's target/manifest.json")
    parser.add_argument("--check", action="store_true", help="only report stale files")
    parser.add_argument("--svg", type=Path, help="also draw every diagram to SVG in this folder")
    args = parser.parse_args(argv)
    manifest = dm.load(args.manifest)
    if args.svg:
        for path in render_svgs(manifest, args.svg):
            print(f"drew {path}")
    if args.check:
        old = stale(manifest)
        for path in old:
            print(f"{path.relative_to(ROOT)}:1: ERD out of date; run `make docs`")
        return 1 if old else 0
    for path, text in outputs(manifest).items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
