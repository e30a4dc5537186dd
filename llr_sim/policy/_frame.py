"""Helpers shared by the instrument modules: optional columns, fast column tests, conditions.

A population frame at full scale has about 4.1 million rows and the rules run every simulated
year for the scenario and its counterfactual, so the helpers work on categorical codes and on
the scalar default of an absent optional column instead of building per-person object arrays.
"""

from __future__ import annotations

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


def column(frame: pd.DataFrame, name: str) -> Values:
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


def is_in(values: Values, allowed: list[str] | tuple[str, ...]) -> np.ndarray | np.bool_:
    """Whether each value of a (categorical or text) column is one of ``allowed``.

    A categorical column is tested once per category, then by comparing codes (missing values
    are not in any list).
    """
    if not isinstance(values, pd.Series):
        return np.bool_(values in allowed)
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        inside = np.flatnonzero(values.cat.categories.isin(list(allowed)))
        found = np.zeros(len(codes), dtype=bool)
        for code in inside:
            found |= codes == code
        return found
    return np.isin(values.to_numpy(dtype=object), list(allowed))


def equals(values: Values, value: str) -> np.ndarray | np.bool_:
    """Whether each value of a (categorical or text) column equals ``value``."""
    return is_in(values, (value,))


Reason = str | tuple[str, object]


def _split(values: object, fails: np.ndarray):
    """(value, mask) for every distinct value of ``values`` among the rows where ``fails``."""
    if not isinstance(values, pd.Series | np.ndarray):
        yield values, fails
        return
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        for code, name in enumerate([*values.cat.categories, "missing"]):
            mask = fails & (codes == (code if code < len(values.cat.categories) else -1))
            if mask.any():
                yield name, mask
        return
    chosen = np.flatnonzero(fails)  # other columns: only the failing rows are looked at
    picked = values.to_numpy()[chosen] if isinstance(values, pd.Series) else values[chosen]
    inverse, unique = pd.factorize(picked, use_na_sentinel=False)
    for k, value in enumerate(unique):
        mask = np.zeros(len(fails), dtype=bool)
        mask[chosen[inverse == k]] = True
        yield value, mask


def decide(checks: list[tuple[object, Reason]], n: int) -> tuple[np.ndarray, pd.Categorical]:
    """Apply conditions in order; the reason is that of the first condition not met.

    Args:
        checks: (condition met per person or for everyone, reason when not met) in the order the
            regulation states them. A reason is a text, or ``(template, values)``: a text with
            one ``{}`` filled with each person's value (a column, an array, or one value).
        n: Number of persons.

    Returns:
        Eligibility (bool array) and the reason (a categorical, ``""`` when eligible). Reason
        texts are built once per distinct value, not once per person.
    """
    labels: dict[str, int] = {"": 0}
    codes = np.zeros(n, dtype=np.int16)
    open_ = np.ones(n, dtype=bool)  # eligible so far: no condition failed yet
    for ok, reason in checks:
        ok = np.asarray(ok, dtype=bool)
        if ok.ndim == 0:
            if ok:
                continue
            fails = open_.copy()
            open_[:] = False
        else:
            fails = open_ > ok  # still open and this condition not met
            np.logical_and(open_, ok, out=open_)
        if not fails.any():
            continue
        # Each person fails at most one condition here, so adding label codes sets them.
        if isinstance(reason, str):
            codes += fails * np.int16(labels.setdefault(reason, len(labels)))
            continue
        template, values = reason
        for value, mask in _split(values, fails):
            codes += mask * np.int16(labels.setdefault(template.format(value), len(labels)))
    return open_, pd.Categorical.from_codes(codes, categories=list(labels))


def amount(eligible: np.ndarray, value: object, dtype: type = np.float32) -> np.ndarray:
    """``value`` (one number, or finite numbers per person) for the eligible, 0 for the others.

    Amounts are float32 (DESIGN.md section 4: compact dtypes; cents are exact to well beyond
    EUR 10,000), whole numbers such as months an int16. A product, not ``np.where``: over
    millions of rows the fresh output arrays, not the rule, are the cost, so they are kept small.
    """
    return np.multiply(value, eligible, dtype=dtype)


def amount_or_nan(eligible: np.ndarray, value: float) -> np.ndarray:
    """``value`` for the eligible, NaN (nothing applies) for the others, as float32."""
    return np.array([np.nan, value], dtype=np.float32).take(eligible.view(np.uint8))


def result(columns: dict[str, object], index: pd.Index) -> pd.DataFrame:
    """The columns of an instrument as a frame, without copying them into one block.

    Consolidating millions of rows into 2-D blocks costs more than the rules themselves.
    """
    return pd.DataFrame(columns, index=index, copy=False)


# --- conditions shared by several instruments ------------------------------------------------


def status_condition(population: pd.DataFrame, statuses: list[str]) -> tuple[object, Reason]:
    """The person's employment status is one of ``statuses``."""
    return (
        is_in(population["status"], statuses),
        (f"status {{}} is not eligible (only {listing(statuses)})", population["status"]),
    )


def region_condition(
    population: pd.DataFrame, regions: list[str], template: str
) -> tuple[object, Reason]:
    """The person works in one of ``regions``.

    The reason is ``template`` with the regions in its ``{}``.
    """
    return is_in(column(population, "work_region"), regions), template.format(listing(regions))


def work_fraction_condition(population: pd.DataFrame, minimum: float) -> tuple[object, Reason]:
    """The person works at least ``minimum`` of a full-time job."""
    return (
        as_float(population["work_fraction"]) >= minimum - EPS,
        f"works less than {pct(minimum)} of full time",
    )


def pop_condition(population: pd.DataFrame, required: bool) -> tuple[object, Reason]:
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
