"""Awareness: who knows which instrument this year.

``dec.awareness`` per (education, employer) cell: the base awareness of the instrument times the
education multiplier and the digital overview's multiplier (capped at 1), and word of mouth from
the colleagues who used it last year. The chances are taken for the three levels and the few
hundred thousand employers before they are read per person, and only for those who could claim.
"""

from __future__ import annotations

import numpy as np

from llr_sim.model.law import Law
from llr_sim.model.world import WorldYear
from llr_sim.policy.parameters import INSTRUMENTS


class Awareness:
    """Whether persons know an instrument in a year.

    Args:
        world: The world of the year (its draws and cells).
        law: The layer's law of the year (nobody knows anything in the counterfactual).
        colleague_share: (5, m) share of each employer's staff that used each instrument last
            year.
    """

    def __init__(self, world: WorldYear, law: Law, colleague_share: np.ndarray):
        self.world = world
        self.on = law.incentives
        self.chances: list[np.ndarray] = []
        if not self.on:
            return
        b = law.behaviour
        levels = np.array([b["awareness.education_low"], 1.0, b["awareness.education_high"]])
        overview = b["awareness.overview_multiplier"]
        for k, name in enumerate(INSTRUMENTS):
            unaware = 1.0 - np.minimum(b[f"awareness.base.{name}"] * levels * overview, 1.0)
            unheard = 1.0 - np.minimum(b["awareness.word_of_mouth"] * colleague_share[k], 1.0)
            # 1 - unaware * unheard for each (education, employer) cell.
            self.chances.append((1.0 - np.outer(unaware, np.append(unheard, 1.0))).ravel())

    def knows(self, k: int, rows: np.ndarray, cells: np.ndarray | None = None) -> np.ndarray:
        """Whether the persons ``rows`` (in ``cells``, if known) know instrument ``k``."""
        if not self.on:
            return np.zeros(len(rows), dtype=bool)
        w = self.world
        cells = w.edu_emp[rows] if cells is None else cells
        return w.draws.awareness[k, rows] < self.chances[k][cells]
