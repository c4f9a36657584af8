"""A newcomer's README: short, every docs page one link away, ten exercises with
reference solutions (their answers are checked by test_readme_figures.py)."""

from __future__ import annotations

import re

from helpers import ROOT

README = ROOT / "README.md"
EXERCISES = ROOT / "docs" / "exercises.md"


def test_readme_is_at_most_250_lines():
    assert len(README.read_text().splitlines()) <= 250


def test_readme_links_every_docs_page():
    linked = set(re.findall(r"\]\((docs/[\w.-]+\.md)\)", README.read_text()))
    pages = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    assert pages <= linked, f"pages the README does not link: {sorted(pages - linked)}"


def test_ten_exercises_each_with_a_solution_and_an_answer_block():
    text = EXERCISES.read_text()
    headings = re.findall(r"^## (\d+)\. .+ (★+)$", text, re.M)
    assert [int(n) for n, _ in headings] == list(range(1, 11))
    stars = [len(s) for _, s in headings]
    assert stars == sorted(stars) and stars[0] == 1 and stars[-1] == 5, "graded from easy to hard"
    for number in range(1, 11):
        block = f"exercise-{number:02d}"
        assert f"<!-- figures:{block}:start -->" in text, block
        assert len(list((ROOT / "docs" / "exercises").glob(f"{number:02d}_*.sql"))) == 1, block
    assert "incremental" in text.rsplit("## 10.", 1)[1]
