"""Helpers shared by the instrument modules: optional columns and ordered conditions."""

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


def column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column of ``frame``, or its documented default when the column is absent."""
    if name in frame.columns:
        return frame[name]
    return pd.Series(OPTIONAL_DEFAULTS[name], index=frame.index)


def as_bool(series: pd.Series) -> np.ndarray:
    """A boolean column as a numpy bool array (missing values count as false)."""
    return series.fillna(False).to_numpy(dtype=bool)


def as_float(series: pd.Series) -> np.ndarray:
    """A numeric column as a float64 numpy array."""
    return series.to_numpy(dtype="float64", na_value=np.nan)


def is_in(series: pd.Series, values: list[str] | tuple[str, ...]) -> np.ndarray:
    """Whether each value of a (categorical or text) column is one of ``values``."""
    return series.isin(list(values)).to_numpy(dtype=bool)


def equals(series: pd.Series, value: str) -> np.ndarray:
    """Whether each value of a (categorical or text) column equals ``value``."""
    if isinstance(series.dtype, pd.CategoricalDtype) and value not in series.cat.categories:
        return np.zeros(len(series), dtype=bool)
    return (series == value).to_numpy(dtype=bool)


Reason = str | tuple[str, object]


def decide(checks: list[tuple[np.ndarray, Reason]], n: int) -> tuple[np.ndarray, pd.Categorical]:
    """Apply conditions in order; the reason is that of the first condition not met.

    Args:
        checks: (condition met per person, reason when not met) in the order the regulation
            states them. A reason is a text, or ``(template, values)``: a text with one ``{}``
            filled with each person's value (e.g. their status).
        n: Number of persons.

    Returns:
        Eligibility (bool array) and the reason (a categorical, ``""`` when eligible). Reason
        texts are built once per distinct value, not once per person.
    """
    if not checks:
        return np.ones(n, dtype=bool), pd.Categorical(np.full(n, "", dtype=object))
    failed = np.stack([~np.asarray(ok, dtype=bool) for ok, _ in checks])
    any_failed = failed.any(axis=0)
    first = failed.argmax(axis=0)
    labels: dict[str, int] = {"": 0}
    codes = np.zeros(n, dtype=np.int32)
    for i, (_, reason) in enumerate(checks):
        chosen = np.flatnonzero(any_failed & (first == i))
        if not len(chosen):
            continue
        if isinstance(reason, str):
            codes[chosen] = labels.setdefault(reason, len(labels))
        else:
            template, values = reason
            if isinstance(values, pd.Series):
                picked = values.iloc[chosen].to_numpy(dtype=object)
            else:
                picked = np.asarray(values, dtype=object)[chosen]
            inverse, unique = pd.factorize(picked)
            lookup = np.array(
                [labels.setdefault(template.format(u), len(labels)) for u in unique],
                dtype=np.int32,
            )
            codes[chosen] = lookup[inverse]
    reason = pd.Categorical.from_codes(codes, categories=list(labels))
    return ~any_failed, reason


def listing(values: list[str]) -> str:
    """A list of names for a reason text."""
    return ", ".join(values) if values else "none"


def pct(share: float) -> str:
    """0.8 -> '80%'."""
    return f"{share * 100:g}%"
