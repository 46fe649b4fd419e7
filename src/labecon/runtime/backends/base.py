"""The one interface every backend implements.

A backend maps a picklable function over blocks of samples and yields each
block's output as it completes, in any order; the runner folds them in block
order, so results never depend on the backend, the number of workers or the
order of completion.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from labecon.runtime.plan import Block

BlockFunction = Callable[[Block], Any]
"""A module-level (picklable) function of one block, e.g. a ``functools.partial``."""


class Backend(Protocol):
    """Computes blocks; yields ``(block, output)`` pairs as they complete, in any order."""

    name: str
    in_other_processes: bool
    """Blocks run in other processes, whose warnings the caller gives again
    (:func:`~labecon.runtime.work.forwarding_warnings`); False where they run here, or where
    the caller does not want them given again."""

    def map_blocks(self, fn: BlockFunction, blocks: Sequence[Block]) -> Iterator[tuple[Block, Any]]:
        """Yield ``(block, fn(block))`` for every block, in completion order."""
        ...

    def close(self) -> None:
        """Release what the backend holds (workers, connections)."""
        ...
