"""Same seed and options: byte-identical files, whatever the workers or the time zone."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import assert_same_bytes

from generator.engine import Options, generate


def _hashes(manifest: dict) -> dict[str, str]:
    return {code: t["sha256"] for code, t in manifest["tables"].items()}


def test_same_seed_same_bytes_whatever_the_workers(tmp_path):
    a = generate(Options(scale=0.3, seed=11, out=tmp_path / "a", workers=1))
    for workers in (2, 7):
        b = generate(Options(scale=0.3, seed=11, out=tmp_path / f"w{workers}", workers=workers))
        assert _hashes(a) == _hashes(b), workers
    for name in (tmp_path / "a").iterdir():
        if name.suffix == ".csv":
            assert_same_bytes(
                (tmp_path / "w7" / name.name).read_bytes(), name.read_bytes(), name.name
            )


@pytest.fixture(scope="module")
def single_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("single") / "ehp"
    generate(Options(scale=0.5, seed=19, out=out, workers=2))
    return out


@pytest.mark.parametrize("parts", [2, 3, 7])
def test_parts_concatenate_to_the_single_run(single_run, tmp_path, parts):
    # scale 0.5 is 3 blocks: with 7 parts some parts hold no block and write empty files
    folders = []
    for part in range(1, parts + 1):
        out = tmp_path / f"part{part}"
        generate(Options(scale=0.5, seed=19, out=out, workers=2, parts=parts, part=part))
        folders.append(out)
    for whole in sorted(single_run.glob("*.csv")):
        joined = b"".join((f / whole.name).read_bytes() for f in folders)
        assert_same_bytes(joined, whole.read_bytes(), whole.name)
    manifest = json.loads((folders[-1] / "manifest.json").read_text())
    assert (manifest["parts"], manifest["part"]) == (parts, parts)


def test_same_bytes_in_another_time_zone(tmp_path):
    env = {**os.environ, "TZ": "Pacific/Kiritimati"}
    for name, e in (("utc", {**os.environ, "TZ": "UTC"}), ("kiri", env)):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "generator",
                "--scale",
                "0.05",
                "--seed",
                "5",
                "--out",
                str(tmp_path / name),
                "--quiet",
            ],
            check=True,
            env=e,
        )
    a = json.loads((tmp_path / "utc" / "manifest.json").read_text())
    b = json.loads((tmp_path / "kiri" / "manifest.json").read_text())
    assert _hashes(a) == _hashes(b)


def test_another_seed_changes_every_generated_table(tmp_path):
    ma = generate(Options(scale=0.05, seed=1, out=tmp_path / "a"))
    a, b = _hashes(ma), _hashes(generate(Options(scale=0.05, seed=2, out=tmp_path / "b")))
    for code in a:
        if ma["tables"][code]["rows"]:
            assert a[code] != b[code], f"{code} did not change with the seed"


def test_parquet_same_bytes_whatever_the_workers(tmp_path):
    a = generate(Options(scale=0.3, seed=11, out=tmp_path / "a", fmt="parquet", workers=1))
    b = generate(Options(scale=0.3, seed=11, out=tmp_path / "b", fmt="parquet", workers=2))
    assert _hashes(a) == _hashes(b)
    files = sorted((tmp_path / "a").glob("*.parquet"))
    assert len(files) == 22
    for name in files:
        assert_same_bytes((tmp_path / "b" / name.name).read_bytes(), name.read_bytes(), name.name)
