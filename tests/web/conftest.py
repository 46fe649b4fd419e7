"""A test client of the web app over a fresh run store in a temporary directory."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

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
