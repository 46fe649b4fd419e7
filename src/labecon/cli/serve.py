"""``labecon serve``: the dashboard and the HTTP API, on loopback unless told otherwise."""

from __future__ import annotations

import warnings
from typing import Annotated

import typer

import labecon
from labecon.cli.rendering import console, fail


def serve(
    host: Annotated[str, typer.Option(help="Address to bind (0.0.0.0 serves other machines).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the dashboard and the HTTP API (docs at /docs) until Ctrl-C."""
    try:
        from labecon.web import require
        from labecon.web import serve as serve_web

        require("fastapi", "uvicorn")
        # Futures past the plausibility bounds are said in each run's view, not in the server's log
        # (the run workers do the same).
        warnings.simplefilter("ignore", labecon.PlausibilityWarning)
        console.print(f"labecon dashboard: [bold]http://{host}:{port}/[/]  (API docs: /docs; Ctrl-C stops)")
        _say_if_compiling()
        serve_web(host=host, port=port)
    except labecon.LabeconError as exc:
        raise fail(str(exc)) from None


def _say_if_compiling() -> None:
    """Say if the model compiles as the server starts (its first start on a machine): the first page waits."""
    from labecon.runtime.compiled import compiled_code_cached
    from labecon.web.app import LANDING

    if not compiled_code_cached(labecon.load_scenario(LANDING[0])):
        console.print(
            "[dim]The model compiles for this machine as the server starts (about twenty seconds, "
            "once): the first page waits for it.[/]",
            highlight=False,
            soft_wrap=True,
        )
