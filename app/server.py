"""One process, one port: the built site at `/` and the Streamlit app at
`/app/`, compressed, nothing fetched from elsewhere.

The app runs through `st.App` under uvicorn rather than `streamlit run`:
reruns are faster (no Nagle delay on the socket) and the site and the app
share one origin, so uploads pass Streamlit's XSRF check.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("docs", "overrides", "mkdocs.yml")


def site_dir() -> Path:
    return ROOT / "site"


def site_is_stale(site: Path | None = None) -> bool:
    """True when the built site is missing or older than any of its sources."""
    site = site or site_dir()
    marker = site / "index.html"
    if not marker.exists():
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

#: Product settings: no usage statistics, no file watcher, a minimal toolbar.
STREAMLIT_OPTIONS = {
    "browser.gatherUsageStats": False,
    "server.headless": True,
    "server.fileWatcherType": "none",
    "server.runOnSave": False,
    "server.maxUploadSize": 200,
    "client.toolbarMode": "minimal",
    "client.showErrorDetails": "none",
    "global.developmentMode": False,
    "theme.base": "light",
    # Streamlit collects garbage after every rerun (20-40 ms of a blocked server
    # on this machine); the app keeps no cycles worth it.
    "runner.postScriptGC": False,
}


def configure_streamlit() -> None:
    from streamlit import config

    for name, value in STREAMLIT_OPTIONS.items():
        config.set_option(name, value, where_defined="funnel-coach serve")


#: Streamlit preloads its 375 kB icon font on every first load, a third of the
#: page, although this app shows no icons on most pages; with this, the browser
#: fetches it only when an icon is actually drawn (the Batch page's upload button).
LAZY_ICON_FONT = (
    b"<script>(()=>{const load=document.fonts.load.bind(document.fonts);"
    b"document.fonts.load=(font,text)=>font.includes('Material Symbols')"
    b"?Promise.resolve([]):load(font,text);})();</script>"
)


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
            headers = [
                (k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"
            ]
            html = any(k.lower() == b"content-type" and b"text/html" in v for k, v in headers)
            data = (
                bytes(body).replace(b"<head>", b"<head>" + self.scripts, 1) if html else bytes(body)
            )
            headers.append((b"content-length", str(len(data)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": data})

        await self.app(scope, receive, capture)


def create_app(site: Path, *, with_app: bool = True):  # type: ignore[no-untyped-def]
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.gzip import GZipMiddleware
    from starlette.responses import RedirectResponse
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    routes = []
    lifespan = None
    if with_app:
        import streamlit as st

        from .chrome import head_script
        from .errors import on_script_error

        configure_streamlit()
        st_app = st.App(APP_SCRIPT, on_script_error=on_script_error)
        lifespan = st_app.lifespan()

        async def to_app(_request):  # type: ignore[no-untyped-def]
            return RedirectResponse("/app/", status_code=308)

        app = HeadScripts(st_app, LAZY_ICON_FONT + head_script())
        routes += [Route("/app", to_app), Mount("/app", app=app)]
    routes.append(Mount("/", app=StaticFiles(directory=site, html=True)))
    return Starlette(
        routes=routes,
        middleware=[Middleware(GZipMiddleware, minimum_size=500)],
        lifespan=lifespan,
    )


def run(host: str, port: int, on_ready: Callable[[], None] = lambda: None) -> None:
    """Serve until Ctrl-C; `on_ready` runs once the app has started and the port
    listens, so the line saying where the product runs is the last on screen."""
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(
            create_app(site_dir()),
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
