"""The exponential experiment of ``benchmarks/exponential.py``: its claims hold."""

from __future__ import annotations

import math

import numpy as np
import pytest
from benchmarks.exponential import arguments, exp_compiled, exp_numpy, main, same_bits
from hypothesis import given, settings
from hypothesis import strategies as st


def test_the_compiled_and_numpy_exponentials_give_the_same_bits() -> None:
    assert same_bits(arguments(20_000))


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-700.0, max_value=700.0, allow_nan=False))
def test_any_argument_in_range_gives_the_same_bits_both_ways(v: float) -> None:
    assert same_bits(np.array([v]))


def test_it_is_within_an_ulp_or_two_of_the_c_librarys_exponential() -> None:
    x = np.random.default_rng(3).uniform(-700.0, 700.0, 20_000)
    libm = np.array([math.exp(v) for v in x])
    assert np.all(np.abs(exp_numpy(x) - libm) <= 2 * np.spacing(libm))


@pytest.mark.parametrize(
    ("x", "want"), [(0.0, 1.0), (1.0, math.e), (-1.0, 1 / math.e), (math.log(10.0), 10.0)]
)
def test_known_values(x: float, want: float) -> None:
    compiled = np.empty(1)
    exp_compiled(np.array([x]), compiled)
    assert compiled[0] == pytest.approx(want, rel=3e-16)
    assert exp_numpy(np.array([x]))[0] == compiled[0]


def test_the_table_prints(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--markdown"]) == 0
    out = capsys.readouterr().out
    assert "| compiled and NumPy give the same bits" in out
    assert "| True |" in out
