"""The generator's shape: no function longer than MAX_FUNCTION_LINES (issue 10, point 5).

A function's length runs from its ``def`` line to its last line (docstring, comments and
blank lines inside it included; decorators not). Nested functions and methods count on
their own, and also inside the function that holds them."""

from __future__ import annotations

import ast

from helpers import ROOT

PACKAGE = ROOT / "generator"
MAX_FUNCTION_LINES = 80


def long_functions(source: str, filename: str) -> list[str]:
    """``file:line name (N lines)`` of every function of the source over the limit."""
    out = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            n = node.end_lineno - node.lineno + 1
            if n > MAX_FUNCTION_LINES:
                out.append(f"{filename}:{node.lineno} {node.name} ({n} lines)")
    return out


def _function_of(lines: int, name: str = "f") -> str:
    """Source of one function of exactly ``lines`` lines."""
    return f"def {name}():\n" + "    x = 1\n" * (lines - 2) + "    return x\n"


def test_the_check_flags_a_function_one_line_over_the_limit_and_not_one_at_it():
    assert long_functions(_function_of(MAX_FUNCTION_LINES), "at.py") == []
    over = "import os\n\n\n" + _function_of(MAX_FUNCTION_LINES + 1, "too_long")
    assert long_functions(over, "over.py") == [
        f"over.py:4 too_long ({MAX_FUNCTION_LINES + 1} lines)"
    ]


def test_the_check_sees_methods_and_nested_functions():
    method = "class C:\n" + "".join(
        "    " + line + "\n" for line in _function_of(MAX_FUNCTION_LINES + 1, "m").splitlines()
    )
    assert long_functions(method, "c.py") == [f"c.py:2 m ({MAX_FUNCTION_LINES + 1} lines)"]


def test_no_generator_function_is_longer_than_the_limit():
    files = sorted(PACKAGE.glob("*.py"))
    assert files, f"no Python files under {PACKAGE}"
    found = [
        problem
        for path in files
        for problem in long_functions(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert not found, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(found)
