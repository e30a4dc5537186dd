"""The engine's threads change nothing, and several scenarios on one world equal each alone."""

import dataclasses

import numpy as np
import pandas as pd

from llr_sim.model.engine import Engine
from llr_sim.model.streams import Streams
from llr_sim.policy.scenarios import load_scenario
from llr_sim.simulation import simulate

SCALE = 0.003
YEARS = range(2023, 2026)


def test_draws_made_in_the_background_are_the_same_draws():
    plan = [("want", (("random", 7),)), ("course", (("random", 7), ("standard_normal", 7)))]
    with Engine() as engine:
        s = Streams(5)
        engine.prefetch(s, 2026, plan)
        made = engine.draws(s, 2026, plan)
        assert not engine._pending  # every announced draw was handed over once
    for purpose, kinds in plan:
        for a, b in zip(made[purpose], Streams(5).make(2026, purpose, kinds), strict=True):
            np.testing.assert_array_equal(a, b)


def test_the_background_thread_never_waits_for_its_own_queue():
    with Engine() as engine:

        def nested():
            # Asked for from the background thread itself: done at once, not queued.
            inner = engine.submit(lambda: 7)
            s = Streams(8)
            engine.prefetch(s, 2027, [("want", (("random", 5),))])
            return inner.result(), engine.draws(s, 2027, [("want", (("random", 5),))])["want"]

        value, drawn = engine.submit(nested).result(timeout=20)
    assert value == 7
    np.testing.assert_array_equal(drawn[0], Streams(8).uniform(2027, "want", 5))


def test_no_background_threads_give_the_same_numbers():
    a = simulate("portable_budget", scale=SCALE, seed=6, years=YEARS)
    b = simulate("portable_budget", scale=SCALE, seed=6, years=YEARS, background=False)
    pd.testing.assert_frame_equal(a.indicators, b.indicators, check_exact=True)


def test_several_scenarios_on_one_world_equal_each_alone():
    names = ["status_quo", "portfolio", "nl_stap"]
    together = simulate(names, scale=SCALE, seed=2, years=YEARS, replicates=2)
    for name, result in zip(names, together, strict=True):
        alone = simulate(name, scale=SCALE, seed=2, years=YEARS, replicates=2)
        pd.testing.assert_frame_equal(result.indicators, alone.indicators, check_exact=True)
        assert result.summary == alone.summary


def test_a_twin_that_parts_later_and_comes_last_equals_itself_alone():
    # Scenarios step as one layer while their rules and behaviour are the same; one whose reform
    # starts later (and is listed last) parts from its lead later than the others.
    later = dataclasses.replace(
        load_scenario("portable_budget").with_overrides(name="later_budget"), period=(2026, 2030)
    )
    names = ["status_quo", "portfolio", later]
    together = simulate(names, scale=SCALE, seed=4, years=range(2024, 2028))
    for ref, result in zip(names, together, strict=True):
        alone = simulate(ref, scale=SCALE, seed=4, years=range(2024, 2028))
        pd.testing.assert_frame_equal(result.indicators, alone.indicators, check_exact=True)
