"""A partner's own cost of a deal's capacity is of the deal's chip: its own `cost`, else the cloud's."""

from __future__ import annotations

import numpy as np
import yaml

import labecon
from labecon.model.world_outputs import deal_labels
from labecon.model.world_params import world_params
from labecon.scenario.schema import WorldScenario, as_kind
from labecon.uncertain.sampling import sample_inputs


def _costs(data: dict) -> dict[str, tuple[float, float]]:
    """Return each deal's capital and running cost per H100e-hour at quarter 0, by label (sample 0)."""
    scenario = as_kind(labecon.load_scenario(data), WorldScenario)
    assert scenario is not None
    draws = sample_inputs(scenario.inputs, seed=1, start=0, n=4, correlation=scenario.correlation)
    deals = world_params(scenario, draws, 4, seed=1, start=0).deals
    capital, running = deals.capital_cost_usd_per_h100e_hour, deals.running_cost_usd_per_h100e_hour
    return {
        label: (float(capital[0, d]), float(running[0, d])) for d, label in enumerate(deal_labels(scenario))
    }


def test_each_deal_is_costed_at_its_own_chip() -> None:
    data = yaml.safe_load(labecon.scenario_text("two-strategies"))
    costs = _costs(data)
    # AWS sells lab_partner its Trainium3 and lab_own GB200s: each deal at its own chip's cost, and
    # GB200s cost AWS what they cost Microsoft (the same capex, power and defaults).
    assert costs["aws_cloud:lab_own"] != costs["aws_cloud:lab_partner"]
    np.testing.assert_allclose(costs["aws_cloud:lab_own"], costs["azure_cloud:lab_own"], rtol=1e-12)
    # Without its own cost a deal takes the cloud's (Trainium3's capex and power, per GB200 here).
    del data["clouds"]["aws_cloud"]["deals"][0]["cost"]
    assert _costs(data)["aws_cloud:lab_own"] != costs["aws_cloud:lab_own"]


def test_a_dearer_chip_costs_the_partner_more_and_leaves_the_lab_s_price_alone() -> None:
    data = yaml.safe_load(labecon.scenario_text("two-strategies"))
    before = _costs(data)["oracle:lab_own"]
    data["clouds"]["oracle"]["deal"]["cost"]["chip_capex_usd"] *= 2
    after = _costs(data)["oracle:lab_own"]
    np.testing.assert_allclose(after[0], 2 * before[0], rtol=1e-12)
    assert after[1] == before[1]
