"""What a run assumed: its uncertain inputs and every number with its source, as tables.

The report's appendix and the workbook's sheets are built from these, so a
reader can check each assumption against its source.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from labecon.errors import LabeconError
from labecon.scenario.builtin import list_builtin
from labecon.scenario.loader import dump_scenario, load_scenario
from labecon.scenario.provenance import scenario_sources
from labecon.scenario.sources import expand
from labecon.scenario.yaml_text import load_yaml

_SPEC_KEYS = ("description", "units", "source", "dist")


def _source_of(scenario_yaml: str, name: str) -> Any:
    """Return what to read sources from: the built-in of that name if the run ran it unchanged.

    Notes written as YAML comments survive only in the built-in's own text.
    """
    data = load_yaml(scenario_yaml)
    if name in list_builtin():
        try:
            if dump_scenario(load_scenario(name)) == scenario_yaml:
                return name
        except LabeconError:
            pass
    return data


def sources_table(scenario_yaml: str, name: str = "") -> pd.DataFrame:
    """Return every number the scenario uses: ``field``, ``value``, ``set by`` and ``source``.

    ``set by`` is ``scenario`` for a value the scenario gives and ``default``
    for a schema default it relies on; ``source`` is the citation or the
    labelled assumption (empty when none was given).
    """
    rows = [
        {
            "field": s.path,
            "value": s.value,
            "set by": s.origin,
            "source": s.note,
        }
        for s in scenario_sources(_source_of(scenario_yaml, name))
    ]
    return pd.DataFrame(rows, columns=["field", "value", "set by", "source"])


def inputs_table(scenario_yaml: str) -> pd.DataFrame:
    """Return the uncertain inputs, one row each, with their distribution, units, meaning and source.

    A source's ``src:KEY`` citations are written out as the source's title and address.
    """
    data = load_yaml(scenario_yaml) or {}
    extra = data.get("references")
    own = {str(k): str(v) for k, v in extra.items()} if isinstance(extra, dict) else {}
    rows = []
    for name, spec in (data.get("inputs") or {}).items():
        spec = dict(spec) if isinstance(spec, dict) else {"dist": "fixed", "value": spec}
        params = {k: v for k, v in spec.items() if k not in _SPEC_KEYS and v is not None}
        rows.append(
            {
                "input": name,
                "distribution": spec.get("dist", ""),
                "parameters": ", ".join(f"{k} {_text(v)}" for k, v in params.items()),
                "units": spec.get("units") or "",
                "description": spec.get("description") or "",
                "source": expand(str(spec.get("source") or ""), own),
            }
        )
    return pd.DataFrame(
        rows, columns=["input", "distribution", "parameters", "units", "description", "source"]
    )


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return f"{value:g}" if isinstance(value, float) else str(value)
