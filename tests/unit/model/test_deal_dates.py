"""Deals signed after quarter 0, capacity contracts without investment, several deals per cloud."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.world_helpers import path, run, tiny_world

import labecon
from labecon import ScenarioError

B = 1  # lab b, the one with the deal
SIGNED = 5


def _deal(**changes: Any) -> dict[str, Any]:
    deal: dict[str, Any] = tiny_world()["clouds"]["partner"]["deal"]  # a fresh copy each call
    return deal | changes


def _later(**changes: Any) -> dict[str, Any]:
    """The tiny world with lab b's deal signed in quarter SIGNED, buying its stake then."""
    return tiny_world(
        **{"clouds.partner.deal": _deal(signed_quarter=SIGNED, stake_frac=0.0, **changes)},
        **{"labs.b.partner_h100e": 0.0},
    )


@pytest.mark.parametrize(
    ("deal", "where", "words"),
    [
        ({"signed_quarter": 12}, "clouds.partner.deal.signed_quarter", "beyond the horizon"),
        ({"signed_quarter": -1}, "clouds.partner.deal.signed_quarter", "must be >= 0, got -1"),
        ({"signed_quarter": 3}, "clouds.partner.deal.stake_frac", "buys its stake"),
        (
            {"signed_quarter": 3, "stake_frac": 0.0, "is_exclusive": True},
            "clouds.partner.deal.is_exclusive",
            "signed at quarter 0",
        ),
        (
            {
                "signed_quarter": 4,
                "stake_frac": 0.0,
                "equity_tranches": [{"quarter": 2, "usd": 1e9, "credits_frac": 0.0}],
            },
            "clouds.partner.deal.equity_tranches[0].quarter",
            "before the deal is signed",
        ),
        ({"lab": "nobody"}, "clouds.partner.deal.lab", "unknown lab 'nobody'"),
        ({"chip": "h100"}, "clouds.partner.deal.chip", "unknown chip priced by this cloud 'h100'"),
        ({"capacity_limit_h100e": -1.0}, "clouds.partner.deal.capacity_limit_h100e", "0"),
    ],
)
def test_a_bad_deal_names_its_field(deal: dict[str, Any], where: str, words: str) -> None:
    data = tiny_world(**{"clouds.partner.deal": _deal(**deal)})
    with pytest.raises(ScenarioError) as err:
        labecon.load_scenario(data)
    assert err.value.path == where
    assert words in str(err.value)


def test_capacity_at_quarter_0_needs_a_deal_signed_then() -> None:
    data = tiny_world(**{"clouds.partner.deal": _deal(signed_quarter=2, stake_frac=0.0)})
    with pytest.raises(ScenarioError) as err:
        labecon.load_scenario(data)
    assert err.value.path == "labs.b.partner_h100e"


def test_a_deal_signed_later_and_a_capacity_contract_load() -> None:
    data = _later(capacity_limit_h100e=2e5)
    sc = labecon.load_scenario(data)
    assert sc.clouds["partner"].deal is not None
    assert sc.clouds["partner"].deal.signed_quarter == SIGNED
    # A capacity contract: no investment, any chip the cloud prices (an open-market one here).
    data["clouds"]["partner"]["deal"]["capacity_split_frac"] = 0.6
    data["clouds"]["market"]["deals"] = [
        {"lab": "b", "chip": "h100", "signed_quarter": 2, "capacity_split_frac": 0.4}
    ]
    sc = labecon.load_scenario(data)
    assert sc.clouds["market"].deals[0].equity_usd == 0.0


def test_two_deals_of_one_cloud_with_one_lab_differ_in_date() -> None:
    data = tiny_world()
    data["clouds"]["partner"]["deals"] = [_deal(signed_quarter=0, stake_frac=0.0, capacity_split_frac=0.0)]
    data["clouds"]["partner"]["deal"]["capacity_split_frac"] = 0.5
    with pytest.raises(ScenarioError) as err:
        labecon.load_scenario(data)
    assert err.value.path == "clouds.partner.deals[0].signed_quarter"
    data["clouds"]["partner"]["deals"][0]["signed_quarter"] = 4
    res = run(data, n=20)
    assert list(res.dataset["deal"].to_numpy()) == ["partner:b", "partner:b (2027 Q1)"]


def test_before_its_date_a_deal_gives_no_capacity_and_no_equity() -> None:
    at_start = run(tiny_world(**{"labs.b.partner_h100e": 0.0}), n=50)
    later = run(_later(), n=50)
    partner = path(later, "capacity_h100e")[:, B, :, :]
    src = list(later.dataset["source"].to_numpy()).index("partner")
    lead = 2  # the deal's default lead_quarters
    assert np.all(partner[:, : SIGNED + lead, src] == 0.0)
    assert np.all(partner[:, SIGNED + lead :, src] > 0.0)
    base_partner = path(at_start, "capacity_h100e")[:, B, :, src]
    assert np.all(base_partner[:, : SIGNED + lead].sum(axis=1) > 0.0)
    # No stake and no investment before the date; the investment comes in when signed.
    lines = list(later.dataset["partner_line"].to_numpy())
    stake = path(later, "partner_accounts_usd")[:, 0, :, lines.index("stake_value")]
    assert np.all(stake[:, :SIGNED] == 0.0)
    assert np.all(stake[:, SIGNED] > 0.0)
    credits_line = list(later.dataset["balance_line"].to_numpy()).index("credits")
    credits = path(later, "balance_sheet_usd")[:, B, :, credits_line]
    assert np.all(credits[:, :SIGNED] == 0.0)
    assert np.all(credits[:, SIGNED] > 0.0)


def test_before_a_later_deal_the_lab_s_partner_capacity_goes_to_its_signed_deal() -> None:
    data = tiny_world(**{"labs.b.partner_h100e": 0.0})
    data["clouds"]["partner"]["deal"]["capacity_split_frac"] = 0.5
    later = _deal(signed_quarter=SIGNED, stake_frac=0.0, capacity_split_frac=0.5)
    data["clouds"]["partner"]["deals"] = [later]
    both = path(run(data, n=50), "partner_accounts_usd")
    alone = tiny_world(**{"labs.b.partner_h100e": 0.0, "clouds.partner.deal.capacity_split_frac": 1.0})
    one = path(run(alone, n=50), "partner_accounts_usd")
    lead = 2
    # Until the second deal is signed, the first takes all the lab's partner capacity: the same fees.
    np.testing.assert_allclose(both[:, 0, : SIGNED + lead, 0], one[:, 0, : SIGNED + lead, 0], rtol=1e-12)
    assert np.all(both[:, 1, : SIGNED + lead, 0] == 0.0)
    assert np.all(both[:, 1, SIGNED + lead :, 0] > 0.0)


def test_a_deal_signed_at_quarter_0_is_the_deal_without_a_date() -> None:
    plain = run(tiny_world(), n=30).dataset
    dated = run(tiny_world(**{"clouds.partner.deal.signed_quarter": 0}), n=30).dataset
    for name in ("npv_fcf_usd", "partner_deal_npv_usd", "capacity_h100e", "balance_sheet_usd"):
        np.testing.assert_array_equal(plain[name].to_numpy(), dated[name].to_numpy())


def test_an_investor_without_capacity_pays_in_at_its_date_and_holds_a_stake() -> None:
    investments = [
        {"investor": "chipco", "quarter": 3, "usd": 5e9},
        {"investor": "chipco", "quarter": 6, "usd": 5e9},
    ]
    plain = run(tiny_world(), n=40)
    funded = run(tiny_world(**{"labs.a.investments": investments}), n=40)
    assert list(funded.dataset["deal"].to_numpy()) == ["partner:b", "chipco:a"]
    lines = list(funded.dataset["partner_line"].to_numpy())
    stake = path(funded, "partner_accounts_usd")[:, 1, :, lines.index("stake_value")]
    assert np.all(stake[:, :3] == 0.0)
    assert np.all(stake[:, 3] > 0.0)
    assert np.all(path(funded, "partner_accounts_usd")[:, 1, :, lines.index("revenue_from_lab")] == 0.0)
    cash_line = list(funded.dataset["balance_line"].to_numpy()).index("cash")
    gained = (
        path(funded, "balance_sheet_usd")[:, 0, 3, cash_line]
        - path(plain, "balance_sheet_usd")[:, 0, 3, cash_line]
    )
    assert np.median(gained) == pytest.approx(5e9)  # (less where the lab then raises less itself)
    np.testing.assert_array_equal(
        path(funded, "balance_sheet_usd")[:, 0, :3], path(plain, "balance_sheet_usd")[:, 0, :3]
    )


@pytest.mark.parametrize(
    ("investment", "where", "words"),
    [
        (
            {"investor": "chipco", "quarter": 12, "usd": 1e9},
            "labs.b.investments[0].quarter",
            "beyond the horizon",
        ),
        ({"investor": "partner", "quarter": 2, "usd": 1e9}, "labs.b.investments[0].investor", "belongs to"),
        ({"investor": "chip co", "quarter": 2, "usd": 1e9}, "labs.b.investments[0].investor", "name"),
        ({"investor": "chipco", "quarter": 2, "usd": -1.0}, "labs.b.investments[0].usd", "0"),
    ],
)
def test_a_bad_investment_names_its_field(investment: dict[str, Any], where: str, words: str) -> None:
    with pytest.raises(ScenarioError) as err:
        labecon.load_scenario(tiny_world(**{"labs.b.investments": [investment]}))
    assert err.value.path == where
    assert words in str(err.value)


def test_signed_split_shares_a_lab_s_partner_capacity_among_its_signed_deals() -> None:
    from labecon.model.world_params import signed_split

    split = np.array([[0.5, 0.3, 0.2, 1.0]])
    deal_lab, signed = [0, 0, 0, 1], [0, 4, 8, 6]
    np.testing.assert_allclose(signed_split(split, deal_lab, signed, 0), [[1.0, 0.0, 0.0, 0.0]])
    np.testing.assert_allclose(signed_split(split, deal_lab, signed, 5), [[0.625, 0.375, 0.0, 0.0]])
    np.testing.assert_allclose(signed_split(split, deal_lab, signed, 6), [[0.625, 0.375, 0.0, 1.0]])
    assert signed_split(split, deal_lab, signed, 8) is split  # all signed: the splits themselves


def test_backtest_2023_signs_its_late_deals_at_their_dates() -> None:
    from labecon.scenario.world import deal_labels, world_deals

    sc = labecon.load_scenario("backtest-2023")
    signed = {
        label: d.signed_quarter
        for label, (_c, _p, d) in zip(
            deal_labels(sc.clouds, sc.labs, sc.start_year), world_deals(sc.clouds), strict=False
        )
    }
    assert signed["gcp:lab_partner"] == 0
    assert signed["gcp:lab_partner (2025 Q4)"] == 7  # Google's TPU deal, Oct 2025
    assert signed["azure:lab_partner"] == 7  # Microsoft / Nvidia, Nov 2025
    assert signed["coreweave:lab_own"] == 4  # Mar 2025
    assert signed["oracle:lab_own"] == 6  # Jul 2025


def test_each_item_of_a_deal_list_is_sourced_under_its_index() -> None:
    by_path = {s.path: s for s in labecon.scenario_sources("backtest-2023")}
    assert "Oct 2025" in by_path["clouds.gcp.deals[0].signed_quarter"].note
    assert "Nov 2024" in by_path["clouds.aws.deal.equity_tranches[0].quarter"].note
    assert by_path["labs.lab_own.investments[0].usd"].value == "1.0e+10"
    flow = {s.path: s for s in labecon.scenario_sources("two-strategies")}
    assert flow["clouds.aws_cloud.deal.equity_tranches[1]"].note.startswith("[Anthropic-Amazon")
    # A default inside a list item is listed with its source too.
    assert by_path["clouds.coreweave.deals[0].equity_usd"].origin == "default"
