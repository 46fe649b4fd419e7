"""What a deal is worth to both sides: the lab's NPV with it less without it, and the partner's NPV."""

from __future__ import annotations

import numpy as np
import pytest
from tests.world_helpers import tiny_world

import labecon
from labecon.analysis.deals import declared_routes_only, without_deal
from labecon.scenario.schema import WorldScenario, as_kind
from labecon.scenario.world import world_deals

N, SEED = 300, 5


def _world(**changes: object) -> WorldScenario:
    world = as_kind(labecon.load_scenario(tiny_world(**changes)), WorldScenario)
    assert world is not None
    return world


def _npv(world: WorldScenario) -> np.ndarray:
    return labecon.simulate(world, N, SEED, keep="outputs").dataset["npv_fcf_usd"].to_numpy()


def test_the_lab_s_gain_is_its_npv_with_the_deal_less_without_it_in_the_same_futures() -> None:
    world = _world()
    result = labecon.deal_values(world, n_samples=N, seed=SEED)
    [deal] = result.deals
    assert (deal.deal, deal.lab, result.n_samples, result.seed) == ("partner:b", "b", N, SEED)
    plain = declared_routes_only(world)
    gain = _npv(plain) - _npv(without_deal(plain, 0))
    assert deal.lab_gain["p50"] == pytest.approx(float(np.median(gain[:, 1])), rel=1e-12)
    assert deal.lab_gain["p_positive"] == pytest.approx(float((gain[:, 1] > 0).mean()))
    assert deal.others_gain["a"]["p50"] == pytest.approx(float(np.median(gain[:, 0])), rel=1e-12)
    partner = (
        labecon.simulate(plain, N, SEED, keep="outputs").dataset["partner_deal_npv_usd"].to_numpy()[:, 0]
    )
    assert deal.partner_npv["p50"] == pytest.approx(float(np.median(partner)), rel=1e-12)
    both = float(((gain[:, 1] > 0) & (partner > 0)).mean())
    assert deal.both_gain[0] == pytest.approx(both)
    assert 0.0 <= deal.both_gain[1] <= 0.5 / np.sqrt(N)
    data = result.to_dict()
    assert data["deals"][0]["lab_gain_usd"]["p50"] == deal.lab_gain["p50"]


def test_a_deeper_discount_is_worth_more_to_the_lab_and_less_to_the_partner() -> None:
    shallow = labecon.deal_values(_world(), n_samples=N, seed=SEED).deals[0]
    deep = labecon.deal_values(
        _world(**{"clouds.partner.deal.preferential_discount_frac": 0.4}), n_samples=N, seed=SEED
    ).deals[0]
    assert deep.lab_gain["mean"] - shallow.lab_gain["mean"] > 5 * (deep.lab_gain["mean_se"] + 1.0)
    assert shallow.partner_npv["mean"] - deep.partner_npv["mean"] > 5 * shallow.partner_npv["mean_se"]


def test_without_a_deal_leaves_the_others() -> None:
    data = labecon.load_scenario("two-strategies")
    world = as_kind(data, WorldScenario)
    assert world is not None
    # AWS's second deal (with lab_own) goes, its first (with lab_partner) stays.
    assert [path for _, path, _ in world_deals(world.clouds)][2] == "clouds.aws_cloud.deals[0]"
    gone = without_deal(world, 2)
    assert gone.clouds["aws_cloud"].deal == world.clouds["aws_cloud"].deal
    assert gone.clouds["aws_cloud"].deals == []
    assert without_deal(world, 0).clouds["partner_cloud"].deal is None
    assert gone.clouds["oracle"] == world.clouds["oracle"]


@pytest.mark.parametrize(
    ("scenario", "where", "words"),
    [("b1", "scenario", "world scenario"), ("no deal", "clouds", "no cloud has a deal")],
)
def test_a_scenario_without_deals_is_refused_by_name(scenario: str, where: str, words: str) -> None:
    source: object = scenario
    if scenario == "no deal":
        data = tiny_world(**{"labs.b.strategy.partner_frac": 0.0, "labs.b.partner_h100e": 0.0})
        del data["clouds"]["partner"]["deal"]
        source = data
    with pytest.raises(labecon.ScenarioError) as info:
        labecon.deal_values(source, n_samples=50)  # type: ignore[arg-type]
    assert info.value.path == where
    assert words in str(info.value)


def test_the_summary_says_each_deal_s_worth_to_both_sides_in_words() -> None:
    from dataclasses import replace

    result = labecon.deal_values(_world(), n_samples=N, seed=SEED)
    [deal] = result.deals
    said = result.summary()
    mutual = deal.both_gain[0] > 0.5
    assert said.startswith(f"The deal {'leaves' if mutual else 'does not leave'} both sides better off")
    assert f"({N} futures, seed {SEED}, each with and without the deal)" in said
    # A lab that loses by a deal says so, not "gains -$1B"; two deals are counted.
    losing = {**deal.lab_gain, "p50": -1.2e9, "p_positive": 0.3}
    two = replace(result, deals=[deal, replace(deal, lab_gain=losing, both_gain=(0.25, 0.02))])
    words = two.summary()
    assert words.startswith(f"{int(mutual)} of 2 deals leave both sides better off in most futures")
    assert "the lab loses $1.2B in the median (gains in 30.0% of futures)" in words
    assert "both gain in 25.0% of futures." in words
    assert "gains -$" not in words
