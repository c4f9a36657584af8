"""The repository owns its spec: nothing in it points at files outside it.

The data model lives in docs/data_model.md; models, tests and code cite its numbered
invariants. A fresh clone must hold every file a citation or a Markdown link names.
"""

from __future__ import annotations

import re
import subprocess

from helpers import ROOT

THIS = "tests/python/test_self_contained.py"
DATA_MODEL = ROOT / "docs" / "data_model.md"

# paths that only exist on a developer's machine, and the old spec outside the repository
OUTSIDE = re.compile(r"\.\./shared|/work/(shared|main|wt-)|(?<![\w/])(DATA_MODEL|DESIGN|STYLE)\.md")
CITATION = re.compile(r"data_model\.md\W{0,3}invariants? (\d+)(?:\s*-\s*(\d+))?")
MARKDOWN_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
# drawn by `make docs` (scripts/erd.py --svg) and copied into target/ beside the docs page
GENERATED = ("assets/erd/",)


def tracked_text_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [p for p in out if p != THIS and (ROOT / p).is_file() and not _is_binary(p)]


def _is_binary(path: str) -> bool:
    return b"\0" in (ROOT / path).read_bytes()[:4096]


def read(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8", errors="replace")


def invariant_numbers() -> set[int]:
    """The numbers of the invariants docs/data_model.md defines ("1. ..." in its section)."""
    text = DATA_MODEL.read_text()
    section = text.split("## Invariants", 1)[1].split("\n## ", 1)[0]
    return {int(n) for n in re.findall(r"^(\d+)\. ", section, flags=re.MULTILINE)}


def test_no_file_refers_outside_the_repository():
    offenders = [
        f"{path}:{n}: {line.strip()}"
        for path in tracked_text_files()
        for n, line in enumerate(read(path).splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not offenders, "references to files outside the repository:\n" + "\n".join(offenders)


def test_data_model_defines_the_fourteen_invariants():
    assert invariant_numbers() == set(range(1, 15))


def test_every_invariant_citation_names_an_invariant_of_the_data_model():
    defined = invariant_numbers()
    cited: dict[int, list[str]] = {}
    for path in tracked_text_files():
        text = " ".join(read(path).split())  # citations wrap across comment lines
        for first, last in CITATION.findall(text):
            for number in range(int(first), int(last or first) + 1):
                cited.setdefault(number, []).append(path)
    assert cited, "no file cites docs/data_model.md's invariants"
    unknown = {n: paths for n, paths in cited.items() if n not in defined}
    assert not unknown, f"citations of invariants the data model does not define: {unknown}"


def test_every_relative_markdown_link_resolves_inside_the_repository():
    broken = []
    for path in tracked_text_files():
        if not path.endswith(".md"):
            continue
        folder = (ROOT / path).parent
        for target in MARKDOWN_LINK.findall(read(path)):
            if re.match(r"[a-z]+:", target) or target.startswith(GENERATED):
                continue  # http:, https:, mailto:, or drawn at build time
            resolved = (folder / target).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                broken.append(f"{path}: {target}")
    assert not broken, "broken links:\n" + "\n".join(broken)
