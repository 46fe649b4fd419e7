"""The web: an HTTP API and an interactive dashboard, over the public API (``pip install 'labecon[web]'``).

FastAPI and Uvicorn are an optional extra: importing this package needs
neither; :func:`create_app` and :func:`serve` say how to install them when
they are missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labecon.errors import OptionalDependencyError

if TYPE_CHECKING:
    from fastapi import FastAPI

    from labecon.web.settings import WebSettings

INSTALL_HINT = "the web app needs FastAPI and Uvicorn: pip install 'labecon[web]'"


def require(*modules: str) -> None:
    """Raise :class:`OptionalDependencyError` with the install hint if a module is missing."""
    import importlib.util

    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        msg = f"{INSTALL_HINT} (missing: {', '.join(missing)})"
        raise OptionalDependencyError(msg)


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """Return the web app; see :func:`labecon.web.app.create_app`.

    Raises
    ------
    OptionalDependencyError
        FastAPI is not installed.
    """
    require("fastapi")
    from labecon.web.app import create_app as make

    return make(settings)


def serve(
    host: str = "127.0.0.1", port: int = 8000, settings: WebSettings | None = None, **uvicorn: Any
) -> None:
    """Serve the API and the dashboard with Uvicorn until interrupted (binds 127.0.0.1 by default).

    Raises
    ------
    OptionalDependencyError
        FastAPI or Uvicorn is not installed.
    """
    require("fastapi", "uvicorn")
    import uvicorn as server

    server.run(create_app(settings), host=host, port=port, **uvicorn)


__all__ = ["INSTALL_HINT", "create_app", "require", "serve"]
