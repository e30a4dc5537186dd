"""What a course earns under each instrument: the pure functions beside the eligibility rules."""

import datetime as dt

import numpy as np
import pytest

from llr_sim.policy import (
    loopbaancheques,
    ontwikkelbudget,
    opleidingscheques,
    opleidingskrediet,
    opleidingsverlof,
)
from llr_sim.policy.parameters import load_parameters
from llr_sim.policy.scenarios import load_scenario


@pytest.fixture(scope="module")
def snap():
    return load_parameters().at(dt.date(2024, 1, 1))


def test_cheques_pay_half_the_price_up_to_the_maximum(snap):
    price = np.array([0.0, 100.0, 250.0, 400.0, 400.0])
    max_subsidy = np.array([125.0, 125.0, 125.0, 125.0, 0.0])
    # 50% of the price: 0, 50, 125, 200 -> capped at 125; not eligible (max 0) gets nothing.
    np.testing.assert_array_equal(
        opleidingscheques.course_subsidy(price, max_subsidy, snap), [0.0, 50.0, 125.0, 125.0, 0.0]
    )


def test_training_leave_needs_a_course_of_32_hours(snap):
    assert snap["opleidingsverlof.courses.min_hours"] == 32
    hours = np.array([0.0, 31.0, 31.999, 32.0, 120.0])
    np.testing.assert_array_equal(
        opleidingsverlof.course_qualifies(hours, snap), [False, False, False, True, True]
    )


def test_leave_covers_the_course_hours_up_to_the_maximum():
    np.testing.assert_array_equal(
        opleidingsverlof.hours_covered(np.array([40.0, 125.0, 300.0]), np.array([125.0, 100, 0])),
        [40.0, 100.0, 0.0],
    )


def test_employer_reimbursement_is_a_flat_rate_per_hour():
    params = load_parameters()
    before, after = params.at(dt.date(2025, 4, 24)), params.at(dt.date(2025, 4, 25))
    hours = np.array([0.0, 10.0, 125.0])
    np.testing.assert_allclose(
        opleidingsverlof.employer_reimbursement(hours, before), [0.0, 213.0, 2662.5]
    )
    np.testing.assert_allclose(
        opleidingsverlof.employer_reimbursement(hours, after), [0.0, 149.1, 1863.75]
    )


def test_the_premium_is_paid_per_month_of_time_credit():
    np.testing.assert_array_equal(
        opleidingskrediet.premium_for(np.array([0.0, 100.0, 312.5]), 12), [0.0, 1200.0, 3750.0]
    )


def test_federal_seniority_is_two_years_with_the_employer(snap):
    tenure = np.array([0.0, 1.99, 2.0, 2.0000002, 30.0], dtype=np.float32)
    expected = [False, False, True, True, True]
    np.testing.assert_array_equal(opleidingskrediet.has_federal_seniority(tenure, snap), expected)
    # The same booleans as the literal 2 of the model, whether the YAML value is int or float.
    np.testing.assert_array_equal(tenure >= 2, expected)
    np.testing.assert_array_equal(tenure >= 2.0, expected)


def test_a_trajectory_costs_two_own_contributions(snap):
    government = np.array([1103.0, 1103.0, 0.0])
    own = np.array([40.0, 40.0, np.nan], dtype=np.float32)
    gov, paid = loopbaancheques.trajectory_payments(government, own, snap)
    assert gov is government
    np.testing.assert_array_equal(paid, [80.0, 80.0, 0.0])
    np.testing.assert_array_equal(paid, np.nan_to_num(own) * 2)  # bit for bit the model's


def test_a_pop_counts_for_six_calendar_years(snap):
    assert snap["loopbaancheques.pop.validity_years"] == 6
    pop_year = np.array([np.nan, 2018.0, 2019.0, 2024.0])
    # 2025 - 2019 = 6: too old; 2025 - 2020 would be 5.
    np.testing.assert_array_equal(
        loopbaancheques.holds_pop(2025, pop_year, snap), [False, False, False, True]
    )
    np.testing.assert_array_equal(
        loopbaancheques.holds_pop(2024, pop_year, snap), [False, False, True, True]
    )


def test_the_budget_pays_the_price_less_the_co_payments(snap):
    # The basic design asks no co-payment: the whole price.
    price = np.array([0.0, 100.0, 1000.0])
    np.testing.assert_array_equal(ontwikkelbudget.payable(price, snap), [0.0, 100.0, 1000.0])
    # The French CPF variant asks EUR 100 per course: 0 (not -100), 0, 900.
    cpf = load_scenario("fr_cpf").parameters.at(dt.date(2027, 1, 1))
    np.testing.assert_array_equal(ontwikkelbudget.payable(price, cpf), [0.0, 0.0, 900.0])


def test_the_budget_pays_nothing_of_a_course_cheaper_than_the_co_payments(snap):
    values = dict(snap.items())
    values["ontwikkelbudget.co_payment.share"] = 0.2
    values["ontwikkelbudget.co_payment.flat_eur"] = 50
    custom = type(snap)(values, snap.when)
    # 100 x 0.8 - 50 = 30; 50 x 0.8 - 50 < 0 -> 0; 1000 x 0.8 - 50 = 750.
    np.testing.assert_allclose(
        ontwikkelbudget.payable(np.array([100.0, 50.0, 1000.0]), custom), [30.0, 0.0, 750.0]
    )
