"""The standard convention tools agree with the project: dbt-score (every model, seed and
macro scores 10, pyproject.toml [tool.dbt-score]) and dbt-bouncer (dbt-bouncer.yml, from
its own venv .venv-tools/dbt-bouncer, which `make test` installs), on the manifest of the
end-to-end build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

pytestmark = pytest.mark.slow

BOUNCER = ROOT / ".venv-tools" / "dbt-bouncer" / "bin" / "dbt-bouncer"


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)


def test_dbt_score_gives_every_node_ten(built):
    dbt_score = Path(sys.executable).with_name("dbt-score")
    manifest = built / "target" / "manifest.json"
    res = run(
        [str(dbt_score), "lint", "--manifest", str(manifest), "--show", "failing-items"], ROOT
    )
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    assert "Project score: 10.0" in res.stdout.replace("\x1b[1m", "").replace("\x1b[0m", "")


def test_dbt_bouncer_finds_nothing(built, tmp_path):
    if not BOUNCER.exists():
        pytest.fail("dbt-bouncer is not installed: make .venv-tools/dbt-bouncer/.installed")
    config = tmp_path / "dbt-bouncer.yml"
    rules = (ROOT / "dbt-bouncer.yml").read_text()
    config.write_text(f"dbt_artifacts_dir: {built / 'target'}\n{rules}")
    res = run([str(BOUNCER), "--config-file", str(config)], ROOT)
    assert res.returncode == 0, res.stdout[-6000:] + res.stderr[-2000:]
    assert "All checks passed" in res.stdout
