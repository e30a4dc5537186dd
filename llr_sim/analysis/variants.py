"""Scenario variants: a scenario with some policy or behaviour values changed.

A variant is made in memory with :meth:`llr_sim.policy.scenarios.Scenario.with_overrides`, as a
scenario file that ``extends`` the base would be: it is validated exactly like a file a user
writes (unknown paths, values outside their range and unknown behaviour names are refused,
every problem at once), and the model sees an ordinary scenario. No file is written.
"""

from __future__ import annotations

from typing import Any

from llr_sim.inputs import resolve_scenario, with_overrides


def variant(
    base: Any,
    name: str = "variant",
    policy: dict[str, Any] | None = None,
    behaviour: dict[str, float] | None = None,
    label: dict[str, str] | None = None,
):
    """The scenario ``base`` with ``policy`` and ``behaviour`` overrides applied.

    Args:
        base: A loaded scenario, or a scenario reference (a name or a path).
        name: The variant's name (a plain identifier).
        policy: Dotted policy parameter paths to values (or to ``{date: value}``).
        behaviour: Dotted behavioural parameter names to numbers (merged with the base's).
        label: Labels by language; the base's labels with the name appended by default.

    Raises:
        InputError: When an override is not valid for the scenario (InputErrors for several).
    """
    base = resolve_scenario(base)
    return with_overrides(
        base,
        policy=dict(policy or {}),
        behaviour=dict(behaviour or {}),
        name=name,
        label=label if label is not None else {k: f"{v} ({name})" for k, v in base.label.items()},
        description=f"{base.description}\n\nVariant {name} of {base.name}.",
        source=f"variant {name} of {base.name}",
    )
