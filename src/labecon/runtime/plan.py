"""Chunk plans: which global sample indices each block of work covers.

A plan depends only on the sample count and chunk size, never on the
backend, and every block draws its inputs by global sample index, so results
do not depend on how the work is cut.
"""

from __future__ import annotations

from typing import NamedTuple

from labecon.constants import MAX_SAMPLES
from labecon.errors import OptionError
from labecon.runtime.reducers import GROUP

DEFAULT_CHUNK_SIZE = 65_536
"""Samples per block: large enough to amortise per-block overhead, small enough
that a block's temporaries (about 1 KiB per sample) stay in tens of MiB."""


class Block(NamedTuple):
    """A contiguous range of global sample indices, ``start <= i < stop``."""

    start: int
    stop: int

    @property
    def size(self) -> int:
        """Number of samples in the block."""
        return self.stop - self.start


def plan_blocks(n_samples: int, chunk_size: int | None = None) -> list[Block]:
    """Return the blocks that cover samples ``0 .. n_samples - 1`` in order."""
    check_count(n_samples, "n_samples")
    size = DEFAULT_CHUNK_SIZE if chunk_size is None else chunk_size
    check_count(size, "chunk_size")
    return [Block(s, min(s + size, n_samples)) for s in range(0, n_samples, size)]


TASKS_PER_WORKER = 4
"""Tasks planned per worker when workers fold their own samples: enough to
balance the load, few enough that each sends back little."""

MAX_GROUPS_PER_TASK = 64
"""Largest task, in moment groups (4,194,304 samples: one to three seconds of
B1's work, so progress and checkpoints stay frequent while the caller merges
few partial reducers)."""


def plan_tasks(n_samples: int, start: int, chunk_size: int, n_workers: int) -> list[Block]:
    """Return the tasks covering samples ``start .. n_samples - 1`` for workers that fold their own.

    Every task but the last covers whole moment groups (:data:`GROUP`
    samples), so its partial reducers merge exactly; when ``start`` is not on
    a group (a resumed run), the samples up to the next group come first, as
    plain blocks of ``chunk_size``.
    """
    aligned = min(-(-start // GROUP) * GROUP, n_samples)
    head = [Block(s, min(s + chunk_size, aligned)) for s in range(start, aligned, chunk_size)]
    workers = max(1, n_workers)
    groups = -(-(n_samples - aligned) // GROUP)
    # A whole number of rounds of tasks, so no worker is left with one more at the end.
    n_tasks = max(workers * TASKS_PER_WORKER, -(-groups // MAX_GROUPS_PER_TASK))
    n_tasks = -(-n_tasks // workers) * workers
    size = GROUP * max(1, -(-groups // n_tasks))
    return head + [Block(s, min(s + size, n_samples)) for s in range(aligned, n_samples, size)]


def check_count(value: object, option: str) -> int:
    """Return ``value`` if it is a whole number in ``1 .. MAX_SAMPLES``, else raise OptionError."""
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"must be a whole number, got {value!r}"
        raise OptionError(msg, option)
    if value < 1:
        msg = f"must be at least 1, got {value}"
        raise OptionError(msg, option)
    if value > MAX_SAMPLES:
        msg = f"must be at most {MAX_SAMPLES:.0e}, got {value}"
        raise OptionError(msg, option)
    return value
