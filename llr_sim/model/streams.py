"""Common random numbers: one SeedSequence tree, one stream per (replicate, year, purpose).

A stream depends on the seed, the replicate, the year and the purpose only, never on the
scenario, so the scenario run and its counterfactual (and two scenarios) consume exactly the same
draws. Each purpose draws one uniform per person (or per employer) per year, whether or not the
person ends up needing it, so that a different decision earlier never shifts later draws.

Drawing is a good part of a year's work (about 30 arrays of millions of numbers), and numpy's
generators release the GIL while they fill an array. So a model announces the draws of its year
(:meth:`Streams.prefetch`) and a background thread makes them while the model does its labour
transitions; :meth:`Streams.draws` then waits for the array if it is not ready yet.
Every array comes from its own generator (seed, replicate, year, purpose), so which thread makes
it and when changes nothing: the numbers are the same, bit for bit.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()
_POOL_NAME = "llr-sim-background"


def _forget_pool() -> None:  # a forked child has the variable but not the thread
    global _POOL
    _POOL = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def background_pool() -> ThreadPoolExecutor:
    """The process's single background thread (made on first use).

    It makes the draws, runs the rules, and steps a counterfactual beside its scenario run.
    """
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix=_POOL_NAME)
        return _POOL


def _in_pool() -> bool:
    """Whether this is the background thread itself (which must never wait for its own queue)."""
    return threading.current_thread().name.startswith(_POOL_NAME)


def in_background(background: bool, function, *args) -> Future:
    """``function(*args)`` in the background thread, or now in this one (``background`` False).

    Either way a Future: ``.result()`` gives the value or raises the function's exception. Work
    asked for from the background thread itself runs at once (waiting for work queued behind
    oneself would never end).
    """
    if background and not _in_pool():
        return background_pool().submit(function, *args)
    done: Future = Future()
    try:
        done.set_result(function(*args))
    except BaseException as err:  # handed over like the background thread would
        done.set_exception(err)
    return done


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
        background: Make announced draws (:meth:`prefetch`) in a background thread; False
            draws everything when asked, in the calling thread (the same numbers).
    """

    def __init__(
        self, seed: int, replicate: int = 0, *, share: bool = False, background: bool = True
    ):
        self.seed = int(seed)
        self.replicate = int(replicate)
        self.share = share
        self.background = background
        self._year: int | None = None
        self._kept: dict[tuple, tuple[np.ndarray, ...]] = {}
        self._pending: dict[tuple, Future] = {}

    def sharing(self) -> Streams:
        """The same streams, with the draws of a year kept for the next model that asks."""
        return Streams(self.seed, self.replicate, share=True, background=self.background)

    def release(self) -> None:
        """Forget the kept draws (when every model has stepped through the year)."""
        self._year, self._kept = None, {}

    def prefetch(self, year: int, plan: list[tuple[str, tuple]]) -> None:
        """Start making the draws of ``year`` that :meth:`draws` will be asked for, in order.

        Args:
            year: The year.
            plan: ``(purpose, kinds)`` pairs, each as it will be passed to :meth:`draws`.
        """
        if not self.background:
            return
        pool = background_pool()
        for purpose, kinds in plan:
            key = (int(year), purpose, tuple(kinds))
            if key not in self._pending and key not in self._kept:
                self._pending[key] = pool.submit(self._make, year, purpose, kinds)

    def _make(self, year: int, purpose: str, kinds: tuple) -> tuple[np.ndarray, ...]:
        rng = self.rng(year, purpose)
        return tuple(getattr(rng, method)(size) for method, size in kinds)

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
        out = self._take(key)
        if out is None:
            out = self._make(year, purpose, kinds)
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
        """Uniforms on [0, 1) for one year and purpose (never kept for another model)."""
        out = self._take((int(year), purpose, (("random", size),)))
        return out[0] if out is not None else self.rng(year, purpose).random(size)

    def _take(self, key: tuple) -> tuple[np.ndarray, ...] | None:
        """The announced draws of ``key``, or None: then they are made directly (same numbers).

        None if they were not announced, or not yet begun when asked for from the background
        thread itself (which must not wait for its own queue).
        """
        pending = self._pending.pop(key, None)
        if pending is None or (_in_pool() and pending.cancel()):
            return None
        return pending.result()

    def normal(self, year: int, purpose: str, size: int | tuple[int, ...]) -> np.ndarray:
        """Standard normals for one year and purpose."""
        return self.rng(year, purpose).standard_normal(size)
