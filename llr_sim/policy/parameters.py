"""Dated, sourced policy parameters (the OpenFisca/PolicyEngine dated-values idiom).

Each instrument has one YAML file in ``llr_sim/parameters/``. A *leaf* is a mapping with
``description``, ``unit`` and ``values``; ``values`` maps the date from which a value holds to an
entry with ``value`` and a ``reference`` (URL or document) or an ``assumption`` (reasoning). A
numeric value that rests on an assumption alone also gives a plausible ``range``. Other mappings
are groups; their paths join with dots: ``opleidingsverlof.hours.standard``.

A :class:`ParameterSet` is immutable: a scenario builds a new set and never changes the baseline.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from llr_sim.errors import InputError, InputErrors

INSTRUMENTS = (
    "opleidingscheques",
    "loopbaancheques",
    "opleidingsverlof",
    "opleidingskrediet",
    "ontwikkelbudget",
)
PARAMETERS_DIR = Path(__file__).resolve().parent.parent / "parameters"

#: The start of time for a value that holds at every date (an undated scenario override, or a
#: value frozen by ``rules_as_of``).
ALWAYS = dt.date(1, 1, 1)

#: Units of non-numeric leaves; every other unit is numeric and may not be negative.
BOOL_UNIT = "bool"
CATEGORY_UNIT = "category"
CATEGORIES_UNIT = "categories"
SHARE_UNIT = "/1"
_LEAF_KEYS = {"description", "unit", "values", "allowed"}
_ENTRY_KEYS = {"value", "reference", "assumption", "range"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DateTextLoader(yaml.SafeLoader):
    """A safe YAML loader that leaves dates as text, so that a bad date is our error to report.

    PyYAML turns ``2026-13-01`` into an exception while loading; here it stays a string and
    :func:`parse_date` reports it with the file and field.
    """


DateTextLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str) -> Any:
    """Parse YAML text safely, dates left as text."""
    return yaml.load(text, Loader=DateTextLoader)  # noqa: S506 - a SafeLoader subclass


def parse_date(value: Any, where: str) -> dt.date:
    """Read a date written as ``YYYY-MM-DD`` (a YAML date or a string).

    Args:
        value: The date as YAML gives it (``datetime.date``) or as text.
        where: The file and field, or the flag, for the error message.

    Returns:
        The date.

    Raises:
        InputError: If the value is not a valid ``YYYY-MM-DD`` date.
    """
    if isinstance(value, dt.datetime):
        raise InputError(where, f"expected a date YYYY-MM-DD without a time, got {value!s}")
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError as err:
            raise InputError(where, f"not a valid date: {text!r} ({err})") from None
    raise InputError(where, f"unknown date format {text!r}; write dates as YYYY-MM-DD")


@dataclass(frozen=True)
class DatedValue:
    """One value of a parameter and the date from which it holds.

    Attributes:
        since: First day the value holds (:data:`ALWAYS` for a value that holds at every date).
        value: The value (number, bool, category or list of categories).
        reference: Published source(s), joined with ``" ; "``.
        assumption: Reasoning when the value (or its date) is not published.
        range: Plausible (low, high) for an assumed number.
        origin_since: The original start date of a value frozen by ``rules_as_of``.
    """

    since: dt.date
    value: Any
    reference: str | None = None
    assumption: str | None = None
    range: tuple[float, float] | None = None
    origin_since: dt.date | None = None

    @property
    def source(self) -> str:
        """The reference and/or the assumption, as one line."""
        parts = []
        if self.reference:
            parts.append(self.reference)
        if self.assumption:
            text = f"assumption: {self.assumption}"
            if self.range is not None and "range" not in self.assumption.lower():
                text += f" (range {self.range[0]:g}-{self.range[1]:g})"
            parts.append(text)
        return " | ".join(parts)


@dataclass(frozen=True)
class Parameter:
    """A dated parameter: description, unit and its values over time.

    Attributes:
        path: Dotted path, starting with the instrument id.
        description: What the parameter means.
        unit: Unit (``EUR``, ``EUR/month``, ``hours/year``, ``/1``, ``bool``, ``category``, ...).
        values: Dated values, sorted by date.
        allowed: Allowed categories for ``category``/``categories`` units.
        file: The YAML file the parameter comes from.
    """

    path: str
    description: str
    unit: str
    values: tuple[DatedValue, ...]
    allowed: tuple[str, ...] | None = None
    file: str = ""

    @property
    def kind(self) -> str:
        """``bool``, ``category``, ``categories`` or ``number``."""
        if self.unit in (BOOL_UNIT, CATEGORY_UNIT, CATEGORIES_UNIT):
            return self.unit
        return "number"

    def entry_at(self, when: dt.date) -> DatedValue:
        """The dated value in force on ``when``.

        Raises:
            InputError: If ``when`` is before the first dated value.
        """
        current = None
        for entry in self.values:
            if entry.since <= when:
                current = entry
            else:
                break
        if current is None:
            raise InputError(
                self.path,
                f"no value in force on {when.isoformat()}; the rules are modelled from "
                f"{self.values[0].since.isoformat()}",
            )
        return current

    def at(self, when: dt.date) -> Any:
        """The value in force on ``when``."""
        return self.entry_at(when).value

    def check_value(self, value: Any) -> str | None:
        """Why ``value`` cannot be a value of this parameter, or None if it can."""
        kind = self.kind
        if kind == BOOL_UNIT:
            if not isinstance(value, bool):
                return f"expected true or false, got {_show(value)}"
            return None
        if kind == CATEGORY_UNIT:
            if not isinstance(value, str):
                return f"expected one of {', '.join(self.allowed or ())}, got {_show(value)}"
            if self.allowed and value not in self.allowed:
                return f"unknown value {value!r}; expected one of {', '.join(self.allowed)}"
            return None
        if kind == CATEGORIES_UNIT:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return f"expected a list of names, got {_show(value)}"
            unknown = [v for v in value if self.allowed and v not in self.allowed]
            if unknown:
                return (
                    f"unknown value(s) {', '.join(map(repr, unknown))}; "
                    f"expected some of {', '.join(self.allowed or ())}"
                )
            if len(set(value)) != len(value):
                return "a value is listed twice"
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"expected a number ({self.unit}), got {_show(value)}"
        if math.isnan(value) or math.isinf(value):
            return f"expected a finite number ({self.unit}), got {value}"
        if value < 0:
            return f"impossible negative value {value:g} ({self.unit}); must be 0 or more"
        if self.unit == SHARE_UNIT and value > 1:
            return f"a share must be between 0 and 1, got {value:g}"
        return None


def _show(value: Any) -> str:
    """Describe a wrong value in an error message: its type and a short repr."""
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__name__} {text}"


class Snapshot(Mapping[str, Any]):
    """The parameter values in force on one date, looked up by dotted path."""

    def __init__(self, values: Mapping[str, Any], when: dt.date, prefix: str = ""):
        self._values = values
        self.when = when
        self._prefix = prefix

    def __getitem__(self, path: str) -> Any:
        return self._values[self._prefix + path]

    def __iter__(self) -> Iterator[str]:
        n = len(self._prefix)
        return (k[n:] for k in self._values if k.startswith(self._prefix))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def sub(self, prefix: str) -> Snapshot:
        """The values under ``prefix`` (e.g. an instrument id), with shorter paths."""
        return Snapshot(self._values, self.when, f"{self._prefix}{prefix}.")


class ParameterSet(Mapping[str, Parameter]):
    """All parameters by dotted path. Immutable: changes return a new set."""

    def __init__(self, parameters: Mapping[str, Parameter]):
        self._parameters = dict(sorted(parameters.items()))
        self._cache: dict[dt.date, dict[str, Any]] = {}

    def __getitem__(self, path: str) -> Parameter:
        return self._parameters[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._parameters)

    def __len__(self) -> int:
        return len(self._parameters)

    def groups(self) -> set[str]:
        """Every dotted prefix that is a group, e.g. ``opleidingsverlof.hours``."""
        out = set()
        for path in self._parameters:
            parts = path.split(".")
            for i in range(1, len(parts)):
                out.add(".".join(parts[:i]))
        return out

    def at(self, when: dt.date) -> Snapshot:
        """The values in force on ``when``.

        Raises:
            InputError: If a parameter has no value on that date.
        """
        if when not in self._cache:
            problems, values = [], {}
            for path, parameter in self._parameters.items():
                try:
                    values[path] = parameter.at(when)
                except InputError as err:
                    problems.append(err)
            if problems:
                first = min(p.values[0].since for p in self._parameters.values())
                raise InputError(
                    "date",
                    f"{when.isoformat()} is before the first modelled rule; "
                    f"{len(problems)} parameter(s) have no value then, e.g. {problems[0]} "
                    f"(earliest start {first.isoformat()})",
                )
            self._cache[when] = values
        return Snapshot(self._cache[when], when)

    def with_parameters(self, updates: Mapping[str, Parameter]) -> ParameterSet:
        """A new set with some parameters replaced."""
        return ParameterSet({**self._parameters, **updates})

    def frozen_at(self, when: dt.date) -> ParameterSet:
        """A new set in which every parameter keeps, at every date, its value of ``when``."""
        self.at(when)  # fails cleanly if a rule is not yet in force
        frozen = {}
        for path, parameter in self._parameters.items():
            entry = parameter.entry_at(when)
            frozen[path] = replace(
                parameter,
                values=(
                    replace(entry, since=ALWAYS, origin_since=entry.origin_since or entry.since),
                ),
            )
        return ParameterSet(frozen)

    def change_dates(self, paths: list[str] | None = None) -> list[dt.date]:
        """Every date at which one of ``paths`` (default: all) changes value."""
        chosen = paths if paths is not None else list(self._parameters)
        return sorted({e.since for p in chosen for e in self._parameters[p].values})

    def table(self, when: dt.date) -> list[dict[str, str]]:
        """The parameters in force on ``when``: parameter, value, unit, since, source."""
        rows = []
        for path, parameter in self._parameters.items():
            entry = parameter.entry_at(when)
            if entry.origin_since is not None:
                since = f"{entry.origin_since.isoformat()} (frozen)"
            elif entry.since == ALWAYS:
                since = "always"
            else:
                since = entry.since.isoformat()
            rows.append(
                {
                    "parameter": path,
                    "value": format_value(entry.value),
                    "unit": parameter.unit,
                    "since": since,
                    "source": entry.source,
                }
            )
        return rows


def format_value(value: Any) -> str:
    """A parameter value as text: ``true``, ``21.3``, ``employee_private, employee_public``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(value) if value else "(none)"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e6 else f"{value:.0f}"
    return str(value)


def _source_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return " ; ".join(str(v) for v in value)
    return str(value)


def _read_leaf(path: str, node: dict, file: str, problems: list[InputError]) -> Parameter | None:
    where = f"{file}: {path}"
    start = len(problems)
    for key in node:
        if key not in _LEAF_KEYS:
            problems.append(InputError(f"{where}.{key}", "unknown key in a parameter"))
    for key in ("description", "unit"):
        if not isinstance(node.get(key), str) or not node[key].strip():
            problems.append(InputError(f"{where}.{key}", "missing or empty"))
    values = node.get("values")
    if not isinstance(values, dict) or not values:
        problems.append(InputError(f"{where}.values", "expected dated values"))
        return None
    allowed = node.get("allowed")
    allowed_t = tuple(allowed) if isinstance(allowed, list) else None
    probe = Parameter(path, "", str(node.get("unit", "")), (), allowed_t, file)
    entries = []
    for key, entry in values.items():
        ewhere = f"{where}.values.{key}"
        try:
            since = parse_date(key, ewhere)
        except InputError as err:
            problems.append(err)
            continue
        if not isinstance(entry, dict) or "value" not in entry:
            problems.append(InputError(ewhere, "expected a mapping with 'value'"))
            continue
        for ekey in entry:
            if ekey not in _ENTRY_KEYS:
                problems.append(InputError(f"{ewhere}.{ekey}", "unknown key in a dated value"))
        reason = probe.check_value(entry["value"])
        if reason:
            problems.append(InputError(f"{ewhere}.value", reason))
        reference = _source_text(entry.get("reference"))
        assumption = _source_text(entry.get("assumption"))
        if not reference and not assumption:
            problems.append(InputError(ewhere, "needs a 'reference' or an 'assumption'"))
        rng = entry.get("range")
        if rng is not None and (
            not isinstance(rng, list) or len(rng) != 2 or not rng[0] <= entry["value"] <= rng[1]
        ):
            problems.append(InputError(f"{ewhere}.range", "expected [low, high] around the value"))
        if assumption and not reference and probe.kind == "number" and rng is None:
            problems.append(
                InputError(f"{ewhere}.range", "an assumed number needs a plausible range")
            )
        entries.append(
            DatedValue(
                since,
                entry["value"],
                reference,
                assumption,
                tuple(rng) if isinstance(rng, list) and len(rng) == 2 else None,
            )
        )
    if len(problems) > start:
        return None
    return Parameter(
        path,
        node["description"].strip(),
        node["unit"],
        tuple(sorted(entries, key=lambda e: e.since)),
        allowed_t,
        file,
    )


def _walk(prefix: str, node: dict, file: str, out: dict, problems: list[InputError]) -> None:
    for key, child in node.items():
        if key in ("description", "reference") and not isinstance(child, dict):
            continue
        path = f"{prefix}.{key}"
        if not isinstance(child, dict):
            problems.append(InputError(f"{file}: {path}", "expected a group or a parameter"))
        elif "values" in child:
            parameter = _read_leaf(path, child, file, problems)
            if parameter is not None:
                out[path] = parameter
        else:
            _walk(path, child, file, out, problems)


def read_parameters(directory: Path | str | None = None) -> ParameterSet:
    """Read and check every parameter file of a directory (one file per instrument).

    Args:
        directory: Folder with ``<instrument>.yaml`` files; default the package's own.

    Returns:
        The parameter set.

    Raises:
        InputErrors: Every problem found in the files, one per line.
    """
    folder = Path(directory) if directory is not None else PARAMETERS_DIR
    problems: list[InputError] = []
    out: dict[str, Parameter] = {}
    for instrument in INSTRUMENTS:
        file = folder / f"{instrument}.yaml"
        try:
            data = load_yaml(file.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as err:
            problems.append(InputError(str(file), f"cannot read parameters: {err}"))
            continue
        if not isinstance(data, dict):
            problems.append(InputError(str(file), "expected a mapping of parameters"))
            continue
        _walk(instrument, data, str(file), out, problems)
    if problems:
        raise InputErrors(problems)
    return ParameterSet(out)


@lru_cache(maxsize=1)
def _default_parameters() -> ParameterSet:
    return read_parameters(PARAMETERS_DIR)


def load_parameters(directory: Path | str | None = None) -> ParameterSet:
    """The baseline parameters: the rules as dated in the parameter files.

    The package's own files are read once per process; the set is immutable.

    Args:
        directory: Another folder of parameter files (for tests); default the package's own.
    """
    if directory is None:
        return _default_parameters()
    return read_parameters(directory)


@dataclass(frozen=True)
class Constraint:
    """A relation between parameter values that must hold at every date.

    Each instrument module declares its own (``CONSTRAINTS``); a scenario that breaks one is
    refused before it changes anything.

    Attributes:
        target: The parameter at fault when the relation does not hold.
        paths: Every parameter the relation reads (the target among them).
        holds: Whether the relation holds, given the values in force by path.
        message: Why not, given the same values.
    """

    target: str
    paths: tuple[str, ...]
    holds: Callable[[Mapping[str, Any]], bool]
    message: Callable[[Mapping[str, Any]], str]


def whole_number_up_to(path: str, maximum: int, what: str) -> Constraint:
    """The value of ``path`` is a whole number from 0 to ``maximum``.

    For counts the rules store in a small integer type (``maximum`` its largest value): a value
    the files accept must not break a run.

    Args:
        path: The parameter.
        maximum: The largest value allowed.
        what: What the value counts, for the message (``"cheques per period"``).
    """

    def holds(values: Mapping[str, Any]) -> bool:
        value = values[path]
        return float(value).is_integer() and 0 <= value <= maximum

    return Constraint(
        path,
        (path,),
        holds,
        lambda values: (
            f"the number of {what} ({values[path]:g}) must be a whole number from 0 to {maximum}"
        ),
    )


def violations(
    parameters: ParameterSet, constraints: Iterable[Constraint]
) -> list[tuple[str, list[str], str]]:
    """The constraints that ``parameters`` break, each at the first date it breaks.

    Args:
        parameters: The parameter set.
        constraints: The relations to check.

    Returns:
        A list of (parameter at fault, parameters involved, message) for every violation.
    """
    out = []
    for constraint in constraints:
        paths = list(constraint.paths)
        for when in parameters.change_dates(paths):
            try:
                values = {path: parameters[path].at(when) for path in paths}
            except InputError:
                continue  # not all values in force yet: nothing to compare
            if not constraint.holds(values):
                suffix = "" if when == ALWAYS else f" from {when.isoformat()}"
                out.append((constraint.target, paths, constraint.message(values) + suffix))
                break
    return out
