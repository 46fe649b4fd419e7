"""The built-in scenarios: YAML files shipped inside the package."""

from __future__ import annotations

from importlib import resources

from labecon.errors import ScenarioError

_PACKAGE = "labecon.scenario.builtin"


def list_builtin() -> list[str]:
    """Return the names of the built-in scenarios, sorted."""
    files = resources.files(_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".yaml") for f in files if f.name.endswith(".yaml"))


def builtin_text(name: str) -> str:
    """Return the YAML text of the built-in scenario ``name``, ready to copy and edit."""
    if name not in list_builtin():
        known = ", ".join(list_builtin())
        msg = f"no built-in scenario named {name!r}; built-ins: {known}"
        raise ScenarioError(msg, "scenario")
    return resources.files(_PACKAGE).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
