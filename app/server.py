"""One process, one port: the built site at `/` and the Streamlit app at
`/app/`, compressed, nothing fetched from elsewhere.

The app runs through `st.App` under uvicorn rather than `streamlit run`:
reruns are faster (no Nagle delay on the socket) and the site and the app
share one origin, so uploads pass Streamlit's XSRF check.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import logging
import os
import re
import socket
import subprocess
import sys
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (
    "docs",
    "overrides",
    "mkdocs.yml",
    "course",
)  # the course data is rendered into the lessons


def site_dir() -> Path:
    return ROOT / "site"


#: The public address of the site, for its canonical and hreflang links
#: (mkdocs.yml reads it at build time; `serve --site-url` sets it).
SITE_URL_ENV = "FUNNEL_COACH_SITE_URL"
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)"')


def site_url() -> str:
    """The public address the site is built for, ending with a slash."""
    wanted = os.environ.get(SITE_URL_ENV, "").strip()
    return wanted.rstrip("/") + "/" if wanted else DEFAULT_SITE_URL


def site_is_stale(site: Path | None = None) -> bool:
    """True when the built site is missing, older than any of its sources, or
    built for another public address than `site_url()`."""
    site = site or site_dir()
    marker = site / "index.html"
    if not marker.exists():
        return True
    built_for = CANONICAL.search(marker.read_text(encoding="utf-8", errors="replace"))
    if built_for is None or built_for.group(1) != site_url():
        return True
    built = marker.stat().st_mtime
    for name in SOURCES:
        source = ROOT / name
        paths = [source] if source.is_file() else source.rglob("*")
        if any(p.stat().st_mtime > built for p in paths if p.is_file()):
            return True
    return False


def build_site() -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"],
        cwd=ROOT,
        check=True,
        env=env,
    )


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


APP_SCRIPT = Path(__file__).resolve().parent / "main.py"
MAX_UPLOAD_MB = 200

SITE_FONT = "-apple-system, BlinkMacSystemFont, Helvetica, Arial, sans-serif"
THEME_LIGHT = {
    "primaryColor": "#303f9f",
    "backgroundColor": "#ffffff",
    "secondaryBackgroundColor": "#f5f6fa",
    "textColor": "#1f1f1f",
    "linkColor": "#283593",
    "font": SITE_FONT,
    "headingFont": SITE_FONT,
}
THEME_DARK = {
    "primaryColor": "#5c6bc0",
    "backgroundColor": "#1e2129",
    "secondaryBackgroundColor": "#272935",
    "textColor": "#e9ebfc",
    "linkColor": "#9fa8ff",
    "font": SITE_FONT,
    "headingFont": SITE_FONT,
}

#: Product settings: no usage statistics, no file watcher, a minimal toolbar.
STREAMLIT_OPTIONS = {
    "browser.gatherUsageStats": False,
    "server.headless": True,
    "server.fileWatcherType": "none",
    "server.runOnSave": False,
    "server.maxUploadSize": 200,
    # Only this server's pages may drive the app through postMessage (the default
    # trusts Streamlit Cloud's origins), and disconnected sessions, with their
    # uploads and downloads, are let go after 30 s (see downloads.sweeping).
    "client.allowedOrigins": [],
    "server.disconnectedSessionTTL": 30,
    "client.toolbarMode": "minimal",
    "client.showErrorDetails": "none",
    "global.developmentMode": False,
    # The site's palettes and font: light (Material "default", indigo) and dark
    # (Material "slate"). The site's frame asks for one with ?embed_options=;
    # the standalone app follows the system.
    **{f"theme.light.{k}": v for k, v in THEME_LIGHT.items()},
    **{f"theme.dark.{k}": v for k, v in THEME_DARK.items()},
    # Streamlit collects garbage after every rerun (20-40 ms of a blocked server
    # on this machine); the app keeps no cycles worth it.
    "runner.postScriptGC": False,
}


#: The secret Streamlit signs its cookies with (its session cookie; login cookies).
#: Several processes behind one proxy must share it, or a browser that moves from
#: one process to another (a process restarted, or stopped) carries cookies the
#: new one rejects. Unset, each process makes a random one, as Streamlit does.
COOKIE_SECRET_ENV = "FUNNEL_COACH_COOKIE_SECRET"


def streamlit_options(environ: Mapping[str, str]) -> dict[str, object]:
    """The product's settings, plus the shared cookie secret when `environ` has one."""
    secret = environ.get(COOKIE_SECRET_ENV, "").strip()
    return {**STREAMLIT_OPTIONS, **({"server.cookieSecret": secret} if secret else {})}


def configure_streamlit() -> None:
    from streamlit import config

    for name, value in streamlit_options(os.environ).items():
        config.set_option(name, value, where_defined="funnel-coach serve")


def full_first_run() -> None:
    """A session's first rerun runs the whole page, even if the page asked for a fragment.

    A page whose app process stopped (or restarted) reconnects to another one
    and sends its next change as a rerun of the Classify form's fragment
    (`screens/classify.py`), which the new session has never run: Streamlit
    drops such a request, so the change would be lost and the page would look
    frozen. Run the page instead, with the widget values the page sent (the
    page's first run then keeps them: `form.keep_what_the_page_shows`). Every
    later request is left as it is. Streamlit's internals, hence the care: with
    another Streamlit, nothing changes."""
    try:
        from streamlit.runtime.app_session import AppSession
    except ImportError:
        return
    original = AppSession.request_rerun
    if getattr(original, "first_run_in_full", False):
        return
    started: weakref.WeakSet[Any] = weakref.WeakSet()

    def request_rerun(self: Any, client_state: Any) -> None:
        if self not in started:
            started.add(self)
            if client_state is not None and client_state.fragment_id:
                whole = type(client_state)()
                whole.CopyFrom(client_state)
                whole.fragment_id = ""
                client_state = whole
        original(self, client_state)

    request_rerun.first_run_in_full = True  # type: ignore[attr-defined]
    AppSession.request_rerun = request_rerun  # type: ignore[method-assign]


#: Streamlit preloads its 375 kB icon font on every first load, a third of the
#: page, although this app shows no icons on most pages; with this, the browser
#: fetches it only when an icon is actually drawn (the Batch page's upload button).
LAZY_ICON_FONT = (
    b"<script>(()=>{const load=document.fonts.load.bind(document.fonts);"
    b"document.fonts.load=(font,text)=>font.includes('Material Symbols')"
    b"?Promise.resolve([]):load(font,text);})();</script>"
)


#: Hosts the server answers to (any port); `serve --allowed-host` or the
#: comma-separated FUNNEL_COACH_ALLOWED_HOSTS add a deployment's public names.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
ALLOWED_HOSTS_ENV = "FUNNEL_COACH_ALLOWED_HOSTS"
#: Messages a WebSocket client may send: a burst, then so many per second.
#: A person clicking fast sends a few a second; 3,000 pipelined reruns froze
#: every user for 10 s.
WS_BURST = 40
WS_PER_SECOND = 10.0
#: Endpoints of Streamlit's that are nobody's business outside the machine.
PRIVATE_PATHS = ("/app/_stcore/metrics",)
#: `main.57a0d79d.min.css`, `bundle.a5f9d56c.min.js`: named by their content.
HASHED_ASSET = re.compile(r"\.[0-9a-f]{8,}\.min\.(?:js|css)$")
YEAR = "public, max-age=31536000, immutable"


def allowed_hosts(extra: Iterable[str] = ()) -> frozenset[str]:
    """Loopback names, the environment's list and `extra`, lower-cased, without ports."""
    named = os.environ.get(ALLOWED_HOSTS_ENV, "").split(",")
    return frozenset(
        h.strip().lower().strip("[]") for h in (*LOOPBACK_HOSTS, *named, *extra) if h.strip()
    )


def _hostname(authority: str) -> str:
    """`Example.org:8000` -> `example.org`; `[::1]:8000` -> `::1`."""
    authority = authority.strip().lower()
    if authority.startswith("["):
        return authority[1 : authority.find("]")] if "]" in authority else ""
    return authority.rsplit(":", 1)[0] if authority.count(":") == 1 else authority


class Guard:
    """ASGI wrapper in front of everything, so Streamlit never sees a request it
    would mishandle:

    - an unknown Host (DNS rebinding; redirects that would name it) -> 400;
    - a WebSocket or a state-changing request from another origin -> 403
      (Streamlit would look up the machine's public IP, on the event loop, to
      judge a foreign Origin);
    - Streamlit's metrics (every user's activity and upload sizes) -> 404;
    - a WebSocket client sending more than `WS_BURST` messages at once, or more
      than `WS_PER_SECOND` on average -> closed (1008).
    """

    def __init__(self, app: Any, hosts: frozenset[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get(b"host", "")
        origin = headers.get(b"origin")
        status = 0
        changes = scope["type"] == "websocket" or scope.get("method") not in ("GET", "HEAD")
        if _hostname(host) not in self.hosts:
            status = 400
        elif origin is not None and changes and urlsplit(origin).netloc != host:
            # Exactly as Streamlit compares them ("null" included): what it would
            # refuse itself it refuses after a public-IP lookup, logging both verbatim.
            status = 403
        elif scope["type"] == "http" and scope.get("path", "").rstrip("/") in PRIVATE_PATHS:
            status = 404
        elif scope.get("method") == "OPTIONS" and scope.get("path", "").startswith(UPLOADS):
            # Uploads come from this origin, which needs no CORS preflight;
            # Streamlit's answer would allow credentials from localhost:8501.
            await _no_cors(send)
            return
        if status:
            _log.warning(
                "refused (%d) %s %s: host=%s origin=%s",
                status,
                scope["type"],
                _printable(scope.get("path", "")),
                _printable(host),
                _printable(origin or ""),
            )
            await _refuse(scope, send, status)
            return
        if scope["type"] == "websocket":
            receive = _rate_limited(receive, send)
        await self.app(scope, receive, send)


UPLOADS = "/app/_stcore/upload_file/"
_log = logging.getLogger("funnel_coach.guard")


def _printable(value: str, limit: int = 80) -> str:
    """A client's header as a log may show it: printable ASCII, at most `limit`
    characters (an 8 kB Origin made an 8 kB log line)."""
    shown = value.encode("ascii", "backslashreplace").decode("ascii")
    shown = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in shown)
    return repr(shown[:limit] + ("..." if len(shown) > limit else ""))


async def _no_cors(send: Any) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 204,
            "headers": [(b"allow", b"PUT, DELETE, OPTIONS"), (b"content-length", b"0")],
        }
    )
    await send({"type": "http.response.body", "body": b""})


async def _refuse(scope: Any, send: Any, status: int) -> None:
    if scope["type"] == "websocket":
        # Closing before accepting answers the handshake with 403.
        await send({"type": "websocket.close", "code": 1008})
        return
    body = {400: b"Bad request", 403: b"Forbidden", 404: b"Not found"}[status]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(body))],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _rate_limited(receive: Any, send: Any) -> Any:
    """`receive` with a token bucket: past it, the connection is closed."""
    tokens = float(WS_BURST)
    last = time.monotonic()

    async def limited() -> Any:
        nonlocal tokens, last
        message = await receive()
        if message["type"] != "websocket.receive":
            return message
        now = time.monotonic()
        tokens = min(WS_BURST, tokens + (now - last) * WS_PER_SECOND)
        last = now
        if tokens < 1:
            await send({"type": "websocket.close", "code": 1008})
            return {"type": "websocket.disconnect", "code": 1008}
        tokens -= 1
        return message

    return limited


def inline_script_hashes(site: Path) -> list[str]:
    """CSP sources for every inline script of the built site (the theme's own:
    scope, palette, anchor), so no other inline script runs."""
    found: set[str] = set()
    for page in site.rglob("*.html"):
        for match in INLINE_SCRIPT.finditer(page.read_text(encoding="utf-8")):
            found.add(csp_hash(match.group(1).encode()))
    return sorted(found)


INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def csp_hash(script: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"


def content_security_policy(scripts: Iterable[str], *, app: bool) -> str:
    """Same-origin everything; scripts from here or hashed; framed only by the site.

    The app needs inline styles (Streamlit's CSS-in-JS) and data: fonts; its
    WebSocket is same-origin ('self' covers ws: and wss: on the same host). The
    app's protobuf library tries a tiny WebAssembly module (64-bit arithmetic):
    'wasm-unsafe-eval' lets it compile WebAssembly, never JavaScript strings, and
    keeps the browser from logging a CSP violation on every start.
    """
    script_src = " ".join(["'self'", *(["'wasm-unsafe-eval'"] if app else []), *scripts])
    parts = [
        "default-src 'self'",
        f"script-src {script_src}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self' blob: data:" if app else "frame-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
    return "; ".join(parts)


class Headers:
    """ASGI wrapper: security headers on every response, caching by kind, and
    redirects that never name a host (only paths)."""

    def __init__(self, app: Any, site_csp: str, app_csp: str) -> None:
        self.app = app
        self.site_csp = site_csp.encode()
        self.app_csp = app_csp.encode()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": self.headers(path, message.get("headers", []))}
            await send(message)

        await self.app(scope, receive, with_headers)

    def headers(self, path: str, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        mine = {b"cache-control", b"content-security-policy", b"location"}
        kept = [(k, v) for k, v in headers if k.lower() not in mine]
        given = dict((k.lower(), v) for k, v in headers)
        html = b"text/html" in given.get(b"content-type", b"")
        in_app = path == "/app" or path.startswith("/app/")
        if path.startswith(("/app/media/", "/app/download/")):
            cache = b"no-store, private"
        elif HASHED_ASSET.search(path) or path.startswith("/app/static/"):
            cache = YEAR.encode()
        elif in_app and b"cache-control" in given and not html:
            cache = given[b"cache-control"]
        else:
            cache = b"no-cache"  # HTML and the site's other files: revalidate
        kept += [
            (b"cache-control", cache),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"x-frame-options", b"SAMEORIGIN"),
            (b"content-security-policy", self.app_csp if in_app else self.site_csp),
        ]
        if b"location" in given:
            target = urlsplit(given[b"location"].decode("latin-1"))
            relative = target.path + (f"?{target.query}" if target.query else "")
            kept.append((b"location", relative.encode("latin-1")))
        return kept


class SiteFiles:
    """The built site: files as StaticFiles serves them; a missing page gets the
    404 page of its language (`/it/...` -> `it/404.html`, `<html lang="it">`).
    (The `sitemap.xml` Material asks for beside each page is a file of the
    build: overrides/hooks/seo.py.)"""

    def __init__(self, site: Path) -> None:
        from starlette.staticfiles import StaticFiles

        self.site = site
        self.files = StaticFiles(directory=site, html=True)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        from starlette.exceptions import HTTPException
        from starlette.responses import HTMLResponse

        path: str = scope.get("path", "")
        try:
            response = await self.files.get_response(self.files.get_path(scope), scope)
            missing = response.status_code == 404  # StaticFiles' root 404.html
        except HTTPException as error:
            if error.status_code != 404:
                raise
            missing = True
        if missing:
            first = path.strip("/").split("/", 1)[0]
            page = self.site / first / "404.html"
            if first not in SITE_LANGUAGES or not page.is_file():
                page = self.site / "404.html"
            response = HTMLResponse(page.read_bytes(), status_code=404)
        await response(scope, receive, send)


#: The site's languages other than English, each in a folder of its own.
SITE_LANGUAGES = ("it", "es", "fr", "pt")


class HeadScripts:
    """ASGI wrapper: add scripts to the head of the app's HTML page."""

    def __init__(self, app: Any, scripts: bytes) -> None:
        self.app = app
        self.scripts = scripts

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or any(p in path for p in ("/_stcore/", "/static/", "/media/")):
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        body = bytearray()

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body"):
                return
            # The page changed: Streamlit's validators no longer describe it.
            dropped = (b"content-length", b"etag", b"last-modified")
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in dropped]
            html = any(k.lower() == b"content-type" and b"text/html" in v for k, v in headers)
            data = (
                bytes(body).replace(b"<head>", b"<head>" + self.scripts, 1) if html else bytes(body)
            )
            headers.append((b"content-length", str(len(data)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": data})

        await self.app(scope, receive, capture)


def create_app(  # type: ignore[no-untyped-def]
    site: Path, *, with_app: bool = True, hosts: Iterable[str] = ()
):
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.gzip import GZipMiddleware
    from starlette.responses import RedirectResponse
    from starlette.routing import Mount, Route

    routes = []
    lifespan = None
    app_scripts: list[str] = []
    if with_app:
        import streamlit as st
        from starlette.formparsers import MultiPartParser

        from . import downloads
        from .chrome import head_script
        from .errors import on_script_error
        from .screens.classify import COPY_SCRIPT

        configure_streamlit()
        full_first_run()
        # An upload stays in memory: Starlette would spool every part over 1 MiB
        # to a temporary file on disk (deleted, but written).
        MultiPartParser.spool_max_size = (MAX_UPLOAD_MB + 10) * 1024 * 1024
        st_app = st.App(APP_SCRIPT, on_script_error=on_script_error)
        lifespan = downloads.sweeping(st_app.lifespan())
        injected = LAZY_ICON_FONT + head_script()
        streamlit_page = Path(st.__file__).parent / "static" / "index.html"
        page = streamlit_page.read_bytes().decode("utf-8") + injected.decode("utf-8")
        app_scripts = sorted(
            {csp_hash(m.group(1).encode()) for m in INLINE_SCRIPT.finditer(page)}
            | {csp_hash(COPY_SCRIPT.encode())}
        )

        async def to_app(_request):  # type: ignore[no-untyped-def]
            return RedirectResponse("/app/", status_code=308)

        routes += [
            Route("/app", to_app),
            Route("/app/download/{token}", downloads.serve),
            Mount("/app", app=HeadScripts(st_app, injected)),
        ]
    routes.append(Mount("/", app=SiteFiles(site)))
    site_csp = content_security_policy(inline_script_hashes(site), app=False)
    app_csp = content_security_policy(app_scripts, app=True)
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(Guard, hosts=allowed_hosts(hosts)),
            Middleware(Headers, site_csp=site_csp, app_csp=app_csp),
            Middleware(GZipMiddleware, minimum_size=500),
        ],
        lifespan=lifespan,
    )


def run(
    host: str,
    port: int,
    allowed: Iterable[str] = (),
    on_ready: Callable[[], None] = lambda: None,
) -> None:
    """Serve until Ctrl-C; `on_ready` runs once the app has started and the port
    listens, so the line saying where the product runs is the last on screen."""
    import uvicorn

    listening = () if host in ("0.0.0.0", "::", "") else (host,)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(site_dir(), hosts=(*listening, *allowed)),
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            server_header=False,
        )
    )
    startup = server.startup

    async def announce(sockets: Any = None) -> None:
        await startup(sockets=sockets)
        if server.started:
            on_ready()

    server.startup = announce  # type: ignore[method-assign]
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the Ctrl-C it handled
        server.run()
