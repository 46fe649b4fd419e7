"""Every command's help says in words what its options take: no Python types, nothing beside a flag."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from labecon.cli.app import app

runner = CliRunner()


def _commands() -> list[list[str]]:
    """Return every command's words, the group's own help first: ``[]``, ``["run"]``, ``["runs", "gc"]``."""
    found: list[list[str]] = [[]]
    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        found += [[name, sub] for sub in subcommands] if subcommands else [[name]]
    return found


@pytest.mark.parametrize("words", _commands(), ids=lambda w: " ".join(w) or "labecon")
def test_help_shows_no_python_type(words: list[str]) -> None:
    done = runner.invoke(app, [*words, "--help"], env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    assert re.search(r"<(bool|int|str|float|path|list\[\w+\])>", done.output) is None, done.output


def test_a_flag_shows_nothing_beside_it_and_a_value_its_kind() -> None:
    done = runner.invoke(app, ["compare", "--help"], env={"COLUMNS": "200"})
    lines = {line.split()[1]: line for line in done.output.splitlines() if re.match(r"│\s+--", line)}
    assert re.search(r"--json\s{2,}Print only", lines["--json"])
    assert re.search(r"--help\s{2,}Show this message", lines["--help"])
    assert re.search(r"--seed\s+INTEGER\s+Random seed", lines["--seed"])
    assert re.search(r"--out\s+PATH\s+Directory", lines["--out"])
    assert re.search(r"--samples\s+-n\s+N\s+Monte Carlo", lines["--samples"])  # its own metavar is kept


def test_an_argument_is_named_in_capitals() -> None:
    done = runner.invoke(app, ["run", "--help"], env={"COLUMNS": "200"})
    assert "[SCENARIO]" in done.output
    assert re.search(r"│\s+SCENARIO\s+A built-in scenario", done.output)


@pytest.mark.parametrize(
    "command", ["run", "compare", "conventions", "drivers", "deals", "sensitivity", "optimize", "backtest"]
)
def test_the_override_examples_are_whole_on_an_80_column_screen(command: str) -> None:
    # Below the options, at the screen's width: a dotted path is never cut with an ellipsis.
    done = runner.invoke(app, [command, "--help"], env={"COLUMNS": "80"})
    assert done.exit_code == 0, done.output
    text = " ".join(done.output.split())
    assert "--set risks.chip_shortage.probability=1" in text, done.output
    assert '"inputs.g_api.ci90=[1.0,3.0]"' in text
    assert "…" not in done.output
