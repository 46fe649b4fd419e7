"""Risk events and the world's random draws inside the quarter, each from a stream keyed by name.

Every draw inside the quarterly loop (does an event happen, when, does a
funding round close) comes from the counter-based streams of
:mod:`labecon.uncertain.streams`, keyed by the run's seed, the event's or
lab's path in the scenario (``risks.chip_shortage.occurs``,
``labs.lab_own.funding[12]``) and the sample's global index. So sample *i*
gets the same draws whatever the chunking or the worker, and adding an event
or a lab leaves every other one's draws unchanged. Inside
:func:`shared_futures` samples take the draws of the first few samples
instead: a sweep's points then differ only in their inputs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

import numpy as np

from labecon.types import FloatArray
from labecon.uncertain.streams import uniforms


class WorldDraws(NamedTuple):
    """Where a block's draws come from: the run's seed, its first sample and the labs' names."""

    seed: int
    start: int
    """Global index of the block's first sample."""
    n: int
    labs: tuple[str, ...]
    futures: int = 0
    """With ``k > 0``, sample ``i`` takes sample ``i mod k``'s draws (:func:`shared_futures`)."""

    def uniforms(self, key: str) -> FloatArray:
        """Return the block's uniforms of the stream ``key``, ``(sample,)``, strictly inside (0, 1)."""
        if self.futures:
            futures: FloatArray = uniforms(self.seed, key, 0, self.futures)
            return futures[np.arange(self.start, self.start + self.n) % self.futures]
        return uniforms(self.seed, key, self.start, self.n)

    def funding_uniforms(self, t: int) -> FloatArray:
        """Return each lab's uniform deciding whether its funding round at quarter ``t`` closes.

        ``(sample, lab)``, samples fastest; the stream of lab ``x`` is ``labs.x.funding[t]``.
        """
        if not self.labs:
            return np.zeros((self.n, 0), order="F")
        out: FloatArray = np.stack([self.uniforms(f"labs.{lab}.funding[{t}]") for lab in self.labs]).T
        return out

    def take(self, rows: slice) -> WorldDraws:
        """Return the draws of samples ``rows`` of the block only."""
        first, stop, _ = rows.indices(self.n)
        return self._replace(start=self.start + first, n=max(0, stop - first))


_SHARED: ContextVar[int] = ContextVar("shared_futures", default=0)


@contextmanager
def shared_futures(count: int = 1) -> Iterator[None]:
    """Inside, sample ``i`` of a world run (in this thread) sees sample ``i mod count``'s futures.

    Its risk events and funding rounds. With one, a table of inputs run inside is a sweep whose
    rows differ only in their inputs, each row as it would be run alone as sample 0, to the
    bit; with ``count``, a table of points each repeated ``count`` times sees every point on
    the same ``count`` futures (those of samples 0 to ``count - 1``).
    """
    if count < 1:
        msg = f"shared futures need a count of 1 or more, got {count}"
        raise ValueError(msg)
    token = _SHARED.set(count)
    try:
        yield
    finally:
        _SHARED.reset(token)


def futures_shared() -> int:
    """Return how many futures world runs started now share (:func:`shared_futures`; 0: none)."""
    return _SHARED.get()


class EventParams(NamedTuple):
    """One risk event's parameters, per sample."""

    is_enabled: bool
    probability: FloatArray
    size_frac: FloatArray
    duration_quarters: int
    delay_quarters: int
    cloud: str | None = None
    """Partner events: the one cloud they hit (none: every partner)."""


class EventWindow(NamedTuple):
    """When an event is active for each sample: from ``onset`` for ``duration`` quarters (0: to the end)."""

    occurs: FloatArray
    """1.0 where the event happens, else 0.0, ``(sample,)``."""
    onset: FloatArray
    """Quarter it starts, ``(sample,)``."""
    end: FloatArray
    """First quarter it is over (``inf`` if it lasts), ``(sample,)``."""
    size_frac: FloatArray
    delay_quarters: int


def draw_window(draws: WorldDraws, name: str, event: EventParams, horizon_quarters: int) -> EventWindow:
    """Draw whether and when event ``name`` happens, per sample (never if it is switched off).

    Its streams are ``risks.<name>.occurs`` and ``risks.<name>.onset``; the
    onset is uniform over the horizon's quarters.
    """
    n = draws.n
    if not event.is_enabled:
        return EventWindow(np.zeros(n), np.full(n, np.inf), np.full(n, np.inf), np.zeros(n), 0)
    occurs = (draws.uniforms(f"risks.{name}.occurs") < event.probability).astype(np.float64)
    onset = np.floor(draws.uniforms(f"risks.{name}.onset") * horizon_quarters)
    end = onset + event.duration_quarters if event.duration_quarters > 0 else np.full(n, np.inf)
    return EventWindow(occurs, onset, end, event.size_frac, event.delay_quarters)


def active(window: EventWindow, t: int | FloatArray) -> FloatArray:
    """Return 1.0 where the event is active at quarter ``t`` (one, or per sample), else 0.0, ``(sample,)``."""
    on: FloatArray = window.occurs * ((window.onset <= t) & (t < window.end))
    return on


def active_by_name(every: EventWindow, names: list[str], t: int) -> dict[str, FloatArray]:
    """Return 1.0 where each event is active at quarter ``t``, by name, from the windows stacked."""
    return dict(zip(names, active(every, t), strict=True))


def stack(windows: list[EventWindow]) -> EventWindow:
    """Return the windows stacked ``(event, sample)``: one NumPy call a quarter says which are active."""
    return EventWindow(
        occurs=np.stack([w.occurs for w in windows]),
        onset=np.stack([w.onset for w in windows]),
        end=np.stack([w.end for w in windows]),
        size_frac=np.zeros(0),
        delay_quarters=0,
    )


def multiplier_down(window: EventWindow, t: int) -> FloatArray:
    """Return ``1 - size`` (floored at 0) where the event is active at ``t``, else 1 (a cut)."""
    out: FloatArray = 1.0 - active(window, t) * np.minimum(window.size_frac, 1.0)
    return out
