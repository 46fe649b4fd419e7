"""A progress display for long runs, shown on standard error."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from labecon.cli.rendering import err_console


class LazyProgress:
    """A progress display that appears only once a run has taken more than a second.

    It shows samples done, the rate and the time left, and, when the run is
    spread over workers, the samples each worker has computed.
    """

    def __init__(
        self,
        label: str,
        *,
        delay_s: float = 1.0,
        workers: Callable[[], dict[str, int]] | None = None,
    ) -> None:
        self._label = label
        self._delay_s = delay_s
        self._start = time.perf_counter()
        self._workers = workers
        self._bar: Progress | None = None
        self._task: Any = None
        self._worker_tasks: dict[str, Any] = {}

    def __call__(self, done: int, total: int) -> None:
        """Show that ``done`` of ``total`` samples are computed."""
        if self._bar is None:
            if time.perf_counter() - self._start < self._delay_s or done >= total:
                return
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed:,}/{task.total:,} samples"),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=err_console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self._label, total=total, rate="")
        elapsed = max(time.perf_counter() - self._start, 1e-9)
        self._bar.update(self._task, completed=done, rate=f"{done / elapsed:,.0f}/s")
        if self._workers is not None:
            for address, n in sorted(self._workers().items()):
                if address not in self._worker_tasks:
                    self._worker_tasks[address] = self._bar.add_task(f"  {address}", total=total, rate="")
                self._bar.update(self._worker_tasks[address], completed=n, rate=f"{n / elapsed:,.0f}/s")

    def close(self) -> None:
        """Remove the display, if it was shown."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
