"""A scenario as the dashboard shows it: its YAML, its inputs and the numbers a control can change."""

from __future__ import annotations

from typing import Any

import yaml

import labecon

_INPUT_META = ("dist", "units", "description", "source")


def describe_scenario(scenario: labecon.Scenario, builtin: str | None = None) -> dict[str, Any]:
    """Return a scenario's name, description, YAML, inputs and parameters, each with units and sources.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    builtin : str, optional
        The built-in's name when it is one: its YAML then keeps its comments,
        and each number gets the source its comment gives.
    """
    source = builtin if builtin is not None else scenario
    notes = {s.path: s.note for s in labecon.scenario_sources(source) if s.note}
    inputs = []
    for name, spec in scenario.model_dump(mode="json", exclude_unset=True)["inputs"].items():
        params = {k: v for k, v in spec.items() if k not in _INPUT_META}
        inputs.append(
            {
                "name": name,
                "dist": spec.get("dist", ""),
                "params": params,
                "units": spec.get("units", ""),
                "description": spec.get("description", ""),
                "source": spec.get("source", "") or notes.get(f"inputs.{name}", ""),
            }
        )
    parameters = [
        {
            "path": p.path,
            "value": p.value,
            "bounds": p.bounds,
            "minimum": p.minimum,
            "maximum": p.maximum,
            "description": p.description,
            "source": notes.get(p.path, ""),
            "group": _group(p.path),
        }
        for p in labecon.scenario_parameters(scenario)
    ]
    text = labecon.scenario_text(builtin) if builtin is not None else labecon.dump_scenario(scenario)
    return {
        "name": scenario.name,
        "description": scenario.description,
        "kind": scenario.kind,
        "builtin": builtin is not None,
        "yaml": text,
        "run": {"n_samples": scenario.run.n_samples, "seed": scenario.run.seed},
        "inputs": inputs,
        "parameters": parameters,
    }


def list_builtins() -> list[dict[str, Any]]:
    """Return each built-in scenario's name, kind and description."""
    out = []
    for name in labecon.list_scenarios():
        fields = yaml.safe_load(labecon.scenario_text(name))
        out.append(
            {
                "name": name,
                "kind": "world" if fields.get("labs") else "compute",
                "description": " ".join(str(fields.get("description", "")).split()),
            }
        )
    return out


def _group(path: str) -> str:
    """Strategy parameters (what a lab decides) first; the rest by section."""
    if ".strategy." in path or path.startswith("strategies."):
        return "strategy"
    if ".deal." in path:
        return "deal"
    return path.split(".", 1)[0]
