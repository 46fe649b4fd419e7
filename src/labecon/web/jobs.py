"""Large runs as jobs: each in a process of its own, recorded in the run store, cancellable.

A job's id is its run id in the store, so ``GET /api/runs/{id}`` finds it while
it runs (from memory) and after it finished, even after a restart (from the
store). At most ``max_jobs`` run at once. A job's process runs at a lower
priority than the previews' workers, so the dashboard stays quick while a
full run computes; a thread of the server follows it (progress, cancelling).
With ``in_processes=False`` jobs run in threads of the server instead.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from typing import Any, Literal

import labecon
from labecon.model.world import SUB_BLOCK
from labecon.runtime.plan import DEFAULT_CHUNK_SIZE
from labecon.scenario.loader import load_quietly
from labecon.web.errors import ApiError
from labecon.web.view import results_view

JobStatus = Literal["running", "done", "failed", "interrupted"]
"""A job's status, in the run store's words: ``interrupted`` when cancelled or its server stopped."""

_log = logging.getLogger(__name__)

KEEP_FINISHED = 100
"""Finished jobs whose answers stay in memory (older ones are read back from the store)."""


Outcome = tuple[JobStatus, Any]
"""How a job ended: ``("done", view)``, ``("interrupted", None)`` (cancelled) or ``("failed", message)``."""


class _Cancelled(Exception):
    """Raised from a job's progress callback to stop its run."""


JOB_CHUNK_MIN = SUB_BLOCK
"""Fewest samples in a job's block: a world block's sub-block (the same bits, at no cost in speed)."""


def job_chunk_size(n_samples: int) -> int:
    """Return the samples per block of a job: a twentieth of it, from :data:`JOB_CHUNK_MIN` to the default.

    Its progress moves and a cancel is seen once a block (the default 65,536 samples made a
    200,000-sample run's bar move in thirds and a cancel wait up to 15 s).
    """
    step = -(-n_samples // 20)
    return min(DEFAULT_CHUNK_SIZE, max(JOB_CHUNK_MIN, -(-step // JOB_CHUNK_MIN) * JOB_CHUNK_MIN))


def execute(
    fields: dict[str, Any],
    n_samples: int,
    seed: int,
    store_root: str,
    run_id: str,
    set_done: Callable[[int], None],
    is_cancelled: Callable[[], bool],
    commit: Callable[[], bool] | None = None,
) -> Outcome:
    """Compute a job's run, record it in the store, and return how it ended (in any process).

    ``commit`` (a job in a process of its own) is asked before the store is written: ``False``
    when the job was cancelled first, and then nothing is written (the server stops the process
    and marks the run); once it has said ``True`` the server lets the writing finish. Without it
    (a job in a thread of the server) a cancelled run is marked ``interrupted`` here.
    """
    store = labecon.RunStore(store_root)

    def may_write() -> bool:
        return commit is None or commit()

    def progress(done: int, total: int) -> None:
        set_done(done)
        if is_cancelled():
            raise _Cancelled

    try:
        scenario = load_quietly(fields)
        results = labecon.simulate(
            scenario, n_samples, seed, progress=progress, chunk_size=job_chunk_size(n_samples)
        )
        if not may_write():
            return "interrupted", None
        store.finish_run(run_id, results)
        return "done", results_view(results, scenario)
    except _Cancelled:
        if commit is None:
            _mark(store, run_id, "interrupted")
        return "interrupted", None
    except labecon.LabeconError as exc:
        if not may_write():
            return "interrupted", None
        _mark(store, run_id, "failed")
        return "failed", str(exc)
    except Exception:
        # A bug, not the user's doing: logged in full on the server, one line to the user.
        _log.exception("job %s failed", run_id)
        if not may_write():
            return "interrupted", None
        _mark(store, run_id, "failed")
        return "failed", "internal error (the server's log has the details)"


def _job_process(
    fields: dict[str, Any],
    n_samples: int,
    seed: int,
    store_root: str,
    run_id: str,
    done: Any,
    cancel: Any,
    writing: Any,
    send: Connection,
) -> None:
    """Body of a job's own process: lower priority, so previews stay quick while it runs."""
    os.nice(10)

    def set_done(value: int) -> None:
        done.value = value

    def commit() -> bool:
        # Under the lock the server holds while it stops this process: it stops it before, or never.
        with writing.get_lock():
            if not writing.value and cancel.is_set():
                return False
            writing.value = 1
            return True

    send.send(execute(fields, n_samples, seed, store_root, run_id, set_done, cancel.is_set, commit))
    send.close()


def _stopped_unless_writing(process: Any, writing: Any) -> bool:
    """Stop a cancelled job's process at once unless it writes to the store; return whether it was stopped.

    Its run holds nothing of the store's until it writes (:func:`execute`'s ``commit``), so
    stopping it loses only what it computed; a block of a large run takes seconds.
    """
    with writing.get_lock():
        if writing.value:
            return False
        process.kill()
    process.join()
    return True


def _mark(store: labecon.RunStore, run_id: str, status: Literal["failed", "interrupted"]) -> None:
    try:
        store.mark(run_id, status)
    except labecon.LabeconError:
        _log.exception("cannot mark run %s as %s", run_id, status)


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

    def set_done(self, value: int) -> None:
        """Record how many samples are done."""
        self.done = value

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

    def __init__(self, store: labecon.RunStore, max_jobs: int, *, in_processes: bool = True) -> None:
        self.store = store
        self.max_jobs = max_jobs
        self.in_processes = in_processes
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
        fields = job.scenario.model_dump(mode="json", exclude_unset=True)
        root = str(self.store.root)
        if not self.in_processes:
            outcome = execute(fields, job.n_samples, job.seed, root, job.id, job.set_done, job.cancel.is_set)
        else:
            outcome = self._run_in_process(job, fields, root)
        status, payload = outcome
        if status == "done":
            job.view, job.done = payload, job.n_samples
        elif status == "failed":
            job.error = str(payload)
        job.status = status

    def _run_in_process(self, job: Job, fields: dict[str, Any], root: str) -> Outcome:
        """Run a job in a process of its own, below the previews' priority; stop it when cancelled."""
        context = multiprocessing.get_context("spawn")
        done = context.RawValue("q", 0)  # no lock: a process stopped while it wrote would keep it
        cancel, writing = context.Event(), context.Value("b", 0)
        receive, send = context.Pipe(duplex=False)
        args = (fields, job.n_samples, job.seed, root, job.id, done, cancel, writing, send)
        process = context.Process(target=_job_process, args=args, name=f"job-{job.id}", daemon=True)
        process.start()
        send.close()  # the child holds the sending end now
        try:
            while True:
                job.done = int(done.value)
                if job.cancel.is_set():
                    cancel.set()
                    if _stopped_unless_writing(process, writing):
                        outcome: Outcome = ("interrupted", None)
                        break
                if receive.poll(0.1):
                    outcome = receive.recv()
                    break
                if not process.is_alive() and not receive.poll(0):
                    self._mark(job.id, "failed")
                    outcome = ("failed", "the run's process stopped (killed, or out of memory)")
                    break
        except (EOFError, OSError):
            self._mark(job.id, "failed")
            outcome = ("failed", "the run's process stopped (killed, or out of memory)")
        finally:
            receive.close()
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
        if outcome[0] == "interrupted":  # the process writes nothing once cancelled
            self._mark(job.id, "interrupted")
        return outcome

    def _mark(self, run_id: str, status: Literal["failed", "interrupted"]) -> None:
        _mark(self.store, run_id, status)

    def _forget_old(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.status != "running"]
        for key in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            del self._jobs[key]
