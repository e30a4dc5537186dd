"""The instrument modules: vectorised, pure, and equal to a person-by-person reading."""

import datetime as dt
import time

import numpy as np
import pandas as pd
import pytest

from llr_sim.policy import (
    loopbaancheques,
    ontwikkelbudget,
    opleidingscheques,
    opleidingskrediet,
    opleidingsverlof,
)
from llr_sim.policy.entitlements import entitlements
from llr_sim.policy.parameters import load_parameters
from llr_sim.policy.scenarios import load_scenario

MODULES = [opleidingscheques, loopbaancheques, opleidingsverlof, opleidingskrediet, ontwikkelbudget]


def _population(n: int, seed: int = 1) -> pd.DataFrame:
    """A varied population with the compact dtypes of DESIGN.md section 4."""
    rng = np.random.default_rng(seed)
    age = rng.integers(16, 70, n)
    years = np.minimum(rng.uniform(0, 45, n), age - 15).clip(0)
    frame = pd.DataFrame(
        {
            "person_id": np.arange(n, dtype="int32"),
            "weight": np.ones(n, dtype="float32"),
            "age": age.astype("int8"),
            "sex": pd.Categorical(rng.choice(["M", "F"], n)),
            "education": pd.Categorical(rng.choice(["low", "medium", "high"], n)),
            "status": pd.Categorical(
                rng.choice(
                    [
                        "employee_private",
                        "employee_public",
                        "self_employed",
                        "unemployed",
                        "inactive",
                    ],
                    n,
                )
            ),
            "in_education": rng.random(n) < 0.1,
            "work_fraction": rng.choice([0.0, 0.2, 0.49, 0.5, 0.8, 1.0], n).astype("float32"),
            "firm_size": pd.Categorical(
                rng.choice(["micro", "small", "medium", "large", "none"], n)
            ),
            "sector": pd.Categorical(rng.choice(["C", "G", "Q"], n)),
            "employer_id": rng.integers(-1, 50, n).astype("int32"),
            "gross_monthly_wage_eur": rng.uniform(0, 6000, n).astype("float32"),
            "years_worked": years.astype("float32"),
            "tenure_years": (years * rng.random(n)).astype("float32"),
            "lives_alone": rng.random(n) < 0.2,
            "career_guidance_pop": rng.random(n) < 0.3,
            "last_loopbaancheque_year": np.where(
                rng.random(n) < 0.3, rng.integers(2014, 2023, n), np.nan
            ),
            "employer_initiative": rng.random(n) < 0.3,
            "career_break": pd.Categorical(rng.choice(["none", "full", "half", "one_fifth"], n)),
            "work_region": pd.Categorical(rng.choice(["flanders", "brussels", "other"], n)),
        }
    )
    frame.index = frame.index + 1000  # a non-default index must be kept
    return frame


@pytest.fixture(scope="module")
def population():
    return _population(400)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.ID)
@pytest.mark.parametrize("when", [dt.date(2020, 2, 1), dt.date(2023, 1, 15), dt.date(2025, 6, 1)])
def test_whole_population_equals_one_person_at_a_time(module, when, population):
    parameters = load_scenario("portable_budget").parameters
    together = module.compute(population, when, parameters)
    assert list(together.index) == list(population.index)
    apart = pd.concat(
        [module.compute(population.iloc[[i]], when, parameters) for i in range(0, 400, 7)]
    )
    reason = f"{module.ID}_reason"
    assert isinstance(together[reason].dtype, pd.CategoricalDtype)  # compact
    together, apart = together.loc[apart.index].copy(), apart.copy()
    together[reason] = together[reason].astype(str)
    apart[reason] = apart[reason].astype(str)
    pd.testing.assert_frame_equal(together, apart, check_dtype=False)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.ID)
def test_reason_is_empty_exactly_when_eligible(module, population):
    out = module.compute(
        population, dt.date(2023, 1, 15), load_scenario("portable_budget").parameters
    )
    eligible = out[f"{module.ID}_eligible"].to_numpy()
    reason = out[f"{module.ID}_reason"].astype(str).to_numpy()
    assert ((reason == "") == eligible).all()
    assert 0 < eligible.sum() < len(out)  # the population exercises both outcomes


def test_pure_no_randomness_and_no_mutation(population):
    before = population.copy()
    params = load_parameters()
    a = entitlements(population, dt.date(2023, 1, 15), params)
    b = entitlements(population, dt.date(2023, 1, 15), params)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(population, before)


def test_optional_columns_have_documented_defaults(population):
    bare = population.drop(
        columns=[
            "career_guidance_pop",
            "last_loopbaancheque_year",
            "employer_initiative",
            "career_break",
            "work_region",
        ]
    )
    out = entitlements(bare, dt.date(2023, 1, 15), load_parameters())
    assert not out["opleidingskrediet_eligible"].any()  # nobody on time credit
    assert (out["opleidingsverlof_max_hours"] <= 125).all()  # no employer initiative
    # a high-educated employee without the column has no POP
    high_employee = (bare["education"] == "high") & (bare["status"] == "employee_private")
    assert not out.loc[high_employee, "opleidingscheques_eligible"].any()


@pytest.mark.parametrize("scenario", ["baseline", "portable_budget"])
def test_categorical_and_text_columns_give_the_same_answer(population, scenario):
    # The fast path works on categorical codes; the portfolio passes text columns.
    text = population.copy()
    for name in text.columns:
        if isinstance(text[name].dtype, pd.CategoricalDtype):
            text[name] = text[name].astype(object)
    params = load_scenario(scenario).parameters
    fast = entitlements(population, dt.date(2023, 1, 15), params)
    slow = entitlements(text, dt.date(2023, 1, 15), params)
    for frame in (fast, slow):
        for name in frame.columns:
            if name.endswith("_reason"):
                frame[name] = frame[name].astype(str)
    pd.testing.assert_frame_equal(fast, slow)


def test_an_absent_optional_column_equals_its_default_filled_in(population):
    # An absent column is evaluated once on its scalar default, not per person.
    bare = population.drop(columns=["career_guidance_pop", "employer_initiative", "work_region"])
    bare = bare.assign(career_break="none", last_loopbaancheque_year=np.nan)
    filled = bare.assign(
        career_guidance_pop=False,
        employer_initiative=False,
        work_region=pd.Categorical(["flanders"] * len(bare)),
        career_break=pd.Categorical(["none"] * len(bare)),
    )
    absent = bare.drop(columns=["career_break", "last_loopbaancheque_year"])
    params = load_scenario("harmonised").parameters
    a = entitlements(absent, dt.date(2023, 1, 15), params)
    b = entitlements(filled, dt.date(2023, 1, 15), params)
    for frame in (a, b):
        for name in frame.columns:
            if name.endswith("_reason"):
                frame[name] = frame[name].astype(str)
    pd.testing.assert_frame_equal(a, b)


def test_float32_work_fraction_meets_its_threshold_exactly():
    frame = _population(5)
    frame["status"] = "employee_private"
    frame["work_region"] = "flanders"
    frame["work_fraction"] = np.float32(0.8)
    out = opleidingsverlof.compute(frame, dt.date(2025, 6, 1), load_parameters())
    assert out["opleidingsverlof_eligible"].all()


def test_many_persons_are_fast():
    # About 0.5 s for the 4.1 million persons of the full-scale population (2 cores, loaded);
    # 200,000 persons take some 30 ms, the bound leaves room for a busy test machine.
    big = _population(200_000, seed=2)

    params = load_scenario("fr_cpf").parameters
    entitlements(big.iloc[:100], dt.date(2023, 1, 15), params)
    start = time.perf_counter()
    entitlements(big, dt.date(2023, 1, 15), params)
    assert time.perf_counter() - start < 0.5
