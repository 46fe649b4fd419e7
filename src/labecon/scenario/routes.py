"""A lab's routes: its declared strategy and the alternatives it names, each a scenario of its own.

A route is the lab's strategy with some fields overridden
(``labs.<lab>.routes.<name>``), its shares changed at dates only by its own
``route_changes`` (the declared strategy's are not carried over). Asking
"which route wins for this lab" runs the same world once per route, only that
lab's strategy replaced, on the same draws; the other labs keep their declared
strategies.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from labecon.errors import ScenarioError
from labecon.scenario.schema import WorldScenario
from labecon.scenario.validation import first_error
from labecon.scenario.world import ROUTE_SHARES, LabStrategySpec


def lab_routes(scenario: WorldScenario) -> dict[str, list[str]]:
    """Return each lab that names routes, with its routes in order: the declared one first."""
    return {
        name: [lab.route, *(r for r in lab.routes if r != lab.route)]
        for name, lab in scenario.labs.items()
        if lab.routes
    }


def route_labels(scenario: WorldScenario) -> list[str]:
    """Return ``"<lab>:<route>"`` for every lab's every route, declared route first per lab."""
    return [f"{lab}:{route}" for lab, routes in lab_routes(scenario).items() for route in routes]


def with_route(scenario: WorldScenario, lab: str, route: str) -> WorldScenario:
    """Return ``scenario`` with lab ``lab`` following its route ``route`` (the declared one: unchanged).

    Raises
    ------
    ScenarioError
        If the route is unknown, or its overrides make an invalid strategy
        (naming ``labs.<lab>.routes.<route>.<field>``).
    """
    labs = scenario.labs
    if lab not in labs:
        msg = f"unknown lab {lab!r}; expected one of: {', '.join(labs) or 'none'}"
        raise ScenarioError(msg, "labs")
    spec = labs[lab]
    if route == spec.route:
        return scenario
    if route not in spec.routes:
        known = ", ".join([spec.route, *spec.routes])
        msg = f"unknown route {route!r}; expected one of: {known}"
        raise ScenarioError(msg, f"labs.{lab}.routes")
    # A route's changes of shares at dates are its own: the declared strategy's do not carry over.
    merged: dict[str, Any] = {**spec.strategy.model_dump(), "route_changes": None, **spec.routes[route]}
    try:
        strategy = LabStrategySpec.model_validate(merged)
    except ValidationError as exc:
        raise first_error(exc, f"labs.{lab}.routes.{route}") from None
    new_lab = spec.model_copy(update={"strategy": strategy})
    return scenario.model_copy(update={"labs": {**labs, lab: new_lab}})


def check_routes(scenario: WorldScenario, check: Any) -> None:
    """Run ``check`` (a scenario check) on every route of every lab, errors named by the route's path."""
    for lab, routes in lab_routes(scenario).items():
        for route in routes[1:]:
            variant = with_route(scenario, lab, route)
            try:
                check(variant)
            except ScenarioError as exc:
                prefix = f"labs.{lab}.strategy."
                path = exc.path or ""
                field = path[len(prefix) :].split(".", 1)[0].split("[", 1)[0]
                if path.startswith(prefix) and field in scenario.labs[lab].routes[route]:
                    # The route's own value: named where the user wrote it.
                    path = f"labs.{lab}.routes.{route}." + path[len(prefix) :]
                raise ScenarioError(exc.problem, path) from None


def switch_targets(scenario: WorldScenario) -> list[tuple[str, str, str]]:
    """Return every switch ``labecon switch`` can answer: ``(lab, declared route, route)``.

    A lab with routes, to each alternative route that changes only the shares of new capacity
    (:func:`labecon.switch_dates`).
    """
    return [
        (lab, spec.route, to)
        for lab, spec in scenario.labs.items()
        for to, route in spec.routes.items()
        if to != spec.route and set(route) <= set(ROUTE_SHARES)
    ]


def only_routes(scenario: WorldScenario, lab: str, routes: dict[str, Any]) -> WorldScenario:
    """Return ``scenario`` with ``lab``'s routes ``routes`` and the other labs' none.

    So that only this lab's alternatives run: the other labs keep their declared strategies.
    """
    labs = {
        key: spec.model_copy(update={"routes": routes if key == lab else {}})
        for key, spec in scenario.labs.items()
    }
    return scenario.model_copy(update={"labs": labs})
