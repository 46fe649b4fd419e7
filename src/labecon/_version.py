"""The installed package's version, read once from its metadata (``pyproject.toml`` is the one source)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def _installed_version() -> str:
    try:
        return version("labecon")
    except PackageNotFoundError:
        # Running from a source tree that was never installed: say so rather than guess.
        return "0+unknown"


__version__ = _installed_version()
"""The version of labecon, as installed (``0+unknown`` from an uninstalled source tree)."""
