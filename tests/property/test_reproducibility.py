"""Same scenario, seed and sample count give bit-identical results, however the work is chunked."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import labecon

N = 1_500


@pytest.fixture(scope="module")
def whole() -> labecon.Results:
    return labecon.simulate("b1", n_samples=N, seed=42, chunk_size=N)


@pytest.mark.parametrize("chunk", [1, 7, 1000, N])
def test_chunk_size_does_not_change_a_bit(whole: labecon.Results, chunk: int) -> None:
    other = labecon.simulate("b1", n_samples=N, seed=42, chunk_size=chunk)
    for var in ("pv_rent", "pv_build", "saving", "input_value", "summary"):
        np.testing.assert_array_equal(whole.dataset[var].to_numpy(), other.dataset[var].to_numpy())


def test_same_seed_twice_is_identical(whole: labecon.Results) -> None:
    again = labecon.simulate("b1", n_samples=N, seed=42, chunk_size=N)
    assert whole.dataset.drop_attrs().identical(again.dataset.drop_attrs())


def test_different_seeds_differ(whole: labecon.Results) -> None:
    other = labecon.simulate("b1", n_samples=N, seed=43)
    assert not np.any(whole.dataset["pv_rent"].to_numpy() == other.dataset["pv_rent"].to_numpy())


def test_sample_i_does_not_depend_on_n(whole: labecon.Results) -> None:
    shorter = labecon.simulate("b1", n_samples=500, seed=42, chunk_size=64)
    np.testing.assert_array_equal(
        shorter.dataset["saving"].to_numpy(), whole.dataset["saving"].to_numpy()[:500]
    )


@settings(max_examples=15, deadline=None)
@given(chunk=st.integers(min_value=1, max_value=400))
def test_any_chunking_gives_the_same_outputs(whole: labecon.Results, chunk: int) -> None:
    other = labecon.simulate("b1", n_samples=400, seed=42, chunk_size=chunk)
    np.testing.assert_array_equal(
        other.dataset["saving"].to_numpy(), whole.dataset["saving"].to_numpy()[:400]
    )


def test_adding_an_input_leaves_the_others_draws_unchanged(b1_dict: dict) -> None:  # type: ignore[type-arg]
    base = labecon.simulate(b1_dict, n_samples=300, seed=9)
    b1_dict["inputs"]["unused_extra"] = {"dist": "uniform", "low": 0.0, "high": 1.0}
    more = labecon.simulate(b1_dict, n_samples=300, seed=9)
    for var in ("pv_rent", "pv_build"):
        np.testing.assert_array_equal(base.dataset[var].to_numpy(), more.dataset[var].to_numpy())


@pytest.mark.parametrize("chunk", [7, 1000, 4096])
def test_summary_only_runs_are_chunk_invariant_too(chunk: int) -> None:
    """Streaming summaries (no per-sample values kept, sketched quantiles) do not depend on chunking."""
    ref = labecon.simulate("b1", n_samples=5000, seed=3, keep="summary", quantiles="sketch", chunk_size=5000)
    other = labecon.simulate(
        "b1", n_samples=5000, seed=3, keep="summary", quantiles="sketch", chunk_size=chunk
    )
    np.testing.assert_array_equal(ref.dataset["summary"].to_numpy(), other.dataset["summary"].to_numpy())
    assert "sample" not in other.dataset.dims


def test_sketched_summary_is_within_its_bound_of_the_exact_one() -> None:
    exact = labecon.simulate("b1", n_samples=20_000, seed=4, keep="summary", quantiles="exact").summaries
    sketch = labecon.simulate("b1", n_samples=20_000, seed=4, keep="summary", quantiles="sketch").summaries
    for name in exact:
        assert sketch[name].mean == exact[name].mean
        for q, est in exact[name].percentiles.items():
            assert sketch[name].percentiles[q].value == pytest.approx(est.value, rel=2e-5)
