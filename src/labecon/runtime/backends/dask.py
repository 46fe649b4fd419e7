"""The Dask distributed backend: blocks computed on a ``LocalCluster`` or a real cluster.

This is the only module of labecon that imports Dask, and only when a
:class:`DaskBackend` is made, so ``import labecon`` stays fast and Dask stays an
optional extra (``pip install 'labecon[dask]'``).

Results never depend on this backend: each block is a pure function of its
global sample indices, so a block recomputed after a worker died gives the
same bits, and the runner folds blocks in block order whatever order they
complete in.
"""

from __future__ import annotations

import itertools
import logging
import pickle
import threading
import uuid
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

from labecon.errors import BackendError, OptionalDependencyError, OptionError
from labecon.runtime.backends.base import BlockFunction
from labecon.runtime.plan import Block

INSTALL_HINT = "pip install 'labecon[dask]'"

DEFAULT_LOCAL_WORKERS = 2
"""Worker processes of a ``LocalCluster`` when no count is given."""

IN_FLIGHT_PER_WORKER = 3
"""Blocks submitted but not yet handed back, per worker: enough to keep every
worker busy while the client folds a result, few enough that memory stays
bounded whatever the number of blocks."""

TASK_RETRIES = 1
"""Times a block that raised is run again before the run fails (blocks lost with
a dead worker are recomputed by the scheduler regardless)."""

INLINE_FUNCTION_MAX_BYTES = 256 * 1024
"""Largest pickled block function sent with every task; a larger one is sent
once and shared (saving a scheduler round trip at the start of small runs)."""

CONNECT_TIMEOUT_S = 10.0
"""How long to wait for a scheduler (and its workers) before giving up."""


def _import_distributed() -> Any:
    """Return the ``distributed`` module, or raise the install hint."""
    try:
        import distributed
    except ImportError:
        msg = f"the Dask backend needs Dask distributed: {INSTALL_HINT}"
        raise OptionalDependencyError(msg) from None
    return distributed


class _TooLarge(Exception):
    """Raised by :class:`_SizeProbe` once its limit is passed."""


class _SizeProbe:
    """A file that counts what is written to it and stops the writer past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit, self.size = limit, 0

    def write(self, data: bytes) -> int:
        self.size += memoryview(data).nbytes
        if self.size > self.limit:
            raise _TooLarge
        return len(data)


def _pickles_within(value: Any, limit: int) -> bool:
    """Return whether ``value`` pickles to at most ``limit`` bytes, without pickling all of a large one."""
    try:
        pickle.Pickler(_SizeProbe(limit), protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    except _TooLarge:
        return False
    return True


def _identity(value: Any) -> Any:
    """Return ``value``: holds the block function as cluster data, sent once, recomputable."""
    return value


def _run_block(fn: BlockFunction, block: Block) -> tuple[str, Any]:
    """Run ``fn(block)`` on a worker; return the worker's address with the output."""
    from distributed import get_worker

    return get_worker().address, fn(block)


class DaskBackend:
    """Compute blocks on Dask distributed workers.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``). Without one,
        a ``LocalCluster`` of worker processes is started on this machine and
        closed by :meth:`close`.
    n_workers : int, optional
        Worker processes of the ``LocalCluster`` (default 2). With a scheduler
        address, wait (up to ``timeout_s``) until that many workers are
        connected.
    memory_limit : str or None
        Memory limit of each ``LocalCluster`` worker (Dask's syntax, e.g.
        ``"300MiB"``); ``None`` uses Dask's default (the machine's memory
        shared between the workers). Dask pauses a worker near its limit and
        restarts it past it, so set it above a worker's real need.
    in_flight_per_worker : int
        Blocks submitted ahead per worker (see :data:`IN_FLIGHT_PER_WORKER`).
    timeout_s : float
        Seconds to wait for a scheduler or workers before :class:`BackendError`.

    Raises
    ------
    OptionalDependencyError
        Dask distributed is not installed.
    BackendError
        The scheduler cannot be reached, or the cluster cannot be started.
    """

    name = "dask"
    in_other_processes = True
    folds_on_workers = True
    """Workers fold their samples into partial reducers (see :func:`labecon.runtime.work.compute_task`)."""

    def __init__(
        self,
        scheduler: str | None = None,
        n_workers: int | None = None,
        *,
        memory_limit: str | None = None,
        in_flight_per_worker: int = IN_FLIGHT_PER_WORKER,
        timeout_s: float = CONNECT_TIMEOUT_S,
    ) -> None:
        distributed = _import_distributed()
        if n_workers is not None and (isinstance(n_workers, bool) or n_workers < 1):
            msg = f"must be at least 1 (Dask worker processes), got {n_workers!r}"
            raise OptionError(msg, "n_workers")
        if in_flight_per_worker < 1:
            msg = f"in_flight_per_worker must be at least 1, got {in_flight_per_worker!r}"
            raise BackendError(msg)
        self.scheduler = scheduler
        self._in_flight_per_worker = in_flight_per_worker
        self._cluster: Any = None
        self._client: Any = None
        self._lock = threading.Lock()
        self._done: dict[str, int] = {}
        if scheduler is None:
            import dask

            # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which also
            # turns off glibc's adaptive mmap threshold: every NumPy temporary of
            # a block is then mmapped afresh, and blocks run about twice as slow
            # as in the calling process. Workers keep glibc's defaults instead.
            # Nor do they sample their own stacks every 10 ms for the dashboard's
            # profiler, which takes the interpreter lock from the block being run.
            worker_config = {
                "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                "distributed.worker.profile.enabled": False,
            }
            try:
                with dask.config.set(worker_config):
                    self._cluster = distributed.LocalCluster(
                        n_workers=n_workers or DEFAULT_LOCAL_WORKERS,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        # The scheduler's HTTP server starts even without a dashboard, on
                        # port 8787 unless told otherwise; any free port keeps a second
                        # cluster (or a user's own) from making it fail.
                        scheduler_kwargs={"dashboard_address": ":0"},
                        memory_limit=memory_limit if memory_limit is not None else "auto",
                        silence_logs=logging.ERROR,
                    )
                self._client = distributed.Client(self._cluster, timeout=timeout_s, set_as_default=False)
            except Exception as exc:
                self.close()
                msg = f"cannot start a local Dask cluster: {type(exc).__name__}: {exc}"
                raise BackendError(msg) from exc
        else:
            try:
                # Not the default client: other Dask work in this process stays where it was.
                self._client = distributed.Client(scheduler, timeout=timeout_s, set_as_default=False)
            except Exception as exc:
                msg = (
                    f"cannot connect to the Dask scheduler at {scheduler!r} within {timeout_s:g} s: "
                    f"{type(exc).__name__}: {exc}"
                )
                raise BackendError(msg) from None
            if n_workers is not None:
                try:
                    self._client.wait_for_workers(n_workers, timeout=timeout_s)
                except Exception as exc:
                    self.close()
                    msg = (
                        f"the Dask scheduler at {scheduler!r} did not get {n_workers} workers "
                        f"within {timeout_s:g} s: {type(exc).__name__}: {exc}"
                    )
                    raise BackendError(msg) from None

    @property
    def client(self) -> Any:
        """The ``distributed.Client`` in use (for tests and diagnostics)."""
        if self._client is None:
            msg = "this Dask backend is closed"
            raise BackendError(msg)
        return self._client

    @property
    def n_workers(self) -> int:
        """Number of workers connected now."""
        return len(self.client.nthreads())

    def worker_progress(self) -> dict[str, int]:
        """Return samples done so far by each worker (by address), in this backend's life.

        Safe to poll from another thread (e.g. a progress display).
        """
        with self._lock:
            return dict(self._done)

    def map_blocks(self, fn: BlockFunction, blocks: Sequence[Block]) -> Iterator[tuple[Block, Any]]:
        """Yield ``(block, fn(block))`` for every block, in completion order.

        At most ``in_flight_per_worker`` blocks per worker are submitted ahead,
        so memory stays bounded however many blocks there are. A block lost
        with a dead worker is computed again (same bits); one that raises is
        retried :data:`TASK_RETRIES` times, then the error is raised here.
        Closing the iterator early cancels the blocks still pending.
        """
        distributed = _import_distributed()
        client = self.client
        token = uuid.uuid4().hex[:12]
        # A small block function (a scenario and options) goes with every task.
        # A large one (a user's input table) travels to the cluster once, as the
        # result of a task the scheduler can recompute if the worker holding it dies.
        fn_future: Any = None
        if not _pickles_within(fn, INLINE_FUNCTION_MAX_BYTES):
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*[Ll]arge graph.*")
                warnings.filterwarnings("ignore", message=".*[Ll]arge object.*")
                fn_future = client.submit(_identity, fn, key=f"labecon-fn-{token}", pure=False)
        fn_arg = fn if fn_future is None else fn_future
        pending = iter(blocks)
        outstanding: dict[str, tuple[Block, Any]] = {}
        # Per thread, so a worker with several threads gets work for each of them.
        limit = max(1, sum(client.nthreads().values())) * self._in_flight_per_worker
        queue = distributed.as_completed(loop=client.loop)

        def submit(block: Block) -> None:
            key = f"labecon-block-{token}-{block.start}"
            future = client.submit(_run_block, fn_arg, block, key=key, pure=False, retries=TASK_RETRIES)
            outstanding[key] = (block, future)
            queue.add(future)

        try:
            for block in itertools.islice(pending, limit):
                submit(block)
            for future in queue:
                block, _ = outstanding.pop(future.key)
                try:
                    worker, output = future.result()
                except Exception as exc:
                    if type(exc).__name__ == "KilledWorker":
                        msg = (
                            f"Dask workers kept dying while computing samples {block.start}..{block.stop - 1}"
                        )
                        raise BackendError(msg) from exc
                    raise
                future.release()
                with self._lock:
                    self._done[worker] = self._done.get(worker, 0) + block.size
                following = next(pending, None)
                if following is not None:
                    submit(following)
                yield block, output
        finally:
            if outstanding:
                client.cancel([f for _, f in outstanding.values()])
            queue.clear()
            if fn_future is not None:
                fn_future.release()

    def close(self) -> None:
        """Close the client and, if this backend started it, the local cluster."""
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    def __enter__(self) -> DaskBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
