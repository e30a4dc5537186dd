import numpy as np
import pandas as pd
import pytest

from llr_sim.population.raking import make_cells, rake
from llr_sim.population.targets import PERSON_VARIABLES, Target, parse_conditions


def _target(tid, universe, category, value, unit):
    return Target(
        tid,
        parse_conditions(universe, PERSON_VARIABLES),
        parse_conditions(category, PERSON_VARIABLES),
        None,
        value,
        unit,
        2022,
        "https://example.org",
        "published",
        "rake",
        "",
        "test",
    )


def _frame():
    # Four kinds of person, unequally represented.
    return pd.DataFrame(
        {
            "sex": pd.Categorical(["M", "M", "F", "F", "F", "M"], categories=["M", "F"]),
            "age": np.array([20, 40, 20, 40, 40, 40], dtype=np.int8),
        }
    )


def test_rake_meets_a_count_and_shares_exactly():
    frame = _frame()
    targets = [
        _target("total", "age=18-66", "", 1000, "persons"),
        _target("women", "age=18-66", "sex=F", 40, "percent"),
        _target("young", "age=18-66", "age=18-29", 25, "percent"),
    ]
    cells = make_cells(frame, targets, np.ones(len(frame)))
    assert len(cells.weight) == 4  # (M, 20), (M, 40), (F, 20), (F, 40)
    fit = rake(cells, targets)
    assert fit.converged
    w = (fit.factor * cells.weight)[cells.index] / np.bincount(cells.index)[cells.index]
    assert w.sum() == pytest.approx(1000)
    assert w[frame["sex"] == "F"].sum() == pytest.approx(400)
    assert w[frame["age"] < 30].sum() == pytest.approx(250)


def test_a_share_keeps_its_universe_total():
    frame = _frame()
    targets = [_target("young_women", "age=18-29", "sex=F", 80, "percent")]
    cells = make_cells(frame, targets, np.ones(len(frame)))
    fit = rake(cells, targets)
    w = fit.factor * cells.weight
    young = cells.frame["age"].to_numpy() < 30
    assert w[young].sum() == pytest.approx(2)  # the two young persons still count two
    assert w[~young].sum() == pytest.approx(4)  # outside the universe: untouched
    women = (cells.frame["sex"] == "F").to_numpy()
    assert w[young & women].sum() / w[young].sum() == pytest.approx(0.8)


def test_continuous_variables_are_cut_at_the_thresholds():
    frame = pd.DataFrame({"gross_monthly_wage_eur": np.array([1000, 2000, 2500, 9000], "f4")})
    targets = [_target("low", "", "gross_monthly_wage_eur<2443", 10, "percent")]
    cells = make_cells(frame, targets, np.ones(4))
    assert len(cells.weight) == 2
    assert sorted(cells.weight) == [2, 2]


def test_an_empty_category_is_an_error():
    frame = _frame()
    targets = [_target("old", "age=18-66", "age=60-66", 10, "percent")]
    cells = make_cells(frame, targets, np.ones(len(frame)))
    with pytest.raises(ValueError, match="old: its category or the rest is empty"):
        rake(cells, targets)


def test_conflicting_targets_stop_at_a_compromise():
    frame = _frame()
    targets = [
        _target("women_a", "age=18-66", "sex=F", 40, "percent"),
        _target("women_b", "age=18-66", "sex=F", 41, "percent"),
    ]
    cells = make_cells(frame, targets, np.ones(len(frame)))
    fit = rake(cells, targets, max_iter=500)
    assert not fit.converged
    assert fit.iterations < 500
    assert fit.max_gap == pytest.approx(0.01, abs=1e-9)
