import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from llr_sim.analysis.sweep import parse_grid, plan_tasks, replicate_seeds, run_sweep
from llr_sim.cli import main
from llr_sim.errors import InputError

GRID = ["behaviour.awareness.overview_multiplier=1.0,1.5"]
COMMON = dict(replicates=2, scale=0.002, years=(2023, 2024), seed=5)


def test_parse_grid_is_the_product_of_the_axes():
    grid = parse_grid(["behaviour.a.b=1,2", "behaviour.c.d=0.5,0.7,0.9"])
    assert len(grid) == 6
    assert grid[0] == (("a.b", 1.0), ("c.d", 0.5))
    assert parse_grid([]) == [()]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("awareness.base=1,2", "is not behaviour.PATH=a,b,c"),
        ("behaviour.awareness.base", "is not behaviour.PATH=a,b,c"),
        ("behaviour.awareness.base=0.1,x", "'x' is not a number"),
        ("behaviour.awareness.base=0.1,0.1", "repeated values"),
        ("behaviour.awareness.base=inf", "not a finite number"),
    ],
)
def test_malformed_grid(item, message):
    with pytest.raises(InputError, match=message) as err:
        parse_grid([item])
    assert err.value.where == "--grid"


def test_seeds_per_replicate_are_shared_across_scenarios_and_grid_points():
    tasks = plan_tasks(["a", "b"], [(("x.y", 1.0),), (("x.y", 2.0),)], 3, seed=9)
    assert len(tasks) == 12
    assert {t.seed for t in tasks if t.replicate == 1} == {replicate_seeds(9, 3)[1]}
    assert len({t.task_id for t in tasks}) == 12


def test_same_table_with_one_and_two_workers(tmp_path):
    one = run_sweep(["status_quo"], tmp_path / "one", grid=parse_grid(GRID), workers=1, **COMMON)
    two = run_sweep(["status_quo"], tmp_path / "two", grid=parse_grid(GRID), workers=2, **COMMON)
    a, b = pd.read_parquet(one), pd.read_parquet(two)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert set(a["grid_point"]) == {
        "awareness.overview_multiplier=1",
        "awareness.overview_multiplier=1.5",
    }
    assert set(a["replicate"]) == {0, 1}
    # Replicates differ (fresh draws); the grid point changes the results.
    cost = a[
        (a.indicator == "users")
        & (a.group_by == "all")
        & (a.instrument == "all")
        & (a.year == 2024)
    ].set_index(["grid_point", "replicate"])["value"]
    assert cost.nunique() == 4


def test_unknown_grid_parameter_is_refused_before_any_work(tmp_path):
    with pytest.raises(InputError, match="unknown behaviour parameter") as err:
        run_sweep(
            ["status_quo"], tmp_path / "s", grid=parse_grid(["behaviour.awarenes.base=1"]), **COMMON
        )
    assert err.value.where.startswith("--grid")
    assert not (tmp_path / "s").exists()


def test_unreachable_scheduler_fails_within_seconds(capsys, tmp_path):
    start = time.perf_counter()
    code = main(
        [
            "sweep",
            "status_quo",
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--scale",
            "0.002",
            "--out",
            str(tmp_path / "s"),
        ]
    )
    assert code == 2
    assert time.perf_counter() - start < 20
    err = capsys.readouterr().err
    assert "--scheduler: cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
    assert not (tmp_path / "s").exists()


def test_malformed_grid_through_the_cli(capsys, tmp_path):
    code = main(["sweep", "status_quo", "--grid", "behaviour.x=1,,2", "--out", str(tmp_path / "s")])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "llr-sim: error: --grid: 'behaviour.x=1,,2' is not behaviour.PATH=a,b,c "
        "(numbers, comma-separated)"
    )


def test_a_killed_sweep_resumes_without_redoing_finished_tasks(tmp_path):
    out = tmp_path / "sweep"
    args = [
        sys.executable,
        "-m",
        "llr_sim.cli",
        "sweep",
        "status_quo",
        "portable_budget",
        "--replicates",
        "2",
        "--scale",
        "0.002",
        "--years",
        "2023-2024",
        "--seed",
        "5",
        "--workers",
        "1",
        "--out",
        str(out),
        "--quiet",
    ]
    proc = subprocess.Popen(args, start_new_session=True)
    tasks = out / "tasks"
    deadline = time.time() + 240
    while time.time() < deadline and not (tasks.exists() and list(tasks.glob("[!.]*.parquet"))):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    # Finished tasks only: a task killed while writing leaves a hidden temporary file.
    done = {p.name: p.stat().st_mtime_ns for p in tasks.glob("[!.]*.parquet")}
    assert 1 <= len(done) < 4, "the sweep should have been killed part-way"
    assert not (out / "sweep.parquet").exists()
    result = subprocess.run(args, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    after = {p.name: p.stat().st_mtime_ns for p in tasks.glob("[!.]*.parquet")}
    assert len(after) == 4
    for name, mtime in done.items():
        assert after[name] == mtime, "a finished task was redone"
    resumed = pd.read_parquet(out / "sweep.parquet")
    fresh = run_sweep(
        ["status_quo", "portable_budget"],
        tmp_path / "fresh",
        workers=1,
        replicates=2,
        scale=0.002,
        years=(2023, 2024),
        seed=5,
    )
    pd.testing.assert_frame_equal(resumed, pd.read_parquet(fresh), check_exact=True)


def test_a_changed_scenario_is_not_mixed_into_a_finished_sweep(tmp_path):
    scenario = tmp_path / "mine.yaml"
    text = (
        "name: mine\nlabel: {nl: Mijn, en: Mine}\ndescription: a test scenario\n"
        "extends: status_quo\npolicy:\n  opleidingsverlof.hours.standard: 125\n"
    )
    scenario.write_text(text)
    out = tmp_path / "sweep"
    run_sweep([str(scenario)], out, workers=1, replicates=1, scale=0.002, years=(2023, 2023))
    scenario.write_text(text.replace("125", "150"))
    with pytest.raises(InputError, match="holds a different sweep") as err:
        run_sweep([str(scenario)], out, workers=1, replicates=1, scale=0.002, years=(2023, 2023))
    assert err.value.where == "--out"


def test_an_out_folder_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError) as err:
        run_sweep(["status_quo"], blocker / "sweep", workers=1, scale=0.002, years=(2023, 2023))
    assert err.value.where == "--out"
