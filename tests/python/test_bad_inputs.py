"""Every bad input is refused before anything is written: exit 2, one line, no traceback,
nothing written anywhere, the previous output intact.

The many cases run the CLI's main() in this process (an exception escaping it fails the
test); a few run it as a real process to show the same line and status from outside."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from reliability import SMALL, cli, listing, one_clean_line, snapshot

from generator import cli as cli_module
from generator import interrupts, validate
from generator.scenario import Scenario, problems, setting_kinds


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("template") / "out"
    assert cli(*SMALL, "--out", str(out), "--quiet").returncode == 0
    (out / ".generate-args").write_text("a file of the user's, kept across runs\n")
    return out


@pytest.fixture
def previous(template, tmp_path) -> Path:
    """A folder holding a previous output (a copy of the module's template)."""
    out = tmp_path / "work" / "out"
    shutil.copytree(template, out)
    return out


# (arguments, what the one line must name): each run with --out at a previous output
BAD_ARGS = [
    (["--scale", "abc"], "--scale"),
    (["--scale", "0"], "--scale"),
    (["--scale", "-1"], "--scale"),
    (["--scale", "nan"], "--scale"),
    (["--scale", "inf"], "--scale"),
    (["--scale", "1e9"], "--scale must be a number from 0.01 to 100"),
    (["--scale", "0.001"], "--scale"),
    (["--seed", "-3"], "--seed"),
    (["--seed", "1.5"], "--seed"),
    (["--seed", str(2**63)], "--seed"),
    (["--start-date", "2023-13-01"], "--start-date"),
    (["--start-date", "0001-01-01"], "--start-date must be a date YYYY-MM-DD from 1900-01-01"),
    (["--end-date", "9999-12-31"], "--end-date must be a date YYYY-MM-DD from 1900-01-01"),
    (["--end-date", "yesterday"], "--end-date"),
    (["--end-date", "20241231"], "--end-date"),
    (["--start-date", "2024-06-01", "--end-date", "2024-01-01"], "--end-date"),
    (["--start-date", "2024-01-01", "--end-date", "2024-01-01"], "span 90 to 3653 days"),
    (["--start-date", "1990-01-01", "--end-date", "2024-12-31"], "span 90 to 3653 days"),
    (["--workers", "0"], "--workers"),
    (["--workers", "1000"], "--workers must be a whole number from 1 to 32"),
    (["--workers", "two"], "--workers"),
    (["--format", "xlsx"], "--format"),
    (["--parts", "0"], "--parts must be a whole number from 1 to 1000"),
    (["--parts", "two"], "--parts"),
    (["--parts", "2", "--part", "3"], "--part must be from 1 to --parts (2), got 3"),
    (["--part", "0"], "--part must be a whole number"),
    (["--parts", "2", "--format", "parquet"], "--parts needs --format csv"),
    (["--defects", "filthy"], "--defects must be one of none, light, realistic, heavy"),
    (["--defects", "realistic", "--format", "parquet"], "--defects needs --format csv"),
    (["--defects", "/no/such/rates.json"], "--defects '/no/such/rates.json' cannot be read"),
    (["--changes-since", "2024-12-31"], "--changes-since must be before --end-date"),
    (["--changes-since", "2025-01-05"], "--changes-since must be before --end-date"),
    (["--changes-since", "2022-12-31"], "--changes-since must not be before --start-date"),
    (
        ["--changes-since", "2024-12-30", "--end-date", "2025-01-02"],
        "--changes-since 2024-12-30 and --end-date 2025-01-02 must fall in the same simulated",
    ),
    (["--changes-since", "2024-02-30"], "--changes-since must be a date as YYYY-MM-DD"),
    (["--changes-since", "last week"], "--changes-since"),
    # a third year's new patients at scale 100 pass the identifiers' limit
    (["--scale", "100", "--end-date", "2025-01-01"], "registers more than 1,000,000 patients"),
    (
        ["--changes-since", "2024-06-01", "--defects", "light", "--parts", "2"],
        "--defects with --changes-since writes one part",
    ),
    (["--bogus"], "--bogus"),
    (["--scale"], "--scale"),
]

# scenario files: (file content, what the line must name)
BAD_SCENARIOS = [
    ('{"no_show_rate": 1.5}', "no_show_rate must be a number from 0 to 1"),
    ('{"no_show_rate": NaN}', "NaN is not a number JSON allows"),
    ('{"no_show_rate": Infinity}', "Infinity is not a number JSON allows"),
    ('{"no_show_rate": 1e400}', "no_show_rate must be a number"),
    ('{"blood_type_shares": {"Z+": 100}}', "blood_type_shares must be a map of blood types"),
    ('{"blood_type_shares": {}}', "blood_type_shares must be"),
    ('{"blood_type_shares": {"O+": 50, "A+": 40}}', "summing to 100"),
    ('{"female_share": true}', "female_share must be a number"),
    ('{"medicaid_share_under_65": -0.2}', "medicaid_share_under_65 must be a number from 0 to 1"),
    ('{"age_band_shares": [0.5, 0.5, 0.5, 0.5]}', "age_band_shares must be a list of 4 numbers"),
    ('{"age_band_shares": [1, 0, 0]}', "age_band_shares must be a list of 4"),
    (
        '{"ed_hourly_profile": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}',
        "ed_hourly_profile",
    ),
    (
        '{"insurer_pay_days_min": 90, "insurer_pay_days_max": 30}',
        "insurer_pay_days_min must not exceed",
    ),
    ('{"insurer_pay_days_min": 30.5}', "insurer_pay_days_min must be a whole number"),
    (
        '{"penicillin_allergy_rate": 0.5, "any_allergy_rate": 0.2}',
        "penicillin_allergy_rate must not exceed",
    ),
    ('{"no_show_rate": 0.6, "cancellation_rate": 0.6}', "no_show_rate + cancellation_rate"),
    ('{"no_show_rate": "high"}', "no_show_rate must be a number"),
    ('{"no_show_rate": null}', "no_show_rate must be a number"),
    ('{"inpatient_los_mean_days": -4}', "inpatient_los_mean_days must be a number from 1 to 30"),
    ('{"appointments_per_patient_year": 1e7}', "appointments_per_patient_year must be a number"),
    ('{"no_such_rate": 1}', 'unknown setting "no_such_rate"'),
    ("[1, 2]", "one JSON object"),
    ('{"no_show_rate": 0.2', "--scenario"),
    ("", "--scenario"),
    ('{"a": ' * 5000, "--scenario"),
]


class Result:
    def __init__(self, returncode: int, stderr: str) -> None:
        self.returncode, self.stderr = returncode, stderr


@pytest.fixture
def main(capsys, monkeypatch):
    """cli.main in this process: (exit status, stderr), pytest's signal handlers kept."""
    monkeypatch.setattr(interrupts, "install", lambda: None)

    def call(*args: str) -> Result:
        try:
            code = cli_module.main(list(args))
        except SystemExit as exc:
            code = exc.code
        return Result(code, capsys.readouterr().err)

    return call


def _refused_and_untouched(res, expected: str, out: Path, before: dict, parent: list) -> None:
    assert res.returncode == 2, res.stderr
    line = one_clean_line(res)
    assert expected in line, line
    assert snapshot(out) == before, "the previous output changed"
    assert listing(out.parent) == parent, "something was written beside the output"


@pytest.mark.parametrize(("args", "expected"), BAD_ARGS)
def test_bad_option_is_refused(main, previous, args, expected):
    before, parent = snapshot(previous), listing(previous.parent)
    res = main(*args, "--out", str(previous))
    _refused_and_untouched(res, expected, previous, before, parent)


@pytest.mark.parametrize(("content", "expected"), BAD_SCENARIOS)
def test_bad_scenario_file_is_refused(main, previous, tmp_path, content, expected):
    scenario = tmp_path / "scenario.json"
    scenario.write_text(content)
    before, parent = snapshot(previous), listing(previous.parent)
    res = main(*SMALL, "--scenario", str(scenario), "--out", str(previous))
    _refused_and_untouched(res, expected, previous, before, parent)
    assert "--scenario" in res.stderr


# --defects files of rates: (file content, what the line must name)
BAD_DEFECT_FILES = [
    ('{"wrong_sign": 0.5}', "wrong_sign must be a rate from 0 to 0.2, got 0.5"),
    ('{"wrong_sign": -0.1}', "wrong_sign must be a rate"),
    ('{"wrong_sign": NaN}', "wrong_sign must be a rate"),
    ('{"wrong_sign": true}', "wrong_sign must be a rate"),
    ('{"wrong_sign": "1%"}', "wrong_sign must be a rate"),
    ('{"typos": 0.1}', "unknown defect type 'typos'"),
    ("[0.1]", "must hold a JSON object of defect types to rates"),
    ("{}", "must hold a JSON object"),
    ('{"wrong_sign": 0.1', "is not valid JSON"),
]


@pytest.mark.parametrize(("content", "expected"), BAD_DEFECT_FILES)
def test_bad_defects_file_is_refused(main, previous, tmp_path, content, expected):
    rates = tmp_path / "rates.json"
    rates.write_text(content)
    before, parent = snapshot(previous), listing(previous.parent)
    res = main(*SMALL, "--defects", str(rates), "--out", str(previous))
    _refused_and_untouched(res, expected, previous, before, parent)
    assert "--defects" in res.stderr


def test_scenario_that_is_not_utf8_or_missing_is_refused(main, previous, tmp_path):
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"no_show_rate": 0.2, "caf\xe9": 1}')
    for path, expected in ((latin, "not UTF-8"), (tmp_path / "none.json", "cannot be read")):
        before, parent = snapshot(previous), listing(previous.parent)
        res = main(*SMALL, "--scenario", str(path), "--out", str(previous))
        _refused_and_untouched(res, expected, previous, before, parent)


def _bad_out(tmp_path: Path, case: str) -> str:
    base = tmp_path / "place"
    base.mkdir()
    if case == "empty":
        return ""
    if case == "file":
        (base / "afile").write_text("x")
        return str(base / "afile")
    if case == "below a file":
        (base / "afile").write_text("x")
        return str(base / "afile" / "below")
    if case == "dangling symlink":
        (base / "link").symlink_to(base / "missing")
        return str(base / "link")
    if case == "symlink loop":
        (base / "a").symlink_to(base / "b")
        (base / "b").symlink_to(base / "a")
        return str(base / "a" / "out")
    if case == "name too long":
        return str(base / ("n" * 256))
    if case == "holds other files":
        (base / "out").mkdir()
        (base / "out" / "notes.txt").write_text("mine")
        return str(base / "out")
    if case == "holds a folder named like a table":
        (base / "out" / "ehp_patn.csv").mkdir(parents=True)
        return str(base / "out")
    if case == "not writable":
        return "/proc/ehp-out"
    if case == "root":
        return "/"
    raise AssertionError(case)


OUT_CASES = {
    "empty": "--out must name a folder",
    "file": "is a file",
    "below a file": "is a file",
    "dangling symlink": "which does not exist",
    "symlink loop": "symlink loop",
    "name too long": "longer than 255 bytes",
    "holds other files": "holds 'notes.txt', which ehp-generate did not write",
    "holds a folder named like a table": "holds 'ehp_patn.csv'",
    "not writable": "not writable",
    "root": "mount point",
}


@pytest.mark.parametrize("case", sorted(OUT_CASES))
def test_bad_out_is_refused(tmp_path, case):
    out = _bad_out(tmp_path, case)
    place = tmp_path / "place"
    before = (
        {p.relative_to(place): p.is_dir() for p in place.rglob("*")}
        if case != "symlink loop"
        else None
    )
    res = cli(*SMALL, "--out", out, cwd=place)
    assert res.returncode == 2, res.stderr
    line = one_clean_line(res)
    assert "--out" in line and OUT_CASES[case] in line, line
    if before is not None:
        assert {p.relative_to(place): p.is_dir() for p in place.rglob("*")} == before
    assert not [p for p in place.iterdir() if p.name.startswith(".")]


def test_not_enough_free_space_is_refused_before_writing(previous, monkeypatch):
    """The estimate of the output's size against the free space (scale 50 over ten years,
    about 60 GB: skipped on a disk with more free space; scale 100 over ten years would
    register too many patients, refused before the space is looked at)."""
    need = validate.estimated_bytes(50, date(2015, 1, 1), date(2024, 12, 30))
    free = shutil.disk_usage(previous.parent).free
    if free > need * validate.SPACE_MARGIN:
        pytest.skip(f"this disk has {free:,} bytes free, more than the estimate")
    before, parent = snapshot(previous), listing(previous.parent)
    res = cli(
        "--scale",
        "50",
        "--start-date",
        "2015-01-01",
        "--end-date",
        "2024-12-30",
        "--out",
        str(previous),
    )
    _refused_and_untouched(res, "not enough free space", previous, before, parent)


def test_estimate_is_close_to_a_real_run(template):
    """The estimate is within 35 % of the bytes written (scale 0.01, two years)."""
    manifest = json.loads((template / "manifest.json").read_text())
    written = sum(t["bytes"] for t in manifest["tables"].values())
    estimate = validate.estimated_bytes(0.01, date(2023, 1, 1), date(2024, 12, 31))
    assert 0.65 < estimate / written < 1.35, (estimate, written)


def test_every_scenario_setting_declares_its_kind_and_the_defaults_pass():
    kinds = setting_kinds()
    assert set(kinds) == set(Scenario().as_dict())
    defaults = json.loads(json.dumps(Scenario().as_dict()))
    assert problems(defaults) == []


@pytest.mark.parametrize("name", sorted(setting_kinds()))
def test_each_setting_refuses_values_out_of_its_range(name):
    kind = setting_kinds()[name]
    if kind.kind in ("number", "whole"):
        for bad in (kind.lo - 1, kind.hi + 1, "1", None, True, [kind.lo]):
            assert problems({name: bad}), (name, bad)
    else:
        for bad in (1, None, "x", [], {}):
            assert problems({name: bad}), (name, bad)


def test_a_valid_scenario_file_is_used(previous, tmp_path):
    scenario = tmp_path / "busy.json"
    scenario.write_text('{"no_show_rate": 0.25, "insurer_pay_days_min": 20.0}')
    res = cli(*SMALL, "--scenario", str(scenario), "--out", str(previous), "--quiet")
    assert res.returncode == 0, res.stderr
    manifest = json.loads((previous / "manifest.json").read_text())
    assert manifest["scenario"]["no_show_rate"] == 0.25
    assert manifest["scenario"]["insurer_pay_days_min"] == 20
    assert (previous / ".generate-args").exists(), "a hidden file of the user's was lost"


# a few of the cases above, as real processes: the same one line and status from outside
PROCESS_CASES = [
    ["--scale", "1e9"],
    ["--end-date", "9999-12-31"],
    ["--workers", "1000"],
    ["--start-date", "2024-01-01", "--end-date", "2024-01-01"],
]


@pytest.mark.parametrize("args", PROCESS_CASES)
def test_a_real_process_refuses_with_one_line(previous, args):
    before, parent = snapshot(previous), listing(previous.parent)
    res = cli(*args, "--out", str(previous))
    _refused_and_untouched(res, args[0], previous, before, parent)


def test_an_empty_out_writes_nothing_in_the_working_folder(tmp_path):
    """`--out ''` used to write into the current folder."""
    res = cli(*SMALL, "--out", "", cwd=tmp_path)
    assert res.returncode == 2 and listing(tmp_path) == []
