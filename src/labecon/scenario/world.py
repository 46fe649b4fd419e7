"""The world sections of a scenario: chips, clouds and partner deals, labs, market, finance, risks.

A *world* scenario simulates several labs competing in one market, each with
its own strategy for getting compute (own, commit, rent, partner). Every
number that can be uncertain is a :data:`~labecon.scenario.base.ParamValue`.
Units are in the field names (``_usd``, ``_h100e``, ``_per_year``,
``_quarters``) and descriptions; every default cites its source (``src:KEY``,
see :mod:`labecon.scenario.sources`) or says ``assumption: <reason>``.

Capacity is counted in H100-equivalents (``h100e``): one unit with the dense
BF16 throughput of an NVIDIA H100 SXM (989.4 TFLOP/s).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, field_validator

from labecon.dates import quarter_label
from labecon.scenario.base import NAME_RE, Bounded, ParamValue, Spec


def _src(note: str) -> dict[str, Any]:
    return {"x-source": note}


Frac = Annotated[ParamValue, Bounded(ge=0, le=1)]
NonNeg = Annotated[ParamValue, Bounded(ge=0)]
Pos = Annotated[ParamValue, Bounded(gt=0)]
Decline = Annotated[ParamValue, Bounded(ge=0, lt=1)]
Growth = Annotated[ParamValue, Bounded(gt=-1)]


class ChipSpec(Spec):
    """An accelerator type. Capacity is compared in H100-equivalents of dense BF16 throughput."""

    peak_bf16_tflops: float = Field(gt=0, description="Peak dense BF16 throughput (TFLOP/s per unit).")
    memory_gb: float = Field(
        0.0,
        ge=0,
        description="Memory per unit (GB); informative.",
        json_schema_extra=_src("assumption: informative only, unused by the model"),
    )
    power_kw_all_in: NonNeg = Field(
        description="IT power per unit with its host's share, before PUE (kW per unit)."
    )
    price_usd: NonNeg = Field(
        0.0,
        description="Purchase price per unit with its server share, at quarter 0 (USD per unit); "
        "0 for chips that are not sold.",
        json_schema_extra=_src("assumption: a chip only a cloud has is not for sale"),
    )
    first_year_available: float = Field(
        2020.0,
        description="First year the type can be bought or rented (calendar year).",
        json_schema_extra=_src("assumption: types listed are already available"),
    )
    price_perf_decline_per_year: Decline = Field(
        0.276,
        description="Yearly decline of the price per unit of performance (fraction per year).",
        json_schema_extra=_src("src:gpu_price_perf 0.14 orders of magnitude per year = 1 - 10**-0.14"),
    )
    power_decline_per_year: Decline = Field(
        0.21,
        description="Yearly decline of the all-in power per unit of performance (kW per H100e) of "
        "units bought later (fraction per year): chips bought later need fewer kW of data centre, "
        "power and lease per H100e.",
        json_schema_extra=_src(
            "src:epoch_it_power, src:epoch_chip_db [derived] all-in power per H100e fell from "
            "1.4535 kW (H100, 2022.75) to 0.8271 kW (GB200, 2025.1): "
            "1 - (0.8271 / 1.4535) ** (1 / 2.35) = 0.21 a year"
        ),
    )
    sold_by: str = Field(
        "anyone",
        description="'anyone' for chips on the open market (Nvidia, AMD), else the name of the one "
        "cloud that has them (Trainium, TPU).",
        json_schema_extra=_src("assumption: open-market chip unless said otherwise"),
    )


class CloudChipPriceSpec(Spec):
    """A cloud's prices for one chip type at quarter 0 (USD per chip-hour)."""

    on_demand_usd_per_chip_hour: NonNeg = Field(description="On-demand price (USD per chip-hour).")
    committed_usd_per_chip_hour: NonNeg = Field(
        description="Price under a multi-year take-or-pay commitment (USD per chip-hour)."
    )


class EquityTrancheSpec(Spec):
    """A later instalment of a partner's investment, bought at the lab's valuation then."""

    quarter: int = Field(ge=1, le=400, description="Quarter it is paid in (quarters from quarter 0).")
    usd: NonNeg = Field(description="Amount invested (USD), cash plus credits.")
    credits_frac: Frac = Field(description="Share of it paid as cloud credits (fraction).")


class PartnerCostSpec(Spec):
    """What the capacity a cloud sells under its deals costs the cloud itself, per chip.

    The cost per chip-hour is the capital recovery of the chip (with its server) and of its
    share of a data centre at the cloud's cost of capital, plus power: so the partner's margin
    and its return on the deal are computed, not assumed.
    """

    chip_capex_usd: NonNeg = Field(
        description="What one chip with its server share costs the cloud (USD per chip), at quarter 0."
    )
    power_kw_per_chip: NonNeg = Field(description="IT power per chip with its host's share (kW per chip).")
    dc_capex_usd_per_mw: NonNeg = Field(
        16.6e6,
        description="Data-centre build cost, facility only, per MW of IT load (USD per MW).",
        json_schema_extra=_src(
            "src:bernstein_gw $2.5M physical infrastructure per GB200 NVL72 rack / 0.1505 MW IT per rack"
        ),
    )
    pue: Annotated[ParamValue, Bounded(ge=1)] = Field(
        1.1,
        description="Power usage effectiveness of the cloud's data centres (ratio).",
        json_schema_extra=_src("src:epoch_cost_code 1.10 for hyperscalers"),
    )
    electricity_usd_per_kwh: NonNeg = Field(
        0.0826,
        description="Electricity price the cloud pays (USD per kWh).",
        json_schema_extra=_src("src:epoch_cost_code US industrial average 2025"),
    )
    cost_of_capital_per_year: Annotated[ParamValue, Bounded(gt=-1)] = Field(
        0.09,
        description="The cloud's cost of capital: the return its capex must earn, and its discount rate "
        "for the deal's NPV (fraction per year).",
        json_schema_extra=_src("assumption: a large hyperscaler's weighted average cost of capital"),
    )
    chip_life_quarters: int = Field(
        24,
        ge=1,
        le=60,
        description="Useful life over which the cloud recovers a chip's capex (quarters).",
        json_schema_extra=_src("src:hyperscaler_lives 5-6 years"),
    )
    dc_life_quarters: int = Field(
        56,
        ge=1,
        le=200,
        description="Life over which the cloud recovers a data centre's capex (quarters).",
        json_schema_extra=_src("src:epoch_dc_cost facility life 14 years"),
    )


class DealSpec(Spec):
    """A strategic deal: a cloud sells a lab capacity in dated tranches, and may invest in it.

    The investment is paid in cash and in credits spendable only with the cloud; capacity on
    the deal's chip comes in take-or-pay tranches, each at the price of the quarter it is signed
    in. A deal without investment is a plain capacity contract. A deal signed after quarter 0
    does nothing before its ``signed_quarter``.
    """

    lab: str = Field(description="Name of the lab in `labs` the deal is with.")
    chip: str = Field(
        description="The chip type the lab runs on under the deal: any chip the cloud prices (a name in "
        "`chips`), its own custom chip or an open-market one."
    )
    signed_quarter: int = Field(
        0,
        ge=0,
        le=400,
        description="Quarter the deal is signed in (quarters from quarter 0; 0: signed by the start). "
        "Before it the deal signs no capacity, pays no investment and gives no discount.",
        json_schema_extra=_src("assumption: a deal exists from the start unless its date says otherwise"),
    )
    equity_usd: NonNeg = Field(
        0.0,
        description="Investment when the deal is signed (USD), cash plus credits: paid in before quarter "
        "0 for a deal signed then, else in its signed_quarter at the lab's valuation then.",
        json_schema_extra=_src("assumption: a capacity contract without investment unless said"),
    )
    credits_frac: Frac = Field(
        0.0,
        description="Share of the investment paid as cloud credits (fraction).",
        json_schema_extra=_src("assumption: no credits unless said"),
    )
    stake_frac: Frac = Field(
        0.0,
        description="Share of the lab the cloud holds at quarter 0 for its investment then (fraction); "
        "a deal signed later buys its stake at the lab's valuation when signed, and must give 0.",
        json_schema_extra=_src("assumption: no stake unless said"),
    )
    preferential_discount_frac: Frac = Field(
        0.0,
        description="Discount off the committed price the lab gets (fraction).",
        json_schema_extra=_src("assumption: the cloud's committed price unless said"),
    )
    capacity_limit_h100e: NonNeg | None = Field(
        None,
        description="Most capacity the lab can hold under this deal, fixed over time (H100e); none: the "
        "cloud's capacity_limit_h100e, growing at its capacity_growth_per_year.",
        json_schema_extra=_src("assumption: the cloud's limit for the lab unless the deal states its size"),
    )
    is_exclusive: bool = Field(
        False,
        description="The lab may get cloud capacity (commit, rent) only from this cloud; only a deal "
        "signed at quarter 0 (the strategy's clouds hold for the whole run).",
        json_schema_extra=_src("assumption: deals reported are not exclusive"),
    )
    capacity_split_frac: Frac = Field(
        1.0,
        description="Share of the lab's partner capacity (strategy.partner_frac, and "
        "labs.<lab>.partner_h100e at quarter 0) signed under this deal; a lab's deals sum to at most 1. "
        "Until all of a lab's deals are signed, its partner capacity is shared among those signed, in "
        "proportion to their splits (fraction).",
        json_schema_extra=_src("assumption: one deal takes all the lab's partner capacity unless said"),
    )
    term_quarters: int = Field(
        20,
        ge=1,
        le=60,
        description="Length of each capacity tranche signed under the deal: take-or-pay at the price "
        "of the quarter it is signed in (quarters).",
        json_schema_extra=_src(
            "src:anthropic_tpu_2026 reported ~$200B over 5 years for TPUs; src:anthropic_aws_2026 "
            ">$100B over 10 years with AWS"
        ),
    )
    lead_quarters: int = Field(
        2,
        ge=1,
        le=20,
        description="Quarters from signing a tranche to its capacity coming online; its price, fixed at "
        "signing, is the deal's price of then.",
        json_schema_extra=_src(
            "assumption: capacity the partner is already building (Project Rainier ran ~1 year from "
            "announcement to activation, src:anthropic_aws_2026); half a year for a tranche"
        ),
    )
    opening_remaining_quarters: int = Field(
        8,
        ge=0,
        le=60,
        description="Quarters left at quarter 0 on the contracts of the capacity the lab already has "
        "under this deal (labs.<lab>.partner_h100e x capacity_split_frac).",
        json_schema_extra=_src("assumption: mid-way through the deal's first contracts"),
    )
    equity_tranches: list[EquityTrancheSpec] = Field(
        default_factory=list,
        description="Later instalments of the investment, each at the lab's valuation when paid.",
        json_schema_extra=_src("assumption: none unless said"),
    )
    cost: PartnerCostSpec | None = Field(
        None,
        description="What the capacity sold under this deal costs the cloud itself, when its chip is "
        "not the one of the cloud's `cost` (a cloud selling its own chip to one lab and Nvidia's to "
        "another); none: the cloud's `cost`.",
    )


_SHOWN = re.compile(r"[\w .,&'()/+-]+")


def _plain_name(value: str) -> str:
    # Markup characters (<, [, {, *, ...) would be read as markup by a terminal table, a chart or a page.
    if not _SHOWN.fullmatch(value):
        odd = sorted({c for c in value if not _SHOWN.fullmatch(c)})
        msg = f"may hold letters, digits, spaces and - . , & ' ( ) / + only; got {' '.join(odd)}"
        raise ValueError(msg)
    return value


DisplayName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60), AfterValidator(_plain_name)
]
"""A name for readers: 1 to 60 characters, in plain words."""


class CloudSpec(Spec):
    """A cloud selling capacity by chip type; optionally a strategic partner with a deal."""

    display_name: DisplayName | None = Field(
        None,
        description="Its name in answers, tables, charts and the dashboard (default: its key in `clouds`).",
    )

    prices: dict[str, CloudChipPriceSpec] = Field(
        min_length=1, description="Prices by chip type (names in `chips`)."
    )
    price_decline_per_year: Decline = Field(
        description="Yearly decline of its prices per chip-hour (fraction per year)."
    )
    capacity_limit_h100e: NonNeg = Field(
        description="Most capacity one lab can hold with it in a quarter, all contracts (H100e)."
    )
    capacity_growth_per_year: Growth = Field(
        0.0,
        description="Yearly growth of that limit (fraction per year).",
        json_schema_extra=_src("assumption: fixed limit unless said otherwise"),
    )
    own_chip_discount_frac: Frac = Field(
        0.0,
        description="Discount on chips only this cloud has, off its listed prices (fraction).",
        json_schema_extra=_src("assumption: listed prices already include it"),
    )
    cost_frac_of_price: Frac = Field(
        0.5,
        description="Without a `cost` section: the cloud's own cost of the capacity it sells to a "
        "partner lab, as a fraction of what it charges before any price rise (fraction).",
        json_schema_extra=_src(
            "src:epoch_cost_code own H100 all-in $1.13-1.72/h vs GCP 3-yr $4.86 gives 0.25-0.35 "
            "before facility and capital costs; 0.5 with them (assumption)"
        ),
    )
    cost: PartnerCostSpec | None = Field(
        None,
        description="The cloud's own cost of the capacity it sells under a deal, from its capex, power "
        "and cost of capital; without it, cost_frac_of_price.",
    )
    deal: DealSpec | None = Field(
        None, description="A strategic deal with one lab, if any (a lab may have deals with several clouds)."
    )
    deals: list[DealSpec] = Field(
        default_factory=list,
        description="Further deals of this cloud, each as `deal`: with other labs, or later deals with "
        "the same lab.",
        json_schema_extra=_src("assumption: one deal per cloud unless said"),
    )

    def all_deals(self) -> list[tuple[str, DealSpec]]:
        """Return ``(field path within the cloud, deal)`` for each deal: ``deal`` first, then ``deals``."""
        first = [("deal", self.deal)] if self.deal is not None else []
        return first + [(f"deals[{i}]", d) for i, d in enumerate(self.deals)]


class LeaseSpec(Spec):
    """Dedicated data centres a third party builds and leases to the lab; the lab buys the chips in them."""

    usd_per_mw_per_year: NonNeg = Field(
        1.9e6,
        description="Lease payment per MW of IT load (USD per MW per year), take-or-pay for the term.",
        json_schema_extra=_src("src:hut8_lease ~$7B over 15 years for 245 MW = $1.9M per MW-year [derived]"),
    )
    term_quarters: int = Field(
        60,
        ge=1,
        le=120,
        description="Length of a lease (quarters).",
        json_schema_extra=_src("src:hut8_lease 15-year lease"),
    )
    lead_quarters: int = Field(
        6,
        ge=1,
        le=20,
        description="Quarters from signing a lease to the data centre's first use.",
        json_schema_extra=_src("src:hut8_lease signed Dec 2025, first data hall Q2 2027"),
    )
    capacity_limit_h100e: NonNeg | None = Field(
        None,
        description="Most capacity the lab can hold in leased data centres, in service and being built, at "
        "quarter 0 (H100e), growing at capacity_growth_per_year; none: no limit.",
        json_schema_extra=_src("assumption: builders lease what the lab asks for unless said"),
    )
    capacity_growth_per_year: Annotated[ParamValue, Bounded(gt=-1)] = Field(
        0.0,
        description="Yearly growth of the limits in H100e and in MW (fraction per year).",
        json_schema_extra=_src("assumption: a fixed limit unless said"),
    )
    capacity_limit_mw: NonNeg | None = Field(
        None,
        description="Most IT load the lab can hold in leased data centres, in service and being built, at "
        "quarter 0 (MW; before PUE), growing at capacity_growth_per_year; none: no limit. Each lease's "
        "MW are those of the chips it opens with, so the same MW hold more H100e as chips draw less.",
        json_schema_extra=_src("assumption: builders lease what the lab asks for unless said"),
    )


class OwnChipMixSpec(Spec):
    """From a quarter on, the chips a lab buys for its own data centres (and leased ones).

    Each share is of the new owned capacity, in H100e; they sum to 1. A row holds until
    the next row's quarter.
    """

    from_quarter: int = Field(
        ge=0, le=400, description="First quarter the row holds (quarters from quarter 0)."
    )
    shares: dict[str, float] = Field(
        min_length=1,
        description="Share of new owned capacity on each chip type (names in `chips`; fractions of H100e "
        "summing to 1).",
    )


class RouteChangeSpec(Spec):
    """From a quarter on, new shares of the lab's new capacity: a change of route at a date.

    A share not given keeps its value from before. The row holds until the next row's quarter.
    """

    from_quarter: int = Field(
        ge=1, le=400, description="First quarter the new shares hold (quarters from quarter 0)."
    )
    own_frac: Frac | None = Field(None, description="Share of new capacity it builds and owns from then.")
    commit_frac: Frac | None = Field(
        None, description="Share of new capacity under take-or-pay contracts from then."
    )
    partner_frac: Frac | None = Field(
        None, description="Share of new capacity on its partners' chips from then."
    )
    lease_frac: Frac | None = Field(
        None, description="Share of new capacity in data centres leased from a builder from then."
    )


ROUTE_SHARES = ("own_frac", "lease_frac", "commit_frac", "partner_frac")
"""The strategy's shares of new capacity: what a route is, and what a route change changes."""


class LabStrategySpec(Spec):
    """How a lab gets and uses compute: tunable parameters and reactive rules (see docs/model.md)."""

    own_frac: Frac = Field(description="Share of new capacity it builds and owns (fraction).")
    commit_frac: Frac = Field(description="Share of new capacity under take-or-pay contracts (fraction).")
    partner_frac: Frac = Field(
        0.0,
        description="Share of new capacity on its partners' chips, all its deals (fraction).",
        json_schema_extra=_src("assumption: no partner unless a deal says so"),
    )
    lease_frac: Frac = Field(
        0.0,
        description="Share of new capacity in data centres leased from a builder, its own chips inside "
        "(fraction; needs own_chip or own_chip_mix, and labs.<lab>.lease).",
        json_schema_extra=_src("assumption: no lease unless said"),
    )
    route_changes: list[RouteChangeSpec] | None = Field(
        None,
        description="Changes of its shares of new capacity at dated quarters (rows by from_quarter, "
        "increasing, from quarter 1): e.g. its partners' chips until 2029, then data centres of its own. "
        "Capacity signed for before a change runs its course.",
        json_schema_extra=_src("assumption: the same shares over the horizon unless said"),
    )
    own_chip: str | None = Field(None, description="Chip type it buys for its own data centres.")
    own_chip_mix: list[OwnChipMixSpec] | None = Field(
        None,
        description="Instead of own_chip: the chips it buys for its own data centres as dated shares "
        "(rows by from_quarter, the first at 0); the model buys at their horizon-average blend "
        "(docs/model.md).",
        json_schema_extra=_src("assumption: one chip type (own_chip) unless said"),
    )
    commit_cloud: str | None = Field(None, description="Cloud it signs take-or-pay contracts with.")
    commit_chip: str | None = Field(None, description="Chip type of its commitments.")
    rent_cloud: str = Field(description="Cloud it rents from on demand when short.")
    rent_chip: str = Field(description="Chip type it rents on demand.")
    commit_term_quarters: int = Field(
        12,
        ge=1,
        le=40,
        description="Length of a take-or-pay contract (quarters).",
        json_schema_extra=_src("src:epoch_cost_code 3-year committed-use prices"),
    )
    commit_lead_quarters: int = Field(
        1,
        ge=1,
        le=12,
        description="Quarters from signing a take-or-pay contract to its capacity (quarters; 1: next "
        "quarter). The contract is sized for its start and its price fixed at signing: the committed "
        "price of its start.",
        json_schema_extra=_src(
            "assumption: capacity the cloud has ready; a contract for capacity still to be built "
            "waits for it (docs/model.md measures 4 and 8)"
        ),
    )
    headroom_frac: Annotated[ParamValue, Bounded(gt=-1)] = Field(
        0.1,
        description="Capacity planned above forecast need (fraction of need).",
        json_schema_extra=_src("assumption: modest spare capacity"),
    )
    training_frac: Frac = Field(
        description="Share of its capacity allocated to training (fraction); under the frontier_gap "
        "rule, the least it allocates."
    )
    training_rule: Literal["share", "frontier_gap"] = Field(
        "frontier_gap",
        description="How it decides its training compute: 'share' (training_frac of its capacity) or "
        "'frontier_gap' (at least that, and as much as its next run needs to finish "
        "training_target_gap_oom above the frontier of the others, at most training_max_frac).",
        json_schema_extra=_src(
            "assumption: frontier labs scale training to keep pace with the frontier "
            "(src:compute_trend 4-5x a year)"
        ),
    )
    training_target_gap_oom: Annotated[ParamValue, Bounded(ge=-3, le=3)] = Field(
        0.0,
        description="Frontier-gap rule: the capability its next run aims at, above the larger of the "
        "outside frontier at the run's end and the best other lab now (orders of magnitude).",
        json_schema_extra=_src("assumption: keep pace with the frontier, no more"),
    )
    training_max_frac: Frac = Field(
        0.6,
        description="Frontier-gap rule: the most of its capacity it allocates to training (fraction).",
        json_schema_extra=_src(
            "src:openai_compute_spend training $3B of $5.8B of 2024 compute (0.52); a little more at most"
        ),
    )
    research_frac: Frac = Field(description="Share of its capacity allocated to research (fraction).")
    run_length_quarters: int = Field(
        2,
        ge=1,
        le=12,
        description="Quarters a training run lasts; capability updates when it ends.",
        json_schema_extra=_src("assumption: runs of ~95 days (src:epoch_models) plus preparation"),
    )
    price_premium_frac: Annotated[ParamValue, Bounded(gt=-1)] = Field(
        0.0,
        description="Its price above the market reference price (fraction).",
        json_schema_extra=_src("assumption: prices at the market"),
    )
    staff_growth_per_year: Growth = Field(
        0.3,
        description="Yearly growth of staff and R&D spend (fraction per year).",
        json_schema_extra=_src("assumption: headcount growth of fast-growing labs"),
    )
    staff_revenue_elasticity: NonNeg = Field(
        0.0,
        description="How staff and R&D spend follows revenue: it is multiplied by (last quarter's "
        "revenue / quarter-0 revenue) to this power (ratio; 1 keeps it in proportion to revenue, 0 "
        "leaves only staff_growth_per_year).",
        json_schema_extra=_src("assumption: off unless a scenario calibrates it"),
    )
    debt_frac_of_capex: Frac = Field(
        0.0,
        description="Share of own-build capex financed by project-finance debt (fraction).",
        json_schema_extra=_src("assumption: equity-financed unless said otherwise"),
    )
    debt_maturity_quarters: int = Field(
        28,
        ge=1,
        le=120,
        description="Quarters over which project debt is repaid in equal parts.",
        json_schema_extra=_src("assumption: 7-year project loans"),
    )
    cut_training_runway_quarters: NonNeg = Field(
        4.0,
        description="Rule: below this runway (cash / quarterly burn, quarters) training is cut.",
        json_schema_extra=_src("assumption: a year of runway"),
    )
    cut_training_factor: Frac = Field(
        0.5,
        description="Rule: training share kept when the runway is short (fraction).",
        json_schema_extra=_src("assumption: halve training when short of cash"),
    )
    cut_build_factor: Frac = Field(
        0.5,
        description="Rule: share of its owned, leased, committed and partner capacity targets kept when the "
        "runway is short (below cut_training_runway_quarters) (fraction).",
        json_schema_extra=_src("assumption: a lab short of cash halves its build-out before it is ruined"),
    )
    commit_scale_with_revenue: NonNeg = Field(
        0.0,
        description="Rule: extra commitments per unit of revenue growth over the last year "
        "(fraction of the commit share; 0 switches it off).",
        json_schema_extra=_src("assumption: off unless tuned"),
    )
    funding_trigger_runway_quarters: NonNeg = Field(
        6.0,
        description="Rule: raise equity when the runway falls below this (quarters).",
        json_schema_extra=_src("assumption: labs raise with 12-18 months of runway left"),
    )
    funding_target_runway_quarters: Pos = Field(
        8.0,
        description="Rule: a round raises enough for this runway (quarters of burn).",
        json_schema_extra=_src("assumption: two years of burn per round"),
    )


def own_chip_weights(strategy: LabStrategySpec, horizon_quarters: int) -> dict[str, float]:
    """Return each chip's weight in what a lab buys for its own data centres (fractions summing to 1).

    ``own_chip`` weighs 1. An ``own_chip_mix`` weighs each chip by its share in each quarter of
    the horizon, every quarter alike: the model buys at one blended price per H100e (falling at
    the blended price-performance decline) and one power per H100e, not at each quarter's mix
    (docs/model.md).
    """
    if strategy.own_chip_mix is None:
        return {} if strategy.own_chip is None else {strategy.own_chip: 1.0}
    rows = strategy.own_chip_mix
    out: dict[str, float] = {}
    for i, row in enumerate(rows):
        end = rows[i + 1].from_quarter if i + 1 < len(rows) else horizon_quarters
        quarters = max(0, min(end, horizon_quarters) - row.from_quarter)
        for chip, share in row.shares.items():
            out[chip] = out.get(chip, 0.0) + share * quarters / horizon_quarters
    return out


def strategy_phases(strategy: LabStrategySpec) -> list[tuple[int, LabStrategySpec]]:
    """Return the strategy from each route change on, ``(from_quarter, strategy)``, quarter 0 first.

    Each phase's shares of new capacity are its row's where the row gives them, else the phase's
    before; every other field is the strategy's.
    """
    phases = [(0, strategy)]
    for row in strategy.route_changes or []:
        given = {name: getattr(row, name) for name in ROUTE_SHARES if getattr(row, name) is not None}
        phases.append((row.from_quarter, phases[-1][1].model_copy(update=given)))
    return phases


class InvestmentSpec(Spec):
    """A dated investment in the lab by a strategic investor that sells it no cloud capacity.

    Paid in cash in its quarter, at the lab's valuation then (e.g. a chip maker investing as
    the lab deploys its systems). The investor's stake and return are reported as a deal
    ``<investor>:<lab>`` without capacity.
    """

    investor: str = Field(description="Who invests (a name, e.g. a chip maker).")
    quarter: int = Field(ge=0, le=400, description="Quarter it is paid in (quarters from quarter 0).")
    usd: NonNeg = Field(description="Amount invested (USD), in cash.")

    @field_validator("investor")
    @classmethod
    def _investor_is_a_name(cls, value: str) -> str:
        if not NAME_RE.match(value):
            msg = f"name {value!r} must start with a letter or _ and hold only letters, digits, _"
            raise ValueError(msg)
        return value


class LabSpec(Spec):
    """A lab's state at quarter 0 and its strategy."""

    display_name: DisplayName | None = Field(
        None,
        description="Its name in answers, tables, charts and the dashboard (default: its key in `labs`).",
    )

    cash_usd: NonNeg = Field(description="Cash at quarter 0 (USD).")
    revenue_usd_per_year: NonNeg = Field(description="Revenue run-rate at quarter 0 (USD per year).")
    revenue_mix: dict[str, float] = Field(
        description="Share of its revenue from each market segment (fractions summing to 1)."
    )
    owned_h100e: NonNeg = Field(description="Owned compute in service at quarter 0 (H100e).")
    owned_chip: str | None = Field(
        None,
        description="The chip type of that fleet (a name in `chips`, sold to anyone): its price and power "
        "per H100e value it and size its data centres; none: the chip it buys at quarter 0 (own_chip, "
        "or own_chip_mix's blend).",
        json_schema_extra=_src("assumption: a fleet of the chip it buys unless said"),
    )
    owned_book_frac: Frac = Field(
        0.6,
        description="Net book value of that fleet as a share of its cost at quarter-0 prices.",
        json_schema_extra=_src("assumption: fleet on average two of five years old"),
    )
    committed_h100e: NonNeg = Field(
        0.0,
        description="Capacity under take-or-pay contracts at quarter 0 (H100e).",
        json_schema_extra=_src("assumption: none unless said"),
    )
    committed_remaining_quarters: int = Field(
        8,
        ge=0,
        le=40,
        description="Quarters left on the quarter-0 contracts.",
        json_schema_extra=_src("assumption: mid-way through 3-year contracts"),
    )
    partner_h100e: NonNeg = Field(
        0.0,
        description="Capacity on the partner's chips at quarter 0 (H100e).",
        json_schema_extra=_src("assumption: none unless said"),
    )
    capability_log10_flop: float = Field(
        description="Capability index: log10 of the effective training compute of its latest model "
        "(log10 FLOP at quarter-0 algorithms)."
    )
    preference_drift_per_year: ParamValue = Field(
        0.0,
        description="Yearly drift of customers' preference for its models beyond their training "
        "compute (product fit: tools, coding agents, reliability), in log-attractiveness per year "
        "(+ wins share, - loses it); usually an uncertain input centred on 0.",
        json_schema_extra=_src("assumption: none unless said"),
    )
    staff_usd_per_year: NonNeg = Field(description="Staff, R&D and other operating spend (USD per year).")
    debt_usd: NonNeg = Field(
        0.0, description="Debt at quarter 0 (USD).", json_schema_extra=_src("assumption: no debt")
    )
    lease: LeaseSpec | None = Field(
        None, description="The terms on which builders lease it data centres, if it leases any."
    )
    investments: list[InvestmentSpec] = Field(
        default_factory=list,
        description="Dated investments by strategic investors that sell it no cloud capacity (a cloud's "
        "investment belongs to its deal).",
        json_schema_extra=_src("assumption: none unless said"),
    )
    strategy: LabStrategySpec = Field(description="Its strategy.")
    route: str = Field(
        "declared",
        description="Name of its declared strategy among its routes (e.g. own, partner, hybrid).",
        json_schema_extra=_src("assumption: a name only, no number"),
    )
    routes: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Alternative routes, by name: each overrides fields of its strategy. Each is run "
        "on the same draws as the declared strategy, the other labs keeping theirs.",
        json_schema_extra=_src("assumption: no alternatives unless the scenario names them"),
    )

    @field_validator("route")
    @classmethod
    def _route_is_a_name(cls, value: str) -> str:
        if not NAME_RE.match(value):
            msg = f"name {value!r} must start with a letter or _ and hold only letters, digits, _"
            raise ValueError(msg)
        return value

    @field_validator("routes")
    @classmethod
    def _routes_override_strategy_fields(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        known = set(LabStrategySpec.model_fields)
        for name, overrides in value.items():
            if not NAME_RE.match(name):
                msg = f"route name {name!r} must start with a letter or _ and hold only letters, digits, _"
                raise ValueError(msg)
            unknown = sorted(set(overrides) - known)
            if unknown:
                expected = ", ".join(sorted(known))
                msg = f"route {name!r}: {unknown[0]!r} is not a strategy field; expected one of: {expected}"
                raise ValueError(msg)
        return value


class SegmentSpec(Spec):
    """A market segment: spend at the reference price, growing under uncertainty."""

    spend_usd_per_year: NonNeg = Field(
        description="Spend of all customers at the reference price, quarter 0 (USD per year)."
    )
    growth_per_year: Growth = Field(
        description="Yearly growth of that spend at quarter 0 (fraction per year)."
    )
    growth_decay_per_year: Decline = Field(
        0.2,
        description="Yearly decline of the growth rate itself, as markets mature (fraction per year).",
        json_schema_extra=_src(
            "assumption: growth fades; ~16x in ten years at 100%/yr initial growth, "
            "of the order of the ~$2T of yearly revenue Bain says 2030 compute needs"
        ),
    )
    price_usd_per_unit: Pos = Field(
        description="Reference price of one unit of service at quarter 0 (USD per unit; one unit "
        "takes one H100e-hour of inference at quarter 0)."
    )
    price_decline_per_year: Decline = Field(
        description="Yearly decline of the reference price (fraction per year)."
    )
    serving_efficiency_gain_per_year: Decline = Field(
        description="Yearly decline of the inference compute one unit takes (fraction per year)."
    )
    elasticity: NonNeg = Field(
        description="Price elasticity of a lab's volume to its price relative to the reference (>= 0)."
    )
    glut_pass_through_frac: Frac = Field(
        0.5,
        description="Share of a compute glut's fall in compute prices passed on to the reference price "
        "of service while the glut lasts (fraction).",
        json_schema_extra=_src(
            "assumption: compute is about half of serving cost at the margin; competitors on cheap "
            "rented compute pass it on, so owned capacity earns less (stranded)"
        ),
    )
    inertia_frac: Frac = Field(
        0.8,
        description="Share of last quarter's market share a lab keeps before customers re-choose.",
        json_schema_extra=_src("assumption: about a fifth of customers re-choose each quarter"),
    )


class MarketSpec(Spec):
    """Demand for AI services, in segments (e.g. consumer subscriptions, API and enterprise)."""

    segments: dict[str, SegmentSpec] = Field(min_length=1, description="The segments, by name.")


class CapabilitySpec(Spec):
    """From training compute to capability, and capability to share and price."""

    utilisation_frac: Frac = Field(
        0.375,
        description="Model FLOP utilisation of training hardware (fraction).",
        json_schema_extra=_src("src:epoch_cost_code median of 33 known values"),
    )
    algorithmic_halving_months: Pos = Field(
        8.0,
        description="Months for algorithms to halve the compute a capability needs.",
        json_schema_extra=_src("src:algo_progress (95% CI 5-14 months)"),
    )
    frontier_log10_flop: float = Field(
        26.7,
        description="Capability of the rest of the market's best model at quarter 0 (log10 FLOP).",
        json_schema_extra=_src("src:epoch_models Grok 4, 5e26 FLOP"),
    )
    frontier_compute_multiple_per_year: Annotated[ParamValue, Bounded(gt=0)] = Field(
        4.6,
        description="Yearly multiple of the frontier's training compute (ratio per year).",
        json_schema_extra=_src("src:compute_trend 4.6x per year since 2010"),
    )
    frontier_growth_decay_per_year: Decline = Field(
        0.2,
        description="Yearly decline of the frontier's compute growth rate (fraction per year).",
        json_schema_extra=_src(
            "assumption: power and chip limits slow scaling; ~2.6 OOM in ten years, "
            "near the 2e29 FLOP Epoch finds feasible by 2030 ('Can AI scaling continue "
            "through 2030?', Epoch AI)"
        ),
    )
    final_run_frac: Frac = Field(
        0.45,
        description="Share of a lab's training compute that goes into its final runs (fraction).",
        json_schema_extra=_src(
            "src:epoch_cost_code all training compute is 1.2-4x the final run, median 2.2x"
        ),
    )
    share_weight_per_oom: NonNeg = Field(
        1.0,
        description="Log-attractiveness gained per order of magnitude of capability lead (per OOM).",
        json_schema_extra=_src(
            "assumption: ~12 points of GPQA per 10x compute (src:compute_vs_accuracy) "
            "taken as one unit of log-odds of choice"
        ),
    )
    price_sensitivity: NonNeg = Field(
        1.0,
        description="Log-attractiveness lost per unit of log price relative to the reference.",
        json_schema_extra=_src("assumption: customers weigh a 10% price gap like 0.1 OOM of capability"),
    )
    pricing_power_per_oom: NonNeg = Field(
        0.1,
        description="Price premium a lab can charge per OOM of capability lead (fraction per OOM).",
        json_schema_extra=_src("assumption: modest premium for the leader"),
    )


class FinanceSpec(Spec):
    """Money: rates, valuation and funding rounds, and the data-centre economics of owning."""

    base_rate_per_year: NonNeg = Field(
        0.045,
        description="Risk-free interest rate (fraction per year).",
        json_schema_extra=_src("assumption: US policy rate range 2025-26"),
    )
    debt_spread_per_year: NonNeg = Field(
        0.03,
        description="Spread of a lab's project debt over the base rate (fraction per year).",
        json_schema_extra=_src("assumption: secured project finance"),
    )
    discount_rate_per_year: Annotated[ParamValue, Bounded(gt=-1)] = Field(
        0.12,
        description="Discount rate of free cash flows for NPV (fraction per year).",
        json_schema_extra=_src("assumption: venture-like cost of capital"),
    )
    valuation_revenue_multiple: Pos = Field(
        25.0,
        description="Equity value of a lab per unit of revenue run-rate (ratio).",
        json_schema_extra=_src("src:valuation $380B / $14B = 27; $500B / $20B = 25"),
    )
    valuation_rank_premium_frac: Annotated[ParamValue, Bounded(ge=0, le=2)] = Field(
        0.3,
        description="How much higher the capability leader's revenue multiple is than the last lab's in "
        "a funding round (fraction): the multiple is x (1 + this x (rank - 0.5)), rank 1 for the "
        "leader and 0 for the last.",
        json_schema_extra=_src(
            "assumption: the leaders' multiples differ by about this (src:valuation 27x vs 25x revenue; "
            "more for a clear lead)"
        ),
    )
    max_dilution_frac: Frac = Field(
        0.2,
        description="Largest share of a lab one funding round may sell (fraction of post-money).",
        json_schema_extra=_src("src:valuation recent rounds sold 8-13% ($30B at $380B; $40B at $300B)"),
    )
    funding_base_logit: float = Field(
        1.5,
        description="Log-odds that a funding round succeeds for a lab not growing and ranked last.",
        json_schema_extra=_src("assumption: most frontier rounds so far closed"),
    )
    funding_growth_logit: float = Field(
        1.0,
        description="Log-odds added per unit of yearly revenue growth (per fraction per year).",
        json_schema_extra=_src("assumption: investors pay for growth"),
    )
    funding_rank_logit: float = Field(
        1.0,
        description="Log-odds added for the capability leader relative to the last (log-odds).",
        json_schema_extra=_src("assumption: investors pay for the lead"),
    )
    dc_capex_usd_per_mw: NonNeg = Field(
        16.6e6,
        description="Data-centre build cost, facility only, per MW of IT load (USD per MW).",
        json_schema_extra=_src(
            "src:bernstein_gw $2.5M physical infrastructure per GB200 NVL72 rack / "
            "0.1505 MW IT per rack (src:epoch_it_power)"
        ),
    )
    dc_refit_usd_per_mw: NonNeg = Field(
        0.0,
        description="Cost of refitting a lab's own data-centre space for the new chips that go into "
        "space retired chips left, per MW of their IT load (USD per MW): power and cooling for "
        "denser chips; paid and depreciated as a new facility is.",
        json_schema_extra=_src(
            "assumption: a hall built for dense racks takes later chips as sized for their kW, at no "
            "cost unless said (docs/model.md measures 25-100% of a new facility's cost)"
        ),
    )
    dc_lead_quarters: Annotated[ParamValue, Bounded(ge=1, le=20, integer=True)] = Field(
        8,
        description="Quarters from starting a data centre to its first use.",
        json_schema_extra=_src("src:epoch_buildout 1 to 3.6 years to 1 GW; Abilene ~2 years"),
    )
    chip_lead_quarters: int | None = Field(
        None,
        ge=1,
        le=20,
        description="Quarters from ordering chips to their delivery into space a lab's own data "
        "centres have free (where retired chips were), if shorter than the data-centre lead time: "
        "such chips are then ordered that far ahead, on that nearer forecast, and data centres a "
        "data-centre lead ahead only for the chips that will not fit. None: every owned chip is "
        "ordered a data-centre lead time ahead, into free space or a new data centre.",
        json_schema_extra=_src(
            "assumption: none, the planning shortcut the built-ins keep (it leans towards owning); "
            "docs/model.md measures 1, 2 and 4 quarters"
        ),
    )
    owned_refill: Literal["plan", "hall"] = Field(
        "plan",
        description="When a lab's own data centres get new chips into the space retired chips left: "
        "'plan' (as its plan asks for capacity) or 'hall' (whatever the plan, as many as fit; with "
        "chip_lead_quarters, that far ahead).",
        json_schema_extra=_src(
            "assumption: one rule for owned and leased halls, the chips a lab's plan asks for; "
            "docs/model.md measures 'hall' and why it is not the default"
        ),
    )

    lease_refill: Literal["plan", "hall"] = Field(
        "plan",
        description="When a leased data centre's chips are renewed, each chip life while its lease "
        "runs: 'plan' (only as many as the lab's plan asks for leased capacity, decided a quarter "
        "ahead) or 'hall' (as many of the chips of then as fit in its IT load, whatever the plan).",
        json_schema_extra=_src(
            "assumption: one rule for leased and owned halls, the chips a lab's plan asks for; "
            "docs/model.md measures 'hall'"
        ),
    )

    shortage_rations: Literal["renters", "everyone"] = Field(
        "renters",
        description="Whom a chip shortage rations: 'renters' (clouds' capacity for rentals, new "
        "commitments and partner tranches is cut by its size; a lab's own chip orders and its leases' "
        "chips only cost more) or 'everyone' (a lab's new chip orders, new leases and lease renewals "
        "are cut by the same share while it lasts).",
        json_schema_extra=_src(
            "assumption: owned capacity keeps running in a shortage and an owner gets chips at the "
            "shortage's price; docs/model.md measures 'everyone'"
        ),
    )

    dc_life_quarters: int = Field(
        56,
        ge=1,
        le=200,
        description="Depreciation life of a data-centre facility (quarters).",
        json_schema_extra=_src("src:epoch_dc_cost facility life 14 years"),
    )
    chip_life_quarters: int = Field(
        20,
        ge=1,
        le=60,
        description="Depreciation and service life of owned accelerators (quarters).",
        json_schema_extra=_src("src:epoch_dc_cost IT life 5 years; src:hyperscaler_lives 5-6 years"),
    )
    pue: Annotated[ParamValue, Bounded(ge=1)] = Field(
        1.25,
        description="Power usage effectiveness of own data centres (ratio).",
        json_schema_extra=_src("src:epoch_cost_code 1.25 for non-hyperscalers"),
    )
    electricity_usd_per_kwh: NonNeg = Field(
        0.0826,
        description="Electricity price (USD per kWh).",
        json_schema_extra=_src("src:epoch_cost_code US industrial average 2025"),
    )
    maintenance_frac_per_year: NonNeg = Field(
        0.03,
        description="Yearly maintenance of owned accelerators (fraction of their cost).",
        json_schema_extra=_src("assumption: mid-range of benchmark B1's 2-5%"),
    )
    terminal_value_frac_of_book: Frac = Field(
        1.0,
        description="Value of owned assets left at the horizon under the 'book' terminal value "
        "(fraction of net book value).",
        json_schema_extra=_src("assumption: book value, so owning is not penalised by the horizon"),
    )
    terminal_value_method: Literal["book", "gordon", "exit_multiple"] = Field(
        "exit_multiple",
        description="Enterprise value of a lab at the horizon: 'gordon' (last year's unlevered free "
        "cash flow growing at terminal_growth_per_year for ever), 'exit_multiple' "
        "(terminal_revenue_multiple x last year's revenue) or 'book' (owned assets at book).",
        json_schema_extra=_src(
            "assumption: a going concern is valued at an exit multiple, as analysts value "
            "late-stage companies; Gordon growth is fragile while free cash flow still funds growth"
        ),
    )
    compute_priced_at: Literal["delivery", "signing"] = Field(
        "delivery",
        description="When the compute a lab orders or signs for now is priced and sized: 'delivery' "
        "(owned chips at the price of their delivery, in data centres built for their kW per H100e; "
        "leased data centres built for the chips they open with; commitments and partner tranches at "
        "a price fixed at signing, that of their start) or 'signing' (all at the quarter of the order "
        "or the signing, as the model did before; a leased hall's chips are bought at its opening "
        "either way).",
        json_schema_extra=_src(
            "assumption: a lab gets the chips of the quarter they come at that quarter's price per "
            "H100e, as a cloud prices the capacity it will deliver; docs/model.md measures 'signing'"
        ),
    )
    stake_valued_at: Literal["last_round", "horizon"] = Field(
        "last_round",
        description="How a partner's or investor's stake in a lab is valued at the horizon, for its "
        "return on its deal: 'last_round' (at the post-money value of the lab's last funding round, "
        "however long ago) or 'horizon' (a share of the lab's equity at the horizon: its enterprise "
        "value by terminal_value_method, as in its own NPV, plus cash and credits, less debt).",
        json_schema_extra=_src(
            "assumption: stakes at the lab's own funding-round prices; 'horizon' values them as the "
            "lab's NPV values the lab (docs/model.md measures it)"
        ),
    )
    terminal_growth_per_year: Annotated[ParamValue, Bounded(gt=-1, lt=0.5)] = Field(
        0.03,
        description="Growth of free cash flow after the horizon, Gordon terminal value (fraction per "
        "year); it must stay below the discount rate.",
        json_schema_extra=_src("assumption: long-run nominal growth of the economy"),
    )
    terminal_revenue_multiple: NonNeg = Field(
        6.0,
        description="Enterprise value per unit of yearly revenue at the horizon, exit-multiple "
        "terminal value (ratio).",
        json_schema_extra=_src(
            "assumption: a mature software business; a quarter of today's 25x growth multiple (src:valuation)"
        ),
    )
    max_raise_usd_per_year: NonNeg = Field(
        1.22e11,
        description="Most equity investors put into one lab in four quarters at quarter 0 (USD per "
        "year); rounds beyond it are cut to it.",
        json_schema_extra=_src(
            "src:openai_funding $122B round at $852B post-money (Mar 2026, reliability C), the "
            "largest on record; $40B SoftBank-led round (Mar 2025, B)"
        ),
    )
    max_raise_growth_per_year: Growth = Field(
        0.0,
        description="Yearly growth of that ceiling (fraction per year).",
        json_schema_extra=_src("assumption: the pool of late-stage capital does not grow unless said"),
    )
    funding_loss_logit: float = Field(
        0.5,
        description="Log-odds a round loses per unit of net loss over revenue (per ratio; the ratio "
        "clipped to [0, 5]).",
        json_schema_extra=_src("assumption: investors shy from losses several times revenue"),
    )
    plausible_max_capacity_h100e: float = Field(
        default=1.0e8,
        gt=0,
        description="Plausibility bound on one lab's compute (H100e); samples beyond it are counted "
        "and reported as a warning.",
        json_schema_extra=_src(
            "assumption: ~70 GW at 0.7 kW per H100e, twice OpenAI's ~30 GW of commitments "
            "(src:openai_commitments)"
        ),
    )
    plausible_max_capacity_power_decline_per_year: Decline = Field(
        0.0,
        description="Yearly decline of the power per H100e the compute bound is held at: the bound "
        "stays the same power, so it grows in H100e as chips draw less (fraction per year; quarter "
        "t's bound is plausible_max_capacity_h100e / (1 - decline) ** (t / 4)).",
        json_schema_extra=_src("assumption: a bound fixed in H100e unless said"),
    )
    plausible_max_funding_usd: float = Field(
        default=2.0e12,
        gt=0,
        description="Plausibility bound on one lab's peak funding need (USD).",
        json_schema_extra=_src(
            "assumption: above OpenAI's ~$1.4T of commitments over ~8 years (src:openai_commitments)"
        ),
    )
    plausible_max_revenue_usd_per_year: float = Field(
        default=2.0e12,
        gt=0,
        description="Plausibility bound on one lab's yearly revenue (USD per year).",
        json_schema_extra=_src(
            "assumption: the ~$2T of yearly AI revenue Bain says 2030 compute needs, for the whole market"
        ),
    )


class EventSpec(Spec):
    """A risk event drawn per sample: it happens with a probability, at a random quarter."""

    is_enabled: bool = Field(
        True, description="Switch the event on or off.", json_schema_extra=_src("assumption: on when listed")
    )
    probability: Frac = Field(description="Probability it happens within the horizon (fraction).")
    size_frac: NonNeg = Field(description="Size of the shock (fraction; meaning per event, see docs).")
    duration_quarters: int = Field(
        0,
        ge=0,
        le=400,
        description="Quarters it lasts; 0 for the rest of the horizon.",
        json_schema_extra=_src("assumption: permanent unless said"),
    )
    delay_quarters: int = Field(
        0,
        ge=0,
        le=20,
        description="Extra quarters of construction (construction delay only).",
        json_schema_extra=_src("assumption: only construction delay uses it"),
    )
    cloud: str | None = Field(
        None,
        description="Partner events only: the one cloud (with a deal) whose price rises or capacity is "
        "cut; none for every partner at once.",
        json_schema_extra=_src("assumption: one dependency shock hits every partner unless said"),
    )


RISK_EVENTS = (
    "partner_price_rise",
    "partner_capacity_cut",
    "demand_slump",
    "compute_glut",
    "chip_shortage",
    "construction_delay",
    "interest_rate_shock",
    "failed_funding_round",
)
"""The risk events a world scenario can switch on, in the order of their random streams."""


class RisksSpec(Spec):
    """Risk events; each is off when absent."""

    partner_price_rise: EventSpec | None = Field(
        None, description="The partner raises its prices by size_frac (fraction)."
    )
    partner_capacity_cut: EventSpec | None = Field(
        None, description="The partner cuts the capacity it gives a lab by size_frac (fraction)."
    )
    demand_slump: EventSpec | None = Field(
        None, description="Every segment's spend falls by size_frac (fraction)."
    )
    compute_glut: EventSpec | None = Field(
        None, description="Rental prices and the value of owned assets fall by size_frac (fraction)."
    )
    chip_shortage: EventSpec | None = Field(
        None, description="Accelerator purchase prices rise by size_frac (fraction)."
    )
    construction_delay: EventSpec | None = Field(
        None,
        description="Data centres started in the window are late by delay_quarters and cost "
        "size_frac (fraction) more.",
    )
    interest_rate_shock: EventSpec | None = Field(
        None, description="The base rate rises by size_frac (fraction per year, absolute)."
    )
    failed_funding_round: EventSpec | None = Field(None, description="Funding rounds in the window fail.")


WORLD_SECTIONS = ("chips", "clouds", "labs", "market", "capability", "finance", "risks")
"""Top-level scenario fields of a world scenario."""


def world_deals(clouds: dict[str, CloudSpec]) -> list[tuple[str, str, DealSpec]]:
    """Return ``(cloud, path, deal)`` for every deal, in the order of the clouds and their deals."""
    return [(name, f"clouds.{name}.{path}", d) for name, c in clouds.items() for path, d in c.all_deals()]


def lab_investors(labs: dict[str, LabSpec]) -> list[tuple[str, str]]:
    """Return ``(investor, lab)`` for each investor in a lab, in the order of the labs and investments."""
    out: list[tuple[str, str]] = []
    for lname, lab in labs.items():
        for inv in lab.investments:
            if (inv.investor, lname) not in out:
                out.append((inv.investor, lname))
    return out


def deal_labels(clouds: dict[str, CloudSpec], labs: dict[str, LabSpec], start_year: float) -> list[str]:
    """Return ``"<cloud>:<lab>"`` for each deal (:func:`world_deals`), then ``"<investor>:<lab>"``.

    A later deal of the same cloud with the same lab adds its signing quarter,
    e.g. ``"gcp:lab_partner (2025 Q4)"``.
    """
    seen: set[str] = set()
    out = []
    for cname, _path, deal in world_deals(clouds):
        label = f"{cname}:{deal.lab}"
        if label in seen:
            label = f"{label} ({quarter_label(start_year, deal.signed_quarter)})"
        seen.add(label)
        out.append(label)
    return out + [f"{investor}:{lab}" for investor, lab in lab_investors(labs)]
