"""Errors the API answers with: a status and a body naming the field and the problem."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A request the API refuses.

    Parameters
    ----------
    status : int
        HTTP status (404, 413, 415, 422, 429, 409).
    field : str
        What the problem is about: a body field (``n_samples``), a scenario
        path (``labs.lab_own.cash_usd``), or ``body``, ``run_id``, ...
    message : str
        The problem in plain words.
    """

    def __init__(self, status: int, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.status = status
        self.field = field
        self.message = message

    def body(self) -> dict[str, Any]:
        """Return the JSON body: ``{"detail": [{"field": ..., "message": ...}]}``."""
        return {"detail": [{"field": self.field, "message": self.message}]}


def error_body(field: str, message: str) -> dict[str, Any]:
    """Return the JSON body of one error."""
    return {"detail": [{"field": field, "message": message}]}
