"""Many sessions through nginx: deploy/run with 1, 2 and 4 app processes, then one stopped.

    python benchmarks/scale.py [--workers 1 2 4] [--sessions 400] [--active 50] [--seconds 60]
                               [--failover | --no-failover] [--after 40] [--signal KILL|TERM]
                               [--browsers it,fr] [--keep]

For each number of app processes, `deploy/run --workers N` starts them and nginx on
free ports of 127.0.0.1, with a scratch run folder (--keep keeps it); it is stopped
on the way out, Ctrl-C and SIGTERM included. The site is built first if stale.

1. Sessions. --sessions WebSocket clients (StreamlitClient of benchmarks/app.py, which
   speaks Streamlit's protocol as the frontend does) arrive as browsers do, 8 at a
   time: a GET of /app/?<link>, whose answer sets nginx's `fc_route` cookie, then the
   WebSocket with that cookie and a first run (checked: "Verdict: Prospect"). --active
   of them then change the budget field every --interval s (default 1) for --seconds,
   spread over the interval; the others stay connected and idle. A rerun fails on an
   error, a timeout (--timeout s) or a wrong verdict; its time runs from the BackMsg
   sent to script_finished. Reported: reruns, failed ones, p50 / p95 / max, sends
   more than 50 ms behind schedule, this client's own event-loop stalls (10 ms
   ticks: the load generator shares the 2 CPUs with nginx and the app processes, so
   its stalls are part of the rerun times) and CPU, the sessions each process got
   (nginx's access log: upstream= of each session's first GET), and the resident
   memory of each app process (with its children) and of nginx (master and
   workers) at the end, every session still connected.
2. Failover (2 processes or more; --no-failover skips it). Once the steady run of
   --seconds is over, the sessions go on changing for --after s more (default 40),
   and at its start the process on the first app port gets --signal. The default
   is KILL: like a crash or the kernel's OOM killer, the process has no say, closes
   nothing and flushes nothing, the worst case for its sessions; TERM is a planned stop (Streamlit's
   server closes its WebSockets itself). Every client whose WebSocket drops
   reconnects as Streamlit's frontend does (StreamlitClient.reconnect: a pause, pings
   of _stcore/health and host-config, a new WebSocket with the same cookie; a rerun
   at once, with the widget values it holds and the page's link, only if a run was
   under way when it dropped, else its next change is the new session's first run)
   and goes on changing. Reported: the sessions affected, the reruns sent from the
   cut until every affected session has had a good one (at least 10 s), their
   failures, the reruns after that (one process fewer; the stopped one is back
   within seconds but keeps no sessions: nginx moved them for good), the first
   change after a reconnect that was lost, cut to new
   WebSocket and to first good rerun (p50 / max), one more change in every affected
   session after the run (the right verdict?), and when deploy/run had the stopped
   process answering again (it checks every 10 s).
   Meanwhile --browsers real Chromium pages (headless, Playwright), one per language,
   pinned to the stopped process by their fc_route cookie: the text Streamlit's status
   widget shows while disconnected must be the catalog's "Connecting" in the page's
   language (app/chrome.py), the verdict heading must never leave the screen (looked
   at every 20 ms and on every change of the page), and after the reconnect a change
   must give the new verdict. Each page's own health ping is held while its
   screenshot is taken (benchmarks/out/scale/), so that the outage lasts long enough
   to be photographed; the WebSocket clients are never held.

Goal with 400 connected sessions: 0 failed reruns and p95 under 150 ms. Markdown
tables at the end, then "goal met" / "GOAL NOT MET" per line; the exit status is 0
unless the benchmark itself broke. The load average is printed before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "scale"

# `python benchmarks/scale.py` puts benchmarks/ first on the path, where app.py would
# stand in for the `app` package: the checkout comes first instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))

from app import proxy, server  # noqa: E402
from app.i18n import gettext  # noqa: E402
from app.labels import FIELD_LABELS, GROUPS, NO  # noqa: E402
from app.view import colon  # noqa: E402
from classifier import classify, label, parse_text_value  # noqa: E402


def _bench_app() -> Any:
    """benchmarks/app.py as `bench_app` (its file name clashes with the `app` package)."""
    if "bench_app" in sys.modules:
        return sys.modules["bench_app"]
    spec = importlib.util.spec_from_file_location("bench_app", HERE / "app.py")
    assert spec and spec.loader
    module = sys.modules["bench_app"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _bench_app()
percentile = bench.percentile
goal = bench.goal

GOAL_P95_MS = 150
COOKIE = re.compile(r"fc_route=([A-Za-z0-9]{1,64})")
#: A request in deploy/'s access log: its path, status, the app processes nginx tried
#: (the last one answered) and the routing key.
LOGGED = re.compile(r'"(\S+) (/app/\S*)" (\d+) \d+ upstream=(.+?) route=(\w+)$')
LOST = "first change after the reconnect lost"
FIT_TAB = next(title for group, title, _fields in GROUPS if group == "fit")  # holds the budget

# --------------------------------------------------------------------------- deploy/run


@dataclass
class Deployment:
    workers: int
    url: str
    ports: tuple[int, ...]
    run_dir: Path

    @property
    def log(self) -> Path:
        return self.run_dir / "logs" / "access.log"

    def pid(self, port: int) -> int:
        return int((self.run_dir / f"app-{port}.pid").read_text())

    def nginx_pid(self) -> int:
        return int((self.run_dir / "nginx.pid").read_text())


def free_ports(count: int) -> int:
    """The first of `count` consecutive ports free on 127.0.0.1."""
    for _attempt in range(100):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = int(probe.getsockname()[1])
        if first + count <= 65535 and all(
            server.port_free("127.0.0.1", port) for port in range(first, first + count)
        ):
            return first
    raise RuntimeError(f"no {count} consecutive free ports")


@contextlib.contextmanager
def deployed(workers: int, keep: bool) -> Iterator[Deployment]:
    """`deploy/run --workers N` on free ports, answering through nginx; stopped afterwards."""
    run_dir = Path(tempfile.mkdtemp(prefix=f"funnel-coach-scale-{workers}-"))
    first = free_ports(workers)
    listen = free_ports(1)
    while first <= listen < first + workers:
        listen = free_ports(1)
    env = {**os.environ, "FUNNEL_COACH_PYTHON": sys.executable, "NO_MKDOCS_2_WARNING": "1"}
    if os.geteuid() == 0:  # nginx's workers must read the run folder, private to root
        env.setdefault("FUNNEL_COACH_NGINX_USER", "root")
    command = [str(ROOT / "deploy" / "run"), "--workers", str(workers)]
    command += ["--listen", f"127.0.0.1:{listen}", "--app-port", str(first)]
    command += ["--run-dir", str(run_dir)]
    output = run_dir / "run.log"  # deploy/run's and its processes' own words
    with output.open("wb") as written:
        # Its own process group: stopped as a whole if it does not stop by itself.
        process = subprocess.Popen(
            command, stdout=written, stderr=written, env=env, start_new_session=True
        )
    url = f"http://127.0.0.1:{listen}/"
    try:
        deadline = time.monotonic() + 300
        while not answers(url + "app/_stcore/health"):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = output.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"deploy/run did not come up:\n{tail}")
            time.sleep(0.5)
        ports = tuple(range(first, first + workers))
        yield Deployment(workers, url, ports, run_dir)
    finally:
        # deploy/run stops nginx and its processes on SIGTERM.
        bench.stop_group(process, grace=30, leader_only=True)
        if keep:
            print(f"  run folder kept: {run_dir}")
        else:
            shutil.rmtree(run_dir, ignore_errors=True)


def answers(url: str, cookie: str = "") -> bool:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=3) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def routes(log: Path) -> dict[str, str]:
    """For each routing key in nginx's access log, the app process that answered its
    first request under /app/."""
    found: dict[str, str] = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = LOGGED.search(line)
        if match and match.group(4) != "-":
            found.setdefault(match.group(5), match.group(4).split(", ")[-1])
    return found


def memory(deployment: Deployment) -> tuple[dict[int, float], float]:
    """Resident MB of each app process (with its children) and of nginx with its workers."""
    apps = {port: bench.rss_mb(deployment.pid(port), family=True) for port in deployment.ports}
    return apps, bench.rss_mb(deployment.nginx_pid(), family=True)


# --------------------------------------------------------------------------- the sessions


@dataclass
class Rerun:
    sent: float  # perf_counter
    done: float
    ok: bool
    why: str = ""

    @property
    def ms(self) -> float:
        return (self.done - self.sent) * 1000


@dataclass
class Session:
    index: int
    active: bool
    client: Any  # bench_app.StreamlitClient
    upstream: str = ""
    shown: bool = True  # the verdict last drawn: True for Prospect (budget yes)
    reruns: list[Rerun] = field(default_factory=list)
    checks: list[Rerun] = field(default_factory=list)  # changes after the run
    drops: list[float] = field(default_factory=list)  # when its WebSocket was seen closed
    reconnected: list[float] = field(default_factory=list)  # when a new one was open
    broken: str = ""  # why it gave up (no new WebSocket)
    first_route: str = ""  # nginx's fc_route cookie at arrival: the process it landed on


class Crowd:
    """The WebSocket sessions, in an event loop of their own thread, so the main thread
    can drive Chromium and stop a process meanwhile. `ready` is set once every session
    has drawn its first page (the run then starts at `start`), `finished` once the run
    and the checks after it are over; the sessions stay connected until `release`."""

    def __init__(self, url: str, args: argparse.Namespace, failover: bool) -> None:
        self.url = url
        self.count: int = args.sessions
        self.seconds: float = args.seconds + (args.after if failover else 0)
        self.interval: float = args.interval
        self.timeout: float = args.timeout
        step = args.sessions / max(args.active, 1)
        self.active = sorted({int(k * step) for k in range(min(args.active, args.sessions))})
        self.sessions: list[Session] = []
        self.start = self.end = 0.0
        self.connect_seconds = 0.0
        self.late_sends = 0
        self.lags: list[float] = []
        self.cpu_seconds = 0.0
        self.error: BaseException | None = None
        self.ready = threading.Event()
        self.finished = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._thread, daemon=True)

    def _thread(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as error:  # reported by the main thread
            self.error = error
        finally:
            self.ready.set()
            self.finished.set()

    async def _main(self) -> None:
        began = time.perf_counter()
        gate = asyncio.Semaphore(8)
        self.sessions = [
            Session(i, i in self.active, bench.StreamlitClient(self.url)) for i in range(self.count)
        ]
        try:
            await asyncio.gather(*(self._arrive(s, gate) for s in self.sessions))
            self.connect_seconds = time.perf_counter() - began
            self.start = time.perf_counter() + 0.5
            self.end = self.start + self.seconds
            cpu = time.thread_time()
            self.ready.set()
            await asyncio.gather(
                bench.watch_lag(self.lags, self.end), *(self._live(s) for s in self.sessions)
            )
            self.cpu_seconds = time.thread_time() - cpu
            affected = [s for s in self.sessions if s.drops and not s.broken]
            await asyncio.gather(*(self._check(s, gate) for s in affected))
            self.finished.set()
            await asyncio.to_thread(self.release.wait)
        finally:
            await asyncio.gather(*(s.client.close() for s in self.sessions), return_exceptions=True)

    async def _arrive(self, session: Session, gate: asyncio.Semaphore) -> None:
        """A browser's arrival: the page (nginx sets the cookie), the WebSocket, a first run."""
        client = session.client
        async with gate:
            status, headers = await bench.http_get(f"{self.url}app/?{client.query}")
            found = COOKIE.search(headers.get("set-cookie", ""))
            if status != 200 or not found:
                raise RuntimeError(f"GET /app/ answered {status} without an fc_route cookie")
            client.cookie = f"fc_route={found.group(1)}"
            session.first_route = found.group(1)
            await client.connect()
            first = await client.start(timeout=120)
        if bench.VERDICT[True] not in first.headings:
            raise AssertionError(f"session {session.index}: first run drew {first.headings}")

    async def _dropped(self, session: Session, within: float) -> bool:
        """Wait up to `within` s; True as soon as the session's WebSocket has closed."""
        if session.client.ws.state.name in ("CLOSING", "CLOSED"):
            return True
        try:
            await asyncio.wait_for(session.client.ws.wait_closed(), max(within, 0))
        except TimeoutError:
            return False
        return True

    async def _back(self, session: Session) -> None:
        session.drops.append(time.perf_counter())
        await session.client.reconnect()
        session.reconnected.append(time.perf_counter())

    async def _live(self, session: Session) -> None:
        try:
            if session.active:
                await self._changing(session)
            else:
                while await self._dropped(session, self.end - time.perf_counter()):
                    await self._back(session)
        except RuntimeError as error:  # no new WebSocket: this session is lost
            session.broken = str(error)

    async def _changing(self, session: Session) -> None:
        rank = self.active.index(session.index)
        due = self.start + self.interval * rank / len(self.active)
        while due < self.end:
            if await self._dropped(session, due - time.perf_counter()):
                await self._back(session)  # between two changes: no rerun, as the frontend
                continue
            if time.perf_counter() - due > 0.05 and not self._just_back(session):
                self.late_sends += 1
            await self._change(session, session.reruns)
            due += self.interval

    @staticmethod
    def _just_back(session: Session) -> bool:
        return bool(session.reconnected) and (
            not session.reruns or session.reruns[-1].sent < session.reconnected[-1]
        )

    async def _change(self, session: Session, into: list[Rerun]) -> None:
        """Change the budget field so that the verdict flips, and judge the run."""
        from websockets.exceptions import ConnectionClosed

        client = session.client
        want = not session.shown
        options = client.ids[bench.FIELD][1]  # Unknown, Yes, No
        first_after_drop = self._just_back(session)
        sent = time.perf_counter()
        try:
            run = await client.change(bench.FIELD, options[1 if want else 2], self.timeout)
        except TimeoutError:  # before OSError, of which it is a kind
            into.append(Rerun(sent, time.perf_counter(), False, f"timeout ({self.timeout:g} s)"))
            return
        except (ConnectionClosed, OSError, EOFError):
            into.append(Rerun(sent, time.perf_counter(), False, "connection lost"))
            await self._back(session)
            # A run was under way: the frontend asks for one at once, with the values it
            # holds (this change included) and the page's link.
            sent, first_after_drop = time.perf_counter(), True
            try:
                run = await client.rerun(timeout=self.timeout)
            except (ConnectionClosed, OSError, EOFError, TimeoutError, RuntimeError) as error:
                into.append(Rerun(sent, time.perf_counter(), False, f"after reconnect: {error}"))
                return
        except RuntimeError as error:  # the app raised
            into.append(Rerun(sent, time.perf_counter(), False, str(error)[:200]))
            return
        done = time.perf_counter()
        drawn = {bench.VERDICT[True]: True, bench.VERDICT[False]: False}
        shown = next((drawn[h] for h in run.headings if h in drawn), None)
        if shown == want:
            into.append(Rerun(sent, done, True))
        elif first_after_drop and shown == session.shown:
            into.append(Rerun(sent, done, False, LOST))
        else:
            into.append(Rerun(sent, done, False, f"wrong verdict: drew {run.headings}"))
        if shown is not None:
            session.shown = shown

    async def _check(self, session: Session, gate: asyncio.Semaphore) -> None:
        """After the run, a session that lost its process changes the field once more
        (twice if that first change was lost): does it give the right verdict?"""
        async with gate:
            for _attempt in range(2):
                await self._change(session, session.checks)
                if session.checks[-1].why != LOST:
                    return


# --------------------------------------------------------------------------- the pages

#: Watch the page from now on, every 20 ms and on every change: the connection states
#: Streamlit's frontend goes through (stApp's data-test-connection-state), which of
#: `words` the page shows, and how often the verdict heading (`prefix`...) was not on
#: screen.
WATCH_JS = """({prefix, words}) => {
  const seen = window.__fcWatch = {states: [], words: [], looks: 0, blank: 0};
  const look = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app ? app.dataset.testConnectionState || '' : '';
    if (state && seen.states[seen.states.length - 1] !== state) seen.states.push(state);
    const text = document.body.innerText;
    for (const word of words) {
      if (text.includes(word) && !seen.words.includes(word)) seen.words.push(word);
    }
    const heading = [...document.querySelectorAll('h2')].some(
      (h) => h.textContent.trim().startsWith(prefix) && h.getClientRects().length > 0);
    seen.looks += 1;
    if (!heading) seen.blank += 1;
  };
  new MutationObserver(look).observe(document.documentElement,
    {subtree: true, childList: true, characterData: true, attributes: true});
  setInterval(look, 20);
}"""
CONNECTED_JS = """(want) => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && (app.dataset.testConnectionState === 'CONNECTED') === want;
}"""
SAYS_JS = "(words) => words.filter((word) => document.body.innerText.includes(word))"
#: What Streamlit's frontend says while it has no connection (app/chrome.py translates them).
OUTAGE_WORDS = (
    "Connecting",
    "Connection lost. Please wait for the app to reconnect, then try again.",
)


def profile_of(query: str, **changes: str) -> dict[str, Any]:
    texts = {**dict(urllib.parse.parse_qsl(query)), **changes}
    texts.pop("lang", None)
    return {name: parse_text_value(name, text)[0] for name, text in texts.items()}


def verdict_heading(lang: str, profile: dict[str, Any]) -> str:
    stage = classify(profile, lang=lang).stage
    return f"{gettext(lang)('Verdict')}{colon(lang)}{label('stage', stage, lang)}"


@dataclass
class PageResult:
    lang: str
    expected: list[str]  # OUTAGE_WORDS in that language, from the catalog
    words: list[str] = field(default_factory=list)  # of them or the English, ever on screen
    states: list[str] = field(default_factory=list)  # the frontend's connection states
    blank: int = -1  # looks without the verdict heading on screen
    looks: int = 0
    reconnected: bool = False
    changed: str = ""  # "yes", "at the 2nd try (1st lost)", "no"
    moved_to: str = ""
    screenshot: str = ""


class Pages:
    """Chromium pages pinned to one app process, watched while it stops."""

    def __init__(self, browser: Any, deployment: Deployment, port: int, langs: Sequence[str]):
        self.deployment = deployment
        self.held: list[Any] = []
        self.holding = False
        self.pages: list[tuple[Any, Any, str, PageResult]] = []
        for lang in langs:
            key = proxy.route(port)  # nginx's cookie naming that process
            context = browser.new_context(viewport={"width": 1280, "height": 1000})
            context.add_cookies(
                [{"name": "fc_route", "value": key, "url": deployment.url + "app/"}]
            )
            context.route("**/app/_stcore/health", self._health)
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(f"{deployment.url}app/?lang={lang}&{bench.PROFILE}")
            page.get_by_role(
                "heading", name=verdict_heading(lang, profile_of(bench.PROFILE))
            ).wait_for()
            _ = gettext(lang)
            page.get_by_role("tab", name=_(FIT_TAB)).click()
            self.budget(page, lang).wait_for()
            page.wait_for_function(bench.SETTLED, polling=50)
            expected = [_(word) for word in OUTAGE_WORDS]
            words = list(dict.fromkeys([*expected, *OUTAGE_WORDS]))
            page.evaluate(WATCH_JS, {"prefix": f"{_('Verdict')}{colon(lang)}", "words": words})
            self.pages.append((context, page, key, PageResult(lang, expected)))

    @staticmethod
    def budget(page: Any, lang: str) -> Any:
        """The "No" of the budget radio (which turns the page's Prospect into a Lead)."""
        _ = gettext(lang)
        group = page.get_by_role("radiogroup", name=_(FIELD_LABELS["budget"]))
        return group.get_by_text(_(NO), exact=True)

    def _health(self, route: Any) -> None:
        if self.holding:
            self.held.append(route)
        else:
            route.continue_()

    def wait(self, seconds: float) -> None:
        """Sleep while Playwright goes on serving the pages' routes."""
        self.pages[0][1].wait_for_timeout(max(seconds, 0) * 1000)

    def during_the_outage(self, workers: int) -> None:
        """Right after the stop: what each page says (given 3 s to say it), a screenshot."""
        OUT.mkdir(parents=True, exist_ok=True)
        for _context, page, _key, result in self.pages:
            with contextlib.suppress(Exception):  # a page that says nothing is reported
                page.wait_for_function(CONNECTED_JS, arg=False, timeout=15_000, polling=20)
                page.wait_for_function(
                    f"(words) => ({SAYS_JS})(words).length > 0",
                    arg=result.expected,
                    timeout=3_000,
                    polling=20,
                )
            path = OUT / f"{workers}-processes-{result.lang}.png"
            page.screenshot(path=str(path))
            result.screenshot = str(path.relative_to(ROOT))

    def stop_holding(self) -> None:
        self.holding = False
        for route in self.held:
            with contextlib.suppress(Exception):
                route.continue_()
        self.held.clear()

    def after_the_outage(self) -> None:
        """Each page reconnected, never blank, and a change gives the new verdict."""
        for _context, page, _key, result in self.pages:
            with contextlib.suppress(Exception):
                page.wait_for_function(CONNECTED_JS, arg=True, timeout=60_000, polling=20)
                page.wait_for_function(bench.SETTLED, polling=50)
                result.reconnected = True
            watched = page.evaluate("() => window.__fcWatch")
            result.states, result.words = watched["states"], watched["words"]
            result.looks, result.blank = watched["looks"], watched["blank"]
            want = verdict_heading(result.lang, profile_of(bench.PROFILE, budget="false"))
            result.changed = "no"
            for attempt in range(2):
                self.budget(page, result.lang).click()
                with contextlib.suppress(Exception):
                    page.get_by_role("heading", name=want).wait_for(timeout=15_000)
                    page.wait_for_function(bench.SETTLED, polling=50)
                    result.changed = "yes" if attempt == 0 else "at the 2nd try (1st lost)"
                    break

    def close(self) -> None:
        self.stop_holding()
        for context, _page, key, result in self.pages:
            # nginx's cookie names the process that answered the page last.
            now = [c["value"] for c in context.cookies() if c["name"] == "fc_route"]
            result.moved_to = f"{key} then {now[0] if now else '?'}"
            context.close()

    @property
    def results(self) -> list[PageResult]:
        return [result for *_rest, result in self.pages]


# --------------------------------------------------------------------------- one configuration


@dataclass
class Outcome:
    workers: int
    sessions: int
    active: int
    connect_seconds: float = 0.0
    per_process: dict[str, int] = field(default_factory=dict)
    steady: list[Rerun] = field(default_factory=list)
    cut_reruns: list[Rerun] = field(default_factory=list)
    after: list[Rerun] = field(default_factory=list)  # sent once the cut was over
    late_sends: int = 0
    lags: list[float] = field(default_factory=list)
    client_cpu: float = 0.0
    rss: dict[int, float] = field(default_factory=dict)
    rss_nginx: float = 0.0
    rss_before: dict[int, float] = field(default_factory=dict)  # right before the stop
    restarted: set[int] = field(default_factory=set)
    # the failover
    stopped: str = ""
    signal: str = ""
    on_stopped: int = 0
    affected: int = 0
    reconnected: int = 0
    broken: list[str] = field(default_factory=list)
    to_websocket: list[float] = field(default_factory=list)  # s from the cut
    to_good_rerun: list[float] = field(default_factory=list)
    lost_first: int = 0  # during the run
    lost_in_check: int = 0  # in the change after the run
    checked: int = 0
    right_after: int = 0
    back_after: float | None = None
    pages: list[PageResult] = field(default_factory=list)


def run_one(workers: int, args: argparse.Namespace, playwright: Any) -> Outcome:
    outcome = Outcome(workers, args.sessions, min(args.active, args.sessions))
    failover = args.failover and workers >= 2
    with deployed(workers, args.keep) as deployment:
        print(f"\n{processes(workers)}: nginx on {deployment.url}", flush=True)
        victim = deployment.ports[0]
        browser, pages, cut = None, None, None
        crowd = Crowd(deployment.url, args, failover)
        try:
            if failover and args.browsers and playwright is not None:
                browser = bench.open_browser(playwright)
                pages = Pages(browser, deployment, victim, args.browsers)
            crowd.thread.start()
            crowd.ready.wait()
            if crowd.error:
                raise crowd.error
            print(f"  {args.sessions} sessions in {crowd.connect_seconds:.1f} s", flush=True)
            if failover:
                wait = crowd.start + args.seconds - time.perf_counter()
                pause(pages, wait)
                pid = deployment.pid(victim)
                outcome.rss_before = memory(deployment)[0]
                if pages:
                    pages.holding = True
                os.kill(pid, signal.Signals[f"SIG{args.signal}"])
                cut = time.perf_counter()
                outcome.stopped, outcome.signal = f"127.0.0.1:{victim}", f"SIG{args.signal}"
                print(f"  SIG{args.signal} to the process on port {victim} (pid {pid})", flush=True)
                if pages:
                    pages.during_the_outage(workers)
                    pages.stop_holding()
                    pages.after_the_outage()
                while not proxy.healthy(victim, timeout=1) or deployment.pid(victim) == pid:
                    if time.perf_counter() - cut > 120:
                        break
                    pause(pages, 0.2)
                else:
                    outcome.back_after = time.perf_counter() - cut
                    outcome.restarted.add(victim)
            while not crowd.finished.is_set():
                pause(pages, 0.2)
            if crowd.error:
                raise crowd.error
            outcome.rss, outcome.rss_nginx = memory(deployment)  # every session connected
        finally:
            crowd.release.set()
            if crowd.thread.is_alive():
                crowd.thread.join(timeout=60)
            if pages:
                pages.close()
                outcome.pages = pages.results
            if browser is not None:
                browser.close()
        seen = routes(deployment.log)
    for session in crowd.sessions:
        session.upstream = seen.get(session.first_route, "?")
        outcome.per_process[session.upstream] = outcome.per_process.get(session.upstream, 0) + 1
    outcome.late_sends, outcome.lags = crowd.late_sends, crowd.lags
    outcome.connect_seconds = crowd.connect_seconds
    outcome.client_cpu = crowd.cpu_seconds / crowd.seconds * 100
    judge(outcome, crowd.sessions, cut)
    return outcome


def processes(count: int) -> str:
    return f"{count} app process{'es' if count > 1 else ''}"


def pause(pages: Pages | None, seconds: float) -> None:
    if pages is not None:
        pages.wait(seconds)
    else:
        time.sleep(max(seconds, 0))


def judge(outcome: Outcome, sessions: list[Session], cut: float | None) -> None:
    """Split the reruns into steady ones (done before the stop), those of the cut (under
    way at the stop or sent after it, until every affected session has had a good one,
    at least 10 s) and those after the cut; the failover's figures."""
    every = [r for s in sessions for r in s.reruns]
    if cut is None:
        outcome.steady = every
        return
    affected = [s for s in sessions if s.drops]
    outcome.on_stopped = sum(s.upstream == outcome.stopped for s in sessions)
    outcome.affected = len(affected)
    outcome.reconnected = sum(bool(s.reconnected) for s in affected)
    outcome.broken = [f"session {s.index}: {s.broken}" for s in affected if s.broken]
    cut_end = cut + 10
    for s in affected:
        outcome.to_websocket.append(s.reconnected[0] - cut if s.reconnected else float("nan"))
        good = next((r for r in s.reruns if r.ok and r.sent >= s.drops[0]), None)
        if s.active and good is not None:
            outcome.to_good_rerun.append(good.done - cut)
            cut_end = max(cut_end, good.done)
        outcome.lost_first += sum(r.why == LOST for r in s.reruns)
        outcome.lost_in_check += sum(r.why == LOST for r in s.checks)
        if s.checks:
            outcome.checked += 1
            outcome.right_after += s.checks[-1].ok
    # In the cut: the reruns under way at the stop, and those sent until cut_end.
    outcome.cut_reruns = [r for r in every if r.done >= cut and r.sent < cut_end]
    outcome.steady = [r for r in every if r.done < cut]
    outcome.after = [r for r in every if r.sent >= cut_end]


# --------------------------------------------------------------------------- the report


def ms_line(reruns: Sequence[Rerun]) -> tuple[str, str, str]:
    """p50, p95 and max of the good reruns, ms."""
    times = [r.ms for r in reruns if r.ok]
    if not times:
        return "-", "-", "-"
    return f"{percentile(times, 50):.0f}", f"{percentile(times, 95):.0f}", f"{max(times):.0f}"


def seconds_pair(values: Sequence[float]) -> str:
    values = [v for v in values if v == v]
    if not values:
        return "-"
    return f"{percentile(values, 50):.1f} / {max(values):.1f}"


def failures(reruns: Sequence[Rerun]) -> list[Rerun]:
    return [r for r in reruns if not r.ok]


def reasons(reruns: Sequence[Rerun]) -> list[tuple[str, int]]:
    """Why reruns failed, most frequent first."""
    counts: dict[str, int] = {}
    for r in reruns:
        counts[r.why] = counts.get(r.why, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])


def report(outcomes: Sequence[Outcome], args: argparse.Namespace) -> list[str]:
    print(
        f"\n### {args.sessions} connected sessions, {min(args.active, args.sessions)} changing "
        f"a field every {args.interval:g} s for {args.seconds:g} s, through nginx\n"
    )
    print(
        "| app processes | sessions per process (by port) | all connected after "
        "| reruns | failed | p50 ms | p95 ms | max ms | late sends "
        "| client stalls p99 / max ms | client CPU | RSS per app process MB | nginx MB |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---:|")
    for o in outcomes:
        p50, p95, top = ms_line(o.steady)
        spread = " / ".join(str(n) for _u, n in sorted(o.per_process.items()))
        rss = " / ".join(
            f"{mb:.0f}{'*' if port in o.restarted else ''}" for port, mb in sorted(o.rss.items())
        )
        lags = f"{percentile(o.lags, 99):.0f} / {max(o.lags):.0f}" if o.lags else "-"  # 10 ms ticks
        print(
            f"| {o.workers} | {spread} | {o.connect_seconds:.0f} s | {len(o.steady)} "
            f"| {len(failures(o.steady))} | {p50} | {p95} | {top} | {o.late_sends} | {lags} "
            f"| {o.client_cpu:.0f} % | {rss} | {o.rss_nginx:.0f} |"
        )
    if any(o.restarted for o in outcomes):
        print("\n\\* restarted by deploy/run after the stop: its memory is a new process's.")
    if any(o.stopped for o in outcomes):
        print(
            "\nReruns of the cut (under way at the stop or sent after it, until every affected "
            "session has had a good one, at least 10 s) are left out here; the load generator "
            "shares the machine."
        )
    for o in outcomes:
        for why, n in reasons(failures(o.steady)):
            print(f"- {processes(o.workers)}, failed (steady): {n} x {why}")

    cuts = [o for o in outcomes if o.stopped]
    if cuts:
        print(f"\n### One app process stopped after the steady {args.seconds:g} s\n")
        print(
            "| app processes | signal | sessions on it | affected / reconnected "
            "| reruns in the cut / failed | first change lost: in the run / after it "
            "| cut to new WebSocket "
            "p50 / max s | cut to first good rerun p50 / max s | cut reruns p50 / p95 ms "
            "| reruns after the cut / failed | after the cut p50 / p95 ms "
            "| right verdict after the run | process back after | RSS before the stop MB |"
        )
        print("|---:|---|---:|---|---|---:|---|---|---|---|---|---|---|---|")
        for o in cuts:
            p50, p95, _top = ms_line(o.cut_reruns)
            later50, later95, _top = ms_line(o.after)
            back = f"{o.back_after:.1f} s" if o.back_after is not None else "not in 120 s"
            print(
                f"| {o.workers} | {o.signal} | {o.on_stopped} | {o.affected} / {o.reconnected} "
                f"| {len(o.cut_reruns)} / {len(failures(o.cut_reruns))} "
                f"| {o.lost_first} / {o.lost_in_check} "
                f"| {seconds_pair(o.to_websocket)} | {seconds_pair(o.to_good_rerun)} "
                f"| {p50} / {p95} | {len(o.after)} / {len(failures(o.after))} "
                f"| {later50} / {later95} | {o.right_after} of {o.checked} | {back} "
                f"| {' / '.join(f'{mb:.0f}' for _port, mb in sorted(o.rss_before.items()))} |"
            )
        for o in cuts:
            for why, n in reasons(failures(o.cut_reruns)):
                print(f"- {processes(o.workers)}, failed in the cut: {n} x {why}")
            for why, n in reasons(failures(o.after)):
                print(f"- {processes(o.workers)}, failed after the cut: {n} x {why}")
            for line in o.broken[:5]:
                print(f"- {processes(o.workers)}, gave up: {line}")

    pages = [(o.workers, p) for o in outcomes for p in o.pages]
    if pages:
        print("\n### Chromium pages on the stopped process\n")
        print(
            "| app processes | page | said while disconnected | the catalog's words "
            "| connection states | verdict always on screen | a change after the reconnect "
            "| routing cookie (process) | screenshot |"
        )
        print("|---:|---|---|---|---|---|---|---|---|")
        for workers, p in pages:
            said = " / ".join(f"“{w}”" for w in p.words) or "nothing"
            catalog = " / ".join(f"“{w}”" for w in p.expected)
            on_screen = "yes" if p.blank == 0 else f"no, in {p.blank}"
            changed = p.changed if p.reconnected else f"{p.changed} (never reconnected)"
            print(
                f"| {workers} | {p.lang} | {said} | {catalog} | {' → '.join(p.states)} "
                f"| {on_screen} ({p.looks} looks) | {changed} | {p.moved_to or '?'} "
                f"| {p.screenshot} |"
            )

    print()
    missed = []
    for o in outcomes:
        steady_failed = len(failures(o.steady))
        times = [r.ms for r in o.steady if r.ok]
        high = percentile(times, 95) if times else float("inf")
        name = processes(o.workers)
        lines = [
            (f"{name}: failed reruns {steady_failed} (steady)", steady_failed == 0),
            (f"{name}: p95 {high:.0f} ms < {GOAL_P95_MS} ms", high < GOAL_P95_MS),
        ]
        if o.stopped:
            lines.append(
                (
                    f"{processes(o.workers)}, stop: {o.reconnected} of {o.affected} affected "
                    f"sessions reconnected",
                    o.affected > 0 and o.reconnected == o.affected and not o.broken,
                )
            )
            lines.append(
                (
                    f"{processes(o.workers)}, stop: right verdict after the run in "
                    f"{o.right_after} of {o.checked}",
                    o.checked == o.affected and o.right_after == o.checked,
                )
            )
        for p in o.pages:
            said = " / ".join(f"“{w}”" for w in p.words) or "nothing"
            lines += [
                (
                    f"{processes(o.workers)}, page {p.lang}: said {said} while disconnected "
                    f"(wanted “{p.expected[0]}” or “{p.expected[1]}”)",
                    any(w in p.words for w in p.expected),
                ),
                (
                    f"{processes(o.workers)}, page {p.lang}: verdict on screen in every look "
                    f"({p.looks - p.blank} of {p.looks})",
                    p.blank == 0,
                ),
                (
                    f"{processes(o.workers)}, page {p.lang}: reconnected, a change gives the "
                    f"new verdict ({p.changed})",
                    p.reconnected and p.changed != "no",
                ),
            ]
        for text, ok in lines:
            print(f"- {text}: {goal(ok)}")
            if not ok:
                missed.append(text)
    return missed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("--workers", type=int, nargs="+", default=[1, 2, 4], help="app processes (1 2 4)")
    add("--sessions", type=int, default=400, help="connected sessions (default: 400)")
    add("--active", type=int, default=50, help="of them, changing a field (default: 50)")
    add("--seconds", type=float, default=60, help="length of the run, s (default: 60)")
    add("--interval", type=float, default=1.0, help="each active session's change interval, s")
    add("--timeout", type=float, default=10.0, help="a rerun slower than this fails, s")
    add(
        "--failover",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="then stop one app process (2 processes or more; default: on)",
    )
    add("--after", type=float, default=40, help="the run's length after the stop, s")
    add(
        "--signal",
        choices=("KILL", "TERM"),
        default="KILL",
        help="how the process is stopped (default: KILL, a crash)",
    )
    add(
        "--browsers",
        default="it,fr",
        type=lambda text: [lang.strip() for lang in text.split(",") if lang.strip()],
        help="languages of the Chromium pages on the stopped process ('' for none)",
    )
    add("--keep", action="store_true", help="keep each run folder (nginx's log, run.log)")
    args = parser.parse_args()
    if any(n < 1 for n in args.workers) or args.sessions < 1 or args.active < 0:
        parser.error("--workers and --sessions must be at least 1")

    def interrupted(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)

    print(f"load average before: {bench.load_average()}")
    print("the site: " + ("built" if bench.ensure_site(ROOT, False) else "fresh"))
    outcomes = []
    try:
        with contextlib.ExitStack() as stack:
            playwright = None
            if args.failover and args.browsers and any(n >= 2 for n in args.workers):
                from playwright.sync_api import sync_playwright

                playwright = stack.enter_context(sync_playwright())
            for workers in args.workers:
                outcomes.append(run_one(workers, args, playwright))
    except KeyboardInterrupt:
        print("\ninterrupted; deploy/run is stopped", file=sys.stderr)
        sys.exit(130)
    missed = report(outcomes, args)
    print(f"\nload average after: {bench.load_average()}")
    if missed:
        print(f"goals not met: {len(missed)} of the lines above")


if __name__ == "__main__":
    main()
