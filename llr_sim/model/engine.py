"""The speed machinery of a run, in one place: a background thread and a thread for tables.

Drawing is a good part of a year's work (about 30 arrays of millions of numbers), and numpy's
generators release the GIL while they fill an array, as do most of the rules' and indicators'
array operations. So a run starts an :class:`Engine` explicitly (nothing is started or
registered at import) and uses it for four things:

- the draws of a year are announced (:meth:`Engine.prefetch`) and made in the background thread
  while the world's labour moves run; :meth:`Engine.draws` waits for them if they are not ready;
- the rules of each policy layer run in the background thread (:meth:`Engine.submit`) while the
  world of the year is completed and the other layers step;
- the counterfactual steps in a lane of its own (:meth:`Engine.beside`) beside the scenarios;
- each year's indicator tables are summed in another thread (:meth:`Engine.table`) while the
  next layer and the next year run.

Every array comes from its own generator (seed, replicate, year, purpose), so which thread makes
it and when changes nothing: the numbers are the same, bit for bit, with ``background=False``.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from llr_sim.model.streams import Kinds, Streams

#: Memory the draws of next year may take while this year ends: more would push a full-scale
#: run past its memory budget (a year's draws are about 0.9 GB there).
DRAW_AHEAD_MIB = 256


def _done(function, *args) -> Future:
    """``function(*args)`` now, as a Future (its value or its exception)."""
    done: Future = Future()
    try:
        done.set_result(function(*args))
    except BaseException as err:  # handed over as the background thread would
        done.set_exception(err)
    return done


class Engine:
    """Threads for one run (a context manager: ``with Engine() as engine: ...``).

    Args:
        background: Use the threads; False does everything in the calling thread, when asked
            (the same numbers).
    """

    def __init__(self, background: bool = True):
        self.background = background
        self._pool: ThreadPoolExecutor | None = None
        self._tables: ThreadPoolExecutor | None = None
        self._lane: ThreadPoolExecutor | None = None
        self._pending: dict[tuple, Future] = {}
        self._local = threading.local()

    def __enter__(self) -> Engine:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> Engine:
        """Start the threads (idempotent)."""
        if self.background and self._pool is None:
            self._pool = ThreadPoolExecutor(1, "llr-sim-background", self._mark_background)
            self._tables = ThreadPoolExecutor(1, "llr-sim-tables")
            self._lane = ThreadPoolExecutor(1, "llr-sim-lane", self._mark_background)
        return self

    def close(self) -> None:
        """Wait for what runs and stop the threads; announced draws not yet made are dropped."""
        for future in self._pending.values():
            future.cancel()
        self._pending.clear()
        for pool in (self._pool, self._tables, self._lane):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._tables = self._lane = None

    def _mark_background(self) -> None:
        self._local.background = True

    def _in_background(self) -> bool:
        return getattr(self._local, "background", False)

    def submit(self, function, *args) -> Future:
        """``function(*args)`` in the background thread (now, in this thread, without one).

        Work asked for from the background thread itself runs at once: waiting for work queued
        behind oneself would never end.
        """
        if self._pool is None or self._in_background():
            return _done(function, *args)
        return self._pool.submit(function, *args)

    def beside(self, function, *args) -> Future:
        """``function(*args)`` in a second lane beside this thread (now, without one).

        For a policy layer that steps beside another: layers read the world and write only
        their own state, so two of them can step at once.
        """
        if self._lane is None or self._in_background():
            return _done(function, *args)
        return self._lane.submit(function, *args)

    def table(self, function, *args) -> Future:
        """``function(*args)`` in the tables' thread (now, without one)."""
        if self._tables is None:
            return _done(function, *args)
        return self._tables.submit(function, *args)

    # -- draws -----------------------------------------------------------------------------------
    @staticmethod
    def _key(streams: Streams, year: int, purpose: str, kinds: Kinds) -> tuple:
        return (streams.seed, streams.replicate, int(year), purpose, tuple(kinds))

    def prefetch(
        self,
        streams: Streams,
        year: int,
        plan: list[tuple[str, Kinds]],
        limit_mib: float | None = None,
    ) -> None:
        """Start making the draws of ``year`` in ``plan`` (in order), up to ``limit_mib``."""
        if self._pool is None:
            return
        size = 0
        for purpose, kinds in plan:
            size += sum(int(np.prod(shape)) for _, shape in kinds) * 8
            if limit_mib is not None and size > limit_mib * 2**20:
                break
            key = self._key(streams, year, purpose, kinds)
            if key not in self._pending:
                self._pending[key] = self._pool.submit(streams.make, year, purpose, kinds)

    def draws(
        self, streams: Streams, year: int, plan: list[tuple[str, Kinds]]
    ) -> dict[str, tuple[np.ndarray, ...]]:
        """The draws of ``plan`` by purpose: announced ones from the background, others now.

        An announced draw that the background thread has not begun is made here instead (its
        place in the queue is given up), so that both threads draw while this one waits.
        """
        out = {}
        for purpose, kinds in plan:
            pending = self._pending.pop(self._key(streams, year, purpose, kinds), None)
            if pending is not None and not pending.cancel():
                out[purpose] = pending.result()
            else:
                out[purpose] = streams.make(year, purpose, kinds)
        return out
