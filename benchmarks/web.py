"""Time the web app: preview reruns, the page's update, and many previews at once.

Run with ``python -m benchmarks.web`` (``--markdown`` for the table of
``benchmarks/RESULTS.md``). The app runs in this process on a free loopback
port, as ``labecon serve`` runs it, over a run store in a temporary directory.

- *Preview rerun*: ``two-strategies`` at 10,000 samples, a strategy parameter
  changed before each request so the answer is computed, not cached; the
  server's own time (its ``Server-Timing`` header) and the client's.
- *Page updated*: in Chromium, from a slider's change to the headline and the
  charts in view redrawn (what the page shows); then to every chart redrawn
  (those out of view are drawn in the tasks that follow).
- *Concurrent previews*: N requests sent at once, each with its own seed
  (nothing cached), then N identical ones (the cache's case); ``--concurrent 0``
  leaves them out.

``--against REV`` runs it in turns with commit REV (:mod:`benchmarks.web_turns`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

CHROMIUM = Path("/usr/bin/chromium")
HEADER = "measurement (two-strategies, 10,000 samples)"
PATH = "labs.lab_own.strategy.own_frac"


def _server_ms(response: httpx.Response) -> float:
    return float(response.headers["server-timing"].split("dur=")[1])


def preview_times(url: str, n: int = 10, n_samples: int = 10_000) -> list[tuple[float, float]]:
    """Return (server s, client s) of ``n`` preview reruns, each with a new value of a strategy parameter."""
    return _after_changes(url, "/api/runs", n, {"n_samples": n_samples})


def drivers_times(url: str, n: int = 5) -> list[tuple[float, float]]:
    """Return (server s, client s) of ``n`` answers to "what moves the route answer", each after a change."""
    return _after_changes(url, "/api/drivers", n, {})


def _after_changes(url: str, path: str, n: int, fields: dict[str, Any]) -> list[tuple[float, float]]:
    """Return (server s, client s) of ``n`` POSTs of two-strategies to ``path``, each with a new own_frac."""
    out = []
    with httpx.Client(base_url=url, timeout=120) as client:
        for i in range(n):
            body = {"scenario": "two-strategies", "seed": 1, "overrides": {PATH: round(0.30 + 0.01 * i, 2)}}
            start = time.perf_counter()
            response = client.post(path, json={**body, **fields})
            wall = time.perf_counter() - start
            response.raise_for_status()
            out.append((_server_ms(response) / 1000, wall))
    return out


def concurrent_previews(
    url: str, n: int = 50, n_samples: int = 10_000, scenario: str = "two-strategies", same: bool = False
) -> tuple[int, list[float]]:
    """Send ``n`` previews at once; return (errors, latencies in s). ``same``: identical requests."""
    barrier = threading.Barrier(n)

    def one(i: int) -> tuple[bool, float]:
        body = {"scenario": scenario, "n_samples": n_samples, "seed": 7 if same else 1000 + i}
        with httpx.Client(base_url=url, timeout=300) as client:
            barrier.wait()
            start = time.perf_counter()
            try:
                response = client.post("/api/runs", json=body)
                ok = response.status_code == 200 and "headline" in response.json()
            except httpx.HTTPError:
                ok = False
            return ok, time.perf_counter() - start

    with ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(one, range(n)))
    return sum(1 for ok, _ in results if not ok), [t for _, t in results]


def page_update_times(url: str, n: int = 8) -> list[tuple[float, float]]:
    """Return the seconds from a slider's change to the page updated, ``n`` times, in Chromium.

    Each pair: the headline and the charts in view redrawn (what the page shows), then every
    chart redrawn (those out of view are drawn in the tasks that follow).
    """
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=args)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{url}/?scenario=two-strategies&seed=1")
            page.wait_for_function("Number(document.body.dataset.renders || 0) >= 1", timeout=60_000)
            times = []
            for i in range(n):
                ms = page.evaluate(
                    """async ([path, value]) => {
                        const slider = document.querySelector(`input[aria-label="${path}"]`);
                        const before = Number(document.body.dataset.renders);
                        const t0 = performance.now();
                        slider.value = String(value);
                        slider.dispatchEvent(new Event("change"));
                        while (Number(document.body.dataset.renders) === before) {
                            if (performance.now() - t0 > 60000) throw new Error("no redraw in 60 s");
                            await new Promise((r) => setTimeout(r, 5));
                        }
                        const shown = performance.now() - t0;
                        while (document.body.dataset.chartsDrawn !== "true") {
                            await new Promise((r) => setTimeout(r, 2));
                        }
                        return [shown, performance.now() - t0];
                    }""",
                    [PATH, round(0.20 + 0.01 * i, 2)],  # own + commit stays <= 1
                )
                times.append((ms[0] / 1000, ms[1] / 1000))
        finally:
            browser.close()
    return times


def first_page_times(url: str, n: int = 3) -> list[float]:
    """Return the seconds from opening the dashboard to its answer and every chart drawn, ``n`` times.

    Each time a new page, as a first visitor opens it; the server computed its preview as it
    started (``web.app.LANDING``).
    """
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu"]
    drawn = "Number(document.body.dataset.renders || 0) >= 1 && document.body.dataset.chartsDrawn === 'true'"
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=args)
        try:
            for _ in range(n):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                start = time.perf_counter()
                page.goto(f"{url}/")
                page.wait_for_function(drawn, timeout=60_000)
                times.append(time.perf_counter() - start)
                page.close()
        finally:
            browser.close()
    return times


def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def run(n_concurrent: int = 50, browser: bool = True) -> list[list[str]]:
    """Return the table's rows: measurement, count, p50, p95, max, errors."""
    from labecon.web.server import BackgroundServer
    from labecon.web.settings import WebSettings

    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory() as store, BackgroundServer(WebSettings(store=Path(store))) as server:
        preview_times(server.url, n=3)  # warm: imports and compilation are not timed
        reruns = preview_times(server.url)
        for label, values in (
            ("preview rerun, server time", [s for s, _ in reruns]),
            ("preview rerun, client time", [c for _, c in reruns]),
        ):
            rows.append(_row(label, values, 0))
        drivers_times(server.url, n=1)  # warm, as the previews
        drivers = drivers_times(server.url)
        rows.append(
            _row(
                "what moves the route answer (64 points x 64 futures), server time",
                [s for s, _ in drivers],
                0,
            )
        )
        if browser and CHROMIUM.exists():
            opened = first_page_times(server.url)
            rows.append(_row("dashboard opened, answer and charts drawn (Chromium)", opened, 0))
            pages = page_update_times(server.url)
            rows.append(_row("page updated after a change (Chromium)", [s for s, _ in pages], 0))
            rows.append(_row("every chart redrawn after a change", [a for _, a in pages], 0))
        if n_concurrent > 0:
            errors, latencies = concurrent_previews(server.url, n_concurrent)
            rows.append(_row(f"{n_concurrent} concurrent previews, distinct seeds", latencies, errors))
            errors, latencies = concurrent_previews(server.url, n_concurrent, same=True)
            rows.append(_row(f"{n_concurrent} concurrent previews, identical (cached)", latencies, errors))
    return rows


def _row(label: str, values: Sequence[float], errors: int) -> list[str]:
    return [
        label,
        str(len(values)),
        f"{_pct(values, 50):.3f}",
        f"{_pct(values, 95):.3f}",
        f"{max(values):.3f}",
        str(errors),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Print the web benchmark's table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.web", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--concurrent", type=int, default=50, help="previews sent at once (default 50; 0: none)"
    )
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurement")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument(
        "--against", metavar="REV", default=None, help="measure in turns with commit REV (each once a turn)"
    )
    parser.add_argument("--turns", type=int, default=2, help="turns with --against (default 2)")
    args = parser.parse_args(argv)
    if args.concurrent < 0:
        parser.error("--concurrent: must be 0 or more")
    if args.turns < 1:
        parser.error("--turns: must be at least 1")
    from benchmarks.run import machine_info

    if args.against is not None:
        options = ["--concurrent", str(args.concurrent), *(["--no-browser"] if args.no_browser else [])]
        status, header, rows = _against(args.against, args.turns, options)
        if status:
            return status
    else:
        rows = run(args.concurrent, browser=not args.no_browser)
        header = [HEADER, "count", "p50 s", "p95 s", "max s", "errors"]
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("| " + " | ".join(["---", *["---:"] * (len(header) - 1)]) + " |")
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        for r in [header, *rows]:
            print("  ".join([f"{r[0]:<58}", *(f"{c:>8}" for c in r[1:])]))
    print(json.dumps({**machine_info(), "cores_used": str(os.cpu_count())}))
    return 0


def _against(rev: str, turns: int, options: list[str]) -> tuple[int, list[str], list[list[str]]]:
    """Run the benchmark in turns with commit ``rev``; return (exit status, header, rows)."""
    from benchmarks.turns import copied, exported
    from benchmarks.web_turns import WEB_TURN_HEADERS, web_child, web_in_turns, web_turn_rows

    try:
        with exported(rev) as other, copied() as here:
            result = web_in_turns(
                turns,
                lambda root: web_child(root, options),
                other,
                here,
                progress=lambda msg: print(f"running {msg}", file=sys.stderr, flush=True),
            )
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2, [], []
    if result.note:
        print(f"--against: stopped: {result.note}", file=sys.stderr)
        return 1, [], []
    return 0, [h.format(rev=rev) for h in WEB_TURN_HEADERS], web_turn_rows(result)


if __name__ == "__main__":
    raise SystemExit(main())
