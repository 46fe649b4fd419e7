"""Lab strategies as data: tunable parameters per lab, and the reactive rules that use them.

A :class:`RuleBasedLabs` holds every lab's strategy parameters as arrays
``(sample, lab)`` (any of them can be an uncertain input) and implements
:class:`labecon.model.world.LabPolicy`. Its rules, each quarter:

- **Build ahead of forecast need.** The capacity a lab plans for ``h``
  quarters ahead is ``need * (1 + g) ** (h / 4) * (1 + headroom) /
  (1 - training - research)``: last quarter's inference need grown at the
  market's expected rate, with headroom, plus the training and research shares.
  Owned capacity targets ``own_frac`` of that at the data-centre lead time,
  leased capacity ``lease_frac`` of it at the lease's lead time,
  commitments ``commit_frac`` of it when they start (``commit_lead_quarters``),
  partner capacity ``partner_frac`` of it next quarter; renting on demand
  covers the rest.
- **Train to keep pace.** Under the ``frontier_gap`` rule a lab trains on
  as much of its capacity as its run in progress needs to finish
  ``training_target_gap_oom`` above the frontier it races (the outside
  frontier at the run's end, or the best other lab), at least
  ``training_frac`` and at most ``training_max_frac``; under ``share``,
  on ``training_frac``. Capacity is planned for that share.
- **Scale commitments with revenue.** The commitment target grows by
  ``commit_scale_with_revenue`` times the lab's revenue growth over the year.
- **Cut training and building when the runway is short.** Below
  ``cut_training_runway_quarters`` of runway, the training share is
  multiplied by ``cut_training_factor`` and the owned, leased, committed and
  partner capacity targets by ``cut_build_factor``.
- **Raise when the runway is short.** Funding is tried below
  ``funding_trigger_runway_quarters`` and sized for
  ``funding_target_runway_quarters`` of burn.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from labecon.constants import QUARTERS_PER_YEAR
from labecon.model import _world_fused
from labecon.model._world_fused import full
from labecon.model.decisions import LabDecisions, LabObservation
from labecon.model.params import resolve
from labecon.scenario.schema import WorldScenario
from labecon.scenario.world import LabStrategySpec, strategy_phases
from labecon.types import FloatArray

_RULE_FIELDS = (
    "own_frac",
    "lease_frac",
    "commit_frac",
    "partner_frac",
    "headroom_frac",
    "training_frac",
    "training_target_gap_oom",
    "training_max_frac",
    "research_frac",
    "price_premium_frac",
    "cut_training_runway_quarters",
    "cut_training_factor",
    "cut_build_factor",
    "commit_scale_with_revenue",
    "funding_trigger_runway_quarters",
    "funding_target_runway_quarters",
)


class RuleBasedLabs(NamedTuple):
    """Every lab's strategy parameters, ``(sample, lab)`` each, and the rules that use them."""

    own_frac: FloatArray
    lease_frac: FloatArray
    commit_frac: FloatArray
    partner_frac: FloatArray
    headroom_frac: FloatArray
    training_frac: FloatArray
    training_target_gap_oom: FloatArray
    training_max_frac: FloatArray
    research_frac: FloatArray
    price_premium_frac: FloatArray
    cut_training_runway_quarters: FloatArray
    cut_training_factor: FloatArray
    cut_build_factor: FloatArray
    commit_scale_with_revenue: FloatArray
    funding_trigger_runway_quarters: FloatArray
    funding_target_runway_quarters: FloatArray
    frontier_gap_rule: FloatArray
    """1.0 where the lab follows the frontier-gap training rule, 0.0 for the share rule."""

    def planned_capacity_h100e(self, obs: LabObservation, ahead_quarters: FloatArray) -> FloatArray:
        """Return the total capacity planned for ``ahead_quarters`` from now (H100e)."""
        return self._planned(
            obs, _log_growth(obs), ahead_quarters / QUARTERS_PER_YEAR, self._training_needed(obs)
        )

    def _training_needed(self, obs: LabObservation) -> FloatArray:
        """Return the training capacity the run in progress needs over the quarters it has left (H100e)."""
        target = 10.0 ** (obs.frontier_log10_flop + self.training_target_gap_oom)
        out: FloatArray = np.maximum(0.0, target - obs.run_flop) / np.maximum(
            obs.flop_per_training_h100e, 1e-300
        )
        return out

    def training_share(self, obs: LabObservation, needed: FloatArray | None = None) -> FloatArray:
        """Return the share of its capacity each lab wants to train on, before any cut for cash.

        Share rule: ``training_frac``. Frontier-gap rule: what its run in progress still needs to
        finish ``gap`` orders of magnitude above the frontier it races, over the capacity online,
        at least ``training_frac`` and at most ``training_max_frac``.
        """
        if not self.frontier_gap_rule.any():
            return self.training_frac
        if needed is None:
            needed = self._training_needed(obs)
        # Below one H100e online the lab trains on its ceiling share (no overflow on a tiny base).
        wanted = needed / np.maximum(obs.base_h100e, 1.0)
        race = np.maximum(self.training_frac, np.minimum(wanted, self.training_max_frac))
        out: FloatArray = np.where(self.frontier_gap_rule > 0, race, self.training_frac)
        return out

    def _planned(
        self,
        obs: LabObservation,
        log_growth: FloatArray,
        ahead_years: FloatArray | float,
        training_needed: FloatArray,
    ) -> FloatArray:
        """Return the capacity planned ``ahead_years`` from now: inference need, and training.

        ``T = F / (1 - tau - research)`` with ``F`` the forecast inference need with headroom and
        ``tau`` the training share: ``training_frac`` (share rule), or under the frontier-gap rule
        the share that fits the training need then, ``N (1 - research) / (F + N)``, within
        ``[training_frac, training_max_frac]``; ``N`` grows with the frontier's compute.
        """
        # exp/log of whole arrays (a power with a broadcast operand can change the last bit with the shape)
        forecast = obs.need_h100e * np.exp(log_growth * ahead_years) * (1.0 + self.headroom_frac)
        if not self.frontier_gap_rule.any():
            share_rule: FloatArray = forecast / (1.0 - self.training_frac - self.research_frac)
            return share_rule
        need = training_needed * np.exp(obs.frontier_growth_oom_per_year * (np.log(10.0) * ahead_years))
        fit = need * (1.0 - self.research_frac) / np.maximum(forecast + need, 1e-300)
        race = np.maximum(self.training_frac, np.minimum(fit, self.training_max_frac))
        tau = np.where(self.frontier_gap_rule > 0, race, self.training_frac)
        out: FloatArray = forecast / (1.0 - tau - self.research_frac)
        return out

    def take_samples(self, rows: slice) -> RuleBasedLabs:
        """Return the strategies of samples ``rows`` only (views, not copies)."""
        return RuleBasedLabs(*(v[rows] for v in self))

    def decide(self, obs: LabObservation) -> LabDecisions:
        """Apply the rules to what the labs saw; return the quarter's decisions."""
        if _world_fused.compiled():
            return self._decide_compiled(obs)
        short = obs.runway_quarters < self.cut_training_runway_quarters
        racing = self.frontier_gap_rule.any()
        needed = self._training_needed(obs) if racing else obs.base_h100e  # (unused without a race)
        share = self.training_share(obs, needed)
        training = np.where(short, share * self.cut_training_factor, share)
        build = np.where(short, self.cut_build_factor, 1.0)
        log_growth = _log_growth(obs)  # once for all horizons
        at_lead = self._planned(obs, log_growth, obs.lead_quarters[:, None] / QUARTERS_PER_YEAR, needed)
        next_q = self._planned(obs, log_growth, 1.0 / QUARTERS_PER_YEAR, needed)
        at_commit = (  # planned for the commitment's start (next quarter unless said)
            self._planned(obs, log_growth, obs.commit_lead_quarters / QUARTERS_PER_YEAR, needed)
            if _commits_later(obs)
            else next_q
        )
        at_lease = (
            self._planned(obs, log_growth, obs.lease_lead_quarters / QUARTERS_PER_YEAR, needed)
            if self.lease_frac.any()
            else np.zeros_like(next_q)
        )
        revenue_push = 1.0 + self.commit_scale_with_revenue * np.clip(obs.revenue_growth_per_year, 0.0, 5.0)
        return LabDecisions(
            training_frac=training,
            research_frac=self.research_frac,
            price_premium_frac=self.price_premium_frac,
            own_target_h100e=self.own_frac * at_lead * build,
            commit_target_h100e=self.commit_frac * at_commit * revenue_push * build,
            lease_target_h100e=self.lease_frac * at_lease * build,
            partner_target_h100e=self.partner_frac * next_q * build,
            funding_trigger_runway_quarters=self.funding_trigger_runway_quarters,
            funding_target_runway_quarters=self.funding_target_runway_quarters,
            own_fill_target_h100e=self._fill_target(obs, log_growth, needed, build),
        )

    def _fill_target(
        self, obs: LabObservation, log_growth: FloatArray, needed: FloatArray, build: FloatArray
    ) -> FloatArray | None:
        """Return the owned capacity planned for when chips ordered now for free space arrive.

        As the owned target, planned ``chip_lead_quarters`` ahead (H100e); None when unset.
        """
        if obs.chip_lead_quarters is None:
            return None
        ahead = obs.chip_lead_quarters[:, None] / QUARTERS_PER_YEAR
        out: FloatArray = self.own_frac * self._planned(obs, log_growth, ahead, needed) * build
        return out

    def _decide_compiled(self, obs: LabObservation) -> LabDecisions:
        """Return what :meth:`decide` returns, from compiled loops (the same bits).

        The powers, ``log1p`` and ``exp`` are NumPy's, between the kernels.
        """
        n, n_labs = obs.need_h100e.shape
        lab = (n, n_labs)
        racing, leasing = bool(self.frontier_gap_rule.any()), bool(self.lease_frac.any())
        target_flop = (
            10.0 ** (obs.frontier_log10_flop + self.training_target_gap_oom) if racing else obs.run_flop
        )
        exponents = np.empty((n, n_labs, 8 if _commits_later(obs) else 6), order="F")
        _world_fused.plan_exponents(
            full(_log_growth(obs), lab),
            full(obs.lead_quarters, (n,)),
            full(obs.lease_lead_quarters, lab, keep=True),
            full(obs.commit_lead_quarters, lab, keep=True),
            full(obs.frontier_growth_oom_per_year[:, 0], (n,)),
            float(np.log(10.0)),
            exponents,
        )
        training, own, commit, lease, partner = (np.empty(lab, order="F") for _ in range(5))
        _world_fused.decide_kernel(
            racing,
            leasing,
            full(obs.runway_quarters, lab),
            full(target_flop, lab),
            full(obs.run_flop, lab),
            full(obs.flop_per_training_h100e, lab),
            full(obs.base_h100e, lab),
            full(obs.need_h100e, lab),
            np.exp(exponents, out=exponents),
            full(obs.revenue_growth_per_year, lab),
            full(self.own_frac, lab, keep=True),
            full(self.lease_frac, lab, keep=True),
            full(self.commit_frac, lab, keep=True),
            full(self.partner_frac, lab, keep=True),
            full(self.headroom_frac, lab, keep=True),
            full(self.training_frac, lab, keep=True),
            full(self.training_max_frac, lab, keep=True),
            full(self.research_frac, lab, keep=True),
            full(self.cut_training_runway_quarters, lab, keep=True),
            full(self.cut_training_factor, lab, keep=True),
            full(self.cut_build_factor, lab, keep=True),
            full(self.commit_scale_with_revenue, lab, keep=True),
            full(self.frontier_gap_rule, lab, keep=True),
            training,
            own,
            commit,
            lease,
            partner,
        )
        return LabDecisions(
            training_frac=training,
            research_frac=self.research_frac,
            price_premium_frac=self.price_premium_frac,
            own_target_h100e=own,
            commit_target_h100e=commit,
            lease_target_h100e=lease,
            partner_target_h100e=partner,
            funding_trigger_runway_quarters=self.funding_trigger_runway_quarters,
            funding_target_runway_quarters=self.funding_target_runway_quarters,
            own_fill_target_h100e=self._fill_target_numpy(obs, racing),
        )

    def _fill_target_numpy(self, obs: LabObservation, racing: bool) -> FloatArray | None:
        """Return :meth:`_fill_target` from NumPy, as the plain path computes it (the same bits)."""
        if obs.chip_lead_quarters is None:
            return None
        needed = self._training_needed(obs) if racing else obs.base_h100e
        build = np.where(obs.runway_quarters < self.cut_training_runway_quarters, self.cut_build_factor, 1.0)
        return self._fill_target(obs, _log_growth(obs), needed, build)


def _commits_later(obs: LabObservation) -> bool:
    """Return whether some lab's commitments start later than next quarter (a plan for their start)."""
    return bool((obs.commit_lead_quarters != 1.0).any())


def _log_growth(obs: LabObservation) -> FloatArray:
    """Return ``ln(1 + g)`` of the growth of need, ``g`` clipped to [-0.9, 10] (per year)."""
    out: FloatArray = np.log1p(np.clip(obs.need_growth_per_year, -0.9, 10.0))
    return out


def strategy_params(spec: LabStrategySpec, draws: Mapping[str, FloatArray], n: int) -> dict[str, FloatArray]:
    """Return one lab's rule parameters as ``(sample,)`` arrays."""
    out = {name: resolve(getattr(spec, name), draws, n) for name in _RULE_FIELDS}
    out["frontier_gap_rule"] = np.full(n, float(spec.training_rule == "frontier_gap"))
    return out


class PhasedLabs(NamedTuple):
    """Strategies whose shares of new capacity change at dated quarters (``route_changes``).

    ``phases[k]`` holds every lab's strategy from quarter ``starts[k]`` until the next start
    (the first at quarter 0): each lab's shares as its last change by then left them.
    """

    phases: tuple[RuleBasedLabs, ...]
    starts: tuple[int, ...]

    def decide(self, obs: LabObservation) -> LabDecisions:
        """Apply the rules of the phase quarter ``obs.t`` is in."""
        return self.phases[bisect.bisect_right(self.starts, obs.t) - 1].decide(obs)

    def take_samples(self, rows: slice) -> PhasedLabs:
        """Return the strategies of samples ``rows`` only (views, not copies)."""
        return PhasedLabs(tuple(p.take_samples(rows) for p in self.phases), self.starts)


def lab_policy(
    scenario: WorldScenario, draws: Mapping[str, FloatArray], n: int
) -> RuleBasedLabs | PhasedLabs:
    """Return the strategies of a world scenario's labs for ``n`` samples.

    With route changes, one set of strategies for each quarter some lab's shares change.
    """
    phases = [strategy_phases(lab.strategy) for lab in scenario.labs.values()]
    starts = sorted({q for lab_phases in phases for q, _ in lab_phases})
    if starts == [0]:
        return _rules([lab.strategy for lab in scenario.labs.values()], draws, n)
    return PhasedLabs(
        tuple(_rules([_in_force(lab_phases, q) for lab_phases in phases], draws, n) for q in starts),
        tuple(starts),
    )


def _in_force(phases: list[tuple[int, LabStrategySpec]], quarter: int) -> LabStrategySpec:
    """Return a lab's strategy in force at ``quarter``: its last phase started by then."""
    return [strategy for start, strategy in phases if start <= quarter][-1]


def _rules(specs: list[LabStrategySpec], draws: Mapping[str, FloatArray], n: int) -> RuleBasedLabs:
    """Return the labs' strategies ``specs`` (one per lab, in order) for ``n`` samples."""
    per_lab = [strategy_params(spec, draws, n) for spec in specs]
    # (sample, lab) with samples fastest, as the world model's arrays are.
    return RuleBasedLabs(*(np.stack([p[f] for p in per_lab]).T for f in RuleBasedLabs._fields))
