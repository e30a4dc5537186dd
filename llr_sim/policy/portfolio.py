"""The personal portfolio (phase 2 of the vision note): per person, the entitlements and why.

Input: a persons CSV (one row per person) or a YAML file for one person (a mapping of column to
value), with the population columns of DESIGN.md section 4 and the optional portfolio columns
``career_guidance_pop``, ``last_loopbaancheque_year``, ``employer_initiative``, ``career_break``
and ``work_region``. The columns the rules read are required; ``person_id`` (default the row
number), ``weight`` (default 1), ``sex``, ``firm_size``, ``sector`` and ``employer_id`` are
optional because no rule reads them, but are checked when present.

Values are checked one by one (ranges and the categories of :mod:`llr_sim.population.schema`)
and against each other (a person without work has no work fraction and no wage, a worker has a
work fraction, time credit is for employees, no more years of work than years since age 14, no
more years with the employer than years of work plus the current one).
"""

from __future__ import annotations

import datetime as dt
import math
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from llr_sim.errors import InputError, InputErrors
from llr_sim.fileio import atomic_write
from llr_sim.policy.entitlements import entitlements
from llr_sim.policy.parameters import INSTRUMENTS, load_yaml
from llr_sim.policy.scenarios import Scenario
from llr_sim.population.schema import (
    EDUCATION,
    EMPLOYED_STATUSES,
    EMPLOYEE_STATUSES,
    FIRM_SIZE,
    MAX_AGE,
    MIN_AGE,
    SECTOR,
    SEX,
    STATUS,
)

#: Nobody starts working before this age: years of work cannot exceed age minus this.
WORK_FROM_AGE = 14
CAREER_BREAKS = ("none", "full", "half", "one_fifth")
WORK_REGIONS = ("flanders", "brussels", "other")
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}
_SHOWN_PER_COLUMN = 5
FIRST_LOOPBAANCHEQUE_YEAR = 2013

#: The rules read these columns; a persons file must have them.
REQUIRED = (
    "age",
    "education",
    "status",
    "in_education",
    "work_fraction",
    "gross_monthly_wage_eur",
    "years_worked",
    "tenure_years",
    "lives_alone",
)
#: Columns with a default when absent.
OPTIONAL = {
    "person_id": None,  # the row number
    "weight": "1",
    "sex": None,
    "firm_size": None,
    "sector": None,
    "employer_id": None,
    "career_guidance_pop": "false",
    "last_loopbaancheque_year": "",
    "employer_initiative": "false",
    "career_break": "none",
    "work_region": "flanders",
}

#: The amount columns of the portfolio output named in the issue, in order.
AMOUNT_COLUMNS = (
    "opleidingscheques_max_subsidy_eur",
    "loopbaancheques_own_contribution_eur",
    "opleidingsverlof_max_hours",
    "opleidingsverlof_reimbursement_eur_per_hour",
    "opleidingskrediet_monthly_premium_eur",
    "ontwikkelbudget_annual_credit_eur",
)
#: Further amounts, after those: the other ceilings, the provider side and the budget's terms.
DETAIL_COLUMNS = (
    "opleidingscheques_max_subsidy_priority_eur",
    "opleidingscheques_max_subsidy_higher_education_eur",
    "loopbaancheques_provider_value_eur",
    "loopbaancheques_government_payment_eur",
    "opleidingsverlof_capped_wage_eur_per_month",
    "opleidingskrediet_max_months",
    "ontwikkelbudget_cap_eur",
    "ontwikkelbudget_co_payment_eur",
    "ontwikkelbudget_co_payment_share",
)


def output_columns() -> list[str]:
    """The columns the portfolio adds to the input, in order."""
    out = []
    for name in INSTRUMENTS:
        out += [f"{name}_eligible", f"{name}_reason"]
    return out + list(AMOUNT_COLUMNS) + list(DETAIL_COLUMNS)


# --- reading -------------------------------------------------------------------------------


def _read_table(path: Path) -> tuple[pd.DataFrame, bool]:
    """The raw persons table as text, and whether it came from a one-person YAML file."""
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(shown, f"cannot read the file: {err.strerror or err}") from None
    if b"\x00" in raw:
        raise InputError(shown, "a binary file, not CSV or YAML text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(shown, "not UTF-8 text") from None
    if not text.strip():
        raise InputError(shown, "the file is empty")
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            data = load_yaml(text)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            raise InputError(shown, f"malformed YAML{where}") from None
        if not isinstance(data, dict):
            raise InputError(shown, "expected a mapping of column names to values for one person")
        row = {str(k): _yaml_text(v) for k, v in data.items()}
        return pd.DataFrame([row], dtype=object), True
    if path.suffix.lower() != ".csv":
        raise InputError(shown, f"unknown file type {path.suffix!r}; expected .csv, .yaml or .yml")

    try:
        frame = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError(shown, f"malformed CSV: {str(err).strip()}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise InputError(shown, "no persons (only a header)")
    return frame, False


def _yaml_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _Checker:
    """Collects problems per column, reporting at most a few rows per column."""

    def __init__(self, shown: str, one_person: bool):
        self.shown = shown
        self.one_person = one_person
        self.problems: list[InputError] = []

    def where(self, column: str, row: int | None) -> str:
        if self.one_person or row is None:
            return f"{self.shown}: {column}"
        return f"{self.shown}: line {row + 2}, column {column}"

    def flag(self, column: str, bad: np.ndarray, values: pd.Series, message: str) -> None:
        rows = np.flatnonzero(bad)
        for row in rows[:_SHOWN_PER_COLUMN]:
            self.problems.append(
                InputError(self.where(column, int(row)), f"{message}, got {values.iloc[row]!r}")
            )
        if len(rows) > _SHOWN_PER_COLUMN:
            self.problems.append(
                InputError(
                    f"{self.shown}: column {column}",
                    f"{len(rows) - _SHOWN_PER_COLUMN} more rows with the same problem",
                )
            )


def _numbers(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values.str.strip(), errors="coerce").to_numpy(dtype="float64")


def read_persons(path: str | Path, when: dt.date | None = None) -> tuple[pd.DataFrame, bool]:
    """Read and check a persons CSV or a one-person YAML file.

    Args:
        path: The file (``.csv``, ``.yaml`` or ``.yml``).
        when: The portfolio date; a last loopbaancheque year after it is impossible.

    Returns:
        The persons with typed columns (input order kept, defaults added at the end), and
        whether the file was a one-person YAML file.

    Raises:
        InputErrors: Every problem of the file, one per line naming the file, row and column.
    """
    path = Path(path)
    raw, one_person = _read_table(path)
    return check_persons(raw, str(path), one_person, when), one_person


def persons_from_records(records: list[dict[str, Any]], shown: str, when: dt.date | None = None):
    """Check persons given as mappings of column to value (e.g. the YAML rule cases).

    Raises:
        InputErrors: Every problem, naming ``shown`` and the field.
    """
    raw = pd.DataFrame([{k: _yaml_text(v) for k, v in r.items()} for r in records], dtype=object)
    return check_persons(raw.fillna(""), shown, len(records) == 1, when)


def check_persons(
    raw: pd.DataFrame, shown: str, one_person: bool, when: dt.date | None
) -> pd.DataFrame:
    """Type and check a raw persons table of text values.

    Args:
        raw: One row per person, every value as text (empty for missing).
        shown: The file name for error messages.
        one_person: Whether errors name the field only (one person) or the line and column.
        when: The portfolio date, if known.

    Returns:
        The persons with typed columns.

    Raises:
        InputErrors: Every problem, one per line.
    """
    check = _Checker(shown, one_person)
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise InputErrors(
            [
                InputError(f"{shown}: {c}" if one_person else f"{shown}: column {c}", "missing")
                for c in missing
            ]
        )
    frame = raw.copy()
    for column, default in OPTIONAL.items():
        if column not in frame.columns and default is not None:
            frame[column] = default
    frame = frame.apply(lambda s: s.astype(str).str.strip())
    out = pd.DataFrame(index=frame.index)
    for column in raw.columns:
        out[column] = raw[column]

    def number(column: str, low: float, high: float, whole: bool, message: str) -> np.ndarray:
        values = frame[column]
        x = _numbers(values)
        bad = ~np.isfinite(x) | (x < low) | (x > high)
        if whole:
            bad |= np.isfinite(x) & (np.round(x) != x)
        check.flag(column, bad, values, message)
        return x

    def category(column: str, allowed: tuple[str, ...], empty: str | None = None) -> np.ndarray:
        values = frame[column]
        text = values.to_numpy(dtype=object)
        if empty is not None:
            text = np.where(text == "", empty, text)
        bad = ~np.isin(text, allowed)
        check.flag(column, bad, values, f"expected one of {', '.join(allowed)}")
        return text

    def boolean(column: str) -> np.ndarray:
        values = frame[column]
        lower = values.str.lower().to_numpy(dtype=object)
        bad = ~np.isin(lower, list(_TRUE | _FALSE))
        check.flag(column, bad, values, "expected true or false")
        return np.isin(lower, list(_TRUE))

    if "person_id" in frame.columns:
        ids = number("person_id", -math.inf, math.inf, True, "expected a whole number")
        dup = pd.Series(ids).duplicated(keep="first").to_numpy() & np.isfinite(ids)
        check.flag("person_id", dup, frame["person_id"], "person_id appears twice")
        out["person_id"] = ids
    else:
        out.insert(0, "person_id", np.arange(1, len(frame) + 1))
    weight = number("weight", 0, math.inf, False, "expected a weight of 0 or more")
    out["weight"] = weight
    age = number(
        "age",
        MIN_AGE,
        MAX_AGE,
        True,
        f"expected an age in whole years from {MIN_AGE} to {MAX_AGE} (the population's range)",
    )
    out["age"] = age
    if "sex" in frame.columns:
        out["sex"] = category("sex", SEX)
    out["education"] = category("education", EDUCATION)
    status = category("status", STATUS)
    out["status"] = status
    out["in_education"] = boolean("in_education")
    work_fraction = number("work_fraction", 0, 1, False, "expected a share from 0 to 1")
    out["work_fraction"] = work_fraction
    if "firm_size" in frame.columns:
        out["firm_size"] = category("firm_size", FIRM_SIZE)
    if "sector" in frame.columns:
        out["sector"] = category("sector", SECTOR)
    if "employer_id" in frame.columns:
        out["employer_id"] = number(
            "employer_id", -1, math.inf, True, "expected -1 (none) or an id"
        )
    wage = number(
        "gross_monthly_wage_eur", 0, math.inf, False, "expected a wage in EUR of 0 or more"
    )
    out["gross_monthly_wage_eur"] = wage
    years = number("years_worked", 0, 120, False, "expected years of work of 0 or more")
    out["years_worked"] = years
    age_ok = np.isfinite(age) & (age >= MIN_AGE) & (age <= MAX_AGE)
    check.flag(
        "years_worked",
        np.isfinite(years) & age_ok & (years > age - WORK_FROM_AGE),
        frame["years_worked"],
        f"more years of work than years since age {WORK_FROM_AGE}",
    )
    tenure = number("tenure_years", 0, 120, False, "expected years with the employer of 0 or more")
    out["tenure_years"] = tenure
    # Tenure counts the current, unfinished year; years_worked only whole years.
    check.flag(
        "tenure_years",
        np.isfinite(tenure) & np.isfinite(years) & (tenure > years + 1 + 1e-6),
        frame["tenure_years"],
        "more years with the employer than years of work plus the current one",
    )
    jobless = np.isin(status, ("unemployed", "inactive"))
    working = np.isin(status, EMPLOYED_STATUSES)
    check.flag(
        "work_fraction",
        jobless & np.isfinite(work_fraction) & (work_fraction > 0),
        frame["work_fraction"],
        "expected 0 for a person who is unemployed or inactive (no job)",
    )
    check.flag(
        "work_fraction",
        working & (work_fraction == 0),
        frame["work_fraction"],
        "expected more than 0 for an employee or self-employed person (a job)",
    )
    check.flag(
        "gross_monthly_wage_eur",
        jobless & np.isfinite(wage) & (wage > 0),
        frame["gross_monthly_wage_eur"],
        "expected 0 for a person who is unemployed or inactive (no job)",
    )
    out["lives_alone"] = boolean("lives_alone")
    out["career_guidance_pop"] = boolean("career_guidance_pop")
    out["employer_initiative"] = boolean("employer_initiative")
    career_break = category("career_break", CAREER_BREAKS, empty="none")
    out["career_break"] = career_break
    check.flag(
        "career_break",
        (career_break != "none")
        & np.isin(career_break, CAREER_BREAKS)
        & np.isin(status, STATUS)
        & ~np.isin(status, EMPLOYEE_STATUSES),
        frame["career_break"],
        "expected none: time credit is only for employees (employee_private, employee_public)",
    )
    out["work_region"] = category("work_region", WORK_REGIONS, empty="flanders")
    last_text = frame["last_loopbaancheque_year"]
    last = _numbers(last_text)
    latest = when.year if when is not None else 2100
    given = last_text.to_numpy(dtype=object) != ""
    bad_last = given & (
        ~np.isfinite(last)
        | (np.round(last) != last)
        | (last < FIRST_LOOPBAANCHEQUE_YEAR)
        | (last > latest)
    )
    check.flag(
        "last_loopbaancheque_year",
        bad_last,
        last_text,
        f"expected empty (never) or a year from {FIRST_LOOPBAANCHEQUE_YEAR} to {latest}",
    )
    out["last_loopbaancheque_year"] = np.where(given, last, np.nan)
    if check.problems:
        raise InputErrors(check.problems)
    return out


# --- computing -----------------------------------------------------------------------------


def compute_portfolio(persons: pd.DataFrame, when: dt.date, scenario: Scenario) -> pd.DataFrame:
    """The input persons plus, for each instrument, eligibility, reason and amounts.

    Args:
        persons: Checked persons (see :func:`read_persons`).
        when: The date at which the rules are read.
        scenario: The scenario whose parameters apply.

    Returns:
        ``persons`` with the columns of :func:`output_columns` added.
    """
    result = entitlements(persons, when, scenario.parameters)
    out = persons.copy()
    for column in output_columns():
        out[column] = result[column].to_numpy()
    return out


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == bool:
            out[column] = np.where(values, "true", "false")
        elif column in AMOUNT_COLUMNS or column in DETAIL_COLUMNS:
            out[column] = values.astype(float).round(2)
        elif column in ("person_id", "age", "employer_id") and values.dtype.kind == "f":
            out[column] = values.astype("Int64")
        elif column == "last_loopbaancheque_year":
            out[column] = pd.Series(values, index=out.index).astype("Int64")
    return out


def write_csv_atomic(frame: pd.DataFrame, out: str | Path) -> Path:
    """Write ``frame`` to ``out`` through a temporary file, so a failure leaves nothing behind.

    Raises:
        InputError: If the folder of ``out`` does not exist.
    """
    target = Path(out)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("--out", f"folder {str(folder)!r} does not exist")
    ready = _csv_ready(frame)
    atomic_write(target, lambda tmp: ready.to_csv(tmp, index=False, encoding="utf-8"))
    return target


def format_overview(row: pd.Series, when: dt.date, scenario: Scenario) -> str:
    """A readable overview of one person's portfolio."""
    rules = scenario.parameters.at(when)
    share = rules["opleidingscheques.co_financing.government_share"]
    cheques = rules["loopbaancheques.cheques.per_period"]
    hours = rules["loopbaancheques.cheques.hours_per_trajectory"]
    lines = [
        f"Portfolio of person {_plain(row['person_id'])} on {when.isoformat()}, "
        f"scenario {scenario.name} ({scenario.label['en']})",
        f"  {_plain(row['age'])} years, {row['education']} educated, {row['status']}, "
        f"work fraction {row['work_fraction']:g}, {_plain(row['years_worked'])} years worked",
        "",
    ]
    details = {
        "opleidingscheques": lambda r: (
            f"up to EUR {r['opleidingscheques_max_subsidy_eur']:.2f} subsidy per school year "
            f"(the government pays {share * 100:g}% of the cheques you buy)"
        ),
        "loopbaancheques": lambda r: (
            f"{cheques:g} cheques for {hours:g} hours' guidance in total, you pay "
            f"EUR {r['loopbaancheques_own_contribution_eur']:.2f} per cheque"
        ),
        "opleidingsverlof": lambda r: (
            f"up to {r['opleidingsverlof_max_hours']:g} hours of paid leave per school year; "
            f"your employer gets EUR {r['opleidingsverlof_reimbursement_eur_per_hour']:.2f} an hour"
        ),
        "opleidingskrediet": lambda r: (
            f"EUR {r['opleidingskrediet_monthly_premium_eur']:.2f} gross a month on top of "
            "your time-credit benefit"
        ),
        "ontwikkelbudget": lambda r: (
            f"EUR {r['ontwikkelbudget_annual_credit_eur']:.2f} credited to your account this year"
        ),
    }
    width = max(len(n) for n in INSTRUMENTS)
    for name in INSTRUMENTS:
        if row[f"{name}_eligible"]:
            text = "yes  " + details[name](row)
        else:
            text = "no   " + row[f"{name}_reason"]
        lines.append(f"  {name:<{width}}  {text}")
    return "\n".join(lines)


def _plain(value: Any) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)
