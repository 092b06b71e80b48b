"""Several app processes behind nginx: the configuration deploy/run starts nginx
with, and the health check it runs on each process.

nginx does what a proxy does (static files, WebSocket upgrade, sticky sessions,
passive health checks); this module only fills its template from facts only
Python knows: the hashes of the built site's inline scripts for its
Content-Security-Policy, the app processes' ports, the public host names.

    python -m app.proxy conf --listen 8000 --app-port 8501 --app-port 8502 --out RUN_FOLDER
    python -m app.proxy health 8501 8502
"""

from __future__ import annotations

import argparse
import re
import sys
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import server

TEMPLATE = server.ROOT / "deploy" / "nginx.conf"
MIME_TYPES = "/etc/nginx/mime.types"
FIELD = re.compile(r"@@([A-Z_]+)@@")
#: A host name or an IPv4 address: what may stand in `server_name` (nothing a
#: flag or the environment says is pasted into the configuration unchecked).
HOST_NAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
LISTEN = re.compile(r"^(?:(?:\d{1,3}\.){3}\d{1,3}:|\[[0-9a-fA-F:]+\]:)?\d{1,5}$")
HEALTH_PATH = "/app/_stcore/health"


class ProxyError(ValueError):
    """A setting nginx cannot be given; the message names it and what is allowed."""


@dataclass(frozen=True, slots=True)
class Settings:
    """What the generated configuration depends on."""

    listen: str
    app_ports: tuple[int, ...]
    site: Path
    site_csp: str
    hosts: tuple[str, ...] = ()
    access_log: str = "logs/access.log"
    user: str | None = None
    mime_types: str = MIME_TYPES


def site_headers(csp: str, indent: str = "            ") -> str:
    """The headers `server.Headers` adds to every site response, as nginx lines."""
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "SAMEORIGIN",
        "Content-Security-Policy": csp,
    }
    return "\n".join(
        f'{indent}add_header {name} "{value}" always;' for name, value in headers.items()
    )


def check(settings: Settings) -> None:
    """Refuse what would break or inject into the configuration."""
    if not LISTEN.match(settings.listen):
        raise ProxyError(
            f"listen: {settings.listen!r} is not a port or ADDRESS:PORT (e.g. 8000, 0.0.0.0:8000)"
        )
    if not settings.app_ports:
        raise ProxyError("app ports: at least one app process is needed")
    for port in settings.app_ports:
        if not 1 <= port <= 65535:
            raise ProxyError(f"app port: {port} is not between 1 and 65535")
    for host in settings.hosts:
        if not HOST_NAME.match(host):
            raise ProxyError(
                f"allowed host: {host!r} is not a host name (letters, digits, . and -)"
            )
    if '"' in settings.site_csp or "\n" in settings.site_csp:
        raise ProxyError("site CSP: quotes and line breaks cannot be sent as a header")
    if settings.user is not None and not re.fullmatch(r"[a-z_][a-z0-9_-]*", settings.user):
        raise ProxyError(f"user: {settings.user!r} is not a user name")


def route(port: int) -> str:
    """The `fc_route` cookie value that names the app process on `port`."""
    return f"p{port}"


def upstreams(ports: Sequence[int]) -> str:
    """nginx's upstream groups: every process, for a browser's first request;
    then one per process, the others as its backups, for the browsers it answered."""
    server = "        server 127.0.0.1:{port} max_fails=3 fail_timeout=10s{backup};"
    blocks = [
        "    upstream funnel_coach_app {",
        *(server.format(port=port, backup="") for port in ports),
        "        keepalive 32;",
        "        keepalive_timeout 4s;",
        "    }",
    ]
    for port in ports:
        blocks += [
            f"    upstream app_{route(port)} {{",
            server.format(port=port, backup=""),
            *(server.format(port=other, backup=" backup") for other in ports if other != port),
            "        keepalive 8;",
            "        keepalive_timeout 4s;",
            "    }",
        ]
    return "\n".join(blocks)


def render(template: str, settings: Settings) -> str:
    """The template with every @@FIELD@@ filled; an unknown field is an error."""
    check(settings)
    names = ("127.0.0.1", "localhost", *settings.hosts)
    values = {
        "USER": f"user {settings.user};" if settings.user else "",
        "MIME_TYPES": settings.mime_types,
        "ACCESS_LOG": settings.access_log,
        "LISTEN": settings.listen,
        "SERVER_NAMES": " ".join(dict.fromkeys(names)),
        "SITE": str(settings.site),
        "MAX_BODY": f"{server.MAX_UPLOAD_MB + 10}m",
        "UPSTREAMS": upstreams(settings.app_ports),
        "ROUTE_UPSTREAMS": "\n".join(
            f'        "{route(port)}" app_{route(port)};' for port in settings.app_ports
        ),
        "SERVED_NAMES": "\n".join(
            f'        "~127\\.0\\.0\\.1:{port}$" {route(port)};' for port in settings.app_ports
        ),
        "SITE_HEADERS": site_headers(settings.site_csp),
    }

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise ProxyError(f"template: unknown field @@{name}@@")
        return values[name]

    return FIELD.sub(fill, template)


def site_csp(site: Path) -> str:
    """The Content-Security-Policy `funnel-coach serve` sends with the site's pages."""
    return server.content_security_policy(server.inline_script_hashes(site), app=False)


def write_conf(folder: Path, settings: Settings, template: Path = TEMPLATE) -> Path:
    """Write nginx.conf into `folder` with the folders nginx writes to; its path."""
    for sub in ("logs", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(render(template.read_text(encoding="utf-8"), settings), encoding="utf-8")
    return conf


def healthy(port: int, timeout: float = 3.0) -> bool:
    """True when the app process on `port` answers Streamlit's health check."""
    url = f"http://127.0.0.1:{port}{HEALTH_PATH}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def unhealthy(ports: Iterable[int]) -> list[int]:
    return [port for port in ports if not healthy(port)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.proxy", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    conf = sub.add_parser("conf", help="build the site when stale and write nginx.conf")
    conf.add_argument("--listen", required=True, help="PORT or ADDRESS:PORT nginx listens on")
    conf.add_argument("--app-port", type=int, action="append", required=True)
    conf.add_argument("--allowed-host", action="append", default=[])
    conf.add_argument("--access-log", default="logs/access.log")
    conf.add_argument("--user", default=None, help="the user nginx's workers run as (root only)")
    conf.add_argument("--out", type=Path, required=True, help="the run folder")
    health = sub.add_parser("health", help="exit 1 unless every app process is healthy")
    health.add_argument("ports", type=int, nargs="+")
    args = parser.parse_args(argv)
    if args.command == "health":
        down = unhealthy(args.ports)
        for port in down:
            sys.stderr.write(f"app process on port {port}: not healthy\n")
        return 1 if down else 0
    if server.site_is_stale():
        server.build_site()
    site = server.site_dir()
    settings = Settings(
        listen=args.listen,
        app_ports=tuple(args.app_port),
        site=site,
        site_csp=site_csp(site),
        hosts=tuple(h.strip().lower() for h in args.allowed_host if h.strip()),
        access_log=args.access_log,
        user=args.user,
    )
    try:
        print(write_conf(args.out, settings))
    except ProxyError as error:
        sys.stderr.write(f"{error}\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
