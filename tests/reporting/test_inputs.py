"""Bad input is refused with one clear line before any kernel starts."""

from __future__ import annotations

import argparse
import os

import pytest

from llr_sim.errors import InputError
from llr_sim.reporting import batch, commands, notebook


def _report_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    commands.add_subcommands(parser.add_subparsers())
    return parser.parse_args(["report", *argv])


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail the test if anything tries to run a notebook."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(batch, "run_job", refuse)
    monkeypatch.setattr(batch, "run_job_in_process", refuse)


def _problems(err: InputError) -> list[str]:
    return [str(p) for p in getattr(err, "problems", [err])]


def test_unknown_notebook_parameter(tmp_path, no_kernel):
    args = _report_args("status_quo", "--out", str(tmp_path / "r"), "--param", "colour=red")
    with pytest.raises(InputError) as err:
        args.handler(args)
    (line,) = _problems(err.value)
    assert line.startswith("--param colour: unknown notebook parameter")
    assert "\n" not in line
    assert "\n" not in line
    assert not (tmp_path / "r").exists()


def test_a_parameter_the_batch_sets_itself(tmp_path, no_kernel):
    with pytest.raises(InputError, match="--param scale: set by the batch"):
        batch.make_plan(["status_quo"], tmp_path, params=["scale=0.5"])


def test_notebook_parameters_are_checked_against_the_notebook():
    path = notebook.NOTEBOOK_DIR / "02_scenario_report.ipynb"
    batch.check_parameters(path, {"scenario": "harmonised", "scale": 0.01})
    with pytest.raises(InputError, match="parameter scenarios: unknown notebook parameter"):
        batch.check_parameters(path, {"scenarios": ["a"]})


def test_bad_scenario_path(tmp_path, no_kernel):
    args = _report_args("scenarios/nope.yaml", "--out", str(tmp_path / "r"))
    with pytest.raises(InputError) as err:
        args.handler(args)
    (line,) = _problems(err.value)
    assert "scenarios/nope.yaml" in line and "no scenario file" in line


def test_invalid_scenario_file(tmp_path, no_kernel):
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: broken\nlabel: {nl: x}\n")
    with pytest.raises(InputError) as err:
        batch.make_plan([str(bad)], tmp_path / "r")
    assert any("label.en" in p for p in _problems(err.value))


def test_output_folder_under_a_file(tmp_path, no_kernel):
    blocker = tmp_path / "file"
    blocker.write_text("")
    args = _report_args("status_quo", "--out", str(blocker / "reports"))
    with pytest.raises(InputError, match="--out: .* is a file, not a folder"):
        args.handler(args)


def test_unwritable_output_folder(tmp_path, monkeypatch, no_kernel):
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, m: False if str(p) == str(locked) else real_access(p, m)
    )
    with pytest.raises(InputError, match="--out: cannot write to"):
        batch.make_plan(["status_quo"], locked / "r")


def test_every_problem_at_once(tmp_path, no_kernel):
    with pytest.raises(InputError) as err:
        batch.make_plan(
            ["nope", "status_quo"], tmp_path, scale="2", seed=-1, lang="fr", years="2030-2024"
        )
    lines = _problems(err.value)
    assert [line.split(":")[0] for line in lines] == [
        "nope",
        "--scale",
        "--seed",
        "--years",
        "lang",
    ]


def test_notebook_setup_checks_its_parameters(tmp_path):
    with pytest.raises(InputError, match="scale: must be greater than 0"):
        notebook.setup("02_scenario_report", scenario="harmonised", scale=0)
    with pytest.raises(InputError, match="colour: unknown notebook parameter"):
        notebook.setup("02_scenario_report", colour="red")
    found = notebook.setup(
        "02_scenario_report",
        scenario="scenarios/harmonised.yaml",
        years="2024-2026",
        output_dir=tmp_path / "o",
    )
    assert found.scenario.name == "harmonised"
    assert found.simulate_kwargs["years"] == range(2024, 2027)
