"""The population schema: columns, dtypes, allowed values and meaning (DESIGN.md §4).

The data dictionary ``data/synthetic/README.md`` is generated from this module, and every
population is checked against it before it is written.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SEX = ("M", "F")
EDUCATION = ("low", "medium", "high")
STATUS = ("employee_private", "employee_public", "self_employed", "unemployed", "inactive")
FIRM_SIZE = ("micro", "small", "medium", "large", "none")
SECTOR = (
    "health_social",
    "industry",
    "trade",
    "education",
    "public_admin",
    "construction",
    "transport_logistics",
    "other",
    "none",
)
LABOUR = ("employed", "unemployed", "inactive")
EMPLOYED_STATUSES = ("employee_private", "employee_public", "self_employed")
EMPLOYEE_STATUSES = ("employee_private", "employee_public")
SIZE_CLASSES = ("micro", "small", "medium", "large")
EMPLOYER_TYPE = ("private", "public")

MIN_AGE, MAX_AGE = 18, 66


@dataclass(frozen=True)
class Column:
    """One column of a table: its dtype, allowed values or range, and meaning."""

    name: str
    dtype: str
    description: str
    categories: tuple[str, ...] | None = None
    low: float | None = None
    high: float | None = None

    def pandas_dtype(self):
        """The pandas dtype object for this column."""
        if self.categories is not None:
            return pd.CategoricalDtype(list(self.categories), ordered=False)
        return np.dtype(self.dtype)


PERSON_COLUMNS: tuple[Column, ...] = (
    Column("person_id", "int32", "Unique person number, 0..n-1.", low=0),
    Column(
        "weight",
        "float32",
        "Number of real Flemish residents this row stands for (starts at 1/scale, then raked).",
        low=0,
    ),
    Column("age", "int8", "Age in completed years on 1 January of the base year.", low=18, high=66),
    Column("sex", "category", "M = man, F = woman.", categories=SEX),
    Column(
        "education",
        "category",
        "Highest diploma: low = at most lower secondary (ISCED 0-2), medium = upper secondary "
        "(ISCED 3-4), high = tertiary (ISCED 5-8).",
        categories=EDUCATION,
    ),
    Column(
        "status",
        "category",
        "Main labour-market position (ILO concepts): employee in the private or public sector, "
        "self-employed, ILO unemployed, inactive.",
        categories=STATUS,
    ),
    Column("in_education", "bool", "In formal education (a student, full- or part-time)."),
    Column(
        "work_fraction",
        "float32",
        "Working time as a fraction of a full-time job (1 = full-time, 0 = not working).",
        low=0,
        high=1,
    ),
    Column(
        "firm_size",
        "category",
        "Size class of the employer: micro 1-9, small 10-49, medium 50-249, large 250+ "
        "employees; the self-employed count as micro; none = not working.",
        categories=FIRM_SIZE,
    ),
    Column("sector", "category", "Sector of the job (NACE sections grouped).", categories=SECTOR),
    Column(
        "employer_id",
        "int32",
        "Row of the employer table (persons_employers.parquet); -1 for the self-employed and "
        "those without work.",
        low=-1,
    ),
    Column(
        "gross_monthly_wage_eur",
        "float32",
        "Gross monthly earnings actually received (full-time wage x work_fraction), EUR; "
        "for the self-employed the wage of an employee in the same position; 0 without work.",
        low=0,
    ),
    Column("years_worked", "int8", "Whole years of work over the career so far.", low=0, high=50),
    Column(
        "tenure_years",
        "float32",
        "Years with the current employer (or in the current self-employed activity); 0 "
        "without work.",
        low=0,
        high=50,
    ),
    Column("lives_alone", "bool", "Lives in a one-person household."),
)

EMPLOYER_COLUMNS: tuple[Column, ...] = (
    Column("employer_id", "int32", "Unique employer number, 0..m-1.", low=0),
    Column("size_class", "category", "Size class by headcount.", categories=SIZE_CLASSES),
    Column("sector", "category", "Sector (NACE sections grouped).", categories=SECTOR[:-1]),
    Column("employer_type", "category", "Private or public employer.", categories=EMPLOYER_TYPE),
    Column(
        "employees",
        "int32",
        "Headcount of the employer in the real population; at scale s the persons table "
        "holds about s of all employers, each with its whole staff.",
        low=1,
    ),
    Column(
        "weight",
        "float32",
        "Real employers this row stands for: the mean weight of the persons of its class "
        "(about 1/scale), so that weighted headcounts match the weighted persons; the number "
        "of employers drawn per class meets the published number of private employers.",
        low=0,
    ),
)


def empty_frame(columns: tuple[Column, ...]) -> pd.DataFrame:
    """An empty frame with the schema's columns and dtypes."""
    return pd.DataFrame({c.name: pd.Series([], dtype=c.pandas_dtype()) for c in columns})


def check_frame(frame: pd.DataFrame, columns: tuple[Column, ...], name: str) -> list[str]:
    """Problems of a frame against the schema (empty list when it conforms).

    Args:
        frame: The table to check.
        columns: The schema.
        name: How to call the table in messages.

    Returns:
        One message per problem.
    """
    problems = []
    expected = [c.name for c in columns]
    if list(frame.columns) != expected:
        missing = [c for c in expected if c not in frame.columns]
        extra = [c for c in frame.columns if c not in expected]
        problems.append(f"{name}: columns differ (missing {missing}, unexpected {extra})")
        return problems
    for col in columns:
        series = frame[col.name]
        if series.dtype != col.pandas_dtype():
            problems.append(
                f"{name}.{col.name}: dtype {series.dtype}, expected {col.pandas_dtype()}"
            )
            continue
        if col.categories is not None:
            if series.isna().any():
                problems.append(f"{name}.{col.name}: missing values")
            continue
        values = series.to_numpy()
        if values.dtype.kind == "f" and not np.isfinite(values).all():
            problems.append(f"{name}.{col.name}: NaN or infinite values")
        if col.low is not None and len(values) and values.min() < col.low:
            problems.append(f"{name}.{col.name}: value {values.min()} below {col.low}")
        if col.high is not None and len(values) and values.max() > col.high:
            problems.append(f"{name}.{col.name}: value {values.max()} above {col.high}")
    return problems


def data_dictionary() -> str:
    """The data dictionary of the synthetic population as Markdown."""
    lines = [
        "# data/synthetic: the generated synthetic population",
        "",
        "Generated by `llr-sim population --scale F --seed N --out FILE.parquet`; the files here",
        "are not committed (only this README, which is generated from `llr_sim/population/"
        "schema.py`).",
        "",
        "Files written side by side:",
        "",
        "- `FILE.parquet`: the persons, one row per person (columns below).",
        "- `FILE_employers.parquet`: the employer table that `employer_id` refers to.",
        "- `FILE_calibration.csv`: every target against its synthetic value.",
        "- `FILE_provenance.json`: how the files were made (version, git commit, seed, scale,",
        "  targets hash, time).",
        "",
    ]
    for title, columns in (("Persons", PERSON_COLUMNS), ("Employers", EMPLOYER_COLUMNS)):
        lines += [f"## {title}", "", "| column | dtype | values | meaning |", "|---|---|---|---|"]
        for c in columns:
            if c.categories is not None:
                values = ", ".join(f"`{v}`" for v in c.categories)
            elif c.dtype == "bool":
                values = "true / false"
            else:
                low = "" if c.low is None else f"{c.low:g}"
                high = "" if c.high is None else f"{c.high:g}"
                values = f"{low} to {high}".strip() if (low or high) else ""
                if low and not high:
                    values = f">= {low}"
            lines.append(f"| `{c.name}` | {c.dtype} | {values} | {c.description} |")
        lines.append("")
    return "\n".join(lines)


def with_derived(frame: pd.DataFrame) -> pd.DataFrame:
    """The persons with the derived variables that targets may name.

    ``labour`` is the ILO status (employed, unemployed, inactive); ``part_time`` is a work
    fraction above 0 and below 1.
    """
    status = frame["status"].cat.codes.to_numpy()
    # STATUS order: three employed statuses, then unemployed, then inactive.
    labour_code = np.select([status <= 2, status == 3], [0, 1], 2).astype(np.int8)
    fraction = frame["work_fraction"].to_numpy()
    return frame.assign(
        labour=pd.Categorical.from_codes(labour_code, categories=list(LABOUR)),
        part_time=(fraction > 0) & (fraction < 1),
    )
