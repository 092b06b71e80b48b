"""The product behind nginx (deploy/): the generated configuration, then the CI
smoke test: deploy/run with two app processes, a verdict from a shared link and
a CSV uploaded and downloaded through the proxy, in real Chromium."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from app import proxy, server
from app.i18n import gettext
from app.view import colon
from classifier import classify, label, parse_text_value
from tests.conftest import ROOT, free_port, in_ci, settle, upload_example

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
TEMPLATE = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
STARTED = "[data-testid=stMainBlockContainer] h1"


def settings(**changes: Any) -> proxy.Settings:
    values: dict[str, Any] = {
        "listen": "127.0.0.1:8000",
        "app_ports": (8501, 8502),
        "site": Path("/srv/site"),
        "site_csp": "default-src 'self'; script-src 'self' 'sha256-abc='",
        "hosts": ("coach.example.org",),
    }
    return proxy.Settings(**{**values, **changes})


def test_the_configuration_names_every_process_the_hosts_and_the_sites_csp() -> None:
    conf = proxy.render(TEMPLATE, settings())
    assert "@@" not in conf
    # A first request goes to any process; a browser's later ones to the process
    # its cookie names, the others standing by for it.
    first = conf.split("upstream funnel_coach_app {")[1].split("}")[0]
    assert re.findall(r"server (127\.0\.0\.1:\d+) max_fails=3", first) == [
        "127.0.0.1:8501",
        "127.0.0.1:8502",
    ]
    assert "backup" not in first and "hash" not in first
    for port, other in ((8501, 8502), (8502, 8501)):
        group = conf.split(f"upstream app_p{port} {{")[1].split("}")[0]
        assert re.findall(r"server (127\.0\.0\.1:\d+)[^;]*?( backup)?;", group) == [
            (f"127.0.0.1:{port}", ""),
            (f"127.0.0.1:{other}", " backup"),
        ]
        assert f'"p{port}" app_p{port};' in conf
        assert f'"~127\\.0\\.0\\.1:{port}$" p{port};' in conf
    assert conf.count("proxy_pass http://$fc_upstream;") == 2
    assert "server_name 127.0.0.1 localhost coach.example.org;" in conf
    # Every site location sends the same CSP as the Python server.
    assert conf.count("add_header Content-Security-Policy \"default-src 'self'; script-") == 2
    assert "client_max_body_size 210m;" in conf
    assert "proxy_max_temp_file_size 0;" in conf and "proxy_request_buffering off;" in conf


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"hosts": ("coach.example.org; include /etc/passwd",)}, "allowed host"),
        ({"listen": "8000; user root"}, "listen"),
        ({"app_ports": ()}, "app ports"),
        ({"app_ports": (70000,)}, "app port"),
        ({"site_csp": 'a"b'}, "site CSP"),
        ({"user": "root;"}, "user"),
    ],
)
def test_a_setting_that_would_break_the_configuration_is_refused_by_name(
    changes: dict[str, Any], named: str
) -> None:
    with pytest.raises(proxy.ProxyError, match=named):
        proxy.render(TEMPLATE, settings(**changes))


def test_an_unknown_template_field_is_an_error() -> None:
    with pytest.raises(proxy.ProxyError, match="@@PORTS@@"):
        proxy.render("listen @@PORTS@@;", settings())


def test_the_cookie_secret_comes_from_the_environment_and_is_never_a_default() -> None:
    secret = "f" * 64
    assert proxy_option({server.COOKIE_SECRET_ENV: secret}) == secret
    assert proxy_option({}) is None
    assert "server.cookieSecret" not in server.STREAMLIT_OPTIONS


def proxy_option(environ: dict[str, str]) -> object:
    return server.streamlit_options(environ).get("server.cookieSecret")


def need_nginx() -> str:
    if NGINX is None:
        reason = "nginx is not installed (Debian: apt-get install nginx)"
        if in_ci(os.environ):
            pytest.fail(f"{reason}; CI must run the deploy smoke test")
        pytest.skip(reason)
    return NGINX


def test_nginx_accepts_the_generated_configuration(tmp_path: Path) -> None:
    nginx = need_nginx()
    conf = proxy.write_conf(tmp_path, settings(site=tmp_path))
    done = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


@dataclass(frozen=True)
class Deployment:
    url: str
    app_ports: tuple[int, int]
    log: Path


def two_free_ports() -> int:
    for _attempt in range(50):
        port = free_port()
        if port < 65535 and server.port_free("127.0.0.1", port + 1):
            return port
    raise AssertionError("no two consecutive free ports")


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """deploy/run with two app processes behind nginx, for this module."""
    import fcntl

    need_nginx()
    with open(ROOT / ".site.lock", "w") as lock:  # shared with the `served` fixture
        fcntl.flock(lock, fcntl.LOCK_EX)
        if server.site_is_stale():
            server.build_site()
    run_dir = tmp_path_factory.mktemp("nginx")
    listen, first = free_port(), two_free_ports()
    env = {**os.environ, "FUNNEL_COACH_PYTHON": sys.executable, "FUNNEL_COACH_NGINX": need_nginx()}
    env.pop(server.COOKIE_SECRET_ENV, None)  # deploy/run makes one for the run
    if os.geteuid() == 0:
        env["FUNNEL_COACH_NGINX_USER"] = (
            "root"  # the run folder is in root's private temporary folder
        )
    command = [str(ROOT / "deploy" / "run"), "--workers", "2", "--listen", f"127.0.0.1:{listen}"]
    command += ["--app-port", str(first), "--run-dir", str(run_dir)]
    output = run_dir / "run.log"
    with open(output, "wb") as sink:
        process = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    url = f"http://127.0.0.1:{listen}/"
    deadline = time.monotonic() + 240
    while True:
        try:
            urllib.request.urlopen(url + "app/_stcore/health", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError(output.read_text(errors="replace")) from None
            time.sleep(0.5)
    yield Deployment(url, (first, first + 1), run_dir / "logs" / "access.log")
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


#: Requests that must reach the process holding the session (its state, its
#: uploads, its downloads), and the health check the probes use.
STATEFUL = re.compile(r"^/app/(?:_stcore/(?:stream|upload_file/|health)|download/)")


def routes(log: Path) -> dict[str, set[str]]:
    """For each routing key in nginx's access log, the app processes its
    stateful requests reached."""
    reached: dict[str, set[str]] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        found = re.search(r'"\S+ (/app/\S*)" \d+ \d+ upstream=(\S+) route=(\w+)', line)
        if found and found.group(2) != "-" and STATEFUL.match(found.group(1)):
            reached.setdefault(found.group(3), set()).add(found.group(2))
    return reached


def key_for_each_process(deployed: Deployment) -> dict[str, str]:
    """The routing cookie value that names each app process (nginx sets it)."""
    request = urllib.request.Request(deployed.url + "app/_stcore/health")
    with urllib.request.urlopen(request, timeout=10) as answer:
        given = ", ".join(answer.headers.get_all("Set-Cookie") or [])
    assert re.search(r"fc_route=p\d+; Path=/app/; HttpOnly; SameSite=Lax", given), given
    return {f"127.0.0.1:{port}": proxy.route(port) for port in deployed.app_ports}


def wait_until_restarted(port: int) -> None:
    """deploy/run's health loop (every 10 s) starts a stopped process again on its port."""
    deadline = time.monotonic() + 120
    while not proxy.healthy(port, timeout=1):
        assert time.monotonic() < deadline, "the stopped app process was not restarted"
        time.sleep(0.5)


def logged(log: Path, marker: str, last: str, timeout: float = 10) -> list[str]:
    """The access log's lines with `marker`, once one has `last` (nginx logs a
    WebSocket when it closes)."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [line for line in log.read_text(encoding="utf-8").splitlines() if marker in line]
        if any(last in line for line in lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.2)


def header(url: str, name: str, host: str | None = None) -> str:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return str(answer.headers.get(name, ""))
    except urllib.error.HTTPError as error:
        return str(error.headers.get(name, "")) + f" {error.code}"


def test_nginx_sends_the_site_with_the_python_servers_headers(deployed: Deployment) -> None:
    direct = f"http://127.0.0.1:{deployed.app_ports[0]}/"
    for name in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"):
        assert header(deployed.url + "fr/", name) == header(direct + "fr/", name) != ""
    assert header(deployed.url + "fr/", "Cache-Control") == "no-cache"
    bundle = next((server.site_dir() / "assets" / "javascripts").glob("bundle.*.min.js"))
    asset = deployed.url + str(bundle.relative_to(server.site_dir()))
    assert header(asset, "Cache-Control") == server.YEAR
    # A missing page: the 404 page of its language, with the same headers.
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(deployed.url + "it/no-such-page/", timeout=10)
    assert missing.value.code == 404
    assert '<html lang="it"' in missing.value.read().decode()
    assert missing.value.headers["Content-Security-Policy"].startswith("default-src 'self'")
    # An unknown Host is refused by nginx as by the app processes.
    assert header(deployed.url, "Content-Length", host="evil.example").endswith(" 400")


def test_a_shared_link_gives_its_verdict_through_the_proxy(
    deployed: Deployment, browser: Any
) -> None:
    lang = "es"
    query = {
        "identified": "true",
        "consent": "double",
        "in_target": "true",
        "need": "clear",
        "intent": "high",
        "budget": "true",
    }
    profile = {name: parse_text_value(name, text)[0] for name, text in query.items()}
    stage = classify(profile, lang=lang).stage
    heading = f"{gettext(lang)('Verdict')}{colon(lang)}{label('stage', stage, lang)}"
    keys = key_for_each_process(deployed)
    for upstream, key in keys.items():
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        context.add_cookies([{"name": "fc_route", "value": key, "url": deployed.url + "app/"}])
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{deployed.url}app/?{urlencode({'lang': lang, **query})}")
        page.locator(STARTED).wait_for()
        page.get_by_role("heading", name=heading).wait_for()
        context.close()
        # Its WebSocket reached the process the cookie names.
        lines = logged(deployed.log, f"route={key}", '"GET /app/_stcore/stream"')
        assert any(f"upstream={upstream} " in line for line in lines if "/_stcore/stream" in line)
        assert routes(deployed.log)[key] == {upstream}


def test_a_csv_is_uploaded_and_its_classification_downloaded_through_the_proxy(
    deployed: Deployment, browser: Any
) -> None:
    lang = "pt"
    _ = gettext(lang)
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{deployed.url}app/?page=batch&lang={lang}")
    page.locator(STARTED).wait_for()
    upload_example(page)
    settle(page)
    assert "200" in page.locator("[data-testid=stAlertContentSuccess]").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name=_("Download the classified CSV")).click()
    data = Path(download.value.path()).read_text(encoding="utf-8")
    rows = [line for line in data.splitlines() if line]
    assert len(rows) == 201 and "stage" in rows[0] and "next_action" in rows[0]
    [cookie] = [c for c in context.cookies() if c["name"] == "fc_route"]
    context.close()
    # The upload (PUT), the WebSocket and the download went to the same process.
    mine = logged(deployed.log, f"route={cookie['value']}", '"GET /app/_stcore/stream"')
    assert any('"PUT /app/_stcore/upload_file/' in line for line in mine)
    assert any('"GET /app/download/' in line and '" 200 ' in line for line in mine)
    assert any('"GET /app/_stcore/stream"' in line for line in mine)
    assert len(routes(deployed.log)[cookie["value"]]) == 1


def test_a_stopped_process_is_skipped_by_nginx_and_restarted_by_deploy_run(
    deployed: Deployment,
) -> None:
    """Last in this module: it stops one of the two processes."""
    keys = key_for_each_process(deployed)
    port = deployed.app_ports[0]
    key = keys[f"127.0.0.1:{port}"]
    pid_file = deployed.log.parent.parent / f"app-{port}.pid"
    stopped = int(pid_file.read_text())
    os.kill(stopped, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while proxy.healthy(port, timeout=1) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not proxy.healthy(port, timeout=1)
    # Meanwhile its sessions' requests reach the other process.
    request = urllib.request.Request(
        deployed.url + "app/_stcore/health", headers={"Cookie": f"fc_route={key}"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200
    # deploy/run's health loop (every 10 s) starts it again on the same port.
    wait_until_restarted(port)
    assert int(pid_file.read_text()) != stopped


def test_a_session_whose_process_stops_reconnects_to_the_other_and_works(
    deployed: Deployment, browser: Any
) -> None:
    lang = "it"
    _ = gettext(lang)

    def verdict(stage: str) -> str:
        return f"{_('Verdict')}{colon(lang)}{label('stage', stage, lang)}"

    keys = key_for_each_process(deployed)
    port = deployed.app_ports[1]
    key = keys[f"127.0.0.1:{port}"]
    stream = '"GET /app/_stcore/stream"'
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.add_cookies([{"name": "fc_route", "value": key, "url": deployed.url + "app/"}])
    # The page's health pings before it reconnects can be held, so the outage
    # lasts long enough to be looked at.
    held: list[Any] = []
    holding = [False]
    context.route(
        "**/app/_stcore/health",
        lambda route: held.append(route) if holding[0] else route.continue_(),
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{deployed.url}app/?lang={lang}")
    page.get_by_role("heading", name=verdict("stranger")).wait_for()
    interactions = page.get_by_role("spinbutton", name=_("Interactions with the brand"), exact=True)
    interactions.fill("4")
    interactions.press("Enter")
    page.get_by_role("heading", name=verdict("visitor")).wait_for()
    settle(page)
    holding[0] = True
    os.kill(int((deployed.log.parent.parent / f"app-{port}.pid").read_text()), signal.SIGKILL)
    # While it has no connection, the page says so in its language (Streamlit's
    # own status lives in the toolbar the app hides) and keeps its verdict.
    notice = page.get_by_role("status").filter(
        has_text=_("Connection lost. Please wait for the app to reconnect, then try again.")
    )
    notice.wait_for()
    assert page.get_by_role("heading", name=verdict("visitor")).is_visible()
    with page.expect_websocket(timeout=60_000):
        holding[0] = False
        for route in held:
            route.continue_()
    # Streamlit's client reconnects through nginx, which sends it to the other
    # process: the page stays on screen with its verdict, never blank.
    notice.wait_for(state="hidden")
    settle(page)
    assert page.get_by_role("heading", name=verdict("visitor")).is_visible()
    # And it works, from the first change: the new process's session takes the
    # values the page still shows, this change included, over the page's link.
    page.get_by_role("radiogroup", name=_("Identified (we hold their personal data)")).get_by_text(
        _("Yes"), exact=True
    ).click()
    page.get_by_role("heading", name=verdict("lead")).wait_for(timeout=15_000)
    # The address follows once the run has finished.
    page.wait_for_url(lambda url: "identified=true" in url)
    assert "interactions=4" in page.url and "identified=true" in page.url
    # The stopped process comes back (deploy/run restarts it); the page's session
    # lives in the other one now, and so do its uploads: nginx rewrote its cookie
    # to the process that answered it during the outage.
    wait_until_restarted(port)
    page.get_by_role("link", name=_("Batch"), exact=True).click()
    upload_example(page)
    [cookie] = [c for c in context.cookies() if c["name"] == "fc_route"]
    context.close()
    other = f"127.0.0.1:{deployed.app_ports[0]}"
    assert cookie["value"] == proxy.route(deployed.app_ports[0])
    # nginx logged the page's second WebSocket on the other process, and the upload there.
    lines = logged(deployed.log, f"route={cookie['value']}", stream)
    streams = [line for line in lines if stream in line]
    assert streams and f"upstream={other} " in streams[-1] and '" 101 ' in streams[-1], streams
    puts = [line for line in lines if '"PUT /app/_stcore/upload_file/' in line]
    assert puts and all(f"upstream={other} " in line for line in puts), puts
    assert all(re.search(r'" 20\d ', line) for line in puts), puts
