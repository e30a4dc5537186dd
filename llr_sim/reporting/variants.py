"""Scenario variants: a scenario with some policy or behaviour values changed.

A variant is written as a small scenario file that ``extends`` the base scenario, then loaded
through :func:`llr_sim.policy.scenarios.load_scenario`, so it is validated exactly like a file a
user writes (unknown paths and values outside their range are refused), and the model sees an
ordinary scenario.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

import yaml

from llr_sim.fileio import atomic_write


def variant(
    base: Any,
    name: str = "variant",
    policy: dict[str, Any] | None = None,
    behaviour: dict[str, float] | None = None,
    label: dict[str, str] | None = None,
):
    """The scenario ``base`` with ``policy`` and ``behaviour`` overrides applied.

    Args:
        base: A loaded scenario (with a ``path``) or a scenario reference.
        name: The variant's name (a plain identifier).
        policy: Dotted policy parameter paths to values.
        behaviour: Dotted behavioural parameter names to numbers.
        label: Labels by language; the base's labels with the name appended by default.

    Raises:
        InputError: When an override is not valid for the scenario.
    """
    from llr_sim.policy.scenarios import load_scenario

    if isinstance(base, str):
        base = load_scenario(base)
    extends = str(base.path) if base.path is not None else "baseline"
    document = {
        "name": name,
        "label": label or {k: f"{v} ({name})" for k, v in base.label.items()},
        "description": f"{base.description}\n\nVariant {name} of {base.name}.",
        "extends": extends,
        "policy": dict(policy or {}),
        "behaviour": {k: float(v) for k, v in (behaviour or {}).items()},
    }
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    # Kept (not a temporary folder) because the loaded scenario, and the run's provenance,
    # refer to the file; the content hash makes equal variants share one file.
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / "llr-sim-variants" / digest
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    if not path.is_file():
        atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return load_scenario(str(path))
