"""Large runs as jobs: each in its own thread, recorded in the run store, cancellable.

A job's id is its run id in the store, so ``GET /api/runs/{id}`` finds it while
it runs (from memory) and after it finished, even after a restart (from the
store). At most ``max_jobs`` run at once.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import labecon
from labecon.web.errors import ApiError
from labecon.web.view import results_view

JobStatus = Literal["running", "done", "failed", "cancelled"]

_log = logging.getLogger(__name__)

KEEP_FINISHED = 100
"""Finished jobs whose answers stay in memory (older ones are read back from the store)."""


class _Cancelled(Exception):
    """Raised from a job's progress callback to stop its run."""


@dataclass
class Job:
    """One large run in progress or finished."""

    id: str
    scenario: labecon.Scenario
    n_samples: int
    seed: int
    status: JobStatus = "running"
    done: int = 0
    error: str | None = None
    view: dict[str, Any] | None = None
    started: float = field(default_factory=time.monotonic)
    cancel: threading.Event = field(default_factory=threading.Event)

    def state(self) -> dict[str, Any]:
        """Return the job as the API shows it: id, status, progress (0..1), and its results when done."""
        out: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "samples_done": self.done,
            "n_samples": self.n_samples,
            "progress": self.done / self.n_samples if self.n_samples else 1.0,
            "elapsed_s": time.monotonic() - self.started,
        }
        if self.error is not None:
            out["error"] = self.error
        if self.view is not None:
            out["results"] = self.view
        return out


class JobManager:
    """Starts, tracks and cancels jobs; records each in the run store."""

    def __init__(self, store: labecon.RunStore, max_jobs: int) -> None:
        self.store = store
        self.max_jobs = max_jobs
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def running(self) -> int:
        """Return the number of jobs running now."""
        return sum(1 for j in self._jobs.values() if j.status == "running")

    def start(self, scenario: labecon.Scenario, n_samples: int, seed: int) -> Job:
        """Record a run in the store and start computing it; return its job.

        Raises
        ------
        ApiError
            429 when ``max_jobs`` jobs are running already.
        """
        with self._lock:
            if self.running() >= self.max_jobs:
                msg = f"{self.max_jobs} jobs are running already (the limit); try again when one finishes"
                raise ApiError(429, "n_samples", msg)
            run_id = self.store.start_run(
                {
                    "scenario": scenario.name,
                    "seed": seed,
                    "n_samples": n_samples,
                    "backend": "local",
                    "n_workers": 1,
                    "labecon_version": labecon.__version__,
                    "started": datetime.now(UTC).isoformat(),
                    "options": {"n_samples": n_samples, "seed": seed},
                },
                labecon.dump_scenario(scenario),
            )
            job = Job(run_id, scenario, n_samples, seed)
            self._jobs[run_id] = job
            self._forget_old()
        threading.Thread(target=self._run, args=(job,), name=f"job-{run_id}", daemon=True).start()
        return job

    def get(self, run_id: str) -> Job | None:
        """Return the job with this id, if this server started it and still holds it."""
        return self._jobs.get(run_id)

    def cancel(self, run_id: str) -> Job | None:
        """Ask a running job to stop; return it (``None`` if unknown here)."""
        job = self._jobs.get(run_id)
        if job is not None and job.status == "running":
            job.cancel.set()
        return job

    def cancel_all(self, wait_s: float = 5.0) -> None:
        """Stop every running job (on shutdown), waiting up to ``wait_s`` for them to stop."""
        for job in self._jobs.values():
            job.cancel.set()
        deadline = time.monotonic() + wait_s
        while self.running() and time.monotonic() < deadline:
            time.sleep(0.05)

    def _run(self, job: Job) -> None:
        def progress(done: int, total: int) -> None:
            job.done = done
            if job.cancel.is_set():
                raise _Cancelled

        try:
            results = labecon.simulate(job.scenario, job.n_samples, job.seed, progress=progress)
            self.store.finish_run(job.id, results)
            job.view = results_view(results, job.scenario)
            job.done = job.n_samples
            job.status = "done"
        except _Cancelled:
            self._mark(job.id, "interrupted")
            job.status = "cancelled"
        except labecon.LabeconError as exc:
            self._mark(job.id, "failed")
            job.error, job.status = str(exc), "failed"
        except Exception:
            # A bug, not the user's doing: logged in full on the server, one line to the user.
            _log.exception("job %s failed", job.id)
            self._mark(job.id, "failed")
            job.error, job.status = "internal error (the server's log has the details)", "failed"

    def _mark(self, run_id: str, status: Literal["failed", "interrupted"]) -> None:
        try:
            self.store.mark(run_id, status)
        except labecon.LabeconError:
            _log.exception("cannot mark run %s as %s", run_id, status)

    def _forget_old(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.status != "running"]
        for key in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            del self._jobs[key]
