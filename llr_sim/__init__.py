"""llr-sim: a policy microsimulation of the Flemish learning and career account (LLR).

The public API is imported lazily so that ``import llr_sim`` stays cheap and has no side effects.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = {
    "synthesise_population": "llr_sim.population.synthesis",
    "Population": "llr_sim.population.population",
    "load_population": "llr_sim.population.population",
    "load_targets": "llr_sim.population.targets",
    "calibration_report": "llr_sim.population.calibration",
    "InputError": "llr_sim.errors",
    "load_scenario": "llr_sim.inputs",
    "entitlements": "llr_sim.policy.entitlements",
    "simulate": "llr_sim.simulation",
    "Results": "llr_sim.simulation",
    "load_results": "llr_sim.simulation",
}

__all__ = [*_API, "__version__"]


def __getattr__(name: str) -> Any:
    """Resolve a public API name on first use."""
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'llr_sim' has no attribute {name!r}")
