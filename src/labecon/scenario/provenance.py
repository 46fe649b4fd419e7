"""Where each number of a scenario comes from: its source, or the assumption behind it.

Two places say it: the scenario's YAML (a trailing ``# src:KEY ...``,
``# assumption: ...`` or ``# [derived] ...`` comment on a line, or the
``source`` field of an input) and the schema (each default's ``x-source``).
:func:`scenario_sources` merges them into one list, every ``src:KEY``
expanded to its title and address (:mod:`labecon.scenario.sources`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from pydantic import BaseModel

from labecon.scenario.builtin import builtin_text, list_builtin
from labecon.scenario.loader import ScenarioSource, load_quietly
from labecon.scenario.sources import expand
from labecon.scenario.yaml_text import load_yaml

_KEY_LINE = re.compile(r"^(?P<indent>\s*)(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?P<rest>.*)$")
_ITEM_LINE = re.compile(r"^(?P<indent>\s*)-\s+(?P<rest>.*)$")


class SourcedValue(NamedTuple):
    """One number of a scenario with where it comes from."""

    path: str
    """Dotted path of the field, e.g. ``labs.lab_own.cash_usd``."""
    value: str
    """The value as written (a number, or an input's name or distribution)."""
    origin: str
    """``scenario`` (said in the scenario) or ``default`` (the schema's default)."""
    note: str
    """The source with its title and address, or ``assumption: <reason>``; empty if none given."""


def scenario_sources(source: ScenarioSource) -> list[SourcedValue]:
    """Return every number a scenario uses, each with its source or assumption.

    Parameters
    ----------
    source : Scenario, mapping, str or Path
        A built-in name, a YAML path, a mapping or a :class:`Scenario`. Notes
        written as YAML comments are read only from a built-in or a file.

    Returns
    -------
    list of SourcedValue
        The scenario's own values in file order, then the schema defaults it
        relies on.
    """
    scenario = load_quietly(source)  # it lists sources; loading to run is where values are warned of
    text = _yaml_text(source)
    said = list(_commented_values(text, set(scenario.inputs))) if text is not None else []
    given = {path for path, _, _ in said}
    own = scenario.references
    out = [SourcedValue(path, value, "scenario", expand(note, own)) for path, value, note in said]
    for path, value, note in _defaults(scenario, ""):
        if path not in given and not any(g.startswith(path + ".") for g in given):
            out.append(SourcedValue(path, value, "default", expand(note, own)))
    return out


def _yaml_text(source: ScenarioSource) -> str | None:
    if isinstance(source, str) and source in list_builtin():
        return builtin_text(source)
    if isinstance(source, str | Path) and Path(source).expanduser().is_file():
        return Path(source).expanduser().read_text(encoding="utf-8")
    return None


def _commented_values(text: str, input_names: set[str]) -> Iterator[tuple[str, str, str]]:
    """Yield ``(path, value, note)`` for each leaf line of a YAML text, with its trailing comment.

    Items of a block list are numbered: ``clouds.aws.deals[0].chip``.
    """
    stack: list[tuple[int, str]] = []
    items: dict[str, int] = {}  # list path -> items seen
    block_indent: int | None = None
    for line in text.splitlines():
        if block_indent is not None:
            if not line.strip() or len(line) - len(line.lstrip()) > block_indent:
                continue  # inside a folded text block
            block_indent = None
        item = _ITEM_LINE.match(line)
        if item and not line.lstrip().startswith("#"):
            dash = len(item["indent"])
            # A list may sit at its key's indent (as PyYAML writes it): that key is its parent.
            while stack and (stack[-1][0] > dash or (stack[-1][0] == dash and stack[-1][1].startswith("["))):
                stack.pop()
            parent = _path([k for _, k in stack])
            index = items.get(parent, 0)
            items[parent] = index + 1
            stack.append((dash, f"[{index}]"))
            line = " " * (dash + 2) + item["rest"]
            if item["rest"].lstrip().startswith("{"):  # a flow mapping: one line, one item
                stack.pop()
                value, _, comment = _split_comment(item["rest"])
                yield f"{parent}[{index}]", value.strip(), comment.strip()
                continue
        match = _KEY_LINE.match(line)
        if not match:
            continue
        indent, key, rest = len(match["indent"]), match["key"], match["rest"]
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = _path([k for _, k in stack] + [key])
        value, _, comment = _split_comment(rest)
        value = value.strip()
        if value in (">-", "|", ">", "|-", ">+", "|+"):
            block_indent = indent
            continue
        if not value:
            stack.append((indent, key))
            continue
        note = comment.strip()
        parsed: Any = None
        try:
            parsed = load_yaml(value)
        except yaml.YAMLError:
            parsed = None
        if isinstance(parsed, dict) and not note:
            note = str(parsed.get("source", ""))
        if isinstance(parsed, str) and parsed in input_names and not path.startswith("inputs."):
            note = note or f"uncertain input {parsed!r} (see inputs.{parsed})"
        elif isinstance(parsed, str) and not note:
            continue  # a name (of a chip, a cloud ...), not a number
        yield path, value, note


def _path(keys: list[str]) -> str:
    """Join keys with dots, list indices (``[0]``) without."""
    out = ""
    for key in keys:
        out += key if key.startswith("[") or not out else f".{key}"
    return out


def _split_comment(rest: str) -> tuple[str, str, str]:
    """Split ``value  # comment`` outside quotes."""
    quote = ""
    for i, ch in enumerate(rest):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or rest[i - 1].isspace()):
            return rest[:i], "#", rest[i + 1 :]
    return rest, "", ""


def _as_written(value: Any) -> str:
    """Return a default as a scenario's YAML would write it (``true``, ``null``, ``anyone``, ``[]``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple | dict):
        return str(yaml.safe_dump(value, default_flow_style=True, width=10_000)).strip()
    return repr(value)


def _defaults(model: BaseModel, prefix: str) -> Iterator[tuple[str, str, str]]:
    """Yield ``(path, value, x-source)`` for every field left at a default that cites a source."""
    for name, field in type(model).model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        value = getattr(model, name)
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if name not in model.model_fields_set and "x-source" in extra:
            yield path, _as_written(value), str(extra["x-source"])
        if isinstance(value, BaseModel):
            yield from _defaults(value, path)
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, BaseModel):
                    yield from _defaults(item, f"{path}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _defaults(item, f"{path}[{i}]")
