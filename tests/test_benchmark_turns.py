"""The benchmarks measure this tree against another commit in turns, without touching the repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from benchmarks.run import REPO_ROOT, SIZES, Measurement, main
from benchmarks.turns import Turns, copied, exported, in_turns, turn_headers, turn_rows


def _is_git_checkout() -> bool:
    done = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"], capture_output=True, check=False
    )
    return done.returncode == 0


def test_each_turn_runs_both_trees_either_going_first_in_turn() -> None:
    calls: list[tuple[str, int, Path]] = []
    times = iter([2.0, 1.0, 1.5, 4.0, 3.0, 1.2])

    def fake(case: str, n: int, root: Path) -> Measurement:
        calls.append((case, n, root))
        return Measurement(case, n, seconds=next(times))

    other, here = Path("/other"), Path("/here")
    [result] = in_turns(["S"], ["labecon"], 3, fake, other, here)
    assert [root for _, _, root in calls] == [other, here, here, other, other, here]
    assert {(case, n) for case, n, _ in calls} == {("labecon", SIZES["S"])}
    assert (result.theirs, result.ours) == ((2.0, 4.0, 3.0), (1.0, 1.5, 1.2))
    assert result.ratio == pytest.approx(1.2 / 3.0)  # the medians'
    [row] = turn_rows([result])
    assert row[3:] == ["2.000, 4.000, 3.000", "1.000, 1.500, 1.200", "0.400"]
    assert turn_headers("abc123")[3:] == ("abc123 s", "this tree s", "this tree / abc123")


def test_a_failed_child_ends_its_case_and_says_which_side_failed() -> None:
    def fake(case: str, n: int, root: Path) -> Measurement:
        if root == Path("/other"):
            return Measurement(case, n, note="failed (unknown case)")
        return Measurement(case, n, seconds=1.0)

    [result] = in_turns(["S"], ["route-choice"], 3, fake, Path("/other"), Path("/here"))
    assert result == Turns("S", "route-choice", SIZES["S"], (), (), "the other commit: failed (unknown case)")
    assert result.ratio is None
    assert turn_rows([result])[0][5] == "the other commit: failed (unknown case)"


@pytest.mark.skipif(not _is_git_checkout(), reason="needs the repository's git history")
def test_another_commit_is_exported_to_a_temporary_folder_and_removed_after() -> None:
    with exported("HEAD") as tree:
        assert (tree / "benchmarks" / "run.py").is_file()
        assert (tree / "src" / "labecon").is_dir()
        assert not (tree / ".git").exists()
    assert not tree.exists()


@pytest.mark.skipif(not _is_git_checkout(), reason="needs the repository's git history")
def test_this_tree_is_copied_beside_it_in_a_folder_named_alike() -> None:
    with copied() as here, exported("HEAD") as other:
        assert (here / "benchmarks" / "turns.py").read_bytes() == (
            REPO_ROOT / "benchmarks" / "turns.py"
        ).read_bytes()
        assert (here / "src" / "labecon" / "__init__.py").is_file()
        assert not (here / ".git").exists()
        assert len(str(here)) == len(str(other))  # the place alone moved a time by 15%
    assert not here.exists()


@pytest.mark.skipif(not _is_git_checkout(), reason="needs the repository's git history")
def test_a_revision_that_is_no_commit_is_named_in_the_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="'no-such-commit' is not a commit"), exported("no-such-commit"):
        pass
    assert main(["--sizes", "S", "--cases", "labecon", "--against", "no-such-commit"]) == 2
    assert "'no-such-commit' is not a commit" in capsys.readouterr().out
    with pytest.raises(SystemExit) as stopped:
        main(["--sizes", "S", "--cases", "labecon", "--against", "HEAD", "--turns", "0"])
    assert stopped.value.code == 2
    assert "--turns: must be at least 1" in capsys.readouterr().err
