"""A local Dask cluster starts whatever ports other programs hold."""

from __future__ import annotations

import importlib.util
import socket
from collections.abc import Iterator

import pytest

from labecon.runtime.backends.dask import DaskBackend

pytestmark = [
    pytest.mark.dask,
    pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="needs labecon[dask]"),
]


@pytest.fixture
def port_8787_taken() -> Iterator[None]:
    """Hold Dask's usual dashboard port, as a user's own cluster or notebook would."""
    with socket.socket() as held:
        try:
            held.bind(("", 8787))
        except OSError:
            yield  # something else holds it already: the same situation
            return
        held.listen()
        yield


def test_a_local_cluster_starts_when_port_8787_is_taken(port_8787_taken: None) -> None:
    backend = DaskBackend(n_workers=1)
    try:
        backend.client.wait_for_workers(1, timeout=60)
    finally:
        backend.close()
