"""An interrupted run resumes from its checkpoint to the result of an uninterrupted one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import labecon

ROOT = Path(__file__).resolve().parents[2]


def _interrupt_after(blocks: int) -> object:
    seen = {"n": 0}

    def progress(done: int, total: int) -> None:
        seen["n"] += 1
        if seen["n"] == blocks:
            raise KeyboardInterrupt

    return progress


@pytest.mark.parametrize("keep", ["outputs", "summary"])
def test_ctrl_c_then_resume_gives_the_uninterrupted_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keep: str
) -> None:
    monkeypatch.setenv("LABECON_CHECKPOINT_EVERY_S", "0")
    opts = {"n_samples": 6000, "seed": 8, "chunk_size": 500, "keep": keep, "quantiles": "sketch"}
    whole = labecon.simulate("b1", **opts)  # type: ignore[arg-type]
    with pytest.raises(KeyboardInterrupt):
        labecon.simulate("b1", checkpoint_dir=tmp_path, progress=_interrupt_after(5), **opts)  # type: ignore[arg-type]
    assert (tmp_path / "state.npz").is_file()
    resumed = labecon.simulate("b1", checkpoint_dir=tmp_path, resume=True, **opts)  # type: ignore[arg-type]
    np.testing.assert_array_equal(whole.dataset["summary"].to_numpy(), resumed.dataset["summary"].to_numpy())
    if keep == "outputs":
        np.testing.assert_array_equal(
            whole.dataset["saving"].to_numpy(), resumed.dataset["saving"].to_numpy()
        )
        np.testing.assert_array_equal(
            whole.dataset["input_value"].to_numpy(), resumed.dataset["input_value"].to_numpy()
        )


def test_a_checkpoint_of_another_run_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABECON_CHECKPOINT_EVERY_S", "0")
    labecon.simulate("b1", n_samples=1000, seed=1, chunk_size=100, checkpoint_dir=tmp_path)
    with pytest.raises(labecon.OptionError, match="another run"):
        labecon.simulate("b1", n_samples=1000, seed=2, chunk_size=100, checkpoint_dir=tmp_path, resume=True)


def test_a_checkpoint_from_an_older_layout_is_refused_clearly_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LABECON_CHECKPOINT_EVERY_S", "0")
    labecon.simulate("b1", n_samples=1000, seed=1, chunk_size=100, checkpoint_dir=tmp_path)
    path = tmp_path / "state.npz"
    with np.load(path) as data:
        old = {k: data[k] for k in data.files if k != "format"}  # as written before formats were marked
    np.savez(path, **old)
    before = path.read_bytes()
    with pytest.raises(labecon.OptionError, match="another version of labecon"):
        labecon.simulate("b1", n_samples=1000, seed=1, chunk_size=100, checkpoint_dir=tmp_path, resume=True)
    assert path.read_bytes() == before


def test_resume_without_checkpoint_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(labecon.OptionError, match="nothing to resume"):
        labecon.simulate("b1", n_samples=100, checkpoint_dir=tmp_path / "none", resume=True)


_CHILD = """
import sys, labecon
labecon.simulate("b1", n_samples=400_000, seed=5, chunk_size=2_000, keep="summary", quantiles="sketch",
                 checkpoint_dir=sys.argv[1], engine="numpy")
"""


def test_a_killed_process_resumes_to_the_same_result(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "LABECON_CHECKPOINT_EVERY_S": "0"}
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(tmp_path)], env=env)
    state = tmp_path / "state.npz"
    deadline = time.monotonic() + 120
    while not state.is_file() and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    time.sleep(0.3)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert state.is_file(), "the child never checkpointed"
    opts = {"n_samples": 400_000, "seed": 5, "chunk_size": 2_000, "keep": "summary", "quantiles": "sketch"}
    resumed = labecon.simulate("b1", checkpoint_dir=tmp_path, resume=True, **opts)  # type: ignore[arg-type]
    whole = labecon.simulate("b1", **opts)  # type: ignore[arg-type]
    np.testing.assert_array_equal(whole.dataset["summary"].to_numpy(), resumed.dataset["summary"].to_numpy())
