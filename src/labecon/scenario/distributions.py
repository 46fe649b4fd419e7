"""Distribution specifications: how an uncertain scenario input is described.

This module is pure data. Each distribution kind is a frozen pydantic model with
a ``dist`` tag (``dist: lognormal``, ``dist: uniform`` ...); together they form
the discriminated union :data:`DistributionSpec`. Nothing here draws numbers:
sampling lives in :mod:`labecon.uncertain`.

The main form for positive, skewed quantities is the lognormal given by its
90% interval, ``{dist: lognormal, ci90: [0.3, 1.5]}``: 0.3 is the 5th and 1.5
the 95th percentile. A bare number in a scenario is a fixed (certain) value.

Units are those of the input the spec describes; the optional ``units`` field
records them for documentation only and converts nothing.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Annotated, Literal, cast

import numpy as np
from numpy.typing import NDArray
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from labecon.errors import ScenarioError
from labecon.scenario.validation import DIST_KINDS, FieldError, describe_input, first_error, join_path

__all__ = [
    "DIST_KINDS",
    "Z95",
    "BetaSpec",
    "CorrelationSpec",
    "DiscreteSpec",
    "DistributionSpec",
    "FixedSpec",
    "IntUniformSpec",
    "LogNormalSpec",
    "NormalSpec",
    "PertSpec",
    "TriangularSpec",
    "UniformSpec",
    "check_correlation_matrix",
    "correlation_error_from_validation",
    "distribution_error_from_validation",
    "parse_correlation",
    "parse_distribution",
    "rank_to_normal_correlation",
]

Z95 = 1.6448536269514722
"""The standard normal 95th percentile, ``Phi^-1(0.95)`` (dimensionless).

A 90% central interval ``[p5, p95]`` spans ``2 * Z95`` standard deviations.
"""

_MAX_EXACT_INT = 2**53
"""Largest integer magnitude that converts to float64 exactly."""

_SYMMETRY_TOL = 1e-9
_DIAGONAL_TOL = 1e-9
_PSD_TOL = 1e-10

Number = Annotated[float, Strict()]
"""A real number: ints and floats are accepted, strings and booleans are not."""

Integer = Annotated[int, Strict()]
"""A whole number given as an int (not ``1.0``, not ``True``)."""

Text = Annotated[str, Strict()]

_MODEL_CONFIG = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _fmt(x: float) -> str:
    """Format a number briefly for messages and summaries (4 significant digits)."""
    return f"{x:.4g}"


def _check_range(low: float, high: float) -> None:
    """Raise ``ValueError`` unless ``low < high`` and their difference is finite."""
    if not low < high:
        msg = f"low ({_fmt(low)}) must be below high ({_fmt(high)})"
        raise ValueError(msg)
    if not math.isfinite(high - low):
        msg = f"the range low..high ({_fmt(low)}..{_fmt(high)}) is too wide to represent"
        raise ValueError(msg)


def _check_ci90(ci90: list[float] | None, *, positive: bool) -> list[float] | None:
    """Validate a ``[p5, p95]`` pair; raise ``ValueError`` naming the problem."""
    if ci90 is None:
        return None
    if len(ci90) != 2:
        msg = f"ci90 must be a pair [p5, p95] of two numbers, got {len(ci90)}"
        raise ValueError(msg)
    a, b = ci90
    if positive and a <= 0.0:
        msg = (
            f"the 5th percentile in ci90 ({_fmt(a)}) must be positive: "
            "a lognormal quantity is always above zero"
        )
        raise ValueError(msg)
    if not a < b:
        msg = f"ci90 must be in increasing order [p5, p95], but {_fmt(a)} is not below {_fmt(b)}"
        raise ValueError(msg)
    if not math.isfinite(b - a):
        msg = f"ci90 [{_fmt(a)}, {_fmt(b)}] is too wide to represent"
        raise ValueError(msg)
    if positive and not math.log(b) - math.log(a) > 0.0:
        msg = f"ci90 [{_fmt(a)}, {_fmt(b)}] is too narrow to represent"
        raise ValueError(msg)
    return ci90


def _check_positive(value: float | None, name: str) -> float | None:
    if value is not None and not value > 0.0:
        msg = f"{name} must be positive, got {_fmt(value)}"
        raise ValueError(msg)
    return value


def _check_mode(info: ValidationInfo, high: float) -> None:
    """Check ``low < high`` and ``low <= mode <= high`` (if low and mode were valid)."""
    low = info.data.get("low")
    if low is None:
        return
    _check_range(low, high)
    mode = info.data.get("mode")
    if mode is not None and not low <= mode <= high:
        msg = f"mode ({_fmt(mode)}) must lie between low ({_fmt(low)}) and high ({_fmt(high)})"
        raise ValueError(msg)


def _check_one_form(form_a: dict[str, float | None], form_b: dict[str, object], kind: str) -> None:
    """Require exactly one complete parameter form; raise :class:`FieldError` otherwise."""
    ((name_b, value_b),) = form_b.items()
    given_a = [name for name, value in form_a.items() if value is not None]
    names_a = " and ".join(form_a)
    if value_b is not None:
        if given_a:
            msg = f"give either {names_a}, or {name_b}, not both"
            raise FieldError(msg, given_a[0])
        return
    missing = [name for name in form_a if name not in given_a]
    if missing:
        msg = f"a {kind} distribution needs {name_b}: [p5, p95], or both {names_a}"
        raise FieldError(msg, missing[0])


class _SpecBase(BaseModel):
    """Fields shared by every distribution spec (documentation only)."""

    model_config = _MODEL_CONFIG

    description: Text = Field("", description="What the quantity is, in plain words (documentation only).")
    units: Text = Field(
        "", description="Units of the sampled values, e.g. 'USD per GPU-hour' (documentation only)."
    )
    source: Text = Field(
        "",
        description="Where the numbers come from: citation, URL or 'assumption' (documentation).",
    )


class FixedSpec(_SpecBase):
    """A certain value: every sample gets ``value``.

    Parameters
    ----------
    value : float
        The value, in the units of the input.
    """

    dist: Literal["fixed"] = Field("fixed", description="Distribution kind.")
    value: Number = Field(description="The value (units of the input).")


class UniformSpec(_SpecBase):
    """Uniform on ``[low, high)``.

    Parameters
    ----------
    low, high : float
        Ends of the interval in the units of the input; ``low < high``.
    """

    dist: Literal["uniform"] = Field("uniform", description="Distribution kind.")
    low: Number = Field(description="Lower end (units of the input).")
    high: Number = Field(description="Upper end, above low (units of the input).")

    @field_validator("high")
    @classmethod
    def _check_high(cls, high: float, info: ValidationInfo) -> float:
        _check_mode(info, high)
        return high


class NormalSpec(_SpecBase):
    """Normal, given either by ``mean`` and ``sd`` or by its 90% interval ``ci90``.

    Parameters
    ----------
    mean : float, optional
        Mean in the units of the input.
    sd : float, optional
        Standard deviation (> 0) in the units of the input.
    ci90 : list of float, optional
        ``[p5, p95]``, the 5th and 95th percentiles; then ``mean = (p5 + p95) / 2``
        and ``sd = (p95 - p5) / (2 * 1.6448536269514722)``.
    """

    dist: Literal["normal"] = Field("normal", description="Distribution kind.")
    mean: Number | None = Field(
        None, description="Mean (units of the input); give with sd, or give ci90 instead."
    )
    sd: Number | None = Field(None, description="Standard deviation, > 0 (units of the input).")
    ci90: list[Number] | None = Field(
        None, description="[p5, p95]: 5th and 95th percentiles (units of the input)."
    )

    @field_validator("sd")
    @classmethod
    def _check_sd(cls, sd: float | None) -> float | None:
        return _check_positive(sd, "sd")

    @field_validator("ci90")
    @classmethod
    def _check_ci90(cls, ci90: list[float] | None) -> list[float] | None:
        return _check_ci90(ci90, positive=False)

    @model_validator(mode="after")
    def _check_form(self) -> NormalSpec:
        _check_one_form({"mean": self.mean, "sd": self.sd}, {"ci90": self.ci90}, "normal")
        return self

    @property
    def mean_resolved(self) -> float:
        """The mean, whichever form was given (units of the input)."""
        if self.ci90 is not None:
            return 0.5 * (self.ci90[0] + self.ci90[1])
        return cast("float", self.mean)  # set: validation requires mean+sd or ci90

    @property
    def sd_resolved(self) -> float:
        """The standard deviation, whichever form was given (units of the input)."""
        if self.ci90 is not None:
            return (self.ci90[1] - self.ci90[0]) / (2.0 * Z95)
        return cast("float", self.sd)  # set: validation requires mean+sd or ci90


class LogNormalSpec(_SpecBase):
    """Lognormal, given by its 90% interval ``ci90`` (main form) or by ``mu`` and ``sigma``.

    ``log(X)`` is normal with mean ``mu`` and standard deviation ``sigma``.

    Parameters
    ----------
    ci90 : list of float, optional
        ``[p5, p95]`` with ``0 < p5 < p95``, the 5th and 95th percentiles in the
        units of the input. Then ``mu = (ln p5 + ln p95) / 2`` and
        ``sigma = (ln p95 - ln p5) / (2 * 1.6448536269514722)``.
    mu : float, optional
        Mean of ``log(X)`` (log of the input's units); ``exp(mu)`` is the median.
    sigma : float, optional
        Standard deviation of ``log(X)`` (> 0, dimensionless).
    """

    dist: Literal["lognormal"] = Field("lognormal", description="Distribution kind.")
    mu: Number | None = Field(None, description="Mean of log(X); give with sigma, or give ci90 instead.")
    sigma: Number | None = Field(None, description="Standard deviation of log(X), > 0 (dimensionless).")
    ci90: list[Number] | None = Field(
        None,
        description="[p5, p95] with 0 < p5 < p95: 5th and 95th percentiles (units of the input).",
    )

    @field_validator("sigma")
    @classmethod
    def _check_sigma(cls, sigma: float | None) -> float | None:
        return _check_positive(sigma, "sigma")

    @field_validator("ci90")
    @classmethod
    def _check_ci90(cls, ci90: list[float] | None) -> list[float] | None:
        return _check_ci90(ci90, positive=True)

    @model_validator(mode="after")
    def _check_form(self) -> LogNormalSpec:
        _check_one_form({"mu": self.mu, "sigma": self.sigma}, {"ci90": self.ci90}, "lognormal")
        return self

    @property
    def mu_log(self) -> float:
        """Mean of ``log(X)``, whichever form was given (log of the input's units)."""
        if self.ci90 is not None:
            return 0.5 * (math.log(self.ci90[0]) + math.log(self.ci90[1]))
        return cast("float", self.mu)  # set: validation requires ci90 or mu+sigma

    @property
    def sigma_log(self) -> float:
        """Standard deviation of ``log(X)``, whichever form was given (dimensionless)."""
        if self.ci90 is not None:
            return (math.log(self.ci90[1]) - math.log(self.ci90[0])) / (2.0 * Z95)
        return cast("float", self.sigma)  # set: validation requires ci90 or mu+sigma


class TriangularSpec(_SpecBase):
    """Triangular on ``[low, high]`` with peak at ``mode``.

    Parameters
    ----------
    low, mode, high : float
        In the units of the input; ``low <= mode <= high`` and ``low < high``.
    """

    dist: Literal["triangular"] = Field("triangular", description="Distribution kind.")
    low: Number = Field(description="Lowest value (units of the input).")
    mode: Number = Field(description="Most likely value, low <= mode <= high (units of the input).")
    high: Number = Field(description="Highest value, above low (units of the input).")

    @field_validator("high")
    @classmethod
    def _check_high(cls, high: float, info: ValidationInfo) -> float:
        _check_mode(info, high)
        return high


class PertSpec(_SpecBase):
    """(Modified) PERT on ``[low, high]`` with most likely value ``mode``.

    A beta distribution rescaled to ``[low, high]`` with shape parameters
    ``alpha = 1 + lamb * (mode - low) / (high - low)`` and
    ``beta = 1 + lamb * (high - mode) / (high - low)``; its mean is
    ``(low + lamb * mode + high) / (lamb + 2)``.

    Parameters
    ----------
    low, mode, high : float
        In the units of the input; ``low <= mode <= high`` and ``low < high``.
    lamb : float, default 4.0
        Weight of the mode (> 0, dimensionless); 4 is the classic PERT.
    """

    dist: Literal["pert"] = Field("pert", description="Distribution kind.")
    low: Number = Field(description="Lowest value (units of the input).")
    mode: Number = Field(description="Most likely value, low <= mode <= high (units of the input).")
    high: Number = Field(description="Highest value, above low (units of the input).")
    lamb: Number = Field(4.0, description="Weight of the mode, > 0 (dimensionless); 4 is the classic PERT.")

    @field_validator("high")
    @classmethod
    def _check_high(cls, high: float, info: ValidationInfo) -> float:
        _check_mode(info, high)
        return high

    @field_validator("lamb")
    @classmethod
    def _check_lamb(cls, lamb: float) -> float:
        _check_positive(lamb, "lamb")
        return lamb

    @property
    def alpha(self) -> float:
        """First beta shape parameter (dimensionless)."""
        return 1.0 + self.lamb * (self.mode - self.low) / (self.high - self.low)

    @property
    def beta(self) -> float:
        """Second beta shape parameter (dimensionless)."""
        return 1.0 + self.lamb * (self.high - self.mode) / (self.high - self.low)


class BetaSpec(_SpecBase):
    """Beta with shapes ``alpha`` and ``beta``, rescaled to ``[low, high]``.

    Parameters
    ----------
    alpha, beta : float
        Shape parameters (> 0, dimensionless).
    low, high : float, default 0.0 and 1.0
        Ends of the support in the units of the input; ``low < high``.
    """

    dist: Literal["beta"] = Field("beta", description="Distribution kind.")
    alpha: Number = Field(description="First shape parameter, > 0 (dimensionless).")
    beta: Number = Field(description="Second shape parameter, > 0 (dimensionless).")
    low: Number = Field(0.0, description="Lower end of the support (units of the input).")
    high: Number = Field(1.0, description="Upper end of the support, above low (units of the input).")

    @field_validator("alpha", "beta")
    @classmethod
    def _check_shape(cls, value: float, info: ValidationInfo) -> float:
        _check_positive(value, str(info.field_name))
        return value

    @field_validator("high")
    @classmethod
    def _check_high(cls, high: float, info: ValidationInfo) -> float:
        _check_mode(info, high)
        return high

    @model_validator(mode="after")
    def _check_default_range(self) -> BetaSpec:
        # The field validator on `high` does not run when `high` keeps its
        # default, so a lone `low: 2` must be caught here.
        if not self.low < self.high:
            msg = f"low ({_fmt(self.low)}) must be below high ({_fmt(self.high)})"
            raise FieldError(msg, "low")
        return self


class DiscreteSpec(_SpecBase):
    """A finite set of values with weights (probabilities up to a constant).

    Parameters
    ----------
    values : list of float
        The possible values (at least one), in the units of the input.
    weights : list of float, optional
        One non-negative weight per value, summing to more than zero; they are
        normalised to probabilities. Equal weights if omitted.
    """

    dist: Literal["discrete"] = Field("discrete", description="Distribution kind.")
    values: list[Number] = Field(description="The possible values, at least one (units of the input).")
    weights: list[Number] | None = Field(
        None,
        description="One weight >= 0 per value, normalised to probabilities; equal if omitted.",
    )

    @field_validator("values")
    @classmethod
    def _check_values(cls, values: list[float]) -> list[float]:
        if not values:
            msg = "values must list at least one value"
            raise ValueError(msg)
        return values

    @field_validator("weights")
    @classmethod
    def _check_weights(cls, weights: list[float] | None, info: ValidationInfo) -> list[float] | None:
        if weights is None:
            return None
        values = info.data.get("values")
        if values is not None and len(weights) != len(values):
            msg = (
                f"weights has {len(weights)} entries but values has {len(values)}; give one weight per value"
            )
            raise ValueError(msg)
        for i, w in enumerate(weights):
            if w < 0.0:
                msg = f"weights must not be negative, but weights[{i}] is {_fmt(w)}"
                raise ValueError(msg)
        total = sum(weights)  # not fsum: that raises on overflow instead of giving inf
        if not total > 0.0:
            msg = "weights must sum to more than zero"
            raise ValueError(msg)
        if not math.isfinite(total):
            msg = "weights are too large: their sum overflows; rescale them"
            raise ValueError(msg)
        return weights

    @property
    def probabilities(self) -> list[float]:
        """The weights normalised to sum to one (equal if no weights were given)."""
        if self.weights is None:
            return [1.0 / len(self.values)] * len(self.values)
        total = math.fsum(self.weights)
        return [w / total for w in self.weights]


class IntUniformSpec(_SpecBase):
    """Integers ``low, low + 1, ..., high``, all equally likely (both ends included).

    Parameters
    ----------
    low, high : int
        Ends, included, in the units of the input; ``low <= high`` and both
        within ``+-2**53`` so that they are exact as float64.
    """

    dist: Literal["int_uniform"] = Field("int_uniform", description="Distribution kind.")
    low: Integer = Field(description="Lowest integer, included.")
    high: Integer = Field(description="Highest integer, included, >= low.")

    @field_validator("low", "high")
    @classmethod
    def _check_exact(cls, value: int, info: ValidationInfo) -> int:
        if abs(value) > _MAX_EXACT_INT:
            msg = f"{info.field_name} ({value}) must be within +-2**53 to be exact as a float"
            raise ValueError(msg)
        return value

    @field_validator("high")
    @classmethod
    def _check_high(cls, high: int, info: ValidationInfo) -> int:
        low = info.data.get("low")
        if low is not None and not low <= high:
            msg = f"low ({low}) must not be above high ({high})"
            raise ValueError(msg)
        return high


DistributionSpec = Annotated[
    FixedSpec
    | UniformSpec
    | NormalSpec
    | LogNormalSpec
    | TriangularSpec
    | PertSpec
    | BetaSpec
    | DiscreteSpec
    | IntUniformSpec,
    Field(discriminator="dist"),
]
"""Any distribution spec, told apart by its ``dist`` field."""

_SPEC_CLASSES: dict[str, type[_SpecBase]] = {
    "fixed": FixedSpec,
    "uniform": UniformSpec,
    "normal": NormalSpec,
    "lognormal": LogNormalSpec,
    "triangular": TriangularSpec,
    "pert": PertSpec,
    "beta": BetaSpec,
    "discrete": DiscreteSpec,
    "int_uniform": IntUniformSpec,
}

_SPEC_TYPES = (
    FixedSpec,
    UniformSpec,
    NormalSpec,
    LogNormalSpec,
    TriangularSpec,
    PertSpec,
    BetaSpec,
    DiscreteSpec,
    IntUniformSpec,
)


# --------------------------------------------------------------------------- #
# Turning pydantic errors into plain ScenarioError messages
# --------------------------------------------------------------------------- #


def _from_validation(exc: ValidationError, path: str, model: type[BaseModel] | None) -> ScenarioError:
    """Turn the first error of ``exc`` into a :class:`ScenarioError` (the scenario's one translation).

    With ``model=None`` the error comes from the :data:`DistributionSpec` union,
    whose locations start with the ``dist`` tag; the tag names the model.
    """
    if model is not None:
        return first_error(exc, path, model)
    loc = tuple(exc.errors()[0]["loc"])
    tagged = bool(loc) and isinstance(loc[0], str) and loc[0] in _SPEC_CLASSES
    if tagged:
        return first_error(exc, path, _SPEC_CLASSES[str(loc[0])], skip=1)
    return first_error(exc, path, _SpecBase)


def distribution_error_from_validation(exc: ValidationError, path: str) -> ScenarioError:
    """Convert a pydantic error raised while validating one distribution spec.

    Use it where a spec was validated by pydantic directly (e.g. as a field
    typed :data:`DistributionSpec`) rather than by :func:`parse_distribution`.

    Parameters
    ----------
    exc : pydantic.ValidationError
        The error from validating one spec, with a spec class or with
        ``TypeAdapter(DistributionSpec)``.
    path : str
        Dotted path of the spec in the scenario, e.g. ``inputs.g``.

    Returns
    -------
    ScenarioError
        Its path names the offending sub-field (``inputs.g.ci90``) and its
        message the problem, in plain words. Only the first problem is spelt out.
    """
    model = next((cls for cls in _SPEC_CLASSES.values() if cls.__name__ == exc.title), None)
    return _from_validation(exc, path, model)


def _bad_type_message(value: object) -> str:
    return (
        "expected a number or a distribution such as "
        f"{{dist: lognormal, ci90: [0.3, 1.5]}}, got {describe_input(value)}"
    )


def parse_distribution(value: object, path: str) -> DistributionSpec:
    """Build a distribution spec from scenario data.

    Parameters
    ----------
    value : object
        A mapping with a ``dist`` key (``{"dist": "lognormal", "ci90": [0.3, 1.5]}``),
        a bare number (a :class:`FixedSpec`), or an already built spec
        (returned as is).
    path : str
        Dotted path of the value in the scenario, used in error messages,
        e.g. ``inputs.g``.

    Returns
    -------
    DistributionSpec
        The validated spec.

    Raises
    ------
    ScenarioError
        If the value is not a valid spec; ``.path`` names the offending
        sub-field and the message says what is wrong.
    """
    if isinstance(value, _SPEC_TYPES):
        return value
    if isinstance(value, bool):
        raise ScenarioError(_bad_type_message(value), path)
    if isinstance(value, int | float | np.integer | np.floating):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            msg = f"must be a finite number, got {describe_input(value)}"
            raise ScenarioError(msg, path)
        return FixedSpec(value=number)
    if not isinstance(value, Mapping):
        raise ScenarioError(_bad_type_message(value), path)
    kinds = ", ".join(DIST_KINDS)
    if "dist" not in value:
        msg = f"a distribution needs a 'dist' field naming its kind, one of {kinds}"
        raise ScenarioError(msg, join_path(path, "dist"))
    kind = value["dist"]
    if not isinstance(kind, str):
        msg = f"dist must name the distribution kind, one of {kinds}; got {describe_input(kind)}"
        raise ScenarioError(msg, join_path(path, "dist"))
    model = _SPEC_CLASSES.get(kind)
    if model is None:
        msg = f"unknown distribution {kind!r}; expected one of {kinds}"
        close = difflib.get_close_matches(kind, DIST_KINDS, n=1)
        if close:
            msg = f"{msg} (did you mean {close[0]!r}?)"
        raise ScenarioError(msg, join_path(path, "dist"))
    try:
        spec = model.model_validate(dict(value))
    except ValidationError as exc:
        raise _from_validation(exc, path, model) from None
    return cast("DistributionSpec", spec)


# --------------------------------------------------------------------------- #
# Correlation
# --------------------------------------------------------------------------- #


def rank_to_normal_correlation(rho_s: NDArray[np.float64] | float) -> NDArray[np.float64]:
    """Convert a Spearman rank correlation to the Gaussian-copula normal-score correlation.

    For a bivariate normal with correlation ``r`` the Spearman rank correlation
    is ``rho_s = (6 / pi) * arcsin(r / 2)``, so a target ``rho_s`` is reached by
    ``r = 2 * sin(pi * rho_s / 6)`` (Pearson 1907; see e.g. Kruskal, "Ordinal
    measures of association", JASA 53, 1958, https://doi.org/10.2307/2281952).
    Spearman correlation is invariant under the monotone marginal transforms,
    so it carries over to any continuous marginals.

    Parameters
    ----------
    rho_s : float or ndarray
        Target Spearman rank correlation(s) in ``[-1, 1]`` (dimensionless).

    Returns
    -------
    ndarray
        Correlation(s) of the normal scores, same shape (0-d for a scalar).
    """
    r = np.asarray(rho_s, dtype=np.float64)
    return np.asarray(2.0 * np.sin(np.pi * r / 6.0), dtype=np.float64)


def _min_eigenvalue(a: NDArray[np.float64]) -> float:
    return float(np.linalg.eigvalsh(a)[0])


def check_correlation_matrix(
    matrix: Sequence[Sequence[float]],
    names: Sequence[str],
    *,
    kind: Literal["spearman", "normal"] = "spearman",
) -> None:
    """Check that ``matrix`` is a valid correlation matrix for ``names``.

    Parameters
    ----------
    matrix : sequence of sequences of float
        Square ``len(names) x len(names)``, finite entries in ``[-1, 1]``,
        unit diagonal (within 1e-9), symmetric (within 1e-9) and positive
        semi-definite (smallest eigenvalue >= -1e-10); dimensionless.
    names : sequence of str
        The inputs the rows and columns stand for (used in messages).
    kind : {"spearman", "normal"}
        With ``"spearman"`` the matrix converted by
        :func:`rank_to_normal_correlation` must be positive semi-definite too.

    Raises
    ------
    ValueError
        On the first violation, with a message naming it.
    """
    n = len(names)
    if len(matrix) != n:
        msg = f"matrix has {len(matrix)} rows but names has {n} entries; it must be {n} x {n}"
        raise ValueError(msg)
    for i, row in enumerate(matrix):
        if len(row) != n:
            msg = f"matrix row {i} has {len(row)} entries; the matrix must be square, {n} x {n}"
            raise ValueError(msg)
    a = np.array(matrix, dtype=np.float64).reshape(n, n)
    if not np.isfinite(a).all():
        msg = "matrix entries must be finite numbers"
        raise ValueError(msg)
    for i in range(n):
        if abs(a[i, i] - 1.0) > _DIAGONAL_TOL:
            msg = f"the diagonal must be 1, but matrix[{i}][{i}] ({names[i]}) is {_fmt(a[i, i])}"
            raise ValueError(msg)
    bad = np.argwhere(np.abs(a) > 1.0)
    if bad.size:
        i, j = (int(k) for k in bad[0])
        msg = f"correlations must lie in [-1, 1], but matrix[{i}][{j}] is {_fmt(a[i, j])}"
        raise ValueError(msg)
    asym = np.argwhere(np.abs(a - a.T) > _SYMMETRY_TOL)
    if asym.size:
        i, j = (int(k) for k in asym[0])
        msg = (
            f"the matrix must be symmetric, but matrix[{i}][{j}] ({_fmt(a[i, j])}) differs from "
            f"matrix[{j}][{i}] ({_fmt(a[j, i])}) ({names[i]} vs {names[j]})"
        )
        raise ValueError(msg)
    lam = _min_eigenvalue(a)
    if lam < -_PSD_TOL:
        msg = (
            "the correlations are inconsistent with each other: the matrix is not positive "
            f"semi-definite (smallest eigenvalue {lam:.3g})"
        )
        raise ValueError(msg)
    if kind == "spearman":
        lam = _min_eigenvalue(_to_normal(a))
        if lam < -_PSD_TOL:
            msg = (
                "converted to normal-score correlations (2 sin(pi r / 6)) these Spearman "
                f"correlations are not positive semi-definite (smallest eigenvalue {lam:.3g}); "
                "weaken them slightly, or give kind: normal"
            )
            raise ValueError(msg)


def _to_normal(a: NDArray[np.float64]) -> NDArray[np.float64]:
    out = rank_to_normal_correlation(a)
    np.fill_diagonal(out, 1.0)
    return out


class CorrelationSpec(BaseModel):
    """Correlations between some inputs, applied with a Gaussian copula.

    Parameters
    ----------
    names : list of str
        Input names, one per row/column of ``matrix``; unique.
    matrix : list of list of float
        Square, symmetric, unit diagonal, entries in ``[-1, 1]``, positive
        semi-definite (dimensionless).
    kind : {"spearman", "normal"}, default "spearman"
        ``"spearman"``: the matrix is the target Spearman rank correlation of
        the inputs, converted with :func:`rank_to_normal_correlation` before
        use (the converted matrix must also be positive semi-definite).
        ``"normal"``: the matrix is the correlation of the normal scores.
    description, source : str
        Documentation only.
    """

    model_config = _MODEL_CONFIG

    names: list[Text] = Field(description="Inputs correlated, one per row and column of matrix.")
    # `kind` before `matrix`, so that the matrix check can use it.
    kind: Literal["spearman", "normal"] = Field(
        "spearman",
        description="spearman: matrix holds target rank correlations; normal: normal-score ones.",
    )
    matrix: list[list[Number]] = Field(
        description="Square, symmetric, unit-diagonal, positive semi-definite correlation matrix."
    )
    description: Text = Field("", description="What the correlation stands for (documentation only).")
    source: Text = Field("", description="Where the numbers come from (documentation only).")

    @field_validator("names")
    @classmethod
    def _check_names(cls, names: list[str]) -> list[str]:
        if not names:
            msg = "names must list at least one input"
            raise ValueError(msg)
        seen: set[str] = set()
        for name in names:
            if name in seen:
                msg = f"names lists {name!r} more than once"
                raise ValueError(msg)
            seen.add(name)
        return names

    @field_validator("matrix")
    @classmethod
    def _check_matrix(cls, matrix: list[list[float]], info: ValidationInfo) -> list[list[float]]:
        names: list[str] | None = info.data.get("names")
        if names is None:  # names invalid: reported on their own
            return matrix
        check_correlation_matrix(matrix, names, kind=info.data.get("kind", "spearman"))
        return matrix

    def as_array(self) -> NDArray[np.float64]:
        """Return the matrix as given, as a float64 array of shape ``(n, n)`` (dimensionless)."""
        return np.array(self.matrix, dtype=np.float64).reshape(len(self.names), len(self.names))

    def normal_matrix(self) -> NDArray[np.float64]:
        """Return the normal-score correlation matrix used by the Gaussian copula.

        Returns
        -------
        ndarray
            Shape ``(n, n)``; :meth:`as_array` converted with
            :func:`rank_to_normal_correlation` if ``kind == "spearman"``, else
            :meth:`as_array` itself. The diagonal is exactly 1.
        """
        a = self.as_array()
        return _to_normal(a) if self.kind == "spearman" else a


def correlation_error_from_validation(exc: ValidationError, path: str) -> ScenarioError:
    """Convert a pydantic error raised while validating a :class:`CorrelationSpec`.

    Parameters
    ----------
    exc : pydantic.ValidationError
        The error.
    path : str
        Dotted path of the correlation block in the scenario, e.g. ``correlation``.

    Returns
    -------
    ScenarioError
        With the offending sub-field's path and a plain message.
    """
    return _from_validation(exc, path, CorrelationSpec)


def parse_correlation(value: object, path: str) -> CorrelationSpec:
    """Build a :class:`CorrelationSpec` from scenario data.

    Parameters
    ----------
    value : object
        A mapping with ``names``, ``matrix`` and optionally ``kind``, or an
        already built spec (returned as is).
    path : str
        Dotted path in the scenario, used in error messages.

    Returns
    -------
    CorrelationSpec
        The validated spec.

    Raises
    ------
    ScenarioError
        If the value is malformed; ``.path`` names the sub-field.
    """
    if isinstance(value, CorrelationSpec):
        return value
    if not isinstance(value, Mapping):
        msg = f"expected a mapping with names and matrix, got {describe_input(value)}"
        raise ScenarioError(msg, path)
    try:
        return CorrelationSpec.model_validate(dict(value))
    except ValidationError as exc:
        raise correlation_error_from_validation(exc, path) from None
