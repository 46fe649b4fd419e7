"""World sections of the schema: valid input loads; malformed input names the field."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from tests.world_helpers import set_path, tiny_world

import labecon
from labecon import ScenarioError

_DELETE = object()

BAD = [
    # (path, value, path expected in the message, words expected)
    ("chips.h100.peak_bf16_tflops", -1, "chips.h100.peak_bf16_tflops", "must be > 0, got"),
    ("chips.h100.price_usd", "nosuch", "chips.h100.price_usd", "not declared"),
    ("chips.h100.power_decline_per_year", 1.0, "chips.h100.power_decline_per_year", "must be < 1"),
    ("chips.h100.colour", "green", "chips.h100.colour", "unknown field"),
    ("chips.tpu.sold_by", "nowhere", "chips.tpu.sold_by", "unknown cloud"),
    (
        "clouds.market.prices.h200",
        {"on_demand_usd_per_chip_hour": 1, "committed_usd_per_chip_hour": 1},
        "clouds.market.prices.h200",
        "unknown chip",
    ),
    (
        "clouds.market.prices.tpu",
        {"on_demand_usd_per_chip_hour": 1, "committed_usd_per_chip_hour": 1},
        "clouds.market.prices.tpu",
        "only inside",
    ),
    ("clouds.market.price_decline_per_year", 1.5, "clouds.market.price_decline_per_year", "< 1"),
    ("clouds.market.capacity_limit_h100e", -1, "clouds.market.capacity_limit_h100e", ">= 0"),
    ("clouds.partner.deal.lab", "zz", "clouds.partner.deal.lab", "unknown lab"),
    ("clouds.partner.deal.credits_frac", 1.2, "clouds.partner.deal.credits_frac", "<= 1"),
    ("clouds.partner.deal.chip", "h100", "clouds.partner.deal.chip", "unknown chip"),
    ("labs.a.cash_usd", -5, "labs.a.cash_usd", ">= 0"),
    ("labs.a.revenue_mix", {"api": 0.5}, "labs.a.revenue_mix", "sum to 1"),
    ("labs.a.revenue_mix", {"tv": 1.0}, "labs.a.revenue_mix.tv", "unknown segment"),
    ("labs.a.capability_log10_flop", _DELETE, "labs.a.capability_log10_flop", "missing"),
    ("labs.a.strategy.own_chip", "tpu", "labs.a.strategy.own_chip", "not sold"),
    ("labs.a.strategy.rent_cloud", "aws", "labs.a.strategy.rent_cloud", "unknown cloud"),
    ("labs.a.strategy.commit_lead_quarters", 0, "labs.a.strategy.commit_lead_quarters", "must be >= 1"),
    ("labs.a.strategy.commit_lead_quarters", 2.5, "labs.a.strategy.commit_lead_quarters", "whole number"),
    ("finance.dc_refit_usd_per_mw", -5.0, "finance.dc_refit_usd_per_mw", ">= 0"),
    (
        "finance.plausible_max_capacity_power_decline_per_year",
        1.0,
        "finance.plausible_max_capacity_power_decline_per_year",
        "< 1",
    ),
    (
        "finance.plausible_max_capacity_power_decline_per_year",
        "no_such_input",
        "finance.plausible_max_capacity_power_decline_per_year",
        "not declared in inputs",
    ),
    ("labs.a.strategy.training_frac", 0.95, "labs.a.strategy", "below 1"),
    ("labs.a.strategy.commit_frac", 0.8, "labs.a.strategy", "at most 1"),
    ("labs.a.strategy.partner_frac", 0.2, "labs.a.strategy.partner_frac", "deal"),
    (
        "labs.a.strategy.run_length_quarters",
        0,
        "labs.a.strategy.run_length_quarters",
        "must be >=",
    ),
    ("market.segments.api.elasticity", -1, "market.segments.api.elasticity", ">= 0"),
    ("market.segments.api.spend_usd_per_year", 1e9, "market.segments.api.spend_usd_per_year", "exceeds"),
    ("market.segments", {}, "market.segments", "at least 1"),
    ("capability.utilisation_frac", 2, "capability.utilisation_frac", "<= 1"),
    ("finance.dc_lead_quarters", 2.5, "finance.dc_lead_quarters", "whole number"),
    ("finance.pue", 0.9, "finance.pue", ">= 1"),
    ("risks.demand_slump", {"probability": 2, "size_frac": 0.1}, "risks.demand_slump.probability", "<= 1"),
    ("risks.demand_slump", {"size_frac": 0.1}, "risks.demand_slump.probability", "missing"),
    ("risks.meteor", {"probability": 0.1, "size_frac": 0.1}, "risks.meteor", "unknown field"),
    ("strategies", {"rent": {"policy": "rent_all"}}, "strategies", "not both"),
    # Partner contracts, several deals, the partner's cost.
    ("clouds.partner.deal.term_quarters", 0, "clouds.partner.deal.term_quarters", "must be >="),
    ("clouds.partner.deal.lead_quarters", 0, "clouds.partner.deal.lead_quarters", "must be >="),
    ("clouds.partner.deal.capacity_split_frac", 1.5, "clouds.partner.deal.capacity_split_frac", "<= 1"),
    (
        "clouds.partner.deal.equity_tranches",
        [{"quarter": 40, "usd": 1e9, "credits_frac": 0.5}],
        "clouds.partner.deal.equity_tranches[0].quarter",
        "beyond the horizon",
    ),
    (
        "clouds.partner.deal.equity_tranches",
        [{"quarter": 2, "usd": -1e9, "credits_frac": 0.5}],
        "clouds.partner.deal.equity_tranches[0].usd",
        ">= 0",
    ),
    (
        "clouds.market.deal",
        {
            "lab": "b",
            "chip": "h100",
            "equity_usd": 1e9,
            "credits_frac": 0.5,
            "stake_frac": 0.01,
            "preferential_discount_frac": 0.1,
            "capacity_split_frac": 0.5,
        },
        "clouds.partner.deal.capacity_split_frac",
        "sum to at most 1",
    ),
    (
        "clouds.market.deal",
        {
            "lab": "b",
            "chip": "h100",
            "equity_usd": 1e9,
            "credits_frac": 0.5,
            "stake_frac": 0.01,
            "preferential_discount_frac": 0.1,
            "capacity_split_frac": 0.0,
            "is_exclusive": True,
        },
        "clouds.market.deal.is_exclusive",
        "no other deal",
    ),
    ("clouds.partner.cost", {"power_kw_per_chip": 0.7}, "clouds.partner.cost.chip_capex_usd", "missing"),
    (
        "clouds.partner.cost",
        {"chip_capex_usd": 1e4, "power_kw_per_chip": 0.7, "pue": 0.5},
        "clouds.partner.cost.pue",
        ">= 1",
    ),
    (
        "risks.partner_price_rise",
        {"probability": 0.1, "size_frac": 0.1, "cloud": "nowhere"},
        "risks.partner_price_rise.cloud",
        "unknown cloud",
    ),
    (
        "risks.partner_capacity_cut",
        {"probability": 0.1, "size_frac": 0.1, "cloud": "market"},
        "risks.partner_capacity_cut.cloud",
        "no deal",
    ),
    (
        "risks.demand_slump",
        {"probability": 0.1, "size_frac": 0.1, "cloud": "partner"},
        "risks.demand_slump.cloud",
        "only partner events",
    ),
    # The lease route.
    ("labs.a.strategy.lease_frac", 0.1, "labs.a.strategy.lease_frac", "labs.<lab>.lease"),
    ("labs.a.lease", {"term_quarters": 0}, "labs.a.lease.term_quarters", "must be >="),
    ("labs.a.lease", {"usd_per_mw_per_year": -1}, "labs.a.lease.usd_per_mw_per_year", ">= 0"),
    # The training decision.
    ("labs.a.strategy.training_rule", "guess", "labs.a.strategy.training_rule", "share"),
    ("labs.a.strategy.training_target_gap_oom", 5, "labs.a.strategy.training_target_gap_oom", "<= 3"),
    ("labs.a.strategy.training_max_frac", 1.5, "labs.a.strategy.training_max_frac", "<= 1"),
    # Finite funding, terminal value, plausibility bounds.
    ("finance.max_raise_usd_per_year", -1, "finance.max_raise_usd_per_year", ">= 0"),
    ("finance.terminal_value_method", "dcf", "finance.terminal_value_method", "gordon"),
    ("finance.compute_priced_at", "order", "finance.compute_priced_at", "signing"),
    ("finance.stake_valued_at", "exit", "finance.stake_valued_at", "last_round"),
    ("finance.chip_lead_quarters", 0, "finance.chip_lead_quarters", ">= 1"),
    ("finance.chip_lead_quarters", 2.5, "finance.chip_lead_quarters", "whole number"),
    ("finance.owned_refill", "always", "finance.owned_refill", "hall"),
    ("finance.lease_refill", "never", "finance.lease_refill", "plan"),
    ("finance.shortage_rations", "owners", "finance.shortage_rations", "everyone"),
    ("finance.terminal_growth_per_year", 0.9, "finance.terminal_growth_per_year", "< 0.5"),
    ("finance.plausible_max_capacity_h100e", 0, "finance.plausible_max_capacity_h100e", "must be > 0, got"),
    ("labs", _DELETE, "labs", "required field is missing"),
    ("labs.a.cash_usd", 10**400, "labs.a.cash_usd", "finite number"),  # beyond any float
    ("labs.a.owned_chip", "a100", "labs.a.owned_chip", "unknown chip"),
    ("labs.a.owned_chip", "tpu", "labs.a.owned_chip", "not sold"),
    ("run.n_samples", 10**13, "run.n_samples", "<= 1000000000000"),
]


@pytest.mark.parametrize(("path", "value", "where", "words"), BAD)
def test_malformed_world_field_names_the_field(path: str, value: Any, where: str, words: str) -> None:
    data = tiny_world()
    if value is _DELETE:
        keys = path.split(".")
        target = data
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]
    else:
        set_path(data, path, value)
    with pytest.raises(ScenarioError) as info:
        labecon.load_scenario(data)
    message = str(info.value)
    assert info.value.path.startswith(where), message
    assert words.lower() in message.lower(), message


def test_owned_halls_refilled_whatever_the_plan_go_with_chips_ordered_ahead() -> None:
    data = tiny_world()
    assert labecon.load_scenario(data).finance.owned_refill == "plan"  # type: ignore[union-attr]
    set_path(data, "finance.owned_refill", "hall")
    set_path(data, "finance.chip_lead_quarters", 2)
    assert labecon.load_scenario(data).finance.owned_refill == "hall"  # type: ignore[union-attr]


def test_tiny_world_and_the_builtin_load() -> None:
    assert isinstance(labecon.load_scenario(tiny_world()), labecon.WorldScenario)
    sc = labecon.load_scenario("two-strategies")
    assert isinstance(sc, labecon.WorldScenario)
    assert set(sc.labs) == {"lab_own", "lab_partner"}


def test_a_world_scenario_has_no_technical_inputs() -> None:
    # The draws inside the quarter are keyed by name, not by a pseudo-input.
    sc = labecon.load_scenario(tiny_world())
    assert set(sc.inputs) == set(tiny_world().get("inputs", {}))


def test_a_compute_scenario_needs_its_sections(b1_dict: dict[str, Any]) -> None:
    del b1_dict["compute"]
    with pytest.raises(ScenarioError, match="compute"):
        labecon.load_scenario(b1_dict)


def test_docs_list_every_world_field_and_its_default() -> None:
    from pathlib import Path

    from labecon.scenario import world

    text = (Path(__file__).resolve().parents[3] / "docs" / "model.md").read_text(encoding="utf-8")
    for model in (
        world.ChipSpec,
        world.CloudSpec,
        world.PartnerCostSpec,
        world.DealSpec,
        world.EquityTrancheSpec,
        world.LabSpec,
        world.LeaseSpec,
        world.InvestmentSpec,
        world.LabStrategySpec,
        world.OwnChipMixSpec,
        world.RouteChangeSpec,
        world.SegmentSpec,
        world.CapabilitySpec,
        world.FinanceSpec,
        world.EventSpec,
    ):
        for name in model.model_fields:
            assert f"| `{name}` |" in text, f"{model.__name__}.{name} is missing from docs/model.md"


def test_every_world_default_cites_a_source_or_an_assumption() -> None:
    from pydantic_core import PydanticUndefined

    from labecon.scenario import world

    for model in (
        world.ChipSpec,
        world.CloudSpec,
        world.PartnerCostSpec,
        world.DealSpec,
        world.EquityTrancheSpec,
        world.LabSpec,
        world.LeaseSpec,
        world.InvestmentSpec,
        world.LabStrategySpec,
        world.OwnChipMixSpec,
        world.RouteChangeSpec,
        world.SegmentSpec,
        world.CapabilitySpec,
        world.FinanceSpec,
        world.EventSpec,
    ):
        for name, field in model.model_fields.items():
            if field.default is PydanticUndefined or field.default is None:
                continue
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            note = str(extra.get("x-source", ""))
            assert note.startswith(("src:", "assumption:")), f"{model.__name__}.{name}: {note!r}"


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        ("clouds.aws_cloud.deal.equity_tranches[0].credits_frac", "lots", "not declared in inputs"),
        ("clouds.aws_cloud.deal.equity_tranches[1].usd", "lots", "not declared in inputs"),
        ("labs.lab_own.investments[0].usd", "lots", "not declared in inputs"),
        ("clouds.oracle.deal.capacity_limit_h100e", "lots", "not declared in inputs"),
        ("labs.lab_partner.lease.capacity_limit_h100e", "lots", "not declared in inputs"),
        ("labs.lab_partner.lease.capacity_limit_h100e", -1.0, "must be >= 0"),
        ("labs.lab_partner.lease.capacity_growth_per_year", -1.0, "must be > -1"),
        ("labs.lab_partner.lease.capacity_limit_mw", -1.0, "must be >= 0"),
        ("labs.lab_partner.lease.capacity_limit_mw", "lots", "not declared in inputs"),
        # An input declared, whose draws the field cannot take: in a list's item and an optional field.
        ("clouds.aws_cloud.deal.equity_tranches[0].credits_frac", "g_api", "outside what this field allows"),
        ("clouds.oracle.deal.capacity_limit_h100e", "swing", "can take the value -1"),
    ],
)
def test_a_list_item_or_an_optional_field_is_checked_as_any_other(
    path: str, value: object, words: str
) -> None:
    # These fields used to pass the load unchecked and end the run with an internal error.
    data = yaml.safe_load(labecon.scenario_text("two-strategies"))
    data["inputs"]["swing"] = {"dist": "uniform", "low": -1.0, "high": 1.0, "source": "assumption: a test"}
    data = labecon.apply_overrides(data, {path: value})
    with pytest.raises(ScenarioError) as info:
        labecon.load_scenario(data)
    assert info.value.path == path, str(info.value)
    assert words in str(info.value)
