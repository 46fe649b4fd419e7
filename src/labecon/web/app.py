"""The FastAPI application: the HTTP API under ``/api``, the dashboard at ``/``.

Every error a request can cause answers with a JSON body
``{"detail": [{"field": ..., "message": ...}]}`` and a 4xx status, never a
traceback: 404 unknown scenario or run, 409 a run that cannot be cancelled,
413 a body or sample count over its limit, 415 an unknown content type, 422
malformed input (the field named, with the same message as the command line),
429 too many jobs or waiting runs, 503 a worker process that stopped.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

import labecon
from labecon.web.api import request_scenario
from labecon.web.api import router as api_router
from labecon.web.describe import describe_builtin
from labecon.web.errors import ApiError, error_body
from labecon.web.jobs import JobManager
from labecon.web.limits import BodyLimit
from labecon.web.pages import router as pages_router
from labecon.web.runner import ImmediateRunner, warm_up_model
from labecon.web.settings import WebSettings

_log = logging.getLogger(__name__)

LANDING = ("two-strategies", 1)
"""The scenario and seed the dashboard opens with (``state`` in ``static/dashboard.js``): its
preview is computed as the server starts, so that a first visitor's page is drawn at once."""


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """Return the web app (API and dashboard) with the given limits.

    Parameters
    ----------
    settings : WebSettings, optional
        Limits and defaults; default from ``LABECON_WEB_*`` environment variables.
    """
    conf = settings if settings is not None else WebSettings.from_env()
    store = labecon.RunStore(conf.store)
    jobs = JobManager(store, conf.max_jobs, in_processes=conf.run_workers > 0)
    runner = ImmediateRunner(conf.max_waiting_runs, conf.run_workers)
    warmed = threading.Event()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Load the model in the background, so the first job does not wait for it either.
        threading.Thread(target=_warm_up, args=(warmed,), name="labecon-warm-up", daemon=True).start()
        runner.start()
        landing = asyncio.create_task(_prefetch_landing(runner, conf))
        yield
        landing.cancel()
        jobs.cancel_all()
        runner.close()

    app = FastAPI(
        title="labecon",
        version=labecon.__version__,
        summary="Own or rent? Monte Carlo economics of frontier AI labs' compute.",
        description=(__doc__ or "").split("\n\n", 1)[1],
        lifespan=lifespan,
    )
    app.state.settings = conf
    app.state.store = store
    app.state.jobs = jobs
    app.state.runner = runner
    app.state.warmed = warmed  # set once the server process has loaded the model and described the built-ins
    app.include_router(api_router)
    app.include_router(pages_router)
    _add_error_handlers(app)

    @app.middleware("http")
    async def server_timing(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # The time the server spent on a request, for the dashboard's status line and benchmarks.
        start = time.perf_counter()
        response = await call_next(request)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - start) * 1000:.1f}"
        return response

    app.add_middleware(BodyLimit, max_bytes=conf.max_body_bytes)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        message = "no such page or API route" if exc.status_code == 404 else str(exc.detail)
        return JSONResponse(error_body("path", message), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(labecon.LabeconError)
    async def labecon_error(_: Request, exc: labecon.LabeconError) -> JSONResponse:
        return JSONResponse(labecon_error_body(exc), status_code=422)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        first: dict[str, Any] = exc.errors()[0]
        loc = [str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body")]
        return JSONResponse(
            error_body(".".join(loc) or "request", str(first.get("msg", ""))), status_code=422
        )

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> JSONResponse:
        # A bug: the server's log has the traceback, the client one plain line.
        _log.error("internal error", exc_info=exc)
        return JSONResponse(error_body("server", "internal error (the server's log has the details)"), 500)


async def _prefetch_landing(runner: ImmediateRunner, conf: WebSettings) -> None:
    """Compute the preview the dashboard opens with into the runner's cache (worker processes only).

    With runs in threads (``run_workers=0``, for tests and small machines) it would take the
    server's own core from its first requests, so it is left out.
    """
    if conf.run_workers == 0 or conf.preview_samples > conf.immediate_max_samples:
        return
    name, seed = LANDING
    try:
        await runner.started()  # its time then is the model's, as a later preview's
        await runner.run(request_scenario(name, {}), conf.preview_samples, seed)
    except Exception:  # only the first visitor waits longer
        _log.exception("computing the dashboard's first preview failed")


def _warm_up(warmed: threading.Event) -> None:
    try:
        warm_up_model()
        for name in labecon.list_scenarios():  # the dashboard's first page, without its pilot run
            describe_builtin(name)
    except Exception:
        _log.exception("warming up failed (the first run will be slower)")
    finally:
        warmed.set()


def labecon_error_body(exc: labecon.LabeconError) -> dict[str, Any]:
    """Return the error body of a labecon error: the field it names and its message."""
    field = getattr(exc, "path", "") or getattr(exc, "option", "") or "scenario"
    message = getattr(exc, "problem", "") or str(exc)
    return error_body(field, message)
