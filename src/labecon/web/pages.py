"""The dashboard page and its assets, Plotly.js included: served by the app, nothing from a CDN."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from labecon.web.errors import ApiError

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).parent / "static"
"""The dashboard's own files."""

_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css"}


@router.get("/")
def index() -> FileResponse:
    """Return the dashboard page."""
    return FileResponse(
        STATIC / "index.html", media_type=_TYPES[".html"], headers={"Cache-Control": "no-cache"}
    )


@router.get("/static/vendor/plotly.min.js")
def plotly_js() -> Response:
    """Return Plotly.js from the installed plotly package, so the dashboard works offline."""
    return Response(
        _plotly_js(), media_type=_TYPES[".js"], headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    """Return one of the dashboard's files, by name only (no directories: nothing else is reachable)."""
    files = {p.name: p for p in STATIC.iterdir() if p.suffix in _TYPES}
    if name not in files:
        raise ApiError(404, "name", f"no file {name!r}")
    return FileResponse(
        files[name], media_type=_TYPES[files[name].suffix], headers={"Cache-Control": "no-cache"}
    )


@functools.lru_cache(maxsize=1)
def _plotly_js() -> bytes:
    try:
        return (resources.files("plotly") / "package_data" / "plotly.min.js").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError):
        msg = "the charts need plotly: pip install 'labecon[web]'"
        raise ApiError(404, "plotly", msg) from None
