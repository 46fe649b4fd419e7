"""Changes scheduled for future quarters, per sample and lab: a compiled scatter into them.

The world model books now what happens later (capacity coming online, contracts
and loans ending). Where the quarter differs by sample (lead times, contract
ends), booking is a scatter; NumPy's fancy-index ``+=`` costs ~20 ns a value and
needs index and value temporaries, a compiled loop ~1 ns and none. It only adds
(no ``fastmath``): every cell gets the same additions, in the same order, as
with NumPy. It skips a lab's values when they are all zero: a cell starts at
+0.0 and no sum of additions makes it -0.0, so adding a zero of either sign
never changes it, and a lab that books nothing (one that does not build, say)
leaves its part of the schedule unread and unwritten.
"""

from __future__ import annotations

import numba
import numpy as np

from labecon.types import FloatArray, IntArray


@numba.njit(cache=True, nogil=True)
def _any_nonzero(values: FloatArray) -> bool:
    """Return whether any of ``values`` (one lab's, per sample) is not zero."""
    for v in values:  # noqa: SIM110 (a loop Numba compiles; a generator in any() it does not)
        if v != 0.0:
            return True
    return False


@numba.njit(cache=True, nogil=True)
def _scatter(data: FloatArray, slot: IntArray, component: int, values: FloatArray, skip: int) -> None:
    """``data[slot[l, i], component, l, i] += values[l, i]`` except where the slot is ``skip``.

    ``data`` is ``(quarter, component, lab, sample)``.
    """
    n_labs, n = values.shape
    for lab in range(n_labs):
        if not _any_nonzero(values[lab]):
            continue
        for i in range(n):
            s = slot[lab, i]
            if s != skip:
                data[s, component, lab, i] += values[lab, i]


@numba.njit(cache=True, nogil=True)
def _scatter_all(
    data: FloatArray, slot: IntArray, components: IntArray, values: tuple[FloatArray, ...], skip: IntArray
) -> None:
    """:func:`_scatter` of ``values[j]`` into ``components[j]`` (skipping slot ``skip[j]``), in order."""
    for j in range(len(values)):
        _scatter(data, slot, components[j], values[j], skip[j])


@numba.njit(cache=True, nogil=True)
def _add_row(row: FloatArray, values: FloatArray) -> None:
    """``row += values`` unless every value is zero (one quarter, component and lab of a schedule)."""
    if not _any_nonzero(values):
        return
    for i in range(values.shape[0]):
        row[i] += values[i]


class Schedule:
    """Changes due in each quarter, per component, sample and lab.

    Stored ``(quarter, component, lab, sample)``, samples last: a quarter's
    component is one contiguous run per lab, and it reads as a ``(sample, lab)``
    array with samples fastest, like the world model's other arrays. Slot
    ``horizon`` collects what is due after the horizon for the components in
    ``read_after``; the rest is never read, so it is not written.
    """

    def __init__(
        self, n: int, n_labs: int, horizon: int, n_components: int, read_after: tuple[int, ...] = ()
    ) -> None:
        self.horizon = horizon
        self.read_after = read_after
        """The components whose changes due after the horizon are read (the rest are not kept)."""
        self.data = np.zeros((horizon + 1, n_components, n_labs, n))

    def _kept(self, slot: int, component: int) -> bool:
        """Return whether a change to ``component`` in ``slot`` is ever read."""
        return slot < self.horizon or component in self.read_after

    def slot(self, quarter: int) -> int:
        """Return where changes due at ``quarter`` are kept."""
        return min(quarter, self.horizon)

    def at(self, t: int) -> FloatArray:
        """Return the changes due at quarter ``t``, ``(component, sample, lab)`` (a view)."""
        out: FloatArray = self.data[self.slot(t)].transpose(0, 2, 1)
        return out

    def add(self, quarter: FloatArray | int, components: tuple[int, ...], *values: FloatArray) -> None:
        """Add ``values[j]`` to ``components[j]`` at ``quarter`` (one, or per sample and lab)."""
        if np.ndim(quarter) == 0:
            one = self.slot(int(quarter))
            due = self.at(one)
            for c, v in zip(components, values, strict=True):
                if self._kept(one, c):
                    due[c] += v
            return
        shape = self.data.shape[2:]  # (lab, sample)
        q = np.asarray(quarter, dtype=np.float64).T
        slot = np.ascontiguousarray(
            np.broadcast_to(np.where(q < self.horizon, q, self.horizon), shape), dtype=np.int64
        )
        # A samples-fastest (sample, lab) array transposes to a C-ordered one: no copy.
        by_lab = tuple(
            np.ascontiguousarray(v.T if v.shape[::-1] == shape else np.broadcast_to(v.T, shape))
            for v in values
        )
        skip = [-1 if c in self.read_after else self.horizon for c in components]
        _scatter_all(
            self.data, slot, np.array(components, dtype=np.int64), by_lab, np.array(skip, dtype=np.int64)
        )

    def add_lab(self, quarter: int, lab: int, component: int, values: FloatArray) -> None:
        """Add ``values`` (per sample) to one lab's ``component`` at ``quarter``."""
        slot = self.slot(quarter)
        if self._kept(slot, component):
            _add_row(self.data[slot, component, lab], values)

    def add_lab_components(self, quarter: int, lab: int, values: FloatArray) -> None:
        """Add ``values[c]`` (per sample) to one lab's first ``len(values)`` components at ``quarter``."""
        slot = self.slot(quarter)
        for c in range(values.shape[0]):
            if self._kept(slot, c):
                _add_row(self.data[slot, c, lab], values[c])
