"""`make build`: the dataset it was asked for, a one-line refusal on a locked database,
and nothing rebuilt that is already built and tested (scripts/dataset.py,
scripts/database_lock.py, scripts/dbt_build.py)."""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import time

import database_lock
import dataset
import dbt_build as build
import duckdb
import pytest
from dbt_copy import copy_project
from helpers import ROOT


@pytest.fixture(scope="module")
def tiny_dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("dataset") / "ehp"
    assert dataset.main(["--scale", "0.02", "--seed", "5", "--out", str(out)]) == 0
    return out


def options(scale="0.02", seed="5", **dates) -> dict:
    args = dataset.argparse.Namespace(
        scale=scale,
        seed=seed,
        start_date=dates.get("start", dataset.DEFAULT_START),
        end_date=dates.get("end", dataset.DEFAULT_END),
    )
    return dataset.wanted_options(args)


def test_the_dataset_asked_for_is_recognised(tiny_dataset):
    assert (
        dataset.reason_to_generate(tiny_dataset, options(), dataset.generator_code_hash()) is None
    )


@pytest.mark.parametrize(
    ("asked", "words"),
    [
        (options(seed="6"), "seed 5 instead of 6"),
        (options(scale="0.1"), "scale 0.02 instead of 0.1"),
        (options(end="2024-06-30"), "end date 2024-12-31 instead of 2024-06-30"),
    ],
)
def test_another_dataset_is_named_with_what_differs(tiny_dataset, asked, words):
    reason = dataset.reason_to_generate(tiny_dataset, asked, dataset.generator_code_hash())
    assert reason and words in reason


def test_a_custom_scenario_is_not_the_default(tiny_dataset):
    asked = options()
    asked["scenario"] = {**asked["scenario"], "no_show_rate": 0.3}
    reason = dataset.reason_to_generate(tiny_dataset, asked, dataset.generator_code_hash())
    assert "scenario" in reason


def test_a_dirty_dataset_is_never_built_as_the_clean_one(tiny_dataset, tmp_path):
    dirty = tmp_path / "ehp"
    subprocess.run(["cp", "-r", str(tiny_dataset), str(dirty)], check=True)
    manifest = json.loads((dirty / "manifest.json").read_text())
    manifest["defects"] = {"profile": "realistic", "rates": {"wrong_sign": 0.005}}
    (dirty / "manifest.json").write_text(json.dumps(manifest))
    reason = dataset.reason_to_generate(dirty, options(), dataset.generator_code_hash())
    assert reason and "defects (realistic) instead of clean data" in reason


def test_changed_generator_code_or_a_damaged_file_regenerates(tiny_dataset, tmp_path):
    assert "code changed" in dataset.reason_to_generate(tiny_dataset, options(), "0" * 64)
    copy = tmp_path / "ehp"
    subprocess.run(["cp", "-r", str(tiny_dataset), str(copy)], check=True)
    with (copy / "ehp_patn.csv").open("a") as f:
        f.write("extra\n")
    reason = dataset.reason_to_generate(copy, options(), dataset.generator_code_hash())
    assert "ehp_patn.csv" in reason


def test_rerun_says_what_it_found_without_generating(tiny_dataset, capsys):
    before = (tiny_dataset / "manifest.json").stat().st_mtime_ns
    assert dataset.main(["--scale", "0.02", "--seed", "5", "--out", str(tiny_dataset)]) == 0
    assert "already generated" in capsys.readouterr().out
    assert (tiny_dataset / "manifest.json").stat().st_mtime_ns == before


def test_bad_input_is_refused_by_the_generator_in_one_line(tmp_path):
    res = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "dataset.py"),
            "--scale",
            "-1",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2
    assert res.stdout == ""
    assert len(res.stderr.strip().splitlines()) == 1 and "--scale" in res.stderr


@contextlib.contextmanager
def held_open(database):
    """Another process holding the database open read-only, as a notebook would."""
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys, time; c = duckdb.connect({str(database)!r}, read_only=True);"
            " print('open', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout.readline().strip() == "open"
        try:
            yield holder
        finally:
            holder.kill()


def test_a_locked_database_is_one_line_naming_the_holder(tmp_path):
    database = tmp_path / "held.duckdb"
    duckdb.connect(str(database)).close()
    assert database_lock.lock_problem(database) is None
    with held_open(database) as holder:
        res = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "database_lock.py"), str(database)],
            capture_output=True,
            text=True,
        )
    assert res.returncode == database_lock.EXIT_LOCKED
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert f"process {holder.pid} (" in lines[0] and "close that connection" in lines[0]
    assert database_lock.lock_problem(database) is None  # free again once closed


def test_a_missing_database_is_free(tmp_path):
    assert database_lock.lock_problem(tmp_path / "none.duckdb") is None
    assert not (tmp_path / "none.duckdb").exists()


@pytest.fixture
def project(tmp_path, monkeypatch, tiny_dataset):
    """A copy of the dbt project as if `dbt build` had just passed in it."""
    copy_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EHP_DUCKDB_PATH", raising=False)
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "manifest.json").write_text("{}")
    duckdb.connect("proactivehealth.duckdb").close()
    manifest = tiny_dataset / "manifest.json"
    build.record_success([], manifest)
    return manifest


def plan_now(manifest, dbt_args=()) -> tuple[str, str]:
    previous = json.loads(build.STAMP.read_text())
    return build.plan(previous, build.current_stamp(list(dbt_args), manifest))


def test_no_change_skips_dbt(project, capsys):
    assert plan_now(project)[0] == "skip"
    started = time.monotonic()
    assert build.main(["--data-manifest", str(project)]) == 0
    assert time.monotonic() - started < 5
    assert "dbt build skipped" in capsys.readouterr().out


def test_a_changed_model_builds_it_and_its_descendants(project):
    with (ROOT / "models" / "marts" / "core" / "dim_patients.sql").open() as f:
        original = f.read()
    (build.Path("models/marts/core/dim_patients.sql")).write_text(original + "\n-- edited\n")
    mode, reason = plan_now(project)
    assert mode == "modified"
    assert "models/marts/core/dim_patients.sql" in reason


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda m: m.write_text(m.read_text() + " "), "dataset changed"),
        (lambda m: build.Path("proactivehealth.duckdb").unlink(), "does not exist"),
        (lambda m: build.Path("proactivehealth.duckdb").write_bytes(b"x"), "another command"),
    ],
)
def test_new_data_or_a_touched_database_rebuilds_everything(project, tmp_path, change, words):
    manifest = tmp_path / "manifest-copy.json"
    manifest.write_bytes(project.read_bytes())
    build.record_success([], manifest)
    change(manifest)
    mode, reason = plan_now(manifest)
    assert (mode, words in reason) == ("full", True), reason


def test_other_dbt_arguments_rebuild_everything(project):
    assert plan_now(project, ["--vars", "{ehp_loader: duckdb}"])[0] == "full"


def test_a_locked_database_stops_the_build_before_dbt(project, capsys):
    build.Path("models/overview.md").write_text("changed\n")
    with held_open(build.Path("proactivehealth.duckdb").resolve()):
        status = build.main(["--data-manifest", str(project)])
    assert status == database_lock.EXIT_LOCKED
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "proactivehealth.duckdb is open in process" in err[0]


def test_the_makefile_shares_dbts_profile_with_plain_dbt():
    """make must not point dbt at another profile or database than plain `dbt` in the
    project folder uses: dbt would then re-parse the whole project on every switch."""
    makefile = (ROOT / "Makefile").read_text()
    assert not re.search(r"^export (DBT_PROFILES_DIR|EHP_DUCKDB_PATH)", makefile, re.M)
    assert "database_lock.py" in makefile
    # sqlfluff's dbt parses with another database: it must not leave its parse in target/
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "DBT_TARGET_PATH=" in lint
