"""Metrics on hand-built paths with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from labecon.analysis import metrics as m
from labecon.errors import OptionError


def test_profitable_from_quarter_5_reports_5() -> None:
    profit = np.full((3, 12), -1.0)
    profit[0, 5:] = 2.0
    profit[1, 0] = 1.0  # profitable at once, then loss: first is 0, sustained is never
    q = m.first_profitable_quarter(profit)
    assert q.tolist() == [5, 0, m.NEVER]
    assert m.first_profitable_quarter(profit, sustained=True).tolist() == [5, m.NEVER, m.NEVER]


def test_first_quarter_on_another_axis_keeps_labs() -> None:
    profit = np.full((2, 8, 3), -1.0)  # (sample, quarter, lab)
    profit[0, 3:, 1] = 1.0
    q = m.first_profitable_quarter(profit, quarter_axis=1)
    assert q.shape == (2, 3)
    assert q[0].tolist() == [m.NEVER, 3, m.NEVER]


def test_quarter_distribution_counts_never_as_an_outcome() -> None:
    q = np.array([5, 5, 7, m.NEVER])
    dist = m.quarter_distribution(q, 10)
    assert dist.p_never.value == pytest.approx(0.25)
    assert dist.p_never.se == pytest.approx(np.sqrt(0.25 * 0.75 / 4))
    assert dist.p_by_quarter.value[4] == 0.0
    assert dist.p_by_quarter.value[5] == pytest.approx(0.5)
    assert dist.p_by_quarter.value[9] == pytest.approx(0.75)
    assert dist.median == 5
    assert m.quarter_distribution(np.array([m.NEVER, m.NEVER, 2]), 4).median == m.NEVER


def test_ruined_in_quarter_9_counts_from_9_on() -> None:
    ruined = np.zeros((4, 16))
    ruined[0, 9] = 1.0  # ruin flagged once; it is absorbing
    ruined[1, 12:] = 1.0
    by = m.ruined_by_quarter(ruined)
    assert by[0, :9].sum() == 0
    assert by[0, 9:].tolist() == [1.0] * 7
    p = m.p_ruin_by_quarter(ruined)
    assert p.value[8] == 0.0
    assert p.value[9] == pytest.approx(0.25)
    assert p.value[15] == pytest.approx(0.5)
    assert p.se[15] == pytest.approx(np.sqrt(0.25 / 4))


def test_burn_and_peak_funding() -> None:
    flows = np.array([[-10.0, -5.0, 8.0, 20.0], [5.0, -3.0, -4.0, 1.0]])
    burn = m.cumulative_burn(flows)
    assert burn[0].tolist() == [10.0, 15.0, 7.0, 0.0]
    assert burn[1].tolist() == [0.0, 0.0, 2.0, 1.0]
    assert m.peak_funding_need(flows).tolist() == [15.0, 2.0]
    assert m.peak_funding_need(flows, initial_cash_usd=np.array([5.0, 10.0])).tolist() == [10.0, 0.0]


def test_npv_discounts_quarter_t_by_t_over_4_years() -> None:
    flows = np.zeros((2, 9))
    flows[:, 8] = 121.0  # two years out
    got = m.npv(flows, np.array([0.1, 0.0]))
    assert got.tolist() == pytest.approx([100.0, 121.0])


def test_irr_known_and_undefined_cases() -> None:
    h = 9
    flows = np.zeros((4, h))
    flows[0, 0], flows[0, 8] = -100.0, 121.0  # 10% a year
    flows[1, :] = 1.0  # all positive: no sign change
    flows[2, 0], flows[2, 4], flows[2, 8] = -100.0, 230.0, -132.0  # two roots (10% and 20%)
    flows[3, 0], flows[3, 8] = -100.0, 1e-30  # sign change, root beyond the range searched
    res = m.irr(flows)
    assert res.irr_per_year[0] == pytest.approx(0.10, abs=1e-9)
    assert res.status.tolist() == [m.IRR_DEFINED, m.IRR_NO_SIGN_CHANGE, m.IRR_SEVERAL_ROOTS, m.IRR_NO_ROOT]
    assert np.isnan(res.irr_per_year[1:]).all()
    shares = res.status_shares()
    assert shares["defined"].value == pytest.approx(0.25)
    summary = m.summarize_defined(res.irr_per_year)
    assert summary.p_undefined.value == pytest.approx(0.75)


def test_cost_per_unit_served_is_undefined_when_nothing_served() -> None:
    cost = np.array([[10.0, 10.0], [5.0, 5.0]])
    served = np.array([[2.0, 3.0], [0.0, 0.0]])
    got = m.cost_per_unit_served(cost, served)
    assert got[0] == pytest.approx(4.0)
    assert np.isnan(got[1])


def test_share_at_horizon() -> None:
    served = np.zeros((2, 2, 3))  # (sample, lab, quarter)
    served[0, :, 2] = [1.0, 3.0]
    got = m.share_at_horizon(served)
    assert got[0].tolist() == [0.25, 0.75]
    assert np.isnan(got[1]).all()
    swapped = np.moveaxis(served, 1, 2)  # (sample, quarter, lab)
    assert m.share_at_horizon(swapped, lab_axis=2, quarter_axis=1)[0].tolist() == [0.25, 0.75]


def test_partner_deal_return() -> None:
    res = m.partner_deal_return(
        np.array([50.0, 0.0]), np.array([[10.0, 10.0], [1.0, 1.0]]), np.array([[40.0, 0.0], [0.0, 0.0]])
    )
    assert res.net_usd.tolist() == [30.0, 2.0]
    assert res.multiple[0] == pytest.approx(70.0 / 40.0)
    assert np.isnan(res.multiple[1])


def test_estimates_carry_standard_errors() -> None:
    x = np.arange(10.0)
    est = m.mean_estimate(x)
    assert est.value == pytest.approx(4.5)
    assert est.se == pytest.approx(np.std(x, ddof=1) / np.sqrt(10))


def test_bad_shapes_are_clear_errors() -> None:
    with pytest.raises(OptionError, match="sample, quarter"):
        m.first_profitable_quarter(np.ones(5))
    with pytest.raises(OptionError, match="rate_per_year"):
        m.npv(np.ones((2, 3)), -1.5)
