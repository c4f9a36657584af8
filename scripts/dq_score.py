"""`make dq-score`: the data-quality layer scored against the ground truth (docs/defects.md).

Generates the default hospital (scale 0.1, seed 42) with `--defects realistic` into its
own folder (dq/ehp), builds the dbt project on it into its own DuckDB file
(dq/proactivehealth_dq.duckdb, dbt's files in dq/target and dq/logs: seeds/ehp, the
default database and target/ are never touched), and prints the scorecard: per defect
type, injected, detected, precision and recall.

    python scripts/dq_score.py [--write] [--check]

--write keeps the scorecard as the known answer (tests/known_answers/), --check compares
with it (exit 1 if it differs); exit 1 too if the build fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
PROFILE, SCALE, SEED = "realistic", 0.1, 42
ANSWER = ROOT / "tests" / "known_answers" / f"dq_scorecard_{PROFILE}_seed{SEED}_scale{SCALE}.json"
DQ_VARS = {"ehp_loader": "duckdb", "ehp_defects": True}
COLUMNS = ("defect_type", "injected", "detected", "true_positives", "precision", "recall")


def generate_dirty(folder: Path, scale: float = SCALE, seed: int = SEED) -> None:
    """The hospital with the realistic defects, written into ``folder``."""
    command = [str(Path(sys.executable).with_name("ehp-generate")), "--quiet"]
    command += ["--scale", str(scale), "--seed", str(seed), "--defects", PROFILE]
    subprocess.run([*command, "--out", str(folder)], check=True)


def build(project: Path, folder: Path, work: Path) -> subprocess.CompletedProcess:
    """dbt build of ``project`` on the dirty files in ``folder``, everything dbt writes
    (database, target, logs) in ``work``."""
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(project),
        "EHP_DUCKDB_PATH": str(work / "proactivehealth_dq.duckdb"),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
    }
    dbt_vars = json.dumps({**DQ_VARS, "ehp_raw_path": str(folder)})
    command = [str(Path(sys.executable).with_name("dbt")), "build", "--vars", dbt_vars]
    return subprocess.run(
        [*command, "--project-dir", str(project)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )


def scorecard(work: Path) -> list[dict]:
    """The scorecard the build left in ``work``'s database, one dict per defect type."""
    con = duckdb.connect(str(work / "proactivehealth_dq.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select defect_type, injected, detected, true_positives, "
            "cast(detection_precision as double), cast(detection_recall as double) "
            "from intermediate.int_quality_scorecard order by defect_type"
        ).fetchall()
    finally:
        con.close()
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows]


def render(rows: list[dict]) -> str:
    """The scorecard as an aligned text table."""
    shown = [[_cell(row[c]) for c in COLUMNS] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in shown)) for i, c in enumerate(COLUMNS)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in shown]
    return "\n".join(lines)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def answer(rows: list[dict]) -> dict:
    return {"profile": PROFILE, "scale": SCALE, "seed": SEED, "scorecard": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="keep it as the known answer")
    parser.add_argument("--check", action="store_true", help="compare with the known answer")
    args = parser.parse_args(argv)
    work = ROOT / "dq"
    print(f"dq-score: generating scale {SCALE}, seed {SEED}, --defects {PROFILE} into dq/ehp")
    generate_dirty(work / "ehp")
    print("dq-score: dbt build on it into dq/proactivehealth_dq.duckdb (tests warn)")
    res = build(ROOT, work / "ehp", work)
    if res.returncode != 0:
        sys.stderr.write(res.stdout[-6000:] + res.stderr[-2000:])
        sys.stderr.write("dq-score: the dbt build failed (above)\n")
        return 1
    rows = scorecard(work)
    print(render(rows))
    if args.write:
        ANSWER.write_text(json.dumps(answer(rows), indent=2) + "\n")
        print(f"dq-score: written to {ANSWER.relative_to(ROOT)}")
    if args.check and json.loads(ANSWER.read_text()) != answer(rows):
        sys.stderr.write(f"dq-score: the scorecard differs from {ANSWER.relative_to(ROOT)}\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
