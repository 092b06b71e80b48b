"""What the reader's first move costs now that the theme's script waits for it.

    python benchmarks/first_move.py [--runs 5] [--url http://127.0.0.1:8790/]

The site loads Material's bundle at the reader's first move (overrides/main.html),
so Lighthouse, which never touches the page, no longer sees its start. This measures
where that work went: on a phone viewport with the CPU slowed four times (Lighthouse's
mobile factor), the time from the first tap to the theme mounted (its tables wrapped)
and the longest main-thread task after the tap. Prints the medians per page. Starts
`funnel-coach serve` on a free port of 127.0.0.1 unless --url is given.
"""

from __future__ import annotations

import argparse
import statistics
from typing import Any

from lighthouse import _bench_app

PAGES = ("/fr/consent/", "/qualification/", "/it/classifier/")
MOUNTED = (
    "() => typeof window.document$ !== 'undefined'"
    " && !document.querySelector('.md-content table:not(.md-typeset__table table)')"
)


def first_move(browser: Any, url: str) -> tuple[float, float]:
    """(ms from the first tap to the theme mounted, longest task in ms after the tap)."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate(
        """() => { window.fcLong = [];
          new PerformanceObserver(list => list.getEntries().forEach(
            entry => window.fcLong.push(entry.duration))).observe({type: "longtask"}); }"""
    )
    start = page.evaluate("() => performance.now()")
    page.touchscreen.tap(5, 500)
    page.wait_for_function(MOUNTED, polling=10)
    mounted = page.evaluate("() => performance.now()") - start
    page.wait_for_timeout(300)  # the long task's entry is reported after it ends
    longest = max(page.evaluate("window.fcLong") or [0.0])
    context.close()
    return mounted, longest


def measure(bench: Any, url: str, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = bench.launch_chromium(playwright)
        print("| page | tap to theme mounted, ms | longest task after the tap, ms |")
        print("|---|---:|---:|")
        for page in PAGES:
            found = [first_move(browser, url.rstrip("/") + page) for _ in range(runs)]
            mounted = statistics.median(m for m, _ in found)
            longest = statistics.median(t for _, t in found)
            print(f"| `{page}` | {mounted:.0f} | {longest:.0f} |")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url", help="measure a server already running")
    args = parser.parse_args()
    bench = _bench_app()
    print(f"load average before: {bench.load_average()}")
    if args.url:
        measure(bench, args.url, args.runs)
    else:
        bench.ensure_site(bench.ROOT, rebuild=False)
        with bench.serving(bench.ROOT, bench.free_port()) as server:
            server.wait_ready()
            measure(bench, server.url, args.runs)
    print(f"load average after: {bench.load_average()}")


if __name__ == "__main__":
    main()
