"""The figures README.md and docs/*.md show, computed from the default dataset.

Every figure a page shows sits between markers, `<!-- figures:NAME:start -->` and
`<!-- figures:NAME:end -->`, and is written by this script, never by hand:

- `mf:<saved query>`: what `mf query --saved-query <saved query>` prints (the saved
  queries of models/marts/_saved_queries.yml), with the options of FIGURES;
- `rows`: the rows of each raw table (the dataset's manifest.json);
- `exercise-NN`: the answer of exercise NN of docs/exercises.md, what its reference
  solution docs/exercises/NN_*.sql returns (after building the exercise's models of
  docs/exercises/models/, twice for the incremental one).

`make readme-figures` builds the default dataset (seed 42, scale 0.1) in a temporary
copy of the project and rewrites the blocks; the slow test test_readme_figures.py
builds the same and fails when a block differs from what the data says.

    python scripts/readme_figures.py [--check]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "scripts", ROOT / "tests" / "python"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

BLOCK = re.compile(
    r"(<!-- figures:(?P<name>[\w:-]+):start -->\n)(?P<body>.*?)(<!-- figures:(?P=name):end -->)",
    re.S,
)
# saved query -> the `mf query` options its block is printed with
FIGURES: dict[str, list[str]] = {
    "mf:hospital_activity_by_year": ["--order", "metric_time__year"],
    "mf:no_show_rate_by_department": ["--order", "-no_show_rate", "--limit", "5"],
    "mf:revenue_cycle_by_payer_type": ["--order", "bill__payer_type", "--decimals", "0"],
    "mf:supply_chain_by_quarter": ["--order", "metric_time__quarter"],
}
PAGES = ["README.md", "docs/*.md"]
EXERCISES = ROOT / "docs" / "exercises"
# exercise -> the models of docs/exercises/models/ its solution builds, and how many runs
EXERCISE_MODELS = {"09": (["fct_patient_visits_yearly"], 1), "10": (["fct_payments_daily"], 2)}


def pages(root: Path = ROOT) -> list[Path]:
    return sorted({p for pattern in PAGES for p in root.glob(pattern)})


def mf_output(project: Path, db: Path, saved_query: str, options: list[str]) -> str:
    """The table `mf query` prints, without its progress line."""
    env = {**os.environ, "DBT_PROFILES_DIR": str(project), "EHP_DUCKDB_PATH": str(db)}
    mf = Path(sys.executable).with_name("mf")
    res = subprocess.run(
        [str(mf), "query", "--saved-query", saved_query, *options],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if res.returncode != 0:
        raise RuntimeError(f"mf query --saved-query {saved_query} failed:\n{res.stdout[-3000:]}")
    progress = ("\r", "Initiating query", "query completed")
    table = [
        line.rstrip()
        for line in res.stdout.splitlines()
        if line.strip() and not any(mark in line for mark in progress)
    ]
    return "```\n" + "\n".join(table) + "\n```\n"


def rows_table(manifest: dict) -> str:
    from generator.registry import TABLES

    names = {code: table.name for code, table in TABLES.items()}
    lines = ["| table | rows |", "|---|---:|"]
    total = 0
    for code, entry in sorted(manifest["tables"].items()):
        total += entry["rows"]
        label = f"{code} ({names[code]})" if code in names else code
        lines.append(f"| {label} | {entry['rows']:,} |")
    lines.append(f"| **all 22** | **{total:,}** |")
    return "\n".join(lines) + "\n"


def _value(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)


def markdown_table(columns: list[str], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_value(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def build_exercise_models(project: Path, db: Path, number: str) -> None:
    """Put the exercise's reference models into models/exercises/ and build them."""
    from dbt_copy import run_dbt, tail

    models, runs = EXERCISE_MODELS.get(number, ([], 0))
    folder = project / "models" / "exercises"
    folder.mkdir(parents=True, exist_ok=True)
    for model in models:
        (folder / f"{model}.sql").write_text((EXERCISES / "models" / f"{model}.sql").read_text())
    for _ in range(runs):
        res = run_dbt(project, db, "run", "--select", *models)
        if res.returncode != 0:
            raise RuntimeError(f"exercise {number}: dbt run failed:\n{tail(res)}")


def exercise_answer(project: Path, db: Path, number: str) -> str:
    """The answer block of an exercise: its reference solution's result, folded away."""
    import duckdb

    (solution,) = sorted(EXERCISES.glob(f"{number}_*.sql"))
    build_exercise_models(project, db, number)
    con = duckdb.connect(str(db), read_only=True)
    try:
        cursor = con.execute(solution.read_text())
        columns = [d[0] for d in cursor.description]
        table = markdown_table(columns, cursor.fetchall())
    finally:
        con.close()
    links = [f"exercises/{solution.name}"]
    links += [f"exercises/models/{m}.sql" for m in EXERCISE_MODELS.get(number, ([], 0))[0]]
    reference = "Reference solution: " + ", ".join(f"[{link}]({link})" for link in links)
    return f"<details><summary>Answer</summary>\n\n{table}\n{reference}\n\n</details>\n"


def compute(project: Path, db: Path, wanted: set[str]) -> dict[str, str]:
    """The body of every block named in ``wanted``, from the built copy at ``project``."""
    bodies: dict[str, str] = {}
    for name in sorted(wanted):
        if name == "rows":
            manifest = json.loads((project / "seeds" / "ehp" / "manifest.json").read_text())
            bodies[name] = rows_table(manifest)
        elif name.startswith("exercise-"):
            bodies[name] = exercise_answer(project, db, name.removeprefix("exercise-"))
        elif name in FIGURES:
            bodies[name] = mf_output(project, db, name.removeprefix("mf:"), FIGURES[name])
        else:
            raise SystemExit(
                f"unknown figures block {name!r}: known are rows, {', '.join(FIGURES)}"
            )
    return bodies


def blocks(root: Path = ROOT) -> dict[Path, list[str]]:
    return {p: [m["name"] for m in BLOCK.finditer(p.read_text())] for p in pages(root)}


def rewritten(text: str, bodies: dict[str, str]) -> str:
    return BLOCK.sub(lambda m: m[1] + bodies[m["name"]] + m[4], text)


def stale(project: Path, db: Path, root: Path = ROOT) -> list[str]:
    """`page: block` for every block whose text differs from what the data says."""
    found = blocks(root)
    bodies = compute(project, db, {name for names in found.values() for name in names})
    out = []
    for page, names in found.items():
        current = {m["name"]: m["body"] for m in BLOCK.finditer(page.read_text())}
        out += [f"{page.relative_to(root)}: {n}" for n in names if current[n] != bodies[n]]
    return out


def write(project: Path, db: Path, root: Path = ROOT) -> list[Path]:
    found = blocks(root)
    bodies = compute(project, db, {name for names in found.values() for name in names})
    changed = []
    for page in found:
        text = page.read_text()
        new = rewritten(text, bodies)
        if new != text:
            page.write_text(new)
            changed.append(page)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only list the stale blocks")
    args = parser.parse_args(argv)
    from known_answers import build_default_marts

    with tempfile.TemporaryDirectory(prefix="ehp-figures-") as tmp:
        db = build_default_marts(Path(tmp))
        if args.check:
            old = stale(db.parent, db)
            for line in old:
                print(f"{line}: out of date; run `make readme-figures`")
            return 1 if old else 0
        for page in write(db.parent, db):
            print(f"wrote {page.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
