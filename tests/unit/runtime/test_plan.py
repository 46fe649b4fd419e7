"""Task plans for workers that fold their own samples: whole groups, every sample once, even rounds."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from labecon.runtime.plan import MAX_GROUPS_PER_TASK, plan_tasks
from labecon.runtime.reducers import GROUP


@given(
    n=st.integers(min_value=1, max_value=400 * GROUP),
    start_frac=st.floats(min_value=0.0, max_value=0.99),
    chunk=st.integers(min_value=1, max_value=3 * GROUP),
    workers=st.integers(min_value=1, max_value=9),
)
def test_tasks_cover_every_sample_once_and_start_on_groups(
    n: int, start_frac: float, chunk: int, workers: int
) -> None:
    start = int(n * start_frac)
    tasks = plan_tasks(n, start, chunk, workers)
    assert tasks[0].start == start
    assert tasks[-1].stop == n
    for a, b in itertools.pairwise(tasks):
        assert a.stop == b.start
    aligned = [t for t in tasks if t.start % GROUP == 0]
    head = [t for t in tasks if t.start % GROUP]
    # Only the samples before the first group boundary come as plain blocks, of chunk size at most.
    assert all(t.stop <= aligned[0].start for t in head) if aligned else True
    assert all(t.size <= chunk for t in head)
    assert all(t.size <= MAX_GROUPS_PER_TASK * GROUP for t in aligned)


def test_large_runs_split_into_whole_rounds_of_tasks() -> None:
    for workers in (1, 2, 3):
        tasks = plan_tasks(10**8, 0, 65_536, workers)
        assert len(tasks) % workers == 0
        assert len(tasks) >= 4 * workers
    two = plan_tasks(3 * 10**7, 0, 65_536, 2)
    assert len(two) == 8  # 4 rounds of 2, not 9 tasks leaving one worker a fifth
