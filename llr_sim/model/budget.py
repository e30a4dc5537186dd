"""Budget accounts: the rights of a personal budget that accrue, expire, move and are spent.

Each person's balance is held by vintage (the year of the credit), so that credit expires after
``ontwikkelbudget.credit.expiry_years`` and the oldest credit is spent first. Vectorised per
vintage column: loops run over at most a few columns, never over persons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class StartOfYear:
    """What happened to the balances as the year began (arrays over persons, EUR).

    Attributes:
        balance_start: The balance at the start of the year.
        expired: Expired or forfeited this year (an entrant's row takes nothing along).
        portability: Carried a positive balance across a change of employer or status.
    """

    balance_start: np.ndarray
    expired: np.ndarray
    portability: np.ndarray


class BudgetAccounts:
    """The personal-budget balances of every person, by vintage.

    Args:
        n: Number of persons.
    """

    def __init__(self, n: int):
        self._vintages = np.zeros((n, 1), dtype=np.float64)
        self._balance: np.ndarray | None = None

    @property
    def vintages(self) -> np.ndarray:
        """(n, years) the balance by year of credit, oldest first (EUR; a read-only view)."""
        view = self._vintages.view()
        view.flags.writeable = False
        return view

    @vintages.setter
    def vintages(self, values: np.ndarray) -> None:
        self._vintages, self._balance = values, None

    @property
    def n(self) -> int:
        """Number of persons."""
        return self.vintages.shape[0]

    @property
    def balance(self) -> np.ndarray:
        """Each person's balance (EUR; read-only, kept until the balances change)."""
        if self._balance is None:
            self._balance = self._vintages.sum(axis=1)
            self._balance.flags.writeable = False
        return self._balance

    def _changed(self) -> None:
        self._balance = None

    def empty(self) -> bool:
        """Nobody holds a balance."""
        return not self._vintages.any()

    def reshape(self, expires: bool, expiry_years: int) -> None:
        """One column per year of validity; when the validity shrinks the oldest columns merge."""
        width = max(int(expiry_years), 1) if expires else 1
        current = self._vintages.shape[1]
        if width == current:
            return
        total = self._vintages.sum(axis=1)
        if width > current:
            pad = np.zeros((self.n, width - current))
            self.vintages = np.hstack([pad, self._vintages])
        elif width == 1:
            self.vintages = total[:, None]
        else:
            old = self._vintages[:, : current - width + 1].sum(axis=1)
            self.vintages = np.hstack([old[:, None], self._vintages[:, -width + 1 :]])

    def start_year(
        self, entered: np.ndarray, changed: np.ndarray, portable: bool, expires: bool
    ) -> StartOfYear:
        """The year begins: entrants' rows are emptied, forfeits and expiry are taken.

        Args:
            entered: Rows taken by a new person (the leaver takes nothing along).
            changed: Changed employer or status (the balance is forfeited unless portable).
            portable: Whether the balance follows the person.
            expires: Whether the oldest vintage expires now.
        """
        n = self.n
        if self.empty():
            return StartOfYear(np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool))
        expired = np.zeros(n)
        balance_start = self.balance
        expired[entered] = balance_start[entered]
        self._vintages[entered] = 0.0
        self._changed()
        positive = self.balance > 0
        portability = changed & positive & portable
        if not portable:
            lost = changed & positive
            expired[lost] += self._vintages[lost].sum(axis=1)
            self._vintages[lost] = 0.0
            self._changed()
        if expires:
            expired += self._vintages[:, 0]
            self.vintages = np.roll(self._vintages, -1, axis=1)
            self._vintages[:, -1] = 0.0
            self._changed()
        return StartOfYear(balance_start, expired, portability)

    def credit(self, eligible: np.ndarray, annual: np.ndarray, cap: np.ndarray) -> np.ndarray:
        """Credit the year's amount to the eligible, up to their cap; returns the credit (EUR)."""
        room = np.maximum(cap - self.balance, 0.0)
        credit = np.where(eligible, np.minimum(annual, room), 0.0)
        self._vintages[:, -1] += credit
        self._changed()
        return credit

    def spend(self, amount: np.ndarray) -> None:
        """Take ``amount`` from each person's balance, oldest credit first."""
        who = np.flatnonzero(amount > 0)  # only the spenders' rows are touched
        left = amount[who]
        for j in range(self._vintages.shape[1]):
            take = np.minimum(self._vintages[who, j], left)
            self._vintages[who, j] -= take
            left -= take
        self._changed()
