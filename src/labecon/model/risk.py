"""Risk events and the world's per-quarter random draws.

Every draw inside the quarterly loop (does an event happen, when, does a
funding round close) comes from a counter-based stream keyed by one uniform
input per sample (``u_world``): its 52 random bits, mixed with a stream number
and a counter by SplitMix64's finaliser. A sample's draws therefore depend
only on (seed, sample index), whatever the chunking.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from labecon.types import FloatArray

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)

UIntArray = np.ndarray[tuple[int, ...], np.dtype[np.uint64]]


def sample_keys(u_world: FloatArray) -> UIntArray:
    """Return each sample's 64-bit key from its uniform draw in [0, 1) (its 52 random bits)."""
    bits = np.floor(np.clip(u_world, 0.0, 1.0 - 2.0**-53) * 2.0**52).astype(np.uint64)
    return bits


def stream_uniforms(keys: UIntArray, stream: int, counter: int, width: int) -> FloatArray:
    """Return uniforms in [0, 1) shaped ``(sample, width)`` of stream ``stream`` at ``counter``.

    Element ``[i, j]`` is a SplitMix64 output of ``key_i`` and the counter
    ``(stream, counter, j)``: independent across streams, counters and ``j``.
    """
    base = np.uint64((stream * 1_000_003 + counter) * 4099 + 1)
    offsets = (np.arange(width, dtype=np.uint64) + base) * _GAMMA
    # Built (width, sample) and returned transposed: samples fastest, as in the world model.
    z = keys[None, :] * _GAMMA + offsets[:, None]
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    z = z ^ (z >> _S31)
    out: FloatArray = ((z >> _S11).astype(np.float64) * 2.0**-53).T
    return out


class WorldDraws(NamedTuple):
    """The world's random draws inside the quarter, for one block of samples."""

    keys: UIntArray
    n_labs: int
    funding_stream: int

    def funding_uniforms(self, t: int) -> FloatArray:
        """Return each lab's uniform deciding whether its funding round at quarter ``t`` closes."""
        return stream_uniforms(self.keys, self.funding_stream, t, self.n_labs)


class EventParams(NamedTuple):
    """One risk event's parameters, per sample."""

    is_enabled: bool
    probability: FloatArray
    size_frac: FloatArray
    duration_quarters: int
    delay_quarters: int


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


def draw_window(keys: UIntArray, stream: int, event: EventParams, horizon_quarters: int) -> EventWindow:
    """Draw whether and when an event happens, per sample (never if it is switched off)."""
    u = stream_uniforms(keys, stream, 0, 2)
    n = keys.shape[0]
    if not event.is_enabled:
        return EventWindow(np.zeros(n), np.full(n, np.inf), np.full(n, np.inf), np.zeros(n), 0)
    occurs = (u[:, 0] < event.probability).astype(np.float64)
    onset = np.floor(u[:, 1] * horizon_quarters)
    end = onset + event.duration_quarters if event.duration_quarters > 0 else np.full(n, np.inf)
    return EventWindow(occurs, onset, end, event.size_frac, event.delay_quarters)


def active(window: EventWindow, t: int) -> FloatArray:
    """Return 1.0 where the event is active at quarter ``t``, else 0.0, ``(sample,)``."""
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
