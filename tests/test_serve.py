"""`funnel-coach serve`: builds when needed, one port, compressed, clear errors."""

from __future__ import annotations

import gzip
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from conftest import ROOT

from app import server


def test_site_is_stale_when_missing_or_older_than_sources(tmp_path: Path) -> None:
    assert server.site_is_stale(tmp_path / "nowhere")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(f'<link rel="canonical" href="{server.site_url()}">')
    sources = [ROOT / "mkdocs.yml", *(ROOT / "docs").rglob("*"), *(ROOT / "overrides").rglob("*")]
    newest = max(p.stat().st_mtime for p in sources if p.is_file())
    os.utime(site / "index.html", (newest + 10, newest + 10))
    assert not server.site_is_stale(site)
    os.utime(site / "index.html", (newest - 10, newest - 10))
    assert server.site_is_stale(site)


def test_a_busy_port_gives_a_clear_message() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "classifier", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "LANG": "fr_FR.UTF-8"},
        )
    assert done.returncode == 2
    assert str(port) in done.stderr and "--port" in done.stderr
    assert "Traceback" not in done.stderr and "déjà utilisé" in done.stderr


def test_serves_every_language_with_compression(served: str) -> None:
    for path in ("", "it/roles/", "es/classifier/", "fr/glossary/", "pt/practice/"):
        request = urllib.request.Request(served + path, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Encoding"] == "gzip"
            html = gzip.decompress(response.read()).decode()
            assert "<html" in html


def test_the_app_is_served_beside_the_site_and_compressed(served: str) -> None:
    with urllib.request.urlopen(served + "app/_stcore/health", timeout=10) as response:
        assert response.read() == b"ok"
    request = urllib.request.Request(served + "app/", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        index = gzip.decompress(response.read()).decode()
    script = index.split('src="./static/js/')[1].split('"')[0]
    request = urllib.request.Request(
        served + "app/static/js/" + script, headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        raw = response.read()
    assert len(gzip.decompress(raw)) > 3 * len(raw)
    # /app without the slash lands on the app.
    with urllib.request.urlopen(served + "app", timeout=10) as response:
        assert response.url.endswith("/app/")


def test_product_settings_no_telemetry_no_watcher_minimal_toolbar() -> None:
    from streamlit import config

    server.configure_streamlit()
    assert config.get_option("browser.gatherUsageStats") is False
    assert config.get_option("server.fileWatcherType") == "none"
    assert config.get_option("server.headless") is True
    assert config.get_option("client.toolbarMode") == "minimal"
    assert config.get_option("server.maxUploadSize") == 200


def test_the_icon_font_is_not_preloaded_on_the_app_page(served: str) -> None:
    with urllib.request.urlopen(served + "app/?lang=it", timeout=10) as response:
        html = response.read()
    assert server.LAZY_ICON_FONT in html
    assert html.index(server.LAZY_ICON_FONT) < html.index(b'type="module"')


def test_ctrl_c_stops_the_site_and_the_app(served: str) -> None:
    import signal

    from conftest import free_port, start_server

    port = free_port()
    process, url = start_server(port, timeout=120)
    urllib.request.urlopen(url + "app/", timeout=10).read()
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 0
    assert b"Traceback" not in err
    assert server.port_free("127.0.0.1", port)
    # Where it runs is the last thing on screen, after every log of the startup.
    lines = err.decode().strip().splitlines()
    assert url in lines[-1] and "Ctrl-C" in lines[-1], lines
