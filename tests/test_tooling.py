"""The code stays lint-clean, type-clean and within its architecture's layers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(tempfile.gettempdir()) / "labecon-tests-tool-caches"
"""Where the tools keep their caches: not in the repository, where the tests are started from."""


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install '.[test]'")
    return found


def _env() -> dict[str, str]:
    # The tools import labecon (import-linter builds its graph from the imported package):
    # make it this tree's, whichever copy the interpreter of the tool has installed.
    path = os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p)
    return {
        **os.environ,
        "PYTHONPATH": path,
        "RUFF_CACHE_DIR": str(CACHE / "ruff"),
        "MYPY_CACHE_DIR": str(CACHE / "mypy"),
    }


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False, env=_env())


def start_mypy() -> subprocess.Popen[str]:
    """Start mypy on the sources; the suite starts it as it begins, beside the other tests.

    mypy takes about 25 s on one core while the suite's tests mostly use the other.
    """
    return subprocess.Popen(
        [_tool("mypy"), "src"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_env(),
    )


def test_ruff_is_clean() -> None:
    done = _run(_tool("ruff"), "check", "src", "tests", "benchmarks")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_is_clean(request: pytest.FixtureRequest) -> None:
    started = request.config.stash.get(MYPY_STARTED, None)  # by conftest, as the suite began
    mypy = started if started is not None else start_mypy()
    output, _ = mypy.communicate()
    assert mypy.returncode == 0, output


MYPY_STARTED = pytest.StashKey[subprocess.Popen[str]]()
"""The mypy process the suite started as it began (``tests/conftest.py``), if it did."""


def test_import_layers_hold() -> None:
    done = _run(_tool("lint-imports"), "--cache-dir", str(CACHE / "import-linter"))
    assert done.returncode == 0, done.stdout + done.stderr
