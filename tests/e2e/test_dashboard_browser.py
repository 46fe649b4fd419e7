"""The dashboard in a real headless Chromium: a control moves the answer, a link reopens the state,
a full run reaches 100%, nothing is fetched from outside the server, no console error."""

from __future__ import annotations

import csv
import itertools
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import pytest
import yaml

import labecon
from labecon.amounts import input_amount, money

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install '.[web]'")

from labecon.web.server import BackgroundServer
from labecon.web.settings import WebSettings

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
SLIDER = 'input[aria-label="labs.lab_own.strategy.own_frac"]'


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundServer]:
    store = tmp_path_factory.mktemp("store")
    # A full run is a job of two blocks (16,384 samples, then the rest): its bar moves before it ends.
    settings = WebSettings(
        store=store, preview_samples=2_000, full_run_samples=20_000, immediate_max_samples=5_000
    )
    with BackgroundServer(settings) as running:
        yield running


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _watch(page: Any, errors: list[str], requests: list[str]) -> None:
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))


def _renders(page: Any) -> int:
    return int(page.evaluate("Number(document.body.dataset.renders || 0)"))


def _opened(browser: Any, url: str, errors: list[str], *, downloads: bool = False) -> Any:
    """Return a new page at ``url`` once it has drawn, its console errors going to ``errors``."""
    page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=downloads)
    _watch(page, errors, [])
    page.goto(url)
    _wait_render(page, 0)
    return page


def _wait_render(page: Any, after: int, timeout_s: float = 60) -> None:
    """Wait for a render after the ``after``-th, with every chart drawn (those out of view come last)."""
    state = "document.body.dataset"
    done = f"Number({state}.renders || 0) > {after} && {state}.chartsDrawn === 'true'"
    page.wait_for_function(done, timeout=timeout_s * 1000)


def _revenue_median(page: Any) -> list[float]:
    return list(page.evaluate("document.getElementById('chart-revenue_usd_by_year').data[2].y"))


def test_control_moves_the_answer_and_the_link_reopens_it(server: BackgroundServer, browser: Any) -> None:
    errors: list[str] = []
    requests: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    _watch(page, errors, requests)
    page.goto(f"{server.url}/?scenario=two-strategies&seed=4")
    _wait_render(page, 0)
    assert page.locator(".js-plotly-plot .main-svg").count() >= 5
    p_before = page.get_attribute("#headline-text", "data-p")
    revenue_before = _revenue_median(page)

    n = _renders(page)
    page.locator(SLIDER).fill("0.05")  # sets the value and fires input and change, as a drag does
    page.locator(SLIDER).dispatch_event("change")
    _wait_render(page, n)
    assert page.get_attribute("#headline-text", "data-p") != p_before
    assert _revenue_median(page) != revenue_before
    url = page.url
    assert "set.labs.lab_own.strategy.own_frac=0.05" in url
    page.click("details.menu summary")
    with page.expect_download() as info:
        page.click("#dl-yaml")
    changed = labecon.load_scenario(yaml.safe_load(Path(info.value.path()).read_text(encoding="utf-8")))
    assert changed.labs["lab_own"].strategy.own_frac == 0.05  # type: ignore[index]
    assert page.get_attribute("details.menu", "open") is None  # the menu closes once a download is chosen
    page.click("details.menu summary")
    page.click("#headline-text")  # a click elsewhere closes it too
    assert page.get_attribute("details.menu", "open") is None
    headline = page.inner_text("#headline-text")

    other = browser.new_page(viewport={"width": 1400, "height": 900})
    _watch(other, errors, requests)
    other.goto(url)
    _wait_render(other, 0)
    assert other.inner_text("#headline-text") == headline
    assert other.input_value(SLIDER) == "0.05"
    assert other.input_value("#seed") == "4"
    assert _revenue_median(other) == _revenue_median(page)
    assert errors == []
    local = (server.url, "data:", "blob:", "about:")
    assert all(u.startswith(local) for u in requests), "no request leaves the server"


def test_charts_in_view_come_first_and_every_chart_shows_the_latest_view(
    server: BackgroundServer, browser: Any
) -> None:
    errors: list[str] = []
    page = _opened(browser, f"{server.url}/?scenario=two-strategies&seed=6", errors)
    # A render draws the charts in view and leaves the rest for the tasks that follow; a
    # newer drawing (here, showing one lab at once) takes over what the first left to draw.
    pending = page.evaluate(
        """async (selector) => {
            const slider = document.querySelector(selector);
            const before = Number(document.body.dataset.renders);
            slider.value = "0.3";
            slider.dispatchEvent(new Event("change"));
            while (Number(document.body.dataset.renders) === before) {
                await new Promise((resolve) => setTimeout(resolve, 1));
            }
            const pending = document.body.dataset.chartsDrawn;
            const filter = document.getElementById("lab-filter");
            filter.value = "lab_own";
            filter.dispatchEvent(new Event("change"));
            return pending;
        }""",
        SLIDER,
    )
    assert pending == "false"
    page.wait_for_function("document.body.dataset.chartsDrawn === 'true' && location.search.includes('lab=')")
    other = _opened(browser, page.url, errors)
    charts = "Array.from(document.querySelectorAll('#charts > div'), (d) => [d.id, JSON.stringify(d.data)])"
    drawn = page.evaluate(charts)
    assert len(drawn) >= 8
    assert drawn == other.evaluate(charts)
    assert errors == []


@pytest.mark.parametrize("width", [1400, 1000])
def test_every_chart_stays_inside_its_card(server: BackgroundServer, browser: Any, width: int) -> None:
    errors: list[str] = []
    page = browser.new_page(viewport={"width": width, "height": 900})
    _watch(page, errors, [])
    page.goto(f"{server.url}/?scenario=two-strategies&seed=1")
    _wait_render(page, 0)
    sticking_out = page.evaluate(
        """Array.from(document.querySelectorAll('#charts > div'), (div) => {
            const card = div.getBoundingClientRect();
            const plot = div.querySelector('.main-svg').getBoundingClientRect();
            return [div.id, Math.max(plot.right - card.right, plot.bottom - card.bottom)];
        }).filter(([, by]) => by > 0)"""
    )
    assert sticking_out == []
    # However many rows a chart's legend takes (eight deals, each named in full), its plot keeps its
    # height: the chart grows instead.
    plots = page.evaluate(
        "Array.from(document.querySelectorAll('#charts > div'), (div) => [div.id, div._fullLayout._size.h])"
    )
    assert plots
    assert min(h for _, h in plots) >= 180, plots
    assert errors == []


def test_each_route_is_said_in_words_under_the_headline(server: BackgroundServer, browser: Any) -> None:
    errors: list[str] = []
    page = _opened(browser, f"{server.url}/?scenario=two-strategies&seed=1", errors)
    assert not page.is_visible("#route-words-body")  # folded until asked for
    page.click("#route-words > summary")
    titles = page.evaluate("Array.from(document.querySelectorAll('#route-words h3'), (h) => h.textContent)")
    assert titles == [
        "Route choice for OpenAI-like lab (declared route: own)",
        "Route choice for Anthropic-like lab (declared route: hybrid)",
    ]
    words = page.inner_text("#route-words-body")
    assert "lease beats own in " in words
    assert "of the fifth of futures where that is highest" in words
    # Unfolded, it is in the link: a copied link opens it unfolded.
    page.wait_for_function("location.search.includes('check=words')")
    again = _opened(browser, page.url, errors)
    assert again.is_visible("#route-words-body")
    assert again.inner_text("#route-words-body") == words
    # A scenario without routes says nothing of them.
    page.select_option("#scenario", "b1")
    page.wait_for_function(
        "!location.search.includes('two-strategies') && document.body.dataset.renders >= '2'"
    )
    assert page.is_hidden("#route-words")
    assert errors == []


def test_a_seed_this_page_cannot_hold_exactly_is_refused(server: BackgroundServer, browser: Any) -> None:
    # 2^53 + 1 would silently run as 2^53 in a browser: the field and a link's seed are refused, by name.
    errors: list[str] = []
    page = _opened(browser, f"{server.url}/?scenario=b1&seed=9007199254740993", errors)
    rule = "seed: must be a whole number from 0 to 9,007,199,254,740,991"
    assert page.inner_text("#error").startswith(rule)
    assert "seed=9007199254740993" not in page.url  # the page ran its own seed, and says which
    page.fill("#seed", "12345678901234567890")
    page.locator("#seed").dispatch_event("change")
    page.wait_for_function("document.getElementById('error').textContent.includes('2^63 - 1')")
    assert page.input_value("#seed") == "12345678901234567890"  # what was typed stays, to be corrected
    assert errors == []


def test_the_charts_download_as_one_png_each(server: BackgroundServer, browser: Any) -> None:
    errors: list[str] = []
    page = _opened(browser, f"{server.url}/?scenario=two-strategies&seed=7", errors, downloads=True)
    charts = page.evaluate("Array.from(document.querySelectorAll('#charts > div'), (d) => d.id)")
    downloads: list[Any] = []
    page.on("download", lambda download: downloads.append(download))
    page.click("details.menu summary")
    page.click("#dl-png")
    deadline = time.monotonic() + 60
    while len(downloads) < len(charts) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    shown = {f"two-strategies-{c.removeprefix('chart-')}.png" for c in charts}
    assert sorted(d.suggested_filename for d in downloads) == sorted(shown)
    assert all(Path(d.path()).read_bytes().startswith(b"\x89PNG") for d in downloads)
    # With what moves the route answer shown, its tornados come too.
    page.click("#check-drivers")
    page.wait_for_function("document.querySelectorAll('#drivers .driver-chart.js-plotly-plot').length === 2")
    downloads.clear()
    page.click("details.menu summary")
    page.click("#dl-png")
    deadline = time.monotonic() + 60
    while len(downloads) < len(charts) + 2 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    tornados = {d.suggested_filename for d in downloads} - shown
    assert tornados == {"two-strategies-drivers-lab_own.png", "two-strategies-drivers-lab_partner.png"}
    assert errors == []


def test_a_change_previews_at_once_and_a_burst_as_one(server: BackgroundServer, browser: Any) -> None:
    errors: list[str] = []
    page = _opened(browser, f"{server.url}/?scenario=two-strategies&seed=5", errors)
    bodies: list[dict[str, Any]] = []
    page.on("request", lambda r: bodies.append(r.post_data_json) if r.url.endswith("/api/runs") else None)
    # One change: its preview starts at the next turn of the event loop, not after a wait.
    n = _renders(page)
    started = page.evaluate(
        """async (selector) => {
            const slider = document.querySelector(selector);
            slider.value = "0.05";
            slider.dispatchEvent(new Event("change"));
            await new Promise((resolve) => setTimeout(resolve, 0));
            return !document.getElementById("busy").hidden;
        }""",
        SLIDER,
    )
    assert started
    _wait_render(page, n)
    # A key held on a slider: changes come before the previous one's preview has gone.
    bodies.clear()
    n = _renders(page)
    page.evaluate(
        """(selector) => {
            const slider = document.querySelector(selector);
            for (const value of ["0.10", "0.15", "0.20", "0.25"]) {
                slider.value = value;
                slider.dispatchEvent(new Event("change"));
            }
        }""",
        SLIDER,
    )
    _wait_render(page, n)
    page.wait_for_timeout(200)  # a second preview, were one coming, would have been sent by now
    assert [b["overrides"] for b in bodies] == [{"labs.lab_own.strategy.own_frac": 0.25}]
    assert "set.labs.lab_own.strategy.own_frac=0.25" in page.url
    assert errors == []


def test_an_assumption_switched_from_its_list_moves_the_answer(
    server: BackgroundServer, browser: Any
) -> None:
    # Compute priced at signing, not at delivery: the route answer moves, and the link keeps it.
    errors: list[str] = []
    page = _opened(browser, f"{server.url}/?scenario=two-strategies&seed=3", errors)
    choice = 'select[aria-label="finance.compute_priced_at"]'
    assert page.input_value(choice) == '"delivery"'
    headline = page.inner_text("#headline-text")
    n = _renders(page)
    page.select_option(choice, label="at signing")
    _wait_render(page, n)
    assert page.inner_text("#headline-text") != headline
    assert "set.finance.compute_priced_at=%22signing%22" in page.url
    other = _opened(browser, page.url, errors)
    assert other.input_value(choice) == '"signing"'
    assert other.inner_text("#headline-text") == page.inner_text("#headline-text")
    # A choice among numbers: chips for free space ordered a quarter ahead.
    ahead = 'select[aria-label="finance.chip_lead_quarters"]'
    headline, n = other.inner_text("#headline-text"), _renders(other)
    other.select_option(ahead, label="1 quarter ahead")
    _wait_render(other, n)
    assert other.inner_text("#headline-text") != headline
    assert "set.finance.chip_lead_quarters=1" in other.url
    assert errors == []


def test_builders_limit_on_leases_is_among_the_assumptions_and_moves_the_answer(
    server: BackgroundServer, browser: Any
) -> None:
    # It decides the partner-route lab's answer: shown with the model's choices, not under "More parameters".
    errors: list[str] = []
    page = _opened(browser, f"{server.url}/?scenario=two-strategies&seed=3", errors)
    box = page.locator('#control-groups > .control[data-path="labs.lab_partner.lease.capacity_limit_mw"]')
    assert box.is_visible()
    field = box.locator('input[type="number"]')
    assert field.input_value() == "2295"
    p_before = page.inner_text("#headline-text")
    n = _renders(page)
    field.fill("1000000")  # builders lease whatever it asks for
    field.dispatch_event("change")
    _wait_render(page, n)
    assert "set.labs.lab_partner.lease.capacity_limit_mw=1000000" in page.url
    assert page.inner_text("#headline-text") != p_before
    assert "for Anthropic-like lab, lease is the best route" in page.inner_text("#headline-text")
    assert errors == []


def test_the_route_answer_is_checked_against_the_models_conventions(
    server: BackgroundServer, browser: Any
) -> None:
    errors: list[str] = []
    page = _opened(browser, f"{server.url}/?scenario=route-choice&seed=2", errors, downloads=True)
    page.click("#check-conventions")
    page.wait_for_selector("#conventions table", timeout=120_000)
    rows = page.locator("#conventions tr")
    assert rows.count() == 10  # the heading, as declared and eight variants
    table = _downloaded_table(page, "#conventions .table-download")  # as conventions.csv has it
    assert len(table) == 9 * 4  # a row per variant and route
    assert list(table[0])[:6] == ["variant", "overrides", "lab", "lab_name", "route", "p_best"]
    assert (table[0]["variant"], table[0]["lab_name"]) == ("as declared", "Frontier lab")
    text = page.inner_text("#conventions")
    assert "as declared" in text
    assert "compute priced at signing" in text
    assert "owned halls refilled whatever the plan" in text
    assert "leased halls refilled whatever the plan" in text
    assert "Frontier lab" in text  # the lab by its name for readers
    assert "frontier_lab" not in text
    # The link keeps it: a copied address reopens the page with the check shown.
    assert "check=conventions" in page.url
    again = _opened(browser, page.url, errors)
    again.wait_for_selector("#conventions table", timeout=120_000)
    assert again.inner_text("#conventions") == text
    _assert_a_change_takes_the_check_away(page, browser, server, "conventions", errors)


def test_the_conventions_check_follows_the_lab_shown(server: BackgroundServer, browser: Any) -> None:
    errors: list[str] = []
    page = _opened(browser, f"{server.url}/?scenario=two-strategies&seed=2", errors)
    page.click("#check-conventions")
    page.wait_for_selector("#conventions table", timeout=120_000)
    heads = "[...document.querySelectorAll('#conventions th')].map((th) => th.textContent)"
    assert page.evaluate(heads) == ["variant", "OpenAI-like lab", "Anthropic-like lab"]
    page.select_option("#lab-filter", "lab_partner")  # redrawn, not asked again
    assert page.evaluate(heads) == ["variant", "Anthropic-like lab"]
    assert "Anthropic-like lab" in page.locator("#conventions p.hint").last.inner_text()
    assert "OpenAI-like lab" not in page.inner_text("#conventions")
    assert errors == []


def test_each_deal_s_worth_to_both_sides_is_shown_and_kept_in_the_link(
    server: BackgroundServer, browser: Any
) -> None:
    errors: list[str] = []
    page = _opened(browser, f"{server.url}/?scenario=two-strategies&seed=2", errors, downloads=True)
    page.click("#check-deals")
    page.wait_for_selector("#deals table", timeout=120_000)
    # The server's preview size (2,000 here) on the same seed: labecon.deal_values' answer.
    expected = labecon.deal_values("two-strategies", n_samples=2_000, seed=2)
    assert page.inner_text("#deals .deals-summary") == expected.headline()
    rows = page.locator("#deals tr")
    assert rows.count() == 1 + len(expected.deals)
    first = rows.nth(1).locator("td")
    deal = expected.deals[0]
    assert first.nth(0).inner_text() == expected.names.deal(deal.deal)  # by the names readers know
    p50, p5, p95 = (money(deal.lab_gain[k]) for k in ("p50", "p5", "p95"))
    assert first.nth(1).inner_text() == f"{p50} ({p5} to {p95})"  # as the CLI writes dollars
    both = first.nth(5).inner_text()  # to a tenth of a point (a tie may round up where the CLI rounds even)
    assert both.endswith("%")
    assert abs(float(both[:-1]) - 100 * deal.both_gain[0]) <= 0.05 + 1e-9
    marked = page.locator("#deals td.mutual").count()
    assert marked == sum(d.both_gain[0] > 0.5 for d in expected.deals)
    # Its table downloads as the command line's deals.csv has it: a row per deal and party.
    table = _downloaded_table(page, "#deals .table-download")
    assert table == [{k: _csv_cell(v) for k, v in row.items()} for row in expected.rows()]
    # Showing one lab shows its deals, without asking again.
    page.select_option("#lab-filter", "lab_own")
    own = [d for d in expected.deals if d.lab == "lab_own"]
    assert page.locator("#deals tr").count() == 1 + len(own)
    said = page.inner_text("#deals .deals-summary")
    assert said == f"{expected.headline()} The table shows the OpenAI-like lab's {len(own)}."
    page.select_option("#lab-filter", "all")
    assert "check=deals" in page.url
    again = _opened(browser, page.url, errors)
    again.wait_for_selector("#deals table", timeout=120_000)
    assert again.inner_text("#deals") == page.inner_text("#deals")
    _assert_a_change_takes_the_check_away(page, browser, server, "deals", errors)


def _downloaded_table(page: Any, button: str) -> list[dict[str, str]]:
    """Click a check's "Download the table (CSV)" and return the rows of the file it saves."""
    with page.expect_download() as download:
        page.click(button)
    with Path(download.value.path()).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _csv_cell(value: Any) -> str:
    """Return a cell as the dashboard's CSV writes it (JavaScript's String of a JSON value)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))  # JavaScript writes 2.0 as 2
    return "" if value is None else str(value)


def _driver_titles(page: Any) -> list[str]:
    charts = "[...document.querySelectorAll('#drivers .driver-chart')]"
    return list(page.evaluate(f"{charts}.map((d) => d.layout.title.text)"))


def test_what_moves_the_route_answer_is_shown_per_lab_and_kept_in_the_link(
    server: BackgroundServer, browser: Any
) -> None:
    errors: list[str] = []
    page = _opened(browser, f"{server.url}/?scenario=two-strategies&seed=2", errors, downloads=True)
    page.click("#check-drivers")
    page.wait_for_function("document.querySelectorAll('#drivers .driver-chart.js-plotly-plot').length === 2")
    # A tornado per lab, by the names readers know; the inputs in words, the largest swing on top.
    expected = labecon.route_drivers("two-strategies", seed=2)
    first = max(("lab_partner:" + r for r in ("partner", "own", "lease")), key=lambda r: expected.base[r])
    own_first = max(("lab_own:" + r for r in ("commit", "lease")), key=lambda r: expected.base[r])
    titles = _driver_titles(page)
    assert titles[0] == f"OpenAI-like lab: what moves the gain of {own_first.split(':')[1]} over own"
    assert titles[1] == f"Anthropic-like lab: what moves the gain of {first.split(':')[1]} over hybrid"
    ends = zip(expected.inputs, expected.high[first], expected.low[first], strict=True)
    swing = {n: abs(h - lo) for n, h, lo in ends}
    labels = page.evaluate("document.querySelectorAll('#drivers .driver-chart')[1].data[0].y")
    assert labels[-1] == expected.descriptions[max(swing, key=swing.__getitem__)]  # on top
    bars = page.evaluate("document.querySelectorAll('#drivers .driver-chart')[1].data[1].x")
    high = dict(zip(expected.inputs, expected.high[first], strict=True))
    by_words = {expected.descriptions[n]: n for n in expected.inputs}
    want = [(high[by_words[label]] - expected.base[first]) / 1e9 for label in labels]
    assert bars == pytest.approx(want, rel=1e-12)
    # Hovered, a gain reads as the CLI writes it, the sign before the dollar ("-$32B").
    hover = page.evaluate("document.querySelectorAll('#drivers .driver-chart')[1].data[1].customdata")
    for label, (_, _, said) in zip(labels, hover, strict=True):
        assert said.startswith("-$" if high[by_words[label]] < 0 else "$"), said
    # An input's value too: dollars where its units are ("$25M per MW", not "2.50e+7 USD per MW").
    at = {name: value for name, value, _ in hover}
    for i, name in enumerate(expected.inputs):
        units = expected.units.get(name, "")
        words = units[3:].strip() if units.startswith("USD") else units
        moving = expected.moved_with.get(name)  # said after the value: d_price with e_serving, and back
        with_it = f", {', '.join(expected.descriptions[n] for n in moving)} moving with it" if moving else ""
        assert (
            at[name] == " ".join(filter(None, [input_amount(expected.input_high[i], units), words])) + with_it
        )
    assert expected.moved_with  # two-strategies correlates two inputs: the hover says so
    table = _downloaded_table(page, "#drivers .table-download")  # as drivers.csv has it
    assert len(table) == len(expected.rows())
    assert table[0]["route"] in ("commit", "lease")
    assert {float(r["gain_high_usd"]) for r in table} == {float(r["gain_high_usd"]) for r in expected.rows()}
    note = page.locator("#drivers .hint").inner_text()
    assert (
        "Inputs the scenario correlates moved together, each to its median given the one swept: decline"
        in note
    )
    # Another alternative is a pick away; showing one lab shows its tornado alone.
    page.select_option('select[aria-label="Anthropic-like lab: alternative route"]', "lab_partner:lease")
    assert _driver_titles(page)[1] == "Anthropic-like lab: what moves the gain of lease over hybrid"
    page.select_option("#lab-filter", "lab_own")
    assert _driver_titles(page) == [
        f"OpenAI-like lab: what moves the gain of {own_first.split(':')[1]} over own"
    ]
    # The link keeps it; a change makes it stale, and the link no longer asks for it.
    assert "check=drivers" in page.url
    again = _opened(browser, page.url, errors)
    again.wait_for_function("document.querySelectorAll('#drivers .driver-chart.js-plotly-plot').length === 1")
    _assert_a_change_takes_the_check_away(page, browser, server, "drivers", errors)
    # A lab that names only its declared route has no gain to move: not offered (the API says 422).
    only = "set.labs.frontier_lab.routes=" + quote(json.dumps({"hybrid": {}}))
    declared = _opened(browser, f"{server.url}/?scenario=route-choice&{only}&check=drivers", errors)
    assert declared.locator("#check-conventions").is_visible()
    assert declared.locator("#check-drivers").is_hidden()
    # A link that asks for it anyway: its check is dropped, not answered with an error.
    assert declared.locator("#error").is_hidden()
    assert "check=drivers" not in declared.url
    assert errors == []


def test_where_an_input_turns_the_answer_is_asked_from_its_bar_and_kept_in_the_link(
    server: BackgroundServer, browser: Any
) -> None:
    errors: list[str] = []
    page = _opened(browser, f"{server.url}/?scenario=route-choice&seed=2", errors, downloads=True)
    page.click("#check-drivers")
    page.wait_for_function("document.querySelectorAll('#drivers .driver-chart.js-plotly-plot').length === 1")
    # A click on the top bar (the input with the largest swing) asks where it turns the answer.
    box = page.locator("#drivers-frontier_lab .bars .point path").last.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#breakeven-frontier_lab .breakeven-chart.js-plotly-plot")
    asked = parse_qs(urlparse(page.url).query)["breakeven"][0]
    route, name = asked.split("|")
    top = page.evaluate("document.getElementById('drivers-frontier_lab').data[0].customdata.at(-1)[0]")
    assert name == top
    # The server runs 5,000 samples at once here: 500 futures for nine values and the input as drawn.
    expected = labecon.breakeven("route-choice", route, name, points=9, futures=500, seed=2)
    said = page.locator("#breakeven-frontier_lab .breakeven-summary").inner_text()
    assert said == expected.summary()
    line = page.evaluate("document.querySelector('#breakeven-frontier_lab .breakeven-chart').data[1].y")
    assert line == pytest.approx([g / 1e9 for g in expected.mean_gain_usd], rel=1e-12)
    table = _downloaded_table(page, "#breakeven-frontier_lab .table-download")  # as breakeven.csv has it
    assert table == [{k: _csv_cell(v) for k, v in row.items()} for row in expected.rows()]
    # The link reopens it; a change to the scenario takes it away with its tornado.
    again = _opened(browser, page.url, errors)
    again.wait_for_selector("#breakeven-frontier_lab .breakeven-summary")
    assert again.locator("#breakeven-frontier_lab .breakeven-summary").inner_text() == said
    # A second input maps the break-even across five of its values, on the same futures: 5,000 at
    # once here, so 108 futures for 9 x 5 pairs and the inputs as drawn.
    second = next(n for n in ("capex_dc", "k_dc", "r_disc") if n != name)
    again.select_option("#breakeven-frontier_lab .breakeven-by select", second)
    lines = "document.querySelector('#breakeven-frontier_lab .breakeven-chart').data.length === 5"
    again.wait_for_function(
        f"document.querySelector('#breakeven-frontier_lab .breakeven-chart')?.data && {lines}"
    )
    mapped = labecon.breakeven_map(
        "route-choice", route, name, by=second, points=9, by_points=5, futures=108, seed=2
    )
    assert again.locator("#breakeven-frontier_lab .breakeven-summary").inner_text() == mapped.summary()
    assert parse_qs(urlparse(again.url).query)["breakeven"][0] == f"{route}|{name}|{second}"
    # Its link reopens the map, with the second input picked.
    third = _opened(browser, again.url, errors)
    third.wait_for_function(
        f"document.querySelector('#breakeven-frontier_lab .breakeven-chart')?.data && {lines}"
    )
    assert third.input_value("#breakeven-frontier_lab .breakeven-by select") == second
    assert third.locator("#breakeven-frontier_lab .breakeven-summary").inner_text() == mapped.summary()
    _assert_a_change_takes_the_check_away(again, browser, server, "drivers", errors)
    assert "breakeven=" not in again.url


def test_the_tornado_holds_correlated_inputs_apart_when_unticked_and_the_link_keeps_it(
    server: BackgroundServer, browser: Any
) -> None:
    errors: list[str] = []
    page = _opened(browser, f"{server.url}/?scenario=route-choice&seed=2", errors)
    page.click("#check-drivers")
    page.wait_for_function("document.querySelectorAll('#drivers .driver-chart.js-plotly-plot').length === 1")
    assert page.is_checked("#drivers-together")  # route-choice correlates two inputs: together by default
    page.uncheck("#drivers-together")
    page.wait_for_url("**correlated=no**")
    page.wait_for_function("document.querySelector('#drivers .hint')?.innerText.includes('set aside')")
    apart = labecon.route_drivers("route-choice", seed=2, correlated=False)
    together = labecon.route_drivers("route-choice", seed=2)
    route = page.input_value('select[aria-label="Frontier lab: alternative route"]')
    by_words = {apart.descriptions[n]: i for i, n in enumerate(apart.inputs)}
    chart = "document.getElementById('drivers-frontier_lab')"
    labels, bars = page.evaluate(f"[{chart}.data[1].y, {chart}.data[1].x]")
    want = [(apart.high[route][by_words[label]] - apart.base[route]) / 1e9 for label in labels]
    assert bars == pytest.approx(want, rel=1e-12)
    moved = [(together.high[route][by_words[label]] - together.base[route]) / 1e9 for label in labels]
    assert bars != pytest.approx(moved, rel=1e-6)  # the correlated pair's bars differ
    hover = page.evaluate(f"{chart}.data[1].customdata")
    assert not any("moving with it" in value for _, value, _ in hover)
    # The link reopens it unticked; a bar's break-even holds the partner at its draws too.
    again = _opened(browser, page.url, errors)
    again.wait_for_function("document.querySelectorAll('#drivers .driver-chart.js-plotly-plot').length === 1")
    assert not again.is_checked("#drivers-together")
    box = again.locator("#drivers-frontier_lab .bars .point path").last.bounding_box()
    again.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    again.wait_for_selector("#breakeven-frontier_lab .breakeven-summary")
    name = parse_qs(urlparse(again.url).query)["breakeven"][0].split("|")[1]
    expected = labecon.breakeven("route-choice", route, name, points=9, futures=500, seed=2, correlated=False)
    assert again.locator("#breakeven-frontier_lab .breakeven-summary").inner_text() == expected.summary()
    # Ticked again: together, and the link no longer says otherwise.
    again.check("#drivers-together")
    again.wait_for_function("document.querySelector('#drivers .hint')?.innerText.includes('moved together')")
    assert "correlated=no" not in again.url
    assert errors == []


def test_when_to_switch_routes_is_shown_and_kept_in_the_link(server: BackgroundServer, browser: Any) -> None:
    errors: list[str] = []
    page = _opened(browser, f"{server.url}/?scenario=route-choice&seed=2", errors, downloads=True)
    # Every switch the lab can make, by the names readers know.
    options = page.eval_on_selector_all("#switch-to option", "els => els.map((e) => e.textContent)")
    assert options == [f"Frontier lab: from hybrid to {r}" for r in ("own", "partner", "lease")]
    page.select_option("#switch-to", "frontier_lab:own")
    page.click("#check-switch")
    page.wait_for_selector("#switch table", timeout=120_000)
    # The same answer as the API's, at the dashboard's preview size and seed.
    expected = labecon.switch_dates("route-choice", "frontier_lab", "own", n_samples=2_000, seed=2)
    assert page.inner_text("#switch .switch-summary") == expected.summary()
    rows = page.locator("#switch tr")
    assert rows.count() == len(expected.dates) + 2  # the heading, every date, never
    bars = page.evaluate("document.getElementById('switch-chart').data[0].y")
    assert bars == pytest.approx([g / 1e9 for g in expected.mean_gain_usd], rel=1e-12)
    best_row = page.inner_text("#switch tr.best td:first-child")
    assert best_row.endswith(expected.dates[expected.best])
    table = _downloaded_table(page, "#switch .table-download")  # as switch.csv has it
    assert table == [{k: _csv_cell(v) for k, v in row.items()} for row in expected.rows()]
    # The link keeps the switch asked; reopened, it is asked again and drawn the same.
    assert "check=switch" in page.url
    assert "switch=frontier_lab%3Aown" in page.url
    again = _opened(browser, page.url, errors)
    again.wait_for_selector("#switch table", timeout=120_000)
    assert again.input_value("#switch-to") == "frontier_lab:own"
    assert again.inner_text("#switch table") == page.inner_text("#switch table")
    _assert_a_change_takes_the_check_away(page, browser, server, "switch", errors)


def _assert_a_change_takes_the_check_away(
    page: Any, browser: Any, server: BackgroundServer, check: str, errors: list[str]
) -> None:
    """A change makes a check stale: it goes until asked again, and the link no longer asks for it.

    A scenario without routes does not offer it; no page said an error to its console.
    """
    n = _renders(page)
    page.fill("#seed", "7")
    page.locator("#seed").dispatch_event("change")
    _wait_render(page, n)
    assert page.locator(f"#{check}").is_hidden()
    assert f"check={check}" not in page.url
    b1 = _opened(browser, f"{server.url}/?scenario=b1", errors)
    assert b1.locator(f"#check-{check}").is_hidden()
    assert errors == []


def _legend(page: Any, chart: str) -> list[str]:
    return list(page.evaluate(f"document.getElementById('{chart}').data.map((t) => t.name)"))


def test_showing_one_lab_keeps_its_own_routes_and_deals(server: BackgroundServer, browser: Any) -> None:
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    _watch(page, errors, [])
    page.goto(f"{server.url}/?scenario=two-strategies&seed=2")
    _wait_render(page, 0)
    # Labs, routes and deals by their names for readers; the labs' picker shows names, keeps keys.
    routes = _legend(page, "chart-hist-route_npv_usd")
    declared = {"OpenAI-like lab: own", "Anthropic-like lab: hybrid"}
    assert declared <= set(routes)
    # The declared routes gain nothing over themselves: not drawn as a spike at zero.
    assert not declared & set(_legend(page, "chart-hist-route_gain_usd"))
    # Six routes are drawn as cumulative lines (overlaid bars would hide one another), two labs'
    # NPVs as bars.
    assert _drawn_as(page, "chart-hist-route_npv_usd") == {"cumulative"}
    assert _drawn_as(page, "chart-hist-npv_fcf_usd") == {"bar"}
    picker = page.evaluate(
        "Array.from(document.getElementById('lab-filter').options, (o) => [o.value, o.text])"
    )
    assert picker == [
        ["all", "all labs"],
        ["lab_own", "OpenAI-like lab"],
        ["lab_partner", "Anthropic-like lab"],
    ]
    n = _renders(page)
    page.select_option("#lab-filter", "lab_own")
    page.wait_for_function(
        f"Number(document.body.dataset.renders || 0) > {n} || location.search.includes('lab=lab_own')"
    )
    page.wait_for_function(
        "document.getElementById('chart-hist-route_npv_usd').data"
        ".every((t) => t.name.startsWith('OpenAI-like lab:'))"
    )
    page.wait_for_function("document.body.dataset.chartsDrawn === 'true'")
    deals = _legend(page, "chart-hist-partner_deal_npv_usd")
    assert deals
    assert all(name.endswith(" with OpenAI-like lab") for name in deals)
    # Its two routes: still cumulative lines, as with every lab (a chart keeps its kind).
    assert _drawn_as(page, "chart-hist-route_npv_usd") == {"cumulative"}
    assert errors == []


def _drawn_as(page: Any, chart: str) -> set[str]:
    """Return how a distribution's series are drawn: ``bar``, or ``cumulative`` (checked to be one)."""
    traces = page.evaluate(f"document.getElementById('{chart}').data.map((t) => [t.type || '', t.y])")
    kinds = set()
    for kind, y in traces:
        if kind == "bar":
            kinds.add("bar")
            continue
        # A share of samples at or below each edge: rising, within [0, 1], all but the tails by the end.
        assert all(0.0 <= a <= b <= 1.0 for a, b in itertools.pairwise(y)), y
        assert y[-1] >= 0.9
        kinds.add("cumulative")
    return kinds


def test_a_band_that_falls_to_zero_reaches_the_log_axis_floor(server: BackgroundServer, browser: Any) -> None:
    errors: list[str] = []
    # Investors who seldom fund a lab with $5B of cash: ruined in about 17% of futures from its third year.
    sets = "set.finance.funding_base_logit=-3&set.labs.frontier_lab.cash_usd=5e9"
    page = _opened(browser, f"{server.url}/?scenario=route-choice&seed=1&{sets}", errors)
    chart = "document.getElementById('chart-revenue_usd_by_year')"
    low = page.evaluate(f"{chart}.data[1].y")
    said = page.evaluate(f"{chart}.data[1].customdata")
    floor = 10 ** page.evaluate(f"{chart}.layout.yaxis.range[0]")
    assert None not in low, "no gap in the band where its lower edge is 0 or less"
    at_floor = [i for i, text in enumerate(said) if text == "0 or less"]
    assert at_floor, "the lab is ruined in over 5% of futures in its later years"
    assert all(low[i] == pytest.approx(floor) for i in at_floor)
    # A chance's interval stops at 0 (its lower bar is its own, not the upper's mirror).
    ruin = page.evaluate("document.getElementById('chart-ruin').data[0]")
    lows = [y - minus for y, minus in zip(ruin["y"], ruin["error_y"]["arrayminus"], strict=True)]
    assert min(lows) >= 0.0
    axis = page.evaluate("document.getElementById('chart-ruin').layout.yaxis")
    highs = [y + plus for y, plus in zip(ruin["y"], ruin["error_y"]["array"], strict=True)]
    assert max(highs) <= axis["range"][1] <= 1.0  # every bar shown, the axis not stretched to 100%
    assert errors == []


def test_a_chance_of_ruin_near_zero_reads_on_an_axis_of_a_few_percent(
    server: BackgroundServer, browser: Any
) -> None:
    errors: list[str] = []
    page = _opened(browser, f"{server.url}/?scenario=route-choice&seed=4", errors)
    ruin = page.evaluate("document.getElementById('chart-ruin').data[0].y")
    assert max(ruin) < 0.002  # this lab is hardly ever ruined
    axis = page.evaluate("document.getElementById('chart-ruin').layout.yaxis")
    assert axis["range"] == [0, 0.01]  # not Plotly's 0 to 1, which read 0.000% to 100.000%
    assert axis["tickformat"] == ".3~%"  # the report's: 0.2%, 1%
    ticks = page.evaluate(
        "[...document.querySelectorAll('#chart-ruin .ytick text')].map((t) => t.textContent)"
    )
    assert "1%" in ticks
    assert not any(t.endswith("0%") and "." in t for t in ticks), ticks  # no 1.000%
    assert errors == []


def test_full_run_progress_reaches_100(server: BackgroundServer, browser: Any) -> None:
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    _watch(page, errors, [])
    page.goto(f"{server.url}/?scenario=two-strategies&seed=2")
    _wait_render(page, 0)
    n = _renders(page)
    page.click("#full-run")
    page.wait_for_selector("#job:not([hidden])")
    _wait_render(page, n, timeout_s=240)  # six world runs of 20,000 samples: minutes on a busy machine
    assert page.inner_text("#progress-text").startswith("Full run: 100% of 20,000 samples (done)")
    assert page.evaluate("document.getElementById('progress-bar').style.width") == "100%"
    assert "run=" in page.url
    assert "20,000 samples" in page.inner_text("#status")
    # Its report is a download away: one HTML page of its answers and charts.
    href = page.get_attribute("#dl-report", "href")
    assert href == f"/api/runs/{parse_qs(urlparse(page.url).query)['run'][0]}/report"
    report = page.request.get(server.url + href)
    assert report.status == 200
    assert "<title>labecon report: two-strategies</title>" in report.text()
    assert errors == []


def test_a_change_during_a_full_run_leaves_it(server: BackgroundServer, browser: Any) -> None:
    errors: list[str] = []
    page = _opened(browser, f"{server.url}/?scenario=two-strategies&seed=3", errors)
    page.click("#full-run")
    page.wait_for_function("location.search.includes('run=')")
    run_id = page.evaluate("new URLSearchParams(location.search).get('run')")
    n = _renders(page)
    page.locator(SLIDER).fill("0.3")
    page.locator(SLIDER).dispatch_event("change")
    _wait_render(page, n)
    shown = (page.inner_text("#headline-text"), page.inner_text("#status"))
    assert shown[1].startswith("preview")
    deadline = time.monotonic() + 120
    while page.request.get(f"{server.url}/api/runs/{run_id}").json()["status"] == "running":
        assert time.monotonic() < deadline, "the full run neither finished nor stopped"
        page.wait_for_timeout(200)
    page.wait_for_timeout(1000)  # past the dashboard's next look at the run
    # The figures stay those of the scenario the controls show, not the earlier full run's.
    assert (page.inner_text("#headline-text"), page.inner_text("#status")) == shown
    assert page.is_hidden("#job")
    assert page.is_enabled("#full-run")
    assert "run=" not in page.url
    assert page.request.get(f"{server.url}/api/runs/{run_id}").json()["status"] in ("interrupted", "done")
    assert errors == []


def test_bad_value_shows_the_field_not_a_crash(server: BackgroundServer, browser: Any) -> None:
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    _watch(page, errors, [])
    page.goto(f"{server.url}/?scenario=two-strategies&set.labs.lab_own.strategy.own_frac=0.9")
    page.wait_for_selector("#error:not([hidden])")
    assert "labs.lab_own.strategy" in page.inner_text("#error")
    # The server's 422 shows as a console error of the failed fetch; nothing else may.
    assert all("422" in e for e in errors), errors


def test_a_pasted_scenario_keeps_its_comments(server: BackgroundServer, browser: Any) -> None:
    errors: list[str] = []
    page = _opened(browser, f"{server.url}/?scenario=b1&seed=1", errors, downloads=True)
    text = "# my own numbers, from our 2026 plan\n" + page.input_value("#yaml-text")
    n = _renders(page)
    page.click("#yaml-panel summary")
    page.fill("#yaml-text", text)
    page.click("#yaml-apply")
    _wait_render(page, n)
    assert page.input_value("#yaml-text") == text
    page.click("details.menu summary")
    with page.expect_download() as info:
        page.click("#dl-yaml")
    assert Path(info.value.path()).read_text(encoding="utf-8") == text
    assert errors == []


def test_pasted_yaml_runs_travels_in_the_link_and_downloads(server: BackgroundServer, browser: Any) -> None:
    errors: list[str] = []
    page = _opened(browser, f"{server.url}/?scenario=b1&seed=1", errors, downloads=True)
    text = page.input_value("#yaml-text").replace("name: b1", "name: my-b1")
    n = _renders(page)
    page.click("#yaml-panel summary")
    page.fill("#yaml-text", text)
    page.click("#yaml-apply")
    _wait_render(page, n)
    assert "yaml=" in page.url
    page.click("details.menu summary")
    with page.expect_download() as info:
        page.click("#dl-csv")
    csv = Path(info.value.path()).read_text(encoding="utf-8")
    assert csv.startswith("output,description,")
    assert "saving" in csv
    said = str(labecon.simulate(labecon.load_scenario("b1"), 10).dataset["saving"].attrs["description"])
    assert said in csv  # each row says what its output is
    headline = page.inner_text("#headline-text")

    other = browser.new_page(viewport={"width": 1400, "height": 900})
    _watch(other, errors, [])
    other.goto(page.url)
    _wait_render(other, 0)
    assert other.inner_text("#headline-text") == headline
    assert "name: my-b1" in other.input_value("#yaml-text")
    assert errors == []

    # A broken scenario after a good one: the error names the field; the last results stay, said stale.
    other.click("#yaml-panel summary")
    other.fill("#yaml-text", text.replace("horizon_quarters: ", "horizon_quarters: -", 1))
    other.click("#yaml-apply")
    other.wait_for_selector("#error:not([hidden])")
    assert other.inner_text("#error").startswith("horizon_quarters:")
    assert other.evaluate("document.body.classList.contains('stale')")
    assert other.is_visible("#stale-note")
    n = _renders(other)
    other.fill("#yaml-text", text)
    other.click("#yaml-apply")
    _wait_render(other, n)
    assert not other.evaluate("document.body.classList.contains('stale')")
    assert other.is_hidden("#stale-note")
    assert all("422" in e for e in errors), errors
