"""``labecon serve``: serves the dashboard on loopback; without the web extra, a clear install hint."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from labecon.cli import app

ROOT = Path(__file__).resolve().parents[2]


def test_missing_extra_gets_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec

    def hide_fastapi(name: str, *args: object) -> object:
        return None if name in ("fastapi", "uvicorn") else real(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", hide_fastapi)
    result = CliRunner().invoke(app, ["serve", "--port", "1"])
    assert result.exit_code == 2
    assert "pip install 'labecon[web]'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("cached", [False, True])
def test_serve_says_when_the_model_compiles_as_it_starts(
    cached: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import labecon.web
    from labecon.runtime import compiled

    monkeypatch.setattr(compiled, "compiled_code_cached", lambda scenario, model=True: cached)
    monkeypatch.setattr(labecon.web, "serve", lambda host, port: None)
    result = CliRunner().invoke(app, ["serve", "--port", "1"])
    assert result.exit_code == 0, result.output
    assert ("The model compiles for this machine" in result.output) is not cached


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.cli
def test_serve_answers_on_loopback(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "LABECON_STORE": str(tmp_path / "store")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "labecon", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/scenarios", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "labecon serve did not answer in 30 s"
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert b"labecon" in r.read()
        # A run some of whose futures pass the plausibility bounds: said in its view, not in the log.
        body = b'{"scenario": "two-strategies", "n_samples": 400, "seed": 1}'
        run = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/runs", data=body, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(run, timeout=60) as r:
            assert r.status == 200
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=20)
    assert f"Uvicorn running on http://127.0.0.1:{port}" in output, "binds loopback unless told otherwise"
    assert not any(tmp_path.glob("labecon-results")), "serving writes nothing into the working directory"
    assert "plausibility bounds" not in output, "the server's log does not repeat what the run's view says"
    assert "Traceback" not in output, "stopped cleanly"
    assert "leaked" not in output, "stopped cleanly: the worker pool's semaphores freed"
