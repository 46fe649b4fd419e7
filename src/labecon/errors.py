"""The one exception family for everything a user can cause.

The CLI and any other front end catch :class:`LabeconError` and show its
message; any other exception escaping to a user is a bug.
"""

from __future__ import annotations


class LabeconError(Exception):
    """Base class of every error a user of labecon can cause."""


class ScenarioError(LabeconError):
    """A scenario (or one of its fields) is malformed.

    Parameters
    ----------
    message : str
        What is wrong, in plain words.
    path : str, optional
        Dotted path of the offending field, e.g. ``inputs.g.ci90``.
    """

    def __init__(self, message: str, path: str = "") -> None:
        self.path = path
        self.problem = message
        super().__init__(f"{path}: {message}" if path else message)


class OptionError(LabeconError):
    """A run option (sample count, seed, chunk size, output directory ...) is invalid."""

    def __init__(self, message: str, option: str = "") -> None:
        self.option = option
        self.problem = message
        super().__init__(f"{option}: {message}" if option else message)


class InputTableError(LabeconError):
    """A user-supplied table of input samples cannot be used."""


class OutputExistsError(LabeconError):
    """Writing results would overwrite something the user already has."""


class OptionalDependencyError(LabeconError, ImportError):
    """An optional extra is needed for this feature but is not installed."""


class BackendError(LabeconError):
    """A backend cannot run the work: e.g. no Dask scheduler at the given address."""


class StoreError(LabeconError):
    """The run store cannot record or give back a run (unknown run id, corrupt or locked database)."""


class ImplausibleValueWarning(UserWarning):
    """A scenario value lies far outside its field's usual range (a rate of 12 for 0.12, say).

    The scenario still loads and runs: the value may be meant. The message names
    the field, its unit and the likely slip.
    """
