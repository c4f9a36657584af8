"""Check the dbt project's conventions on target/manifest.json.

Each problem is printed as `file:line: [rule] what to fix`; the exit status is 1 when
there is any. The rules (the layers and names of the README's "The dbt project"):

- documented: every model has a description, and so has every column it declares;
- primary-key: every model has a primary key tested `unique` + `not_null` (or a
  `unique_combination_of_columns` whose columns are each tested `not_null`);
- staging-source: a staging model reads exactly one thing, its own raw table
  (`stg_ehp__patn` reads the seed or source `ehp_patn`);
- staging-sql: a staging model neither joins nor aggregates (no `join`, `group by`
  or aggregate function in its compiled SQL);
- naming: names follow the folder: `stg_<source>__` in staging, `int_` in
  intermediate, `dim_` / `fct_` in marts (dbt-project-evaluator's prefixes); every
  model lives in one of them;
- contract: every mart enforces its contract;
- layers: no model reads a model of a later layer (staging < intermediate < marts);
- portable: no engine type name that differs between DuckDB, Postgres and Spark
  (`double`, `float`, `varchar` / `text` / `string` without a length, `time`) in the
  SQL of models, tests, macros and analyses, in a contract's `data_type` or a seed's
  column type, and no `dbt.datediff` / `dbt.type_float` (their answers differ between
  engines): use `dbt.type_string()`, `ehp_type_float()`, `ehp_datediff()`, or in YAML
  the Jinja expressions of target.type the project already uses (docs/engines.md).

    python scripts/check_conventions.py target/manifest.json
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import dbt_manifest as dm

ROOT = Path(__file__).resolve().parents[1]
PREFIXES = {
    "staging": ("stg_",),
    "intermediate": ("int_",),
    "marts": ("dim_", "fct_"),
}
RANK = {name: i for i, name in enumerate(dm.LAYERS)}
_STAGING_NAME = re.compile(r"^stg_([a-z0-9]+)__([a-z0-9_]+)$")
_FORBIDDEN = {
    "join": re.compile(r"\bjoin\b", re.I),
    "group by": re.compile(r"\bgroup\s+by\b", re.I),
    "aggregate function": re.compile(
        r"\b(count|sum|avg|min|max|string_agg|array_agg|list|bool_and|bool_or)\s*\(", re.I
    ),
}
_STRINGS_AND_COMMENTS = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/|\{#.*?#\}", re.S)
# type names some engine lacks or sizes differently (docs/engines.md)
_ENGINE_TYPE = r"((?i:double(?:\s+precision)?|float[48]?|real|varchar|text|string|time))\b(?!\s*\()"
_SQL_TYPE = re.compile(rf"(?:\bas\s+|::\s*){_ENGINE_TYPE}", re.I)
_SQL_MACRO = re.compile(r"\bdbt\.(datediff|type_float)\s*\(")
# a YAML data_type, or a seed column (upper case) in dbt_project.yml, that is a bare name
_YAML_TYPE = re.compile(rf"^\s*(?:data_type|[A-Z][A-Z0-9_]*)\s*:\s*['\"]?{_ENGINE_TYPE}['\"]?\s*$")
SQL_FOLDERS = ("models", "tests", "macros", "analyses")
# the macros that wrap dbt's engine-dependent ones, once
WRAPPERS = {"macros/ehp_datediff.sql", "macros/ehp_type_float.sql"}


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {self.message}"


class Checker:
    def __init__(self, manifest: dict, root: Path = ROOT) -> None:
        self.manifest = manifest
        self.root = root
        self.tests = dm.tests_by_model(manifest)
        self.problems: list[Problem] = []

    # where to point the reader -------------------------------------------------
    def sql_file(self, node: dict) -> str:
        return node["original_file_path"]

    def yml_file(self, node: dict) -> str | None:
        patch = node.get("patch_path")
        return patch.split("://", 1)[1] if patch else None

    def yml_line(self, node: dict, column: str | None = None) -> tuple[str, int]:
        """The YAML entry of the model (or of one of its columns), else the SQL file."""
        yml = self.yml_file(node)
        if yml is None:
            return self.sql_file(node), 1
        path = self.root / yml
        line = dm.line_of(path, rf"^\s*-\s*name:\s*['\"]?{re.escape(node['name'])}['\"]?\s*$")
        if column is not None:
            line = dm.line_of(
                path, rf"^\s*-\s*name:\s*['\"]?{re.escape(column)}['\"]?\s*$", start=line
            )
        return yml, line

    def sql_line(self, node: dict, pattern: str) -> int:
        return dm.line_of(self.root / self.sql_file(node), pattern)

    def add(self, where: tuple[str, int], rule: str, message: str) -> None:
        self.problems.append(Problem(where[0], where[1], rule, message))

    # the rules -----------------------------------------------------------------
    def run(self) -> list[Problem]:
        models = dm.models(self.manifest)
        by_id = {m["unique_id"]: m for m in models}
        for node in models:
            layer = dm.layer(node)
            self.documented(node)
            self.primary_key(node)
            self.naming(node, layer)
            if layer == "staging":
                self.staging(node)
            if layer == "marts":
                self.contract(node)
            self.layers(node, layer, by_id)
        self.portable()
        return sorted(set(self.problems))

    def documented(self, node: dict) -> None:
        if not node.get("description", "").strip():
            where = self.yml_line(node)
            if self.yml_file(node) is None:
                self.add(where, "documented", f"{node['name']}: add it to its folder's YAML")
            else:
                self.add(where, "documented", f"{node['name']}: add a description")
        if not node.get("columns"):
            self.add(
                self.yml_line(node),
                "documented",
                f"{node['name']}: list its columns with a description each",
            )
        for name, column in node.get("columns", {}).items():
            if not column.get("description", "").strip():
                self.add(
                    self.yml_line(node, name),
                    "documented",
                    f"{node['name']}.{name}: add a description",
                )

    def primary_key(self, node: dict) -> None:
        if not dm.primary_key(node, self.tests[node["unique_id"]]):
            self.add(
                self.yml_line(node),
                "primary-key",
                f"{node['name']}: test its key column `unique` and `not_null` "
                "(or a `unique_combination_of_columns` of `not_null` columns)",
            )

    def naming(self, node: dict, layer: str | None) -> None:
        name = node["name"]
        if layer is None:
            self.add(
                (self.sql_file(node), 1),
                "naming",
                f"{name}: move it under models/staging, models/intermediate or models/marts",
            )
            return
        prefixes = PREFIXES[layer]
        ok = name.startswith(prefixes)
        if layer == "staging":
            ok = bool(_STAGING_NAME.match(name))
        if not ok:
            wanted = "stg_<source>__<table>" if layer == "staging" else " / ".join(prefixes)
            self.add(
                (self.sql_file(node), 1),
                "naming",
                f"{name}: models in {layer} are named {wanted}",
            )

    def staging(self, node: dict) -> None:
        name = node["name"]
        match = _STAGING_NAME.match(name)
        own = f"ehp_{match.group(2)}" if match else None
        parents = node["depends_on"]["nodes"]
        own_ids = {f"seed.{dm.PROJECT}.{own}", f"source.{dm.PROJECT}.ehp_raw.{own}"}
        if len(parents) != 1 or parents[0] not in own_ids:
            shown = ", ".join(p.split(".", 2)[-1] for p in parents) or "nothing"
            self.add(
                (self.sql_file(node), self.sql_line(node, r"ref\(|source\(|ehp_source\(")),
                "staging-source",
                f"{name}: a staging model reads only its own raw table ({own or '?'}), not {shown}",
            )
        sql = node.get("compiled_code") or node.get("raw_code", "")
        sql = _STRINGS_AND_COMMENTS.sub("''", sql)
        for what, pattern in _FORBIDDEN.items():
            if pattern.search(sql):
                self.add(
                    (self.sql_file(node), self.sql_line(node, pattern.pattern)),
                    "staging-sql",
                    f"{name}: staging has no {what}; move the logic to an intermediate model",
                )

    def contract(self, node: dict) -> None:
        if not node["config"].get("contract", {}).get("enforced"):
            self.add(
                self.yml_line(node),
                "contract",
                f"{node['name']}: marts enforce their contract "
                "(config contract: {enforced: true}, a data_type per column)",
            )

    def layers(self, node: dict, layer: str | None, by_id: dict[str, dict]) -> None:
        if layer is None:
            return
        for parent_id in node["depends_on"]["nodes"]:
            parent = by_id.get(parent_id)
            parent_layer = dm.layer(parent) if parent else None
            if parent_layer is None or RANK[parent_layer] <= RANK[layer]:
                continue
            self.add(
                (
                    self.sql_file(node),
                    self.sql_line(node, rf"""ref\(\s*['"]{parent["name"]}['"]"""),
                ),
                "layers",
                f"{node['name']} ({layer}) reads {parent['name']} ({parent_layer}), "
                "a later layer: move the shared logic down",
            )

    def portable(self) -> None:
        for folder in SQL_FOLDERS:
            for path in sorted((self.root / folder).rglob("*.sql")):
                self.portable_sql(path)
        for path in [self.root / "dbt_project.yml", *sorted((self.root / "models").rglob("*.yml"))]:
            self.portable_yaml(path)

    def portable_sql(self, path: Path) -> None:
        text = _STRINGS_AND_COMMENTS.sub(lambda m: "\n" * m.group().count("\n"), path.read_text())
        for number, line in enumerate(text.splitlines(), start=1):
            where = (str(path.relative_to(self.root)), number)
            for match in _SQL_TYPE.finditer(line):
                self.add(where, "portable", f"type `{match.group(1)}` is not the same on every "
                         "engine: use dbt.type_string() or ehp_type_float()")  # fmt: skip
            for match in _SQL_MACRO.finditer(line if where[0] not in WRAPPERS else ""):
                self.add(where, "portable", f"dbt.{match.group(1)} answers differently per "
                         f"engine: use ehp_{match.group(1)}()")  # fmt: skip

    def portable_yaml(self, path: Path) -> None:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = _YAML_TYPE.match(line)
            if match:
                self.add(
                    (str(path.relative_to(self.root)), number),
                    "portable",
                    f"type `{match.group(1)}` is not the same on every engine: use the "
                    "target.type expression of docs/engines.md (or `*string` in dbt_project.yml)",
                )


def check(manifest: dict, root: Path = ROOT) -> list[Problem]:
    return Checker(manifest, root).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("manifest", help="dbt's target/manifest.json")
    args = parser.parse_args(argv)
    problems = check(dm.load(args.manifest))
    for problem in problems:
        print(problem)
    count = len(problems)
    print(f"{count} convention problem{'s' * (count != 1)}" if count else "conventions: ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
