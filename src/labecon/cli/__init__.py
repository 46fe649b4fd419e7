"""The ``labecon`` command line: a thin layer over the public API.

``app`` (modules :mod:`~labecon.cli.app`) holds the commands: ``run``
(:mod:`~labecon.cli.run`), ``runs`` (:mod:`~labecon.cli.runs`), ``scenarios``,
and the analyses (:mod:`~labecon.cli.analyses`); what they show is in
:mod:`~labecon.cli.rendering`, the progress bar in :mod:`~labecon.cli.progress`.
"""

from __future__ import annotations

from labecon.cli.app import app, main

__all__ = ["app", "main"]
