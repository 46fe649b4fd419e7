"""Change a scenario's fields by dotted path, and list the numbers that can be changed.

An override is ``path -> value``, e.g. ``labs.lab_own.strategy.own_frac -> 0.6``
or ``inputs.g_api.ci90 -> [1.0, 3.0]``: the same paths the error messages
name. Overrides are applied to the scenario's raw fields *before* validation,
so a bad value gets the schema's own message for that path.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

import yaml
from pydantic import BaseModel

from labecon.errors import ScenarioError
from labecon.scenario.checks import all_params
from labecon.scenario.loader import ScenarioSource, load_quietly, load_scenario
from labecon.scenario.schema import Scenario
from labecon.scenario.yaml_text import load_yaml

_PART = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(\[(?P<index>\d+)\])?$")


class ParameterInfo(NamedTuple):
    """A number of a scenario that an override can change."""

    path: str
    """Dotted path, e.g. ``labs.lab_own.strategy.own_frac``."""
    value: float | str
    """Its value: a number, or the name of the uncertain input that sets it."""
    bounds: str
    """Allowed range in words, e.g. ``>= 0, <= 1``."""
    minimum: float | None
    """Smallest allowed value (inclusive or not, see ``bounds``), if any."""
    maximum: float | None
    """Largest allowed value, if any."""
    description: str
    """Meaning and unit, from the schema."""


def apply_overrides(data: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of a scenario's raw fields with each dotted path set to its value.

    Parameters
    ----------
    data : mapping
        The scenario's fields, as loaded from YAML (not yet validated).
    overrides : mapping of str to any
        ``path -> value``. A path steps through mappings by key and into lists
        by ``name[i]``. It must name a field the scenario has or the schema
        defines there (a field left at its default can be set), or a new route
        of a lab (``labs.<lab>.routes.<name>``).

    Returns
    -------
    dict
        The new fields; validate them with :func:`load_scenario`.

    Raises
    ------
    ScenarioError
        A path is malformed or names no field; the message names the path and
        lists the fields that exist there.
    """
    out: dict[str, Any] = copy.deepcopy(dict(data))
    reference: dict[str, Any] | None = None
    for path, value in overrides.items():
        if not isinstance(path, str) or not path:
            msg = f"an override's path must be a dotted field path, got {path!r}"
            raise ScenarioError(msg, "overrides")
        parts = path.split(".")
        node: Any = out
        for depth, part in enumerate(parts):
            where = ".".join(parts[: depth + 1])
            m = _PART.match(part)
            if m is None:
                msg = f"{part!r} is not a field name (letters, digits and _, optionally [index])"
                raise ScenarioError(msg, path)
            name, index = m["name"], m["index"]
            last = depth == len(parts) - 1
            if not isinstance(node, dict):
                msg = f"{'.'.join(parts[:depth]) or 'the scenario'} holds no fields to step into"
                raise ScenarioError(msg, where)
            if name not in node and last and index is None and _is_new_route(parts):
                node[name] = value  # a lab's routes are named by the user: a new one is added
                continue
            if name not in node:
                # A field left at its default: take its value from the validated scenario.
                if reference is None:
                    reference = _full_fields(out)
                ref_node = _lookup(reference, parts[:depth])
                if not isinstance(ref_node, Mapping) or name not in ref_node:
                    known = ", ".join(sorted({*node, *(ref_node or {})})) or "none"
                    msg = f"no such field to override; fields here: {known}"
                    raise ScenarioError(msg, where)
                node[name] = copy.deepcopy(ref_node[name])
            if not last and index is None and node[name] is None:
                # An optional section left out (a risk event the scenario does not list): start it.
                node[name] = {}
            if index is not None:
                items = node[name]
                if not isinstance(items, list) or int(index) >= len(items):
                    size = len(items) if isinstance(items, list) else 0
                    msg = f"index {index} is out of range (length {size})"
                    raise ScenarioError(msg, where)
                if last:
                    items[int(index)] = value
                else:
                    node = items[int(index)]
                continue
            if last:
                node[name] = value
            else:
                node = node[name]
    return out


def _is_new_route(parts: list[str]) -> bool:
    """Return whether a path names a lab's route, ``labs.<lab>.routes.<name>`` (which may be new)."""
    return len(parts) == 4 and parts[0] == "labs" and parts[2] == "routes"


def with_overrides(scenario: ScenarioSource, overrides: Mapping[str, Any]) -> Scenario:
    """Return ``scenario`` with each dotted path set to its value, validated again.

    The paths and values are those of :func:`apply_overrides`; a bad value gets
    the schema's own message, naming the path. No overrides: the scenario as is.
    """
    base = load_scenario(scenario)
    if not overrides:
        return base
    raw = base.model_dump(mode="json", exclude_unset=True)
    return load_scenario(apply_overrides(raw, overrides))


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``PATH=VALUE`` (as on a command line); the value is read as YAML (safe loader).

    Raises
    ------
    ScenarioError
        No ``=``, or a value that is not valid YAML.
    """
    path, eq, raw = text.partition("=")
    if not eq or not path.strip():
        msg = f"expected PATH=VALUE, got {text!r}"
        raise ScenarioError(msg, "overrides")
    try:
        value = load_yaml(raw)
    except yaml.YAMLError:
        msg = f"the value {raw!r} is not valid YAML"
        raise ScenarioError(msg, path.strip()) from None
    return path.strip(), value


def scenario_parameters(scenario: ScenarioSource) -> list[ParameterInfo]:
    """Return every number-or-input field of a scenario, with its bounds and meaning.

    These are the paths an override can set to a number (or to an input's name).
    """
    sc = load_scenario(scenario)
    out = []
    for path, bounds, value in all_params(sc):
        low = bounds.ge if bounds.ge is not None else bounds.gt
        high = bounds.le if bounds.le is not None else bounds.lt
        out.append(
            ParameterInfo(
                path=path,
                value=value if isinstance(value, str) else float(value),  # type: ignore[arg-type]
                bounds=bounds.describe(),
                minimum=low,
                maximum=high,
                description=_description(sc, path),
            )
        )
    return out


def _full_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return every field of the scenario, defaults included (validating it)."""
    full: dict[str, Any] = load_quietly(data).model_dump(mode="json")
    return full


def _lookup(tree: Any, parts: list[str]) -> Any:
    node = tree
    for part in parts:
        m = _PART.match(part)
        if m is None or not isinstance(node, Mapping) or m["name"] not in node:
            return None
        node = node[m["name"]]
        if m["index"] is not None:
            node = node[int(m["index"])] if isinstance(node, list) and int(m["index"]) < len(node) else None
    return node


def _description(sc: Scenario, path: str) -> str:
    """Return the schema's description of the field at ``path``."""
    node: Any = sc
    owner: BaseModel | None = None
    name = ""
    for part in path.split("."):
        m = _PART.match(part)
        if m is None:
            return ""
        if isinstance(node, BaseModel):
            owner, name = node, m["name"]
            node = getattr(node, name, None)
        elif isinstance(node, Mapping):
            node = node.get(m["name"])
        else:
            return ""
        if m["index"] is not None:  # an item of a list: its own fields are described in its model
            node = node[int(m["index"])] if isinstance(node, list | tuple) else None
    if owner is None:
        return ""
    field = type(owner).model_fields.get(name)
    return (field.description or "") if field is not None else ""
