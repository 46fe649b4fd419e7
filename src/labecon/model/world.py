"""THE order of a world quarter, stated once: labs, clouds and partners, market, capability, money.

Every array is ``(sample, lab)`` (or ``(sample, lab, segment)``), vectorised
with NumPy, stored samples fastest; the only Python loop is over quarters.
Each stage is a small function in its domain module that takes the state
(:mod:`labecon.model.world_state`) and returns the new state and the
quarter's flows. The equations, units and defaults are in ``docs/model.md``.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import pairwise

import numpy as np

from labecon.model.capability import train
from labecon.model.capacity import capacity_online, invest
from labecon.model.decisions import LabPolicy, decide
from labecon.model.finance import close_books, fund, money
from labecon.model.market import market_and_serve
from labecon.model.world_open import advance, context, opening_state
from labecon.model.world_outputs import (
    PLAUSIBILITY_BOUNDS,
    Accumulator,
    NpvParts,
    Quarter,
    WorldResult,
    deal_labels,
)
from labecon.model.world_params import WorldParams, take_samples, world_params
from labecon.model.world_state import Context, WorldState
from labecon.scenario.schema import WorldScenario
from labecon.types import FloatArray

SUB_BLOCK = 16_384
"""Most samples simulated together. Samples are independent, so a block runs in sub-blocks of at
most this size, with the same bits, and its memory stays bounded: the labs' two schedules hold
``(horizon + 1) x lab x 21`` values per sample (13.5 KiB for two labs over 40 quarters, 220 MiB
for a sub-block, 880 MiB for a 65,536-sample block at once), the deals' ``(horizon + 1) x deal x
3``. Larger sub-blocks run faster (fewer quarters' fixed costs): on two-strategies with its routes
16,384 ran 5% faster than 8,192 for 150 MiB more at its peak, 32,768 another 1-5% for 550 MiB."""


def quarter(t: int, state: WorldState, ctx: Context, policy: LabPolicy) -> Quarter:
    """Run quarter ``t``: the order of the world's quarter."""
    state, online = capacity_online(t, state, ctx)  # 1. ordered capacity arrives, old retires
    dec = decide(t, state, ctx, policy, online)  # 2. strategies, from last quarter
    state, inv = invest(t, state, online, dec, ctx)  # 3. data centres ordered, contracts signed
    state, sales = market_and_serve(t, state, online, dec, ctx)  # 4. customers choose, labs serve
    state = train(t, state, dec, sales.base_h100e, ctx)  # 5. training runs, capability
    costs = money(state, online, sales, inv, ctx)  # 6. revenue, costs, net income
    state, funding = fund(t, state, online, dec, sales, inv, costs, ctx)  # 7. debt, rounds, ruin
    state = close_books(state, inv, costs, funding)  # 8. the balance sheet
    return Quarter(t, state, online, sales, costs, funding)


def carry(q: Quarter, ctx: Context) -> WorldState:
    """Return the state the next quarter starts from: the ruined stop, paths move on."""
    st, acc = q.state.standing, q.state.accounts
    standing = st._replace(
        need_h100e=q.sales.need_h100e,
        revenue_history_usd=(*st.revenue_history_usd[1:], q.sales.revenue_usd),
        burn_usd=q.funding.burn_usd,
        raised_history_usd=(*st.raised_history_usd[1:], q.funding.raised_usd),
    )
    return q.state._replace(
        accounts=acc._replace(alive=acc.alive * (1.0 - q.funding.newly_ruined)),
        standing=standing,
        drivers=advance(q.state.drivers, ctx.drivers_step),
    )


def simulate_world(
    params: WorldParams,
    policy: LabPolicy,
    *,
    keep_paths: bool = False,
    npv_parts: bool = False,
    only_npv: bool = False,
) -> WorldResult:
    """Run a world scenario over its horizon; return its per-sample outputs (and paths if asked).

    Outputs and paths are declared in :mod:`labecon.model.world_outputs`; with
    ``npv_parts``, also how each lab's NPV builds up, by line and over time. With
    ``only_npv`` (a lab's route run), the outputs are only the NPV, the unit costs of compute and the
    plausibility bounds.
    """
    if params.n_samples > SUB_BLOCK:
        return _in_sub_blocks(params, policy, keep_paths=keep_paths, npv_parts=npv_parts, only_npv=only_npv)
    ctx = context(params)
    state = opening_state(params, ctx)
    lp, n_segments = params.labs, params.market.spend_usd_per_year.shape[1]
    out = Accumulator(
        params.n_samples,
        lp.cash_usd.shape[1],
        n_segments,
        params.horizon_quarters,
        keep_paths=keep_paths,
        n_deals=len(params.deal_lab),
        npv_parts=npv_parts,
        only_npv=only_npv,
    )
    out.open(params.deals, state, params.deal_lab)
    with _cycle_collector_paused():
        for t in range(params.horizon_quarters):
            q = quarter(t, state, ctx, policy)
            out.record(q, ctx)
            state = carry(q, ctx)
    return out.finish(state, ctx)


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector, as it was before once done.

    A quarter makes thousands of short-lived tuples and arrays, which reference
    counting frees (they form no cycles); each batch of them would otherwise set
    off a collection that walks every object the process holds (about 10% of a run).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_world(
    scenario: WorldScenario,
    draws: Mapping[str, FloatArray],
    n: int,
    policy: LabPolicy,
    *,
    seed: int,
    start: int,
    keep_paths: bool = False,
    npv_parts: bool = False,
    only_npv: bool = False,
    variant: str = "",
) -> WorldResult:
    """Run a world scenario on one block's draws; paths shaped as the scenario declares them.

    ``seed`` and ``start`` (the block's first sample) key the draws inside the quarter;
    ``variant`` (``"<lab>:<route>"``) names the route its plausibility warnings are about; see
    :func:`simulate_world` for the rest.
    """
    params = world_params(scenario, draws, n, seed=seed, start=start)
    result = simulate_world(params, policy, keep_paths=keep_paths, npv_parts=npv_parts, only_npv=only_npv)
    warn_beyond_bounds(result.outputs["is_beyond_plausible_bound"], params.lab_names, start, variant)
    if not keep_paths or deal_labels(scenario):
        return result
    paths = dict(result.paths)
    paths.pop("partner_accounts_usd")  # no deal, no partner accounts
    return result._replace(paths=paths)


class PlausibilityWarning(UserWarning):
    """Some samples of a block passed the scenario's plausibility bounds (capacity, funding or revenue).

    Carries its counts, so that a caller can add the blocks up: ``lab``, ``count``
    of ``n_samples`` from sample ``start``, ``variant`` (``"<lab>:<route>"``
    when the world ran with that lab on one of its alternative routes) and
    ``by_bound``: how many passed each bound, in the order of
    :data:`~labecon.model.world_outputs.PLAUSIBILITY_BOUNDS` (a sample may pass several).
    """

    def __init__(
        self,
        lab: str,
        count: int,
        n_samples: int,
        start: int,
        variant: str = "",
        by_bound: tuple[int, ...] = (),
    ) -> None:
        self.lab, self.count, self.n_samples, self.start, self.variant = lab, count, n_samples, start, variant
        self.by_bound = by_bound
        where = ""
        if variant:
            who, route = variant.split(":", 1)
            where = f" (in the futures where {who} takes its route {route!r})"
        which = f" ({bound_counts(by_bound)})" if by_bound else ""
        super().__init__(
            f"{count} of {n_samples} samples (from sample {start}) of lab {lab!r}{where} passed the "
            f"plausibility bounds on compute, funding or revenue{which} "
            "(finance.plausible_max_*; outputs is_beyond_plausible_bounds, is_beyond_plausible_bound)"
        )

    def __reduce__(
        self,
    ) -> tuple[type[PlausibilityWarning], tuple[str, int, int, int, str, tuple[int, ...]]]:
        """Pickle by its counts (a worker process sends it back to the run's caller)."""
        return PlausibilityWarning, (
            self.lab,
            self.count,
            self.n_samples,
            self.start,
            self.variant,
            self.by_bound,
        )


def bound_counts(by_bound: Sequence[int]) -> str:
    """Return how many samples passed each plausibility bound, in words: ``compute 2,200, revenue 60``."""
    return ", ".join(f"{b} {c:,}" for b, c in zip(PLAUSIBILITY_BOUNDS, by_bound, strict=True) if c)


def warn_beyond_bounds(beyond: FloatArray, lab_names: list[str], start: int, variant: str = "") -> None:
    """Warn, per lab, how many samples of the block passed the plausibility bounds (never silently).

    ``beyond``: ``(sample, lab, bound)``, 1 where the lab passed that bound; ``variant``: as
    :class:`PlausibilityWarning`'s.
    """
    n = beyond.shape[0]
    counts, by_bound = beyond.max(axis=2, initial=0.0).sum(axis=0), beyond.sum(axis=0)
    for lab, (name, count) in enumerate(zip(lab_names, counts, strict=True)):
        if count > 0:
            each = tuple(int(c) for c in by_bound[lab])
            warning = PlausibilityWarning(name, int(count), n, start, variant, each)
            collector = _COLLECTOR.get()
            if collector is None:
                warnings.warn(warning, stacklevel=3)
            else:
                collector.append(warning)


_COLLECTOR: ContextVar[list[PlausibilityWarning] | None] = ContextVar("plausibility_warnings", default=None)


@contextmanager
def plausibility_warnings_kept() -> Iterator[list[PlausibilityWarning]]:
    """Keep the plausibility warnings given inside the block in this thread, instead of giving them.

    For a worker that sends them back to the run's caller. Unlike ``warnings.catch_warnings``,
    which swaps the whole process's filters and ``showwarning``, it is safe in a worker that
    runs several blocks at once in threads: each keeps only its own.
    """
    kept: list[PlausibilityWarning] = []
    token = _COLLECTOR.set(kept)
    try:
        yield kept
    finally:
        _COLLECTOR.reset(token)


def sub_blocks(n: int) -> list[slice]:
    """Return the fewest runs of consecutive samples of at most :data:`SUB_BLOCK`, of sizes within one.

    Equal sizes, because a quarter costs a fixed time besides its samples': route-choice's
    10,000 samples run in 0.36 s as 5,000 + 5,000, in 0.39 s as 8,192 + 1,808.
    """
    count = -(-n // SUB_BLOCK)
    bounds = [n * k // count for k in range(count + 1)]
    return [slice(a, b) for a, b in pairwise(bounds)]


def _in_sub_blocks(
    params: WorldParams, policy: LabPolicy, *, keep_paths: bool, npv_parts: bool, only_npv: bool
) -> WorldResult:
    """Run :func:`simulate_world` on the :func:`sub_blocks` of its samples; join their results."""
    n = params.n_samples
    outputs: dict[str, FloatArray] = {}
    paths: dict[str, FloatArray] = {}
    parts: dict[str, FloatArray] = {}
    for rows in sub_blocks(n):
        part = simulate_world(
            take_samples(params, rows),
            policy.take_samples(rows),
            keep_paths=keep_paths,
            npv_parts=npv_parts,
            only_npv=only_npv,
        )
        npv = part.npv._asdict() if part.npv is not None else {}
        for whole, piece in ((outputs, part.outputs), (paths, part.paths), (parts, npv)):
            for name, value in piece.items():
                if name not in whole:  # written in place: no second copy of the paths
                    whole[name] = np.empty((n, *value.shape[1:]), dtype=value.dtype)
                whole[name][rows] = value
    return WorldResult(outputs, paths, NpvParts(**parts) if parts else None)
