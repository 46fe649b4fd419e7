"""A scenario as the dashboard shows it: its YAML, its inputs and the numbers a control can change."""

from __future__ import annotations

import functools
import math
from typing import Any, get_args

import numpy as np

import labecon
from labecon.ranks import average_ranks, rank_correlation
from labecon.scenario.names import ReaderNames, reader_names
from labecon.scenario.yaml_text import load_yaml
from labecon.web.runner import without_bounds

_INPUT_META = ("dist", "units", "description", "source")

ASSUMPTIONS = (
    "finance.compute_priced_at",
    "finance.terminal_value_method",
    "finance.chip_lead_quarters",
    "finance.owned_refill",
    "finance.lease_refill",
    "finance.stake_valued_at",
)
"""The model's choices a control can switch: those that move the answer most (``docs/model.md``), and
how a partner's stake is valued (its NPV of the deal)."""

_OPTIONS: dict[str, tuple[tuple[Any, str], ...]] = {
    "finance.compute_priced_at": (
        ("delivery", "at delivery"),
        ("signing", "at signing"),
    ),
    "finance.terminal_value_method": (
        ("exit_multiple", "exit multiple of revenue"),
        ("gordon", "Gordon growth of free cash flow"),
        ("book", "owned assets at book value"),
    ),
    "finance.stake_valued_at": (
        ("last_round", "at the lab's last funding round"),
        ("horizon", "at the lab's value at the horizon"),
    ),
    "finance.owned_refill": (
        ("plan", "as the lab's plan asks"),
        ("hall", "whatever the plan: kept full"),
    ),
    "finance.lease_refill": (
        ("plan", "as the lab's plan asks"),
        ("hall", "whatever the plan: kept full"),
    ),
    "finance.chip_lead_quarters": (
        (None, "with their data centre"),
        (1, "1 quarter ahead"),
        (2, "2 quarters ahead"),
        (4, "4 quarters ahead"),
    ),
}
"""Options and their labels in plain words, in the order shown (``docs/model.md`` measures these)."""


@functools.lru_cache(maxsize=16)
def describe_builtin(name: str) -> dict[str, Any]:
    """Return :func:`describe_scenario` of the built-in scenario ``name``, kept once made.

    The server makes each built-in's as it starts (:func:`labecon.web.app.create_app`), so the
    dashboard's first page does not wait for the pilot run that ranks the inputs.
    """
    return describe_scenario(labecon.load_scenario(name), name)


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
    names = reader_names(scenario)
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
            "who": _whose(p.path, names),
        }
        for p in labecon.scenario_parameters(scenario)
    ]
    weight = input_influence(scenario)
    for item in inputs:
        item["influence"] = weight.get(str(item["name"]), 0.0)
    inputs.sort(key=lambda item: -float(item["influence"]))  # the inputs that matter most first
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
        "choices": choices(scenario, notes),
    }


def choices(scenario: labecon.Scenario, notes: dict[str, str]) -> list[dict[str, Any]]:
    """Return the scenario's :data:`ASSUMPTIONS`: path, value, options and their labels, description, source.

    A compute scenario has none of them.
    """
    out = []
    for path in ASSUMPTIONS:
        section_name, name = path.split(".")
        section = getattr(scenario, section_name, None)
        field = type(section).model_fields.get(name) if section is not None else None
        if field is None:
            continue
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        named = tuple((o, str(o)) for o in get_args(field.annotation))
        options = _OPTIONS.get(path, named)
        value = getattr(section, name)
        if value not in [o for o, _ in options]:  # a scenario's own value is an option too
            options = (*options, (value, str(value)))
        out.append(
            {
                "path": path,
                "value": value,
                "options": [o for o, _ in options],
                "labels": [label for _, label in options],
                "description": field.description or "",
                "source": notes.get(path) or str(extra.get("x-source", "")),
            }
        )
    return out


PILOT_SAMPLES = 2000
"""Samples of the run that ranks the inputs (a fraction of a second for the built-ins)."""


def input_influence(scenario: labecon.Scenario) -> dict[str, float]:
    """Return each uncertain input's influence on the answer: its largest |Spearman rank correlation|.

    Measured on a small run at the scenario's seed, against the answer the
    dashboard leads with: each lab's gain from each route when routes are named,
    else each lab's NPV, else every output of a compute scenario.
    """
    # The pilot ranks, it does not report: it warns of nothing.
    res = labecon.simulate(without_bounds(scenario), n_samples=PILOT_SAMPLES, keep="outputs")
    ds = res.dataset
    if "input_value" not in ds:
        return {}
    names = [n for n in ("route_gain_usd", "npv_fcf_usd") if n in ds] or list(res.outputs)
    answers = np.column_stack([ds[n].to_numpy().reshape(ds.sizes["sample"], -1) for n in names[:1]])
    # Spearman's rho is the correlation of the ranks; each column is ranked once (without scipy.stats,
    # whose import alone took about 0.4 s of the server's start).
    answer_ranks = [average_ranks(y) for y in answers.T if np.ptp(y) > 0]
    influence = {}
    for j, name in enumerate(str(x) for x in ds["input"].to_numpy()):
        x = ds["input_value"].to_numpy()[:, j]
        x_ranks = average_ranks(x) if np.ptp(x) > 0 else None
        rhos = [] if x_ranks is None else [abs(rank_correlation(x_ranks, y)) for y in answer_ranks]
        influence[name] = max((r for r in rhos if math.isfinite(r)), default=0.0)
    return influence


def list_builtins() -> list[dict[str, Any]]:
    """Return each built-in scenario's name, kind and description."""
    out = []
    for name in labecon.list_scenarios():
        fields = load_yaml(labecon.scenario_text(name))
        out.append(
            {
                "name": name,
                "kind": "world" if fields.get("labs") else "compute",
                "description": " ".join(str(fields.get("description", "")).split()),
            }
        )
    return out


DECIDING_NUMBERS = (".lease.capacity_limit_mw", ".lease.capacity_limit_h100e")
"""Ends of the paths of numbers that decide a route answer (``docs/model.md``, *Leases limited to what
builders are known to offer*): shown beside the model's choices, not among the other parameters."""


def _whose(path: str, names: ReaderNames) -> str:
    """Return the name for readers of the lab or cloud a parameter belongs to ("" for the others)."""
    section, _, rest = path.partition(".")
    key = rest.split(".", 1)[0]
    if section == "labs":
        return names.lab(key)
    return names.cloud(key) if section == "clouds" else ""


def _group(path: str) -> str:
    """Strategy parameters (what a lab decides) first; numbers that decide the answer; the rest by section."""
    if ".strategy." in path or path.startswith("strategies."):
        return "strategy"
    if path.startswith("labs.") and path.endswith(DECIDING_NUMBERS):
        return "assumption"
    if ".deal." in path or ".deals[" in path or ".investments[" in path:
        return "deal"
    return path.split(".", 1)[0]
