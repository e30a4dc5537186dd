"""Common random numbers: one SeedSequence tree, one generator per (replicate, year, purpose).

A generator depends on the seed, the replicate, the year and the purpose only, never on the
scenario, so every policy layer of a run (each scenario and the counterfactual) reads the same
draws of the world of the year. Each purpose draws one number per person (or per employer) per
year, whether or not the person ends up needing it, so that a different decision earlier never
shifts later draws. Where and when the arrays are made (in the background, ahead of time) is the
engine's business (``llr_sim.model.engine``): a generator gives the same numbers in any thread.
"""

from __future__ import annotations

import numpy as np

#: The purposes of the yearly draws; their order is fixed (it is part of the seed tree).
PURPOSES = (
    "labour",
    "mobility",
    "donor",
    "education_exit",
    "entry",
    "employer_training",
    "want",
    "course",
    "awareness",
    "claim",
    "go",
    "guidance",
    "timecredit",
    "arrival",
    "employer_vov",
    "substitution",
    "init",
    "employers",
    "parameters",
    "mesa",
)

#: What to draw: ``(method, size)`` pairs such as ``("random", n)`` or ``("standard_normal", n)``.
Kinds = tuple[tuple[str, int | tuple[int, ...]], ...]


class Streams:
    """The random streams of one replicate.

    Args:
        seed: The root seed.
        replicate: The Monte Carlo replicate (0 for the central run).
    """

    def __init__(self, seed: int, replicate: int = 0):
        self.seed = int(seed)
        self.replicate = int(replicate)

    def rng(self, year: int, purpose: str) -> np.random.Generator:
        """The generator for one year and purpose (a fresh one on every call: same draws)."""
        key = (self.replicate, int(year), PURPOSES.index(purpose))
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=key))

    def make(self, year: int, purpose: str, kinds: Kinds) -> tuple[np.ndarray, ...]:
        """Successive draws of one year and purpose, one array per ``(method, size)`` pair."""
        rng = self.rng(year, purpose)
        return tuple(getattr(rng, method)(size) for method, size in kinds)

    def uniform(self, year: int, purpose: str, size: int | tuple[int, ...]) -> np.ndarray:
        """Uniforms on [0, 1) for one year and purpose."""
        return self.rng(year, purpose).random(size)

    def normal(self, year: int, purpose: str, size: int | tuple[int, ...]) -> np.ndarray:
        """Standard normals for one year and purpose."""
        return self.rng(year, purpose).standard_normal(size)
