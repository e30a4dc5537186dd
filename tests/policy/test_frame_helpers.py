"""The helpers that keep dtype tricks out of the rule bodies give the plain arithmetic's values,
bit for bit and in the same dtype."""

import numpy as np
import pandas as pd
import pytest

from llr_sim.policy._frame import (
    add_amounts,
    amount,
    amount_of_either,
    amount_of_terms,
    at_most,
    compare,
    in_proportion_below,
    share_at_least,
    share_times_at_least,
)

N = 5000


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(11)
    wf = rng.choice([0, 0.2, 0.5, 0.8 - 1e-7, 0.8, 28 / 38, 1, 1.3], N) + rng.normal(0, 1e-3, N)
    return {
        "wf32": wf.astype(np.float32),
        "wf64": wf,
        "mask": rng.random(N) < 0.4,
        "eligible": rng.random(N) < 0.7,
        "other": rng.random(N) < 0.2,
        "wage32": rng.gamma(4, 900, N).astype(np.float32),
    }


def _same(got, expected):
    assert got.dtype == expected.dtype
    assert got.tobytes() == expected.tobytes()


@pytest.mark.parametrize("times", ["wf32", "wf64", None])
@pytest.mark.parametrize(
    ("if_true", "if_false"), [(250, 125), (250.0, 125.0), (100.1, 100), (1e39, 125), (0, 0)]
)
@pytest.mark.parametrize("scalar_mask", [False, True])
def test_amount_of_either_is_the_plain_float64_product(data, times, if_true, if_false, scalar_mask):
    mask = np.bool_(True) if scalar_mask else data["mask"]
    factor = None if times is None else np.minimum(data[times], 1.0)
    plain = np.where(mask, if_true, if_false)
    if factor is not None:
        plain = plain * factor.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        got = amount_of_either(data["eligible"], mask, if_true, if_false, times=factor)
        expected = amount(data["eligible"], np.asarray(plain, dtype=float))
    _same(got, expected)


@pytest.mark.parametrize("scalar", [False, True])
def test_amount_of_terms_is_the_plain_sum_over_everyone(data, scalar):
    other = np.bool_(False) if scalar else data["other"]
    terms = [(data["mask"], 578.24), (other, 289.12), (data["other"], 49.8)]
    plain = data["mask"] * 578.24 + other * 289.12 + data["other"] * 49.8
    _same(amount_of_terms(data["eligible"], terms), amount(data["eligible"], plain))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_credit_helpers_are_the_plain_expression(data, dtype):
    values = pd.Series(data["wf64"].astype(dtype))
    applies, low = data["mask"], data["other"]
    credit = in_proportion_below(500.0, values, 0.5, applies)
    plain = 500.0 * (1 - applies * np.maximum(1 - values.to_numpy(np.float64) / 0.5, 0.0))
    _same(credit, plain)
    terms = [(low, 300.0), (applies, 77.7), (np.bool_(True), 12.5)]
    _same(add_amounts(credit, terms), plain + low * 300.0 + applies * 77.7 + 12.5)


def test_at_most_rounds_as_amount_does(data):
    wage = pd.Series(data["wage32"])
    for ceiling in (3714.0, 3714.3, 1e9):
        _same(
            amount(data["eligible"], at_most(wage, ceiling)),
            amount(data["eligible"], np.minimum(wage.to_numpy(np.float64), ceiling)),
        )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_share_conditions_are_the_float64_comparisons_within_eps(data, dtype):
    values = pd.Series(data["wf64"].astype(dtype))
    as64 = values.to_numpy(np.float64)
    for minimum in (0.5, 0.8, 1):
        np.testing.assert_array_equal(share_at_least(values, minimum), as64 >= minimum - 1e-6)
    np.testing.assert_array_equal(share_times_at_least(values, 38, 28), as64 * 38 >= 28 - 1e-6)
    np.testing.assert_array_equal(
        share_times_at_least(values, 38, 28), compare(values, ">=", 28 - 1e-6, scale=38)
    )
