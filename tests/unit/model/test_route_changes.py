"""A lab's route changed at a date (strategy.route_changes): checks, the world before and after it."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from tests.world_helpers import set_path, tiny_world

import labecon
from labecon import ScenarioError
from labecon.model import _world_fused
from labecon.scenario.routes import with_route

# Lab b rents its partner's chips (0.8 of its new capacity), then builds from quarter 4.
TO_OWN = [{"from_quarter": 4, "own_frac": 0.7, "partner_frac": 0.1}]
LEASE = {"usd_per_mw_per_year": 2.0e6, "term_quarters": 8, "lead_quarters": 2}


def _world(changes: list[dict[str, Any]] | None = TO_OWN, **paths: Any) -> dict[str, Any]:
    data = tiny_world(**paths)
    data["labs"]["b"]["strategy"]["own_chip"] = "h100"
    if changes is not None:
        data["labs"]["b"]["strategy"]["route_changes"] = copy.deepcopy(changes)
    return data


BAD = [
    # (changes, path expected in the message, words expected)
    ([{"from_quarter": 0, "own_frac": 0.5}], "route_changes[0].from_quarter", "must be >= 1, got 0"),
    (
        [{"from_quarter": 4, "own_frac": 0.5}, {"from_quarter": 4, "own_frac": 0.6}],
        "route_changes[1].from_quarter",
        "increasing",
    ),
    ([{"from_quarter": 12, "own_frac": 0.5}], "route_changes[0].from_quarter", "beyond the horizon"),
    ([{"from_quarter": 3}], "labs.b.strategy.route_changes[0]", "changes no share"),
    ([{"from_quarter": 3, "own_frac": 1.5}], "route_changes[0].own_frac", "<= 1"),
    ([{"from_quarter": 3, "own_frac": 0.5}], "labs.b.strategy.route_changes[0]", "at most 1, got 1.4"),
    ([{"from_quarter": 3, "lease_frac": 0.1, "partner_frac": 0.6}], "route_changes[0].lease_frac", "lease"),
    ([{"from_quarter": 3, "own_frac": 0.1, "until": 5}], "route_changes[0].until", "unknown field"),
    ([{"from_quarter": 3, "own_frac": "nowhere"}], "route_changes[0].own_frac", "not declared in inputs"),
]


@pytest.mark.parametrize(("changes", "where", "words"), BAD)
def test_a_bad_route_change_names_its_field(changes: list[dict[str, Any]], where: str, words: str) -> None:
    with pytest.raises(ScenarioError) as info:
        labecon.load_scenario(_world(changes))
    message = str(info.value)
    assert where in message, message
    assert words in message, message


def test_a_share_that_needs_what_the_lab_lacks_is_named_where_the_change_gives_it() -> None:
    # Lab a has no deal: partner capacity from quarter 5 needs one, named in the change that asks.
    data = _world(None)
    set_path(data, "labs.a.strategy.route_changes", [{"from_quarter": 2, "own_frac": 0.3}])
    data["labs"]["a"]["strategy"]["route_changes"].append({"from_quarter": 5, "partner_frac": 0.2})
    with pytest.raises(ScenarioError, match=r"route_changes\[1\]\.partner_frac.*needs a cloud with a deal"):
        labecon.load_scenario(data)


def _run(data: dict[str, Any], n: int = 60, **kwargs: Any) -> labecon.Results:
    return labecon.simulate(labecon.load_scenario(data), n_samples=n, seed=4, keep_paths=True, **kwargs)


def test_the_world_is_the_same_bits_before_the_change_and_moves_after_it() -> None:
    # A four-quarter data-centre lead: what it orders from the change is online within the horizon.
    lead = 4
    before = _run(_world(None, **{"finance.dc_lead_quarters": lead}))
    after = _run(_world(**{"finance.dc_lead_quarters": lead}))
    q = TO_OWN[0]["from_quarter"]
    for var in ("capacity_h100e", "income_statement_usd", "balance_sheet_usd"):
        # (sample, lab, quarter, line)
        a, b = before.dataset[var].to_numpy(), after.dataset[var].to_numpy()
        assert a[:, :, :q].tobytes() == b[:, :, :q].tobytes(), var
        assert not np.array_equal(a[:, :, q:], b[:, :, q:]), var
    owned = after.dataset["capacity_h100e"].sel(lab="b", source="owned").to_numpy()
    assert np.all(owned[:, : q + lead] == 0.0), "nothing it orders at the change is online before its lead"
    assert np.all(owned[:, -1] > 0.0), "and it owns capacity once its data centres come"
    never = before.dataset["capacity_h100e"].sel(lab="b", source="owned").to_numpy()
    assert np.all(never == 0.0)


def test_a_change_that_keeps_the_shares_changes_no_bit() -> None:
    same = [{"from_quarter": 5, "own_frac": 0.0, "partner_frac": 0.8}]
    plain, changed = _run(_world(None)), _run(_world(same))
    for var in plain.dataset.data_vars:
        assert plain.dataset[var].to_numpy().tobytes() == changed.dataset[var].to_numpy().tobytes(), var


def test_leaving_the_partner_stops_new_tranches_and_the_signed_ones_run_their_term() -> None:
    # From quarter 2 no partner share: no tranche is signed after quarter 1, and those signed
    # before run their term (the default 20 quarters, past this 12-quarter horizon): from when
    # the last of them starts (quarter 3: the deal's lead is two quarters), its partner capacity
    # never grows.
    leave = [{"from_quarter": 2, "partner_frac": 0.0, "own_frac": 0.8}]
    stay, left = _run(_world(None)), _run(_world(leave))
    partner = left.dataset["capacity_h100e"].sel(lab="b", source="partner").to_numpy()
    kept = stay.dataset["capacity_h100e"].sel(lab="b", source="partner").to_numpy()
    assert np.all(np.diff(partner[:, 3:], axis=1) <= 0.0), "nothing new is signed"
    assert np.all(partner[:, -1] > 0.0), "what was signed runs on"
    assert np.all(np.diff(kept[:, 3:], axis=1).max(axis=1) > 0.0), "staying, it keeps signing"


def test_the_compiled_and_plain_paths_agree_bit_for_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _world(
        [{"from_quarter": 3, "own_frac": 0.5, "partner_frac": 0.2}, {"from_quarter": 7, "lease_frac": 0.2}],
        **{"labs.b.lease": LEASE},
    )
    runs = []
    for compiled in (False, True):
        monkeypatch.setattr(_world_fused, "COMPILED", compiled)
        runs.append(_run(data, n=40).dataset)
    for var in runs[0].data_vars:
        assert runs[0][var].to_numpy().tobytes() == runs[1][var].to_numpy().tobytes(), var


def test_the_same_bits_however_the_samples_are_chunked() -> None:
    data = _world(**{"labs.b.lease": LEASE})
    data["labs"]["b"]["strategy"]["route_changes"].append({"from_quarter": 8, "lease_frac": 0.1})
    whole, chunked = _run(data, n=50), _run(data, n=50, chunk_size=16)
    for var in whole.dataset.data_vars:
        assert whole.dataset[var].to_numpy().tobytes() == chunked.dataset[var].to_numpy().tobytes(), var


def test_a_route_can_change_at_a_date_and_is_answered_as_any_route() -> None:
    # Lab b's routes: the partner's chips throughout (declared), or switching to its own from 2027.
    data = _world(None)
    data["labs"]["b"]["route"] = "partner"
    data["labs"]["b"]["routes"] = {"own_from_2027": {"route_changes": TO_OWN}}
    sc = labecon.load_scenario(data)
    run = labecon.simulate(sc, n_samples=80, seed=2)
    answer = run.routes["b"]
    assert set(answer) == {"partner", "own_from_2027"}
    assert abs(sum(route["p_best"]["value"] for route in answer.values()) - 1.0) < 1e-12
    switched = labecon.simulate(with_route(sc, "b", "own_from_2027"), n_samples=80, seed=2)
    gain = run.dataset["route_gain_usd"].sel(route="b:own_from_2027").to_numpy()
    npv_switched = switched.dataset["npv_fcf_usd"].sel(lab="b").to_numpy()
    npv_declared = run.dataset["npv_fcf_usd"].sel(lab="b").to_numpy()
    np.testing.assert_allclose(gain, npv_switched - npv_declared, rtol=1e-12, atol=1e-3)
    assert np.ptp(gain) > 0


def test_a_routes_changes_are_its_own_not_the_declared_strategys() -> None:
    # Declared: the partner's chips, then its own from quarter 4. Its alternative "partner" keeps
    # the partner's chips throughout: the declared strategy's change does not carry into it.
    data = _world()
    data["labs"]["b"]["route"] = "switch"
    later_change = {"from_quarter": 6, "own_frac": 0.5, "partner_frac": 0.3}
    data["labs"]["b"]["routes"] = {"partner": {}, "later": {"route_changes": [later_change]}}
    sc = labecon.load_scenario(data)
    assert with_route(sc, "b", "partner").labs["b"].strategy.route_changes is None  # type: ignore[attr-defined]
    later = with_route(sc, "b", "later").labs["b"].strategy.route_changes  # type: ignore[attr-defined]
    assert [(row.from_quarter, row.own_frac, row.lease_frac) for row in later] == [(6, 0.5, None)]


def test_a_bad_change_in_a_route_is_named_in_the_route() -> None:
    data = _world(None)
    data["labs"]["b"]["route"] = "partner"
    data["labs"]["b"]["routes"] = {"switch": {"route_changes": [{"from_quarter": 20, "own_frac": 0.5}]}}
    with pytest.raises(ScenarioError, match=r"labs\.b\.routes\.switch\.route_changes\[0\]\.from_quarter"):
        labecon.load_scenario(data)


def test_an_override_adds_a_route_and_names_a_bad_one() -> None:
    data = _world(None)
    data["labs"]["b"]["route"] = "partner"
    data["labs"]["b"]["routes"] = {"own": {"own_frac": 0.8, "partner_frac": 0.0}}
    switch = {"route_changes": [{"from_quarter": 4, "own_frac": 0.8, "partner_frac": 0.0}]}
    sc = labecon.with_overrides(data, {"labs.b.routes.own_later": switch})
    assert list(sc.labs["b"].routes) == ["own", "own_later"]  # type: ignore[attr-defined]
    assert data["labs"]["b"]["routes"] == {"own": {"own_frac": 0.8, "partner_frac": 0.0}}, "the input is kept"
    with pytest.raises(ScenarioError, match=r"labs\.b\.routes: route 'bad': 'own_share' is not a strategy"):
        labecon.with_overrides(data, {"labs.b.routes.bad": {"own_share": 0.8}})
    with pytest.raises(ScenarioError, match="no such field to override"):
        labecon.with_overrides(data, {"labs.b.paths.new": {"own_frac": 0.8}})


def test_the_answer_names_the_builders_limit_when_only_a_route_change_leases() -> None:
    from labecon.report.answers import _builders_limit

    data = _world(None, **{"labs.b.lease": {**LEASE, "capacity_limit_mw": 300.0}})
    data["labs"]["b"]["route"] = "partner"
    data["labs"]["b"]["routes"] = {"own": {"own_frac": 0.8, "partner_frac": 0.0}}
    assert _builders_limit(labecon.load_scenario(data), "b") == ""
    data["labs"]["b"]["routes"]["lease_later"] = {"route_changes": [{"from_quarter": 4, "lease_frac": 0.5}]}
    data["labs"]["b"]["routes"]["lease_later"]["route_changes"][0]["partner_frac"] = 0.3
    said = _builders_limit(labecon.load_scenario(data), "b")
    assert "at most 300 MW (labs.b.lease.capacity_limit_mw)" in said
