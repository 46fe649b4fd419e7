"""The default backend: every block in this process, in order."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from labecon.runtime.backends.base import BlockFunction
from labecon.runtime.plan import Block


class LocalBackend:
    """Compute blocks one after another in the calling process."""

    name = "local"
    in_other_processes = False

    def map_blocks(self, fn: BlockFunction, blocks: Sequence[Block]) -> Iterator[tuple[Block, Any]]:
        """Yield ``(block, fn(block))`` for each block, in order."""
        for block in blocks:
            yield block, fn(block)

    def close(self) -> None:
        """Nothing to release."""
