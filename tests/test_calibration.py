"""The calibration: the fitted values reproduce the status-quo targets of 2023."""

import numpy as np
import pytest
import yaml

from llr_sim.behaviour.parameters import CALIBRATED_FILE, check_overrides, load_behaviour
from llr_sim.calibration import (
    RATE_TOLERANCE,
    TARGETS,
    USERS_TOLERANCE,
    _targets,
    measure,
    report_frame,
)
from llr_sim.simulation import cached_population


@pytest.fixture(scope="module")
def fit():

    if not CALIBRATED_FILE.is_file():
        pytest.fail("no behaviour_calibrated.yaml: run `llr-sim calibrate`")
    meta = yaml.safe_load(CALIBRATED_FILE.read_text())
    population = cached_population(meta["scale"], meta["seed"])
    behaviour = load_behaviour()
    return measure(behaviour, population, meta["seed"]), _targets(behaviour)


def test_status_quo_reproduces_its_targets(fit):
    stats, target = fit
    for tid, kind, _, _ in TARGETS:
        if kind == "rate":
            assert abs(stats[tid] - target[tid]) <= RATE_TOLERANCE, tid
        else:
            assert abs(stats[tid] / target[tid] - 1) <= USERS_TOLERANCE, tid
    assert report_frame(stats, target)["within"].all()


def test_every_behaviour_parameter_is_sourced_and_in_range():
    b = load_behaviour()
    assert len(b.leaves) > 60
    for path, leaf in b.leaves.items():
        assert leaf.source and leaf.description, path
        low, high = leaf.range
        assert low <= b[path] <= high, path
    assert "awareness.overview_multiplier" in b.leaves


def test_overrides_are_checked_against_behaviour_yaml():
    assert check_overrides({"awareness.overview_multiplier": 1.5}, "x") == []
    problems = check_overrides({"awareness.overview_multiplier": 5, "awareness.overveiw": 1}, "f")
    lines = [str(p) for p in problems]
    assert "f: behaviour.awareness.overview_multiplier: 5 outside" in lines[0]
    assert "did you mean" in lines[1]


def test_monte_carlo_draws_keep_calibrated_values():

    b = load_behaviour()
    draw = b.sample(np.random.default_rng(1))
    for path, leaf in b.leaves.items():
        low, high = leaf.range
        assert low <= draw[path] <= high
        if leaf.calibrated:
            assert draw[path] == b[path]
    assert draw["barrier.money"] != b["barrier.money"]
