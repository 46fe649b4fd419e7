"""Streaming reducers: any chunking gives the one-pass result; sketches keep their error bound."""

from __future__ import annotations

import itertools
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labecon.runtime.reducers import GROUP, SKETCH_RELATIVE_ERROR, TILE, LogHistogram, OutputReducer
from labecon.runtime.summary import PERCENTILES


def _feed(values: np.ndarray, cuts: list[int], **kw: object) -> OutputReducer:
    r = OutputReducer(values.shape[0], values.shape[1:], **kw)  # type: ignore[arg-type]
    edges = [0, *sorted({c for c in cuts if 0 < c < values.shape[0]}), values.shape[0]]
    for a, b in itertools.pairwise(edges):
        r.add(a, values[a:b])
    return r


def _as_tuple(r: OutputReducer) -> tuple[object, ...]:
    s = r.result()
    return (s.mean, s.sd, tuple(s.percentiles.items()), s.p_positive)


VALUES = np.random.default_rng(7).lognormal(3.0, 2.0, size=3 * TILE + 123) - 30.0


@settings(max_examples=40, deadline=None)
@given(cuts=st.lists(st.integers(min_value=1, max_value=VALUES.shape[0] - 1), max_size=12))
@pytest.mark.parametrize("mode", ["exact", "sketch"])
def test_any_chunking_gives_the_one_pass_result_bit_for_bit(cuts: list[int], mode: str) -> None:
    one_pass = _feed(VALUES, [], quantiles=mode, p_positive=True)
    chunked = _feed(VALUES, cuts, quantiles=mode, p_positive=True)
    a, b = _as_tuple(one_pass), _as_tuple(chunked)
    assert repr(a) == repr(b)


def test_moments_match_numpy() -> None:
    s = _feed(VALUES, [100, 5000]).result()
    assert s.mean.value == pytest.approx(np.mean(VALUES), rel=1e-13)
    assert s.sd == pytest.approx(np.std(VALUES, ddof=1), rel=1e-12)


def test_exact_mode_gives_numpys_percentiles() -> None:
    s = _feed(VALUES, [999]).result()
    for q in PERCENTILES:
        assert s.percentiles[q].value == np.percentile(VALUES, q)


@pytest.mark.parametrize("dist", ["lognormal", "normal", "mixed_sign", "with_zeros"])
def test_sketch_quantiles_within_their_stated_bound(dist: str) -> None:
    rng = np.random.default_rng(11)
    x = {
        "lognormal": rng.lognormal(20.0, 3.0, 200_000),
        "normal": rng.normal(0.0, 1.0, 200_000),
        "mixed_sign": rng.lognormal(10.0, 2.0, 200_000) * rng.choice([-1.0, 1.0], 200_000),
        "with_zeros": np.where(rng.random(200_000) < 0.3, 0.0, rng.lognormal(0.0, 1.0, 200_000)),
    }[dist]
    sketch = _feed(x, [77_777], quantiles="sketch").result()
    xs = np.sort(x)
    for q in PERCENTILES:
        exact = np.percentile(xs, q)
        # Each order statistic is within relative error alpha; interpolating two keeps it.
        lo_stat, hi_stat = xs[int(np.floor((x.size - 1) * q / 100))], xs[int(np.ceil((x.size - 1) * q / 100))]
        bound = SKETCH_RELATIVE_ERROR * max(abs(lo_stat), abs(hi_stat)) * 1.0000001
        assert abs(sketch.percentiles[q].value - exact) <= bound, (q, sketch.percentiles[q].value, exact)


def test_sketch_error_is_far_below_monte_carlo_error_at_large_n() -> None:
    # At N = 1e8 the relative SE of B1's p5 is ~1e-4 of its value; the sketch's bound is 1e-5.
    x = np.random.default_rng(3).lognormal(22.0, 1.0, 100_000)
    s = _feed(x, [], quantiles="exact").result()
    se_at_1e8 = s.percentiles[5.0].se * np.sqrt(100_000 / 1e8)
    assert SKETCH_RELATIVE_ERROR * s.percentiles[5.0].value < se_at_1e8


def test_histogram_merges_exactly() -> None:
    a, b, ab = LogHistogram(), LogHistogram(), LogHistogram()
    x = np.random.default_rng(1).normal(size=10_000) * 1e6
    a.add(x[:3000])
    b.add(x[3000:])
    ab.add(x)
    merged = LogHistogram()
    merged.add(x[:3000])
    merged.add(x[3000:])
    assert merged.order_statistics([0, 17, 5000, 9999]) == ab.order_statistics([0, 17, 5000, 9999])
    assert merged.count == 10_000


def test_trailing_axes_reduce_element_by_element() -> None:
    x = np.random.default_rng(5).normal(size=(2000, 3, 2))
    r = _feed(x, [500, 1500], quantiles="sketch")
    s = r.result()
    assert np.asarray(s.percentiles[50.0].value).shape == (3, 2)
    one = _feed(np.ascontiguousarray(x[:, 1, 0]), [], quantiles="sketch").result()
    assert s.percentiles[50.0].value[1, 0] == one.percentiles[50.0].value


def test_state_round_trip_resumes_exactly() -> None:
    full = _feed(VALUES, [4000, 9000], quantiles="sketch", p_positive=True)
    first = _feed(VALUES[:4000], [], quantiles="sketch", p_positive=True)
    first.n_samples = VALUES.shape[0]
    state = first.state("x_")
    resumed = OutputReducer(VALUES.shape[0], (), quantiles="sketch", p_positive=True)
    resumed.load(state, "x_")
    resumed.add(4000, VALUES[4000:9000])
    resumed.add(9000, VALUES[9000:])
    assert repr(_as_tuple(resumed)) == repr(_as_tuple(full))


def test_blocks_out_of_order_are_refused() -> None:
    r = OutputReducer(100)
    with pytest.raises(RuntimeError, match="out of order"):
        r.add(10, np.zeros(5))


BIG = np.random.default_rng(9).lognormal(2.0, 1.5, size=(3 * GROUP + 5000, 2)) - 8.0


@settings(max_examples=15, deadline=None)
@given(
    groups=st.lists(st.integers(min_value=1, max_value=3), min_size=1, max_size=3),
    cuts=st.lists(st.integers(min_value=1, max_value=BIG.shape[0] - 1), max_size=6),
)
@pytest.mark.parametrize("mode", ["exact", "sketch"])
def test_reducers_filled_apart_and_merged_give_the_one_pass_result(
    groups: list[int], cuts: list[int], mode: str
) -> None:
    # Workers fill reducers for runs of whole groups (any inner chunking), pickle them
    # back, and the caller merges them in order: the same bits as one pass.
    n = BIG.shape[0]
    one_pass = _feed(BIG, [], quantiles=mode, p_positive=True)
    edges = sorted({min(GROUP * g, n) for g in itertools.accumulate(groups)} | {0, n})
    root = OutputReducer(n, (2,), quantiles=mode, p_positive=True)
    parts = []
    for a, b in itertools.pairwise(edges):
        part = OutputReducer(b - a, (2,), quantiles=mode, p_positive=True, start=a, partial=True)
        inner = [a, *sorted({c for c in cuts if a < c < b}), b]
        for lo, hi in itertools.pairwise(inner):
            part.add(lo, BIG[lo:hi])
        parts.append(pickle.loads(pickle.dumps(part)))
    # Counts are taken as parts arrive (here: last first), moments in sample order.
    for part in parts[::-2]:
        root.merge_counts(part)
    for part in parts:
        root.merge(part)
    assert repr(_as_tuple(root)) == repr(_as_tuple(one_pass))
    with pytest.raises(RuntimeError, match="merged already"):
        root.merge_counts(parts[-1])


def test_merging_a_reducer_that_does_not_follow_on_a_group_is_refused() -> None:
    root = OutputReducer(3 * GROUP)
    root.add(0, np.zeros(100))
    part = OutputReducer(GROUP, start=GROUP, partial=True)
    with pytest.raises(RuntimeError, match="cannot merge"):
        root.merge(part)
    off_group = OutputReducer(10, start=100, partial=True)
    with pytest.raises(RuntimeError, match="cannot merge"):
        root.merge(off_group)


def test_a_histogram_pickles_to_its_filled_buckets_and_back() -> None:
    h = LogHistogram(count_dtype=np.int32)
    h.add(np.random.default_rng(2).lognormal(5.0, 4.0, 1000) * np.repeat([1.0, -1.0], 500))
    h.add(np.zeros(7))
    dense = sum(c.nbytes for c in h.counts.values())
    blob = pickle.dumps(h)
    assert len(blob) < dense / 10
    back = pickle.loads(blob)
    assert back.zeros == 7
    assert back.count == 1007
    for sign in (1, -1):
        assert back.offset[sign] == h.offset[sign]
        np.testing.assert_array_equal(back.counts[sign], h.counts[sign])
        assert back.counts[sign].dtype == np.int32


def test_the_histogram_skips_values_that_are_not_finite() -> None:
    h = LogHistogram()
    h.add(np.array([1.0, np.inf, -np.inf, np.nan, -2.0, 0.0]))
    assert h.count == 3


def test_order_statistics_read_every_rank_within_the_bound_across_a_wide_histogram() -> None:
    rng = np.random.default_rng(4)
    x = rng.lognormal(0.0, 6.0, 50_000) * rng.choice([-1.0, 1.0], 50_000)
    x[:500] = 0.0
    h = LogHistogram()
    h.add(x)
    assert h.counts[1].size > 3 * 65_536  # the seek crosses several chunks
    xs = np.sort(x)
    ranks = [0, 1, 499, 24_000, 24_700, 25_000, 25_400, 30_000, 49_998, 49_999]
    for r, got in zip(ranks, h.order_statistics(ranks), strict=True):
        assert abs(got - xs[r]) <= SKETCH_RELATIVE_ERROR * abs(xs[r]) * 1.0000001, (r, got, xs[r])
    # A rank past the end reads the largest value.
    assert h.order_statistics([60_000]) == h.order_statistics([49_999])


@pytest.mark.parametrize("quantiles", ["exact", "sketch"])
def test_one_sample_gives_a_nan_standard_error_per_element(quantiles: str) -> None:
    s = _feed(np.array([[1.0, 2.0]]), [], quantiles=quantiles).result()
    assert np.shape(s.mean.se) == (2,)
    assert np.isnan(s.mean.se).all()
