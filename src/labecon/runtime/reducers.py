"""Streaming reducers: summaries merged block by block in bounded memory.

A run hands each output's values to an :class:`OutputReducer` block after
block, in sample order. The reducer keeps

- **moments** over fixed tiles of :data:`TILE` samples aligned on the global
  sample index, folded in order (Chan et al.'s pairwise update), so the mean
  and standard deviation do not depend, bit for bit, on how the run was
  chunked or spread over workers;
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
resume.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

from labecon.runtime.summary import (
    PERCENTILES,
    Estimate,
    OutputSummary,
    linear_percentile,
    percentile_se_ranks,
    summarize,
)
from labecon.types import FloatArray

TILE = 4096
"""Samples per moment tile. Tiles are aligned on the global sample index."""

SKETCH_RELATIVE_ERROR = 1e-5
"""Relative error bound of sketched quantiles. At N = 1e8 the Monte Carlo
standard error of B1's percentiles is about 1e-4 to 1e-3 of their value, so
the sketch adds at most a tenth of it."""

QuantileMode = Literal["exact", "sketch"]


class LogHistogram:
    """A mergeable histogram of values on log-spaced buckets (relative accuracy ``alpha``).

    Buckets are dense between the lowest and highest index seen, for positive
    and negative values separately; zeros are counted apart.
    """

    def __init__(self, alpha: float = SKETCH_RELATIVE_ERROR) -> None:
        self.alpha = alpha
        self.log_gamma = math.log((1.0 + alpha) / (1.0 - alpha))
        self.zeros = 0
        self.offset = {1: 0, -1: 0}
        self.counts = {1: np.zeros(0, dtype=np.int64), -1: np.zeros(0, dtype=np.int64)}

    @property
    def count(self) -> int:
        """Number of values added."""
        return self.zeros + int(self.counts[1].sum()) + int(self.counts[-1].sum())

    def add(self, values: FloatArray) -> None:
        """Count ``values`` (1-D, finite)."""
        self.zeros += int(np.count_nonzero(values == 0.0))
        for sign in (1, -1):
            part = values[values > 0.0] if sign == 1 else -values[values < 0.0]
            if part.size == 0:
                continue
            idx = np.ceil(np.log(part) / self.log_gamma).astype(np.int64)
            lo, hi = int(idx.min()), int(idx.max())
            self._grow(sign, lo, hi)
            counts = np.bincount(idx - lo, minlength=hi - lo + 1)
            start = lo - self.offset[sign]
            self.counts[sign][start : start + counts.size] += counts

    def _grow(self, sign: int, lo: int, hi: int) -> None:
        counts, offset = self.counts[sign], self.offset[sign]
        if counts.size == 0:
            self.counts[sign] = np.zeros(hi - lo + 1, dtype=np.int64)
            self.offset[sign] = lo
            return
        new_lo, new_hi = min(lo, offset), max(hi, offset + counts.size - 1)
        if new_lo == offset and new_hi == offset + counts.size - 1:
            return
        grown = np.zeros(new_hi - new_lo + 1, dtype=np.int64)
        grown[offset - new_lo : offset - new_lo + counts.size] = counts
        self.counts[sign], self.offset[sign] = grown, new_lo

    def _bucket_value(self, index: int) -> float:
        gamma = math.exp(self.log_gamma)
        return 2.0 * math.exp(index * self.log_gamma) / (gamma + 1.0)

    def order_statistics(self, ranks: list[int]) -> list[float]:
        """Return the approximate values of the given 0-based ranks in sorted order."""
        # Sorted order: negatives from the largest magnitude down, zeros, positives up.
        neg = self.counts[-1][::-1]
        neg_index = self.offset[-1] + np.arange(self.counts[-1].size)[::-1]
        cum_neg = np.cumsum(neg)
        n_neg = int(cum_neg[-1]) if cum_neg.size else 0
        cum_pos = np.cumsum(self.counts[1])
        out = []
        for r in ranks:
            if r < n_neg:
                b = int(np.searchsorted(cum_neg, r, side="right"))
                out.append(-self._bucket_value(int(neg_index[b])))
            elif r < n_neg + self.zeros:
                out.append(0.0)
            else:
                b = int(np.searchsorted(cum_pos, r - n_neg - self.zeros, side="right"))
                out.append(self._bucket_value(self.offset[1] + b))
        return out

    def state(self, prefix: str) -> dict[str, FloatArray | np.ndarray]:
        """Return the histogram as arrays, for a checkpoint."""
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
        self.counts = {1: state[f"{prefix}pos"].astype(np.int64), -1: state[f"{prefix}neg"].astype(np.int64)}


class OutputReducer:
    """Summarise one output, ``(sample, *trailing)``, fed block by block in sample order.

    Parameters
    ----------
    n_samples : int
        Samples the run will feed in all.
    trailing_shape : tuple of int
        Shape of the output after the sample axis.
    quantiles : {"exact", "sketch"}
        Keep every value for exact quantiles, or a log histogram per element.
    p_positive : bool
        Also count positive values, for P(output > 0).
    """

    def __init__(
        self,
        n_samples: int,
        trailing_shape: tuple[int, ...] = (),
        *,
        quantiles: QuantileMode = "exact",
        p_positive: bool = False,
    ) -> None:
        self.n_samples = n_samples
        self.shape = trailing_shape
        self.mode = quantiles
        self.p_positive = p_positive
        self.seen = 0
        self.n_folded = 0
        self.mean = np.zeros(trailing_shape)
        self.m2 = np.zeros(trailing_shape)
        self.positive = np.zeros(trailing_shape, dtype=np.int64)
        self.tile = np.empty((TILE, *trailing_shape))
        self.values = np.empty((n_samples, *trailing_shape)) if quantiles == "exact" else None
        size = int(np.prod(trailing_shape)) if trailing_shape else 1
        self.sketches = [LogHistogram() for _ in range(size)] if quantiles == "sketch" else []

    def add(self, start: int, values: FloatArray) -> None:
        """Feed the values of global samples ``start .. start + len(values) - 1``.

        Blocks must come in sample order (the runner guarantees it).
        """
        if start != self.seen:
            msg = f"blocks out of order: expected sample {self.seen}, got {start}"
            raise RuntimeError(msg)
        m = values.shape[0]
        if self.values is not None:
            self.values[start : start + m] = values
        if self.sketches:
            flat = values.reshape(m, -1)
            for j, sketch in enumerate(self.sketches):
                sketch.add(flat[:, j])
        if self.p_positive:
            self.positive += np.count_nonzero(values > 0.0, axis=0)
        # Moments: fill fixed, globally aligned tiles; fold each full tile in order.
        pos = 0
        while pos < m:
            in_tile = (start + pos) % TILE
            take = min(TILE - in_tile, m - pos)
            self.tile[in_tile : in_tile + take] = values[pos : pos + take]
            pos += take
            if in_tile + take == TILE:
                self._fold(self.tile)
        self.seen += m

    def _fold(self, tile: FloatArray) -> None:
        nb = tile.shape[0]
        mean_b = np.mean(tile, axis=0)
        m2_b = np.sum((tile - mean_b) ** 2, axis=0)
        na = self.n_folded
        n = na + nb
        delta = mean_b - self.mean
        self.mean = self.mean + delta * (nb / n)
        self.m2 = self.m2 + m2_b + delta**2 * (na * nb / n)
        self.n_folded = n

    def result(self) -> OutputSummary:
        """Return the summary of every value fed so far."""
        n = self.seen
        mean, m2 = self.mean, self.m2
        rest = n - self.n_folded
        if rest:
            # Fold the last, partial tile into copies so the reducer can go on.
            saved = (self.mean.copy(), self.m2.copy(), self.n_folded)
            self._fold(self.tile[:rest])
            mean, m2 = self.mean, self.m2
            self.mean, self.m2, self.n_folded = saved
        sd = np.sqrt(m2 / (n - 1)) if n > 1 else np.full(self.shape, math.nan)
        share = self.positive / n if self.p_positive else None
        if self.values is not None:
            exact = summarize(self.values[:n], in_place=False)
            percentiles = exact.percentiles
        else:
            percentiles = self._sketch_percentiles(n)
        return OutputSummary(
            n_samples=n,
            mean=Estimate(mean[()], (sd / math.sqrt(n))[()] if n > 1 else math.nan),
            sd=sd[()],
            percentiles=percentiles,
            p_positive=Estimate(share[()], np.sqrt(share * (1.0 - share) / n)[()])
            if share is not None
            else None,
        )

    def _sketch_percentiles(self, n: int) -> dict[float, Estimate]:
        out: dict[float, Estimate] = {}
        for q in PERCENTILES:
            below = math.floor((n - 1) * q / 100.0)
            lo, hi = percentile_se_ranks(n, q)
            ranks = [below, min(below + 1, n - 1), lo, hi]
            vals, ses = [], []
            for sketch in self.sketches:
                a, b, r_lo, r_hi = sketch.order_statistics(ranks)
                vals.append(float(linear_percentile(a, b, n, q)))
                ses.append((r_hi - r_lo) / 2.0)
            out[q] = Estimate(np.array(vals).reshape(self.shape)[()], np.array(ses).reshape(self.shape)[()])
        return out

    def state(self, prefix: str) -> dict[str, np.ndarray]:
        """Return the reducer's state as arrays (for a checkpoint)."""
        state: dict[str, np.ndarray] = {
            f"{prefix}seen": np.array([self.seen]),
            f"{prefix}n_folded": np.array([self.n_folded]),
            f"{prefix}mean": self.mean,
            f"{prefix}m2": self.m2,
            f"{prefix}positive": self.positive,
            f"{prefix}tile": self.tile[: self.seen - self.n_folded],
        }
        if self.values is not None:
            state[f"{prefix}values"] = self.values[: self.seen]
        for j, sketch in enumerate(self.sketches):
            state.update(sketch.state(f"{prefix}sk{j}_"))
        return state

    def load(self, state: dict[str, np.ndarray], prefix: str) -> None:
        """Restore the reducer from :meth:`state`'s arrays."""
        self.seen = int(state[f"{prefix}seen"][0])
        self.n_folded = int(state[f"{prefix}n_folded"][0])
        self.mean = state[f"{prefix}mean"].copy()
        self.m2 = state[f"{prefix}m2"].copy()
        self.positive = state[f"{prefix}positive"].astype(np.int64)
        rest = state[f"{prefix}tile"]
        self.tile[: rest.shape[0]] = rest
        if self.values is not None:
            self.values[: self.seen] = state[f"{prefix}values"]
        for j, sketch in enumerate(self.sketches):
            sketch.load(state, f"{prefix}sk{j}_")
