"""A backend over any :mod:`concurrent.futures` executor: a process pool the caller already runs.

For a long-lived server that keeps warm worker processes: one run's blocks
spread over them, so a small run uses every core. The executor belongs to the
caller, who starts and stops it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from typing import Any

from labecon.runtime.backends.base import BlockFunction
from labecon.runtime.plan import Block


class PoolBackend:
    """Compute blocks on the workers of ``executor``, all submitted at once, yielded as they finish.

    ``give_warnings``: the caller gives again the warnings a block gave in a worker process, as
    a local run would (default). A server that says them in its answers passes False, so that
    its log does not repeat them, run after run, from its threads. ``n_workers``: how many
    blocks it computes at once (default: the executor's workers), so that a run left to choose
    its blocks gives each one.
    """

    name = "pool"

    def __init__(
        self, executor: Executor, *, give_warnings: bool = True, n_workers: int | None = None
    ) -> None:
        self.executor = executor
        self.in_other_processes = give_warnings and isinstance(executor, ProcessPoolExecutor)
        # Both standard executors keep their size there; any other counts as one worker.
        self.n_workers = n_workers if n_workers is not None else int(getattr(executor, "_max_workers", 1))

    def map_blocks(self, fn: BlockFunction, blocks: Sequence[Block]) -> Iterator[tuple[Block, Any]]:
        """Yield ``(block, fn(block))`` for every block, in completion order (the caller folds in order)."""
        futures: dict[Future[Any], Block] = {self.executor.submit(fn, block): block for block in blocks}
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        """Nothing to release: the executor is the caller's."""
