"""Shared fixtures. The contract and its worked examples live in the repository, in spec/."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec"

LANGS = ("en", "it", "es", "fr", "pt")
# The site's twelve pages, by English slug, the same in every language.
PAGES = (
    "index",
    "buyers-journey",
    "roles",
    "lead-vs-prospect",
    "qualification",
    "frameworks",
    "nurturing",
    "consent",
    "glossary",
    "practice",
    "classifier",
    "trainers",
)


def load_examples() -> list[dict[str, object]]:
    path = SPEC / "examples.jsonl"
    if not path.exists():
        raise FileNotFoundError(f"the contract's examples are missing: {path}")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def served() -> Iterator[str]:
    """`funnel-coach serve` on a free port, for the whole run."""
    import fcntl

    from app import server

    # pytest-xdist workers share site/: one builds it, the others wait.
    with open(ROOT / ".site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if server.site_is_stale():
            server.build_site()
    process, url = start_server(free_port())
    yield url
    process.terminate()
    process.wait(timeout=20)


def start_server(port: int, timeout: float = 180) -> tuple[subprocess.Popen[bytes], str]:
    """Start `funnel-coach serve` and return once the site and the app both answer."""
    process = subprocess.Popen(
        [sys.executable, "-m", "classifier", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            urllib.request.urlopen(url + "app/_stcore/health", timeout=2)
            return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError(process.stderr.read().decode()) from None  # type: ignore[union-attr]
            time.sleep(0.3)


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def serious_violations(page: Any) -> list[tuple[str, str, list[Any]]]:
    """Run axe-core on the page: its serious and critical violations, each with
    the first nodes and axe's reason for them."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        (
            violation["id"],
            violation["impact"],
            [(node["target"], node.get("failureSummary")) for node in violation["nodes"][:3]],
        )
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
