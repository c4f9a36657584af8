"""sqlfluff on the SQL that macros and generic tests write.

The dbt templater skips macro files, and the jinja templater alone lints only what a
file renders: nothing, for a file that only defines macros. So each file of macros/
and tests/generic/ is copied to a temporary tree with its `{% macro %}` / `{% test %}`
tags blanked (the lines stay where they were) and `return(...)` unwrapped, so that its
body renders as a template of its own, arguments standing in as their names. sqlfluff
(the project's .sqlfluff, jinja templater) then lints the copies, and reports the
repository's own paths and line numbers.

Not checked there: LT02 (macro bodies are indented inside their tags), LT12 / LT13
(the blanked tags move the file's first and last lines), AM04 (a generic test returns
its failing rows with `select *`); templating and parsing errors are ignored (an
argument renders as its name; a macro may write an expression, not a statement).

    python scripts/lint_macros.py [paths...]   (default: macros tests/generic)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ("macros", "tests/generic")
_TAG = re.compile(r"\{%-?\s*(?:macro|endmacro|test|endtest)\b.*?-?%\}", re.S)
_RETURN = re.compile(r"\breturn\(")
ARGS = [
    "--templater",
    "jinja",
    "--ignore",
    "templating,parsing",
    "--exclude-rules",
    "LT02,LT12,LT13,AM04",
]


def body(text: str) -> str:
    """The file with its macro / test tags blanked, line numbers unchanged."""
    text = _TAG.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    return _RETURN.sub("(", text)


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])] or [
        ROOT / p for p in DEFAULT
    ]
    files = sorted(f.resolve() for p in paths for f in ([p] if p.is_file() else p.rglob("*.sql")))
    if not files:
        print("no SQL files to lint")
        return 0
    with tempfile.TemporaryDirectory(prefix="lint-macros-") as tmp:
        shutil.copy(ROOT / ".sqlfluff", tmp)
        names = []
        for f in files:
            name = f.relative_to(ROOT)
            (Path(tmp) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(tmp) / name).write_text(body(f.read_text(encoding="utf-8")), encoding="utf-8")
            names.append(str(name))
        sqlfluff = Path(sys.executable).with_name("sqlfluff")
        return subprocess.run([str(sqlfluff), "lint", *ARGS, *names], cwd=tmp).returncode


if __name__ == "__main__":
    sys.exit(main())
