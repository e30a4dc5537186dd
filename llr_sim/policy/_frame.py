"""Helpers shared by the instrument modules: optional columns, fast column tests, conditions.

A population frame at full scale has about 4.1 million rows and the rules run every simulated
year for the scenario and its counterfactual, so the helpers work on categorical codes and on
the scalar default of an absent optional column instead of building per-person object arrays,
and compare numbers in the column's own dtype instead of converting millions of them to float64.

The model also runs the rules every simulated year on some 100,000 persons, where pandas' fixed
costs per call (looking up a column, building a categorical or a frame) outweigh the arithmetic:
:class:`Columns` looks each column up once per call, the categorical dtype of a set of reason
texts is built once per process, and :func:`llr_sim.policy.entitlements.entitlements` builds one
frame for all instruments.

Such tricks live here, in helpers named after what they compute (:func:`amount_of_either`,
:func:`share_at_least`, ...), each giving the values of the plain float64 arithmetic: a rule body
states its conditions and amounts as the regulation does.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pandas as pd

#: Defaults for the optional portfolio columns when a population frame lacks them. They are
#: modelling assumptions for a synthetic population: nobody has a POP after career guidance, nobody
#: has used loopbaancheques, no employer proposes training, nobody is on time credit, and everyone
#: works in the Flemish Region. The behaviour layer may replace them with drawn values.
OPTIONAL_DEFAULTS: dict[str, object] = {
    "career_guidance_pop": False,
    "last_loopbaancheque_year": np.nan,
    "employer_initiative": False,
    "career_break": "none",
    "work_region": "flanders",
}

#: Tolerance for comparing float32 work fractions with thresholds such as 0.8.
EPS = 1e-6

#: A column, or the scalar default of an absent optional column (the same for every person).
Values = pd.Series | object


class Columns:
    """The columns of a population frame, each looked up in the frame once.

    Reads like the frame for the rules (``population["age"]``, ``len(population)``,
    ``population.index``, ``population.columns``), but keeps every column it has handed out: a
    column lookup in a DataFrame costs tens of microseconds, as much as a comparison over
    100,000 persons, and the five instruments read the same columns several times.
    """

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.columns = frame.columns
        self.index = frame.index
        self._n = len(frame)
        self._series: dict[str, pd.Series] = {}

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, name: str) -> pd.Series:
        series = self._series.get(name)
        if series is None:
            series = self._series[name] = self.frame[name]
        return series


#: A population frame, or the same columns looked up once (:class:`Columns`).
Frame = pd.DataFrame | Columns


def column(frame: Frame, name: str) -> Values:
    """A column of ``frame``, or its documented scalar default when the column is absent."""
    if name in frame.columns:
        return frame[name]
    return OPTIONAL_DEFAULTS[name]


def as_bool(values: Values) -> np.ndarray | np.bool_:
    """A boolean column as a numpy bool array (missing values count as false)."""
    if not isinstance(values, pd.Series):
        return np.bool_(bool(values))
    if values.dtype == bool:
        return values.to_numpy()
    return values.fillna(False).to_numpy(dtype=bool)


def as_float(values: Values) -> np.ndarray | np.float64:
    """A numeric column as a float64 numpy array."""
    if not isinstance(values, pd.Series):
        return np.float64(values)
    return values.to_numpy(dtype="float64", na_value=np.nan)


def as_number(values: Values) -> np.ndarray | np.float64:
    """A numeric column as a numpy array: float32 stays float32, anything else as float64.

    No float64 copy of a float32 column, for arithmetic that gives the same result on it: a
    minimum with a parameter whose float64 result is only rounded to float32 (rounding is
    monotone), or an operation with a float64 number, which numpy does in float64 anyway.
    """
    if isinstance(values, pd.Series) and values.dtype == np.float32:
        return values.to_numpy()
    return as_float(values)


_COMPARE = {">=": operator.ge, ">": operator.gt, "<": operator.lt, "<=": operator.le}


def compare(values: Values, op: str, threshold: float, scale: float = 1) -> np.ndarray | np.bool_:
    """``values * scale op threshold`` per person (``op`` one of ``>=``, ``>``, ``<``, ``<=``).

    The same answer as computing with the float64 values of :func:`as_float`, but without
    converting the column. The float64 product grows with the value (rounding is monotone), so
    a float32 column is compared with the float32 that splits its values the same way (for
    ``>=`` and ``<`` the smallest float32 whose product reaches the threshold, for ``>`` and
    ``<=`` the largest whose product does not exceed it), and an integer column (when ``scale``
    is 1) with the whole number next to the threshold. Missing values (NaN) compare false.
    """
    test = _COMPARE[op]
    up = op in (">=", "<")
    if (
        isinstance(values, pd.Series)
        and isinstance(values.dtype, np.dtype)
        and math.isfinite(threshold)
        and 0 < scale < math.inf
    ):
        x = values.to_numpy()
        if x.dtype == np.float32:
            return test(x, _float32_bound(threshold, up, scale))
        if x.dtype.kind in "iu" and x.dtype.itemsize <= 4 and scale == 1:
            whole = math.ceil(threshold) if up else math.floor(threshold)
            info = np.iinfo(x.dtype)
            if info.min <= whole <= info.max:
                return test(x, whole)  # in the integer dtype; such values are exact in float64
    return test(as_float(values) * scale if scale != 1 else as_float(values), threshold)


@lru_cache(maxsize=1024)
def _float32_bound(threshold: float, up: bool, scale: float) -> np.float32:
    """The float32 where ``float64(x) * scale`` crosses ``threshold`` (see :func:`compare`).

    With ``up``, the smallest float32 x whose product is at least the threshold; otherwise the
    largest whose product is at most the threshold. Found from the nearest float32 to the
    quotient, a step or two away. A function of its arguments alone, so kept once computed (the
    same thresholds come back every simulated year).
    """

    def product(x: np.float32) -> float:
        return float(x) * scale  # in float64, as over the converted column

    inf = np.float32(np.inf)
    with np.errstate(over="ignore"):  # beyond the float32 range: infinity, as it should
        bound = np.float32(threshold / scale)
        if up:
            while product(bound) < threshold:
                bound = np.nextafter(bound, inf)
            while product(below := np.nextafter(bound, -inf)) >= threshold:
                bound = below
        else:
            while product(bound) > threshold:
                bound = np.nextafter(bound, -inf)
            while product(above := np.nextafter(bound, inf)) <= threshold:
                bound = above
    return bound


def _codes(values: pd.Series) -> np.ndarray:
    """The codes of a categorical column (-1 for a missing value), without a copy."""
    return values.array.codes


#: The categories of categorical dtypes as lists, by the dtype's id, the dtype kept with them
#: (so that the id cannot be reused while the entry exists).
_CATEGORY_LISTS: dict[int, tuple[pd.CategoricalDtype, list]] = {}


def _categories(values: pd.Series) -> list:
    """The categories of a categorical column, as a list (in code order).

    Listing an index of texts costs about a microsecond a category, and the rules ask for the
    categories of the same column several times a call: the list is kept per dtype object (a
    dtype is immutable), a few dozen at most.
    """
    dtype = values.dtype
    entry = _CATEGORY_LISTS.get(id(dtype))
    if entry is None or entry[0] is not dtype:
        if len(_CATEGORY_LISTS) >= 64:
            _CATEGORY_LISTS.clear()
        entry = _CATEGORY_LISTS[id(dtype)] = (dtype, list(dtype.categories))
    return entry[1]


def is_in(values: Values, allowed: list[str] | tuple[str, ...]) -> np.ndarray | np.bool_:
    """Whether each value of a (categorical or text) column is one of ``allowed``.

    A categorical column is tested once per category, then by comparing codes (missing values
    are not in any list): a run of allowed codes takes two comparisons, others one each.
    """
    if not isinstance(values, pd.Series):
        return np.bool_(values in allowed)
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = _codes(values)
        allowed = set(allowed)
        inside = [code for code, name in enumerate(_categories(values)) if name in allowed]
        if not inside:
            return np.zeros(len(codes), dtype=bool)
        low, high = inside[0], inside[-1]
        if low == high:
            return codes == low
        if high - low + 1 == len(inside):  # consecutive codes
            found = codes >= low
            found &= codes <= high
            return found
        found = codes == low
        for code in inside[1:]:
            found |= codes == code
        return found
    return np.isin(values.to_numpy(dtype=object), list(allowed))


def equals(values: Values, value: str) -> np.ndarray | np.bool_:
    """Whether each value of a (categorical or text) column equals ``value``."""
    return is_in(values, (value,))


#: The values of a reason template: a column, an array, one value, or a function giving the
#: values of the persons at some row positions (to compute them only for those who fail).
ReasonValues = pd.Series | np.ndarray | Callable[[np.ndarray], np.ndarray] | object
Reason = str | tuple[str, ReasonValues]


def _split_categories(values: pd.Series, fails: np.ndarray):
    """(category, mask) for every category of ``values`` (then "missing") among ``fails``.

    The mask is one array, overwritten for the next category.
    """
    # The code + 2 of each failing person (1 when missing), 0 for the others: one comparison
    # per category. Codes stay below 127 in int8 (and so on), so + 2 fits.
    shifted = _codes(values) + 2
    shifted *= fails
    mask = np.empty(len(fails), dtype=bool)
    names = [*_categories(values), "missing"]
    for code, name in zip([*range(2, len(names) + 1), 1], names, strict=True):
        np.equal(shifted, code, out=mask)
        if mask.any():
            yield name, mask


def _factorize_failing(values: ReasonValues, fails: np.ndarray):
    """(rows, inverse, unique): the failing rows, and their values as codes into ``unique``.

    Only the failing rows are looked at; ``unique`` is in order of first appearance.
    """
    rows = np.flatnonzero(fails)
    if callable(values):
        picked = values(rows)
    else:
        picked = values.to_numpy()[rows] if isinstance(values, pd.Series) else values[rows]
    inverse, unique = pd.factorize(picked, use_na_sentinel=False)
    return rows, inverse, unique


def decide(checks: list[tuple[object, Reason]], n: int) -> tuple[np.ndarray, pd.Categorical]:
    """Apply conditions in order; the reason is that of the first condition not met.

    Args:
        checks: (condition met per person or for everyone, reason when not met) in the order the
            regulation states them. A reason is a text, or ``(template, values)``: a text with
            one ``{}`` filled with each person's value (a column, an array, one value, or a
            function of the row positions of the persons who fail giving their values).
        n: Number of persons.

    Returns:
        Eligibility (bool array) and the reason (a categorical, ``""`` when eligible). Reason
        texts are built once per distinct value, not once per person.
    """
    labels: dict[str, int] = {"": 0}
    # The codes are kept in the compact dtype the categorical will use (int8 below 127 labels).
    codes = np.zeros(n, dtype=np.int8)
    open_ = np.ones(n, dtype=bool)  # eligible so far: no condition failed yet
    fails = np.empty(n, dtype=bool)
    scratch = np.empty(n, dtype=codes.dtype)  # arrays reused from condition to condition

    def label(text: str) -> int:
        """The code of a reason text, a new one for a new text."""
        nonlocal codes, scratch
        code = labels.setdefault(text, len(labels))
        if len(labels) >= np.iinfo(codes.dtype).max:
            codes = codes.astype(np.int16 if len(labels) < np.iinfo(np.int16).max else np.int32)
            scratch = np.empty(n, dtype=codes.dtype)
        return code

    def mark(persons: np.ndarray, text: str) -> None:
        """Give the persons of a bool mask the reason ``text``."""
        code = label(text)  # first: a new label may widen the codes
        code = codes.dtype.type(code)
        # Each person fails at most one condition, so adding the label code sets it.
        np.add(codes, np.multiply(persons, code, out=scratch), out=codes)

    for ok, reason in checks:
        ok = np.asarray(ok, dtype=bool)
        if ok.ndim == 0:
            if ok:
                continue
            fails, open_ = open_, np.zeros(n, dtype=bool)
        else:
            np.greater(open_, ok, out=fails)  # still open and this condition not met
            np.logical_and(open_, ok, out=open_)
        if not fails.any():
            continue
        if isinstance(reason, str):
            mark(fails, reason)
            continue
        template, values = reason
        if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
            for name, mask in _split_categories(values, fails):
                mark(mask, template.format(name))
        elif isinstance(values, pd.Series | np.ndarray) or callable(values):
            rows, inverse, unique = _factorize_failing(values, fails)
            coded = np.array([label(template.format(value)) for value in unique])
            codes[rows] = coded[inverse]  # each failing person's label, in one assignment
        else:
            mark(fails, template.format(values))
    return open_, pd.Categorical.from_codes(
        codes, dtype=reason_dtype(tuple(labels)), validate=False
    )


@lru_cache(maxsize=512)
def reason_dtype(texts: tuple[str, ...]) -> pd.CategoricalDtype:
    """The categorical dtype of reason texts (unordered, in this order), built once.

    Building the categories (an index of texts, checked for duplicates) costs more than
    deciding 100,000 persons; a dtype is immutable, so one serves every call with the same
    texts, as ``from_codes(codes, categories=list(texts))`` would build it.
    """
    return pd.CategoricalDtype(categories=list(texts))


def amount(eligible: np.ndarray, value: object, dtype: type = np.float32) -> np.ndarray:
    """``value`` (one number, or finite numbers per person) for the eligible, 0 for the others.

    Amounts are float32 (DESIGN.md section 4: compact dtypes; cents are exact to well beyond
    EUR 10,000), whole numbers such as months an int16. A product, not ``np.where``: over
    millions of rows the fresh output arrays, not the rule, are the cost, so they are kept small.
    """
    return np.multiply(value, eligible, dtype=dtype)


def select(mask: np.ndarray, if_true: float, if_false: float) -> np.ndarray:
    """``if_true`` where ``mask``, ``if_false`` elsewhere, as float32 (NaN allowed).

    The same values as ``np.where`` with two float32 numbers, several times faster over
    millions of rows: the choice is made on their bit patterns with integer arithmetic.
    """
    true_bits, false_bits = (int(b) for b in np.array([if_true, if_false], np.float32).view("u4"))
    bits = mask.astype(np.uint32)  # 0 or 1
    bits *= np.uint32((true_bits - false_bits) % 2**32)  # wraps around like the bit patterns
    bits += np.uint32(false_bits)
    return bits.view(np.float32)


def at_most(values: Values, ceiling: float) -> np.ndarray | np.float64:
    """``min(value, ceiling)`` per person, as a numpy array.

    A float32 column stays float32: its minimum is the float32 rounding of the float64 minimum
    (rounding is monotone), which is what :func:`amount` makes of it; anything else is compared
    in float64.
    """
    return np.minimum(as_number(values), ceiling)


def share_at_least(values: Values, minimum: float) -> np.ndarray | np.bool_:
    """``value >= minimum`` per person, for a share such as a work fraction.

    Within :data:`EPS`: a float32 work fraction of 0.8 is slightly below the number 0.8.
    """
    return compare(values, ">=", minimum - EPS)


def share_times_at_least(values: Values, whole: float, minimum: float) -> np.ndarray | np.bool_:
    """``value * whole >= minimum`` per person, for a share of a whole (hours of a full week).

    Within :data:`EPS`, and computed as with float64 values without converting the column
    (see :func:`compare`).
    """
    return compare(values, ">=", minimum - EPS, scale=whole)


def _exact_float32(value: float) -> bool:
    """Whether ``value`` is a float32 number, well inside the float32 range."""
    return abs(value) < 2.0**127 and float(np.float32(value)) == value


def amount_of_either(
    eligible: np.ndarray,
    mask: np.ndarray | np.bool_,
    if_true: float,
    if_false: float,
    times: np.ndarray | None = None,
) -> np.ndarray:
    """``(if_true where mask, else if_false) * times`` for the eligible, 0 for the others.

    As float32: the same values as ``amount(eligible, np.where(mask, if_true, if_false) *
    times)`` with ``times`` in float64, without float64 arrays over every person. The two numbers
    are picked per person on their float32 bit patterns (:func:`select`); a float32 ``times`` is
    multiplied in float32 when both numbers are float32 numbers: the float64 product of two
    float32 numbers is exact, so rounding it to float32 gives the float32 product.

    Args:
        eligible: Who is eligible (bool array).
        mask: Per person (or for everyone) which of the two numbers applies.
        if_true: The number where ``mask``.
        if_false: The number elsewhere.
        times: A factor per person (a numeric array), or None for none.
    """
    if np.ndim(mask) == 0:
        chosen = if_true if mask else if_false
        if times is None:
            return amount(eligible, float(chosen))
        if times.dtype == np.float32 and _exact_float32(float(chosen)):
            out = np.multiply(times, np.float32(chosen))
            out *= eligible
            return out
        return amount(eligible, chosen * np.asarray(times, dtype=np.float64))
    if times is None:
        out = select(mask, if_true, if_false)
        out *= eligible
        return out
    if times.dtype == np.float32 and all(_exact_float32(float(v)) for v in (if_true, if_false)):
        out = select(mask, float(if_true), float(if_false))
        out *= times
        out *= eligible
        return out
    return amount(eligible, np.where(mask, if_true, if_false) * np.asarray(times, np.float64))


def amount_of_terms(eligible: np.ndarray, terms: list[tuple[object, float]]) -> np.ndarray:
    """The sum of the amounts of the terms a person is among, for the eligible, 0 for others.

    As float32: a term is (persons, EUR), the persons a bool array or one bool for everyone;
    the amounts are summed in float64 in the order given and rounded to float32, as
    :func:`amount` rounds them. Computed over the rows of the eligible only: they may be few.
    """
    rows = np.flatnonzero(eligible)

    def among_eligible(values: object) -> object:
        return values[rows] if np.ndim(values) else values

    total = None
    for persons, eur in terms:
        term = among_eligible(persons) * float(eur)
        total = term if total is None else total + term
    out = np.zeros(len(eligible), dtype=np.float32)
    out[rows] = total
    return out


def in_proportion_below(
    amount_eur: float, values: Values, threshold: float, applies: np.ndarray | np.bool_
) -> np.ndarray:
    """``amount_eur * (1 - applies * max(1 - value / threshold, 0))`` per person, in float64.

    The amount in proportion to ``value / threshold`` for the persons of ``applies`` below the
    threshold, in full for everyone else. Computed in place on one float64 array (a float32
    column is divided by the float64 threshold, which numpy does in float64 anyway).
    """
    out = np.divide(as_number(values), np.float64(threshold))
    np.subtract(1.0, out, out=out)
    np.maximum(out, 0.0, out=out)
    out *= applies
    np.subtract(1.0, out, out=out)  # the share of the amount
    out *= amount_eur
    return out


def add_amounts(total: np.ndarray, terms: list[tuple[object, float]]) -> np.ndarray:
    """``total`` plus the amount of every term (persons, EUR) a person is among, in float64.

    Added in the order given, in place: ``total`` is a float64 array over every person, which
    is changed and returned.
    """
    term = np.empty(len(total))
    for persons, eur in terms:
        np.multiply(persons, float(eur), out=term)
        total += term
    return total


def amount_or_nan(eligible: np.ndarray, value: float) -> np.ndarray:
    """``value`` for the eligible, NaN (nothing applies) for the others, as float32."""
    return select(eligible, value, np.nan)


def result(columns: dict[str, object], index: pd.Index) -> pd.DataFrame:
    """The columns of an instrument (or of all of them) as a frame, without copying them.

    Consolidating millions of rows into 2-D blocks costs more than the rules themselves.
    """
    return pd.DataFrame(columns, index=index, copy=False)


# --- conditions shared by several instruments ------------------------------------------------


def status_condition(population: Frame, statuses: list[str]) -> tuple[object, Reason]:
    """The person's employment status is one of ``statuses``."""
    return (
        is_in(population["status"], statuses),
        (f"status {{}} is not eligible (only {listing(statuses)})", population["status"]),
    )


def region_condition(population: Frame, regions: list[str], template: str) -> tuple[object, Reason]:
    """The person works in one of ``regions``.

    The reason is ``template`` with the regions in its ``{}``.
    """
    return is_in(column(population, "work_region"), regions), template.format(listing(regions))


def work_fraction_condition(population: Frame, minimum: float) -> tuple[object, Reason]:
    """The person works at least ``minimum`` of a full-time job."""
    return (
        share_at_least(population["work_fraction"], minimum),
        f"works less than {pct(minimum)} of full time",
    )


def pop_condition(population: Frame, required: bool) -> tuple[object, Reason]:
    """When ``required``, a high educated person needs a POP after career guidance.

    The personal development plan (``career_guidance_pop``); the low and medium educated need
    none.
    """
    if not required:
        return np.bool_(True), ""
    high = equals(population["education"], "high")
    return (
        ~(high & ~as_bool(column(population, "career_guidance_pop"))),
        "high educated without a personal development plan (POP) after career guidance",
    )


def listing(values: list[str]) -> str:
    """A list of names for a reason text."""
    return ", ".join(values) if values else "none"


def pct(share: float) -> str:
    """0.8 -> '80%'."""
    return f"{share * 100:g}%"
