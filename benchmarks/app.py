"""The app as a person meets it: start-up, a changed field, bytes on the wire, reruns.

    python benchmarks/app.py [--sessions 25] [--seconds 30] [--skip-browser] [--skip-ws]
    python benchmarks/app.py --skip-browser --url http://127.0.0.1:8000/ [--pid PID]
    python benchmarks/app.py --skip-browser --skip-ws --batch-mb 200 [--root ../old-checkout]

Five measurements against a real `funnel-coach serve` on a free port of 127.0.0.1,
started by this script as a subprocess in its own process group and stopped on
the way out, Ctrl-C and SIGTERM included (--url measures a server already running
instead, and leaves it alone; --root serves another checkout, e.g. a copy with a
change to try):

0. The site is built first if stale, as `serve` would, outside the timings (under
   the test suite's lock). --rebuild times a full build into a scratch directory
   even when site/ is fresh: that plus a warm start is a cold start.
1. Start-up, warm: from starting `funnel-coach serve` to the verdict heading on
   screen in Chromium, which opens `/app/?lang=en&<profile>` as soon as the port
   accepts a connection (probed every 10 ms). Repeated --starts times.
2. A changed field: in Chromium, the "Has the budget" radio is clicked between
   Yes and No --changes times; each click turns the verdict from Prospect to Lead
   or back. performance.now() in the page times the click to the new verdict
   heading in the DOM and to the next animation frame; the page's WebSocket
   messages, and the same frames on DevTools' network clock, split that time
   into the server's part and the page's.
3. Bytes: the first load of a classifier page with its framed app (--page,
   default /it/classifier/) in a fresh browser context, cache off: the frame is
   scrolled into view, its verdict awaited, then the network left quiet for 1.5 s.
   HTTP sizes are DevTools' Network.loadingFinished encodedDataLength (bytes on
   the wire, headers included); WebSocket frames add their payloads (before
   permessage-deflate, so a little more than on the wire). kB and MB are 1000
   and 1,000,000 bytes.
4. Reruns over Streamlit's own protocol, no browser: BackMsg/ForwardMsg protobufs
   on ws://.../app/_stcore/stream, subprotocol "streamlit". The client does what
   the frontend does: it sends every widget's value with each rerun_script, and
   the query string the app last wrote (page_info_changed), the page's script
   hash and a context. After the first run it opens the form's "Fit and
   capacity" tab, as a click does (the form draws only the open tab's fields),
   and a change is sent as the page sends it: a rerun of the fragment that drew
   the widget (the Classify form and verdict), not of the whole page. A rerun is
   timed from sending the new value of `field_budget` to the script_finished
   ForwardMsg, and checked: its deltas must draw the verdict the change should
   give ("Verdict: Lead"/"Prospect").
   (a) one session alone, --reruns reruns, --pause apart; (b) --sessions
   sessions at once, each changing the field every --interval s for --seconds,
   spread over the interval. The server's CPU time comes from /proc.

5. Another user's reruns while a big batch runs, and memory after it (--batch-mb,
   default 200; 0 skips): a CSV of that size (the sample contacts repeated, in a
   scratch file) is uploaded through the Batch page in Chromium and classified by
   the real server, while a second session over the WebSocket flips its field
   every --batch-interval s; its reruns from the upload's start to the result on
   screen give p50/p95/max. The server's RSS (and with its child processes) is
   sampled every 100 ms: before the upload, its peak, right after, and once the
   uploading browser has closed (its session ended), for up to --settle s.

Goals on the 2-core reference machine: a classifier page with its app under
1.2 MB; reruns p50 under 20 ms alone and p95 under 100 ms with 25 sessions;
during a 200 MB batch another user's reruns p95 under 200 ms, and the server's
memory back within 100 MB of its level before the upload once that session ends.
Chromium, this client and the server share the machine, and figures move with
its load: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import fcntl
import math
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: A profile whose verdict is Prospect with budget=true and Lead with budget=false.
PROFILE = "identified=true&consent=single&in_target=true&budget=true&conversation=true&intent=high"
VERDICT = {True: "Verdict: Prospect", False: "Verdict: Lead"}
FIELD = "field_budget_en"  # app.state.widget_key("budget", "en")
OPTION = {True: "Yes", False: "No"}  # the radio's English labels for budget yes/no
TAB = "Fit and capacity"  # the form tab that holds field_budget

# The test suite's Chromium finder (with its flags) and free-port helper: one copy of each.
sys.path.insert(0, str(ROOT))
from tests.conftest import ChromiumMissing, free_port, launch_chromium  # noqa: E402

# --------------------------------------------------------------------------- helpers


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of a process, from /proc (NaN when unknown)."""
    if pid < 0:
        return math.nan
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def goal(ok: bool) -> str:
    return "goal met" if ok else "GOAL NOT MET"


def row(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<48} {value:>16}  {note}".rstrip())


def section(title: str) -> None:
    print(f"\n{title}", flush=True)


def fmt_bytes(n: float) -> str:
    return f"{n / 1000:,.1f} kB" if n < 1_000_000 else f"{n / 1_000_000:,.2f} MB"


# --------------------------------------------------------------------------- the server


def child_env(root: Path) -> dict[str, str]:
    # The checkout under test first on the path, ahead of the editable install.
    env = {**os.environ, "PYTHONPATH": str(root), "NO_MKDOCS_2_WARNING": "1"}
    env.pop("PYTHONSTARTUP", None)
    return env


def ensure_site(root: Path, rebuild: bool) -> float | None:
    """Build the site when stale, as `serve` would, under the tests' lock; with `rebuild`, time
    a full build into a scratch directory (site/ is left alone: tests may be serving it).
    Return the seconds of the build timed, or None."""
    code = (
        "import subprocess, sys, tempfile, time\n"
        "from app import server\n"
        "start = time.perf_counter()\n"
        "if server.site_is_stale():\n"
        "    server.build_site()\n"
        "elif REBUILD:\n"
        "    with tempfile.TemporaryDirectory() as out:\n"
        "        subprocess.run([sys.executable, '-m', 'mkdocs', 'build', '--strict', '--quiet',\n"
        "                        '--site-dir', out], cwd=server.ROOT, check=True)\n"
        "else:\n"
        "    sys.exit()\n"
        "print(time.perf_counter() - start)\n"
    ).replace("REBUILD", repr(rebuild))
    with open(root / ".site.lock", "w") as lock:  # the test suite's lock: one builder at a time
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env=child_env(root),
            stdout=subprocess.PIPE,
            check=True,
            text=True,
        )
    out = done.stdout.strip()
    return float(out) if out else None


def stop_group(process: subprocess.Popen[Any], grace: float, *, leader_only: bool = False) -> None:
    """SIGTERM (to the process group, or with `leader_only` to its leader, which
    stops its own children), then SIGKILL the whole group after `grace` seconds."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        if leader_only:
            process.send_signal(signal.SIGTERM)
        else:
            os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


class Server:
    """`funnel-coach serve` in its own process group, stopped however we leave."""

    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.port = port
        self.url = f"http://127.0.0.1:{port}/"
        self.process: subprocess.Popen[bytes] | None = None
        self.errors: Any = None  # the server's stderr, in a file: a pipe left unread could fill
        self.started_at = 0.0

    def start(self) -> None:
        script = Path(sys.executable).with_name("funnel-coach")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "classifier"]
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(
            [*command, "serve", "--port", str(self.port)],
            cwd=self.root,
            env=child_env(self.root),
            stdout=subprocess.DEVNULL,
            stderr=self.errors,
            start_new_session=True,  # Ctrl-C reaches us only; we stop it ourselves
        )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stderr_tail(self, limit: int = 4000) -> str:
        if self.errors is None:
            return ""
        self.errors.seek(0)
        return self.errors.read().decode(errors="replace")[-limit:]

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(
                f"funnel-coach serve exited ({self.process.returncode}):\n{self.stderr_tail()}"
            )

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            try:
                urllib.request.urlopen(self.url + "app/_stcore/health", timeout=2).close()
                return
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not answer in time") from None
                time.sleep(0.05)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        stop_group(process, grace=15)
        if self.errors is not None:
            self.errors.close()
            self.errors = None


class RunningServer(Server):
    """A server someone else started (--url): measured, never stopped; CPU read if --pid."""

    def __init__(self, url: str, pid: int | None) -> None:
        parts = urllib.parse.urlsplit(url)
        super().__init__(ROOT, parts.port or 80)
        self.url = f"{parts.scheme}://{parts.netloc}/"
        self.known_pid = -1 if pid is None else pid

    @property
    def pid(self) -> int:
        return self.known_pid


@contextlib.contextmanager
def measured(args: argparse.Namespace, root: Path) -> Iterator[Server]:
    """The server for measurements 2-4: the one at --url, or a new one."""
    if args.url:
        server = RunningServer(args.url, args.pid)
        server.wait_ready()
        yield server
        return
    with serving(root, args.port or free_port()) as server:
        server.wait_ready()
        yield server


@contextlib.contextmanager
def serving(root: Path, port: int) -> Iterator[Server]:
    server = Server(root, port)
    try:
        server.start()
        yield server
    finally:
        server.stop()


# --------------------------------------------------------------------------- the browser

SETTLED = """() => !document.querySelector('[data-stale="true"]')
    && !document.querySelector('[data-testid="stStatusWidget"]')"""

VERDICT_JS = """() => [...document.querySelectorAll('h2')].map(h => h.textContent.trim())
    .find(t => t.startsWith('Verdict: ')) || null"""

#: Click an option of the radio keyed `key`; resolve with [the click's performance.now(),
#: ms from it to the wanted verdict heading in the DOM, ms to the next animation frame].
FLIP_JS = """async ({key, option, want}) => {
  const box = document.querySelector('.st-key-' + key);
  const target = [...box.querySelectorAll('label')].find(l => l.textContent.trim() === option);
  if (!target) throw new Error('no option ' + option + ' in ' + key);
  const verdict = () => [...document.querySelectorAll('h2')].map(h => h.textContent.trim())
      .find(t => t.startsWith('Verdict: '));
  return await new Promise((resolve, reject) => {
    let done = false;
    const check = () => {
      if (done || verdict() !== want) return;
      done = true;
      const dom = performance.now() - t0;
      observer.disconnect();
      requestAnimationFrame(() => resolve([t0, dom, performance.now() - t0]));
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, {subtree: true, childList: true, characterData: true});
    setTimeout(() => { if (!done) { observer.disconnect(); reject(new Error('timeout')); } },
      15000);
    const t0 = performance.now();
    target.click();
  });
}"""


def open_browser(playwright: Any) -> Any:
    try:
        return launch_chromium(playwright)
    except (ChromiumMissing, ValueError) as missing:
        sys.exit(f"benchmarks/app.py: {missing}")


def goto_when_up(page: Any, url: str, server: Server, timeout: float = 120) -> None:
    """Open `url` as soon as the port accepts a connection (probed every 10 ms)."""
    deadline = time.monotonic() + timeout
    while True:
        with socket.socket() as probe:
            probe.settimeout(1)
            if probe.connect_ex(("127.0.0.1", server.port)) == 0:
                break
        server.check_alive()
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not open its port in time")
        time.sleep(0.01)
    page.goto(url, wait_until="commit")


def bench_startup(browser: Any, root: Path, starts: int) -> list[tuple[float, float]]:
    """[(seconds to the port answering, seconds to the verdict on screen)] per start."""
    results = []
    for _ in range(starts):
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(120_000)
        with serving(root, free_port()) as server:
            goto_when_up(page, f"{server.url}app/?lang=en&{PROFILE}", server)
            answered = time.perf_counter() - server.started_at
            page.get_by_role("heading", name=VERDICT[True], exact=True).wait_for()
            results.append((answered, time.perf_counter() - server.started_at))
        context.close()
    return results


#: Timestamps of the page's WebSocket traffic, to split a change's time (added before
#: the app's own listeners, so it sees each message first).
WS_TAP_JS = """(() => {
  const Native = window.WebSocket;
  window.__fcSent = []; window.__fcReceived = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => window.__fcReceived.push(performance.now()));
    }
    send(data) { window.__fcSent.push(performance.now()); return super.send(data); }
  };
})();"""


def bench_changes(browser: Any, server: Server, changes: int) -> list[tuple[float, ...]]:
    """Per change of the budget radio, ms from the click to: the BackMsg sent, the first
    ForwardMsg in, the last one in before the new verdict, the verdict in the DOM, the next
    frame, the run's last ForwardMsg in; and, on the network's clock, from the BackMsg out to
    the run's last ForwardMsg in."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.add_init_script(WS_TAP_JS)
    page = context.new_page()
    page.set_default_timeout(30_000)
    # The network's view of the same frames (DevTools clock, seconds): not held up by the
    # page's main thread, unlike the WebSocket message events the page itself sees.
    wire: dict[str, list[float]] = {"sent": [], "received": []}
    cdp = context.new_cdp_session(page)
    cdp.on("Network.webSocketFrameSent", lambda e: wire["sent"].append(e["timestamp"]))
    cdp.on("Network.webSocketFrameReceived", lambda e: wire["received"].append(e["timestamp"]))
    cdp.send("Network.enable")
    try:
        page.goto(f"{server.url}app/?lang=en&{PROFILE}")
        page.get_by_role("heading", name=VERDICT[True], exact=True).wait_for()
        page.get_by_role("tab", name=TAB).click()
        radio = page.locator(f".st-key-{FIELD}")
        for option in OPTION.values():  # the radio's code arrives lazily: wait for its options
            radio.get_by_text(option, exact=True).wait_for()
        page.wait_for_function(SETTLED, polling=50)
        budget = True
        results = []
        for _ in range(changes):
            budget = not budget
            page.evaluate("() => { window.__fcSent = []; window.__fcReceived = []; }")
            wire["sent"].clear()
            wire["received"].clear()
            t0, dom, frame = page.evaluate(
                FLIP_JS, {"key": FIELD, "option": OPTION[budget], "want": VERDICT[budget]}
            )
            page.wait_for_function(SETTLED, polling=50)
            if page.evaluate(VERDICT_JS) != VERDICT[budget]:
                raise AssertionError(f"the verdict did not stay {VERDICT[budget]!r}")
            sent, received = page.evaluate("() => [window.__fcSent, window.__fcReceived]")
            received = [t - t0 for t in received]
            results.append(
                (
                    sent[0] - t0 if sent else math.nan,
                    min(received, default=math.nan),
                    max((t for t in received if t <= dom), default=math.nan),
                    dom,
                    frame,
                    max(received, default=math.nan),
                    (max(wire["received"]) - min(wire["sent"])) * 1000
                    if wire["sent"] and wire["received"]
                    else math.nan,
                )
            )
            page.wait_for_timeout(250)  # a person's pause between two changes
        return results
    finally:
        context.close()


@dataclass
class Transfer:
    http: dict[str, int] = field(default_factory=dict)  # request id -> encoded bytes
    kinds: dict[str, str] = field(default_factory=dict)  # request id -> resource type
    urls: dict[str, str] = field(default_factory=dict)
    encodings: dict[str, str] = field(default_factory=dict)  # request id -> content-encoding
    failed: int = 0
    ws_received: int = 0
    ws_sent: int = 0
    ws_frames: int = 0
    ws_extensions: str = ""
    last_event: float = field(default_factory=time.monotonic)


def bench_bytes(browser: Any, server: Server, path: str) -> tuple[Transfer, str]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    cdp = context.new_cdp_session(page)
    seen = Transfer()

    def touched() -> None:
        seen.last_event = time.monotonic()

    def on_response(event: dict[str, Any]) -> None:
        seen.kinds[event["requestId"]] = event.get("type", "Other")
        seen.urls[event["requestId"]] = event["response"]["url"]
        headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
        seen.encodings[event["requestId"]] = headers.get("content-encoding", "")
        touched()

    def on_finished(event: dict[str, Any]) -> None:
        seen.http[event["requestId"]] = int(event["encodedDataLength"])
        touched()

    def on_failed(_event: dict[str, Any]) -> None:
        seen.failed += 1
        touched()

    def payload_size(event: dict[str, Any]) -> int:
        frame = event["response"]
        data = frame.get("payloadData", "")
        if frame.get("opcode") == 2:  # binary frames come base64-encoded
            return len(base64.b64decode(data))
        return len(data.encode())

    def on_ws_received(event: dict[str, Any]) -> None:
        seen.ws_received += payload_size(event)
        seen.ws_frames += 1
        touched()

    def on_ws_sent(event: dict[str, Any]) -> None:
        seen.ws_sent += payload_size(event)
        touched()

    def on_ws_handshake(event: dict[str, Any]) -> None:
        headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
        seen.ws_extensions = headers.get("sec-websocket-extensions", "")

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    cdp.on("Network.loadingFailed", on_failed)
    cdp.on("Network.webSocketFrameReceived", on_ws_received)
    cdp.on("Network.webSocketFrameSent", on_ws_sent)
    cdp.on("Network.webSocketHandshakeResponseReceived", on_ws_handshake)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    try:
        page.goto(server.url + path.lstrip("/"), wait_until="load")
        frame_element = page.locator("iframe.fc-app__frame")
        frame_element.scroll_into_view_if_needed()
        frame = page.frame_locator("iframe.fc-app__frame")
        current = frame.locator("ol.fc-funnel li.fc-current")
        current.wait_for()
        frame_element.element_handle().content_frame().wait_for_function(SETTLED, polling=50)
        stage = current.inner_text().split("\n")[0].strip()
        # Let late requests (fonts, icons, lazy chunks) finish: 1.5 s without any network event.
        deadline = time.monotonic() + 20
        while time.monotonic() - seen.last_event < 1.5 and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        return seen, stage
    finally:
        context.close()


# --------------------------------------------------------------------------- the WebSocket client


@dataclass
class Run:
    ms: float
    headings: list[str]
    status: int


WidgetValue = tuple[str, Any] | None  # (WidgetState value field, value), or None: no value


def widget_value(which: str, proto: Any) -> WidgetValue:
    """The value the frontend would hold for a widget as drawn (set_value or its default)."""

    def has(name: str) -> bool:
        try:
            return bool(proto.HasField(name))
        except ValueError:
            return False

    if which in ("radio", "selectbox"):
        if proto.set_value:
            return ("string_value", proto.raw_value)
        if has("default") and proto.options:
            return ("string_value", proto.options[proto.default])
        return None
    if which == "number_input":
        if proto.set_value and has("value"):
            number = proto.value
        elif has("default"):
            number = proto.default
        else:
            return None
        if proto.data_type == proto.INT:
            return ("int_value", int(number))
        return ("double_value", number)
    if which == "text_input":
        return ("string_value", proto.value if proto.set_value else proto.default)
    return None


class StreamlitClient:
    """Speaks Streamlit's protocol as the frontend does: BackMsg out, ForwardMsg in.

    Like the browser it keeps every widget's value and sends them all with each rerun,
    sends back the query string the app last wrote (page_info_changed, the browser's
    address bar), the page's script hash, and a context (locale, time zone, URL).
    `cookie` (e.g. "fc_route=KEY", behind deploy/'s nginx) goes with every request,
    as a browser's cookie jar would send it."""

    def __init__(self, url: str, cookie: str = "") -> None:
        self.url = url
        self.cookie = cookie
        self.ws: Any = None
        self.query = f"lang=en&{PROFILE}"
        self.page_hash = ""
        self.widgets: dict[str, WidgetValue] = {}  # widget id -> value, as the frontend holds
        self.ids: dict[str, tuple[str, list[str]]] = {}  # user key -> (widget id, options)
        self.fragments: dict[str, str] = {}  # widget id -> the fragment that drew it, if any
        self.tabs = ""  # the id of the form's tabs, which draw only the open tab's fields

    async def connect(self) -> None:
        import websockets

        stream = self.url.replace("http://", "ws://") + "app/_stcore/stream"
        # permessage-deflate on, as Chromium negotiates it
        self.ws = await websockets.connect(
            stream,
            subprotocols=["streamlit"],
            max_size=None,
            close_timeout=2,
            additional_headers={"Cookie": self.cookie} if self.cookie else None,
        )

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def reconnect(self, attempts: int = 12) -> int:
        """Open a new WebSocket once this one has dropped, as Streamlit 1.67's frontend
        does (its ConnectionManager): wait 250-500 ms (then up to 4 s, doubling), ping
        _stcore/health and _stcore/host-config until both answer 200 (retried after 100 ms,
        doubling up to 4 s), then connect; all again if that fails. No rerun: the frontend
        asks for one at once only when a run was under way. Returns the attempts made."""
        import websockets

        await self.close()
        base = f"{self.url}app/_stcore/"
        for attempt in range(1, attempts + 1):
            top = min(4.0, 0.5 * 2 ** (attempt - 1))
            await asyncio.sleep(random.uniform(0.25 if attempt == 1 else top / 2, top))
            for ping in range(1, 20):
                try:
                    answers = await asyncio.gather(
                        http_get(base + "health", self.cookie),
                        http_get(base + "host-config", self.cookie),
                    )
                    for _status, headers in answers:
                        self.keep_cookies(headers)
                    if all(status == 200 for status, _headers in answers):
                        break
                except (OSError, EOFError, TimeoutError):
                    pass
                wait = min(4.0, 0.1 * 2 ** (ping - 1))
                await asyncio.sleep(wait if ping == 1 else wait * random.uniform(0.7, 1))
            try:
                await self.connect()
                return attempt
            except (OSError, TimeoutError, websockets.InvalidHandshake):
                continue
        raise RuntimeError(f"no new WebSocket after {attempts} attempts")

    def keep_cookies(self, headers: dict[str, str]) -> None:
        """Take the cookies a response sets, as the browser's jar does (behind
        deploy/'s nginx, `fc_route` is rewritten when another process answered)."""
        jar = dict(part.split("=", 1) for part in self.cookie.split("; ") if "=" in part)
        for line in headers.get("set-cookie", "").splitlines():
            name, _equals, value = line.split(";", 1)[0].strip().partition("=")
            if name:
                jar[name] = value
        self.cookie = "; ".join(f"{name}={value}" for name, value in jar.items())

    def _drawn(self, which: str, proto: Any, fragment: str) -> None:
        key = proto.id.rsplit("-", 1)[-1]
        self.fragments[proto.id] = fragment
        self.ids[key] = (proto.id, list(getattr(proto, "options", [])))
        if proto.id not in self.widgets or getattr(proto, "set_value", False):
            self.widgets[proto.id] = widget_value(which, proto)

    async def rerun(
        self,
        changes: dict[str, WidgetValue] | None = None,
        timeout: float = 60,
        fragment: str = "",
    ) -> Run:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.widgets.update(changes or {})
        back = BackMsg()
        state = back.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.fragment_id = fragment  # a change inside an st.fragment reruns only it
        state.context_info.locale = "en-US"
        state.context_info.timezone = "UTC"
        state.context_info.url = f"{self.url}app/"
        state.context_info.color_scheme = "light"
        for widget_id, value in self.widgets.items():
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            if value is not None:
                setattr(widget, value[0], value[1])
        payload = back.SerializeToString()
        start = time.perf_counter()
        await self.ws.send(payload)
        headings: list[str] = []
        async with asyncio.timeout(timeout):
            while True:
                msg = ForwardMsg()
                msg.ParseFromString(await self.ws.recv())
                kind = msg.WhichOneof("type")
                if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    element = msg.delta.new_element
                    which = element.WhichOneof("type")
                    if which == "heading":
                        headings.append(element.heading.body)
                    elif which == "exception":
                        raise RuntimeError(f"the app raised: {element.exception.message[:200]}")
                    elif which in ("radio", "selectbox", "number_input", "text_input"):
                        self._drawn(which, getattr(element, which), msg.delta.fragment_id)
                elif kind == "delta" and msg.delta.WhichOneof("type") == "add_block":
                    block = msg.delta.add_block
                    if block.WhichOneof("type") == "tab_container" and block.id:
                        self.tabs = block.id
                elif kind == "page_info_changed":
                    self.query = msg.page_info_changed.query_string  # as the browser's URL bar
                elif kind == "navigation" and msg.navigation.page_script_hash:
                    self.page_hash = msg.navigation.page_script_hash
                elif kind == "script_finished":
                    return Run((time.perf_counter() - start) * 1000, headings, msg.script_finished)

    async def start(self, timeout: float = 60) -> Run:
        """The page's first run, then a click on the form's tab that holds the
        budget field (the form draws only the open tab's fields); the first run's
        verdict is returned."""
        first = await self.rerun(timeout=timeout)
        if FIELD not in self.ids and self.tabs:
            await self.rerun({self.tabs: ("string_value", TAB)}, timeout=timeout)
        return first

    async def change(self, key: str, choice: str, timeout: float = 60) -> Run:
        """A widget's new value (by user key), sent as the page sends it: a rerun of
        the fragment that drew the widget, if one did."""
        widget_id = self.ids[key][0]
        changes: dict[str, WidgetValue] = {widget_id: ("string_value", choice)}
        return await self.rerun(changes, timeout, fragment=self.fragments.get(widget_id, ""))

    async def flip(self, budget: bool) -> Run:
        options = self.ids[FIELD][1]
        run = await self.change(FIELD, options[1 if budget else 2])  # Unknown, Yes, No
        if VERDICT[budget] not in run.headings:
            raise AssertionError(f"expected {VERDICT[budget]!r}, the run drew {run.headings}")
        return run


async def http_get(url: str, cookie: str = "", timeout: float = 15) -> tuple[int, dict[str, str]]:
    """GET an http:// URL as a browser would, with its cookie: the status and the headers
    (names in lower case, repeated ones joined by newlines); the body is read and dropped."""
    parts = urllib.parse.urlsplit(url)
    lines = [f"GET {parts.path or '/'}{'?' if parts.query else ''}{parts.query} HTTP/1.1"]
    lines += [f"Host: {parts.netloc}", "Connection: close"]
    lines += [f"Cookie: {cookie}"] if cookie else []
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            await reader.read()
        finally:
            writer.close()
    status, *fields = head.strip().split("\r\n")
    headers: dict[str, str] = {}
    for line in fields:
        name, _colon, value = line.partition(":")
        key = name.strip().lower()
        headers[key] = f"{headers[key]}\n{value.strip()}" if key in headers else value.strip()
    return int(status.split()[1]), headers


async def ws_solo(url: str, reruns: int, pause: float) -> list[float]:
    client = StreamlitClient(url)
    await client.connect()
    try:
        first = await client.start()
        if VERDICT[True] not in first.headings:
            raise AssertionError(f"first run drew {first.headings}")
        budget, times = True, []
        for i in range(reruns + 3):
            budget = not budget
            run = await client.flip(budget)
            if i >= 3:  # three warm-up reruns left out
                times.append(run.ms)
            await asyncio.sleep(pause)
        return times
    finally:
        await client.close()


@dataclass
class Crowd:
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    late_sends: int = 0
    lags: list[float] = field(default_factory=list)  # this client's own 10 ms ticks, overshoot ms


async def watch_lag(lags: list[float], until: float) -> None:
    """Record how late 10 ms sleeps wake: a stall here is the machine's, not the server's."""
    while time.perf_counter() < until:
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append((time.perf_counter() - before - 0.01) * 1000)


async def ws_crowd(url: str, sessions: int, seconds: float, interval: float) -> Crowd:
    crowd = Crowd()
    clients = [StreamlitClient(url) for _ in range(sessions)]
    try:
        for client in clients:  # connect and draw the first page one by one, as arrivals would
            await client.connect()
            first = await client.start()
            if VERDICT[True] not in first.headings:
                raise AssertionError(f"first run drew {first.headings}")
        start = time.perf_counter() + 0.5
        end = start + seconds

        async def user(index: int, client: StreamlitClient) -> None:
            budget = True
            due = start + interval * index / sessions  # spread over the second
            while due < end:
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                else:
                    crowd.late_sends += 1
                budget = not budget
                try:
                    crowd.times.append((await client.flip(budget)).ms)
                except (AssertionError, TimeoutError, RuntimeError) as error:
                    crowd.errors.append(f"session {index}: {error}")
                    return
                due += interval

        await asyncio.gather(
            watch_lag(crowd.lags, end), *(user(i, c) for i, c in enumerate(clients))
        )
        return crowd
    finally:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)


# --------------------------------------------------------------------------- a big batch


def rss_mb(pid: int, family: bool = False) -> float:
    """Resident memory of a process (and, with `family`, of its descendants), MB."""
    if pid < 0:
        return math.nan
    pids, total = [pid], 0.0
    while pids:
        current = pids.pop()
        with contextlib.suppress(OSError, ValueError, IndexError):
            status = Path(f"/proc/{current}/status").read_text()
            total += int(status.split("VmRSS:")[1].split()[0]) / 1000
            if family:
                for task in Path(f"/proc/{current}/task").iterdir():
                    pids += [int(c) for c in (task / "children").read_text().split()]
    return total


def big_csv(folder: Path, megabytes: int) -> Path:
    """The sample contacts repeated up to `megabytes` MB (1,000,000 bytes), under 200 MB."""
    lines = (ROOT / "examples" / "contacts.csv").read_bytes().splitlines(keepends=True)
    header, body = lines[0], b"".join(lines[1:])
    limit = min(megabytes * 1_000_000, 200 * 1_000_000) - len(header)
    path = folder / f"contacts-{megabytes}mb.csv"
    with path.open("wb") as out:
        out.write(header)
        written = 0
        while written + len(body) <= limit:
            out.write(body)
            written += len(body)
    return path


@dataclass
class Batch:
    reruns: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    said: str = ""
    rss: dict[str, float] = field(default_factory=dict)


def bench_batch(
    browser: Any, server: Server, megabytes: int, interval: float, settle: float
) -> Batch:
    import threading

    result = Batch()
    samples: list[tuple[float, float, float]] = []  # time, server RSS, with children
    stop_sampling = threading.Event()

    def sample() -> None:
        while not stop_sampling.is_set():
            samples.append(
                (time.perf_counter(), rss_mb(server.pid), rss_mb(server.pid, family=True))
            )
            time.sleep(0.1)

    window: list[float] = []  # the upload's start and end, perf_counter
    stop_other = threading.Event()

    async def other_user() -> None:
        client = StreamlitClient(server.url)
        await client.connect()
        try:
            await client.start()
            budget = True
            while not stop_other.is_set():
                budget = not budget
                sent = time.perf_counter()
                try:
                    run = await client.flip(budget)
                except (AssertionError, TimeoutError, RuntimeError) as error:
                    result.errors.append(str(error)[:200])
                    return
                if window and sent >= window[0] and (len(window) == 1 or sent <= window[1]):
                    result.reruns.append(run.ms)
                await asyncio.sleep(interval)
        finally:
            await client.close()

    with tempfile.TemporaryDirectory() as folder:
        path = big_csv(Path(folder), megabytes)
        size = path.stat().st_size
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        other = threading.Thread(target=lambda: asyncio.run(other_user()), daemon=True)
        other.start()
        result.rss["server started"] = rss_mb(server.pid)
        # A first, small batch in a session that ends: the libraries the page loads
        # once (polars, pyarrow) are then part of the level "before".
        warm = browser.new_context()
        page = warm.new_page()
        page.goto(f"{server.url}app/?page=batch&lang=en")
        page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(
            str(ROOT / "examples" / "contacts.csv")
        )
        page.locator("[data-testid=stTable]").wait_for(timeout=120_000)
        warm.close()
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(600_000)
        page.goto(f"{server.url}app/?page=batch&lang=en")
        page.locator("[data-testid=stFileUploaderDropzoneInput]").wait_for(state="attached")
        page.wait_for_function(SETTLED)
        time.sleep(2)
        result.rss["before (a small batch done)"] = rss_mb(server.pid)
        window.append(time.perf_counter())
        page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(path))
        outcome = page.locator(
            "[data-testid=stAlertContentSuccess], [data-testid=stAlertContentWarning], "
            "[data-testid=stAlertContentError]"
        ).first
        outcome.wait_for()
        window.append(time.perf_counter())
        if not page.locator("[data-testid=stAlertContentError]").count():
            page.locator("[data-testid=stTable]").wait_for()
        result.seconds = window[1] - window[0]
        result.said = f"{size / 1e6:.0f} MB: " + outcome.inner_text().strip()[:120]
        result.rss["result on screen"] = rss_mb(server.pid)
        stop_other.set()
        other.join(timeout=60)
        context.close()  # the uploading session ends
        closed = time.perf_counter()
        while time.perf_counter() - closed < settle:
            time.sleep(1)
            if rss_mb(server.pid) - result.rss["before (a small batch done)"] < 50:
                break
        result.rss["after the session closed"] = rss_mb(server.pid)
        result.rss["seconds waited after closing"] = time.perf_counter() - closed
        stop_sampling.set()
        sampler.join()
    during = [s for s in samples if window[0] <= s[0] <= window[1] + 1]
    result.rss["peak (server)"] = max(s[1] for s in during)
    result.rss["peak (server + children)"] = max(s[2] for s in during)
    return result


def report_batch(args: argparse.Namespace, root: Path) -> list[str]:
    from playwright.sync_api import sync_playwright

    failures = []
    with sync_playwright() as playwright, measured(args, root) as server:
        browser = open_browser(playwright)
        try:
            section(
                f"5. Another user's reruns during a {args.batch_mb} MB batch, and memory after it"
            )
            batch = bench_batch(browser, server, args.batch_mb, args.batch_interval, args.settle)
        finally:
            browser.close()
    row("upload + classification, to the result on screen", f"{batch.seconds:.1f} s")
    row("the page said", batch.said[:60])
    if batch.reruns:
        row(f"{len(batch.reruns)} reruns of another session", stats_line(batch.reruns))
        ok = percentile(batch.reruns, 95) < 200
        row("", f"p95 < 200 ms: {goal(ok)}")
        if not ok:
            failures.append("rerun p95 during the batch")
    for error in batch.errors[:3]:
        print(f"  error: {error}")
    if batch.errors or not batch.reruns:
        failures.append("the other session's reruns failed")
    for name, value in batch.rss.items():
        row(name, f"{value:,.0f} {'s' if name.startswith('seconds') else 'MB'}")
    back = batch.rss["after the session closed"] - batch.rss["before (a small batch done)"]
    row("", f"back within 100 MB ({back:+,.0f} MB): {goal(back < 100)}")
    if back >= 100:
        failures.append("memory after the batch")
    return failures


# --------------------------------------------------------------------------- main


def stats_line(times: Sequence[float]) -> str:
    p50, p95, p99 = (percentile(times, q) for q in (50, 95, 99))
    return f"p50 {p50:.1f}  p95 {p95:.1f}  p99 {p99:.1f}  max {max(times):.1f} ms"


def spread(values: Sequence[float]) -> str:
    values = [v for v in values if not math.isnan(v)]
    if not values:
        return "n/a"
    return f"{percentile(values, 50):.0f} / {percentile(values, 95):.0f} / {max(values):.0f} ms"


def report_browser(args: argparse.Namespace, root: Path, built: float | None) -> list[str]:
    from playwright.sync_api import sync_playwright

    failures = []
    with sync_playwright() as playwright:
        browser = open_browser(playwright)
        try:
            if args.starts > 0 and not args.url:
                section("1. Start-up: `funnel-coach serve` to the verdict on screen (site built)")
                starts = bench_startup(browser, root, args.starts)
                for i, (answered, shown) in enumerate(starts, 1):
                    row(
                        f"start {i}: port answers / verdict on screen",
                        f"{answered:.2f} / {shown:.2f} s",
                    )
                warm = statistics.median(shown for _answered, shown in starts)
                row("median to the verdict (warm)", f"{warm:.2f} s")
                if built is not None:
                    row("cold: site build + start", f"{built + warm:.2f} s")

            with measured(args, root) as server:
                section(f"2. A changed field to the new verdict in Chromium ({args.changes} flips)")
                changes = bench_changes(browser, server, args.changes)
                columns = list(zip(*changes, strict=True))
                row("from the click, p50 / p95 / max:", "")
                row("  BackMsg sent", spread(columns[0]))
                row("  first ForwardMsg in", spread(columns[1]))
                row("  last ForwardMsg in before the verdict", spread(columns[2]))
                row("  new verdict heading in the DOM", spread(columns[3]))
                row("  next animation frame (on screen)", spread(columns[4]))
                row("  last ForwardMsg of the run in", spread(columns[5]))
                row("on the wire: BackMsg out to last ForwardMsg in", spread(columns[6]))

                section(f"3. Bytes for the first load of {args.page} with its app")
                failures += report_bytes(browser, server, args.page, args.verbose)
        finally:
            browser.close()
    return failures


def report_bytes(browser: Any, server: Server, path: str, verbose: bool) -> list[str]:
    seen, stage = bench_bytes(browser, server, path)
    by_kind: dict[str, int] = {}
    site = app = 0
    for rid, size in seen.http.items():
        kind = seen.kinds.get(rid, "Other")
        by_kind[kind] = by_kind.get(kind, 0) + size
        if "/app/" in seen.urls.get(rid, ""):
            app += size
        else:
            site += size
    for kind, size in sorted(by_kind.items(), key=lambda kv: -kv[1]):
        row(f"  {kind}", fmt_bytes(size))
    if verbose:
        biggest = sorted(seen.http.items(), key=lambda kv: -kv[1])[:15]
        for rid, size in biggest:
            url = seen.urls.get(rid, "?").replace(server.url, "/")
            print(f"      {fmt_bytes(size):>10}  {seen.encodings.get(rid) or '-':>5}  {url}")
    http = sum(seen.http.values())
    row("HTTP, site / app", f"{fmt_bytes(site)} / {fmt_bytes(app)}")
    row(f"HTTP total ({len(seen.http)} responses, {seen.failed} failed)", fmt_bytes(http))
    row(
        f"WebSocket payloads in ({seen.ws_frames} frames) / out",
        f"{fmt_bytes(seen.ws_received)} / {fmt_bytes(seen.ws_sent)}",
    )
    row("  WebSocket extensions", seen.ws_extensions or "none")
    total = http + seen.ws_received + seen.ws_sent
    row("total, WebSocket payloads included", fmt_bytes(total), f"< 1.2 MB: {goal(total < 1.2e6)}")
    row("stage shown in the frame", stage)
    return [] if total < 1.2e6 else ["bytes"]


def report_ws(args: argparse.Namespace, root: Path) -> list[str]:
    failures = []
    with measured(args, root) as server:
        section(f"4a. Reruns over the WebSocket, one session alone ({args.reruns} reruns)")
        cpu0 = cpu_seconds(server.pid)
        solo = asyncio.run(ws_solo(server.url, args.reruns, args.pause))
        cpu = (cpu_seconds(server.pid) - cpu0) / (len(solo) + 4) * 1000
        row("flip sent -> script_finished", stats_line(solo))
        row("", f"p50 < 20 ms: {goal(percentile(solo, 50) < 20)}")
        row("server CPU per rerun", f"{cpu:.1f} ms")
        if percentile(solo, 50) >= 20:
            failures.append("lone p50")

        section(
            f"4b. {args.sessions} sessions, each flipping the field every "
            f"{args.interval:g} s for {args.seconds:g} s"
        )
        cpu0, wall0, own0 = cpu_seconds(server.pid), time.perf_counter(), time.process_time()
        crowd = asyncio.run(ws_crowd(server.url, args.sessions, args.seconds, args.interval))
        wall = time.perf_counter() - wall0
        if crowd.times:
            rate = len(crowd.times) / args.seconds
            row(f"{len(crowd.times)} reruns checked ({rate:.1f}/s)", stats_line(crowd.times))
            row("", f"p95 < 100 ms: {goal(percentile(crowd.times, 95) < 100)}")
            if percentile(crowd.times, 95) >= 100:
                failures.append("crowd p95")
        server_cpu = (cpu_seconds(server.pid) - cpu0) / wall * 100
        row("server CPU busy", f"{server_cpu:.0f} % of a core")
        row(
            "this client's CPU busy", f"{(time.process_time() - own0) / wall * 100:.0f} % of a core"
        )
        row("sends behind schedule", str(crowd.late_sends))
        if crowd.lags:
            lag = f"p99 {percentile(crowd.lags, 99):.0f} ms, max {max(crowd.lags):.0f} ms"
            row("this client's own stalls (10 ms ticks)", lag)
        for error in crowd.errors[:5]:
            print(f"  error: {error}")
        if crowd.errors:
            failures.append(f"{len(crowd.errors)} sessions failed")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("--port", type=int, default=0, help="port of the measured server (default: a free one)")
    add("--root", type=Path, default=ROOT, help="checkout to serve (default: this one)")
    add("--rebuild", action="store_true", help="time a site build even when the site is fresh")
    add("--starts", type=int, default=3, help="server starts timed (default: 3)")
    add("--changes", type=int, default=20, help="field changes in Chromium (default: 20)")
    add("--page", default="/it/classifier/", help="classifier page to weigh")
    add("--reruns", type=int, default=50, help="reruns of the lone session (default: 50)")
    add("--pause", type=float, default=0.2, help="lone session's pause between reruns, s")
    add("--sessions", type=int, default=25, help="concurrent sessions (default: 25)")
    add("--seconds", type=float, default=30, help="length of the concurrent run, s")
    add("--interval", type=float, default=1.0, help="each session's change interval, s")
    add("--skip-browser", action="store_true", help="skip measurements 1-3 (Chromium)")
    add("--skip-ws", action="store_true", help="skip measurement 4 (WebSocket reruns)")
    add("--verbose", action="store_true", help="list the largest responses")
    add(
        "--url",
        help="measure this running server instead (e.g. http://127.0.0.1:8000/): "
        "only 2-4, and the site must be built",
    )
    add("--pid", type=int, help="with --url: the server's process id, to read its CPU time")
    add("--batch-mb", type=int, default=200, help="size of the batch upload, MB (0: skip 5)")
    add("--batch-interval", type=float, default=0.25, help="other session's rerun pause, s")
    add("--settle", type=float, default=120, help="longest wait for memory after the batch, s")
    args = parser.parse_args()
    root = args.root.resolve()

    # SIGTERM and SIGHUP unwind like Ctrl-C, so the servers are stopped on the way out.
    def interrupted(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)

    print(f"server: {args.url or f'funnel-coach serve from {root}'}")
    print(f"load average before: {load_average()}")
    failures: list[str] = []
    try:
        built = None
        if not args.url:
            section("0. Site build (mkdocs: what `serve` does first when the site is stale)")
            built = ensure_site(root, args.rebuild)
            if built is None:
                row("site build", "fresh, skipped", "(--rebuild to time it)")
            else:
                row("site build", f"{built:.2f} s")
        if not args.skip_browser:
            failures += report_browser(args, root, built)
        if not args.skip_ws:
            failures += report_ws(args, root)
        if args.batch_mb > 0:
            failures += report_batch(args, root)
    except KeyboardInterrupt:
        print("\ninterrupted; the server is stopped", file=sys.stderr)
        sys.exit(130)
    print(f"\nload average after: {load_average()}")
    if failures:
        print(f"goals not met: {', '.join(failures)}")


if __name__ == "__main__":
    main()
