"""The HTTP API: scenarios, runs (immediate or as jobs), the run store and exports."""

from __future__ import annotations

import functools
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

import labecon
from labecon.analysis.breakeven import check_breakeven
from labecon.analysis.breakeven_map import check_by
from labecon.analysis.conventions import with_routes
from labecon.analysis.deals import with_deals
from labecon.analysis.switching import check_switch
from labecon.scenario.loader import load_quietly
from labecon.scenario.schema import WorldScenario
from labecon.scenario.yaml_text import load_yaml
from labecon.web.bodies import (
    BreakevenRequest,
    DriversRequest,
    RunRequest,
    ScenarioRequest,
    SwitchRequest,
    parse_body,
    scenario_fields,
)
from labecon.web.describe import describe_builtin, describe_scenario, list_builtins
from labecon.web.errors import ApiError
from labecon.web.jobs import JobManager
from labecon.web.runner import ImmediateRunner
from labecon.web.settings import WebSettings
from labecon.web.view import results_view

router = APIRouter(prefix="/api")

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown scenario or run."},
    413: {"description": "The body or the sample count is over its limit."},
    422: {"description": "Malformed input: the body names the field and the problem."},
    429: {"description": "Too many jobs running or runs waiting."},
}


def _body_doc(model: type[Any]) -> dict[str, Any]:
    """OpenAPI request body: JSON as ``model``, or the scenario as raw YAML."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": model.model_json_schema()},
                "application/x-yaml": {
                    "schema": {"type": "string", "description": "The scenario as YAML text."}
                },
            },
        }
    }


def _settings(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def _jobs(request: Request) -> JobManager:
    jobs: JobManager = request.app.state.jobs
    return jobs


@router.get("/config", summary="The dashboard's defaults and the server's limits")
def get_config(request: Request) -> dict[str, Any]:
    """Return the sample counts of the preview and the full run, and each limit."""
    s = _settings(request)
    return {
        "version": labecon.__version__,
        "preview_samples": s.preview_samples,
        "full_run_samples": s.full_run_samples,
        "immediate_max_samples": s.immediate_max_samples,
        "max_samples": s.max_samples,
        "max_jobs": s.max_jobs,
        "max_body_bytes": s.max_body_bytes,
    }


@router.get("/scenarios", summary="The built-in scenarios")
def get_scenarios() -> list[dict[str, Any]]:
    """Return each built-in scenario's name, kind (world or compute) and description."""
    return list_builtins()


@router.get("/scenarios/{name}", summary="One built-in scenario", responses={404: ERRORS[404]})
def get_scenario(name: str) -> dict[str, Any]:
    """Return a built-in scenario: YAML, inputs with distributions, numbers with units and sources."""
    if name not in labecon.list_scenarios():
        known = ", ".join(labecon.list_scenarios())
        raise ApiError(404, "name", f"no built-in scenario named {name!r} (built-ins: {known})")
    return describe_builtin(name)


@router.post(
    "/scenarios/describe",
    summary="Check a scenario and describe it",
    openapi_extra=_body_doc(ScenarioRequest),
    responses={413: ERRORS[413], 422: ERRORS[422]},
)
async def describe(request: Request) -> dict[str, Any]:
    """Validate a scenario (a built-in's name, YAML text or a JSON object, with overrides) and describe it."""
    body = await request.body()
    req = parse_body(body, request.headers.get("content-type", ""), ScenarioRequest, request.query_params)
    # In a thread: the pilot run that ranks the inputs would hold up every other request.
    builtin = _builtin_as_is(req)
    if builtin is not None:
        return await run_in_threadpool(describe_builtin, builtin)
    return await run_in_threadpool(describe_scenario, request_scenario(req.scenario, req.overrides))


@router.post(
    "/scenarios/yaml",
    summary="A scenario's YAML, overrides applied",
    openapi_extra=_body_doc(ScenarioRequest),
    response_class=Response,
    responses={
        200: {"description": "The scenario as YAML.", "content": {"application/x-yaml": {}}},
        413: ERRORS[413],
        422: ERRORS[422],
    },
)
async def scenario_yaml(request: Request) -> Response:
    """Validate a scenario (as for ``/scenarios/describe``) and return it as YAML, without describing it.

    A built-in without overrides keeps its comments, which give each number's source.
    """
    body = await request.body()
    req = parse_body(body, request.headers.get("content-type", ""), ScenarioRequest, request.query_params)
    builtin = _builtin_as_is(req)
    if builtin is not None:
        text = labecon.scenario_text(builtin)
    else:
        text = labecon.dump_scenario(request_scenario(req.scenario, req.overrides))
    return Response(text, media_type="application/x-yaml")


@router.post(
    "/runs",
    summary="Run a scenario",
    openapi_extra=_body_doc(RunRequest),
    responses={
        200: {"description": "A small run's results, computed at once (not recorded)."},
        202: {"description": "A large run started as a job: poll GET /api/runs/{id}."},
        413: ERRORS[413],
        422: ERRORS[422],
        429: ERRORS[429],
    },
)
async def post_run(request: Request) -> JSONResponse:
    """Run a scenario by Monte Carlo.

    Up to ``immediate_max_samples`` samples (see ``GET /api/config``) the
    results come back at once; a larger run starts a job recorded in the run
    store, answered with ``202`` and its id. A raw YAML body
    (``application/x-yaml``) is the scenario; ``n_samples`` and ``seed`` then
    go in the query string.
    """
    settings = _settings(request)
    body = await request.body()
    req = parse_body(body, request.headers.get("content-type", ""), RunRequest, request.query_params)
    scenario = request_scenario(req.scenario, req.overrides)
    n = req.n_samples if req.n_samples is not None else scenario.run.n_samples
    seed = req.seed if req.seed is not None else scenario.run.seed
    if n > settings.max_samples:
        msg = f"{n:,} samples is over this server's limit of {settings.max_samples:,}"
        raise ApiError(413, "n_samples", msg)
    if n <= settings.immediate_max_samples:
        runner: ImmediateRunner = request.app.state.runner
        return JSONResponse(await runner.run(scenario, n, seed))
    job = _jobs(request).start(scenario, n, seed)
    return JSONResponse(job.state(), status_code=202, headers={"Location": f"/api/runs/{job.id}"})


@router.post(
    "/conventions",
    summary="The route answer under the model's conventions switched",
    openapi_extra=_body_doc(RunRequest),
    responses={413: ERRORS[413], 422: ERRORS[422], 429: ERRORS[429]},
)
async def post_conventions(request: Request) -> JSONResponse:
    """Rerun a scenario with routes under each of the model's conventions switched, and together.

    As ``labecon conventions``: each lab's routes by P(best), with standard errors, for the
    scenario as declared, with compute priced at signing, chips for free space ordered a
    quarter ahead, free space reused at a new facility's cost, owned and then leased halls
    refilled the other way, each other terminal value, and the settings against owning
    together, all on the same futures. ``n_samples`` (each variant's; default the dashboard's
    preview size) is at most ``immediate_max_samples``.
    """
    req, scenario = await _routed_request(request, RunRequest)
    n, seed = _check_size(request, req, scenario, "samples per variant")
    runner: ImmediateRunner = request.app.state.runner
    return JSONResponse(await runner.run(scenario, n, seed, answer="conventions"))


@router.post(
    "/deals",
    summary="What each strategic deal is worth to its lab and to its partner",
    openapi_extra=_body_doc(RunRequest),
    responses={413: ERRORS[413], 422: ERRORS[422], 429: ERRORS[429]},
)
async def post_deals(request: Request) -> JSONResponse:
    """Run a scenario as declared and once without each deal, on the same futures.

    As ``labecon deals``: per deal, the lab's NPV of free cash flow with it less without it
    (``lab_gain_usd``), the partner's NPV of the deal (``partner_npv_usd``), each rival lab's
    NPV with it less without it (``other_labs_gain_usd``), each a summary (mean, percentiles,
    P(> 0), with standard errors), the share of futures where both sides gain (``both_gain``)
    and ``summary`` in words. Every lab takes its declared route. ``n_samples`` (each run's;
    default the dashboard's preview size) is at most ``immediate_max_samples``; ``422`` naming
    ``scenario`` or ``clouds`` for a scenario without deals.
    """
    req, scenario = await _routed_request(request, RunRequest, with_deals)
    n, seed = _check_size(request, req, scenario, "samples per run")
    runner: ImmediateRunner = request.app.state.runner
    return JSONResponse(await runner.run(scenario, n, seed, answer="deals"))


_Body = TypeVar("_Body", bound=RunRequest)


async def _routed_request(
    request: Request, model: type[_Body], check: Callable[[labecon.Scenario], WorldScenario] = with_routes
) -> tuple[_Body, WorldScenario]:
    """Return a check's body and its scenario; ``422`` naming the field when it lacks what it needs.

    Routes by default; ``check`` (``with_deals``) for another need.
    """
    body = await request.body()
    req = parse_body(body, request.headers.get("content-type", ""), model, request.query_params)
    return req, check(request_scenario(req.scenario, req.overrides))


def _check_size(request: Request, req: RunRequest, scenario: labecon.Scenario, what: str) -> tuple[int, int]:
    """Return the samples (default the preview's) and seed of a check; ``413`` over the server's limit."""
    settings = _settings(request)
    n = req.n_samples if req.n_samples is not None else settings.preview_samples
    if n > settings.immediate_max_samples:
        msg = f"{n:,} {what} is over this server's limit of {settings.immediate_max_samples:,}"
        raise ApiError(413, "n_samples", msg)
    return n, req.seed if req.seed is not None else scenario.run.seed


@router.post(
    "/drivers",
    summary="What moves each route answer: every alternative route's gain, each input swept alone",
    openapi_extra=_body_doc(DriversRequest),
    responses={422: ERRORS[422], 429: ERRORS[429]},
)
async def post_drivers(request: Request) -> JSONResponse:
    """Sweep each uncertain input alone from its 5th to its 95th percentile, the others at medians.

    As ``labecon.route_drivers``: for each lab that names routes, the gain in NPV (USD) of each
    alternative route over its declared one at every input's median (``base``) and with each
    input alone at its 5th and 95th percentiles (``low``, ``high``, inputs ranked by their
    largest swing), each point's gain its mean over the same 64 futures (the risk events and
    funding rounds of the first 64 samples). The inputs the scenario correlates with the one
    swept move with it, to their medians given it, unless ``correlated`` is false
    (``moved_with`` names them). One run (two-strategies: 64 points over 64 futures, about a
    second); ``n_samples`` does not apply.
    """
    req, scenario = await _routed_request(request, DriversRequest)
    seed = req.seed if req.seed is not None else scenario.run.seed
    runner: ImmediateRunner = request.app.state.runner
    options = {"correlated": req.correlated}
    return JSONResponse(await runner.run(scenario, 0, seed, answer="drivers", options=options))


@router.post(
    "/switch",
    summary="When a lab should switch from its declared route to another, date by date",
    openapi_extra=_body_doc(SwitchRequest),
    responses={413: ERRORS[413], 422: ERRORS[422], 429: ERRORS[429]},
)
async def post_switch(request: Request) -> JSONResponse:
    """Run each date a lab could switch from its declared route to route ``to`` as a route of its own.

    As ``labecon switch``: the start, then every ``every_quarters`` quarters, all on the same
    futures; each date's mean gain in NPV over keeping the declared route (USD, with its standard
    error), the share of futures in which it beats it, and in how many futures each date (or
    ``never``) is the best; ``summary`` says the answer in a sentence. ``n_samples`` (default
    the dashboard's preview size) is at most ``immediate_max_samples``.
    """
    req, scenario = await _routed_request(request, SwitchRequest)
    check_switch(scenario, req.lab, req.to, req.every_quarters)  # 422 now, naming the option
    n, seed = _check_size(request, req, scenario, "samples")
    runner: ImmediateRunner = request.app.state.runner
    options = {"lab": req.lab, "to": req.to, "every_quarters": req.every_quarters}
    return JSONResponse(await runner.run(scenario, n, seed, answer="switch", options=options))


@router.post(
    "/breakeven",
    summary="Where an input turns a route answer: the route's gain by the input's value",
    openapi_extra=_body_doc(BreakevenRequest),
    responses={413: ERRORS[413], 422: ERRORS[422], 429: ERRORS[429]},
)
async def post_breakeven(request: Request) -> JSONResponse:
    """Set one uncertain input to each of a grid of values in every one of the same futures.

    As ``labecon breakeven``: for the alternative route ``route`` (``lab:route``), each value's
    mean gain in NPV over the lab's declared route (USD, with its standard error) and the share
    of futures the route wins; ``breakeven`` holds where the mean gain crosses zero and
    ``summary`` says it in a sentence. ``param`` (a dotted path) and ``param_range`` sweep a
    number of the scenario instead of an input. With ``by`` (a second input) or ``by_param`` and
    ``by_param_range``, the answer is :func:`labecon.breakeven_map`'s: every pair of values, and
    the break-even of the first at each of ``by_points`` values of the second. The values
    (``points``, times ``by_points`` for a map) times ``futures``, plus ``futures`` for the
    inputs as drawn, are at most ``immediate_max_samples``; ``n_samples`` does not apply.
    """
    req, scenario = await _routed_request(request, BreakevenRequest)
    check_breakeven(  # 422 now, naming the option
        scenario,
        req.route,
        req.input_name,
        req.points,
        req.futures,
        param=req.param,
        param_range=req.param_range,
    )
    mapped = req.by is not None or req.by_param is not None
    if mapped:
        check_by(scenario, req.input_name, req.param, req.by, req.by_param, req.by_param_range, req.by_points)
    cells = req.points * (req.by_points if mapped else 1) + 1
    limit = _settings(request).immediate_max_samples
    if cells * req.futures > limit:
        msg = f"{cells} x {req.futures:,} samples is over this server's limit of {limit:,}"
        raise ApiError(413, "futures", msg)
    seed = req.seed if req.seed is not None else scenario.run.seed
    runner: ImmediateRunner = request.app.state.runner
    options = {
        "route": req.route,
        "input_name": req.input_name,
        "param": req.param,
        "param_range": req.param_range,
        "points": req.points,
        "futures": req.futures,
        "correlated": req.correlated,
    }
    if mapped:
        by = {"by": req.by, "by_param": req.by_param, "by_param_range": req.by_param_range}
        options |= {**by, "by_points": req.by_points}
    return JSONResponse(await runner.run(scenario, 0, seed, answer="breakeven", options=options))


@router.get("/runs", summary="The runs in the run store")
def get_runs(request: Request) -> list[dict[str, Any]]:
    """Return every recorded run, oldest first: id, scenario, samples, seed, status, times."""
    frame = request.app.state.store.list_runs()
    columns = [c for c in frame.columns if c != "out_dir"]  # a server path is not the client's business
    rows = frame.loc[:, columns].astype(object).where(frame.loc[:, columns].notna(), None)
    out: list[dict[str, Any]] = labecon.Results.json_ready(
        [
            {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
            for row in rows.to_dict("records")
        ]
    )
    return out


@router.get("/runs/{run_id}", summary="A job's progress, then its results", responses={404: ERRORS[404]})
def get_run(run_id: str, request: Request) -> dict[str, Any]:
    """Return a run's status and progress (0 to 1); once done, its results."""
    job = _jobs(request).get(run_id)
    if job is not None:
        return job.state()
    store: labecon.RunStore = request.app.state.store
    manifest = _manifest(store, run_id)
    state: dict[str, Any] = {
        "id": run_id,
        "status": manifest["status"],
        "n_samples": manifest.get("n_samples"),
        "progress": 1.0 if manifest["status"] == "done" else None,
    }
    if manifest["status"] == "done":
        state["samples_done"] = manifest.get("n_samples")
        state["results"] = _stored_view(store, run_id)
    return state


@router.delete(
    "/runs/{run_id}",
    summary="Cancel a job in progress",
    responses={404: ERRORS[404], 409: {"description": "The run is not in progress."}},
)
def delete_run(run_id: str, request: Request) -> dict[str, Any]:
    """Stop a job that is still running; it is kept in the run store as ``interrupted``."""
    job = _jobs(request).get(run_id)
    if job is None:
        _manifest(request.app.state.store, run_id)
        raise ApiError(409, "run_id", f"run {run_id!r} is not in progress on this server")
    if job.status != "running":
        raise ApiError(409, "run_id", f"run {run_id!r} is not in progress: it is {job.status}")
    _jobs(request).cancel(run_id)
    return {"id": run_id, "status": "cancelling"}


@router.get(
    "/runs/{run_id}/export",
    summary="Download a finished run's results",
    responses={404: ERRORS[404], 409: {"description": "The run has not finished."}, 422: ERRORS[422]},
)
def export_run(
    run_id: str,
    request: Request,
    format: Literal["parquet", "csv", "netcdf"] = Query(
        "parquet", description="parquet or csv (one row per sample), netcdf (the whole dataset)"
    ),
) -> FileResponse:
    """Return a finished run's results as one file: Parquet, CSV or NetCDF."""
    store: labecon.RunStore = request.app.state.store
    _finished(store, run_id)
    suffix = {"parquet": ".parquet", "csv": ".csv", "netcdf": ".nc"}[format]
    return _sent_then_removed(
        store, "export-", f"{run_id}{suffix}", lambda target: store.export(run_id, format, target), "format"
    )


@router.get(
    "/runs/{run_id}/report",
    summary="A finished run's report: one self-contained HTML page",
    responses={404: ERRORS[404], 409: {"description": "The run has not finished."}},
)
def run_report(run_id: str, request: Request) -> FileResponse:
    """Return a finished run's report (``labecon report``): its answers, charts and sources, offline."""
    store: labecon.RunStore = request.app.state.store
    _finished(store, run_id)
    folder = store.results_dir(run_id)  # left as it was: the report is written beside the store's exports
    return _sent_then_removed(
        store,
        "report-",
        f"{run_id}-report.html",
        lambda target: labecon.write_report(folder, target),
        "run_id",
        media_type="text/html; charset=utf-8",
    )


def _finished(store: labecon.RunStore, run_id: str) -> None:
    """Refuse a run that is not in the store (``404``) or has not finished (``409``)."""
    manifest = _manifest(store, run_id)
    if manifest["status"] != "done":
        raise ApiError(409, "run_id", f"run {run_id!r} has no results yet: it is {manifest['status']}")


def _sent_then_removed(
    store: labecon.RunStore,
    prefix: str,
    name: str,
    write: Callable[[Path], Path],
    field: str,
    media_type: str | None = None,
) -> FileResponse:
    """Write a file with ``write`` inside the run store (nowhere else on the server), send it, remove it.

    A :class:`labecon.LabeconError` while writing is a ``422`` naming ``field``.
    """
    exports = store.root / ".exports"
    exports.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=prefix, dir=exports))
    try:
        target = write(scratch / name)
    except labecon.LabeconError as exc:
        shutil.rmtree(scratch, ignore_errors=True)
        raise ApiError(422, field, _scrub(str(exc), store)) from None
    return FileResponse(
        target,
        media_type=media_type,
        filename=target.name,
        background=BackgroundTask(shutil.rmtree, scratch, ignore_errors=True),
    )


def _builtin_as_is(req: ScenarioRequest) -> str | None:
    """Return the name of the built-in a request asks for without overrides, else None."""
    if isinstance(req.scenario, str) and req.scenario in labecon.list_scenarios() and not req.overrides:
        return req.scenario
    return None


def request_scenario(source: str | dict[str, Any], overrides: dict[str, Any]) -> labecon.Scenario:
    """Validate a scenario from a request: never a path on the server, overrides before validation."""
    fields = scenario_fields(source)
    return load_quietly(labecon.apply_overrides(fields, overrides) if overrides else fields)


def _manifest(store: labecon.RunStore, run_id: str) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = store.get_manifest(run_id)
    except labecon.StoreError:
        raise ApiError(404, "run_id", f"no run {run_id!r} in the run store") from None
    return manifest


@functools.lru_cache(maxsize=32)
def _stored_view_cached(root: str, run_id: str) -> dict[str, Any]:
    store = labecon.RunStore(root)
    results = store.load(run_id)
    scenario = load_quietly(load_yaml(store.scenario_yaml(run_id)))
    return results_view(results, scenario)


def _stored_view(store: labecon.RunStore, run_id: str) -> dict[str, Any]:
    try:
        return _stored_view_cached(str(store.root), run_id)
    except labecon.LabeconError as exc:
        raise ApiError(404, "run_id", _scrub(str(exc), store)) from None


def _scrub(message: str, store: labecon.RunStore) -> str:
    """Remove the store's location from a message: a server path is not the client's business."""
    for root in (str(store.root.absolute()), str(store.root)):
        message = message.replace(root, "the run store")
    return message
