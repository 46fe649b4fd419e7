"""Building blocks of the scenario schema: number-or-input parameters and their bounds.

A model parameter that can be uncertain is a :data:`ParamValue`: a number, or
the name of an uncertain input declared in the scenario's ``inputs``. Its
allowed range is a :class:`Bounds`, attached with :func:`Bounded`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Annotated, Any, get_args, get_origin

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, BeforeValidator, ConfigDict

NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Bounds:
    """Allowed range of a numeric parameter (``None`` means unbounded).

    ``integer`` asks for whole numbers (e.g. a lead time in quarters).
    """

    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None
    integer: bool = False

    def violation(self, value: float) -> str | None:
        """Return a description of how ``value`` breaks the bounds, or ``None``."""
        if not math.isfinite(value):
            return f"must be a finite number, got {value}"
        if self.integer and value != int(value):
            return f"must be a whole number, got {value}"
        if self.ge is not None and value < self.ge:
            return f"must be >= {self.ge:g}, got {value:g}"
        if self.gt is not None and value <= self.gt:
            return f"must be > {self.gt:g}, got {value:g}"
        if self.le is not None and value > self.le:
            return f"must be <= {self.le:g}, got {value:g}"
        if self.lt is not None and value >= self.lt:
            return f"must be < {self.lt:g}, got {value:g}"
        return None

    def first_violation(self, values: NDArray[np.float64]) -> tuple[int, str] | None:
        """Return ``(index, problem)`` of the first value outside the bounds, or ``None``."""
        bad = ~np.isfinite(values)
        if self.integer:
            bad |= values != np.round(values)
        for limit, too_far in (
            (self.ge, values < (self.ge if self.ge is not None else 0.0)),
            (self.gt, values <= (self.gt if self.gt is not None else 0.0)),
            (self.le, values > (self.le if self.le is not None else 0.0)),
            (self.lt, values >= (self.lt if self.lt is not None else 0.0)),
        ):
            if limit is not None:
                bad |= too_far
        if not bad.any():
            return None
        index = int(np.argmax(bad))
        return index, self.violation(float(values[index])) or "is out of bounds"

    def describe(self) -> str:
        """Return the bounds as text, e.g. ``>= 0, < 1``."""
        parts = []
        for op, val in ((">=", self.ge), (">", self.gt), ("<=", self.le), ("<", self.lt)):
            if val is not None:
                parts.append(f"{op} {val:g}")
        if self.integer:
            parts.append("whole number")
        return ", ".join(parts) or "any finite number"


def _param_validator(bounds: Bounds) -> BeforeValidator:
    def check(value: Any) -> float | str:
        if isinstance(value, bool):
            msg = f"expected a number or an input name, got a boolean ({value})"
            raise ValueError(msg)  # noqa: TRY004 - pydantic turns ValueError into a located error
        if isinstance(value, str):
            name = value.strip()
            if not NAME_RE.match(name):
                msg = f"expected a number or the name of an input, got {value!r}"
                raise ValueError(msg)
            return name
        if isinstance(value, int | float):
            try:
                number = float(value)
            except OverflowError:  # a whole number beyond any float (hundreds of digits)
                msg = "must be a finite number, got a whole number too large for one"
                raise ValueError(msg) from None
            problem = bounds.violation(number)
            if problem:
                raise ValueError(problem)
            return number
        msg = f"expected a number or the name of an input, got {type(value).__name__}"
        raise ValueError(msg)

    return BeforeValidator(check)


ParamValue = float | str
"""A number, or the name of an uncertain input whose draw replaces it per sample."""


def Bounded(**bounds: Any) -> BeforeValidator:
    """Return the validator of a :data:`ParamValue` field with the given :class:`Bounds`."""
    b = Bounds(**bounds)
    validator = _param_validator(b)
    validator.func.bounds = b  # type: ignore[union-attr]
    return validator


def bounds_of(model: type[BaseModel], field: str) -> Bounds | None:
    """Return the :class:`Bounds` of ``model.field`` if it is a :data:`ParamValue`, else ``None``.

    Also of an optional one (``NonNeg | None``), whose bounds sit inside the union.
    """
    info = model.model_fields[field]
    metadata = list(info.metadata)
    for arg in get_args(info.annotation):
        if get_origin(arg) is Annotated:
            metadata.extend(arg.__metadata__)
    for meta in metadata:
        if isinstance(meta, BeforeValidator) and hasattr(meta.func, "bounds"):
            bounds: Bounds = meta.func.bounds
            return bounds
    return None


class Spec(BaseModel):
    """Base of every scenario section: unknown fields rejected, frozen, defaults validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


_Spec = Spec
