"""two-strategies gives bit-identical results however the work is chunked."""

from __future__ import annotations

import functools

import numpy as np
import pytest

import labecon
from labecon.model import world

N = 240
FEW = 24
"""Samples of the runs split into blocks or sub-blocks of one: each costs a whole run's fixed cost."""
OUTPUTS = ("revenue_usd_by_year", "cash_usd_by_year", "is_ruined", "npv_fcf_usd", "partner_deal_npv_usd")


@functools.cache
def _whole(n: int, *, keep_paths: bool = False) -> labecon.Results:
    """two-strategies' ``n`` samples in one block (and one sub-block), seed 5."""
    assert n < world.SUB_BLOCK, "one sub-block"
    return labecon.simulate("two-strategies", n_samples=n, seed=5, chunk_size=n, keep_paths=keep_paths)


@pytest.fixture(scope="module")
def whole() -> labecon.Results:
    return _whole(N)


@pytest.mark.parametrize(("n", "chunk"), [(FEW, 1), (N, 37), (N, 100)])
def test_chunk_size_does_not_change_a_bit(n: int, chunk: int) -> None:
    other = labecon.simulate("two-strategies", n_samples=n, seed=5, chunk_size=chunk)
    # Inputs first: if they differ, the draws (not the model) depend on the chunking.
    for var in ("input_value", *OUTPUTS):
        np.testing.assert_array_equal(_whole(n).dataset[var].to_numpy(), other.dataset[var].to_numpy())


def test_sample_i_does_not_depend_on_n(whole: labecon.Results) -> None:
    shorter = labecon.simulate("two-strategies", n_samples=50, seed=5)
    np.testing.assert_array_equal(
        shorter.dataset["npv_fcf_usd"].to_numpy(), whole.dataset["npv_fcf_usd"].to_numpy()[:50]
    )


def test_events_and_funding_draws_change_with_the_seed(whole: labecon.Results) -> None:
    other = labecon.simulate("two-strategies", n_samples=N, seed=6)
    assert not np.array_equal(
        whole.dataset["npv_fcf_usd"].to_numpy(), other.dataset["npv_fcf_usd"].to_numpy()
    )


@pytest.mark.parametrize(("n", "sub_block"), [(FEW, 1), (N, 7), (N, 100)])
def test_sub_blocks_do_not_change_a_bit(n: int, sub_block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # A block runs in sub-blocks of the world model's own; paths included.
    whole_paths = _whole(n, keep_paths=True)
    monkeypatch.setattr(world, "SUB_BLOCK", sub_block)
    split = labecon.simulate("two-strategies", n_samples=n, seed=5, chunk_size=n, keep_paths=True)
    for var in (
        *OUTPUTS,
        "income_statement_usd",
        "balance_sheet_usd",
        "market_share",
        "partner_accounts_usd",
    ):
        np.testing.assert_array_equal(whole_paths.dataset[var].to_numpy(), split.dataset[var].to_numpy())


@pytest.mark.parametrize("n", [1, 99, 100, 101, 250, 10_000])
def test_sub_blocks_cover_every_sample_once_in_the_fewest_equal_runs(
    n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(world, "SUB_BLOCK", 100)
    runs = world.sub_blocks(n)
    assert np.concatenate([np.arange(n)[r] for r in runs]).tolist() == list(range(n))
    sizes = [r.stop - r.start for r in runs]
    assert len(runs) == -(-n // 100)
    assert max(sizes) <= 100
    assert max(sizes) - min(sizes) <= 1
