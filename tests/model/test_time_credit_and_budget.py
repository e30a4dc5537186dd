"""The opleidingskrediet pathway (time credit for a long course) and the size of a budget."""

import numpy as np
import pytest

from llr_sim.behaviour import decisions as dec
from llr_sim.behaviour.parameters import load_behaviour
from llr_sim.inputs import START_YEAR
from llr_sim.model.law import OB, VOK
from llr_sim.model.model import LLRModel, Schedule
from llr_sim.model.persons import PRIVATE
from llr_sim.model.streams import Streams
from llr_sim.policy.scenarios import load_scenario
from llr_sim.simulation import _schedules, cached_population

SCALE = 0.003


@pytest.fixture(scope="module")
def population():
    return cached_population(SCALE, 0)


def _run(population, name, years=3, behaviour=None, incentives=True, seed=0):
    b = behaviour or load_behaviour()
    par, beh = _schedules(load_scenario(name), b)
    model = LLRModel(population, [Schedule(name, par, beh)], Streams(seed), START_YEAR)
    layer = model.layers[0] if incentives else model.counterfactual
    while model.year < 2022:  # every run starts from the base population; these tests from 2023
        model.step()
    outcomes = []
    for _ in range(years):
        model.step()
        outcomes.append((layer.outcome, model.persons.copy()))
    return outcomes


def test_budget_cover_grows_with_the_balance_up_to_the_payable_part():
    payable = np.array([900.0, 900.0, 900.0, 300.0])
    years = np.array([3.0, 3.0, 1.0, 1.0])
    balance = np.array([900.0, 3000.0, 500.0, 5000.0])
    cover = dec.budget_cover(balance, payable, years)
    np.testing.assert_allclose(cover, [300.0, 900.0, 500.0, 300.0])
    # A larger balance never covers less; it covers more of a dear or long course.
    more = dec.budget_cover(balance + 300.0, payable, years)
    assert (more >= cover).all() and (more > cover)[:3].any()


def test_opleidingskrediet_users_are_private_employees_on_time_credit(population):
    used = 0
    for o, persons in _run(population, "status_quo"):
        users = o.used[VOK]
        used += users.sum()
        assert (persons.status[users] == PRIVATE).all()
        assert (persons.tenure[users] >= 2).all()
        assert o.trained[users].all() and (o.cost[VOK][users] > 0).all()
    assert used > 0


def test_the_premium_moves_time_credit_takers(population):
    # The same people on the same draws: without the Flemish premium fewer go ahead with a long
    # course on time credit; with it nobody who went ahead without it stays home (monotone).
    b = load_behaviour().with_values({"timecredit.consider_rate": 0.04})
    ((s, _),) = _run(population, "status_quo", years=1, behaviour=b)
    ((cf, _),) = _run(population, "status_quo", years=1, behaviour=b, incentives=False)
    vok = s.used[VOK]
    assert vok.any()
    assert not (cf.trained & ~s.trained).any()
    assert (vok & ~cf.trained).any(), "the premium adds no time-credit trainee"


def test_a_larger_budget_for_the_low_educated_reaches_them():
    # Few of the low educated are moved by the extra credit (most of it is spent on courses
    # they take anyway, issue 12): a scale at which a few hundred of them are in the rows.
    population = cached_population(0.01, 0)
    base = _run(population, "portable_budget", years=4)
    targeted = _run(population, "portable_budget_targeted", years=4)
    spent_base = spent_targeted = 0.0
    trained_base = trained_targeted = 0.0
    for (o, p), (t, _) in zip(base, targeted, strict=True):
        low = p.education == 0
        spent_base += (o.weight * o.cost[OB])[low].sum()
        spent_targeted += (t.weight * t.cost[OB])[low].sum()
        trained_base += (o.weight * o.trained)[low].sum()
        trained_targeted += (t.weight * t.trained)[low].sum()
        # The top-up does not touch the others' budgets in the first years.
        np.testing.assert_allclose(o.credit[~low], t.credit[~low])
    assert spent_targeted > spent_base
    # Dearer and longer courses become affordable: more of the low educated train.
    assert trained_targeted > trained_base
