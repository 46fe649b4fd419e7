"""The web benchmark in turns with an earlier commit: ``python -m benchmarks.web --against REV``.

As ``python -m benchmarks --against`` (:mod:`benchmarks.turns`): each turn runs the
whole web benchmark once in a copy of each tree, either side first in turn, and the
table gives each measurement's p50 per turn on each side and the ratio of their
medians. A child's figures are read from the Markdown table it prints, which every
commit since the web app has printed, so any of them can be the other side. Options
given here (``--concurrent``, ``--no-browser``) go to both sides' children; one the
other commit does not know (``--concurrent 0`` before this module) fails its child,
and the command says so and stops.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.web import HEADER

WEB_TURN_HEADERS = (HEADER, "{rev} p50 s", "this tree p50 s", "this tree / {rev}")
"""Columns of the table; ``{rev}`` is the commit measured against."""


def markdown_p50s(text: str) -> dict[str, float]:
    """Return each measurement's p50 (s) from the Markdown table of ``python -m benchmarks.web``."""
    out: dict[str, float] = {}
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 6:
            continue
        try:
            out[cells[0]] = float(cells[2])
        except ValueError:  # the header and the alignment row
            continue
    return out


def web_child(root: Path, options: Sequence[str]) -> tuple[dict[str, float], str]:
    """Run the web benchmark of the tree at ``root``; return its p50s, or ({}, why it failed)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root)])}
    done = subprocess.run(  # this interpreter, a fixed module, the caller's options
        [sys.executable, "-m", "benchmarks.web", "--markdown", *options],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    p50s = markdown_p50s(done.stdout) if done.returncode == 0 else {}
    if not p50s:
        lines = (done.stderr or done.stdout).strip().splitlines()
        return {}, f"exit status {done.returncode}: {lines[-1] if lines else 'no table printed'}"
    return p50s, ""


@dataclass
class WebTurns:
    """Each measurement's p50 in every turn, on each side, s; ``note`` says why the turns stopped."""

    theirs: dict[str, list[float]] = field(default_factory=dict)
    ours: dict[str, list[float]] = field(default_factory=dict)
    note: str = ""


def web_in_turns(
    turns: int,
    measure: Callable[[Path], tuple[dict[str, float], str]],
    other: Path,
    here: Path,
    progress: Callable[[str], None] | None = None,
) -> WebTurns:
    """Measure both trees ``turns`` times, the other one first in even turns; stop at a failure."""
    out = WebTurns()
    for turn in range(max(1, turns)):
        sides = [(other, out.theirs, "the other commit"), (here, out.ours, "this tree")]
        for root, kept, side in sides if turn % 2 == 0 else sides[::-1]:
            if progress is not None:
                progress(f"{side}, turn {turn + 1} of {turns}")
            p50s, why = measure(root)
            if why:
                out.note = f"{side}: {why}"
                return out
            for label, value in p50s.items():
                kept.setdefault(label, []).append(value)
    return out


def web_turn_rows(result: WebTurns) -> list[list[str]]:
    """Return the table's rows: each measurement both sides gave, p50s in turn order, ratio of medians."""
    rows = []
    for label, ours in result.ours.items():
        theirs = result.theirs.get(label)
        if not theirs:
            continue
        ratio = statistics.median(ours) / statistics.median(theirs) if statistics.median(theirs) else None
        rows.append(
            [
                label,
                ", ".join(f"{t:.3f}" for t in theirs),
                ", ".join(f"{t:.3f}" for t in ours),
                f"{ratio:.3f}" if ratio is not None else "-",
            ]
        )
    return rows
