"""A worker that runs several blocks at once in threads sends back each block's own warnings."""

from __future__ import annotations

import threading
import warnings

import numpy as np
import pytest

from labecon.model.world import PlausibilityWarning, warn_beyond_bounds
from labecon.runtime.plan import Block
from labecon.runtime.work import BlockOutput, forwarding_warnings


def _warning_block(block: Block) -> BlockOutput:
    """Warn that every sample of ``block`` passed the revenue bound."""
    beyond = np.zeros((block.size, 1, 3))
    beyond[:, 0, 2] = 1.0
    warn_beyond_bounds(beyond, ["lab"], block.start)
    return BlockOutput(block, {}, {})


def test_blocks_in_threads_each_send_back_their_own_warnings() -> None:
    # Two blocks at once in one worker's threads, the second started while the first runs,
    # the first finished before the second warns. With warnings.catch_warnings the first's
    # warning went to the second's list and the second's to the process's own log.
    first_started, second_started, first_done = threading.Event(), threading.Event(), threading.Event()
    results: dict[str, BlockOutput] = {}

    def first_block(block: Block) -> BlockOutput:
        first_started.set()
        assert second_started.wait(30)
        return _warning_block(block)

    def second_block(block: Block) -> BlockOutput:
        second_started.set()
        assert first_done.wait(30)
        return _warning_block(block)

    def first() -> None:
        results["first"] = forwarding_warnings(first_block, Block(0, 3))  # type: ignore[assignment]
        first_done.set()

    def second() -> None:
        results["second"] = forwarding_warnings(second_block, Block(3, 8))  # type: ignore[assignment]

    one, two = threading.Thread(target=first), threading.Thread(target=second)
    with warnings.catch_warnings(record=True) as here:
        warnings.simplefilter("always")
        one.start()
        assert first_started.wait(30)
        two.start()
        one.join(30)
        two.join(30)
    assert [(w.start, w.count) for w in results["first"].warned] == [(0, 3)]  # type: ignore[attr-defined]
    assert [(w.start, w.count) for w in results["second"].warned] == [(3, 5)]  # type: ignore[attr-defined]
    assert here == [], "none given in the worker itself"


def test_outside_a_worker_the_warning_is_given() -> None:
    with pytest.warns(PlausibilityWarning, match="3 of 3 samples"):
        _warning_block(Block(0, 3))
