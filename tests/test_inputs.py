"""One check per input, the same at every entry point: the API, run, report, sweep, notebooks.

The table below goes through each entry point. A refused value gives exit code 2 and one line
on stderr naming the field as the user typed it (``--scale``), or an InputError naming it
(``scale``); an accepted value gets as far as the work, which is replaced by a stand-in that
stops there (nothing is simulated, no kernel starts).
"""

from __future__ import annotations

import subprocess
import sys
import types
from dataclasses import replace

import numpy as np
import pytest

from llr_sim import inputs, simulation
from llr_sim.analysis import sweep
from llr_sim.cli import main
from llr_sim.errors import InputError, InputErrors
from llr_sim.inputs import (
    DEFAULT_YEARS,
    check_replicates,
    check_run_inputs,
    check_scale,
    check_seed,
    check_years,
    resolve_scenario,
)
from llr_sim.population import synthesis
from llr_sim.reporting import batch, notebook
from llr_sim.simulation import simulate

HUGE = "9" * 400

# (field, value as typed on the command line, value as given in Python, accepted?)
CASES = [
    ("scale", "0.01", 0.01, True),
    ("scale", "1", 1, True),
    ("scale", "0.0005", 0.0005, True),
    ("scale", "0.0004", 0.0004, False),  # too small for every targeted group
    ("scale", "1e-9", 1e-9, False),
    ("scale", "0", 0.0, False),
    ("scale", "-0.1", -0.1, False),
    ("scale", "1.5", 1.5, False),
    ("scale", "nan", float("nan"), False),
    ("scale", "inf", float("inf"), False),
    ("scale", "abc", "abc", False),
    ("seed", "0", 0, True),
    ("seed", "7", np.int64(7), True),
    ("seed", str(2**63 - 1), 2**63 - 1, True),
    ("seed", str(2**63), 2**63, False),
    ("seed", HUGE, int(HUGE), False),
    ("seed", "-1", -1, False),
    ("seed", "1.5", 1.5, False),
    ("seed", "x", "x", False),
    ("replicates", "1", 1, True),
    ("replicates", "1000", 1000, True),
    ("replicates", "0", 0, False),
    ("replicates", "1001", 1001, False),
    ("replicates", "10000", 10000, False),
    ("replicates", "2.5", 2.5, False),
    ("replicates", "x", "x", False),
    ("years", "2024-2030", range(2024, 2031), True),
    ("years", "2023", [2023, 2023], True),
    ("years", "2035", 2035, True),
    ("years", "2023-2035", (2023, 2035), True),
    ("years", "2022-2030", range(2022, 2031), False),
    ("years", "2024-2036", [2024, 2036], False),
    ("years", "2030-2024", [2030, 2024], False),
    ("years", "2024-2030-2031", [2024, 2026, 2027], False),
    ("years", "x", "x", False),
]
IDS = [f"{field}={text[:12]}-{'ok' if ok else 'refused'}" for field, text, _, ok in CASES]


class Accepted(BaseException):
    """Raised by the stand-in for the work: the inputs were accepted (not an Exception, so the
    CLI's last line of defence does not turn it into exit code 1)."""


def _stop(*_args, **_kwargs):
    raise Accepted


def _fake_module(monkeypatch, name: str, **functions) -> None:
    module = types.ModuleType(name)
    for key, function in functions.items():
        setattr(module, key, function)
    monkeypatch.setitem(sys.modules, name, module)


@pytest.fixture
def no_work(monkeypatch):
    """Every command's work replaced by a stop: simulate, the batch, the sweep, the synthesis."""

    _fake_module(monkeypatch, "llr_sim.simulation", simulate=_stop)
    _fake_module(monkeypatch, "llr_sim.calibration", calibrate=_stop, format_report=str)
    monkeypatch.setattr(batch, "run_batch", _stop)
    monkeypatch.setattr(batch, "run_job", _stop)
    monkeypatch.setattr(batch, "run_job_in_process", _stop)
    monkeypatch.setattr(sweep, "run_sweep", _stop)
    monkeypatch.setattr(synthesis, "synthesise_population", _stop)


def _cli(capsys, argv: list[str]) -> tuple[bool, list[str]]:
    """Run the command in-process: (accepted, stderr lines)."""
    try:
        code = main(argv)
    except Accepted:
        return True, capsys.readouterr().err.strip().splitlines()
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2, (argv, code, err)
    return False, err


COMMANDS = {
    "run": lambda out: ["run", "status_quo", "--out", str(out / "run")],
    "report": lambda out: ["report", "status_quo", "--out", str(out / "report"), "--quiet"],
    "sweep": lambda out: ["sweep", "status_quo", "--out", str(out / "sweep"), "--quiet"],
    "population": lambda out: ["population", "--out", str(out / "p.parquet"), "--quiet"],
    "calibrate": lambda out: ["calibrate", "--check", "--quiet"],
}
TAKES = {
    "run": {"scale", "seed", "years", "replicates"},
    "report": {"scale", "seed", "years", "replicates"},
    "sweep": {"scale", "seed", "years", "replicates"},
    "population": {"scale", "seed"},
    "calibrate": {"scale", "seed"},
}


@pytest.mark.parametrize(("field", "text", "value", "ok"), CASES, ids=IDS)
def test_every_entry_point_agrees(field, text, value, ok, tmp_path, capsys, no_work):

    # The API's check, with the value as Python gives it and as text.
    for given in (value, text):
        try:
            check_run_inputs(**{field: given})
            accepted, where = True, None
        except InputError as err:
            accepted, where = False, err.where
        assert accepted is ok, (field, given)
        assert where in (None, field)

    # The notebooks' parameters (the report folder is made only when everything is good).
    folder = tmp_path / "notebook"
    try:
        notebook.setup(
            "02_scenario_report", scenario="status_quo", output_dir=folder, **{field: value}
        )
        accepted = True
    except InputError as err:
        accepted = False
        assert err.where == field
        assert not folder.exists()
    assert accepted is ok

    # Every command that takes the field: exit code 2 and one line naming the flag, or on to
    # the work.
    for command, argv in COMMANDS.items():
        if field not in TAKES[command]:
            continue
        out = tmp_path / command
        out.mkdir()
        accepted, err = _cli(capsys, [*argv(out), f"--{field}", text])
        assert accepted is ok, (command, text, err)
        if not ok:
            assert len(err) == 1, (command, err)
            assert err[0].startswith(f"llr-sim: error: --{field}: "), (command, err)
            assert len(err[0]) < 200
            assert list(out.iterdir()) == [], (command, "wrote something")


@pytest.mark.parametrize(("field", "text", "value", "ok"), [c for c in CASES if not c[3]])
def test_simulate_refuses_what_the_commands_refuse(field, text, value, ok):

    with pytest.raises(InputError) as err:
        simulate("status_quo", **{field: value})
    assert str(err.value).startswith(f"{field}: ")


def test_simulate_uses_these_checks():

    assert simulation.check_years is check_years
    assert simulation.check_replicates is check_replicates
    assert simulation.resolve_scenario is resolve_scenario
    assert synthesis.check_scale is check_scale and synthesis.check_seed is check_seed


@pytest.mark.parametrize("flag", [["--scale", "1e-9"], ["--replicates", "10000"]])
def test_report_refuses_at_once_and_writes_nothing(flag, tmp_path, capsys, monkeypatch):

    monkeypatch.setattr(batch, "run_job", _stop)
    monkeypatch.setattr(batch, "run_job_in_process", _stop)
    out = tmp_path / "x"
    code = main(["report", "status_quo", *flag, "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith(f"llr-sim: error: {flag[0]}: ")
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_every_problem_of_a_run_at_once(tmp_path, capsys):
    code = main(
        ["run", "nope", "--scale", "2", "--seed", "-1", "--years", "2040", "--replicates", "0"]
    )
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert [line.removeprefix("llr-sim: error: ").split(":")[0] for line in lines] == [
        "nope",
        "--scale",
        "--seed",
        "--years",
        "--replicates",
    ]


# ---------------------------------------------------------------------------------------------
# The checks themselves


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, DEFAULT_YEARS),
        ("", DEFAULT_YEARS),
        (range(2024, 2027), range(2024, 2027)),
        ("2024-2026", range(2024, 2027)),
        (" 2024 .. 2026 ", range(2024, 2027)),
        ("2025", range(2025, 2026)),
        (2025, range(2025, 2026)),
        ([2024, 2030], range(2024, 2031)),
        ((2024, 2030), range(2024, 2031)),
        ([2024, 2025, 2026], range(2024, 2027)),
        (np.arange(2024, 2027), range(2024, 2027)),
        (["2024", "2026"], range(2024, 2027)),
    ],
)
def test_years_accepted(value, expected):
    assert check_years(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (range(2024, 2030, 2), "increasing and contiguous"),
        (range(2024, 2024), "no years given"),
        ([], "no years given"),
        ([2024, 2026, 2027], "increasing and contiguous"),
        ([2026, 2025, 2024], "increasing and contiguous"),
        ("2030-2024", "the last year 2024 is before the first 2030"),
        ("2000-2010", "must lie within 2023-2035, got 2000-2010"),
        ("2040", "must lie within 2023-2035, got 2040"),
        ("2024-2030-2031", "expected FIRST-LAST such as 2024-2030"),
        ({"start": 2024}, "expected FIRST-LAST such as 2024-2030"),
        (True, "expected FIRST-LAST"),
        ([2024.5, 2026], "expected years such as 2024"),
    ],
)
def test_years_refused(value, message):
    with pytest.raises(InputError, match=message) as err:
        check_years(value, "--years")
    assert err.value.where == "--years"


def test_whole_numbers():
    assert check_seed(np.int64(3)) == 3 and check_seed(3.0) == 3 and check_seed(" 4 ") == 4
    for bad in (True, 3.5, float("nan"), None, [1], "3.0", "1e3"):
        with pytest.raises(InputError) as err:
            check_seed(bad)
        assert err.value.where == "seed"
    with pytest.raises(InputError, match="must be below 2\\*\\*63"):
        check_seed(HUGE)
    with pytest.raises(InputError, match="out of range: a number of 5000 digits"):
        check_seed("9" * 5000)  # more digits than int() reads: refused, not a crash
    for huge in (10**5000, -(10**5000)):  # more digits than str() writes: a short message
        with pytest.raises(InputError, match="got a (negative )?number of about 5001 digits$"):
            check_seed(huge)
        with pytest.raises(InputError, match="digits"):
            check_years([2024, huge])
        with pytest.raises(InputError, match="digits"):
            check_replicates(huge)
    with pytest.raises(InputError, match="^replicates: must be 1-1000, got 0$"):
        check_replicates(0)
    with pytest.raises(InputError, match="^--jobs: must be 1 or more, got 0$"):
        inputs.check_whole_number("0", "--jobs", 1)
    with pytest.raises(InputError, match="^--workers: must be between 1 and 256, got 300$"):
        inputs.check_whole_number(300, "--workers", 1, 256)


def test_scale_messages():
    with pytest.raises(
        InputError, match="^--scale: must be greater than 0 and at most 1, got -1.0$"
    ):
        check_scale("-1", "--scale")
    with pytest.raises(InputError, match="^scale: 1e-09 is too small to represent every"):
        check_scale(1e-9)
    with pytest.raises(InputError, match="^scale: must be a number, got None$"):
        check_scale(None)
    with pytest.raises(InputError, match="at most 1"):
        check_scale(10**400)  # too large for a float: refused, not a crash
    assert check_scale(np.float32(0.5)) == 0.5 and check_scale(" 0.01 ") == 0.01


def test_all_inputs_at_once():
    with pytest.raises(InputErrors) as err:
        check_run_inputs(
            scenarios=["status_quo", "nope", "status_quo"], scale=0, seed=-1, years="x"
        )
    assert [p.where for p in err.value.problems] == ["nope", "status_quo", "scale", "seed", "years"]
    assert "given twice" in str(err.value.problems[1])
    checked = check_run_inputs(scale="0.02", seed="3", years=None, replicates="2")
    assert (checked.scale, checked.seed, checked.years, checked.replicates) == (
        0.02,
        3,
        DEFAULT_YEARS,
        2,
    )


def test_a_scenario_path_is_found_from_anywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_scenario("scenarios/harmonised.yaml").name == "harmonised"
    assert resolve_scenario("harmonised").name == "harmonised"
    with pytest.raises(InputError, match="^scenarios/nope.yaml: no scenario file"):
        resolve_scenario("scenarios/nope.yaml")
    with pytest.raises(InputError, match="^scenario: expected a scenario name, path or Scenario"):
        resolve_scenario(3)


def test_a_scenario_object_has_its_behaviour_checked():

    scenario = resolve_scenario("portfolio")
    assert resolve_scenario(scenario) is scenario
    changed = replace(
        scenario, behaviour={"awareness.nonsense": 1.0, "awareness.word_of_mouth": "x"}
    )
    with pytest.raises(InputErrors) as err:
        resolve_scenario(changed)
    lines = [str(p) for p in err.value.problems]
    assert lines == [
        "portfolio: behaviour.awareness.word_of_mouth: expected a number, got 'x'",
        "portfolio: behaviour.awareness.nonsense: unknown behaviour parameter",
    ]


def test_the_inputs_module_is_light():
    code = (
        "import sys, llr_sim.inputs, llr_sim.cli; llr_sim.cli.build_parser(); "
        "heavy = ('pandas', 'llr_sim.model', 'llr_sim.simulation', 'papermill', 'distributed', "
        "'llr_sim.population.synthesis', 'llr_sim.reporting.batch'); "
        "print([m for m in heavy if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_refused_report_loads_neither_papermill_nor_the_charts_nor_the_model(tmp_path):
    out = tmp_path / "x"
    code = (
        "import sys; from llr_sim.cli import main; "
        f"code = main(['report', 'status_quo', '--replicates', '10000', '--out', {str(out)!r}]); "
        "print(code, [m for m in ('papermill', 'matplotlib', 'llr_sim.model') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "2 []"
    assert done.stderr.strip() == "llr-sim: error: --replicates: must be 1-1000, got 10000"
    assert not out.exists()
