"""A cancelled job's process is stopped at once, unless it is writing to the run store."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path

import labecon
from labecon.web.jobs import Outcome, _stopped_unless_writing, execute

_SPAWN = multiprocessing.get_context("spawn")


def _a_process() -> multiprocessing.process.BaseProcess:
    process = _SPAWN.Process(target=time.sleep, args=(600,), daemon=True)
    process.start()
    return process


def test_a_cancelled_process_is_stopped_at_once() -> None:
    process, writing = _a_process(), _SPAWN.Value("b", 0)
    assert _stopped_unless_writing(process, writing)
    assert not process.is_alive()
    assert process.exitcode is not None


def test_a_process_writing_to_the_store_is_left_to_finish() -> None:
    process, writing = _a_process(), _SPAWN.Value("b", 1)
    try:
        assert not _stopped_unless_writing(process, writing)
        assert process.is_alive()
    finally:
        process.kill()
        process.join()


def _job(tmp_path: Path, *, cancelled: bool, commit: Callable[[], bool] | None) -> tuple[Outcome, str]:
    """Run a 2,000-sample b1 job recorded in a fresh store; return how it ended and its status there."""
    store = labecon.RunStore(tmp_path / "store")
    run_id = store.start_run({"scenario": "b1", "seed": 1, "n_samples": 2_000}, labecon.scenario_text("b1"))
    fields = labecon.load_scenario("b1").model_dump(mode="json", exclude_unset=True)
    outcome = execute(fields, 2_000, 1, str(store.root), run_id, lambda _: None, lambda: cancelled, commit)
    return outcome, store.get_manifest(run_id)["status"]


def test_a_job_cancelled_before_it_writes_writes_nothing(tmp_path: Path) -> None:
    # In its own process: the server marks the run; the process must not touch the store.
    assert _job(tmp_path, cancelled=False, commit=lambda: False) == (("interrupted", None), "running")


def test_a_job_allowed_to_write_records_its_run(tmp_path: Path) -> None:
    (status, view), recorded = _job(tmp_path, cancelled=False, commit=lambda: True)
    assert (status, recorded) == ("done", "done")
    assert view["manifest"]["n_samples"] == 2_000


def test_a_job_in_a_thread_marks_its_cancelled_run_itself(tmp_path: Path) -> None:
    assert _job(tmp_path, cancelled=True, commit=None) == (("interrupted", None), "interrupted")
