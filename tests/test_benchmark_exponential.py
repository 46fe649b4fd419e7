"""The exponential experiment of ``benchmarks/exponential.py``: its claims hold."""

from __future__ import annotations

import math

import numpy as np
from benchmarks.exponential import arguments, exp_array, exp_loop, main, same_bits
from hypothesis import given, settings
from hypothesis import strategies as st


def test_the_compiled_and_numpy_exponentials_give_the_same_bits() -> None:
    assert same_bits(arguments(20_000))


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-800.0, max_value=800.0, allow_nan=False))
def test_any_argument_gives_the_same_bits_both_ways(v: float) -> None:
    assert same_bits(np.array([v]))


def test_it_is_within_an_ulp_or_two_of_the_c_librarys_exponential() -> None:
    x = np.random.default_rng(3).uniform(-700.0, 700.0, 20_000)
    libm = np.array([math.exp(v) for v in x])
    assert np.all(np.abs(exp_array(x) - libm) <= 2 * np.spacing(libm))


def test_special_values_are_the_exponentials() -> None:
    x = np.array([np.nan, np.inf, -np.inf, 710.0, -746.0, 0.0, -0.0, 1.0])
    compiled = np.empty_like(x)
    exp_loop(x, compiled)
    want = np.array([np.nan, np.inf, 0.0, np.inf, 0.0, 1.0, 1.0, math.e])
    for got in (compiled, exp_array(x)):
        assert np.allclose(got, want, rtol=1e-15, equal_nan=True)


def test_the_table_prints(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--markdown"]) == 0
    out = capsys.readouterr().out
    assert "| compiled and NumPy give the same bits" in out
    assert "| True |" in out
