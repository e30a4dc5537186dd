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
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from llr_sim.errors import InputError, InputErrors
from llr_sim.policy.parameters import (
    ALWAYS,
    DatedValue,
    ParameterSet,
    check_constraints,
    load_parameters,
    load_yaml,
    parse_date,
)

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


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario: its metadata, its parameters and its behaviour overrides.

    Attributes:
        name: Plain identifier.
        label: Labels by language (``nl``, ``en``).
        description: What the scenario is and why.
        path: The file, or None for the baseline.
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


def _check_file(
    path: Path, shown: str, parameters: ParameterSet
) -> tuple[dict | None, list[InputError]]:
    """Every problem of one scenario file (not its parents, not cross-parameter relations)."""
    data, problems = _read_yaml(path, shown)
    if data is None:
        return None, problems

    def bad(fld: str, message: str) -> None:
        problems.append(InputError(f"{shown}: {fld}", message))

    for key in data:
        if key not in _KEYS:
            bad(
                str(key),
                "unknown key" + (_suggest(str(key), _KEYS) or f"; expected {', '.join(_KEYS)}"),
            )
    for key in _REQUIRED:
        if key not in data:
            bad(key, "missing")

    name = data.get("name")
    if "name" in data:
        if not isinstance(name, str) or not _IDENTIFIER.match(name):
            bad("name", f"{name!r} is not a plain identifier (letters, digits, underscores)")
        elif name == BASELINE:
            bad("name", f"{BASELINE!r} is reserved for the rules as dated")
        elif name != path.stem:
            bad("name", f"{name!r} differs from the file name {path.stem!r}")

    if "label" in data:
        label = data["label"]
        if not isinstance(label, dict):
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
        if not isinstance(period, dict):
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
        if behaviour is not None and not isinstance(behaviour, dict):
            bad("behaviour", f"expected a mapping of dotted names to numbers, got {behaviour!r}")
        for key, value in (behaviour or {}).items() if isinstance(behaviour, dict) else ():
            if not isinstance(key, str) or not _DOTTED.match(key):
                bad(f"behaviour.{key}", "expected a dotted name such as awareness.base_rate")
            elif not _is_number(value):
                bad(f"behaviour.{key}", f"expected a number, got {value!r}")
            elif not math.isfinite(value):
                bad(f"behaviour.{key}", f"expected a finite number, got {value}")
        if isinstance(behaviour, dict):
            # Names and ranges are checked against llr_sim/parameters/behaviour.yaml.
            from llr_sim.behaviour.parameters import check_overrides

            valid = {k: v for k, v in behaviour.items() if isinstance(k, str) and _DOTTED.match(k)}
            problems.extend(check_overrides(valid, shown))
    return data, problems


def _check_policy(
    policy: Any, shown: str, parameters: ParameterSet, problems: list[InputError]
) -> None:
    if policy is None:
        return
    if not isinstance(policy, dict):
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
        if isinstance(value, dict):
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
    """The overrides of one file that pass :func:`_check_policy` (the others are reported)."""
    if not isinstance(policy, dict):
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
        if isinstance(value, dict):
            dated = sorted((parse_date(k, path), v) for k, v in value.items())
            first = dated[0][0]
            kept = tuple(e for e in parameter.values if e.since < first)
            new = tuple(DatedValue(d, v, reference=source) for d, v in dated)
            updates[path] = replace(parameter, values=kept + new)
        else:
            always = DatedValue(ALWAYS, value, reference=source)
            updates[path] = replace(parameter, values=(always,))
    return parameters.with_parameters(updates)


def _chain(path: Path, shown: str, parameters: ParameterSet):
    """The checked files from ``path`` up to the baseline, and every problem on the way."""
    chain: list[tuple[Path, str, dict]] = []
    problems: list[InputError] = []
    seen: list[Path] = []
    current, current_shown = path, shown
    while True:
        data, found = _check_file(current, current_shown, parameters)
        problems.extend(found)
        if data is None:
            break
        chain.append((current, current_shown, data))
        seen.append(current.resolve())
        ref = data.get("extends", BASELINE)
        if not isinstance(ref, str) or not ref.strip() or ref == BASELINE:
            break
        parent = find_scenario(ref, current.parent)
        if parent is None:
            problems.append(
                InputError(
                    f"{current_shown}: extends",
                    f"no scenario {ref!r} beside the file or in {PROJECT_SCENARIOS}"
                    + _suggest(Path(ref).stem, _available(current.parent)),
                )
            )
            break
        if parent.resolve() in seen:
            names = [p.stem for p in seen] + [parent.stem]
            problems.append(
                InputError(f"{current_shown}: extends", "circular: " + " -> ".join(names))
            )
            break
        current, current_shown = parent, str(parent)
    return chain, problems


def load_scenario(ref: str | Path, *, parameters: ParameterSet | None = None) -> Scenario:
    """Load, check and resolve a scenario.

    Args:
        ref: A path to a scenario file, a scenario name (looked up in the project's
            ``scenarios/``), or ``"baseline"``.
        parameters: The baseline parameters (default: the package's parameter files).

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
    chain, problems = _chain(path, text if Path(text).is_file() else str(path), base)
    if not chain:
        raise InputErrors(problems)
    # Every problem at once: the period and the cross-parameter relations are checked even when
    # a file has field errors, on a best-effort resolution that skips the invalid values. The
    # result is only returned when there is no problem at all.
    top = chain[-1][2].get("extends", BASELINE)
    complete = not isinstance(top, str) or not top.strip() or top == BASELINE

    leaf_path, leaf_shown, leaf = chain[0]
    period = rules_as_of = None
    period_given = False
    for _, _, data in chain:  # the most specific value wins
        if not period_given and "period" in data:
            period_given = True
            value = data["period"]
            if isinstance(value, dict) and all(_is_year(value.get(k)) for k in _PERIOD_KEYS):
                period = (value["start"], value["end"])
        if rules_as_of is None and "rules_as_of" in data:
            try:
                rules_as_of = parse_date(data["rules_as_of"], "rules_as_of")
            except InputError:
                pass  # reported by the file check
    if not period_given and complete:
        problems.append(
            InputError(f"{leaf_shown}: period", "missing here and in every scenario it extends")
        )

    resolved = base
    if rules_as_of is not None:
        try:
            resolved = resolved.frozen_at(rules_as_of)
        except InputError as err:
            problems.append(InputError(f"{leaf_shown}: rules_as_of", err.message))
    policy: dict[str, Any] = {}
    behaviour: dict[str, float] = {}
    setter: dict[str, str] = {}
    for file, shown, data in reversed(chain):
        overrides = _valid_overrides(data.get("policy"), base)
        resolved = _apply(resolved, overrides, f"scenario {data.get('name')} ({file.name})")
        policy.update(overrides)
        setter.update({p: shown for p in overrides})
        if isinstance(data.get("behaviour"), dict):
            behaviour.update(data["behaviour"])

    # A broken extends chain leaves the parents' values unknown: relations are not judged then.
    for target, paths, message in check_constraints(resolved) if complete else []:
        field_path = next((p for p in [target, *paths] if p in setter), target)
        problems.append(
            InputError(f"{setter.get(field_path, leaf_shown)}: policy.{field_path}", message)
        )
    if problems:
        raise InputErrors(problems)
    return Scenario(
        name=leaf["name"],
        label=dict(leaf["label"]),
        description=leaf["description"].strip(),
        path=leaf_path,
        chain=tuple(d["name"] for _, _, d in chain) + (BASELINE,),
        period=period,
        rules_as_of=rules_as_of,
        policy=policy,
        behaviour=behaviour,
        parameters=resolved,
    )


def validate_scenarios(refs: list[str | Path]) -> list[Scenario]:
    """Load every scenario; report the problems of all of them at once.

    Raises:
        InputErrors: Every problem of every file (each reported once).
    """
    problems: list[InputError] = []
    scenarios = []
    for ref in refs:
        try:
            scenarios.append(load_scenario(ref))
        except InputErrors as err:
            problems.extend(err.problems)
        except InputError as err:
            problems.append(err)
    unique = list({str(p): p for p in problems}.values())
    if unique:
        raise InputErrors(unique)
    return scenarios
