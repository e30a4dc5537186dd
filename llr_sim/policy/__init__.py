"""The legislation layer: sourced, dated parameters; scenarios as reforms; instrument modules.

Import the submodules you need; this package imports nothing at load time beyond its own name.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_API = {
    "load_parameters": "llr_sim.policy.parameters",
    "ParameterSet": "llr_sim.policy.parameters",
    "INSTRUMENTS": "llr_sim.policy.parameters",
    "load_scenario": "llr_sim.policy.scenarios",
    "baseline_scenario": "llr_sim.policy.scenarios",
    "Scenario": "llr_sim.policy.scenarios",
    "validate_scenarios": "llr_sim.policy.scenarios",
    "entitlements": "llr_sim.policy.entitlements",
    "compute_portfolio": "llr_sim.policy.portfolio",
    "read_persons": "llr_sim.policy.portfolio",
}

__all__ = list(_API)


def __getattr__(name: str) -> Any:
    """Resolve a public name on first use."""
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'llr_sim.policy' has no attribute {name!r}")
