"""Bad input is refused with one clear line before any kernel starts."""

from __future__ import annotations

import argparse
import errno
import json
import shutil
import sys
import tempfile

import papermill
import pytest
from nbclient.exceptions import CellTimeoutError
from papermill.exceptions import PapermillExecutionError

from llr_sim.cli import main
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


@pytest.mark.parametrize("where", ["/proc/llr-sim-test", "/proc/llr-sim-test/reports"])
def test_output_folder_that_cannot_be_made(where, no_kernel):
    # Root passes os.access everywhere; the folder is made and written to, for real.
    with pytest.raises(InputError, match=f"--out: cannot write to {where}"):
        batch.make_plan(["status_quo"], where)


def test_read_only_output_folder(tmp_path, monkeypatch, no_kernel):

    def read_only(*_args, **_kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    with pytest.raises(InputError, match="--out: cannot write to .*Read-only file system"):
        batch.make_plan(["status_quo"], tmp_path / "r")


def test_a_refused_plan_leaves_no_folder(tmp_path, no_kernel):
    with pytest.raises(InputError):
        batch.make_plan(["nope"], tmp_path / "a" / "b")
    assert not (tmp_path / "a").exists()


def test_years_outside_the_model_are_refused_before_any_kernel(tmp_path, no_kernel):
    args = _report_args("status_quo", "--out", str(tmp_path / "r"), "--years", "2000-2010")
    with pytest.raises(InputError) as err:
        args.handler(args)
    (line,) = _problems(err.value)
    assert line == "--years: must lie within 2023-2035, got 2000-2010"
    with pytest.raises(InputError, match="years: must lie within 2023-2035"):
        notebook.setup("02_scenario_report", scenario="harmonised", years="2024-2040")


def test_lang_error_names_the_flag(tmp_path, no_kernel):
    with pytest.raises(InputError) as err:
        batch.make_plan(["status_quo"], tmp_path / "r", lang="fr")
    (line,) = _problems(err.value)
    assert line == "--lang: expected one of nl, en, got 'fr'"


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
        "--lang",
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


# ---------------------------------------------------------------------------------------------
# A finished batch folder and the settings it was made with


def _fake_finished(plan, **changed) -> None:
    """Write every folder of ``plan`` as if a batch had finished it (no kernel)."""

    jobs = batch._jobs(plan) + [batch._comparison_job(plan, list(plan.scenarios))]
    for job in jobs:
        folder = batch.Path(job.folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "report.html").write_text("<html></html>")
        (folder / "notebook.ipynb").write_text("{}")
        record = batch.job_record(job)
        record["parameters"].update(changed)
        manifest = {"batch": record, "scenarios": list(plan.scenarios)}
        (folder / "report.json").write_text(json.dumps(manifest))


def test_a_rerun_with_the_same_settings_skips_everything(tmp_path, no_kernel):
    plan = batch.make_plan(["status_quo"], tmp_path / "b", scale=0.01, population=False)
    _fake_finished(plan)
    again = batch.make_plan(["status_quo"], tmp_path / "b", scale=0.01, population=False)
    result = batch.run_batch(again, progress=False)
    assert [s["status"] for s in result.statuses] == ["skipped", "skipped"]


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--scale", "0.02"),
        ("--seed", "1"),
        ("--lang", "en"),
        ("--years", "2024-2026"),
        ("--replicates", "3"),
    ],
)
def test_a_rerun_with_other_settings_is_refused(tmp_path, no_kernel, flag, value):

    out = tmp_path / "b"
    plan = batch.make_plan(["status_quo"], out, scale=0.01, population=False)
    _fake_finished(plan)
    args = _report_args(
        "status_quo", "--out", str(out), "--scale", "0.01", "--no-population", flag, value
    )
    with pytest.raises(InputError) as err:
        args.handler(args)
    (line,) = _problems(err.value)
    assert line.startswith("--out: holds a batch made with scale 0.01, seed 0, lang nl")
    assert line.endswith("; use --force or another folder")
    # Through the command line: exit code 2, one line, before any kernel.
    argv = ["report", "status_quo", "--out", str(out), "--scale", "0.01", "--no-population"]
    assert main([*argv, flag, value]) == 2
    # --force redoes the folders instead (the plan is accepted).
    assert batch.make_plan(["status_quo"], out, scale=0.01, population=False, force=True).force


def test_the_refusal_names_what_the_folder_was_made_with(tmp_path, capsys, no_kernel):

    out = tmp_path / "b"
    plan = batch.make_plan(["status_quo"], out, scale=0.01, population=False)
    _fake_finished(plan)
    code = main(["report", "status_quo", "--out", str(out), "--no-population"])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert "--out: holds a batch made with scale 0.01, seed 0, lang nl" in err
    assert "use --force or another folder" in err


def test_a_changed_notebook_is_refused(tmp_path, no_kernel):

    books = tmp_path / "notebooks"
    shutil.copytree(notebook.NOTEBOOK_DIR, books)
    out = tmp_path / "b"
    plan = batch.make_plan(["status_quo"], out, notebook_dir=books, population=False)
    _fake_finished(plan)
    path = books / "02_scenario_report.ipynb"
    path.write_text(path.read_text().replace("Scenariorapport", "Scenariorapport!"))
    with pytest.raises(InputError, match="another version of 02_scenario_report.ipynb"):
        batch.make_plan(["status_quo"], out, notebook_dir=books, population=False)


def test_a_folder_without_a_record_is_refused(tmp_path, no_kernel):
    out = tmp_path / "b"
    (out / "scenarios" / "status_quo").mkdir(parents=True)
    for name in ("report.html", "notebook.ipynb"):
        (out / "scenarios" / "status_quo" / name).write_text("x")
    with pytest.raises(InputError, match="--out: holds reports without a record"):
        batch.make_plan(["status_quo"], out, population=False)


# ---------------------------------------------------------------------------------------------
# The kernel


def test_the_kernel_must_import_llr_sim(monkeypatch):

    assert batch._imports_llr_sim(sys.executable)
    assert batch._imports_llr_sim("python")  # jupyter_client runs it with this interpreter
    assert not batch._imports_llr_sim("/bin/false")
    assert not batch._imports_llr_sim("no-such-python-here")
    monkeypatch.setattr(batch, "_imports_llr_sim", lambda _command: False)
    batch.kernel_name.cache_clear()
    try:
        with pytest.raises(InputError, match="^kernel: the Jupyter kernel .*cannot import llr_sim"):
            batch.kernel_name()
    finally:
        batch.kernel_name.cache_clear()


def test_a_hung_kernel_is_retried_once_but_a_notebook_error_is_not(monkeypatch):

    calls = []

    def hung_once(notebook, output, **kwargs):
        calls.append(kwargs["execution_timeout"])
        if len(calls) == 1:
            raise CellTimeoutError("no reply")

    monkeypatch.setattr(papermill, "execute_notebook", hung_once)
    batch.execute_notebook("nb.ipynb", "out.ipynb")
    assert calls == [batch.CELL_TIMEOUT_S, batch.CELL_TIMEOUT_S]

    def failing(notebook, output, **kwargs):
        calls.append("error")
        raise PapermillExecutionError(0, 1, "ValueError", "bad", "ValueError", [])

    calls.clear()
    monkeypatch.setattr(papermill, "execute_notebook", failing)
    with pytest.raises(PapermillExecutionError):
        batch.execute_notebook("nb.ipynb", "out.ipynb")
    assert calls == ["error"]
