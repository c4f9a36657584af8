"""The generator's shape: the engine owns the pipeline, a small core every domain module may
import, no import circle (counting imports inside functions too), and no domain module that
imports the engine."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import ROOT

PACKAGE = ROOT / "generator"
# the front door and the engine may import anything; the rest must stay below them
TOP = {"entry", "cli", "engine", "progress", "__main__"}
CORE = {"core", "columns", "registry", "reference", "rng", "scenario"}


def _imports(path: Path) -> set[str]:
    """Modules of the package this file imports, anywhere in it."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator"):
            if node.module == "generator":
                out |= {a.name for a in node.names}
            else:
                out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            out |= {a.name.split(".")[1] for a in node.names if a.name.startswith("generator.")}
    return out


def graph() -> dict[str, set[str]]:
    modules = {p.stem: p for p in PACKAGE.glob("*.py")}
    return {
        name: _imports(path) & set(modules) - {name, "__init__"} for name, path in modules.items()
    }


def test_no_import_circle():
    g = graph()
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(g[node]):
            assert state.get(nxt) != 1, "import circle: " + " -> ".join([*path, node, nxt])
            if nxt not in state:
                visit(nxt, [*path, node])
        state[node] = 2

    for node in sorted(g):
        if node not in state:
            visit(node, [])


def test_core_imports_no_domain_module_and_no_domain_module_imports_the_engine():
    g = graph()
    for name in CORE:
        assert g[name] <= CORE, (name, g[name] - CORE)
    for name, deps in g.items():
        if name not in TOP:
            assert not deps & TOP, (name, deps & TOP)
