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
    (site / "index.html").write_text("x")
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
