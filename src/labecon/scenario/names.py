"""The names readers see for a scenario's labs and clouds (``display_name``), and for its routes and deals.

A scenario names its labs and clouds by keys (``lab_own``, ``aws_cloud``): they
are how overrides, selections and the outputs' coordinates refer to them. The
answers, tables, charts and dashboard show each by its ``display_name``
instead, when the scenario gives one; a route (``lab:route``) and a deal
(``cloud:lab``) by the names of their parts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ReaderNames:
    """Each lab's and cloud's name for readers, by key; a key without one is its own name."""

    labs: Mapping[str, str] = field(default_factory=dict)
    clouds: Mapping[str, str] = field(default_factory=dict)

    def lab(self, key: str) -> str:
        """Return a lab's name (its key if it has none)."""
        return self.labs.get(key, key)

    def cloud(self, key: str) -> str:
        """Return a cloud's name (its key if it has none; an investor's name is its own)."""
        return self.clouds.get(key, key)

    def route(self, label: str) -> str:
        """Return a route output's label, ``lab:route``, as ``Lab name: route``."""
        lab, sep, route = label.partition(":")
        return f"{self.lab(lab)}: {route}" if sep else self.lab(label)

    def deal(self, label: str, joiner: str = " with ") -> str:
        """Return a deal's label, ``cloud:lab`` (and its signing quarter), as ``Cloud name with Lab name``.

        ``joiner`` goes between the partner and the lab (a line break before "with": on two lines).
        """
        parts = deal_parts(label)
        if parts is None:
            return label
        cloud, lab, when = parts
        return f"{self.cloud(cloud)}{joiner}{self.lab(lab)}" + (f" {when}" if when else "")

    def of(self, dim: str, label: str) -> str:
        """Return the name of an outputs' coordinate value along ``dim`` (``lab``, ``route``, ``deal``)."""
        naming = {"lab": self.lab, "route": self.route, "deal": self.deal}.get(dim)
        return naming(label) if naming is not None else label

    def for_coords(self, coords: Mapping[str, Iterable[Any]]) -> dict[str, dict[str, str]]:
        """Return, per dim that has names, each coordinate value's name (only those it renames)."""
        out: dict[str, dict[str, str]] = {}
        for dim in ("lab", "route", "deal"):
            named = {str(v): self.of(dim, str(v)) for v in coords.get(dim, ())}
            out[dim] = {k: v for k, v in named.items() if v != k}
        return out


def deal_parts(label: str) -> tuple[str, str, str] | None:
    """Return a deal's label, ``cloud:lab (2025 Q4)``, as its cloud's, lab's and signing quarter's parts.

    The cloud's (or investor's) key, the lab's key and the quarter ("" when the label has none);
    None for a label that is not a deal's.
    """
    cloud, sep, rest = label.partition(":")
    if not sep:
        return None
    lab, _, when = rest.partition(" ")
    return cloud, lab, when


def reader_names(scenario: Any) -> ReaderNames:
    """Return the reader names of a scenario: a loaded one, its fields as a dict, or None (no names)."""
    return ReaderNames(_section(scenario, "labs"), _section(scenario, "clouds"))


def _section(scenario: Any, section: str) -> dict[str, str]:
    specs = scenario.get(section) if isinstance(scenario, Mapping) else getattr(scenario, section, None)
    out = {}
    for key, spec in (specs or {}).items():
        shown = spec.get("display_name") if isinstance(spec, Mapping) else getattr(spec, "display_name", None)
        if isinstance(shown, str) and shown.strip():
            out[str(key)] = shown.strip()
    return out


NO_NAMES = ReaderNames()
"""Every key its own name."""
