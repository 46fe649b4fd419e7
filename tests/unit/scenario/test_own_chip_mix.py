"""A lab's owned chips as a dated mix (strategy.own_chip_mix): checks, its blend, its effect."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.world_helpers import run, set_path, tiny_world

import labecon
from labecon import ScenarioError
from labecon.model.world_params import world_params
from labecon.scenario.world import own_chip_weights

# Two chip-equivalents per unit at 10,000 USD and 1 kW per H100e; sold from mid-2026.
CHEAP = {
    "peak_bf16_tflops": 1978.8,
    "power_kw_all_in": 2.0,
    "price_usd": 20000.0,
    "price_perf_decline_per_year": 0.2,
    "power_decline_per_year": 0.3,
    "first_year_available": 2026.5,
}
MIX = [
    {"from_quarter": 0, "shares": {"h100": 1.0}},
    {"from_quarter": 4, "shares": {"h100": 0.5, "cheap": 0.5}},
]


def _world(mix: list[dict[str, Any]] | None = MIX, **changes: Any) -> dict[str, Any]:
    data = tiny_world(**changes)
    data["chips"]["cheap"] = dict(CHEAP)
    if mix is not None:
        del data["labs"]["a"]["strategy"]["own_chip"]
        data["labs"]["a"]["strategy"]["own_chip_mix"] = mix
    return data


BAD = [
    # (mix, own_chip kept, path expected in the message, words expected)
    (MIX, True, "labs.a.strategy.own_chip_mix", "not both"),
    ([], False, "labs.a.strategy.own_chip_mix", "at least one row"),
    ([{"from_quarter": 1, "shares": {"h100": 1.0}}], False, "own_chip_mix[0].from_quarter", "quarter 0"),
    (
        [{"from_quarter": 0, "shares": {"h100": 1.0}}, {"from_quarter": 0, "shares": {"h100": 1.0}}],
        False,
        "own_chip_mix[1].from_quarter",
        "increasing",
    ),
    (
        [{"from_quarter": 0, "shares": {"h100": 1.0}}, {"from_quarter": 12, "shares": {"cheap": 1.0}}],
        False,
        "own_chip_mix[1].from_quarter",
        "beyond the horizon",
    ),
    ([{"from_quarter": 0, "shares": {"h200": 1.0}}], False, "own_chip_mix[0].shares.h200", "unknown chip"),
    ([{"from_quarter": 0, "shares": {"tpu": 1.0}}], False, "own_chip_mix[0].shares.tpu", "not sold"),
    (
        [{"from_quarter": 0, "shares": {"h100": 0.6, "cheap": 0.3}}],
        False,
        "own_chip_mix[0].shares",
        "sum to 1",
    ),
    ([{"from_quarter": 0, "shares": {"h100": 1.5}}], False, "own_chip_mix[0].shares.h100", "between 0 and 1"),
    (
        [{"from_quarter": 0, "shares": {"h100": 1.0}}, {"from_quarter": 1, "shares": {"cheap": 1.0}}],
        False,
        "own_chip_mix[1].shares.cheap",
        "first available in 2026.5",
    ),
    (
        [{"from_quarter": 0, "shares": {"h100": 1.0}, "until": 3}],
        False,
        "own_chip_mix[0].until",
        "unknown field",
    ),
]


@pytest.mark.parametrize(("mix", "keep_own_chip", "where", "words"), BAD)
def test_a_bad_mix_names_its_field(
    mix: list[dict[str, Any]], keep_own_chip: bool, where: str, words: str
) -> None:
    data = _world(mix)
    if keep_own_chip:
        set_path(data, "labs.a.strategy.own_chip", "h100")
    with pytest.raises(ScenarioError) as info:
        labecon.load_scenario(data)
    message = str(info.value)
    assert where in message, message
    assert words in message, message


def test_a_mix_needs_no_own_chip_for_own_frac_and_a_good_mix_loads() -> None:
    sc = labecon.load_scenario(_world())
    assert isinstance(sc, labecon.WorldScenario)
    data = _world(None)
    del data["labs"]["a"]["strategy"]["own_chip"]
    with pytest.raises(ScenarioError, match="own_frac needs an own_chip or own_chip_mix"):
        labecon.load_scenario(data)


def test_the_mix_resolves_to_the_hand_computed_blend() -> None:
    sc = labecon.load_scenario(_world())
    assert isinstance(sc, labecon.WorldScenario)
    # 12 quarters: h100 alone for 4, then half and half for 8: weights 2/3 and 1/3.
    weights = own_chip_weights(sc.labs["a"].strategy, sc.horizon_quarters)
    assert weights == pytest.approx({"h100": 2 / 3, "cheap": 1 / 3})
    lp = world_params(sc, {}, 5, seed=1, start=0).labs
    np.testing.assert_allclose(lp.own_usd_per_h100e[:, 0], 2 / 3 * 25000.0 + 1 / 3 * 10000.0)
    np.testing.assert_allclose(lp.own_kw_per_h100e[:, 0], 2 / 3 * 1.4535 + 1 / 3 * 1.0)
    np.testing.assert_allclose(lp.own_price_decline_per_year[:, 0], 2 / 3 * 0.276 + 1 / 3 * 0.2)
    np.testing.assert_allclose(lp.own_kw_decline_per_year[:, 0], 2 / 3 * 0.21 + 1 / 3 * 0.3)
    np.testing.assert_array_equal(lp.own_available_quarter[:, 0], 0.0)  # the first row's h100


def test_a_one_chip_mix_is_own_chip_bit_for_bit() -> None:
    one = run(_world([{"from_quarter": 0, "shares": {"h100": 1.0}}]), n=100).dataset
    base = run(_world(None), n=100).dataset
    for name in base.data_vars:
        if name != "input_value":
            np.testing.assert_array_equal(one[name].to_numpy(), base[name].to_numpy(), err_msg=name)


def test_a_cheaper_chip_in_the_mix_lowers_capex_per_h100e_and_raises_npv() -> None:
    n = 400
    base = run(_world(None), n=n).dataset
    mixed = run(_world(), n=n).dataset
    lab_a = {"lab": "a"}
    # Capex per H100e of capacity at the end: investing outflow over the owned capacity.
    invest = {"cash_flow_line": "investing"}
    spent0 = -base["cash_flow_usd"].sel(**lab_a, **invest).sum("quarter").to_numpy()
    spent1 = -mixed["cash_flow_usd"].sel(**lab_a, **invest).sum("quarter").to_numpy()
    owned0 = base["capacity_h100e"].sel(**lab_a, source="owned").isel(quarter=-1).to_numpy()
    owned1 = mixed["capacity_h100e"].sel(**lab_a, source="owned").isel(quarter=-1).to_numpy()
    both = (owned0 > 0) & (owned1 > 0)  # not ruined
    assert both.mean() > 0.5
    assert (spent1[both] / owned1[both]).mean() < (spent0[both] / owned0[both]).mean()
    npv0 = base["npv_fcf_usd"].sel(**lab_a).to_numpy()
    npv1 = mixed["npv_fcf_usd"].sel(**lab_a).to_numpy()
    assert npv1.mean() > npv0.mean()


def test_the_own_route_lab_of_two_strategies_buys_its_chip_deals_mix() -> None:
    sc = labecon.load_scenario("two-strategies")
    assert isinstance(sc, labecon.WorldScenario)
    st = sc.labs["lab_own"].strategy
    assert st.own_chip is None
    assert st.own_chip_mix is not None
    weights = own_chip_weights(st, sc.horizon_quarters)
    # GB200 alone for quarters 0-1, then the deals' GW shares (10, 6 and 10 of 26 GW) for 38 of 40.
    assert weights == pytest.approx(
        {"gb200": 0.05 + 0.95 * 0.3846, "mi450": 0.95 * 0.2308, "lab_asic": 0.95 * 0.3846}
    )
    gb200, mi450, asic = (sc.chips[c] for c in ("gb200", "mi450", "lab_asic"))

    def per_h100e(value: Any, chip: Any) -> float:
        return float(value) / (chip.peak_bf16_tflops / 989.4)

    gb_price = per_h100e(gb200.price_usd, gb200)
    assert per_h100e(mi450.price_usd, mi450) == pytest.approx(gb_price, rel=1e-4)
    assert per_h100e(asic.price_usd, asic) == pytest.approx(0.81 * gb_price, rel=1e-4)
    blend = sum(w * per_h100e(sc.chips[c].price_usd, sc.chips[c]) for c, w in weights.items())
    assert 1.0 - blend / gb_price == pytest.approx(0.069, abs=0.001)
