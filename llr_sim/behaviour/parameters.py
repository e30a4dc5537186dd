"""Behavioural parameters: ``behaviour.yaml`` (value, range, source) plus the fitted values.

Leaves are mappings with ``description``, ``unit``, ``value``, ``range`` and a ``reference`` or an
``assumption``; their dotted paths (``awareness.overview_multiplier``) are the names scenario
``behaviour:`` overrides use. Leaves marked ``calibrated: true`` are fitted by ``llr-sim
calibrate``; the fit is written to ``behaviour_calibrated.yaml`` and overrides ``value``.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from llr_sim.errors import InputError, InputErrors

BEHAVIOUR_FILE = Path(__file__).resolve().parent.parent / "parameters" / "behaviour.yaml"
CALIBRATED_FILE = BEHAVIOUR_FILE.with_name("behaviour_calibrated.yaml")
_LEAF_KEYS = {"description", "unit", "value", "range", "reference", "assumption", "calibrated"}


@dataclass(frozen=True)
class BehaviourLeaf:
    """One behavioural parameter.

    Attributes:
        path: Dotted name.
        value: Central value (the fitted one for calibrated leaves, when a fit exists).
        range: Plausible (low, high).
        calibrated: Whether ``llr-sim calibrate`` fits it.
        description: What it means.
        unit: Its unit.
        source: Reference or assumption text.
    """

    path: str
    value: float
    range: tuple[float, float]
    calibrated: bool
    description: str
    unit: str
    source: str


@dataclass(frozen=True)
class Behaviour:
    """A complete set of behavioural values (dotted path -> number), read-only.

    Attributes:
        values: Every parameter's value.
        leaves: The parameter definitions.
    """

    values: Mapping[str, float]
    leaves: Mapping[str, BehaviourLeaf] = field(repr=False)

    def __getitem__(self, path: str) -> float:
        return self.values[path]

    def with_values(self, updates: Mapping[str, float]) -> Behaviour:
        """A copy with some values replaced (paths must exist)."""
        unknown = [p for p in updates if p not in self.values]
        if unknown:
            raise KeyError(f"unknown behaviour parameters: {unknown}")
        return Behaviour({**self.values, **{k: float(v) for k, v in updates.items()}}, self.leaves)

    def sample(self, rng: np.random.Generator) -> Behaviour:
        """A Monte Carlo draw: every non-calibrated parameter from its range.

        A triangular distribution over the range with its mode at the central value; calibrated
        parameters stay at their fitted values (re-fitting per replicate would hide the
        uncertainty about policy responses that the replicates are meant to show).
        """
        drawn = {}
        for path in sorted(self.leaves):
            leaf = self.leaves[path]
            if leaf.calibrated:
                continue
            low, high = leaf.range
            mode = min(max(self.values[path], low), high)
            drawn[path] = float(rng.triangular(low, mode, high)) if high > low else low
        return self.with_values(drawn)


def _walk(prefix: str, node: Any, out: dict[str, BehaviourLeaf], problems: list[InputError]):
    if isinstance(node, dict) and "value" in node:
        where = f"{BEHAVIOUR_FILE.name}: {prefix}"
        unknown = set(node) - _LEAF_KEYS
        if unknown:
            problems.append(InputError(where, f"unknown keys {sorted(unknown)}"))
        value, rng = node.get("value"), node.get("range")
        source = node.get("reference") or node.get("assumption")
        if not isinstance(value, int | float) or isinstance(value, bool):
            problems.append(InputError(f"{where}.value", f"expected a number, got {value!r}"))
            return
        if not (isinstance(rng, list) and len(rng) == 2 and rng[0] <= value <= rng[1]):
            problems.append(InputError(f"{where}.range", "expected [low, high] around the value"))
            return
        if not source:
            problems.append(InputError(where, "needs a reference or an assumption"))
        out[prefix] = BehaviourLeaf(
            prefix,
            float(value),
            (float(rng[0]), float(rng[1])),
            bool(node.get("calibrated", False)),
            str(node.get("description", "")),
            str(node.get("unit", "")),
            str(source),
        )
        return
    if not isinstance(node, dict):
        problems.append(InputError(f"{BEHAVIOUR_FILE.name}: {prefix}", "expected a mapping"))
        return
    for key, child in node.items():
        _walk(f"{prefix}.{key}" if prefix else str(key), child, out, problems)


@lru_cache(maxsize=4)
def _read(behaviour_file: Path, calibrated_file: Path) -> Behaviour:
    problems: list[InputError] = []
    leaves: dict[str, BehaviourLeaf] = {}
    _walk("", yaml.safe_load(behaviour_file.read_text()), leaves, problems)
    if problems:
        raise InputErrors(problems)
    values = {p: leaf.value for p, leaf in leaves.items()}
    if calibrated_file.is_file():
        fitted = (yaml.safe_load(calibrated_file.read_text()) or {}).get("values", {})
        for path, value in fitted.items():
            if path in leaves and leaves[path].calibrated:  # only free parameters are fitted
                values[path] = float(value)
    return Behaviour(values, leaves)


def load_behaviour(*, calibrated: bool = True) -> Behaviour:
    """The behavioural parameters, with the fitted values of ``llr-sim calibrate`` if any.

    Args:
        calibrated: Use the fitted values (default); False gives the starting values of
            ``behaviour.yaml`` (what the calibration starts from).
    """
    missing = Path("/nonexistent/behaviour_calibrated.yaml")
    return _read(BEHAVIOUR_FILE, CALIBRATED_FILE if calibrated else missing)


def clear_cache() -> None:
    """Forget the parameters read (after ``llr-sim calibrate`` wrote a new fit)."""
    _read.cache_clear()


def check_overrides(overrides: Mapping[str, Any], where: str) -> list[InputError]:
    """Problems of scenario ``behaviour:`` overrides against ``behaviour.yaml``.

    A name must be a parameter of ``behaviour.yaml`` and its value a finite number inside the
    parameter's plausible range (a scenario is a policy, not a different world).
    """
    leaves = load_behaviour(calibrated=False).leaves
    problems = []
    for path, value in overrides.items():
        at = f"{where}: behaviour.{path}"
        if path not in leaves:
            close = difflib.get_close_matches(str(path), sorted(leaves), n=2, cutoff=0.6)
            hint = ("; did you mean " + " or ".join(repr(c) for c in close) + "?") if close else ""
            problems.append(InputError(at, f"unknown behaviour parameter{hint}"))
            continue
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue  # the form check reports it
        if not math.isfinite(value):
            continue
        low, high = leaves[path].range
        if not low <= value <= high:
            problems.append(
                InputError(at, f"{value:g} outside the plausible range {low:g}-{high:g}")
            )
    return problems
