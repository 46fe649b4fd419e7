"""The web benchmark measures this tree against another commit in turns."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from benchmarks.web import main
from benchmarks.web_turns import WebTurns, markdown_p50s, web_child, web_in_turns, web_turn_rows
from tests.test_benchmark_turns import _is_git_checkout

TABLE = """\
| measurement (two-strategies, 10,000 samples) | count | p50 s | p95 s | max s | errors |
| --- | ---: | ---: | ---: | ---: | ---: |
| preview rerun, server time | 10 | 0.875 | 1.021 | 1.021 | 0 |
| page updated after a change (Chromium) | 8 | 1.163 | 1.367 | 1.367 | 0 |
{"platform": "Linux", "cores": "2"}
"""


def test_the_p50s_are_read_from_the_markdown_table() -> None:
    assert markdown_p50s(TABLE) == {
        "preview rerun, server time": 0.875,
        "page updated after a change (Chromium)": 1.163,
    }
    assert markdown_p50s("no table\n") == {}


def test_each_turn_runs_both_trees_either_going_first_and_the_ratio_is_of_medians() -> None:
    calls: list[Path] = []
    server = iter([1.0, 0.8, 0.9, 1.2, 1.1, 0.7])

    def fake(root: Path) -> tuple[dict[str, float], str]:
        calls.append(root)
        return {"preview rerun, server time": next(server), "only here": 1.0}, ""

    other, here = Path("/other"), Path("/here")
    result = web_in_turns(3, fake, other, here)
    assert calls == [other, here, here, other, other, here]
    assert result.theirs["preview rerun, server time"] == [1.0, 1.2, 1.1]
    assert result.ours["preview rerun, server time"] == [0.8, 0.9, 0.7]
    rows = web_turn_rows(WebTurns(theirs={"a": [1.0, 1.2, 1.1]}, ours={"a": [0.8, 0.9, 0.7], "b": [1.0]}))
    assert rows == [["a", "1.000, 1.200, 1.100", "0.800, 0.900, 0.700", f"{0.8 / 1.1:.3f}"]]


def test_a_failed_child_stops_the_turns_and_says_which_side() -> None:
    def fake(root: Path) -> tuple[dict[str, float], str]:
        return ({}, "exit status 1: boom") if root == Path("/here") else ({"a": 1.0}, "")

    result = web_in_turns(2, fake, Path("/other"), Path("/here"))
    assert result.note == "this tree: exit status 1: boom"
    assert result.theirs == {"a": [1.0]}


def _fake_tree(root: Path, body: str) -> Path:
    (root / "benchmarks").mkdir(parents=True)
    (root / "benchmarks" / "__init__.py").write_text("")
    (root / "benchmarks" / "web.py").write_text(textwrap.dedent(body))
    return root


def test_a_child_runs_the_tree_s_own_benchmark_with_the_options(tmp_path: Path) -> None:
    tree = _fake_tree(
        tmp_path / "tree",
        """\
        import sys
        print("| measurement | count | p50 s | p95 s | max s | errors |")
        print("| options " + " ".join(sys.argv[1:]) + " | 1 | 0.5 | 0.6 | 0.7 | 0 |")
        """,
    )
    p50s, why = web_child(tree, ["--concurrent", "0"])
    assert (p50s, why) == ({"options --markdown --concurrent 0": 0.5}, "")
    broken = _fake_tree(tmp_path / "broken", "raise SystemExit('no such option')\n")
    assert web_child(broken, []) == ({}, "exit status 1: no such option")


@pytest.mark.skipif(not _is_git_checkout(), reason="needs the repository's git history")
def test_a_revision_that_is_no_commit_is_named_in_the_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--against", "no-such-commit", "--concurrent", "0", "--no-browser"]) == 2
    assert "'no-such-commit' is not a commit of this repository" in capsys.readouterr().err


@pytest.mark.parametrize("option", [["--turns", "0"], ["--concurrent", "-1"]])
def test_bad_options_are_refused_before_anything_runs(
    option: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main([*option, "--no-browser"])
    assert stop.value.code == 2
    assert option[0] in capsys.readouterr().err
