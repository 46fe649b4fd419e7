"""A run keeps the memory it frees for its next part, and gives it back when it ends (glibc)."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

GLIBC = sys.platform == "linux" and platform.libc_ver()[0] == "glibc"

# In a process of its own: it changes how that process's C library hands out memory. Two bursts
# of 48 MB arrays (above glibc's largest dynamic mmap threshold, so mapped afresh by default),
# the second after the first is freed: its page faults say whether it reused the first's memory.
_BURSTS = """
import resource
import numpy as np
from labecon.runtime.memory import freed_memory_kept

def burst():
    return sum(float(np.ones(6_000_000)[-1]) for _ in range(4))

def faults(f):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    f()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

np._core.multiarray._set_madvise_hugepage(False)  # count small pages: one fault per 4 KiB
with freed_memory_kept():
    burst()
    inside = faults(burst)
after = faults(burst)
print(inside, after)
"""


@pytest.mark.skipif(not GLIBC, reason="a glibc setting; other C libraries keep their own")
def test_a_run_reuses_what_it_frees_and_gives_it_back_when_it_ends() -> None:
    done = subprocess.run([sys.executable, "-c", _BURSTS], capture_output=True, text=True, check=True)
    inside, after = (int(x) for x in done.stdout.split())
    assert inside < 1_000  # reused: the 48 MB arrays came from memory already mapped
    assert after > 10_000  # given back: the same burst maps (and faults in) its pages again


def test_without_glibc_the_context_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from labecon.runtime import memory

    monkeypatch.setattr(memory, "_glibc", lambda: None)
    with memory.freed_memory_kept():
        pass
    assert memory.keep_freed_memory() is False
