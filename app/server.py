"""One process, one port: the built site at `/` (and, with the app issue, the
Streamlit app at `/app/`), compressed, nothing fetched from elsewhere."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from pathlib import Path

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


def create_app(site: Path):  # type: ignore[no-untyped-def]
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.gzip import GZipMiddleware
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    return Starlette(
        routes=[Mount("/", app=StaticFiles(directory=site, html=True))],
        middleware=[Middleware(GZipMiddleware, minimum_size=500)],
    )


def run(host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(
        create_app(site_dir()),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
    )
