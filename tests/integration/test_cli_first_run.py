"""A run that compiles the model first says so as it starts; later runs say nothing of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from labecon.cli import app
from labecon.runtime import compiled

runner = CliRunner()
NOTE = "Compiling the model for this machine first"


@pytest.mark.parametrize("cached", [False, True])
def test_run_says_when_it_compiles_first(
    cached: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compiled, "compiled_code_cached", lambda scenario, model=True: cached)
    done = runner.invoke(app, ["run", "b1", "--samples", "200", "--out", str(tmp_path / "r")])
    assert done.exit_code == 0, done.output
    assert (NOTE in done.output) is not cached


def test_nothing_is_said_of_compiling_before_a_bad_out_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compiled, "compiled_code_cached", lambda scenario, model=True: False)
    (tmp_path / "notes.txt").write_text("mine")
    done = runner.invoke(
        app, ["compare", "b1", "--strategies", "rent,build", "--out", str(tmp_path / "notes.txt")]
    )
    assert done.exit_code == 2, done.output
    assert NOTE not in done.output
    assert (tmp_path / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize(
    ("sampler_on_disk", "engine", "said"),
    [
        (True, "numba", "about twenty seconds"),  # the model's kernels compile
        (True, "numpy", None),  # the NumPy path needs only the sampler's, on disk
        (False, "numpy", "a few seconds"),
    ],
)
def test_what_is_said_follows_the_runs_engine(
    sampler_on_disk: bool, engine: str, said: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from labecon.uncertain import _fast

    monkeypatch.setattr(compiled, "_on_disk", lambda kernel: sampler_on_disk and kernel is _fast._fill)
    done = runner.invoke(
        app, ["run", "b1", "--samples", "200", "--engine", engine, "--out", str(tmp_path / "r")]
    )
    assert done.exit_code == 0, done.output
    if said is None:
        assert NOTE not in done.output
    else:
        assert f"{NOTE}: this run takes {said} longer" in done.output
