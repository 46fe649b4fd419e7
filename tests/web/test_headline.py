"""The headline: route figures lead when a run has them; else the NPV leader; else the cheaper strategy."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

import labecon
from labecon.web.headline import headline
from labecon.web.settings import WebSettings


@pytest.fixture(scope="module")
def world() -> tuple[labecon.Results, labecon.Scenario]:
    sc = labecon.load_scenario("two-strategies")
    return labecon.simulate(sc, 400, 1), sc


def test_world_run_leads_with_the_lab_most_often_ahead(world: tuple[Any, Any]) -> None:
    results, sc = world
    found = headline(results, sc)
    p = list(results.summary()["is_npv_leader"]["mean"])
    winner = ["lab_own", "lab_partner"][p.index(max(p))]
    assert found["winner"] == winner
    assert found["p"] == max(p)
    assert found["basis"] == "is_npv_leader"
    assert found["text"].startswith(f"{winner} has the highest NPV")
    assert [line.split(":")[0] for line in found["details"]] == ["lab_own", "lab_partner"]


def test_route_figures_lead_when_present(world: tuple[Any, Any]) -> None:
    results, sc = world
    routes = {
        "lab_own": {"own": {"p_best": 0.2, "p_best_se": 0.01}, "partner": {"p_best": 0.7, "p_best_se": 0.02}},
        "lab_partner": {"own": SimpleNamespace(p_best=0.55, p_best_se=0.03), "rent": {"p_best": 0.45}},
    }
    with_routes = SimpleNamespace(routes=routes, summaries=results.summaries, dataset=results.dataset)
    found = headline(with_routes, sc)  # type: ignore[arg-type]
    assert found["basis"] == "routes"
    assert found["winner"] == "lab_own: partner"
    assert found["p"] == 0.7
    assert "for lab_partner, own is the best route in 55.0% ± 3.0%" in found["text"]
    assert found["details"]  # the per-lab lines stay


def test_compute_run_names_the_cheaper_strategy() -> None:
    sc = labecon.load_scenario("b1")
    results = labecon.simulate(sc, 2000, 1)
    found = headline(results, sc)
    p_build_cheaper = results.summary()["saving"]["p_positive"]
    expected = "build" if p_build_cheaper >= 0.5 else "rent"
    assert found["winner"] == expected
    assert found["p"] == pytest.approx(max(p_build_cheaper, 1 - p_build_cheaper))
    assert found["text"].startswith(f"{expected} costs less than")


def test_settings_from_environment_name_the_bad_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABECON_WEB_MAX_JOBS", "3")
    assert WebSettings.from_env().max_jobs == 3
    monkeypatch.setenv("LABECON_WEB_MAX_JOBS", "many")
    with pytest.raises(labecon.OptionError, match="LABECON_WEB_MAX_JOBS"):
        WebSettings.from_env()
    with pytest.raises(labecon.OptionError, match="max_samples"):
        WebSettings(max_samples=0)
