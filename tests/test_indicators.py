"""Indicator helpers: wage quintiles and additionality."""

import numpy as np

from llr_sim.indicators import wage_quintile, year_table
from llr_sim.model.outcome import YearOutcome


def test_wage_quintiles_are_weighted():
    wage = np.array([0, 1000, 2000, 3000, 4000, 5000], dtype=float)
    weight = np.array([7, 1, 1, 1, 1, 1], dtype=float)
    assert wage_quintile(wage, weight).tolist() == [5, 0, 1, 2, 3, 4]
    heavy = np.array([0, 1000, 2000, 3000, 4000, 5000], dtype=float)
    w2 = np.array([1, 4, 1, 1, 1, 1], dtype=float)
    assert wage_quintile(heavy, w2).tolist()[1] in (0, 1)


def test_participation_rate_25_64_counts_only_that_age_range():

    n = 4
    z = np.zeros(n, dtype=bool)
    age = np.array([20, 30, 50, 66], dtype=np.int16)
    o = YearOutcome(
        year=2023,
        weight=np.array([1.0, 2.0, 3.0, 4.0]),
        education=np.array([0, 1, 2, 1], dtype=np.int8),
        age_band=np.array([0, 1, 3, 4], dtype=np.int8),
        female=z,
        status=np.zeros(n, dtype=np.int8),
        firm_size=np.zeros(n, dtype=np.int8),
        age=age,
        wage=np.full(n, 2000.0),
        trained=np.array([True, True, False, True]),
        guided=z,
        employer_trained=z,
        eligible=np.zeros((5, n), dtype=bool),
        used=np.zeros((5, n), dtype=bool),
        cost=np.zeros((5, n)),
        ob_training=z,
        ob_guidance=z,
        balance_start=np.zeros(n),
        balance=np.zeros(n),
        credit=np.zeros(n),
        spent=np.zeros(n),
        expired=np.zeros(n),
        portability=z,
    )
    t = year_table("x", o, o).set_index(["indicator", "instrument", "group_by", "group"])["value"]
    # Ages 30 (weight 2, trained) and 50 (weight 3, not): 2 / 5; 18-66 gives 7 / 10.
    assert t[("participation_rate_25_64", "all", "all", "all")] == 0.4
    assert t[("participation_rate", "all", "all", "all")] == 0.7
