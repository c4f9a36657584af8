"""The generator on a cluster: its parts run as the tasks of a Spark job (local[2]) and
joined by scripts/spark_parts.py are byte for byte the single-machine run, manifest too,
and pass ``ehp-generate --verify``."""

from __future__ import annotations

import os
import subprocess
import sys

import engines
import pytest
from helpers import ROOT, assert_same_bytes

from generator.engine import Options, generate

pytestmark = pytest.mark.slow


def test_spark_tasks_join_to_the_single_run(tmp_path):
    single = tmp_path / "single"
    generate(Options(scale=0.5, seed=3, out=single, workers=2))
    env = {**os.environ, **engines.spark_env(), "PYSPARK_PYTHON": sys.executable}
    joined = tmp_path / "joined"
    cmd = [sys.executable, str(ROOT / "scripts" / "spark_parts.py"), "--parts", "3",
           "--out", str(joined), "--scale", "0.5", "--seed", "3", "--master", "local[2]"]  # fmt: skip
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-3000:]
    assert "3 tasks" in res.stdout
    files = sorted(p.name for p in single.iterdir() if not p.name.startswith("."))
    assert files == sorted(p.name for p in joined.iterdir() if not p.name.startswith("."))
    for name in files:
        assert_same_bytes((joined / name).read_bytes(), (single / name).read_bytes(), name)
    verify = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "ehp-generate"), "--verify", str(joined)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert verify.returncode == 0, verify.stdout + verify.stderr
