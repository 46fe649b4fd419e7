"""Settings of the web app: limits that keep one server usable by many people at once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from labecon.errors import OptionError

ENV_PREFIX = "LABECON_WEB_"
"""Each setting can be given as an environment variable, e.g. ``LABECON_WEB_MAX_JOBS=4``."""


@dataclass(frozen=True)
class WebSettings:
    """Limits and defaults of the web app.

    Attributes
    ----------
    max_body_bytes : int
        Largest request body accepted (bytes); a larger one gets ``413``.
    max_samples : int
        Largest sample count of one run (samples); more gets ``413``.
    immediate_max_samples : int
        Runs up to this many samples are answered at once (``200``) and not
        recorded; larger ones start a job (``202``) recorded in the run store.
    max_jobs : int
        Jobs that may run at the same time; one more gets ``429``.
    max_waiting_runs : int
        Immediate runs that may wait for a free core; one more gets ``429``.
    preview_samples : int
        Samples of the dashboard's preview after each change.
    full_run_samples : int
        Samples of the dashboard's "full run" job.
    run_workers : int
        Worker processes computing immediate runs; default one per core (jobs
        then run in processes of their own too); 0 computes both in threads of
        the server process (no processes to start, but runs share one core).
    store : Path or None
        The run store's directory; default ``$LABECON_STORE`` or ``labecon-results``.
    """

    max_body_bytes: int = 1_000_000
    max_samples: int = 10_000_000
    immediate_max_samples: int = 50_000
    max_jobs: int = 2
    max_waiting_runs: int = 64
    preview_samples: int = 10_000
    full_run_samples: int = 200_000
    run_workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    store: Path | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "store":
                continue
            least = 0 if f.name == "run_workers" else 1
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                msg = f"must be a whole number >= {least}, got {value!r}"
                raise OptionError(msg, f.name)

    @classmethod
    def from_env(cls, **given: object) -> WebSettings:
        """Return settings from ``LABECON_WEB_*`` environment variables, then ``given``.

        Raises
        ------
        OptionError
            A variable is not a whole number >= 1; the message names it.
        """
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = os.environ.get(ENV_PREFIX + f.name.upper())
            if raw is None:
                continue
            if f.name == "store":
                values[f.name] = Path(raw)
                continue
            try:
                values[f.name] = int(raw)
            except ValueError:
                msg = f"must be a whole number, got {raw!r}"
                raise OptionError(msg, ENV_PREFIX + f.name.upper()) from None
        values.update({k: v for k, v in given.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
