"""What each strategic deal is worth to both sides: the lab's NPV with it and without it, and the partner's.

A deal is "mutually beneficial" when both sides gain: the lab's NPV of free cash
flow is higher with the deal than without it, and the partner's return on the
deal (``partner_deal_npv_usd``) is positive. :func:`deal_values` measures both
in the same futures: the world once as declared and once without each deal,
every run on the same seed. Without a deal the lab has none of its capacity
(opening or new: what its other deals do not take, it rents on demand or
commits for as its strategy says), none of its discount, investment or credits;
the other labs keep theirs. Each lab runs on its declared route only (its route
alternatives are the route answer's, not this question's).

The lab's side is its NPV of free cash flow: what the stake it gave costs its other
owners is not in it (the partner's stake, valued in the partner's return, is that
cost's other side).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from labecon import layout
from labecon.amounts import money, pct
from labecon.analysis.metrics import probability_estimate
from labecon.errors import ScenarioError
from labecon.jsonable import write_json
from labecon.model.world_outputs import deal_labels
from labecon.runtime.run import simulate
from labecon.runtime.summary import summarize
from labecon.scenario.loader import ScenarioSource, load_scenario
from labecon.scenario.names import NO_NAMES, ReaderNames, deal_parts, reader_names
from labecon.scenario.schema import Scenario, WorldScenario, as_kind
from labecon.scenario.world import world_deals
from labecon.tables import write_csv
from labecon.types import FloatArray

_STATISTICS = ("mean", "mean_se", "sd", "p5", "p5_se", "p50", "p50_se", "p95", "p95_se")
"""A worth's statistics in the table, each a column in USD (``mean_usd`` ...), then P(> 0)."""


@dataclass(frozen=True)
class DealValue:
    """One deal's worth to its lab and to its partner, in the same futures (USD; summaries as dicts).

    ``lab_gain`` and ``partner_npv`` are :func:`~labecon.runtime.summary.summarize`'s
    summaries (mean, percentiles, each with its standard error, and P(> 0));
    ``others_gain``: each other lab's NPV with the deal against without it (a rival's
    loss is negative); ``both_gain``: the share of futures where the lab gains and the
    partner's NPV is positive, with its standard error.
    """

    deal: str
    lab: str
    lab_gain: dict[str, Any]
    partner_npv: dict[str, Any]
    others_gain: dict[str, dict[str, Any]]
    both_gain: tuple[float, float]


@dataclass(frozen=True)
class DealValues:
    """Every deal's :class:`DealValue`, in the scenario's order of deals."""

    scenario: str
    n_samples: int
    seed: int
    deals: list[DealValue]
    names: ReaderNames = NO_NAMES
    """The labs' and clouds' names for readers (the deals name them by key)."""

    def __repr__(self) -> str:
        """Say each deal's median worth to its lab and to its partner (not every statistic)."""
        deals = "; ".join(
            f"{d.deal}: the lab gains {money(d.lab_gain['p50'])}, "
            f"the partner's NPV {money(d.partner_npv['p50'])}"
            for d in self.deals
        )
        return (
            f"<Deal values in {self.scenario!r} ({self.n_samples:,} samples, seed {self.seed}; "
            f"medians): {deals or 'no deals'}; read with .deals, .to_dict()>"
        )

    def headline(self) -> str:
        """Return how many deals leave both sides better off in most futures, in a sentence."""
        mutual = sum(d.both_gain[0] > 0.5 for d in self.deals)
        if len(self.deals) == 1:
            lead = "The deal leaves" if mutual else "The deal does not leave"
        else:
            lead = f"{mutual} of {len(self.deals)} deals leave"
        return (
            f"{lead} both sides better off in most futures ({self.n_samples:,} futures, seed {self.seed}, "
            "each with and without the deal)."
        )

    def summary(self) -> str:
        """Return the answer in words: the :meth:`headline`, then each deal's worth to both sides."""
        said = [
            f"{self.names.deal(d.deal)}: the lab {'gains' if d.lab_gain['p50'] >= 0 else 'loses'} "
            f"{money(abs(d.lab_gain['p50']))} in the median (gains in {pct(d.lab_gain['p_positive'])} of "
            f"futures); the partner's NPV of the deal is {money(d.partner_npv['p50'])} (positive in "
            f"{pct(d.partner_npv['p_positive'])}); both gain in {pct(d.both_gain[0])} of futures."
            for d in self.deals
        ]
        return " ".join([self.headline(), *said])

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data (JSON-ready); ``names``: each lab's and deal's name for readers."""
        labs = {d.lab for d in self.deals} | {lab for d in self.deals for lab in d.others_gain}
        return {
            "scenario": self.scenario,
            "n_samples": self.n_samples,
            "seed": self.seed,
            "headline": self.headline(),
            "summary": self.summary(),
            "names": self.names.for_coords({"lab": sorted(labs), "deal": [d.deal for d in self.deals]}),
            "deals": [
                {
                    "deal": d.deal,
                    "lab": d.lab,
                    "lab_gain_usd": d.lab_gain,
                    "partner_npv_usd": d.partner_npv,
                    "other_labs_gain_usd": d.others_gain,
                    "both_gain": {"value": d.both_gain[0], "se": d.both_gain[1]},
                }
                for d in self.deals
            ],
        }

    def rows(self) -> list[dict[str, Any]]:
        """Return the answer as a table: a row per deal and party (its lab, its partner, each rival lab).

        ``measure`` is ``lab_gain`` (the lab's NPV with the deal less without it),
        ``partner_npv`` (the partner's return on the deal) or ``rival_gain`` (another lab's NPV
        with it less without it; ``party`` names that lab); ``p_both`` is the deal's share of
        futures where the lab gains and the partner's NPV is positive, on each of its rows.
        """
        out = []
        for d in self.deals:
            parties = [
                ("lab_gain", d.lab, d.lab_gain),
                ("partner_npv", (deal_parts(d.deal) or (d.deal,))[0], d.partner_npv),
                *(("rival_gain", lab, worth) for lab, worth in d.others_gain.items()),
            ]
            for measure, party, worth in parties:
                naming = self.names.cloud if measure == "partner_npv" else self.names.lab
                out.append(
                    {
                        "deal": d.deal,
                        "deal_name": self.names.deal(d.deal),
                        "lab": d.lab,
                        "measure": measure,
                        "party": party,
                        "party_name": naming(party),
                        "n_samples": worth["n_samples"],
                        **{f"{k}_usd": worth[k] for k in _STATISTICS},
                        "p_positive": worth["p_positive"],
                        "p_positive_se": worth["p_positive_se"],
                        "p_both": d.both_gain[0],
                        "p_both_se": d.both_gain[1],
                    }
                )
        return out

    def save(self, directory: str | Path) -> Path:
        """Write the result as ``deals.json`` into an analysis's folder, its table as ``deals.csv``."""
        write_csv(Path(directory) / layout.analysis_table("deals"), self.rows())
        return write_json(Path(directory) / layout.analysis_file("deals"), self.to_dict())


def deal_values(
    scenario: ScenarioSource,
    *,
    n_samples: int | None = None,
    seed: int | None = None,
    backend: Any = "local",
    chunk_size: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> DealValues:
    """Return what each deal is worth to its lab and its partner, in the same futures.

    Runs the world as declared and once without each deal, on the same seed; ``backend`` and
    ``chunk_size`` are :func:`~labecon.simulate`'s. ``progress(i, count, label)`` is called
    before the ``i``-th run (from 1; the first is the world as declared).

    Raises
    ------
    ScenarioError
        The scenario is not a world scenario, or it has no deal.
    """
    world = with_deals(load_scenario(scenario))
    world = declared_routes_only(world)
    deals, labs = world_deals(world.clouds), list(world.labs)
    labels = deal_labels(world)[: len(deals)]  # the clouds' deals (a lab's investors have no capacity)
    key = world.run.seed if seed is None else seed
    names = reader_names(world)

    def run(sc: WorldScenario, i: int, label: str) -> dict[str, FloatArray]:
        if progress is not None:
            progress(i, len(labels) + 1, label)
        out = simulate(sc, n_samples, key, keep="outputs", backend=backend, chunk_size=chunk_size)
        # A world with no deal left has no partner's NPV.
        kept = [n for n in ("npv_fcf_usd", "partner_deal_npv_usd") if n in out.dataset]
        return {name: out.dataset[name].to_numpy() for name in kept}

    base = run(world, 1, "as declared")
    values = []
    for d, label in enumerate(labels):
        without = run(without_deal(world, d), d + 2, f"without {names.deal(label)}")
        gain = base["npv_fcf_usd"] - without["npv_fcf_usd"]  # (sample, lab)
        lab = labs.index(deals[d][2].lab)
        partner = base["partner_deal_npv_usd"][:, d]
        both = probability_estimate((gain[:, lab] > 0) & (partner > 0))
        values.append(
            DealValue(
                deal=label,
                lab=labs[lab],
                lab_gain=_summary(gain[:, lab]),
                partner_npv=_summary(partner),
                others_gain={labs[o]: _summary(gain[:, o]) for o in range(len(labs)) if o != lab},
                both_gain=(float(both.value), float(both.se)),
            )
        )
    return DealValues(world.name, base["npv_fcf_usd"].shape[0], key, values, names)


def _summary(values: FloatArray) -> dict[str, Any]:
    """Return the summary of one figure over the samples, as plain data."""
    out: dict[str, Any] = summarize(np.ascontiguousarray(values), p_positive=True).as_dict()
    return out


def with_deals(scenario: Scenario) -> WorldScenario:
    """Return the scenario as a world with deals, or say why it has none.

    Raises
    ------
    ScenarioError
        Not a world scenario (``scenario``), or no cloud has a deal (``clouds``).
    """
    world = as_kind(scenario, WorldScenario)
    if world is None:
        msg = "deals are a world scenario's; this is a compute scenario"
        raise ScenarioError(msg, "scenario")
    if not world_deals(world.clouds):
        msg = "no cloud has a deal (clouds.<cloud>.deal or deals): there is no deal to value"
        raise ScenarioError(msg, "clouds")
    return world


def declared_routes_only(world: WorldScenario) -> WorldScenario:
    """Return the world with each lab on its declared route and no alternatives (one world run)."""
    labs = {name: lab.model_copy(update={"routes": {}}) for name, lab in world.labs.items()}
    return world.model_copy(update={"labs": labs})


def without_deal(world: WorldScenario, index: int) -> WorldScenario:
    """Return the world without its ``index``-th deal (:func:`~labecon.scenario.world.world_deals`' order)."""
    cloud_name, path, _deal = world_deals(world.clouds)[index]
    cloud = world.clouds[cloud_name]
    if path.endswith(".deal"):
        changed = cloud.model_copy(update={"deal": None})
    else:  # clouds.<name>.deals[k]
        k = int(path.rsplit("[", 1)[1].rstrip("]"))
        changed = cloud.model_copy(update={"deals": [*cloud.deals[:k], *cloud.deals[k + 1 :]]})
    return world.model_copy(update={"clouds": {**world.clouds, cloud_name: changed}})
