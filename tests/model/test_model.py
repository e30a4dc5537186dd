"""The yearly model: invariants, common random numbers, money conservation."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llr_sim.behaviour.parameters import load_behaviour
from llr_sim.model.agents import EmployerAgent, ProviderAgent
from llr_sim.model.law import OB
from llr_sim.model.model import LLRModel, Schedule
from llr_sim.model.streams import Streams
from llr_sim.policy.scenarios import load_scenario
from llr_sim.simulation import _schedules, cached_population

SCALE = 0.003


@pytest.fixture(scope="module")
def population():
    return cached_population(SCALE, 0)


def _models(population, name, seed=0, behaviour=None, first=2021):
    scenario = load_scenario(name)
    b = behaviour or load_behaviour()
    model = LLRModel(population, [Schedule(name, *_schedules(scenario, b))], Streams(seed), first)
    return model, model.counterfactual


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(["portable_budget", "fr_cpf", "nl_stap", "portable_budget_targeted"]),
    seed=st.integers(0, 2**16),
    substitution=st.floats(0.0, 0.6),
)
def test_budget_invariants(population, name, seed, substitution):
    b = load_behaviour().with_values({"employer.substitution": substitution})
    model, cf = _models(population, name, seed, b)
    scenario = load_scenario(name)
    cap = scenario.parameters.at(__import__("datetime").date(2025, 1, 1))
    max_cap = (
        cap["ontwikkelbudget.credit.cap_eur"] + cap["ontwikkelbudget.topup.low_educated_cap_eur"]
    )
    for _ in range(7):
        model.step()
        o = model.outcome
        assert (o.balance >= -1e-9).all()
        assert (o.balance <= max_cap + 1e-6).all()
        # Money is conserved person by person: credits - spending - expiry = change in balance.
        np.testing.assert_allclose(
            o.balance - o.balance_start, o.credit - o.spent - o.expired, atol=1e-6
        )
        assert (o.cost >= 0).all()
        assert not (o.used & ~o.eligible).any()  # users are eligible (users <= eligible)
        # The counterfactual has no incentive at all.
        assert not cf.outcome.used.any() and cf.outcome.cost.sum() == 0
        assert (cf.outcome.balance == 0).all()


def test_counterfactual_shares_the_world(population):
    model, cf = _models(population, "portable_budget")
    for _ in range(5):
        model.step()
        # Same people, same labour histories: the world of the year is made once, for both.
        for name in ("age", "status", "firm_size", "wage", "education", "weight"):
            assert getattr(model.outcome, name) is getattr(cf.outcome, name)
    # A stream depends on seed, replicate, year and purpose only.
    a = Streams(3).uniform(2025, "want", 10)
    np.testing.assert_array_equal(a, Streams(3).uniform(2025, "want", 10))
    assert not np.array_equal(a, Streams(3, 1).uniform(2025, "want", 10))


def test_training_is_monotone_in_the_incentives_in_the_base_year(population):
    # In the base year providers have no capacity limit yet and nobody holds a budget, so with
    # the same draws every counterfactual trainee also trains under the status quo.
    model, cf = _models(population, "status_quo")
    model.step()
    assert not (cf.outcome.trained & ~model.outcome.trained).any()
    assert model.outcome.trained.sum() >= cf.outcome.trained.sum()


def test_status_quo_has_no_budget(population):
    model, _ = _models(population, "status_quo")
    for _ in range(3):
        model.step()
    assert not model.outcome.used[OB].any()
    assert model.outcome.balance.sum() == 0


def test_employers_are_mesa_agents_over_arrays(population):

    model, _ = _models(population, "status_quo")
    model.step()
    employers = model.agents_by_type[EmployerAgent]
    assert len(employers) == len(population.employers)
    first = next(iter(employers))
    assert first.intensity == pytest.approx(model.employers.base_intensity[first.row])
    assert sum(a.trained for a in employers) == pytest.approx(model.records.trained.sum())
    assert len(model.agents_by_type[ProviderAgent]) == 3
    series = model.datacollector.get_model_vars_dataframe()
    assert list(series["year"]) == [2021]
