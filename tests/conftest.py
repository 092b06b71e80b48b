"""Shared fixtures. The contract and its worked examples live in the repository, in spec/."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, NoReturn

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec"

LANGS = ("en", "it", "es", "fr", "pt")
# The site's seventeen pages, by English slug, the same in every language.
PAGES = (
    "index",
    "buyers-journey",
    "roles",
    "lead-vs-prospect",
    "qualification",
    "frameworks",
    "nurturing",
    "consent",
    "conversations",
    "playbook",
    "channels",
    "glossary",
    "practice",
    "classifier",
    "trainers",
    "cards",
    "cheat-sheet",
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


#: Set to a Chromium (or Chrome) executable to run the browser tests with it.
CHROMIUM_ENV = "FUNNEL_COACH_CHROMIUM"
#: Where Debian and Ubuntu install Chromium.
SYSTEM_CHROMIUMS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
NO_CHROMIUM = (
    f"no Chromium found: set {CHROMIUM_ENV} to a Chromium executable, "
    "or run `.venv/bin/playwright install chromium`, or install Debian's `chromium`"
)


class ChromiumMissing(LookupError):
    """No browser to drive; the tests say so instead of failing (outside CI)."""


def find_chromium(
    environ: Mapping[str, str],
    playwright_default: str | None,
    is_file: Callable[[str], bool] = os.path.isfile,
) -> str:
    """The Chromium the browser tests drive, the way Playwright users expect:
    the one named by FUNNEL_COACH_CHROMIUM, else Playwright's own download
    (`playwright install chromium`), else the system's. An explicit setting
    that names no file is a mistake to fix, so it raises ValueError."""
    chosen = environ.get(CHROMIUM_ENV, "")
    if chosen:
        if not is_file(chosen):
            raise ValueError(f"{CHROMIUM_ENV}={chosen} is not a file")
        return chosen
    for candidate in (playwright_default, *SYSTEM_CHROMIUMS):
        if candidate and is_file(candidate):
            return candidate
    raise ChromiumMissing(NO_CHROMIUM)


def in_ci(environ: Mapping[str, str]) -> bool:
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def no_browser(reason: str, environ: Mapping[str, str]) -> NoReturn:
    """Skip with the reason on a desk without a browser; fail in CI, which must run them."""
    if in_ci(environ):
        pytest.fail(f"{reason} (CI is set, so browser tests must run)")
    pytest.skip(reason)


def launch_chromium(playwright: Any) -> Any:
    """Launch the Chromium that `find_chromium` picks, headless, with the suite's flags."""
    path = find_chromium(os.environ, playwright.chromium.executable_path)
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Chromium driven by Playwright; skipped with the reason when there is none
    (a failure in CI)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            chromium = launch_chromium(playwright)
        except ChromiumMissing as missing:
            no_browser(str(missing), os.environ)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A desktop-sized page in a fresh browser context (the app's browser tests)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def settle(page: Any) -> None:
    """Wait until Streamlit has finished its run: nothing stale, no spinner, twice
    (a rerun can start right after the first one ends)."""
    for _round in range(2):
        page.wait_for_function(
            """() => !document.querySelector('[data-stale="true"]')
                  && !document.querySelector('[data-testid="stStatusWidget"]')""",
            polling="raf",
        )
        page.wait_for_timeout(300)


def upload_example(page: Any) -> None:
    """Give the Batch page the example export (examples/contacts.csv) and wait
    until it says what it read."""
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(
        str(ROOT / "examples" / "contacts.csv")
    )
    page.locator("[data-testid=stAlertContentSuccess]").wait_for()


def run_async(coroutine: Any) -> Any:
    """asyncio.run in a thread of its own: a test worker that already drove Chromium
    through Playwright's sync API has an event loop running in its main thread,
    where asyncio.run refuses to start."""
    import asyncio
    import threading

    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as error:  # re-raised in the test's thread
            result["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built strict once per test worker for every test that reads its pages."""
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out
