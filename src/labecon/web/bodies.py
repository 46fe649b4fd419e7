"""Reading request bodies: JSON or raw YAML, safe YAML only, every problem an :class:`ApiError`.

A scenario arrives as a built-in name, YAML text or a JSON object; it never
names a file on the server (a string that is not a built-in's name is read as
YAML text, never as a path). YAML is read with the safe loader, and aliases
are refused: a few lines of nested aliases can expand to billions of nodes.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Mapping
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

import labecon
from labecon.scenario.validation import describe_error, describe_input, format_location
from labecon.scenario.yaml_text import load_yaml
from labecon.web.errors import ApiError

T = TypeVar("T", bound=BaseModel)

YAML_TYPES = ("application/x-yaml", "application/yaml", "text/yaml", "text/x-yaml")
"""Content types of a raw YAML body."""


class RunRequest(BaseModel):
    """A run to compute: the scenario, overrides by dotted path, sample count and seed."""

    model_config = ConfigDict(extra="forbid")

    scenario: str | dict[str, Any] = Field(
        description="A built-in scenario's name (GET /api/scenarios), the scenario as YAML text, "
        "or the scenario as a JSON object."
    )
    overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Changes by dotted path, applied before validation, e.g. "
        '{"labs.lab_own.strategy.own_frac": 0.6, "inputs.g_api.ci90": [1.0, 3.0]}.',
    )
    n_samples: int | None = Field(
        None, strict=True, ge=1, description="Monte Carlo samples (default: the scenario's run.n_samples)."
    )
    seed: int | None = Field(
        None,
        strict=True,
        ge=0,
        lt=2**63,
        description="Seed of every random stream (default: the scenario's).",
    )


class DriversRequest(RunRequest):
    """What moves each route answer (labecon drivers); ``n_samples`` does not apply."""

    correlated: bool = Field(
        True,
        strict=True,
        description="Move the inputs the scenario correlates with the one swept, to their medians given it "
        "(false: hold them at their medians).",
    )


class SwitchRequest(RunRequest):
    """A run of each date a lab could switch from its declared route to another (labecon switch)."""

    lab: str = Field(description="The lab that switches (its key).")
    to: str = Field(description="The route it switches to: one of its alternative routes.")
    every_quarters: int = Field(
        4, strict=True, ge=1, description="Quarters between the dates tried (4: one a year)."
    )


class BreakevenRequest(RunRequest):
    """Where an input turns a route answer (labecon breakeven); ``n_samples`` does not apply."""

    route: str = Field(description="The alternative route, as lab:route (e.g. frontier_lab:own).")
    input_name: str | None = Field(None, description="The uncertain input set to each value (its name).")
    param: str | None = Field(
        None,
        description="Instead of an input, a number of the scenario swept over param_range (its dotted path).",
    )
    param_range: list[float] | None = Field(None, description="The range param is swept over: [low, high].")
    points: int = Field(9, strict=True, description="Values of the input tried, 3 to 101.")
    futures: int = Field(
        1000, strict=True, description="Futures each value's gain is the mean over (2 or more)."
    )
    by: str | None = Field(
        None, description="A second uncertain input: the break-even at each of its values (a map)."
    )
    by_param: str | None = Field(
        None,
        description="Instead of by, a number of the scenario swept over by_param_range (its dotted path).",
    )
    by_param_range: list[float] | None = Field(
        None, description="The range by_param is swept over: [low, high]."
    )
    by_points: int = Field(5, strict=True, description="Values of the second input (by), 2 to 21.")
    correlated: bool = Field(
        True,
        strict=True,
        description="Move the inputs the scenario correlates with those set (false: leave them as drawn).",
    )


class ScenarioRequest(BaseModel):
    """A scenario to check and describe, with optional overrides."""

    model_config = ConfigDict(extra="forbid")

    scenario: str | dict[str, Any] = Field(description="A built-in name, YAML text or a JSON object.")
    overrides: dict[str, Any] = Field(default_factory=dict, description="Changes by dotted path.")


def parse_body(body: bytes, content_type: str, model: type[T], query: Mapping[str, str] | None = None) -> T:
    """Return the request body as ``model``; a raw YAML body is the scenario, options from ``query``.

    Raises
    ------
    ApiError
        415 for another content type, 422 naming the field for anything malformed.
    """
    kind = content_type.split(";")[0].strip().lower()
    options = [k for k in ("n_samples", "seed") if k in model.model_fields]
    if kind in YAML_TYPES:
        data: Any = {"scenario": _text(body)}
        for key, value in (query or {}).items():
            if key not in options:
                known = f"(the query string takes {' and '.join(options)})" if options else "(there are none)"
                raise ApiError(422, key, f"unknown option {key!r} {known}")
            data[key] = _whole(value, key)
    elif kind in ("application/json", ""):
        # An option in the query string beside a JSON body would be ignored: said, not dropped.
        for key in query or {}:
            raise ApiError(422, key, f"{key!r} goes in the JSON body, not in the query string")
        data = _json(body)
    else:
        msg = f"send application/json or application/x-yaml, not {kind!r}"
        raise ApiError(415, "content-type", msg)
    if not isinstance(data, dict):
        msg = f"expected a JSON object, got {type(data).__name__}"
        raise ApiError(422, "body", msg)
    scenario = data.get("scenario")
    if "scenario" in data and not isinstance(scenario, str | dict):
        # Said once for the two forms it takes, not as the first form's type error ("must be text").
        msg = f"must be a built-in's name, YAML text or a JSON object, got {describe_input(scenario)}"
        raise ApiError(422, "scenario", msg)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        # The request's own fields, said as scenarios' are (one translation, scenario.validation);
        # the type tags of a field that takes text or a mapping are left out.
        loc = tuple(p for p in first["loc"] if p != "str" and not str(p).startswith("dict["))
        where = format_location(loc) if loc else "body"
        raise ApiError(422, where, describe_error(first)) from None


def scenario_fields(scenario: str | Mapping[str, Any]) -> dict[str, Any]:
    """Return a scenario's raw fields from a built-in's name, YAML text or a mapping.

    Raises
    ------
    ApiError
        422 naming ``scenario`` when the text is not YAML holding a mapping.
    """
    if isinstance(scenario, Mapping):
        return dict(scenario)
    if scenario in labecon.list_scenarios():
        return copy.deepcopy(_builtin_fields(scenario))
    return _mapping(safe_yaml(scenario), scenario)


@functools.lru_cache(maxsize=16)
def _builtin_fields(name: str) -> dict[str, Any]:
    # Parsed once: reading a built-in's YAML takes about 20 ms, a deep copy well under 1 ms.
    return _mapping(safe_yaml(labecon.scenario_text(name)), name)


def safe_yaml(text: str) -> Any:
    """Parse YAML with the safe loader, refusing aliases; problems are 422 naming ``scenario``."""
    try:
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader)):
            msg = "YAML aliases (*name) are not accepted; write the values out"
            raise ApiError(422, "scenario", msg)
        return load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        msg = f"not valid (safe) YAML{where}: {problem}"
        raise ApiError(422, "scenario", msg) from None
    except RecursionError:
        raise ApiError(422, "scenario", "nested too deeply") from None
    except (ValueError, TypeError, OverflowError) as exc:
        # The safe loader's own constructors raise these for a bad tagged value (`!!float nope`).
        raise ApiError(422, "scenario", f"not valid YAML: a tagged value cannot be read ({exc})") from None


def _mapping(data: Any, text: str) -> dict[str, Any]:
    if isinstance(data, dict):
        return data
    if isinstance(data, str) and "\n" not in text and len(text) < 100:
        known = ", ".join(labecon.list_scenarios())
        msg = f"no built-in scenario named {text!r} (built-ins: {known}); or give the scenario as YAML"
        raise ApiError(422, "scenario", msg)
    msg = f"the YAML must hold a mapping of scenario fields, got {type(data).__name__}"
    raise ApiError(422, "scenario", msg)


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(422, "body", "the body is not UTF-8 text") from None


def _json(body: bytes) -> Any:
    if not body.strip():
        raise ApiError(422, "body", "the body is empty; send a JSON object with at least 'scenario'")
    try:
        return json.loads(_text(body))
    except ValueError as exc:
        if "integer string conversion" in str(exc):
            raise ApiError(422, "body", "a number in the body has too many digits") from None
        raise ApiError(422, "body", f"not valid JSON: {exc}") from None
    except RecursionError:
        raise ApiError(422, "body", "nested too deeply") from None


def _whole(value: str, key: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ApiError(422, key, f"must be a whole number, got {value!r}") from None
