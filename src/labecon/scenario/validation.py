"""Pydantic's validation errors said in a scenario's terms: a dotted path and a plain problem.

The one translation for every place that validates scenario fields (the
loader, distribution specs, a lab's routes, the web's request bodies): union
tags never reach a path, and messages lose pydantic's prefixes and speak of
numbers, text and fields rather than Python types.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from labecon.errors import ScenarioError

DIST_KINDS: tuple[str, ...] = (
    "fixed",
    "uniform",
    "normal",
    "lognormal",
    "triangular",
    "pert",
    "beta",
    "discrete",
    "int_uniform",
)
"""The accepted values of a distribution's ``dist`` field, in documentation order.

:mod:`labecon.scenario.distributions` keys its spec classes by them (and checks it)."""

# Tags of the discriminated unions: pydantic puts the tag in an error's location,
# which would make ``strategies.build.build_ahead.headroom_frac`` out of a user's
# ``strategies.build.headroom_frac``.
UNION_TAGS = {"rent_all", "build_ahead", "pv_cost", "difference", *DIST_KINDS}
"""Tags of the discriminated unions, left out of error paths."""

Location = tuple[int | str, ...]


class FieldError(ValueError):
    """A model validator's complaint about one of its fields, named by ``field``."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def format_location(loc: Location) -> str:
    """Return a pydantic error location as a dotted path, without union tags."""
    parts: list[str] = []
    for i, item in enumerate(loc):
        if isinstance(item, int):
            parts.append(f"[{item}]")
            continue
        is_tag = item in UNION_TAGS and i > 0 and i < len(loc) - 1
        if is_tag or item.startswith(("function-", "union[", "tagged-union[")):
            continue
        parts.append(("." if parts else "") + item)
    return "".join(parts) or "scenario"


def describe_input(value: object) -> str:
    """Return a short description of a user's value and its kind, for an error message."""
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{text} ({type(value).__name__})"


_TYPE_MESSAGES = {
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "string_type": "must be text",
    "list_type": "must be a list",
    "model_type": "must be a mapping of fields",
    "model_attributes_type": "must be a mapping of fields",
    "dict_type": "must be a mapping of fields",
}


_BOUNDS = {
    "greater_than_equal": (">=", "ge"),
    "greater_than": (">", "gt"),
    "less_than_equal": ("<=", "le"),
    "less_than": ("<", "lt"),
}
"""Pydantic's numeric bounds, said as the schema's own checks say them (``must be <= 1, got 2``)."""


def explain(error: ErrorDetails, model: type[BaseModel] | None = None) -> tuple[Location, str]:
    """Return one pydantic error's location and its problem in plain words.

    ``model``, when given, is the model the location starts from: an unknown
    field's message then lists the fields it allows.
    """
    loc: Location = tuple(error["loc"])
    kind, value = error["type"], error.get("input")
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    field = loc[-1] if loc else ""
    if isinstance(ctx.get("error"), FieldError):
        return (*loc, ctx["error"].field), ctx["error"].message
    if kind in _TYPE_MESSAGES:
        return loc, f"{_TYPE_MESSAGES[kind]}, got {describe_input(value)}"
    if kind == "finite_number":
        return loc, f"must be a finite number, got {value!r}"
    if kind == "missing":
        return loc, f"required field '{field}' is missing" if field else "required field is missing"
    if kind == "extra_forbidden":
        allowed = f"; allowed fields are {', '.join(model.model_fields)}" if model else ""
        return loc, f"unknown field '{field}' (check its spelling and indentation){allowed}"
    if kind == "invalid_key":
        return loc, f"field names must be text, got {describe_input(field)}"
    if kind == "literal_error":
        return loc, f"must be one of {ctx.get('expected', '?')}, got {value!r}"
    if kind == "union_tag_invalid":
        return loc, f"unknown kind {ctx.get('tag')!r}; expected one of: {ctx.get('expected_tags')}"
    if kind in _BOUNDS:
        word, key = _BOUNDS[kind]
        return loc, f"must be {word} {_number(ctx.get(key, '?'))}, got {value!r}"
    if kind in ("too_short", "too_long"):
        word, key = ("at least", "min_length") if kind == "too_short" else ("at most", "max_length")
        count = ctx.get(key, "?")
        return (
            loc,
            f"must hold {word} {count} item{'' if count == 1 else 's'}, got {ctx.get('actual_length', '?')}",
        )
    if kind == "union_tag_not_found":
        return loc, f"says nothing of its kind: add the field {ctx.get('discriminator')}"
    message = str(error.get("msg", "invalid value"))
    return loc, message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _number(x: object) -> str:
    """Return a bound as people write it: ``0``, not ``0.0``; ``0.5`` as is."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return str(x)


def describe_error(error: ErrorDetails, model: type[BaseModel] | None = None) -> str:
    """Return one pydantic error's problem in plain words (see :func:`explain`)."""
    return explain(error, model)[1]


def first_error(
    exc: ValidationError, prefix: str, model: type[BaseModel] | None = None, *, skip: int = 0
) -> ScenarioError:
    """Return the first error of ``exc`` as a :class:`ScenarioError` whose path starts at ``prefix``.

    ``skip`` leaves out the location's first parts (a union's tag, when ``model``
    is the member it names). When ``exc`` holds more than one problem, the
    message says how many more.
    """
    errors = exc.errors()
    first = errors[0]
    loc, message = explain({**first, "loc": tuple(first["loc"])[skip:]}, model)
    if len(errors) > 1:
        more = len(errors) - 1
        message = f"{message} (and {more} more problem{'s' if more > 1 else ''})"
    return ScenarioError(message, join_path(prefix, format_location(loc)))


def join_path(prefix: str, where: str) -> str:
    """Return the path ``where`` (from :func:`format_location`) under ``prefix``."""
    if where == "scenario" or not where:
        return prefix or "scenario"
    if not prefix:
        return where
    return f"{prefix}{where}" if where.startswith("[") else f"{prefix}.{where}"
