"""The HTML report in a real headless Chromium: loads offline, no console error, every chart drawn."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import labecon
from labecon.report.build import save_json

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("plotly")
    run = tmp_path_factory.mktemp("report")
    labecon.simulate("b1", 2000, 3).write(run)
    comp = labecon.compare("b1", strategies=["rent", "build"], n_samples=2000, seed=3)
    save_json(run / "comparison.json", comp.to_dict(sample_rows=2000))
    save_json(run / "sensitivity-oat.json", labecon.sensitivity("b1", "saving", method="oat").to_dict())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", labecon.SensitivityWarning)
        sobol = labecon.sensitivity(
            "b1", "saving", method="sobol", inputs=["g", "p0", "d"], n_samples=256, seed=3
        )
    save_json(run / "sensitivity-sobol.json", sobol.to_dict())
    opt = labecon.optimize(
        "b1",
        {"strategies.build.headroom_frac": (0.0, 0.5)},
        "mean(pv_build)",
        ["p_positive(saving) <= 0.5"],
        goal="min",
        n_trials=6,
        n_samples=300,
        seed=3,
    )
    save_json(run / "optimization.json", opt.to_dict())
    return labecon.write_report(run)


def test_report_loads_with_every_chart_rendered(report: Path, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    errors: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(report.as_uri())
            page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 0")
            cards = page.locator(".card")
            n = cards.count()
            assert n >= 12
            for i in range(n):
                card = cards.nth(i)
                chart_id = card.get_attribute("data-chart")
                assert card.locator(".main-svg").count() >= 1, chart_id
                # Drawn data, not an empty frame: traces of some kind are present.
                drawn = card.locator("g.trace, g.barlayer path, g.scatterlayer path").count()
                assert drawn > 0, chart_id
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert all(u.startswith(("file:", "data:", "about:")) for u in requests), "the report must open offline"
    assert (tmp_path / "report.png").stat().st_size > 10_000
