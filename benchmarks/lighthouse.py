"""Lighthouse scores of the site's pages, mobile, best of two runs in one session.

    python benchmarks/lighthouse.py [--runs 2] [--lighthouse /tmp/lh] [--url http://127.0.0.1:8790/]

Starts `funnel-coach serve` on a free port of 127.0.0.1 (or measures --url), runs
Lighthouse (mobile, its default: simulated slow 4G and a 4x slower CPU) --runs
times on each page, and prints a Markdown table of the best run of each page:
the one with the highest performance score, and the best of the other three
categories over the runs. Lighthouse is not a dependency of the project: install
it once with `mkdir -p /tmp/lh && cd /tmp/lh && npm i -E lighthouse@12.2.3`.
The browser is /usr/bin/chromium (or $CHROME_PATH). The JSON reports are kept in
benchmarks/out/lighthouse/. Scores move with the machine's load: the load
average is printed before and after.

Chromium is started with its ThrottleConsecutiveNoDamageMainFrames feature off
(`--frame-throttling` keeps it on). Headless, that feature holds back a page's
frames while nothing on screen has changed yet, so the first paint of a lesson
lands on a one-second tick: observed FCP at 0.2, 1.2 or 2.2 s at random for the
same page (seen with no script at all on the page; a ten-line page escapes it by
painting before the first tick). Lighthouse then simulates every request made
before that late paint as blocking it (FCP 2.1 s instead of 1.4 s). Upstream:
GoogleChrome/lighthouse#17148; WebKit's benchmark runner turns the feature off
for the same reason. See benchmarks/lighthouse.md (session 9).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("/", "/it/", "/qualification/", "/fr/consent/", "/classifier/", "/it/classifier/")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
NO_FRAME_THROTTLING = "--disable-features=ThrottleConsecutiveNoDamageMainFrames"


def _bench_app() -> Any:
    """benchmarks/app.py, for its server handling (its name clashes with the `app` package)."""
    spec = importlib.util.spec_from_file_location("bench_app", Path(__file__).with_name("app.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_app"] = module
    spec.loader.exec_module(module)
    return module


def lighthouse(binary: Path, url: str, out: Path, flags: str = CHROME_FLAGS) -> dict[str, Any]:
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(
        [str(binary), url, "--quiet", f"--chrome-flags={flags}",
         "--output=json", f"--output-path={out}"],
        env=env,
        check=True,
    )  # fmt: skip
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def scores(report: dict[str, Any]) -> dict[str, float]:
    found = {name: round(100 * (report["categories"][name]["score"] or 0)) for name in CATEGORIES}
    audits = report["audits"]
    found["tbt"] = audits["total-blocking-time"]["numericValue"]
    found["lcp"] = audits["largest-contentful-paint"]["numericValue"]
    found["cls"] = audits["cumulative-layout-shift"]["numericValue"]
    found["fcp"] = audits["first-contentful-paint"]["numericValue"]
    found["observed_fcp"] = audits["metrics"]["details"]["items"][0]["observedFirstContentfulPaint"]
    return found


def best(runs: list[dict[str, float]]) -> dict[str, float]:
    top = dict(max(runs, key=lambda run: run["performance"]))
    for name in CATEGORIES[1:]:
        top[name] = max(run[name] for run in runs)
    return top


def table(results: dict[str, dict[str, float]]) -> str:
    lines = [
        "| page | performance | accessibility | best practices | SEO | TBT ms | FCP s "
        "(observed) | LCP s | CLS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page, s in results.items():
        lines.append(
            f"| `{page}` | {s['performance']:.0f} | {s['accessibility']:.0f} | "
            f"{s['best-practices']:.0f} | {s['seo']:.0f} | {s['tbt']:.0f} | "
            f"{s['fcp'] / 1000:.1f} ({s['observed_fcp'] / 1000:.1f}) | "
            f"{s['lcp'] / 1000:.1f} | {s['cls']:.3f} |"
        )
    return "\n".join(lines)


def measure(
    url: str, binary: Path, runs: int, pages: tuple[str, ...], flags: str = CHROME_FLAGS
) -> dict[str, Any]:
    out = ROOT / "benchmarks" / "out" / "lighthouse"
    out.mkdir(parents=True, exist_ok=True)
    results = {}
    for page in pages:
        found = []
        for run in range(runs):
            name = page.strip("/").replace("/", "-") or "home"
            report = lighthouse(binary, url.rstrip("/") + page, out / f"{name}-{run}.json", flags)
            found.append(scores(report))
            print(f"{page} run {run + 1}: {found[-1]}", file=sys.stderr)
        results[page] = best(found)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--lighthouse", type=Path, default=Path("/tmp/lh"),
                        help="the directory where `npm i lighthouse` ran")  # fmt: skip
    parser.add_argument("--url", help="measure a server already running")
    parser.add_argument("--page", action="append", help="a path to measure (repeatable)")
    parser.add_argument("--frame-throttling", action="store_true",
                        help="keep Chromium's one-second frame throttling (see above)")  # fmt: skip
    args = parser.parse_args()
    flags = CHROME_FLAGS if args.frame_throttling else f"{CHROME_FLAGS} {NO_FRAME_THROTTLING}"
    binary = args.lighthouse / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        sys.exit(f"no Lighthouse at {binary}: mkdir -p {args.lighthouse} && "
                 f"cd {args.lighthouse} && npm i -E lighthouse@12.2.3")  # fmt: skip
    pages = tuple(args.page) if args.page else PAGES
    bench = _bench_app()
    print(f"load average before: {bench.load_average()}", file=sys.stderr)
    if args.url:
        results = measure(args.url, binary, args.runs, pages, flags)
    else:
        bench.ensure_site(ROOT, rebuild=False)
        with bench.serving(ROOT, bench.free_port()) as server:
            server.wait_ready()
            results = measure(server.url, binary, args.runs, pages, flags)
    print(f"load average after: {bench.load_average()}", file=sys.stderr)
    print(table(results))


if __name__ == "__main__":
    main()
