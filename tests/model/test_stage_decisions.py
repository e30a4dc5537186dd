"""The decisions stage: the behavioural equations and the own-training stage functions.

``llr_sim.behaviour.decisions`` (claims, first come first served, rationing, going ahead, the
budget's cover) and ``llr_sim.model.own_training`` (candidates, claim, go_ahead, budget_limit,
places) on 3-5 hand-built persons. The stage functions read only a few attributes of the world
and the law; ``types.SimpleNamespace`` stand-ins carry exactly those, with hand-set values.
"""

import dataclasses
import datetime as dt
import math
from types import SimpleNamespace

import numpy as np

from llr_sim.behaviour import decisions as dec
from llr_sim.behaviour.parameters import load_behaviour
from llr_sim.model import own_training
from llr_sim.model.law import LBC, OB, OC, VOK, VOV, Rights
from llr_sim.model.persons import Persons
from llr_sim.model.world import Draws, WorldYear
from llr_sim.policy.parameters import load_parameters

# -- claims ---------------------------------------------------------------------------------------


def test_claims_follow_one_minus_exp_of_benefit_over_hassle():
    p = 1.0 - math.exp(-100.0 / 100.0)  # 0.6321...
    benefit = np.array([0.0, 100.0, 100.0, -50.0, 100.0])
    u = np.array([0.0, p - 1e-9, p + 1e-9, 0.0, 0.0])
    # No benefit (or a negative one) never claims, not even on u = 0; just below the threshold
    # claims, just above does not.
    assert dec.claims(benefit, 100.0, u).tolist() == [False, True, False, False, True]


def test_claims_read_a_hassle_per_person():
    hassle = np.array([100.0, 50.0, 1e6])
    p = [1 - math.exp(-1.0), 1 - math.exp(-2.0), 1 - math.exp(-1e-4)]  # 0.632, 0.865, 0.0001
    u = np.full(3, 0.7)
    assert dec.claims(np.full(3, 100.0), hassle, u).tolist() == [u[i] < p[i] for i in range(3)]
    assert dec.claims(np.full(3, 100.0), hassle, u).tolist() == [False, True, False]


def test_claims_where_restricts_to_the_masked_rows():
    benefit = np.array([100.0, 100.0, 100.0, 100.0])
    hassle = np.array([100.0, 100.0, 1e6, 100.0])
    u = np.array([0.5, 0.0, 0.5, 0.9])
    where = np.array([True, False, True, True])
    # Row 1 is outside the mask: False even on u = 0. Row 0: 0.5 < 0.632 -> True. Row 2: its
    # own hassle (1e6) is read, P = 1e-4 -> False. Row 3: 0.9 > 0.632 -> False.
    got = dec.claims(benefit, hassle, u, where=where)
    assert got.tolist() == [True, False, False, False]
    # The same as the unmasked decision, masked.
    assert (got == (dec.claims(benefit, hassle, u) & where)).all()


def test_claims_are_monotone_in_the_benefit():
    u = np.linspace(0.01, 0.99, 50)
    small = dec.claims(np.full(50, 80.0), 100.0, u)
    large = dec.claims(np.full(50, 120.0), 100.0, u)
    assert (large >= small).all() and (large > small).any()


# -- first come, first served -------------------------------------------------------------------


def test_first_come_first_served_stops_at_the_first_claim_that_does_not_fit():
    # Claims (real euros) and arrival; row 2 makes no claim.
    cost = np.array([300.0, 500.0, 0.0, 400.0, 100.0])
    arrival = np.array([0.1, 0.2, 0.0, 0.3, 0.4])
    # In order of arrival (row 2 ignored): 300 (total 300), 500 (800), 400 (1200), 100 (1300).
    # The rule is the running total <= limit: with 900 the 400 does not fit, and neither does
    # the later 100, although 800 + 100 = 900 would: the first claim that does not fit closes
    # the budget for the year (a queue, not a knapsack).
    got = dec.first_come_first_served(cost, arrival, 900.0)
    assert got.tolist() == [True, True, False, False, False]
    # A limit met exactly admits the claim that meets it (<=).
    assert dec.first_come_first_served(cost, arrival, 800.0).tolist() == [
        True,
        True,
        False,
        False,
        False,
    ]
    assert dec.first_come_first_served(cost, arrival, 1300.0).tolist() == [
        True,
        True,
        False,
        True,
        True,
    ]
    # No budget: nobody; persons without a claim are never "admitted".
    assert not dec.first_come_first_served(cost, arrival, 0.0).any()


def test_first_come_first_served_orders_by_arrival_and_breaks_ties_by_row():
    cost = np.array([400.0, 400.0, 400.0])
    arrival = np.array([0.5, 0.2, 0.2])
    # Rows 1 and 2 arrive together: row 1 first (stable), then row 2; row 0 last.
    assert dec.first_come_first_served(cost, arrival, 800.0).tolist() == [False, True, True]
    assert dec.first_come_first_served(cost, arrival, 799.0).tolist() == [False, True, False]


# -- rationing ----------------------------------------------------------------------------------


def test_ration_serves_in_order_of_arrival_within_capacity_in_real_persons():
    weight = np.array([100.0, 200.0, 300.0, 0.0, 400.0])  # row 3 asks for nothing
    arrival = np.array([0.5, 0.1, 0.3, 0.0, 0.2])
    # In order: row 1 (200), row 4 (600), row 2 (900), row 0 (1000). Capacity 700: rows 1 and
    # 4; row 2 does not fit, and the queue stops there: row 0 (600 + 100 = 700) is not served.
    assert dec.ration(weight, arrival, 700.0).tolist() == [False, True, False, False, True]
    assert dec.ration(weight, arrival, 1000.0).tolist() == [True, True, True, False, True]
    assert not dec.ration(weight, arrival, 150.0).any()  # the first asker is 200 persons
    # Infinite capacity serves every asker.
    assert dec.ration(weight, arrival, math.inf).tolist() == [True, True, True, False, True]


# -- going ahead and the budget's cover ---------------------------------------------------------


def test_go_probability_is_exp_of_minus_the_barriers():
    net = np.array([200.0, -100.0, 0.0, 1000.0])
    income = np.array([2000.0, 1000.0, 1000.0, 2000.0])
    unpaid = np.array([50.0, 0.0, -10.0, 200.0])
    scale = np.array([1.0, 0.5, 1.0, 0.5])
    got = dec.go_probability(net, income, unpaid, scale, money_weight=2.0, time_weight=0.6)
    # 0: 2 * 200/2000 + 0.6 * 50/100 * 1 = 0.2 + 0.3 = 0.5.
    # 1: a negative net cost and no hours: no barrier. 2: negative hours count as 0.
    # 3: 2 * 1000/2000 + 0.6 * 200/100 * 0.5 = 1.0 + 0.6 = 1.6.
    np.testing.assert_allclose(got, [math.exp(-0.5), 1.0, 1.0, math.exp(-1.6)])


def test_budget_cover_spreads_the_balance_over_the_years_of_a_long_course():
    balance = np.array([900.0, 3000.0, -100.0, 500.0, 800.0])
    payable = np.array([900.0, 900.0, 900.0, -50.0, 900.0])
    years = np.array([3.0, 3.0, 1.0, 1.0, 0.5])
    # 900/3 = 300 < 900; 3000/3 = 1000 -> the payable 900; a negative balance covers 0; a
    # negative payable part is 0; years below 1 count as 1: min(800, 900) = 800.
    np.testing.assert_allclose(
        dec.budget_cover(balance, payable, years), [300.0, 900.0, 0.0, 0.0, 800.0]
    )


# -- the own-training stage on hand-built persons -----------------------------------------------

#: The behavioural values the stage reads.
BEHAVIOUR = {
    "timecredit.months": 6.0,
    "timecredit.federal_benefit_share": 0.25,
    "timecredit.income_weight": 0.5,
    "course.long_programme_years": 2.0,
    "barrier.money": 1.0,
    "barrier.time": 0.5,
}
#: The rules' values the stage reads.
SNAPSHOT = {
    "opleidingscheques.co_financing.government_share": 0.5,
    "opleidingsverlof.courses.min_hours": 32,
    "ontwikkelbudget.co_payment.share": 0.2,
    "ontwikkelbudget.co_payment.flat_eur": 50.0,
    "ontwikkelbudget.budget.limited": True,
    "ontwikkelbudget.budget.annual_limit_eur": 460_000.0,
}
HASSLE = {OC: 100.0, VOV: 200.0, VOK: 100.0, OB: 100.0}
T, F = True, False


def _law(incentives: bool = True, budget: bool = True, **snapshot) -> SimpleNamespace:
    return SimpleNamespace(
        behaviour=BEHAVIOUR,
        snapshot={**SNAPSHOT, **snapshot},
        incentives=incentives,
        budget_pays_training=incentives and budget,
        hassle=lambda k: HASSLE[k],
    )


class _Knows:
    """Awareness stand-in: who knows which instrument, set by hand."""

    def __init__(self, masks: dict[int, list[bool]]):
        self.masks = {k: np.array(v) for k, v in masks.items()}

    def knows(self, k, rows, cells=None):
        return self.masks[k][rows]


# Five persons. Rows 0-3 are candidates; row 4 is not (it has every right, knows everything and
# would claim on u = 0: nothing may reach its row).
#   0: a short course of 400 EUR, 20 h (too short for training leave), cheques up to 250.
#   1: a short course of 1000 EUR, 40 h; cheques but unaware of them; training leave up to
#      125 h; a balance of 600.
#   2: a long course on half-time credit (3000 EUR, 300 h); the Flemish premium 100/month;
#      training leave up to 125 h; no cheques; a balance of 2000.
#   3: a long course on one-fifth time credit (3000 EUR, 300 h), half-time work; cheques up to
#      250; unaware of the premium.
PRICE = np.array([400.0, 1000.0, 3000.0, 3000.0, 500.0])
BALANCE = np.array([0.0, 600.0, 2000.0, 0.0, 900.0])
WHO = np.array([0, 1, 2, 3])


def _world() -> SimpleNamespace:
    p_vov = 1 - math.exp(-640.0 / 200.0)  # person 1's leave: 40 h x 20 EUR x 0.8 = 640 EUR
    p_oc3 = 1 - math.exp(-250.0 / 100.0)  # person 3's cheques: min(0.5 x 3000, 250) = 250 EUR
    claim = np.zeros((5, 5))
    claim[OC] = [0.5, 0.0, 0.0, p_oc3 + 1e-9, 0.0]
    claim[VOV] = [0.0, p_vov + 1e-9, 0.3, 0.0, 0.0]
    claim[VOK] = [0.0, 0.0, 0.2, 0.0, 0.0]
    claim[OB] = [0.0, 0.1, 0.5, 0.0, 0.0]
    return SimpleNamespace(
        persons=SimpleNamespace(
            n=5,
            wage=np.array([2000.0, 2500.0, 3000.0, 2500.0, 3000.0]),
            work_fraction=np.array([1.0, 0.8, 1.0, 0.5, 1.0]),
            weight=np.array([100.0, 200.0, 300.0, 400.0, 500.0]),
            in_education=np.zeros(5, bool),
        ),
        hours=np.array([20.0, 40.0, 300.0, 300.0, 40.0]),
        hourly=np.array([12.0, 20.0, 20.0, 15.0, 20.0]),
        edu_emp=np.zeros(5, dtype=np.intp),
        time_credit_intent=np.array([F, F, T, T, T]),
        form=np.array([0, 0, 1, 2, 0], dtype=np.int8),
        long_course=np.array([F, F, T, T, T]),
        income=np.array([2000.0, 2500.0, 3000.0, 2500.0, 3000.0]),
        time_scale=np.array([1.0, 0.8, 1.0, 0.5, 1.0]),
        draws=SimpleNamespace(
            claim=claim,
            go=np.array([0.81, 0.73, 0.18, 0.12, 0.0]),
            arrival=np.array([0.9, 0.3, 0.2, 0.1, 0.4]),
        ),
    )


def _rights() -> Rights:
    eligible = np.zeros((5, 5), dtype=bool)
    eligible[OC] = [T, T, F, T, T]
    eligible[VOV] = [T, T, T, F, T]
    eligible[VOK] = [F, F, T, T, T]
    eligible[OB] = BALANCE > 0
    amounts = {
        "opleidingscheques_max_subsidy_eur": np.where(eligible[OC], 250.0, 0.0),
        "opleidingsverlof_max_hours": np.where(eligible[VOV], 125, 0).astype(np.int16),
        "opleidingskrediet_monthly_premium_eur": np.where(eligible[VOK], 100.0, 0.0),
    }
    return Rights(eligible, amounts)


def _aware() -> _Knows:
    return _Knows(
        {
            OC: [T, F, T, T, T],
            VOV: [T, T, T, T, T],
            VOK: [F, F, T, F, T],
            OB: [F, T, T, F, T],
            LBC: [F, F, F, F, F],
        }
    )


def test_candidates_want_or_consider_time_credit_and_are_not_trained_or_students():
    w = SimpleNamespace(
        persons=SimpleNamespace(in_education=np.array([F, F, F, F, T])),
        time_credit_intent=np.array([F, F, T, F, T]),
    )
    want = np.array([T, T, F, F, T])
    employer_trained = np.array([F, T, F, F, F])
    # 0 wants; 1 is trained by the employer; 2 considers time credit; 3 neither; 4 a student.
    assert own_training.candidates(w, want, employer_trained).tolist() == [0, 2]


def test_claim_on_every_instrument_known_and_entitled():
    c = own_training.claim(_world(), _law(), _rights(), _aware(), WHO, PRICE, BALANCE)
    # Cheques: 0: min(0.5 x 400, 250) = 200, P = 1 - e^-2 = 0.86 > u 0.5 -> claimed. 1: unaware.
    # 2: not eligible (maximum 0 -> subsidy 0). 3: 250 on u just above its threshold -> no.
    np.testing.assert_allclose(c.cheques, [200, 0, 0, 0, 0])
    # Leave: 0's course (20 h) does not qualify; 1: 640 EUR on u just above its threshold -> no;
    # 2: min(300, 125) = 125 h, worth 125 x 20 x 1.0 = 2500 EUR, P = 1 - e^-12.5 > 0.3; 3: not
    # eligible.
    np.testing.assert_allclose(c.leave_hours, [0, 0, 125, 0, 0])
    # Premium: 2 on time credit, eligible, aware: 100 x 6 months = 600 (P = 1 - e^-6 > 0.2);
    # 3 on time credit but unaware.
    np.testing.assert_allclose(c.premium, [0, 0, 600, 0, 0])
    # Budget: payable = 0.8 x price - 50. 1: short course, min(600 / 1, 750) = 600 (u 0.1);
    # 2: long, the balance over 2 years: min(2000 / 2, 2350) = 1000 (u 0.5, P = 1 - e^-10).
    # 0 and 3 hold no balance (cover 0 never claims).
    np.testing.assert_allclose(c.budget, [0, 600, 1000, 0, 0])
    # Time credit, over the candidates: the wage x form x 6 months x (1 - 0.25) is lost;
    # 2: 3000 x 0.5 x 6 x 0.75 = 6750; 3: 2500 x 0.2 x 6 x 0.75 = 2250.
    np.testing.assert_allclose(c.income_loss, [0, 0, 6750, 2250])
    # Hours not freed: the others keep the course's hours; 2 is freed 0.5 x 1650 x 6/12 =
    # 412.5 h >= 300 -> 0; 3 is freed 0.2 x 1650 x 6/12 x 0.5 (work fraction) = 82.5 -> 217.5.
    np.testing.assert_allclose(c.unpaid_hours, [20, 40, 0, 217.5])
    np.testing.assert_array_equal(c.rows, WHO)


def test_a_budget_that_does_not_pay_training_is_not_claimed():
    c = own_training.claim(_world(), _law(budget=False), _rights(), _aware(), WHO, PRICE, BALANCE)
    assert not c.budget.any()
    np.testing.assert_allclose(c.cheques, [200, 0, 0, 0, 0])


def test_the_counterfactual_claims_nothing_but_keeps_the_time_credit_loss():
    c = own_training.claim(
        _world(), _law(incentives=False), _rights(), _aware(), WHO, PRICE, BALANCE
    )
    for claimed in (c.cheques, c.leave_hours, c.premium, c.budget):
        assert not claimed.any()
    np.testing.assert_allclose(c.income_loss, [0, 0, 6750, 2250])
    np.testing.assert_allclose(c.unpaid_hours, [20, 40, 0, 217.5])


def test_go_ahead_weighs_what_is_left_to_pay_and_the_hours():
    w, law = _world(), _law()
    c = own_training.claim(w, law, _rights(), _aware(), WHO, PRICE, BALANCE)
    go = own_training.go_ahead(w, law, c, PRICE)
    # net = price - cheques - budget + 0.5 x (income lost - premium); barrier =
    # 1.0 x net / income + 0.5 x (hours not freed - leave hours) / 100 x time scale.
    # 0: 400 - 200 = 200; 200/2000 + 0.5 x 20/100 x 1.0 = 0.2 -> e^-0.2 = 0.819 > u 0.81: goes.
    # 1: 1000 - 600 = 400; 400/2500 + 0.5 x 40/100 x 0.8 = 0.32 -> 0.726 < u 0.73: stays.
    # 2: 3000 - 1000 + 0.5 x (6750 - 600) = 5075; 5075/3000 + 0 = 1.6917 -> 0.1842 > u 0.18.
    # 3: 3000 + 0.5 x 2250 = 4125; 4125/2500 + 0.5 x 217.5/100 x 0.5 = 2.19375 -> 0.1115 < 0.12.
    # 4: not a candidate (u = 0 notwithstanding).
    chance = np.exp(-np.array([0.2, 0.32, 5075 / 3000, 2.19375]))
    np.testing.assert_allclose(chance, [0.8187, 0.7261, 0.1842, 0.1115], atol=1e-4)
    assert (w.draws.go[:4] < chance).tolist() == [True, False, True, False]
    assert go.tolist() == [True, False, True, False, False]


def test_budget_limit_refuses_claims_first_come_first_served_in_real_euros():
    w, law = _world(), _law()
    c = own_training.claim(w, law, _rights(), _aware(), WHO, PRICE, BALANCE)
    go = np.array([T, T, T, F, F])
    staff_budget = np.array([0.0, 0.0, 0.0, 0.0, 300.0])  # row 4's employer shifts 300
    refused = own_training.budget_limit(w, law, go, c, staff_budget)
    # Claims x weight: 1: 600 x 200 = 120 000; 2: 1000 x 300 = 300 000; 4: 300 x 500 = 150 000.
    # In order of arrival: 2 (0.2; 300 000), 1 (0.3; 420 000), 4 (0.4; 570 000 > 460 000).
    assert refused.tolist() == [False, False, False, False, True]
    # A limit of 300 000 admits row 2 exactly; rows 1 and 4 are refused.
    law = _law(**{"ontwikkelbudget.budget.annual_limit_eur": 300_000.0})
    assert own_training.budget_limit(w, law, go, c, staff_budget).tolist() == [F, T, F, F, T]
    # A claim of someone who does not go ahead takes nothing: without row 1, 300 000 + 150 000.
    go_without_1 = np.array([T, F, T, F, F])
    assert not own_training.budget_limit(_world(), _law(), go_without_1, c, staff_budget).any()


def test_no_yearly_limit_refuses_nothing():
    w = _world()
    c = own_training.claim(w, _law(), _rights(), _aware(), WHO, PRICE, BALANCE)
    go, staff = np.ones(5, bool), np.zeros(5)
    unlimited = _law(**{"ontwikkelbudget.budget.limited": False})
    assert own_training.budget_limit(w, unlimited, go, c, staff) is None
    assert own_training.budget_limit(w, _law(budget=False), go, c, staff) is None
    assert own_training.budget_limit(w, _law(incentives=False), go, c, staff) is None


def test_places_ration_short_and_long_courses_separately():
    w = SimpleNamespace(
        persons=SimpleNamespace(weight=np.array([100.0, 200.0, 300.0, 400.0, 500.0])),
        long_course=np.array([F, T, F, T, T]),
        draws=SimpleNamespace(arrival=np.array([0.4, 0.3, 0.1, 0.0, 0.2])),
    )
    go = np.array([T, T, T, F, T])
    trained, demand = own_training.places(w, go, np.array([350.0, 600.0, math.inf]))
    # Short: rows 2 (0.1; 300) and 0 (0.4; 400 > 350): row 0 is refused.
    # Long: rows 4 (0.2; 500) and 1 (0.3; 700 > 600): row 1 is refused. Row 3 does not go.
    assert trained.tolist() == [False, False, True, False, True]
    # Demand in real persons per segment: short 100 + 300, long 200 + 500, guidance 0.
    np.testing.assert_allclose(demand, [400.0, 700.0, 0.0])
    trained, _ = own_training.places(w, go, np.array([math.inf, math.inf, math.inf]))
    assert (trained == go).all()
    assert go.tolist() == [True, True, True, False, True]  # ``go`` itself is left alone


def test_the_stand_ins_carry_real_names():
    # The stand-ins above name only attributes of the real WorldYear, Draws and Persons, and
    # keys of the real behaviour and rules: a rename in the model breaks this test, not the
    # meaning of the others.
    w = _world()
    fields = {f.name for f in dataclasses.fields(WorldYear)}
    assert set(vars(w)) <= fields
    assert set(vars(w.draws)) <= {f.name for f in dataclasses.fields(Draws)}
    persons = {f.name for f in dataclasses.fields(Persons)} | {"n"}
    assert set(vars(w.persons)) <= persons
    b = load_behaviour()
    for key in BEHAVIOUR:
        b[key]  # noqa: B018 - raises on an unknown key
    snap = load_parameters().at(dt.date(2024, 9, 1))
    assert all(key in snap for key in SNAPSHOT)
