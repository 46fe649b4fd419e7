"""Pydantic's validation errors said in a scenario's terms: a dotted path and a plain problem.

One translation for every place that validates scenario fields (the loader,
a lab's routes): union tags never reach a path, and messages lose pydantic's
prefixes. Distribution specs add their own wording on top
(:mod:`labecon.scenario.distributions`).
"""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from labecon.errors import ScenarioError
from labecon.scenario.distributions import DIST_KINDS

# Tags of the discriminated unions: pydantic puts the tag in an error's location,
# which would make ``strategies.build.build_ahead.headroom_frac`` out of a user's
# ``strategies.build.headroom_frac``.
UNION_TAGS = {"rent_all", "build_ahead", "pv_cost", "difference", *DIST_KINDS}
"""Tags of the discriminated unions, left out of error paths."""


def format_location(loc: tuple[int | str, ...]) -> str:
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


def describe_error(error: ErrorDetails) -> str:
    """Return one pydantic error in plain words (a field's own message, or what is missing or unknown)."""
    kind = error["type"]
    ctx = error.get("ctx", {})
    if kind == "extra_forbidden":
        return "unknown field (check its spelling and indentation)"
    if kind == "missing":
        return "required field is missing"
    if kind == "union_tag_invalid":
        return f"unknown kind {ctx.get('tag')!r}; expected one of: {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return f"says nothing of its kind: add the field {ctx.get('discriminator')}"
    message = error["msg"]
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def first_error(exc: ValidationError, prefix: str) -> ScenarioError:
    """Return the first error of ``exc`` as a :class:`ScenarioError` whose path starts at ``prefix``."""
    error = exc.errors()[0]
    where = format_location(tuple(error["loc"]))
    path = prefix if where == "scenario" else f"{prefix}.{where}"
    return ScenarioError(describe_error(error), path)
