"""Streaming reducers: summaries merged block by block in bounded memory.

A run hands each output's values to an :class:`OutputReducer` block after
block, in sample order. The reducer keeps

- **moments** over fixed tiles of :data:`TILE` samples aligned on the global
  sample index. Tiles are folded in order (Chan et al.'s pairwise update) into
  groups of :data:`GROUP` samples, also aligned on the global index, and the
  groups are folded in order into the total. So the mean and standard
  deviation do not depend, bit for bit, on how the run was chunked, and a
  reducer filled on a worker for a range of whole groups can be merged
  (:meth:`OutputReducer.merge`) into the caller's to the same bits as if the
  caller had been fed the values itself;
- **counts** of positive values (integers: exact);
- **quantiles** either *exactly*, from every value (memory: 8 bytes per value),
  or from a mergeable log-bucket histogram (a DDSketch-style sketch: Masson,
  Rim & Lee, "DDSketch: a fast and fully-mergeable quantile sketch with
  relative-error guarantees", PVLDB 12(12), 2019,
  https://www.vldb.org/pvldb/vol12/p2195-masson.pdf). Every value is counted
  in the bucket ``ceil(log_gamma |x|)`` with ``gamma = (1 + a) / (1 - a)``, and
  a bucket is read back as ``2 gamma^i / (gamma + 1)``, which is within a
  relative error ``a`` of every value in it. So a sketched order statistic is
  within relative error :data:`SKETCH_RELATIVE_ERROR` of the exact one; bucket
  counts are integers, so merging is exact and order-free.

A reducer's state is a dict of NumPy arrays, so a run can checkpoint it and
resume. A reducer pickles compactly (a histogram travels as its non-empty
buckets), so workers can send theirs back cheaply.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np

from labecon.runtime._sketch import bucket_indices, count_buckets
from labecon.runtime.summary import (
    PERCENTILES,
    Estimate,
    OutputSummary,
    linear_percentile,
    linear_ranks,
    percentile_se_ranks,
    summarize,
)
from labecon.types import FloatArray

TILE = 4096
"""Samples per moment tile. Tiles are aligned on the global sample index."""

GROUP = 16 * TILE
"""Samples per moment group (65,536). Groups are aligned on the global sample
index; a reducer filled elsewhere merges exactly when it starts on a group."""

SKETCH_RELATIVE_ERROR = 1e-5
"""Relative error bound of sketched quantiles. At N = 1e8 the Monte Carlo
standard error of B1's percentiles is about 1e-4 to 1e-3 of their value, so
the sketch adds at most a tenth of it."""

QuantileMode = Literal["exact", "sketch"]

_SIGNS = (1, -1)


class LogHistogram:
    """A mergeable histogram of values on log-spaced buckets (relative accuracy ``alpha``).

    Buckets are dense between the lowest and highest index seen, for positive
    and negative values separately; zeros are counted apart. Counts are
    ``count_dtype`` integers (32-bit halves the memory of runs under 2**31
    samples).
    """

    def __init__(self, alpha: float = SKETCH_RELATIVE_ERROR, count_dtype: type = np.int64) -> None:
        self.alpha = alpha
        self.log_gamma = math.log((1.0 + alpha) / (1.0 - alpha))
        self.dtype = np.dtype(count_dtype)
        self.zeros = 0
        self.offset = {1: 0, -1: 0}
        self.counts = {1: np.zeros(0, dtype=self.dtype), -1: np.zeros(0, dtype=self.dtype)}
        self._sparse: dict[int, tuple[int, np.ndarray, np.ndarray]] | None = None
        """Counts as received from another process, ``(size, where, filled)`` per sign, until used."""

    @property
    def count(self) -> int:
        """Number of values added."""
        self._densify()
        return self.zeros + int(self.counts[1].sum()) + int(self.counts[-1].sum())

    def add(self, values: FloatArray) -> None:
        """Count ``values`` (1-D, finite; values that are not finite are skipped)."""
        self._densify()
        idx = np.empty(values.shape[0], dtype=np.int64)
        zeros, pos_lo, pos_hi, neg_lo, neg_hi = bucket_indices(values, self.log_gamma, idx)
        self.zeros += int(zeros)
        if pos_lo <= pos_hi:
            self._grow(1, int(pos_lo), int(pos_hi))
        if neg_lo <= neg_hi:
            self._grow(-1, int(neg_lo), int(neg_hi))
        count_buckets(values, idx, self.counts[1], self.offset[1], self.counts[-1], self.offset[-1])

    def merge(self, other: LogHistogram) -> None:
        """Add the counts of ``other`` (same ``alpha``) to this histogram."""
        if other.log_gamma != self.log_gamma:
            msg = f"cannot merge histograms of relative error {other.alpha} and {self.alpha}"
            raise ValueError(msg)
        self._densify()
        self.zeros += other.zeros
        sparse = other._sparse
        for sign in _SIGNS:
            lo = other.offset[sign]
            if sparse is not None:
                size, where, filled = sparse[sign]
                if size:
                    self._grow(sign, lo, lo + size - 1)
                    target = self.counts[sign][lo - self.offset[sign] :]
                    # In slices, so the index temporaries stay small.
                    for a in range(0, where.size, _SPARSE_CHUNK):
                        target[where[a : a + _SPARSE_CHUNK]] += filled[a : a + _SPARSE_CHUNK]
                continue
            counts = other.counts[sign]
            if counts.size == 0:
                continue
            self._grow(sign, lo, lo + counts.size - 1)
            start = lo - self.offset[sign]
            self.counts[sign][start : start + counts.size] += counts

    def _grow(self, sign: int, lo: int, hi: int) -> None:
        counts, offset = self.counts[sign], self.offset[sign]
        if counts.size == 0:
            self.counts[sign] = np.zeros(hi - lo + 1, dtype=self.dtype)
            self.offset[sign] = lo
            return
        new_lo, new_hi = min(lo, offset), max(hi, offset + counts.size - 1)
        if new_lo == offset and new_hi == offset + counts.size - 1:
            return
        grown = np.zeros(new_hi - new_lo + 1, dtype=self.dtype)
        grown[offset - new_lo : offset - new_lo + counts.size] = counts
        self.counts[sign], self.offset[sign] = grown, new_lo

    def _bucket_value(self, index: int) -> float:
        gamma = math.exp(self.log_gamma)
        return 2.0 * math.exp(index * self.log_gamma) / (gamma + 1.0)

    def order_statistics(self, ranks: list[int]) -> list[float]:
        """Return the approximate values of the given 0-based ranks in sorted order.

        Sorted order is the negatives from the largest magnitude down, the
        zeros, then the positives up; a rank past the last value reads the
        largest one.
        """
        self._densify()
        neg = self.counts[-1][::-1]
        neg_seek, pos_seek = _RankSeeker(neg), _RankSeeker(self.counts[1])
        n_neg = neg_seek.total
        out = []
        for r in ranks:
            if r < n_neg:
                b = neg.size - 1 - neg_seek.position(r)
                out.append(-self._bucket_value(self.offset[-1] + b))
            elif r < n_neg + self.zeros or pos_seek.total == 0:
                out.append(0.0 if self.zeros or n_neg == 0 else -self._bucket_value(self.offset[-1]))
            else:
                b = pos_seek.position(min(r - n_neg - self.zeros, pos_seek.total - 1))
                out.append(self._bucket_value(self.offset[1] + b))
        return out

    def state(self, prefix: str) -> dict[str, np.ndarray]:
        """Return the histogram as arrays, for a checkpoint."""
        self._densify()
        return {
            f"{prefix}zeros": np.array([self.zeros]),
            f"{prefix}pos_offset": np.array([self.offset[1]]),
            f"{prefix}neg_offset": np.array([self.offset[-1]]),
            f"{prefix}pos": self.counts[1],
            f"{prefix}neg": self.counts[-1],
        }

    def load(self, state: dict[str, np.ndarray], prefix: str) -> None:
        """Restore the histogram from :meth:`state`'s arrays."""
        self.zeros = int(state[f"{prefix}zeros"][0])
        self.offset = {1: int(state[f"{prefix}pos_offset"][0]), -1: int(state[f"{prefix}neg_offset"][0])}
        self.counts = {
            1: state[f"{prefix}pos"].astype(self.dtype),
            -1: state[f"{prefix}neg"].astype(self.dtype),
        }

    def __getstate__(self) -> dict[str, Any]:
        # Dense buckets are mostly empty for a worker's share of a run: send the filled ones.
        self._densify()
        state = self.__dict__.copy()
        state["counts"] = {sign: _to_sparse(self.counts[sign]) for sign in _SIGNS}
        state["_sparse"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Stay sparse: merging adds the filled buckets straight into the receiver's.
        self.__dict__.update(state)
        self._sparse = state["counts"]
        self.counts = {1: np.zeros(0, dtype=self.dtype), -1: np.zeros(0, dtype=self.dtype)}

    def _densify(self) -> None:
        sparse, self._sparse = self._sparse, None
        if sparse is None:
            return
        for sign, (size, where, filled) in sparse.items():
            counts = np.zeros(size, dtype=self.dtype)
            counts[where] = filled
            self.counts[sign] = counts


_SPARSE_CHUNK = 1 << 18
"""Buckets (or entries) handled at once when a histogram is packed or merged sparse."""


def _to_sparse(counts: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """Return ``(size, where, filled)``: the non-empty buckets' positions (int32) and counts.

    Counts travel in the narrowest unsigned type that holds them (a worker's
    share of a run rarely puts 256 values in one bucket), and the positions
    are found slice by slice, so packing needs little memory beyond its result.
    """
    nnz = int(np.count_nonzero(counts))
    top = int(counts.max()) if counts.size else 0
    dtype = np.uint8 if top < 2**8 else np.uint16 if top < 2**16 else counts.dtype
    where = np.empty(nnz, dtype=np.int32)
    filled = np.empty(nnz, dtype=dtype)
    k = 0
    for a in range(0, counts.size, _SPARSE_CHUNK):
        part = counts[a : a + _SPARSE_CHUNK]
        idx = np.flatnonzero(part)
        where[k : k + idx.size] = idx + a
        filled[k : k + idx.size] = part[idx]
        k += idx.size
    return counts.size, where, filled


class _RankSeeker:
    """Find the bucket holding a rank without a cumulative array as long as the histogram.

    Counts are summed per :data:`_SEEK_CHUNK` buckets once; a rank's chunk is
    found among those sums and only that chunk is accumulated, so reading
    quantiles costs kilobytes, not the histogram's size again in 64-bit.
    """

    def __init__(self, counts: np.ndarray) -> None:
        self.counts = counts
        self.starts = np.arange(0, counts.size, _SEEK_CHUNK)
        self.cum = (
            np.cumsum(np.add.reduceat(counts, self.starts, dtype=np.int64))
            if counts.size
            else np.zeros(0, dtype=np.int64)
        )
        self.total = int(self.cum[-1]) if self.cum.size else 0

    def position(self, rank: int) -> int:
        """Return the position of the bucket holding 0-based ``rank`` (< :attr:`total`)."""
        c = int(np.searchsorted(self.cum, rank, side="right"))
        before = int(self.cum[c - 1]) if c else 0
        start = int(self.starts[c])
        within = np.cumsum(self.counts[start : start + _SEEK_CHUNK], dtype=np.int64)
        return start + int(np.searchsorted(within, rank - before, side="right"))


_SEEK_CHUNK = 65_536


def _moments(values: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return the mean and M2 (sum of squared deviations) of ``values`` along the sample axis."""
    mean = np.mean(values, axis=0)
    return mean, np.sum((values - mean) ** 2, axis=0)


def _fold(
    n: int, mean: FloatArray, m2: FloatArray, groups: list[tuple[int, FloatArray, FloatArray]]
) -> tuple[int, FloatArray, FloatArray]:
    """Fold ``groups`` (count, mean, M2), in order, into a running (count, mean, M2)."""
    for n_b, mean_b, m2_b in groups:
        mean, m2 = _chan(n, mean, m2, n_b, mean_b, m2_b)
        n += n_b
    return n, mean, m2


def _chan(
    n_a: int, mean_a: FloatArray, m2_a: FloatArray, n_b: int, mean_b: FloatArray, m2_b: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Return the mean and M2 of two sets of values from theirs (Chan, Golub & LeVeque's update)."""
    n = n_a + n_b
    delta = mean_b - mean_a
    return mean_a + delta * (n_b / n), m2_a + m2_b + delta**2 * (n_a * n_b / n)


class OutputReducer:
    """Summarise one output, ``(sample, *trailing)``, fed block by block in sample order.

    Parameters
    ----------
    n_samples : int
        Samples this reducer will be fed in all.
    trailing_shape : tuple of int
        Shape of the output after the sample axis.
    quantiles : {"exact", "sketch"}
        Keep every value for exact quantiles, or a log histogram per element.
    p_positive : bool
        Also count positive values, for P(output > 0).
    start : int
        Global index of the first sample it is fed (a worker's share of a run
        starts at its first sample; merging needs it to be a multiple of
        :data:`GROUP`).
    partial : bool
        This reducer will be merged into another (:meth:`merge`): it keeps its
        finished groups apart instead of folding them into a total.
    """

    def __init__(
        self,
        n_samples: int,
        trailing_shape: tuple[int, ...] = (),
        *,
        quantiles: QuantileMode = "exact",
        p_positive: bool = False,
        start: int = 0,
        partial: bool = False,
    ) -> None:
        self.n_samples = n_samples
        self.shape = trailing_shape
        self.mode = quantiles
        self.p_positive = p_positive
        self.start = start
        self.seen = start
        # Moments: the total over finished groups, the open group over its finished tiles.
        self.n_total = 0
        self.mean = np.zeros(trailing_shape)
        self.m2 = np.zeros(trailing_shape)
        self.n_group = 0
        self.group_mean = np.zeros(trailing_shape)
        self.group_m2 = np.zeros(trailing_shape)
        self.finished: list[tuple[int, FloatArray, FloatArray]] = []
        """Groups finished but not folded into the total (kept by a reducer that will be merged)."""
        self.fold_groups = not partial
        self.counts_merged = False
        """Its histograms and positive counts went into another reducer (:meth:`merge_counts`)."""
        self.positive = np.zeros(trailing_shape, dtype=np.int64)
        self.tile = np.empty((TILE, *trailing_shape))
        self.values = np.empty((n_samples, *trailing_shape)) if quantiles == "exact" else None
        size = int(np.prod(trailing_shape)) if trailing_shape else 1
        count_dtype = np.int32 if n_samples < 2**31 else np.int64
        n_sketches = size if quantiles == "sketch" else 0
        self.sketches = [LogHistogram(count_dtype=count_dtype) for _ in range(n_sketches)]

    def add(self, start: int, values: FloatArray) -> None:
        """Feed the values of global samples ``start .. start + len(values) - 1``.

        Blocks must come in sample order (the runner guarantees it).
        """
        if start != self.seen:
            msg = f"blocks out of order: expected sample {self.seen}, got {start}"
            raise RuntimeError(msg)
        m = values.shape[0]
        if self.values is not None:
            self.values[start - self.start : start - self.start + m] = values
        if self.sketches:
            flat = values.reshape(m, -1)
            for j, sketch in enumerate(self.sketches):
                sketch.add(flat[:, j])
        if self.p_positive:
            self.positive += np.count_nonzero(values > 0.0, axis=0)
        # Fill fixed, globally aligned tiles; fold each full tile into its group in order.
        pos = 0
        while pos < m:
            in_tile = (start + pos) % TILE
            take = min(TILE - in_tile, m - pos)
            self.tile[in_tile : in_tile + take] = values[pos : pos + take]
            pos += take
            if in_tile + take == TILE:
                self._fold_tile(self.tile)
                if (start + pos) % GROUP == 0:
                    self._close_group()
        self.seen += m

    def _fold_tile(self, tile: FloatArray) -> None:
        nb = tile.shape[0]
        mean_b, m2_b = _moments(tile)
        self.group_mean, self.group_m2 = _chan(self.n_group, self.group_mean, self.group_m2, nb, mean_b, m2_b)
        self.n_group += nb

    def _close_group(self) -> None:
        self.finished.append((self.n_group, self.group_mean, self.group_m2))
        self.n_group = 0
        self.group_mean = np.zeros(self.shape)
        self.group_m2 = np.zeros(self.shape)
        if self.fold_groups:
            self._fold_finished()

    def _fold_finished(self) -> None:
        self.n_total, self.mean, self.m2 = _fold(self.n_total, self.mean, self.m2, self.finished)
        self.finished = []

    def merge_counts(self, other: OutputReducer) -> None:
        """Add ``other``'s order-free parts now (histograms, positive counts), in any order.

        The runner calls it as a worker's reducer arrives, so the bulky
        histograms are added and dropped at once while the reducer waits for
        its turn in sample order (:meth:`merge`) with only its moments.
        """
        self._check_kind(other)
        for mine, theirs in zip(self.sketches, other.sketches, strict=True):
            mine.merge(theirs)
        self.positive += other.positive
        other.sketches = []
        other.positive = np.zeros_like(other.positive)
        other.counts_merged = True

    def merge(self, other: OutputReducer) -> None:
        """Take in a reducer fed the samples that follow this one's, to the same bits as feeding them here.

        ``other`` must be made ``partial``, start where this reducer stopped, on
        a multiple of :data:`GROUP` samples, and be of the same kind.
        """
        if other.start != self.seen or other.start % GROUP or other.fold_groups:
            msg = f"cannot merge a reducer starting at sample {other.start} into one at {self.seen}"
            raise RuntimeError(msg)
        if not other.counts_merged:
            self.merge_counts(other)
        m = other.seen - other.start
        if self.values is not None and other.values is not None:
            self.values[self.seen - self.start : self.seen - self.start + m] = other.values[:m]
        self.finished.extend(other.finished)
        self.n_group, self.group_mean, self.group_m2 = other.n_group, other.group_mean, other.group_m2
        rest = other.seen % TILE
        self.tile[:rest] = other.tile[:rest]
        self.seen = other.seen
        if self.fold_groups:
            self._fold_finished()

    def _check_kind(self, other: OutputReducer) -> None:
        if (other.shape, other.mode, other.p_positive) != (self.shape, self.mode, self.p_positive):
            msg = "cannot merge reducers of different outputs"
            raise RuntimeError(msg)
        if other.counts_merged:
            msg = "this reducer's counts were merged already"
            raise RuntimeError(msg)

    def __getstate__(self) -> dict[str, Any]:
        # Only the open tile's filled rows matter; a full tile is 32 KiB per element.
        state = self.__dict__.copy()
        state["tile"] = self.tile[: self.seen % TILE].copy()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        rest = state.pop("tile")
        self.__dict__.update(state)
        self.tile = np.empty((TILE, *self.shape))
        self.tile[: rest.shape[0]] = rest

    def result(self) -> OutputSummary:
        """Return the summary of every value fed so far (a reducer starting at sample 0)."""
        n = self.seen - self.start
        pending = [*self.finished]
        n_group, group_mean, group_m2 = self.n_group, self.group_mean, self.group_m2
        rest = self.seen % TILE
        if rest:
            # The last, partial tile, folded into copies so the reducer can go on.
            mean_t, m2_t = _moments(self.tile[:rest])
            group_mean, group_m2 = _chan(n_group, group_mean, group_m2, rest, mean_t, m2_t)
            n_group += rest
        if n_group:
            pending.append((n_group, group_mean, group_m2))
        _, mean, m2 = _fold(self.n_total, self.mean, self.m2, pending)
        sd = np.sqrt(m2 / (n - 1)) if n > 1 else np.full(self.shape, math.nan)
        share = self.positive / n if self.p_positive else None
        if self.values is not None:
            exact = summarize(self.values[:n], in_place=False)
            percentiles = exact.percentiles
        else:
            percentiles = self._sketch_percentiles(n)
        return OutputSummary(
            n_samples=n,
            mean=Estimate(mean[()], (sd / math.sqrt(n))[()] if n > 1 else sd[()]),  # one sample: NaN, shaped
            sd=sd[()],
            percentiles=percentiles,
            p_positive=Estimate(share[()], np.sqrt(share * (1.0 - share) / n)[()])
            if share is not None
            else None,
        )

    def _sketch_percentiles(self, n: int) -> dict[float, Estimate]:
        ranks: list[int] = []
        for q in PERCENTILES:
            ranks.extend([*linear_ranks(n, q), *percentile_se_ranks(n, q)])
        stats = [sketch.order_statistics(ranks) for sketch in self.sketches]
        out: dict[float, Estimate] = {}
        for k, q in enumerate(PERCENTILES):
            vals = [float(linear_percentile(st[4 * k], st[4 * k + 1], n, q)) for st in stats]
            ses = [(st[4 * k + 3] - st[4 * k + 2]) / 2.0 for st in stats]
            out[q] = Estimate(np.array(vals).reshape(self.shape)[()], np.array(ses).reshape(self.shape)[()])
        return out

    def state(self, prefix: str) -> dict[str, np.ndarray]:
        """Return the state of a reducer that starts at sample 0, as arrays (for a checkpoint)."""
        self._fold_finished()
        state: dict[str, np.ndarray] = {
            f"{prefix}seen": np.array([self.seen]),
            f"{prefix}n_total": np.array([self.n_total]),
            f"{prefix}mean": self.mean,
            f"{prefix}m2": self.m2,
            f"{prefix}n_group": np.array([self.n_group]),
            f"{prefix}group_mean": self.group_mean,
            f"{prefix}group_m2": self.group_m2,
            f"{prefix}positive": self.positive,
            f"{prefix}tile": self.tile[: self.seen % TILE],
        }
        if self.values is not None:
            state[f"{prefix}values"] = self.values[: self.seen]
        for j, sketch in enumerate(self.sketches):
            state.update(sketch.state(f"{prefix}sk{j}_"))
        return state

    def load(self, state: dict[str, np.ndarray], prefix: str) -> None:
        """Restore the reducer from :meth:`state`'s arrays."""
        self.seen = int(state[f"{prefix}seen"][0])
        self.n_total = int(state[f"{prefix}n_total"][0])
        self.mean = state[f"{prefix}mean"].copy()
        self.m2 = state[f"{prefix}m2"].copy()
        self.n_group = int(state[f"{prefix}n_group"][0])
        self.group_mean = state[f"{prefix}group_mean"].copy()
        self.group_m2 = state[f"{prefix}group_m2"].copy()
        self.finished = []
        self.positive = state[f"{prefix}positive"].astype(np.int64)
        rest = state[f"{prefix}tile"]
        self.tile[: rest.shape[0]] = rest
        if self.values is not None:
            self.values[: self.seen] = state[f"{prefix}values"]
        for j, sketch in enumerate(self.sketches):
            sketch.load(state, f"{prefix}sk{j}_")
