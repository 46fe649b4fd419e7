"""Measure this tree against an earlier commit in turns: ``python -m benchmarks --against REV``.

A shared machine's speed drifts by 10-20% within an hour, more than most changes
gain, so two measurements taken an hour apart compare nothing. Here every turn runs
one child of the other commit and one of this tree, for each size and case, either
side first in turn; the table gives each side's times and the ratio of their medians
(a median, as a side's first child may pay once for files not yet in the cache).

The other commit's files are exported (``git archive``) into a temporary directory,
and this tree's files (committed or not, as ``git ls-files`` lists them) are copied
into another whose name is as long; the repository itself is not touched. The sides
run from alike places because the place alone moved a time by 15%: this tree timed
against its own commit, its children run from the repository and the commit's from
a temporary directory, took 0.84 and 1.18 times as long on route-choice in a new
process and in one that had run it. Each side's children run its own ``benchmarks``
and ``src``, so a case must exist at that commit too (else its cells give the error).
"""

from __future__ import annotations

import io
import shutil
import statistics
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.run import CASE_LABELS, REPO_ROOT, SIZES, Measurement

TURN_HEADERS = ("size", "N", "implementation", "{rev} s", "this tree s", "this tree / {rev}")
"""Columns of the table; ``{rev}`` is the commit measured against."""


@dataclass(frozen=True)
class Turns:
    """One case at one size, measured in turns: the other commit's times and this tree's, s."""

    size: str
    case: str
    n: int
    theirs: tuple[float, ...]
    ours: tuple[float, ...]
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """Return the median time of this tree over the other commit's (below 1: this tree is faster)."""
        if not self.theirs or not self.ours:
            return None
        return statistics.median(self.ours) / statistics.median(self.theirs)


_PREFIX = "labecon-turn-"
"""Both sides' temporary directories: names of the same length (``mkdtemp`` adds 8 characters)."""


@contextmanager
def copied(repo: Path = REPO_ROOT) -> Iterator[Path]:
    """Copy this tree's files (tracked, and untracked but not ignored) into a temporary directory.

    Raises
    ------
    ValueError
        If ``repo`` is not a git checkout.
    """
    done = subprocess.run(  # fixed program and arguments
        ["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        msg = "--against: this tree is not a git checkout (git ls-files failed)"
        raise ValueError(msg)
    with tempfile.TemporaryDirectory(prefix=_PREFIX) as tmp:
        for name in filter(None, done.stdout.decode().split("\0")):
            source, target = repo / name, Path(tmp) / name
            if source.is_file():  # a file deleted but not yet committed is listed, not there
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        yield Path(tmp)


@contextmanager
def exported(rev: str, repo: Path = REPO_ROOT) -> Iterator[Path]:
    """Export commit ``rev`` of ``repo`` into a temporary directory; yield it, remove it after.

    Raises
    ------
    ValueError
        If ``rev`` names no commit of ``repo`` (or ``repo`` is not a git checkout).
    """
    done = subprocess.run(  # fixed program, the revision as one argument
        ["git", "-C", str(repo), "archive", "--format=tar", rev],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        why = done.stderr.decode(errors="replace").strip().splitlines()
        msg = f"--against: {rev!r} is not a commit of this repository ({why[-1] if why else 'git failed'})"
        raise ValueError(msg)
    with tempfile.TemporaryDirectory(prefix=_PREFIX) as tmp:
        with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
            if hasattr(tarfile, "data_filter"):  # Python 3.11.4 on: only plain files and folders
                archive.extractall(tmp, filter="data")
            else:  # the repository's own commit
                archive.extractall(tmp)
        yield Path(tmp)


def in_turns(
    sizes: Sequence[str],
    cases: Sequence[str],
    turns: int,
    measure: Callable[[str, int, Path], Measurement],
    other: Path,
    here: Path,
    progress: Callable[[str], None] | None = None,
) -> list[Turns]:
    """Measure each case at each size ``turns`` times, each tree once a turn, the first in turn.

    The other tree goes first in even turns and this one in odd turns, so that going first or
    second favours neither. ``measure(case, n, root)`` runs one child in the tree at ``root``. A
    failed child ends that case's turns; its note is kept.
    """
    out = []
    for size in sizes:
        n = SIZES[size]
        for case in cases:
            theirs: list[float] = []
            ours: list[float] = []
            note = ""
            for turn in range(max(1, turns)):
                if progress is not None:
                    progress(f"{size} N={n:,} {CASE_LABELS[case]}, turn {turn + 1} of {turns}")
                sides = [(other, theirs, "the other commit"), (here, ours, "this tree")]
                for root, times, side in sides if turn % 2 == 0 else sides[::-1]:  # either goes first
                    m = measure(case, n, root)
                    if m.seconds is None:
                        note = f"{side}: {m.note}"
                        break
                    times.append(m.seconds)
                if note:
                    break
            out.append(Turns(size, case, n, tuple(theirs), tuple(ours), note))
    return out


def turn_rows(results: Sequence[Turns]) -> list[list[str]]:
    """Format measurements in turns as table rows: each side's times in turn order, the ratio."""
    rows = []
    for r in results:
        ratio = r.ratio
        rows.append(
            [
                r.size,
                f"{r.n:,}",
                CASE_LABELS[r.case],
                ", ".join(f"{s:.3f}" for s in r.theirs),
                ", ".join(f"{s:.3f}" for s in r.ours),
                r.note if ratio is None else f"{ratio:.3f}" + (f" ({r.note})" if r.note else ""),
            ]
        )
    return rows


def turn_headers(rev: str) -> tuple[str, ...]:
    """Return the table's column names for commit ``rev``."""
    return tuple(h.format(rev=rev) for h in TURN_HEADERS)
