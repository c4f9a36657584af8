from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.engine import Options, generate
from generator.load import connect


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> Path:
    """One generated hospital at a small scale, shared by the read-only tests."""
    out = tmp_path_factory.mktemp("ehp") / "seeds"
    generate(Options(scale=0.2, seed=7, out=out, workers=2))
    return out


@pytest.fixture(scope="session")
def db(small_run):
    con = connect(small_run)
    yield con
    con.close()


@pytest.fixture
def clean_env():
    return {k: v for k, v in os.environ.items() if not k.startswith("EHP_")}
