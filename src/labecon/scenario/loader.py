"""Load a scenario from a built-in name, a YAML file, a dict or a :class:`Scenario`.

Every problem becomes a :class:`~labecon.errors.ScenarioError` naming the
field's dotted path (``strategies.build.headroom_frac``) and what is wrong.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from labecon.errors import ImplausibleValueWarning, ScenarioError
from labecon.scenario.builtin import builtin_text, list_builtin
from labecon.scenario.checks import run_checks
from labecon.scenario.plausibility import plausibility_warnings
from labecon.scenario.schema import (
    SCENARIO_ADAPTER,
    SCENARIO_KINDS,
    ComputeScenario,
    Scenario,
    ScenarioBase,
    WorldScenario,
)
from labecon.scenario.validation import describe_error, format_location
from labecon.scenario.yaml_text import dump_yaml, load_yaml

ScenarioSource = ComputeScenario | WorldScenario | Mapping[str, Any] | str | Path
"""Anything :func:`load_scenario` accepts."""


def load_scenario(source: ScenarioSource) -> Scenario:
    """Return the validated scenario named or held by ``source``.

    Parameters
    ----------
    source : Scenario, mapping, str or Path
        A :class:`Scenario` (returned as is), a mapping of its fields, the
        name of a built-in scenario (see :func:`list_scenarios`), the path
        of a YAML file, or YAML text (a string of more than one line).

    Raises
    ------
    ScenarioError
        If the source cannot be found or read, or any field is invalid; the
        message names the field's path and the problem.

    Warns
    -----
    ImplausibleValueWarning
        For each value far outside its field's usual range (the scenario still loads).
    """
    if isinstance(source, ScenarioBase):
        return source
    scenario = _load(source)
    for text in plausibility_warnings(scenario.model_dump(mode="json")):
        warnings.warn(text, ImplausibleValueWarning, stacklevel=2)
    return scenario


def load_quietly(source: ScenarioSource) -> Scenario:
    """Return :func:`load_scenario`'s scenario without its warnings, for callers that say them their way.

    It never gives them, rather than filtering them: Python's warning filters are the whole
    process's, and a server loads scenarios in several threads at once.
    """
    return source if isinstance(source, ScenarioBase) else _load(source)


def _load(source: ScenarioSource) -> Scenario:
    if isinstance(source, Mapping):
        return scenario_from_dict(source)
    if isinstance(source, str | Path):
        text = str(source)
        if isinstance(source, str) and text in list_builtin():
            return scenario_from_yaml(builtin_text(text), origin=f"built-in {text!r}")
        if isinstance(source, str) and "\n" in text:  # no name or path has a line break: YAML text
            return scenario_from_yaml(text)
        path = Path(text).expanduser()
        if _is(path, Path.is_file):
            try:
                content = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                msg = f"cannot read {path}: {exc}"
                raise ScenarioError(msg, "scenario") from None
            return scenario_from_yaml(content, origin=str(path))
        if _is(path, Path.exists):
            msg = f"{path} is not a file"
            raise ScenarioError(msg, "scenario")
        known = ", ".join(list_builtin())
        shown = text if len(text) <= 200 else f"{text[:200]}..."
        msg = f"no built-in scenario or file named {shown!r} (built-ins: {known})"
        raise ScenarioError(msg, "scenario")
    msg = f"expected a scenario name, a path, a mapping or a Scenario, got {type(source).__name__}"
    raise ScenarioError(msg, "scenario")


def _is(path: Path, test: Callable[[Path], bool]) -> bool:
    """Return ``test(path)``, False where the system cannot even look (a name too long, say)."""
    try:
        return test(path)
    except (OSError, ValueError):  # ValueError: a NUL in the name
        return False


def dump_scenario(scenario: Scenario) -> str:
    """Return a validated scenario as YAML that loads back to an equal scenario.

    Only the fields that were given are written (defaults fill the rest
    again on loading), so the text stays as short as the user's own.
    """
    data = scenario.model_dump(mode="json", exclude_unset=True)
    return dump_yaml(data)


def scenario_from_yaml(text: str, *, origin: str = "<string>") -> Scenario:
    """Parse YAML text (safe loader only) and validate it as a scenario."""
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        msg = f"{origin} is not valid YAML{where}: {problem}"
        raise ScenarioError(msg, "scenario") from None
    except (ValueError, TypeError, OverflowError) as exc:  # a tagged value YAML cannot build (!!float nope)
        msg = f"{origin} holds a value YAML cannot read: {exc}"
        raise ScenarioError(msg, "scenario") from None
    if not isinstance(data, Mapping):
        msg = f"{origin} must hold a mapping of scenario fields, got {type(data).__name__}"
        raise ScenarioError(msg, "scenario")
    return scenario_from_dict(data)


def scenario_from_dict(data: Mapping[str, Any]) -> Scenario:
    """Validate a mapping as a scenario of its kind, then run the cross-field checks."""
    fields = dict(data)
    try:
        scenario = SCENARIO_ADAPTER.validate_python(fields)
    except ValidationError as exc:
        raise _to_scenario_error(exc, fields) from None
    except (ValueError, TypeError) as exc:
        raise ScenarioError(str(exc), "scenario") from None
    run_checks(scenario)
    return scenario


class _Problem(NamedTuple):
    path: str
    text: str
    brief: str
    """The text in a few words, for the list of further problems."""
    is_other_kind: bool = False
    """A field of another kind of scenario: said first, as the likely cause of the rest."""


def _scenario_problem(error: ErrorDetails, data: Mapping[str, Any]) -> _Problem:
    """Return where and what one error of validating a scenario is, said in the user's terms.

    The union of scenario kinds puts the kind's tag first in every location
    (``world.labs.a.cash_usd``); it is left out. Errors at the top of a kind
    say what that kind needs, or that a section belongs to another kind.
    """
    loc = tuple(error["loc"])
    if not loc and error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        if error["type"] == "union_tag_not_found":
            text = "must be a mapping of scenario fields"
            return _Problem("scenario", text, text)
        return _Problem("kind", describe_error(error), describe_error(error))
    tag = loc[0] if loc and isinstance(loc[0], str) and loc[0] in SCENARIO_KINDS else None
    if tag is None:
        return _Problem(format_location(loc), describe_error(error), describe_error(error))
    loc = loc[1:]
    path, plain = format_location(loc), describe_error(error)
    if len(loc) != 1 or not isinstance(loc[0], str):
        return _Problem(path, plain, plain)
    field, cls = loc[0], SCENARIO_KINDS[tag]
    held = [s for s in cls.sections if s in data]
    if "kind" in data:
        why = f"kind: {tag}"
    elif held:
        why = f"it has {', '.join(held)}"
    else:
        why = "no section says which kind"
    if error["type"] == "missing" and field in cls.sections:
        kinds = [tag] if "kind" in data or held else list(SCENARIO_KINDS)
        needs = "; ".join(f"a {k} scenario needs {', '.join(_required_sections(k))}" for k in kinds)
        return _Problem(path, f"required field is missing ({needs})", plain)
    owners = [k for k, c in SCENARIO_KINDS.items() if k != tag and field in _own_fields(c)]
    if error["type"] == "extra_forbidden" and owners:
        text = (
            f"belongs to a {owners[0]} scenario, but this one is a {tag} scenario ({why}); "
            "a scenario is one kind or the other, not both"
        )
        return _Problem(path, text, f"belongs to a {owners[0]} scenario", is_other_kind=True)
    return _Problem(path, plain, plain)


def _own_fields(cls: type[ScenarioBase]) -> set[str]:
    return set(cls.model_fields) - set(ScenarioBase.model_fields)


def _required_sections(kind: str) -> list[str]:
    cls = SCENARIO_KINDS[kind]
    return [s for s in cls.sections if cls.model_fields[s].is_required()]


def _to_scenario_error(exc: ValidationError, data: Mapping[str, Any]) -> ScenarioError:
    problems = [_scenario_problem(e, data) for e in exc.errors()]
    problems.sort(key=lambda p: not p.is_other_kind)  # stable: otherwise pydantic's order
    first = problems[0]
    text = first.text
    if len(problems) > 1:
        others = "; ".join(f"{p.path}: {p.brief}" for p in problems[1:4])
        more = f" (and {len(problems) - 4} more)" if len(problems) > 4 else ""
        text = f"{text}\nalso: {others}{more}"
    return ScenarioError(text, first.path)
