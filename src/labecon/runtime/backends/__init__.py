"""Execution backends: where the blocks of a run are computed."""

from labecon.runtime.backends.base import Backend, BlockFunction
from labecon.runtime.backends.local import LocalBackend

__all__ = ["Backend", "BlockFunction", "LocalBackend"]
