"""`ehp-generate --verify DIR`: the files against the manifest's sizes and sha256."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from reliability import SMALL, cli, one_clean_line


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("verify") / "out"
    assert cli(*SMALL, "--out", str(out), "--quiet").returncode == 0
    return out


@pytest.fixture
def out(template, tmp_path) -> Path:
    return Path(shutil.copytree(template, tmp_path / "out"))


def test_an_intact_output_verifies(out):
    res = cli("--verify", str(out))
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"ehp-generate: 22 files in {out} match manifest.json"


def _edit_one_value(path: Path) -> None:
    lines = path.read_text().splitlines(keepends=True)
    lines[1] = lines[1].replace("1", "2", 1) if "1" in lines[1] else lines[1].replace("0", "9", 1)
    path.write_text("".join(lines))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("edit a value", "ehp_patn.csv: sha256 differs from the manifest"),
        ("append a row", "ehp_patn.csv: "),
        ("delete the file", "ehp_patn.csv: missing"),
        ("a latin-1 byte", "ehp_patn.csv: not UTF-8 (byte "),
    ],
)
def test_a_changed_file_is_named_with_exit_1(out, change, expected):
    patn = out / "ehp_patn.csv"
    if change == "edit a value":
        _edit_one_value(patn)
    elif change == "append a row":
        patn.write_bytes(patn.read_bytes() + patn.read_bytes().splitlines(keepends=True)[-1])
    elif change == "delete the file":
        patn.unlink()
    else:
        data = bytearray(patn.read_bytes())
        data[data.index(b"\n") + 5] = 0xE9
        patn.write_bytes(bytes(data))
    res = cli("--verify", str(out))
    assert res.returncode == 1
    line = one_clean_line(res)
    assert line.startswith("ehp-generate: verify failed: ") and expected in line, line


def test_a_folder_without_manifest_or_no_folder_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    for folder, expected in (
        (tmp_path / "empty", "has no manifest.json"),
        (tmp_path / "none", "is not a folder"),
    ):
        res = cli("--verify", str(folder))
        assert res.returncode == 2 and expected in one_clean_line(res)


def test_make_build_verifies_before_loading():
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    build = makefile.split("\nbuild:", 1)[1].split("\n\n", 1)[0]
    lines = [line.strip() for line in build.splitlines()[1:]]
    verify = next(i for i, line in enumerate(lines) if "--verify $(OUT)" in line)
    dbt = next(i for i, line in enumerate(lines) if "dbt build" in line or "dbt_build.py" in line)
    assert verify < dbt
