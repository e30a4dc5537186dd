"""Calibration targets: one CSV row per published (or derived, or assumed) figure.

Every row names a *universe* (who is counted) and, for shares, a *category* (which of them),
as ``;``-separated conditions on the population's variables::

    age=25-64;sex=F            a numeric range (inclusive) and a value
    labour=employed|unemployed several values
    gross_monthly_wage_eur<2443 a comparison (< or >=)
    mean(gross_monthly_wage_eur) (category only) a weighted mean

Units: ``persons`` (a count), ``percent`` (a share of the universe), ``employers`` (a count of
the employer table), ``eur`` (a mean), ``percent_per_year`` (a flow, for the dynamic model).
``use`` says what the synthesis does with the row: ``rake`` (the weights are fitted to it and it
is checked), ``check`` (checked, not fitted: it should follow from the others), ``report`` (shown
with its gap; the note says why it is not binding), ``model`` (a flow for the dynamic model).
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from llr_sim.errors import InputError, InputErrors
from llr_sim.population import schema

COLUMNS = (
    "target_id",
    "universe",
    "category",
    "value",
    "unit",
    "year",
    "source",
    "status",
    "use",
    "note",
)
UNITS = ("persons", "percent", "employers", "eur", "percent_per_year")
STATUSES = ("published", "derived", "assumption")
USES = ("rake", "check", "report", "model")

#: Variables a condition may name, with their allowed values (None = numeric).
PERSON_VARIABLES: dict[str, tuple[str, ...] | None] = {
    "age": None,
    "sex": schema.SEX,
    "education": schema.EDUCATION,
    "status": schema.STATUS,
    "labour": schema.LABOUR,
    "in_education": ("true", "false"),
    "part_time": ("true", "false"),
    "firm_size": schema.FIRM_SIZE,
    "sector": schema.SECTOR,
    "lives_alone": ("true", "false"),
    "gross_monthly_wage_eur": None,
    "work_fraction": None,
    "years_worked": None,
    "tenure_years": None,
}
EMPLOYER_VARIABLES: dict[str, tuple[str, ...] | None] = {
    "size_class": schema.SIZE_CLASSES,
    "sector": schema.SECTOR[:-1],
    "employer_type": schema.EMPLOYER_TYPE,
    "employees": None,
}

_COND = re.compile(r"^(?P<var>[a-z_]+)\s*(?P<op>>=|<|=)\s*(?P<val>.+)$")
_RANGE = re.compile(r"^(-?\d+(?:\.\d+)?)-(-?\d+(?:\.\d+)?)$")
_MEAN = re.compile(r"^mean\((?P<var>[a-z_]+)\)$")
_URL = re.compile(r"^https?://\S+")


@dataclass(frozen=True)
class Condition:
    """One condition of a universe or category."""

    var: str
    op: str  # "in", "range", "<", ">="
    values: tuple

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Boolean mask of the rows of ``frame`` that meet the condition."""
        column = frame[self.var]
        if self.op == "in":
            if isinstance(column.dtype, pd.CategoricalDtype):
                wanted = [
                    column.cat.categories.get_loc(v)
                    for v in self.values
                    if v in column.cat.categories
                ]
                return np.isin(column.cat.codes.to_numpy(), wanted)
            if column.dtype == bool:
                return np.isin(column.to_numpy(), [v == "true" for v in self.values])
            return column.isin(self.values).to_numpy()
        values = column.to_numpy()
        if self.op == "range":
            return (values >= self.values[0]) & (values <= self.values[1])
        if self.op == "<":
            return values < self.values[0]
        return values >= self.values[0]


@dataclass(frozen=True)
class Target:
    """One calibration target (a row of a targets CSV)."""

    target_id: str
    universe: tuple[Condition, ...]
    category: tuple[Condition, ...]
    mean_of: str | None
    value: float
    unit: str
    year: int
    source: str
    status: str
    use: str
    note: str
    file: str

    def universe_mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Rows of ``frame`` in the universe."""
        return _all(self.universe, frame)

    def category_mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Rows of ``frame`` in the category (regardless of the universe)."""
        return _all(self.category, frame)


def _all(conditions: tuple[Condition, ...], frame: pd.DataFrame) -> np.ndarray:
    mask = np.ones(len(frame), dtype=bool)
    for cond in conditions:
        mask &= cond.mask(frame)
    return mask


def parse_conditions(
    text: str, variables: dict[str, tuple[str, ...] | None]
) -> tuple[Condition, ...]:
    """Parse ``var=a|b;var=lo-hi;var<x`` into conditions.

    Args:
        text: The condition string (may be empty: no condition).
        variables: Allowed variable names and their allowed values (None = numeric).

    Returns:
        The conditions.

    Raises:
        ValueError: With a message naming what is wrong.
    """
    conditions = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        m = _COND.match(part)
        if not m:
            raise ValueError(
                f"cannot read condition {part!r} (expected var=value, var<x or var>=x)"
            )
        var, op, val = m["var"], m["op"], m["val"].strip()
        if var not in variables:
            raise ValueError(f"unknown variable {var!r} (known: {', '.join(sorted(variables))})")
        allowed = variables[var]
        if allowed is None:
            if op == "=":
                r = _RANGE.match(val)
                try:
                    lo, hi = (float(r[1]), float(r[2])) if r else (float(val), float(val))
                except ValueError:
                    raise ValueError(f"{var}: {val!r} is not a number or a range lo-hi") from None
                if lo > hi:
                    raise ValueError(f"{var}: empty range {val!r}")
                conditions.append(Condition(var, "range", (lo, hi)))
            else:
                try:
                    conditions.append(Condition(var, op, (float(val),)))
                except ValueError:
                    raise ValueError(f"{var}: {val!r} is not a number") from None
        else:
            if op != "=":
                raise ValueError(f"{var}: only '=' applies to a categorical variable")
            values = tuple(v.strip() for v in val.split("|"))
            unknown = [v for v in values if v not in allowed]
            if unknown:
                raise ValueError(
                    f"{var}: unknown value(s) {unknown} (allowed: {', '.join(allowed)})"
                )
            conditions.append(Condition(var, "in", values))
    return tuple(conditions)


def default_targets_dir() -> Path:
    """The project's ``data/targets`` folder."""
    return Path(__file__).resolve().parents[2] / "data" / "targets"


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(str(path), f"cannot read the file ({err.strerror})") from None
    if b"\x00" in raw:
        raise InputError(str(path), "not a text CSV file (binary content)")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text") from None
    if not raw.strip():
        raise InputError(str(path), "the file is empty")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, ValueError) as err:
        first = str(err).strip().splitlines()[0]
        raise InputError(str(path), f"malformed CSV ({first})") from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(str(path), f"missing column(s) {', '.join(missing)}")
    return frame


def _row_target(path: Path, line: int, row: pd.Series, problems: list[InputError]):
    where = f"{path}: line {line}"
    bad = len(problems)

    def fail(field: str, message: str) -> None:
        problems.append(InputError(f"{where}, {field}", message))

    tid = row["target_id"].strip()
    if not tid:
        fail("target_id", "empty")
    unit = row["unit"].strip()
    if unit not in UNITS:
        fail("unit", f"{unit!r} is not one of {', '.join(UNITS)}")
    variables = EMPLOYER_VARIABLES if unit == "employers" else PERSON_VARIABLES
    try:
        universe = parse_conditions(row["universe"], variables)
    except ValueError as err:
        fail("universe", str(err))
        universe = ()
    category_text = row["category"].strip()
    mean_of = None
    category: tuple[Condition, ...] = ()
    m = _MEAN.match(category_text)
    if m:
        mean_of = m["var"]
        if mean_of not in PERSON_VARIABLES or PERSON_VARIABLES[mean_of] is not None:
            fail("category", f"mean of {mean_of!r}: not a numeric population variable")
        if unit != "eur":
            fail("unit", "a mean(...) category needs unit eur")
    else:
        try:
            category = parse_conditions(category_text, variables)
        except ValueError as err:
            fail("category", str(err))
        if unit == "percent" and not category_text:
            fail("category", "a percent target needs a category")
        if unit in ("persons", "employers") and category:
            fail("category", f"a {unit} count takes its conditions in the universe, not here")
    try:
        value = float(row["value"])
        if not math.isfinite(value):
            raise ValueError
    except ValueError:
        fail("value", f"not a finite number: {row['value']!r}")
        value = float("nan")
    else:
        if unit.startswith("percent") and not 0 <= value <= 100:
            fail("value", f"{value} is not a percentage between 0 and 100")
        elif value < 0:
            fail("value", f"{value} is negative")
    try:
        year = int(row["year"])
        if not 1990 <= year <= 2035:
            raise ValueError
    except ValueError:
        fail("year", f"not a reference year between 1990 and 2035: {row['year']!r}")
        year = 0
    source = row["source"].strip()
    if not source:
        fail("source", "missing: every target needs its source (a URL)")
    elif not _URL.match(source):
        fail("source", f"not a URL: {source[:60]!r}")
    status = row["status"].strip()
    if status not in STATUSES:
        fail("status", f"{status!r} is not one of {', '.join(STATUSES)}")
    use = row["use"].strip()
    if use not in USES:
        fail("use", f"{use!r} is not one of {', '.join(USES)}")
    elif use == "rake" and unit in UNITS and unit not in ("persons", "percent"):
        fail("use", f"only persons and percent targets can be raked, not {unit}")
    if len(problems) > bad:
        return None
    return Target(
        tid,
        universe,
        category,
        mean_of,
        value,
        unit,
        year,
        source,
        status,
        use,
        row["note"].strip(),
        path.name,
    )


@dataclass(frozen=True)
class Targets:
    """All calibration targets, with the hash of the files they came from."""

    items: tuple[Target, ...]
    sha256: str
    folder: str

    def by_use(self, *uses: str) -> list[Target]:
        """The targets whose ``use`` is one of ``uses``."""
        return [t for t in self.items if t.use in uses]

    def get(self, target_id: str) -> Target:
        """The target with this id."""
        for t in self.items:
            if t.target_id == target_id:
                return t
        raise KeyError(target_id)

    def as_frame(self) -> pd.DataFrame:
        """The targets as a table (without the parsed conditions)."""
        return pd.DataFrame(
            [
                {
                    "target_id": t.target_id,
                    "file": t.file,
                    "value": t.value,
                    "unit": t.unit,
                    "year": t.year,
                    "status": t.status,
                    "use": t.use,
                    "source": t.source,
                }
                for t in self.items
            ]
        )


def load_targets(folder: str | Path | None = None) -> Targets:
    """Read and validate every ``*.csv`` in the targets folder.

    Args:
        folder: The folder; the project's ``data/targets`` by default.

    Returns:
        The targets.

    Raises:
        InputError: One problem (missing folder, unreadable file).
        InputErrors: Every row problem at once, each naming the file, line and field.
    """
    folder = Path(folder) if folder is not None else default_targets_dir()
    if not folder.is_dir():
        raise InputError(str(folder), "targets folder not found")
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise InputError(str(folder), "no *.csv target files in the folder")
    problems: list[InputError] = []
    items: list[Target] = []
    digest = hashlib.sha256()
    seen: dict[str, str] = {}
    for path in files:
        try:
            frame = _read_csv(path)
        except InputError as err:
            problems.append(err)
            continue
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
        for i, (_, row) in enumerate(frame.iterrows()):
            target = _row_target(path, i + 2, row, problems)
            if target is None:
                continue
            if target.target_id in seen:
                problems.append(
                    InputError(
                        f"{path}: line {i + 2}, target_id",
                        f"duplicate of {target.target_id!r} in {seen[target.target_id]}",
                    )
                )
                continue
            seen[target.target_id] = path.name
            items.append(target)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InputErrors(problems)
    return Targets(tuple(items), digest.hexdigest(), str(folder))
