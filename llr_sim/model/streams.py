"""Common random numbers: one SeedSequence tree, one stream per (replicate, year, purpose).

A stream depends on the seed, the replicate, the year and the purpose only, never on the
scenario, so the scenario run and its counterfactual (and two scenarios) consume exactly the same
draws. Each purpose draws one uniform per person (or per employer) per year, whether or not the
person ends up needing it, so that a different decision earlier never shifts later draws.
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


class Streams:
    """The random streams of one run.

    Args:
        seed: The root seed.
        replicate: The Monte Carlo replicate (0 for the central run).
        share: Keep the draws of :meth:`draws` for the latest year, so that a scenario run and
            its counterfactual stepping through the same year on these streams draw once
            (the arrays are then read-only).
    """

    def __init__(self, seed: int, replicate: int = 0, *, share: bool = False):
        self.seed = int(seed)
        self.replicate = int(replicate)
        self.share = share
        self._year: int | None = None
        self._kept: dict[tuple, tuple[np.ndarray, ...]] = {}

    def sharing(self) -> Streams:
        """The same streams, with the draws of a year kept for the next model that asks."""
        return Streams(self.seed, self.replicate, share=True)

    def release(self) -> None:
        """Forget the kept draws (when every model has stepped through the year)."""
        self._year, self._kept = None, {}

    def draws(
        self, year: int, purpose: str, *kinds: tuple[str, int | tuple[int, ...]]
    ) -> tuple[np.ndarray, ...]:
        """Successive draws from the generator of one year and purpose.

        Args:
            year: The year.
            purpose: One of ``PURPOSES``.
            kinds: ``(method, size)`` pairs in order: ``("random", n)``,
                ``("standard_normal", n)``.

        Returns:
            One array per pair (the same arrays for every model asking in that year when the
            streams are shared).
        """
        key = (int(year), purpose, kinds)
        if self.share and key in self._kept:
            return self._kept[key]
        rng = self.rng(year, purpose)
        out = tuple(getattr(rng, method)(size) for method, size in kinds)
        if self.share:
            if year != self._year:  # only the latest year is kept
                self._year, self._kept = int(year), {}
            for array in out:
                array.flags.writeable = False
            self._kept[key] = out
        return out

    def rng(self, year: int, purpose: str) -> np.random.Generator:
        """The generator for one year and purpose (a fresh one on every call: same draws)."""
        key = (self.replicate, int(year), PURPOSES.index(purpose))
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=key))

    def uniform(self, year: int, purpose: str, size: int | tuple[int, ...]) -> np.ndarray:
        """Uniforms on [0, 1) for one year and purpose."""
        return self.rng(year, purpose).random(size)

    def normal(self, year: int, purpose: str, size: int | tuple[int, ...]) -> np.ndarray:
        """Standard normals for one year and purpose."""
        return self.rng(year, purpose).standard_normal(size)
