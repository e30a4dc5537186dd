"""Scenarios: reforms over the baseline rules, validated whole before anything is applied.

A scenario file (DESIGN.md section 4)::

    name: harmonised                      # a plain identifier, equal to the file name
    label: {nl: ..., en: ...}
    description: ...
    extends: portfolio                    # a scenario name, a path, or "baseline" (default)
    period: {start: 2024, end: 2030}      # simulated years; inherited when absent
    rules_as_of: 2022-09-01               # optional: hold every rule at its value of that date
    policy:                               # dotted parameter paths
      opleidingsverlof.hours.standard: 150              # holds at every date
      opleidingsverlof.reimbursement.eur_per_hour:      # or from a date on
        2026-09-01: 18.0
    behaviour:                            # parameters of behaviour.yaml, within their range
      awareness.overview_multiplier: 1.5

Resolution: the baseline parameters, frozen at the most specific ``rules_as_of`` of the chain,
then the ``policy`` overrides from the root of the ``extends`` chain to the scenario itself; a
date-keyed override replaces the values from its first date on. Every file of the chain is
checked first and every problem is reported at once; a scenario is never partially applied (the
baseline is immutable and the result is only returned when everything is valid).

The same scenario can be made in memory: :func:`scenario_from_dict` takes the fields of a file
as a dict (validated the same way, through the same code), and :meth:`Scenario.with_overrides`
puts policy and behaviour overrides on top of a resolved scenario, as a file that ``extends`` it
would. Such a scenario has no file (``path`` is None).

The policy package checks the ``behaviour:`` block's shape only (dotted names to finite
numbers): the names and ranges are the behaviour package's, and the caller that knows them
passes ``check_behaviour`` (``llr_sim.inputs`` does, for every entry point), so its problems are
reported with the others, in the same order.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from llr_sim.errors import InputError, InputErrors
from llr_sim.policy.parameters import (
    ALWAYS,
    DatedValue,
    ParameterSet,
    load_parameters,
    load_yaml,
    parse_date,
)


def _constraints(parameters: ParameterSet) -> list[tuple[str, list[str], str]]:
    """The relations between parameters that the instrument modules declare, violated."""
    # The rules (and pandas) load only when a scenario is checked: the CLI stays light.
    from llr_sim.policy.entitlements import check_constraints  # noqa: PLC0415

    return check_constraints(parameters)


BASELINE = "baseline"
#: The project's own scenario folder (the repository's ``scenarios/``).
PROJECT_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

_KEYS = ("name", "label", "description", "extends", "period", "rules_as_of", "policy", "behaviour")
_REQUIRED = ("name", "label", "description")
_LABEL_KEYS = ("nl", "en")
_PERIOD_KEYS = ("start", "end")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
_YEARS = (2000, 2100)
#: Where a scenario made in memory says its problems are (instead of a file name).
MEMORY = "<memory>"

#: Checks the names and values of ``behaviour:`` overrides (dotted name to number) and returns
#: the problems, each naming ``where``: ``check_behaviour(overrides, where)``.
BehaviourCheck = Callable[[Mapping[str, Any], str], list[InputError]]


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario: its metadata, its parameters and its behaviour overrides.

    Attributes:
        name: Plain identifier.
        label: Labels by language (``nl``, ``en``).
        description: What the scenario is and why.
        path: The file, or None for the baseline and a scenario made in memory.
        chain: Names from the scenario itself up to the baseline.
        period: First and last simulated year, or None for the baseline.
        rules_as_of: The date at which the rules are held, if any.
        policy: The policy overrides of the whole chain (the scenario's own win), as written.
        behaviour: The behaviour overrides of the whole chain (the scenario's own win).
        parameters: The resolved parameter set.
    """

    name: str
    label: dict[str, str]
    description: str
    path: Path | None
    chain: tuple[str, ...]
    period: tuple[int, int] | None
    rules_as_of: dt.date | None
    policy: dict[str, Any] = field(repr=False)
    behaviour: dict[str, float] = field(repr=False)
    parameters: ParameterSet = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The resolved scenario as plain data (for the run folder and for hashing)."""

        def plain(value: Any) -> Any:
            if isinstance(value, dict):
                return {
                    (k.isoformat() if isinstance(k, dt.date) else k): plain(v)
                    for k, v in value.items()
                }
            return value

        return {
            "name": self.name,
            "label": dict(self.label),
            "description": self.description,
            "extends_chain": list(self.chain[1:]),
            "period": {"start": self.period[0], "end": self.period[1]} if self.period else None,
            "rules_as_of": self.rules_as_of.isoformat() if self.rules_as_of else None,
            "policy": plain(self.policy),
            "behaviour": dict(self.behaviour),
        }

    def with_overrides(
        self,
        policy: Mapping[str, Any] | None = None,
        behaviour: Mapping[str, float] | None = None,
        name: str | None = None,
        label: Mapping[str, str] | None = None,
        description: str | None = None,
        *,
        source: str | None = None,
        check_behaviour: BehaviourCheck | None = None,
    ) -> Scenario:
        """A new scenario: this one with overrides on top, as a file extending it would be.

        The policy overrides are dotted parameter paths, to a value or to date-keyed values
        (a date-keyed override replaces the values from its first date on); they are applied
        on top of this scenario's parameters. The behaviour overrides are merged with this
        scenario's. Everything is checked first, and every problem reported at once.

        Args:
            policy: Dotted parameter paths to values (or to ``{date: value}``).
            behaviour: Dotted behavioural parameter names to numbers.
            name: The new scenario's name (a plain identifier); this one's by default. A new
                name heads the ``chain``, as a file extending this scenario would.
            label: Labels by language (``nl``, ``en``); this scenario's by default.
            description: The new description; this scenario's by default.
            source: What the problems are said to come from (default
                ``<overrides of NAME>``).
            check_behaviour: Checks the behaviour names and ranges (see :data:`BehaviourCheck`);
                without it only their shape is checked here.

        Returns:
            The new scenario, with ``path`` None. This one is not changed.

        Raises:
            InputErrors: Every problem, each naming ``source`` and the field.
        """
        shown = source or f"<overrides of {self.name}>"
        given = {"name": name, "label": label, "description": description}
        data = {k: copy.deepcopy(v) for k, v in given.items() if v is not None}
        if policy is not None:
            data["policy"] = copy.deepcopy(dict(policy) if isinstance(policy, Mapping) else policy)
        if behaviour is not None:
            data["behaviour"] = dict(behaviour) if isinstance(behaviour, Mapping) else behaviour
        problems = _check_data(
            data, shown, self.parameters, required=(), check_behaviour=check_behaviour
        )
        new_name = name if isinstance(name, str) else self.name
        overrides = _valid_overrides(data.get("policy"), self.parameters)
        resolved = _apply(self.parameters, overrides, f"scenario {new_name} ({shown})")
        for target, paths, message in _constraints(resolved):
            field_path = next((p for p in [target, *paths] if p in overrides), target)
            problems.append(InputError(f"{shown}: policy.{field_path}", message))
        if problems:
            raise InputErrors(problems)
        return replace(
            self,
            name=new_name,
            label=dict(data.get("label", self.label)),
            description=data.get("description", self.description).strip(),
            path=None,
            chain=self.chain if new_name == self.name else (new_name, *self.chain),
            policy={**self.policy, **overrides},
            behaviour={**self.behaviour, **data.get("behaviour", {})},
            parameters=resolved,
        )


def baseline_scenario() -> Scenario:
    """The baseline: the rules as dated in the parameter files, no overrides."""
    return Scenario(
        name=BASELINE,
        label={"nl": "Basis: regels zoals gedateerd", "en": "Baseline: the rules as dated"},
        description="The parameter files as they are: every rule with its dates.",
        path=None,
        chain=(BASELINE,),
        period=None,
        rules_as_of=None,
        policy={},
        behaviour={},
        parameters=load_parameters(),
    )


def _suggest(word: str, options: list[str] | set[str]) -> str:
    """``; did you mean 'x'?`` for the nearest valid names, or an empty string."""
    close = difflib.get_close_matches(word, sorted(options), n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"


def find_scenario(ref: str, base_dir: Path | None = None) -> Path | None:
    """The file a scenario reference points to, or None.

    A reference that looks like a path (has a ``/`` or ends in ``.yaml``/``.yml``) is a path,
    relative to ``base_dir`` first, then to the working directory. A plain name is looked up as
    ``<name>.yaml`` beside the referring file (``base_dir``), then in the project's
    ``scenarios/`` folder.
    """
    if "/" in ref or "\\" in ref or ref.endswith((".yaml", ".yml")):
        candidates = [Path(ref)] if Path(ref).is_absolute() else []
        if base_dir is not None and not Path(ref).is_absolute():
            candidates.append(base_dir / ref)
        candidates.append(Path(ref))
    else:
        candidates = [
            d / f"{ref}{ext}"
            for d in (base_dir, PROJECT_SCENARIOS)
            if d
            for ext in (".yaml", ".yml")
        ]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


def _available(base_dir: Path | None) -> set[str]:
    names = {BASELINE}
    for folder in (base_dir, PROJECT_SCENARIOS):
        if folder is not None and folder.is_dir():
            names.update(p.stem for p in folder.glob("*.y*ml"))
    return names


def _read_yaml(path: Path, shown: str) -> tuple[Any, list[InputError]]:
    """Read a YAML file; an empty, binary or malformed file is one problem."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        return None, [InputError(shown, f"cannot read the file: {err.strerror or err}")]
    if b"\x00" in raw:
        return None, [InputError(shown, "a binary file, not YAML text")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, [InputError(shown, "a binary file or not UTF-8 text, not YAML")]
    if not text.strip():
        return None, [InputError(shown, "the file is empty")]
    try:
        data = load_yaml(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        return None, [InputError(shown, f"malformed YAML, {where}{problem}")]
    if data is None:
        return None, [InputError(shown, "the file is empty (only comments)")]
    if not isinstance(data, dict):
        return None, [
            InputError(shown, f"expected a mapping of scenario fields, got a {type(data).__name__}")
        ]
    return data, []


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_behaviour_shape(behaviour: Any, shown: str) -> list[InputError]:
    """Problems of the shape of a ``behaviour:`` block: a mapping of dotted names to numbers.

    Whether a name is a behavioural parameter, and its value inside its range, is for the
    behaviour package to say (the ``check_behaviour`` of :func:`load_scenario`).
    """
    if behaviour is None:
        return []
    if not isinstance(behaviour, Mapping):
        return [
            InputError(
                f"{shown}: behaviour",
                f"expected a mapping of dotted names to numbers, got {behaviour!r}",
            )
        ]
    problems = []
    for key, value in behaviour.items():
        where = f"{shown}: behaviour.{key}"
        if not isinstance(key, str) or not _DOTTED.match(key):
            problems.append(InputError(where, "expected a dotted name such as awareness.base_rate"))
        elif not _is_number(value):
            problems.append(InputError(where, f"expected a number, got {value!r}"))
        elif not math.isfinite(value):
            problems.append(InputError(where, f"expected a finite number, got {value}"))
    return problems


def _check_data(
    data: dict,
    shown: str,
    parameters: ParameterSet,
    *,
    stem: str | None = None,
    required: tuple[str, ...] = _REQUIRED,
    check_behaviour: BehaviourCheck | None = None,
) -> list[InputError]:
    """Every problem of one scenario's fields (not its parents, not cross-parameter relations).

    Args:
        data: The fields, as a file holds them.
        shown: The file (or the source in memory) that problems name.
        parameters: The baseline parameters the policy paths must exist in.
        stem: The file name without its suffix, which the name must equal (None in memory).
        required: The fields that must be there.
        check_behaviour: Checks the behaviour names and ranges, or None for the shape only.
    """
    problems: list[InputError] = []

    def bad(fld: str, message: str) -> None:
        problems.append(InputError(f"{shown}: {fld}", message))

    for key in data:
        if key not in _KEYS:
            bad(
                str(key),
                "unknown key" + (_suggest(str(key), _KEYS) or f"; expected {', '.join(_KEYS)}"),
            )
    for key in required:
        if key not in data:
            bad(key, "missing")

    name = data.get("name")
    if "name" in data:
        if not isinstance(name, str) or not _IDENTIFIER.match(name):
            bad("name", f"{name!r} is not a plain identifier (letters, digits, underscores)")
        elif name == BASELINE:
            bad("name", f"{BASELINE!r} is reserved for the rules as dated")
        elif stem is not None and name != stem:
            bad("name", f"{name!r} differs from the file name {stem!r}")

    if "label" in data:
        label = data["label"]
        if not isinstance(label, Mapping):
            bad(
                "label",
                f"expected a mapping with {' and '.join(_LABEL_KEYS)}, got {type(label).__name__}",
            )
        else:
            for key in label:
                if key not in _LABEL_KEYS:
                    bad(f"label.{key}", "unknown language" + _suggest(str(key), _LABEL_KEYS))
            for key in _LABEL_KEYS:
                if not isinstance(label.get(key), str) or not label[key].strip():
                    bad(f"label.{key}", "missing or not text")

    if "description" in data and (
        not isinstance(data["description"], str) or not data["description"].strip()
    ):
        bad("description", "expected a text explaining the design")

    if "extends" in data and (not isinstance(data["extends"], str) or not data["extends"].strip()):
        bad("extends", f"expected a scenario name or path, got {data['extends']!r}")

    if "period" in data:
        period = data["period"]
        if not isinstance(period, Mapping):
            bad("period", f"expected a mapping with start and end years, got {period!r}")
        else:
            for key in period:
                if key not in _PERIOD_KEYS:
                    bad(f"period.{key}", "unknown key" + _suggest(str(key), _PERIOD_KEYS))
            years = {}
            for key in _PERIOD_KEYS:
                value = period.get(key)
                if not isinstance(value, int) or isinstance(value, bool):
                    bad(f"period.{key}", f"expected a year such as 2024, got {value!r}")
                elif not _YEARS[0] <= value <= _YEARS[1]:
                    bad(f"period.{key}", f"year {value} outside {_YEARS[0]}-{_YEARS[1]}")
                else:
                    years[key] = value
            if len(years) == 2 and years["end"] < years["start"]:
                bad(
                    "period.end", f"the end ({years['end']}) is before the start ({years['start']})"
                )

    if "rules_as_of" in data:
        try:
            parse_date(data["rules_as_of"], f"{shown}: rules_as_of")
        except InputError as err:
            problems.append(err)

    if "policy" in data:
        _check_policy(data["policy"], shown, parameters, problems)

    if "behaviour" in data:
        behaviour = data["behaviour"]
        problems.extend(check_behaviour_shape(behaviour, shown))
        if check_behaviour is not None and isinstance(behaviour, Mapping):
            valid = {k: v for k, v in behaviour.items() if isinstance(k, str) and _DOTTED.match(k)}
            problems.extend(check_behaviour(valid, shown))
    return problems


def _check_file(
    path: Path, shown: str, parameters: ParameterSet, check_behaviour: BehaviourCheck | None
) -> tuple[dict | None, list[InputError]]:
    """Every problem of one scenario file (not its parents, not cross-parameter relations)."""
    data, problems = _read_yaml(path, shown)
    if data is None:
        return None, problems
    found = _check_data(data, shown, parameters, stem=path.stem, check_behaviour=check_behaviour)
    return data, problems + found


def _check_policy(
    policy: Any, shown: str, parameters: ParameterSet, problems: list[InputError]
) -> None:
    if policy is None:
        return
    if not isinstance(policy, Mapping):
        problems.append(
            InputError(f"{shown}: policy", f"expected a mapping of parameter paths, got {policy!r}")
        )
        return
    groups = parameters.groups()
    for path, value in policy.items():
        where = f"{shown}: policy.{path}"
        if path not in parameters:
            if path in groups:
                problems.append(
                    InputError(
                        where,
                        "is a group, not a parameter; write full dotted paths, e.g. "
                        f"{next(p for p in parameters if p.startswith(str(path) + '.'))!r}",
                    )
                )
            else:
                problems.append(
                    InputError(
                        where, "unknown parameter path" + _suggest(str(path), list(parameters))
                    )
                )
            continue
        parameter = parameters[path]
        if isinstance(value, Mapping):
            if not value:
                problems.append(InputError(where, "no dated values"))
            for key, dated in value.items():
                dwhere = f"{where}.{key}"
                try:
                    parse_date(key, dwhere)
                except InputError:
                    problems.append(
                        InputError(dwhere, f"malformed date key {key!r}; write dates as YYYY-MM-DD")
                    )
                    continue
                reason = parameter.check_value(dated)
                if reason:
                    problems.append(InputError(dwhere, reason))
        else:
            reason = parameter.check_value(value)
            if reason:
                problems.append(InputError(where, reason))


def _is_year(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _valid_overrides(policy: Any, parameters: ParameterSet) -> dict[str, Any]:
    """The overrides of one scenario that pass :func:`_check_policy` (the others are reported)."""
    if not isinstance(policy, Mapping):
        return {}
    valid = {}
    for path, value in policy.items():
        found: list[InputError] = []
        _check_policy({path: value}, "", parameters, found)
        if not found:
            valid[path] = value
    return valid


def _apply(parameters: ParameterSet, policy: dict, source: str) -> ParameterSet:
    """A new parameter set with the (already checked) overrides of one scenario applied."""
    updates = {}
    for path, value in policy.items():
        parameter = parameters[path]
        if isinstance(value, Mapping):
            dated = sorted((parse_date(k, path), v) for k, v in value.items())
            first = dated[0][0]
            kept = tuple(e for e in parameter.values if e.since < first)
            new = tuple(DatedValue(d, v, reference=source) for d, v in dated)
            updates[path] = replace(parameter, values=kept + new)
        else:
            always = DatedValue(ALWAYS, value, reference=source)
            updates[path] = replace(parameter, values=(always,))
    return parameters.with_parameters(updates)


@dataclass(frozen=True)
class _Document:
    """One scenario of an ``extends`` chain, checked: its fields and where they come from.

    Attributes:
        data: The fields.
        shown: The file (as the user named it) or the source in memory, for the problems.
        path: The file, or None in memory.
        folder: Where the scenarios it extends are looked up first (None: the project's).
    """

    data: dict
    shown: str
    path: Path | None
    folder: Path | None

    @property
    def origin(self) -> str:
        """The file name or the source, for the reference of the values it sets."""
        return self.path.name if self.path is not None else self.shown


def _chain(
    first: _Document, parameters: ParameterSet, check_behaviour: BehaviourCheck | None
) -> tuple[list[_Document], list[InputError]]:
    """The checked scenarios from ``first`` up to the baseline, and every problem on the way.

    ``first`` is checked by the caller; its parents are files, checked here.
    """
    chain = [first]
    problems: list[InputError] = []
    seen: list[Path] = [first.path.resolve()] if first.path is not None else []
    current = first
    while True:
        ref = current.data.get("extends", BASELINE)
        if not isinstance(ref, str) or not ref.strip() or ref == BASELINE:
            break
        parent = find_scenario(ref, current.folder)
        if parent is None:
            beside = "beside the file or " if current.path is not None else ""
            problems.append(
                InputError(
                    f"{current.shown}: extends",
                    f"no scenario {ref!r} {beside}in {PROJECT_SCENARIOS}"
                    + _suggest(Path(ref).stem, _available(current.folder)),
                )
            )
            break
        if parent.resolve() in seen:
            names = [p.stem for p in seen] + [parent.stem]
            problems.append(
                InputError(f"{current.shown}: extends", "circular: " + " -> ".join(names))
            )
            break
        data, found = _check_file(parent, str(parent), parameters, check_behaviour)
        problems.extend(found)
        if data is None:
            break
        current = _Document(data, str(parent), parent, parent.parent)
        chain.append(current)
        seen.append(parent.resolve())
    return chain, problems


def _resolve(
    first: _Document,
    problems: list[InputError],
    base: ParameterSet,
    check_behaviour: BehaviourCheck | None,
) -> Scenario:
    """The scenario ``first`` (checked, with its ``problems``) resolved over its chain.

    The one way a scenario is made from its fields, whether they come from a file or a dict.
    """
    chain, found = _chain(first, base, check_behaviour)
    problems = [*problems, *found]
    # Every problem at once: the period and the cross-parameter relations are checked even when
    # a file has field errors, on a best-effort resolution that skips the invalid values. The
    # result is only returned when there is no problem at all.
    top = chain[-1].data.get("extends", BASELINE)
    complete = not isinstance(top, str) or not top.strip() or top == BASELINE

    period = rules_as_of = None
    period_given = False
    for doc in chain:  # the most specific value wins
        data = doc.data
        if not period_given and "period" in data:
            period_given = True
            value = data["period"]
            if isinstance(value, Mapping) and all(_is_year(value.get(k)) for k in _PERIOD_KEYS):
                period = (value["start"], value["end"])
        if rules_as_of is None and "rules_as_of" in data:
            try:
                rules_as_of = parse_date(data["rules_as_of"], "rules_as_of")
            except InputError:
                pass  # reported by the field check
    if not period_given and complete:
        problems.append(
            InputError(f"{first.shown}: period", "missing here and in every scenario it extends")
        )

    resolved = base
    if rules_as_of is not None:
        try:
            resolved = resolved.frozen_at(rules_as_of)
        except InputError as err:
            problems.append(InputError(f"{first.shown}: rules_as_of", err.message))
    policy: dict[str, Any] = {}
    behaviour: dict[str, float] = {}
    setter: dict[str, str] = {}
    for doc in reversed(chain):
        overrides = _valid_overrides(doc.data.get("policy"), base)
        resolved = _apply(resolved, overrides, f"scenario {doc.data.get('name')} ({doc.origin})")
        policy.update(overrides)
        setter.update({p: doc.shown for p in overrides})
        if isinstance(doc.data.get("behaviour"), Mapping):
            behaviour.update(doc.data["behaviour"])

    # A broken extends chain leaves the parents' values unknown: relations are not judged then.
    for target, paths, message in _constraints(resolved) if complete else []:
        field_path = next((p for p in [target, *paths] if p in setter), target)
        problems.append(
            InputError(f"{setter.get(field_path, first.shown)}: policy.{field_path}", message)
        )
    if problems:
        raise InputErrors(problems)
    leaf = first.data
    return Scenario(
        name=leaf["name"],
        label=dict(leaf["label"]),
        description=leaf["description"].strip(),
        path=first.path,
        chain=tuple(d.data["name"] for d in chain) + (BASELINE,),
        period=period,
        rules_as_of=rules_as_of,
        policy=policy,
        behaviour=behaviour,
        parameters=resolved,
    )


def load_scenario(
    ref: str | Path,
    *,
    parameters: ParameterSet | None = None,
    check_behaviour: BehaviourCheck | None = None,
) -> Scenario:
    """Load, check and resolve a scenario file.

    The behaviour overrides are checked for their shape only, unless ``check_behaviour`` is
    given: ``llr_sim.load_scenario`` (:func:`llr_sim.inputs.load_scenario`) checks their names
    and ranges too.

    Args:
        ref: A path to a scenario file, a scenario name (looked up in the project's
            ``scenarios/``), or ``"baseline"``.
        parameters: The baseline parameters (default: the package's parameter files).
        check_behaviour: Checks the behaviour names and ranges (see :data:`BehaviourCheck`).

    Returns:
        The resolved scenario.

    Raises:
        InputErrors: Every problem of the scenario and the scenarios it extends, one per line,
            each naming the file and the field. Nothing is applied in that case.
    """
    base = parameters if parameters is not None else load_parameters()
    text = str(ref)
    if text == BASELINE:
        scenario = baseline_scenario()
        return scenario if parameters is None else replace(scenario, parameters=base)
    path = Path(ref)
    if not path.is_file():
        found = find_scenario(text)
        if found is None:
            raise InputErrors(
                [
                    InputError(
                        text,
                        "no such scenario file or name" + _suggest(path.stem, _available(None)),
                    )
                ]
            )
        path = found
    shown = text if Path(text).is_file() else str(path)
    data, problems = _check_file(path, shown, base, check_behaviour)
    if data is None:
        raise InputErrors(problems)
    return _resolve(_Document(data, shown, path, path.parent), problems, base, check_behaviour)


def scenario_from_dict(
    data: Mapping[str, Any],
    source: str = MEMORY,
    *,
    base_dir: str | Path | None = None,
    parameters: ParameterSet | None = None,
    check_behaviour: BehaviourCheck | None = None,
) -> Scenario:
    """A scenario from its fields in a dict, checked and resolved exactly like a file.

    Args:
        data: The keys of a scenario file (``name``, ``label``, ``description``, ``extends``,
            ``period``, ``rules_as_of``, ``policy``, ``behaviour``). It is not changed.
        source: What the problems are said to come from, in place of a file name.
        base_dir: Where ``extends`` names are looked up first (default: the project's
            ``scenarios/``; a path is also tried relative to the working directory).
        parameters: The baseline parameters (default: the package's parameter files).
        check_behaviour: Checks the behaviour names and ranges (see :data:`BehaviourCheck`).

    Returns:
        The resolved scenario, with ``path`` None.

    Raises:
        InputErrors: Every problem of the fields and of the scenarios they extend, each
            naming ``source`` (or the file) and the field.
    """
    base = parameters if parameters is not None else load_parameters()
    if not isinstance(data, Mapping):
        raise InputErrors(
            [
                InputError(
                    source, f"expected a mapping of scenario fields, got a {type(data).__name__}"
                )
            ]
        )
    fields = copy.deepcopy(dict(data))
    problems = _check_data(fields, source, base, check_behaviour=check_behaviour)
    folder = Path(base_dir) if base_dir is not None else None
    return _resolve(_Document(fields, source, None, folder), problems, base, check_behaviour)


def validate_scenarios(
    refs: list[str | Path], *, check_behaviour: BehaviourCheck | None = None
) -> list[Scenario]:
    """Load every scenario; report the problems of all of them at once.

    Raises:
        InputErrors: Every problem of every file (each reported once).
    """
    problems: list[InputError] = []
    scenarios = []
    for ref in refs:
        try:
            scenarios.append(load_scenario(ref, check_behaviour=check_behaviour))
        except InputErrors as err:
            problems.extend(err.problems)
        except InputError as err:
            problems.append(err)
    unique = list({str(p): p for p in problems}.values())
    if unique:
        raise InputErrors(unique)
    return scenarios
