"""The indicator table (``llr_sim.indicators.year_table``) on five hand-built persons.

A scenario outcome and its counterfactual (the same persons without any incentive), every
expected value worked out by hand in the comments:

====  ======  =========  ===  ================  ==============  ===========================
row   weight  education  age  scenario          counterfactual  rights and uses
====  ======  =========  ===  ================  ==============  ===========================
0     100     low        30   trains            does not        cheques (OC), uses them: 200
1     200     high       40   trains            trains          OC, uses 200; budget (OB),
                                                                spends 300, keeps 500
2     100     high       50   trains            trains          OC, does not use it;
                                                                carried a budget (portability)
3     300     low        20   trains            does not        nothing (trains unsubsidised)
4     200     low        60   does not          trains          OC, does not use it
====  ======  =========  ===  ================  ==============  ===========================
"""

import math

import numpy as np

from llr_sim.indicators import additional, year_table
from llr_sim.model.law import LBC, OB, OC, VOK, VOV
from llr_sim.model.outcome import YearOutcome

T, F = True, False
WEIGHT = np.array([100.0, 200.0, 100.0, 300.0, 200.0])
EDUCATION = np.array([0, 2, 2, 0, 0], dtype=np.int8)
AGE = np.array([30, 40, 50, 20, 60], dtype=np.int16)
AGE_BAND = np.array([1, 2, 3, 0, 4], dtype=np.int8)


def _outcome(trained, eligible=None, used=None, cost=None, **extra) -> YearOutcome:
    n = len(WEIGHT)
    z = np.zeros(n, dtype=bool)
    fields = {
        "year": 2026,
        "weight": WEIGHT,
        "education": EDUCATION,
        "age_band": AGE_BAND,
        "female": np.array([F, T, F, T, F]),
        "status": np.zeros(n, dtype=np.int8),
        "firm_size": np.zeros(n, dtype=np.int8),
        "age": AGE,
        "wage": np.full(n, 2500.0),
        "trained": np.array(trained),
        "guided": z,
        "employer_trained": z,
        "eligible": np.zeros((5, n), dtype=bool) if eligible is None else eligible,
        "used": np.zeros((5, n), dtype=bool) if used is None else used,
        "cost": np.zeros((5, n)) if cost is None else cost,
        "ob_training": z,
        "ob_guidance": z,
        "balance_start": np.zeros(n),
        "balance": np.zeros(n),
        "credit": np.zeros(n),
        "spent": np.zeros(n),
        "expired": np.zeros(n),
        "portability": z,
    }
    return YearOutcome(**{**fields, **extra})


def _scenario() -> YearOutcome:
    eligible = np.zeros((5, 5), dtype=bool)
    eligible[OC] = [T, T, T, F, T]
    eligible[OB] = [F, T, F, F, F]
    used = np.zeros((5, 5), dtype=bool)
    used[OC] = [T, T, F, F, F]
    used[OB] = [F, T, F, F, F]
    cost = np.zeros((5, 5))
    cost[OC] = [200.0, 200.0, 0.0, 0.0, 0.0]
    cost[OB] = [0.0, 300.0, 0.0, 0.0, 0.0]
    return _outcome(
        [T, T, T, T, F],
        eligible,
        used,
        cost,
        ob_training=np.array([F, T, F, F, F]),
        balance=np.array([0.0, 500.0, 0.0, 0.0, 0.0]),
        spent=cost[OB].copy(),
        portability=np.array([F, F, T, F, F]),
    )


def _counterfactual() -> YearOutcome:
    return _outcome([F, T, T, F, T])


def _table():
    t = year_table("case", _scenario(), _counterfactual())
    return t.set_index(["indicator", "instrument", "group_by", "group"])["value"]


def _total(t, indicator, instrument="all"):
    return t[(indicator, instrument, "all", "all")]


def test_population_and_participants():
    t = _table()
    # Everyone in the outcome: 100 + 200 + 100 + 300 + 200 = 900 (the rows are ages 18-66).
    assert _total(t, "population") == 900.0
    # Trained in the scenario: rows 0-3, 100 + 200 + 100 + 300 = 700; 700 / 900.
    assert _total(t, "participants") == 700.0
    assert math.isclose(_total(t, "participation_rate"), 7 / 9)
    # Ages 25-64 (rows 0, 1, 2, 4: 600), of whom rows 0, 1, 2 trained (400): 2/3.
    assert math.isclose(_total(t, "participation_rate_25_64"), 2 / 3)
    # By education: low = rows 0, 3, 4 (600), trained 0 and 3 (400); high = rows 1, 2 (300).
    assert t[("population", "all", "education", "low")] == 600.0
    assert t[("participants", "all", "education", "low")] == 400.0
    assert t[("participants", "all", "education", "high")] == 300.0
    assert t[("population", "all", "education", "medium")] == 0.0
    assert math.isnan(t[("participation_rate", "all", "education", "medium")])


def test_additional_participants_are_users_who_did_not_train_without_incentives():
    s, cf = _scenario(), _counterfactual()
    extra = additional(s, cf)
    # Cheques: users 0 and 1; row 1 trained in the counterfactual too -> only row 0.
    assert extra[OC].tolist() == [T, F, F, F, F]
    # Budget: row 1 would have trained anyway -> none. ``all``: any instrument -> row 0.
    assert not extra[OB].any()
    assert extra[5].tolist() == [T, F, F, F, F]
    t = _table()
    assert _total(t, "additional_participants", "opleidingscheques") == 100.0
    assert _total(t, "additional_participants", "ontwikkelbudget") == 0.0
    assert _total(t, "additional_participants") == 100.0
    # Only users count: row 3 trains in the scenario and not in the counterfactual (300) but
    # uses nothing, and row 4 (200) trains only in the counterfactual (crowded out, say) and is
    # not subtracted. So additional participants (100) are not the gain in participants:
    # 700 - 500 = 200 = 100 (row 0) + 300 (row 3) - 200 (row 4).
    cf_table = year_table("cf", cf, cf).set_index(["indicator", "instrument", "group_by"])
    assert cf_table["value"][("participants", "all", "all")].item() == 500.0
    assert _total(t, "participants") - 500.0 == 200.0 != _total(t, "additional_participants")


def test_deadweight_take_up_and_non_take_up():
    t = _table()
    oc = "opleidingscheques"
    # Cheques: eligible rows 0, 1, 2, 4 = 600; users rows 0, 1 = 300; take-up 300 / 600.
    assert _total(t, "eligible", oc) == 600.0
    assert _total(t, "users", oc) == 300.0
    assert _total(t, "take_up_rate", oc) == 0.5
    # Deadweight = 1 - additional / users = 1 - 100 / 300: row 1 (200 of the 300 users) would
    # have trained anyway.
    assert math.isclose(_total(t, "deadweight_share", oc), 2 / 3)
    # Non-take-up: of the eligible who trained (rows 0, 1, 2: 400), those who did not use the
    # cheques (row 2: 100) -> 0.25. Row 4 is eligible and did not use them, but did not train:
    # it counts against take-up, not in non-take-up.
    assert _total(t, "non_take_up_share", oc) == 0.25
    # The two have different denominators (all eligible, 600; eligible who trained, 400), so
    # take-up + non-take-up = 0.75, not 1. What adds up: of the eligible who trained, the users
    # (300) and the non-users (100) make 400, i.e. 1 - non-take-up = 300 / 400.
    take_up, non_take_up = _total(t, "take_up_rate", oc), _total(t, "non_take_up_share", oc)
    assert take_up + non_take_up == 0.75
    assert 1.0 - non_take_up == 300.0 / 400.0
    # The budget: eligible and user row 1 (200): take-up 1, nobody missed; no additional user:
    # deadweight 1.
    ob = "ontwikkelbudget"
    assert _total(t, "take_up_rate", ob) == 1.0
    assert _total(t, "non_take_up_share", ob) == 0.0
    assert _total(t, "deadweight_share", ob) == 1.0
    # ``all``: eligible for any (rows 0, 1, 2, 4 = 600), users of any (rows 0, 1 = 300),
    # additional row 0 (100); trained and eligible rows 0, 1, 2 (400), row 2 missed (100).
    assert _total(t, "eligible") == 600.0
    assert _total(t, "users") == 300.0
    assert _total(t, "take_up_rate") == 0.5
    assert math.isclose(_total(t, "deadweight_share"), 2 / 3)
    assert _total(t, "non_take_up_share") == 0.25
    # An instrument nobody is eligible for: the ratios are NaN, not 0.
    for indicator in ("take_up_rate", "deadweight_share", "non_take_up_share"):
        assert math.isnan(_total(t, indicator, "opleidingsverlof"))


def test_public_cost_and_cost_per_additional_participant():
    t = _table()
    # Cheques: 100 x 200 + 200 x 200 = 60 000; per additional participant 60 000 / 100.
    assert _total(t, "public_cost_eur", "opleidingscheques") == 60_000.0
    assert _total(t, "cost_per_additional_participant_eur", "opleidingscheques") == 600.0
    # Budget: 200 x 300 = 60 000 with no additional participant: NaN, not infinite.
    assert _total(t, "public_cost_eur", "ontwikkelbudget") == 60_000.0
    assert math.isnan(_total(t, "cost_per_additional_participant_eur", "ontwikkelbudget"))
    # All: 60 000 + 60 000 = 120 000 over 100 additional participants: 1200 each.
    assert _total(t, "public_cost_eur") == 120_000.0
    assert _total(t, "cost_per_additional_participant_eur") == 1200.0
    # Spending shares by education: low row 0 (20 000), high row 1 (40 000 + 60 000).
    assert math.isclose(t[("spending_share", "all", "education", "low")], 1 / 6)
    assert math.isclose(t[("spending_share", "all", "education", "high")], 5 / 6)
    assert t[("spending_share", "all", "education", "medium")] == 0.0
    # Nothing paid for leave: its share is NaN (0 / 0).
    assert math.isnan(t[("spending_share", "opleidingsverlof", "education", "low")])


def test_matthew_ratio_is_high_over_low_educated_participation_at_25_64():
    t = _table()
    # Ages 25-64 only: high = rows 1, 2 (300), both trained -> 1.0; low = rows 0, 4 (300), row
    # 0 trained -> 1/3. Ratio 3. (Row 3, low educated, 20 and trained, is left out: with it,
    # low would be 400 / 600 and the ratio 1.5.)
    assert math.isclose(_total(t, "matthew_ratio"), 3.0)
    # For an instrument, use instead of training: cheques high 200 / 300, low 100 / 300 -> 2.
    assert math.isclose(_total(t, "matthew_ratio", "opleidingscheques"), 2.0)
    # The budget has no low-educated user: the ratio is NaN (not infinite).
    assert math.isnan(_total(t, "matthew_ratio", "ontwikkelbudget"))
    # Totals only: no Matthew ratio by group.
    assert not (
        (t.index.get_level_values("indicator") == "matthew_ratio")
        & (t.index.get_level_values("group_by") != "all")
    ).any()


def test_unused_balance_and_portability_events():
    t = _table()
    # Balance at year end: row 1 keeps 500 x 200 = 100 000; one portability event, row 2 (100).
    for instrument in ("ontwikkelbudget", "all"):
        assert _total(t, "unused_balance_eur", instrument) == 100_000.0
        assert _total(t, "portability_events", instrument) == 100.0
    # Only the budget and ``all`` carry them.
    cheques = t.xs("opleidingscheques", level="instrument")
    assert "unused_balance_eur" not in cheques.index.get_level_values("indicator")


def test_the_counterfactual_against_itself_has_no_additional_participant():
    cf = _counterfactual()
    t = year_table("cf", cf, cf).set_index(["indicator", "instrument", "group_by", "group"])
    v = t["value"]
    assert v[("additional_participants", "all", "all", "all")] == 0.0
    assert v[("public_cost_eur", "all", "all", "all")] == 0.0
    for k in (OC, LBC, VOV, VOK, OB):
        assert not additional(cf, cf)[k].any()


def test_non_take_up_counts_training_paid_by_the_employer():
    # The definition as it stands: "of the eligible who trained, the share who did not use the
    # instrument", where trained includes training at the employer's cost (and students). Row 2
    # trained at the employer's cost, which cheques could not have paid: it still counts as
    # non-take-up of the cheques, 100 / 400.
    s = _scenario()
    s.employer_trained = np.array([F, F, T, F, F])
    t = year_table("case", s, _counterfactual())
    t = t.set_index(["indicator", "instrument", "group_by", "group"])["value"]
    assert _total(t, "non_take_up_share", "opleidingscheques") == 0.25
