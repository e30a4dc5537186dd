"""The fast paths give what the plain ones give: follower counterfactual, shared draws, subsets."""

import numpy as np
import pytest

from llr_sim.behaviour import decisions as dec
from llr_sim.behaviour.parameters import load_behaviour
from llr_sim.indicators import _stable_order
from llr_sim.model.model import LLRModel
from llr_sim.model.streams import Streams
from llr_sim.policy.scenarios import load_scenario
from llr_sim.simulation import _schedules, cached_population

SCALE = 0.003


@pytest.fixture(scope="module")
def population():
    return cached_population(SCALE, 0)


def test_a_follower_counterfactual_equals_a_standalone_one(population):
    par, beh = _schedules(load_scenario("portable_budget"), load_behaviour())
    shared = Streams(4).sharing()
    model = LLRModel(population, par, beh, shared, 2021)
    follower = LLRModel(population, par, beh, shared, 2021, incentives=False, follow=model)
    alone = LLRModel(population, par, beh, Streams(4), 2021, incentives=False)
    assert follower.persons is model.persons
    for _ in range(5):
        model.step()
        follower.step()
        alone.step()
        a, b = follower.outcome, alone.outcome
        for name in ("trained", "guided", "employer_trained", "age", "status", "wage"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
        shared.release()
    with pytest.raises(RuntimeError):
        follower.step()  # the model followed has not stepped into this year


def test_shared_draws_are_the_same_draws_and_read_only():
    s = Streams(2).sharing()
    a, z = s.draws(2024, "course", ("random", 5), ("standard_normal", 5))
    rng = Streams(2).rng(2024, "course")
    np.testing.assert_array_equal(a, rng.random(5))
    np.testing.assert_array_equal(z, rng.standard_normal(5))
    assert s.draws(2024, "course", ("random", 5), ("standard_normal", 5))[0] is a
    with pytest.raises(ValueError):
        a[0] = 0.5
    assert Streams(2).draws(2024, "want", ("random", 3))[0].flags.writeable  # not shared


def test_subset_decisions_equal_the_plain_ones():
    rng = np.random.default_rng(0)
    n = 2000
    benefit = rng.choice([0.0, 50.0, 400.0], n)
    u = rng.random(n)
    where = rng.random(n) < 0.3
    np.testing.assert_array_equal(
        dec.claims(benefit, 60.0, u, where=where), where & dec.claims(benefit, 60.0, u)
    )
    weight = np.where(rng.random(n) < 0.2, rng.random(n) * 10, 0.0)
    arrival = rng.random(n).round(2)  # ties, resolved by row order
    order = np.argsort(arrival, kind="stable")
    served = np.zeros(n, dtype=bool)
    served[order] = np.cumsum(weight[order]) <= 50.0
    np.testing.assert_array_equal(dec.ration(weight, arrival, 50.0), served & (weight > 0))
    np.testing.assert_array_equal(
        dec.first_come_first_served(weight, arrival, 50.0), served & (weight > 0)
    )


def test_the_fast_stable_order_is_the_stable_argsort():
    rng = np.random.default_rng(1)
    wages = rng.choice([1500.0, 2000.5, 3100.25, 5000.0], 5000).astype(np.float32)
    np.testing.assert_array_equal(_stable_order(wages), np.argsort(wages, kind="stable"))
    mixed = np.array([3.0, 1.0, 2.0, 1.0])  # float64: the plain path
    np.testing.assert_array_equal(_stable_order(mixed), [1, 3, 2, 0])


def test_draws_made_in_the_background_are_the_same_draws():
    ahead = Streams(5)
    plan = [("want", (("random", 7),)), ("course", (("random", 7), ("standard_normal", 7)))]
    ahead.prefetch(2026, plan)
    ahead.prefetch(2026, [("labour", (("random", 7),))])
    now = Streams(5, background=False)
    for purpose, kinds in plan:
        made, drawn = ahead.draws(2026, purpose, *kinds), now.draws(2026, purpose, *kinds)
        for a, b in zip(made, drawn, strict=True):
            np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ahead.uniform(2026, "labour", 7), now.uniform(2026, "labour", 7))
    assert not ahead._pending  # every announced draw was handed over once


def test_a_model_with_background_draws_equals_one_without(population):
    par, beh = _schedules(load_scenario("portable_budget"), load_behaviour())
    fast = LLRModel(population, par, beh, Streams(6), 2021)
    plain = LLRModel(population, par, beh, Streams(6, background=False), 2021)
    for _ in range(4):
        fast.step()
        plain.step()
        for name in ("trained", "guided", "used", "cost", "balance", "eligible"):
            np.testing.assert_array_equal(
                getattr(fast.outcome, name), getattr(plain.outcome, name), err_msg=name
            )


def test_a_follower_is_made_before_its_leader_steps(population):
    par, beh = _schedules(load_scenario("status_quo"), load_behaviour())
    shared = Streams(4).sharing()
    model = LLRModel(population, par, beh, shared, 2021)
    model.step()
    with pytest.raises(ValueError, match="before the model it follows steps"):
        LLRModel(population, par, beh, shared, 2021, incentives=False, follow=model)


def test_the_background_thread_never_waits_for_its_own_queue():
    from llr_sim.model.streams import in_background

    def nested():
        # Asked for from the background thread itself: done at once, not queued behind itself.
        inner = in_background(True, lambda: 7)
        s = Streams(8)
        s.prefetch(2027, [("want", (("random", 5),))])
        return inner.result(), s.draws(2027, "want", ("random", 5))[0]

    value, drawn = in_background(True, nested).result(timeout=20)
    assert value == 7
    np.testing.assert_array_equal(drawn, Streams(8).uniform(2027, "want", 5))
