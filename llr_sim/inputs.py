"""The inputs every entry point takes, checked in one place, and the window of years reported.

A run always starts from the base population (1 January 2021) and simulates every calendar year
from 2021 with the rules in force then; the years asked for are only the years reported, so the
numbers of a calendar year never depend on the window.

Scale, seed, years, replicates and scenario references are checked here, and only here: the API
(``simulate``), every command (``run``, ``report``, ``sweep``, ``population``, ``calibrate``),
the notebooks (``llr_sim.reporting.notebook.setup``), the report batch and the sweep call these
functions, so a value is accepted or refused identically everywhere, before any work starts.
Each check takes ``where``, the name the user gave the value (``--scale`` on the command line,
``scale`` in the API and the notebooks), and its errors name it. A value may be given as text
(as a flag or a papermill parameter gives it) or as a number.

The scenario is checked whole here too: its policy by the policy package, its behaviour names
and ranges against ``behaviour.yaml`` by the behaviour package, every problem at once.
"""

from __future__ import annotations

import math
import numbers
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llr_sim.behaviour.parameters import check_overrides
from llr_sim.errors import InputError, InputErrors
from llr_sim.policy import scenarios as policy_scenarios
from llr_sim.policy.parameters import ParameterSet
from llr_sim.policy.scenarios import Scenario, check_behaviour_shape

#: The first simulated year: the synthetic population describes 1 January 2021. 2021 and 2022
#: give word of mouth, the six-year cooldown of loopbaancheques and the providers' reference
#: demand a history before the calibration year 2023.
START_YEAR = 2021
#: The years that may be reported: from the calibration year 2023 to the end of the projection.
FIRST_YEAR, LAST_YEAR = 2023, 2035
#: The years reported when none are asked for, by every command (run, report, sweep, notebooks).
DEFAULT_YEARS = range(2024, 2031)
#: Below this scale some targeted groups (e.g. 65-66-year-olds by education) hold no one, and
#: the synthesis cannot rake the weights to them.
MIN_SCALE = 0.0005
#: Monte Carlo replicates per run.
MIN_REPLICATES, MAX_REPLICATES = 1, 1000
#: Seeds are whole numbers in [0, 2**63): they are written as 64-bit integers (provenance,
#: parquet metadata, the population cache's key).
SEED_LIMIT = 2**63
#: The project root (the repository, with an editable install): relative scenario paths are
#: looked up in the working directory first, then here (notebooks run from ``notebooks/``, the
#: report batch from a temporary folder).
PROJECT_ROOT = Path(__file__).resolve().parents[1]

#: The names of the run inputs on the command line (the API and the notebooks use the keys).
CLI_NAMES = {
    "scale": "--scale",
    "seed": "--seed",
    "years": "--years",
    "replicates": "--replicates",
}

_WHOLE_TEXT = re.compile(r"^[+-]?\d+$")
_YEAR_RANGE_TEXT = re.compile(r"^(\d{1,6})\s*(?:-|\.\.|–)\s*(\d{1,6})$")
_MAX_DIGITS = 4000  # longer whole numbers are refused without being converted


def _show(value: Any) -> str:
    """A value for a message, shortened when it is very long (a 400-digit seed)."""
    if isinstance(value, int) and abs(value) >= 10**40:
        sign = "a negative number" if value < 0 else "a number"
        try:
            return f"{sign} of {len(str(abs(value)))} digits"
        except ValueError:  # str() refuses more than 4300 digits
            return f"{sign} of about {int(abs(value).bit_length() * math.log10(2)) + 1} digits"
    try:
        text = repr(value) if isinstance(value, str) else str(value)
    except ValueError:  # a number of more than 4300 digits inside
        return f"a {type(value).__name__} too long to show"
    if len(text) > 40:
        return f"{text[:12]}...{text[-4:]} ({len(text)} characters)"
    return text


def raise_problems(problems: list[InputError]) -> None:
    """Raise the problems found (each once): one as itself, several as :class:`InputErrors`."""
    flat: list[InputError] = []
    for problem in problems:
        flat.extend(problem.problems if isinstance(problem, InputErrors) else [problem])
    unique = list({str(p): p for p in flat}.values())
    if len(unique) == 1:
        raise unique[0]
    if unique:
        raise InputErrors(unique)


# ---------------------------------------------------------------------------------------------
# Numbers


def _whole(value: Any, where: str, expected: str) -> int:
    """A whole number from an int, an integral float or text; ``expected`` says what is wanted."""
    if isinstance(value, bool):
        raise InputError(where, f"{expected}, got {value!r}")
    if isinstance(value, str):
        text = value.strip()
        if not _WHOLE_TEXT.match(text):
            raise InputError(where, f"not a whole number: {_show(value)}")
        digits = len(text.lstrip("+-"))
        if digits > _MAX_DIGITS:  # int() refuses more than 4300 digits
            raise InputError(where, f"out of range: a number of {digits} digits")
        return int(text)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer():
        return int(value)
    raise InputError(where, f"{expected}, got {_show(value)}")


def check_scale(value: Any, where: str = "scale") -> float:
    """The share of the population simulated: a number in [MIN_SCALE, 1].

    Raises:
        InputError: Naming ``where``, for anything else (text that is not a number, NaN, 0,
            more than 1, or less than :data:`MIN_SCALE`, where some targeted groups hold no
            one).
    """
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise InputError(where, f"not a number: {_show(value)}") from None
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
    else:
        raise InputError(where, f"must be a number, got {_show(value)}")
    if not math.isfinite(number) or not 0 < number <= 1:
        raise InputError(where, f"must be greater than 0 and at most 1, got {_show(number)}")
    if number < MIN_SCALE:
        raise InputError(
            where,
            f"{number} is too small to represent every targeted group; use at least {MIN_SCALE}",
        )
    return number


def check_seed(value: Any, where: str = "seed") -> int:
    """The root of the random generator tree: a whole number in [0, 2**63).

    Raises:
        InputError: Naming ``where``.
    """
    seed = _whole(value, where, "must be a whole number of 0 or more")
    if seed < 0:
        raise InputError(where, f"must be a whole number of 0 or more, got {_show(seed)}")
    if seed >= SEED_LIMIT:
        raise InputError(where, f"must be below 2**63 ({SEED_LIMIT}), got {_show(seed)}")
    return seed


def check_replicates(value: Any, where: str = "replicates") -> int:
    """The number of Monte Carlo replicates: a whole number 1-1000.

    Raises:
        InputError: Naming ``where``.
    """
    low, high = MIN_REPLICATES, MAX_REPLICATES
    replicates = _whole(value, where, f"must be a whole number {low}-{high}")
    if not low <= replicates <= high:
        raise InputError(where, f"must be {low}-{high}, got {_show(replicates)}")
    return replicates


def check_whole_number(
    value: Any, where: str, minimum: int | None = None, maximum: int | None = None
) -> int:
    """A whole number within ``minimum`` and ``maximum`` (either may be None): jobs, workers.

    Raises:
        InputError: Naming ``where``.
    """
    number = _whole(value, where, "expected a whole number")
    if maximum is not None and minimum is not None and not minimum <= number <= maximum:
        raise InputError(where, f"must be between {minimum} and {maximum}, got {_show(number)}")
    if minimum is not None and number < minimum:
        raise InputError(where, f"must be {minimum} or more, got {_show(number)}")
    if maximum is not None and number > maximum:
        raise InputError(where, f"must be {maximum} or less, got {_show(number)}")
    return number


def check_years(value: Any, where: str = "years") -> range:
    """The years reported, as a range within FIRST_YEAR..LAST_YEAR, contiguous and increasing.

    Accepted: a ``range``; text ``"2024-2030"`` (or ``2024..2030``) or ``"2025"``; one year
    (``2025``); a pair ``[first, last]`` (or a tuple); a longer list of consecutive years; None
    or ``""`` for :data:`DEFAULT_YEARS`, the window of every command.

    Raises:
        InputError: Naming ``where``.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_YEARS
    expected = f"expected FIRST-LAST such as 2024-2030, got {_show(value)}"
    if isinstance(value, range):
        if not value:
            raise InputError(where, "no years given")
        if value.step != 1:
            raise InputError(where, "must be increasing and contiguous (one step is one year)")
        first, last = value[0], value[-1]
    elif isinstance(value, str):
        text = value.strip()
        match = _YEAR_RANGE_TEXT.match(text)
        if match:
            first, last = int(match[1]), int(match[2])
        elif text.isdigit() and len(text) <= 6:
            first = last = int(text)
        else:
            raise InputError(where, expected)
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
        first = last = int(value)  # one year (papermill's ``-p years 2025``)
    elif isinstance(value, Iterable) and not isinstance(value, Mapping | bytes):
        years = [_whole(v, where, "expected years such as 2024") for v in value]
        if not years:
            raise InputError(where, "no years given")
        if len(years) == 2:  # [first, last]
            first, last = years
        elif years != list(range(years[0], years[0] + len(years))):
            raise InputError(where, "must be increasing and contiguous (one step is one year)")
        else:
            first, last = years[0], years[-1]
    else:
        raise InputError(where, expected)
    if last < first:
        raise InputError(where, f"the last year {_show(last)} is before the first {_show(first)}")
    if first < FIRST_YEAR or last > LAST_YEAR:
        got = f"{_show(first)}-{_show(last)}" if last != first else _show(first)
        raise InputError(where, f"must lie within {FIRST_YEAR}-{LAST_YEAR}, got {got}")
    return range(first, last + 1)


# ---------------------------------------------------------------------------------------------
# Scenarios


def behaviour_problems(overrides: Mapping[str, Any], where: str) -> list[InputError]:
    """The problems of ``behaviour:`` overrides: names and ranges from ``behaviour.yaml``.

    The ``check_behaviour`` the policy package's scenario functions take.
    """
    return check_overrides(overrides, where)


def load_scenario(ref: str | os.PathLike, *, parameters: ParameterSet | None = None) -> Scenario:
    """Load, check and resolve a scenario file or name (``llr_sim.load_scenario``).

    Its policy is checked by the policy package, its behaviour names and ranges against
    ``behaviour.yaml``; every problem of the file and the files it extends at once.

    Args:
        ref: A path to a scenario file, a scenario name (``scenarios/NAME.yaml``) or
            ``"baseline"``.
        parameters: The baseline parameters (default: the package's parameter files).

    Raises:
        InputErrors: Every problem, each naming the file and the field.
    """
    return policy_scenarios.load_scenario(
        ref, parameters=parameters, check_behaviour=behaviour_problems
    )


def scenario_from_dict(
    data: Mapping[str, Any],
    source: str = policy_scenarios.MEMORY,
    *,
    base_dir: str | os.PathLike | None = None,
) -> Scenario:
    """A scenario from a dict with the keys of a scenario file, checked like a file (whole).

    Raises:
        InputErrors: Every problem, each naming ``source`` (or the file extended) and the field.
    """
    return policy_scenarios.scenario_from_dict(
        data, source, base_dir=base_dir, check_behaviour=behaviour_problems
    )


def with_overrides(scenario: Scenario, **overrides: Any) -> Scenario:
    """``scenario.with_overrides(...)`` with the behaviour names and ranges checked too.

    Raises:
        InputErrors: Every problem of the overrides.
    """
    return scenario.with_overrides(**overrides, check_behaviour=behaviour_problems)


def check_scenario(scenario: Scenario, where: str | None = None) -> Scenario:
    """A Scenario object, checked: the shape, names and ranges of its behaviour overrides.

    A scenario made by :func:`load_scenario`, :func:`scenario_from_dict` or
    ``Scenario.with_overrides`` has its policy checked already; one changed by hand
    (``dataclasses.replace``) may not have its behaviour checked.

    Raises:
        InputErrors: Naming ``where`` (default the scenario's name) and the field.
    """
    shown = where or scenario.name
    problems = check_behaviour_shape(scenario.behaviour, shown)
    if isinstance(scenario.behaviour, Mapping):
        valid = {k: v for k, v in scenario.behaviour.items() if not _shape_bad(k, v)}
        problems.extend(behaviour_problems(valid, shown))
    if problems:
        raise InputErrors(problems)
    return scenario


def _shape_bad(key: Any, value: Any) -> bool:
    return bool(check_behaviour_shape({key: value}, ""))


def _looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.endswith((".yaml", ".yml"))


def find_scenario_file(text: str) -> Path | None:
    """A scenario path as given (relative to the working directory), else in the project."""
    path = Path(text).expanduser()
    candidates = [path] if path.is_absolute() else [path, PROJECT_ROOT / path]
    if not path.is_absolute():
        candidates.append(PROJECT_ROOT / "notebooks" / path)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


def resolve_scenario(ref: Any, where: str | None = None) -> Scenario:
    """A validated Scenario from a Scenario, a path or a name, wherever the caller runs.

    A path that is not found from the working directory is looked up in the project root
    (and its ``notebooks/``); a name is ``scenarios/NAME.yaml`` (or ``baseline``).

    Args:
        ref: A Scenario, a path to a scenario file, or a scenario name.
        where: The name of the field for a reference that is no scenario or no file (default:
            the reference itself; a file's own problems always name the file and the field).

    Raises:
        InputError: For a reference that names no scenario, or every problem of the scenario.
    """
    if isinstance(ref, Scenario):
        return check_scenario(ref, where)
    if not isinstance(ref, str | os.PathLike) or not str(ref).strip():
        raise InputError(
            where or "scenario", f"expected a scenario name, path or Scenario, got {_show(ref)}"
        )
    text = str(ref)
    if _looks_like_path(text):
        found = find_scenario_file(text)
        if found is None:
            looked = f"(looked in {Path.cwd()} and {PROJECT_ROOT})"
            if where is None:
                raise InputError(text, f"no scenario file {looked}")
            raise InputError(where, f"no scenario file {text!r} {looked}")
        if found != Path(text).expanduser():
            text = str(found)
    return load_scenario(text)


# ---------------------------------------------------------------------------------------------
# Output folders


def check_output_dir(value: Any, where: str = "output_dir", *, make: bool = True) -> Path:
    """A folder to write into.

    With ``make`` (the notebooks, the report batch) the folder may be missing: it is made and
    a probe file written and removed — ``os.access`` is not enough (it says yes to root on a
    read-only mount or in ``/proc``); :func:`missing_folders` before the check and
    :func:`remove_empty` after it undo that for a caller that gives up. Without ``make`` (a run
    or sweep folder, written whole later) nothing is made: the folder, if it exists, must be a
    folder, and the folder it goes into must exist.

    Raises:
        InputError: For a file in the way or a folder that cannot be made or written.
    """
    if not isinstance(value, str | os.PathLike) or not str(value).strip():
        raise InputError(where, f"expected a folder, got {_show(value)}")
    folder = Path(value).expanduser()
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        if existing == folder and not make:
            raise InputError(where, f"{folder} exists and is not a folder")
        raise InputError(where, f"{existing} is a file, not a folder")
    if not make:
        parent = folder.parent if str(folder.parent) else Path(".")
        if not folder.exists() and not parent.is_dir():
            raise InputError(where, f"the folder {parent} does not exist")
        return folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise InputError(where, f"cannot write to {folder}: {reason}") from None
    return folder


def missing_folders(value: Any) -> list[Path]:
    """The folders of ``value`` that do not exist yet, deepest first (to undo a check)."""
    if not isinstance(value, str | os.PathLike) or not str(value).strip():
        return []
    missing, step = [], Path(value).expanduser().absolute()
    while not step.exists() and step.parent != step:
        missing.append(step)
        step = step.parent
    return missing


def remove_empty(folders: list[Path]) -> None:
    """Remove the folders given, deepest first, as long as they are empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


# ---------------------------------------------------------------------------------------------
# All the inputs of a run at once

_UNSET: Any = object()


@dataclass
class RunInputs:
    """The checked inputs of a run (None for an input not given).

    Attributes:
        scenario: The scenario.
        scenarios: The scenarios, in the order given (for several).
        scale: Share of the population.
        seed: Root seed.
        years: The years reported.
        replicates: Monte Carlo replicates.
    """

    scenario: Scenario | None = None
    scenarios: list[Scenario] = field(default_factory=list)
    scale: float | None = None
    seed: int | None = None
    years: range | None = None
    replicates: int | None = None


def check_run_inputs(
    *,
    scenario: Any = _UNSET,
    scenarios: Any = _UNSET,
    scale: Any = _UNSET,
    seed: Any = _UNSET,
    years: Any = _UNSET,
    replicates: Any = _UNSET,
    names: Mapping[str, str] | None = None,
    problems: list[InputError] | None = None,
) -> RunInputs:
    """Check every input given (the others are left None); report every problem together.

    Args:
        scenario: One scenario reference (see :func:`resolve_scenario`).
        scenarios: Several scenario references; a scenario given twice is a problem.
        scale: See :func:`check_scale`.
        seed: See :func:`check_seed`.
        years: See :func:`check_years`.
        replicates: See :func:`check_replicates`.
        names: The name of each input shown to the user, e.g. :data:`CLI_NAMES`; the default
            is the keyword itself (``scale``).
        problems: Problems the caller found already: reported with these, in front.

    Returns:
        The checked values.

    Raises:
        InputError: The one problem, or InputErrors: every problem (scenarios first, then
            scale, seed, years, replicates), one line each.
    """
    names = names or {}
    found: list[InputError] = list(problems or [])
    out = RunInputs()

    def attempt(check, value, *args):
        try:
            return check(value, *args)
        except InputError as err:  # InputErrors too: flattened by raise_problems
            found.append(err)
            return None

    if scenario is not _UNSET:
        out.scenario = attempt(resolve_scenario, scenario, names.get("scenario"))
    if scenarios is not _UNSET:
        refs = [scenarios] if isinstance(scenarios, str | os.PathLike) else list(scenarios)
        where = names.get("scenarios")
        if not refs:
            found.append(InputError(where or "scenarios", "give at least one scenario"))
        seen: dict[str, Any] = {}
        for ref in refs:
            loaded = attempt(resolve_scenario, ref, where)
            if loaded is None:
                continue
            if loaded.name in seen:
                shown = where or (str(ref) if not isinstance(ref, Scenario) else ref.name)
                found.append(InputError(shown, f"scenario {loaded.name!r} given twice"))
                continue
            seen[loaded.name] = ref
            out.scenarios.append(loaded)
    for key, check, value in (
        ("scale", check_scale, scale),
        ("seed", check_seed, seed),
        ("years", check_years, years),
        ("replicates", check_replicates, replicates),
    ):
        if value is not _UNSET:
            setattr(out, key, attempt(check, value, names.get(key, key)))
    raise_problems(found)
    return out


def check_flags(args: Any, problems: list[InputError], **scenarios: Any) -> RunInputs:
    """A command's run flags checked as every entry point checks them; problems are collected.

    ``--scale``, ``--seed``, ``--years`` and ``--replicates`` from ``args`` (an argparse
    namespace), with the scenarios given as ``scenario=`` or ``scenarios=``, named as the user
    typed them (:data:`CLI_NAMES`). A problem is appended to ``problems``, to be reported with
    the command's other ones; the values are then those of an empty :class:`RunInputs`.
    """
    try:
        return check_run_inputs(
            **scenarios,
            scale=args.scale,
            seed=args.seed,
            years=args.years,
            replicates=args.replicates,
            names=CLI_NAMES,
        )
    except InputError as err:
        problems.append(err)
        return RunInputs()
