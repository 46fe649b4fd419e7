"""A test client of the web app over a fresh run store in a temporary directory."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install '.[web]'")

with warnings.catch_warnings():
    # Starlette's test client warns (once, on import) that it will move from httpx to a successor.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from labecon.web import create_app
from labecon.web.settings import WebSettings


def make_client(store: Path, **limits: Any) -> TestClient:
    # Runs in threads (run_workers=0): no worker processes to start for each test's app.
    settings = WebSettings(store=store, **{"immediate_max_samples": 5_000, "run_workers": 0, **limits})
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "store"
    monkeypatch.setenv("LABECON_STORE", str(root))
    return root


@pytest.fixture
def client(store: Path) -> TestClient:
    return make_client(store)


def assert_names_field(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """The response has this status and a body naming a field and the problem."""
    assert response.status_code == status, response.text
    detail = response.json()["detail"][0]
    assert detail["field"], detail
    assert detail["message"], detail
    if field is not None:
        assert detail["field"] == field, detail
    return dict(detail)


def assert_answered(response: Any, statuses: tuple[int, ...]) -> None:
    """The response has one of these statuses (never a 500); an error's body names a field and the problem."""
    assert response.status_code in statuses, response.text
    if response.status_code != 200:
        detail = response.json()["detail"][0]
        assert detail["field"]
        assert detail["message"]


JUNK = st.none() | st.booleans() | st.integers(-5, 500) | st.text(max_size=20)
"""Values of the wrong kind, or out of range, for any field of a body."""


def run_bodies(override_paths: list[str]) -> st.SearchStrategy[Any]:
    """Return bodies like ``POST /api/runs``'s, some malformed; overrides on these paths."""
    overrides = st.dictionaries(st.sampled_from([*override_paths, "x.y", ""]), JUNK, max_size=2)
    fields = {
        "scenario": st.sampled_from(["route-choice", "b1", "nope", "name: x", ""]) | JUNK,
        "overrides": overrides | JUNK,
        "n_samples": st.integers(-5, 300) | JUNK,
        "seed": st.integers(-5, 2**64) | JUNK,
    }
    return st.fixed_dictionaries({}, optional=fields) | JUNK


def post_raw(client: Any, path: str, body: Any) -> Any:
    """POST ``body`` as JSON text, whatever it is (the client would refuse some values itself)."""
    return client.post(path, content=json.dumps(body), headers={"content-type": "application/json"})


def answer_of(result: Any) -> Any:
    """Return what a check's endpoint answers for ``result``: its dict and ``table`` (its CSV rows)."""
    return json.loads(json.dumps({**result.to_dict(), "table": result.rows()}))
