"""simulate(), Results, the run folder, bad input, the CLI subcommands."""

import argparse
import inspect
import json

import numpy as np
import pandas as pd
import pytest

from llr_sim import simulation
from llr_sim.analysis import sweep
from llr_sim.cli import _Parser, build_parser
from llr_sim.errors import InputError, InputErrors
from llr_sim.indicators import ADULT_GROUPINGS, COLUMNS, CROSSES, GROUP_BYS, INDICATORS
from llr_sim.inputs import DEFAULT_YEARS
from llr_sim.simulation import load_results, simulate
from llr_sim.simulation_commands import add_subcommands

SCALE = 0.003
YEARS = range(2023, 2027)


@pytest.fixture(scope="module")
def budget():
    return simulate("portable_budget", scale=SCALE, seed=1, years=YEARS)


def test_the_indicator_table(budget):
    t = budget.indicators
    assert list(t.columns) == COLUMNS
    assert set(t["indicator"]) == set(INDICATORS)
    assert set(t["group_by"]) == set(GROUP_BYS) | set(CROSSES) | set(ADULT_GROUPINGS)
    adults = t[t["indicator"] == "population_25_64"]
    assert set(adults["group_by"]) == set(ADULT_GROUPINGS)
    for _, year in adults.groupby("year"):
        total = year.loc[year["group_by"] == "all", "value"].item()
        for by in ADULT_GROUPINGS[1:]:
            assert year.loc[year["group_by"] == by, "value"].sum() == pytest.approx(total)
    crossed = t[t["group_by"].isin(CROSSES)]
    assert set(crossed["indicator"]) == {"population"}
    # Each cross adds up to the population of each of its groups, and to the total.
    pop = t[(t["indicator"] == "population") & (t["instrument"] == "all")]
    for cross in CROSSES:
        first, second = cross.split(",")
        rows = pop[pop["group_by"] == cross]
        parts = rows["group"].str.split(",", expand=True)
        for axis, column in ((first, 0), (second, 1)):
            summed = rows.groupby([rows["year"], parts[column]])["value"].sum()
            single = pop[pop["group_by"] == axis].set_index(["year", "group"])["value"]
            np.testing.assert_allclose(summed.sort_index(), single.sort_index(), rtol=1e-9)
    assert set(t["instrument"]) == {
        "opleidingscheques",
        "loopbaancheques",
        "opleidingsverlof",
        "opleidingskrediet",
        "ontwikkelbudget",
        "all",
    }
    assert sorted(t["year"].unique()) == list(YEARS)
    assert (t.loc[t["group_by"] == "all", "group"] == "all").all()
    assert not t.duplicated(["year", "indicator", "instrument", "group_by", "group"]).any()


def _wide(t):
    return t[t["group_by"] == "all"].pivot_table(
        index=["year", "instrument"], columns="indicator", values="value"
    )


def test_invariants_of_the_indicators(budget):
    w = _wide(budget.indicators)
    assert (w["users"] <= w["eligible"] + 1e-6).all()
    assert (w["public_cost_eur"] >= 0).all()
    assert (w["additional_participants"] <= w["users"] + 1e-6).all()
    share = w["deadweight_share"].dropna()
    assert ((share >= -1e-9) & (share <= 1 + 1e-9)).all()
    rates = budget.indicators[budget.indicators["indicator"].str.endswith(("_rate", "_share"))]
    values = rates["value"].dropna()
    assert ((values >= -1e-9) & (values <= 1 + 1e-9)).all()
    # Group totals add up to the total.
    t = budget.indicators
    users = t[(t["indicator"] == "users") & (t["instrument"] == "all")]
    by = users.groupby(["year", "group_by"])["value"].sum().unstack()
    for column in by.columns:
        np.testing.assert_allclose(by[column], by["all"], rtol=1e-9)


def test_same_seed_same_indicators(budget):
    again = simulate("portable_budget", scale=SCALE, seed=1, years=YEARS)
    pd.testing.assert_frame_equal(budget.indicators, again.indicators)


def test_summary_and_run_folder(budget, tmp_path):
    s = budget.summary
    assert s["scenario"] == "portable_budget" and s["years"] == [2023, 2026]
    assert set(s["period"]) == {
        "public_cost_eur",
        "users",
        "participants",
        "additional_participants",
        "cost_per_additional_participant_eur",
        "participation_rate_25_64_mean",
    }
    # The figure comparable with the LFS target (25-64) sits beside the headline 18-66 rate.
    t = budget.indicators
    rate = t[(t["indicator"] == "participation_rate_25_64") & (t["group_by"] == "all")]
    assert set(rate["instrument"]) == {"all"} and len(rate) == len(YEARS)
    assert s["last_year"]["participation_rate_25_64"] == pytest.approx(rate["value"].iloc[-1])
    assert s["period"]["participation_rate_25_64_mean"] == pytest.approx(rate["value"].mean())
    assert s["last_year"]["participation_rate_25_64"] != s["last_year"]["participation_rate"]
    assert set(s["by_instrument_last_year"]["ontwikkelbudget"]) == {
        "users",
        "public_cost_eur",
        "eligible",
        "take_up_rate",
    }
    json.dumps(s)
    out = budget.save(tmp_path / "run")
    assert sorted(p.name for p in out.iterdir()) == [
        "indicators.csv",
        "indicators.parquet",
        "provenance.json",
        "scenario.yaml",
        "summary.json",
    ]
    back = load_results(out)
    pd.testing.assert_frame_equal(back.indicators, budget.indicators)
    assert back.summary == json.loads(json.dumps(s))
    assert back.provenance["population"]["scale"] == SCALE
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # no temporary folders left


def test_monte_carlo_intervals():
    r = simulate("status_quo", scale=SCALE, seed=2, years=range(2023, 2025), replicates=3)
    t = r.indicators
    assert list(t.columns) == [*COLUMNS, "ci_low", "ci_high"]
    ok = t.dropna(subset=["value", "ci_low", "ci_high"])
    assert (ok["ci_low"] <= ok["ci_high"] + 1e-9).all()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scale": 0}, "scale"),
        ({"scale": 1.5}, "scale"),
        ({"years": range(2020, 2031)}, "years"),
        ({"years": [2023, 2025, 2026]}, "years"),  # [first, last] is a range; more must follow
        ({"years": [2025, 2023]}, "years"),
        ({"seed": 2**63}, "seed"),
        ({"years": range(2030, 2037)}, "years"),
        ({"replicates": 0}, "replicates"),
        ({"replicates": 1001}, "replicates"),
    ],
)
def test_bad_arguments(kwargs, field):
    with pytest.raises(InputError) as info:
        simulate("status_quo", **{"scale": SCALE, **kwargs})
    assert str(info.value).startswith(field)


def test_bad_scenario(tmp_path):
    with pytest.raises(InputError, match="no such scenario"):
        simulate("no_such_scenario", scale=SCALE)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\nlabel: {nl: x, en: x}\ndescription: x\nextends: status_quo\n"
        "behaviour:\n  awareness.overview_multiplier: 9\n  awareness.nonsense: 1\n"
    )
    with pytest.raises(InputErrors) as info:
        simulate(str(bad), scale=SCALE)
    lines = [str(p) for p in info.value.problems]
    assert any("overview_multiplier" in line and "range" in line for line in lines)
    assert any("awareness.nonsense" in line and "unknown" in line for line in lines)


def _cli(argv, capsys):
    """The subcommands as cli.main runs them (parse, call the handler, one line per error)."""

    parser = _Parser(prog="llr-sim")
    add_subcommands(parser.add_subparsers(dest="command", required=True, parser_class=_Parser))
    try:
        args = parser.parse_args(argv)
        return args.handler(args)
    except InputError as err:
        for problem in getattr(err, "problems", [err]):
            print(f"llr-sim: error: {problem}", file=__import__("sys").stderr)
        return 2


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "status_quo", "--years", "2019-2030"],
        ["run", "status_quo", "--years", "2031-2030"],
        ["run", "status_quo", "--scale", "0"],
        ["run", "status_quo", "--replicates", "0"],
        ["run", "nope"],
    ],
)
def test_cli_bad_input_leaves_no_run_folder(argv, tmp_path, capsys):
    out = tmp_path / "run"
    code = _cli([*argv, "--out", str(out)], capsys)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith("llr-sim: error: ")
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_cli_run_writes_the_folder(tmp_path, capsys):
    out = tmp_path / "run"
    code = _cli(
        [
            "run",
            "portfolio",
            "--scale",
            str(SCALE),
            "--years",
            "2023-2024",
            "--out",
            str(out),
            "--quiet",
        ],
        capsys,
    )
    assert code == 0 and (out / "summary.json").is_file()


def test_cli_is_wired():

    parser = build_parser()
    choices = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    if "run" not in choices:
        pytest.skip("llr-sim run is not wired into cli.py yet")
    assert "calibrate" in choices


def test_a_years_numbers_do_not_depend_on_the_window(budget):
    """Every run starts from the base population in 2021: the window only chooses what is shown."""
    later = simulate("portable_budget", scale=SCALE, seed=1, years=range(2025, 2027))
    full = budget.indicators
    same = full[full["year"] >= 2025].reset_index(drop=True)
    pd.testing.assert_frame_equal(same, later.indicators.reset_index(drop=True), check_exact=True)
    assert later.provenance["start_year"] == 2021


def test_every_command_defaults_to_the_same_window():

    parser = argparse.ArgumentParser()
    add_subcommands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["run", "status_quo"])
    assert args.years is None  # resolved to DEFAULT_YEARS by the command
    assert list(DEFAULT_YEARS) == list(range(2024, 2031))

    assert inspect.signature(simulation.simulate).parameters["years"].default == DEFAULT_YEARS
    assert inspect.signature(sweep.run_sweep).parameters["years"].default == (2024, 2030)


def test_run_several_scenarios_writes_one_folder_each(tmp_path, capsys):
    out = tmp_path / "runs"
    argv = ["run", "status_quo", "portfolio", "--scale", str(SCALE), "--years", "2023-2025"]
    assert _cli([*argv, "--out", str(out), "--quiet"], capsys) == 0
    assert sorted(p.name for p in out.iterdir()) == ["portfolio", "status_quo"]
    alone = simulate("portfolio", scale=SCALE, years=range(2023, 2026))
    both = load_results(out / "portfolio")
    pd.testing.assert_frame_equal(both.indicators, alone.indicators, check_exact=True)
