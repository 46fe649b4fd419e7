"""How the route answer moves with the model's own conventions, one at a time and together.

The route answer (each lab's P(best) of each of its routes, on the same
futures) rests on choices the model makes, not only on the scenario's
numbers: when a route's compute is priced (``finance.compute_priced_at``),
how far ahead chips for free data-centre space are ordered
(``finance.chip_lead_quarters``), what reusing that space costs
(``finance.dc_refit_usd_per_mw``), when owned and leased halls get new chips
(``finance.owned_refill``, ``finance.lease_refill``) and how a lab is valued at the horizon
(``finance.terminal_value_method``). :func:`conventions` reruns the scenario
with each switched to its other setting, then with the settings that in
``docs/model.md`` lean against owning all together, every run on the same
seed (so on the same futures), and reports each route's P(best) with its
Monte Carlo standard error.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from labecon import layout
from labecon.errors import ScenarioError
from labecon.jsonable import write_json
from labecon.runtime.run import simulate
from labecon.scenario.loader import ScenarioSource, load_scenario
from labecon.scenario.names import NO_NAMES, ReaderNames, reader_names
from labecon.scenario.overrides import with_overrides
from labecon.scenario.routes import lab_routes
from labecon.scenario.schema import Scenario, WorldScenario, as_kind
from labecon.tables import write_csv

AGAINST_OWNING = "the settings against owning, together"
"""The label of the last variant: compute priced at signing, chips for free space ordered a
quarter ahead, free space reused at a new facility's cost, owned halls refilled only as the plan
asks, leased halls refilled whatever it asks, and book terminal value."""


class Convention(NamedTuple):
    """One variant of the scenario: a label and the overrides that make it (none: as declared)."""

    label: str
    overrides: dict[str, Any]


class ConventionRow(NamedTuple):
    """A variant's route answer: lab -> route -> (P(best), its standard error).

    ``beyond_bounds``: lab -> the share of futures in which the lab, on its declared route,
    passed the scenario's plausibility bounds (``finance.plausible_max_*``) in this variant.
    """

    label: str
    overrides: dict[str, Any]
    p_best: dict[str, dict[str, tuple[float, float]]]
    beyond_bounds: dict[str, float]

    def best(self, lab: str) -> str:
        """Return the lab's route with the highest P(best) in this variant."""
        routes = self.p_best[lab]
        return max(routes, key=lambda r: routes[r][0])

    def is_tie(self, lab: str) -> bool:
        """Return whether the lab's two likeliest routes are within two standard errors of each other."""
        (a, sa), (b, sb) = sorted(self.p_best[lab].values(), reverse=True)[:2]
        return bool(a - b < 2.0 * math.hypot(sa, sb))


@dataclass(frozen=True)
class ConventionsResult:
    """The route answer of a scenario under each variant of :func:`convention_variants`."""

    scenario: str
    n_samples: int
    seed: int
    rows: list[ConventionRow]
    names: ReaderNames = NO_NAMES
    """The labs' names for readers (their keys are in ``rows``)."""

    def __repr__(self) -> str:
        """Say each lab's best route as declared and how many variants turn it (not every row)."""
        declared, variants = self.rows[0], self.rows[1:]
        labs = "; ".join(
            f"{self.names.labs.get(lab) or lab}: {declared.best(lab)}, another route under "
            f"{sum(row.best(lab) != declared.best(lab) for row in variants)} of {len(variants)} variants"
            for lab in declared.p_best
        )
        return (
            f"<Route answer of {self.scenario!r} under the model's conventions ({self.n_samples:,} "
            f"samples, seed {self.seed}): best as declared, {labs}; read with .rows, .to_dict()>"
        )

    def lab_sentences(self) -> list[str]:
        """Return, per lab, its best route as declared and the variants under which another is or ties."""
        declared, out = self.rows[0], []
        for lab in declared.p_best:
            best = declared.best(lab)
            turns = [row.label for row in self.rows[1:] if row.best(lab) != best and not row.is_tie(lab)]
            ties = [row.label for row in self.rows[1:] if row.is_tie(lab)]
            said = (
                f"{self.names.lab(lab)}: {best} is best under the conventions as declared; another route "
                f"is best under: {'; '.join(turns) or 'none'}"
            )
            tied = f"; its two likeliest routes tie (within two standard errors) under: {'; '.join(ties)}"
            out.append(said + (tied if ties else "") + ".")
        return out

    def summary(self) -> str:
        """Return the answer in words: what was rerun, then :meth:`lab_sentences`."""
        lead = (
            f"The route answer of {self.scenario} under the model's conventions, each switched and then "
            f"those against owning together ({len(self.rows) - 1} variants, {self.n_samples:,} futures each, "
            f"seed {self.seed}, the same futures in every variant)."
        )
        return " ".join([lead, *self.lab_sentences()])

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data (JSON-ready); ``names``: each lab's name where it has one."""
        return {
            "scenario": self.scenario,
            "n_samples": self.n_samples,
            "seed": self.seed,
            "summary": self.summary(),
            "names": {"lab": dict(self.names.labs)},
            "rows": [
                {
                    "label": row.label,
                    "overrides": row.overrides,
                    "p_best": {
                        lab: {route: {"value": v, "se": se} for route, (v, se) in routes.items()}
                        for lab, routes in row.p_best.items()
                    },
                    "best": {lab: row.best(lab) for lab in row.p_best},
                    "beyond_plausible_bounds": row.beyond_bounds,
                    "tie": {lab: row.is_tie(lab) for lab in row.p_best},
                }
                for row in self.rows
            ],
        }

    def table(self) -> list[dict[str, Any]]:
        """Return the answer as a table: a row per variant, lab and route, its P(best) and standard error.

        ``best``: the lab's likeliest route in the variant; ``tie``: its two likeliest are within
        two standard errors (on each of the lab's rows); ``beyond_plausible_bounds``: the share of
        futures the lab, on its declared route, passed the scenario's plausibility bounds.
        """
        return [
            {
                "variant": row.label,
                "overrides": "; ".join(f"{path}={value}" for path, value in row.overrides.items()),
                "lab": lab,
                "lab_name": self.names.lab(lab),
                "route": route,
                "p_best": value,
                "p_best_se": se,
                "best": route == row.best(lab),
                "tie": row.is_tie(lab),
                "beyond_plausible_bounds": row.beyond_bounds.get(lab),
            }
            for row in self.rows
            for lab, routes in row.p_best.items()
            for route, (value, se) in routes.items()
        ]

    def save(self, directory: str | Path) -> Path:
        """Write the result as ``conventions.json`` into an analysis's folder, its table as CSV beside it."""
        write_csv(Path(directory) / layout.analysis_table("conventions"), self.table())
        return write_json(Path(directory) / layout.analysis_file("conventions"), self.to_dict())


def convention_variants(scenario: WorldScenario) -> list[Convention]:
    """Return the scenario as declared, then each convention switched, then those against owning.

    Each convention goes to the setting the scenario does not use: compute priced at signing (or
    at delivery), chips for free space ordered a quarter ahead (or with their data centre), free
    space reused at a new facility's cost per MW (or at none), owned halls and leased halls each
    refilled whatever the plan (or as it asks), and each other terminal value.
    """
    fin = scenario.finance
    refit = fin.dc_refit_usd_per_mw
    hall, leased_hall = fin.owned_refill == "hall", fin.lease_refill == "hall"
    priced = "signing" if fin.compute_priced_at == "delivery" else "delivery"
    variants = [
        Convention("as declared", {}),
        Convention(f"compute priced at {priced}", {"finance.compute_priced_at": priced}),
        Convention(
            "chips for free space ordered with their data centre"
            if fin.chip_lead_quarters
            else "chips for free space ordered a quarter ahead",
            {"finance.chip_lead_quarters": None if fin.chip_lead_quarters else 1},
        ),
        Convention(
            "free space reused at no cost" if refit else "free space reused at a new facility's cost",
            {"finance.dc_refit_usd_per_mw": 0.0 if refit else fin.dc_capex_usd_per_mw},
        ),
        Convention(
            "owned halls refilled as the plan asks" if hall else "owned halls refilled whatever the plan",
            {"finance.owned_refill": "plan" if hall else "hall"},
        ),
        Convention(
            "leased halls refilled as the plan asks"
            if leased_hall
            else "leased halls refilled whatever the plan",
            {"finance.lease_refill": "plan" if leased_hall else "hall"},
        ),
    ]
    names = {"gordon": "Gordon growth", "exit_multiple": "an exit multiple", "book": "book value"}
    for method, name in names.items():
        if method != fin.terminal_value_method:
            variants.append(Convention(f"terminal value: {name}", {"finance.terminal_value_method": method}))
    against = {
        "finance.compute_priced_at": "signing",
        "finance.chip_lead_quarters": 1,
        "finance.owned_refill": "plan",
        "finance.lease_refill": "hall",
        "finance.dc_refit_usd_per_mw": fin.dc_capex_usd_per_mw,
        "finance.terminal_value_method": "book",
    }
    variants.append(Convention(AGAINST_OWNING, against))
    return variants


def conventions(
    scenario: ScenarioSource,
    *,
    n_samples: int | None = None,
    seed: int | None = None,
    backend: Any = "local",
    chunk_size: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> ConventionsResult:
    """Return each lab's route answer under the model's conventions switched (:func:`convention_variants`).

    Every variant runs on the same seed, so on the same futures; ``backend`` and ``chunk_size`` are
    :func:`~labecon.simulate`'s. ``progress(i, count, label)`` is called before the ``i``-th
    variant's run (from 1).

    Raises
    ------
    ScenarioError
        The scenario is not a world scenario, or no lab in it names routes.
    """
    world = with_routes(load_scenario(scenario))
    key = world.run.seed if seed is None else seed
    rows = []
    variants = convention_variants(world)
    for i, variant in enumerate(variants, start=1):
        if progress is not None:
            progress(i, len(variants), variant.label)
        varied = with_overrides(world, variant.overrides)
        run = simulate(varied, n_samples, key, keep="summary", backend=backend, chunk_size=chunk_size)
        p_best = {
            lab: {route: (f["p_best"]["value"], f["p_best"]["se"]) for route, f in routes.items()}
            for lab, routes in run.routes.items()
        }
        labs = [str(lab) for lab in run.dataset["lab"].to_numpy()]
        shares = run.summaries["is_beyond_plausible_bounds"].as_dict()["mean"]
        beyond = {lab: float(share) for lab, share in zip(labs, shares, strict=True)}
        rows.append(ConventionRow(variant.label, variant.overrides, p_best, beyond))
    # Every variant ran as many samples.
    return ConventionsResult(world.name, run.n_samples, key, rows, reader_names(world))


def with_routes(scenario: Scenario) -> WorldScenario:
    """Return the scenario as a world with a route answer, or say why it has none.

    Raises
    ------
    ScenarioError
        The scenario is not a world scenario (``scenario``), or no lab in it names routes (``labs``).
    """
    world = as_kind(scenario, WorldScenario)
    if world is None:
        msg = "a route answer is a world scenario's (labs that name routes); this is a compute scenario"
        raise ScenarioError(msg, "scenario")
    if not lab_routes(world):
        msg = "no lab names routes (labs.<lab>.routes): there is no route answer to move"
        raise ScenarioError(msg, "labs")
    return world
