"""Search engines and the browser: absolute canonical and hreflang links from a
configurable public address, headers on every table, no request for a file
that does not exist; `serve --site-url` and `--allowed-host`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app import server
from classifier import _cli
from tests.conftest import LANGS, PAGES, ROOT

LINKS = re.compile(r'<link rel="(canonical|alternate)" href="([^"]*)"(?: hreflang="([^"]*)")?>')


def head_links(html: str) -> list[tuple[str, str, str]]:
    return LINKS.findall(html[: html.find("</head>")])


def page_file(site: Path, lang: str, slug: str) -> Path:
    prefix = site if lang == "en" else site / lang
    return prefix / "index.html" if slug == "index" else prefix / slug / "index.html"


def test_the_served_site_links_its_languages_absolutely(served: str) -> None:
    base = server.site_url()
    for lang in LANGS:
        for slug in PAGES:
            links = head_links(page_file(server.site_dir(), lang, slug).read_text("utf-8"))
            langs = sorted(hreflang for kind, _, hreflang in links if kind == "alternate")
            assert langs == sorted([*LANGS, "x-default"]), (lang, slug)
            assert all(href.startswith(base) for _, href, _ in links), (lang, slug, links)
            path = "" if slug == "index" else f"{slug}/"
            english = f"{base}{path}"
            assert ("alternate", english, "x-default") in links
            assert ("canonical", f"{base}{'' if lang == 'en' else lang + '/'}{path}", "") in links


def test_every_table_header_cell_has_words(served: str) -> None:
    empty = re.compile(r"<th[^>]*>\s*</th>")
    for html in server.site_dir().rglob("*.html"):
        assert not empty.search(html.read_text("utf-8")), html


def test_a_build_for_a_public_address_uses_it_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    env = {
        **os.environ,
        server.SITE_URL_ENV: "https://coach.example.org",
        "NO_MKDOCS_2_WARNING": "1",
    }
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(site)],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    links = head_links((site / "it" / "roles" / "index.html").read_text("utf-8"))
    assert ("canonical", "https://coach.example.org/it/roles/", "") in links
    assert ("alternate", "https://coach.example.org/pt/roles/", "pt") in links
    assert ("alternate", "https://coach.example.org/roles/", "x-default") in links
    assert all(href.startswith("https://coach.example.org/") for _, href, _ in links)
    # A not-found page is served at any address: no alternates, a menu to each home.
    not_found = (site / "it" / "404.html").read_text("utf-8")
    assert not head_links(not_found)
    assert '<a href="/es/" hreflang="es"' in not_found
    # Built for another address than the one wanted: stale.
    monkeypatch.delenv(server.SITE_URL_ENV, raising=False)
    assert server.site_is_stale(site)


def test_the_site_is_stale_when_built_for_another_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "index.html"
    index.write_text('<link rel="canonical" href="https://coach.example.org/">')
    os.utime(index, (2**31, 2**31))  # newer than every source
    monkeypatch.setenv(server.SITE_URL_ENV, "https://coach.example.org")
    assert not server.site_is_stale(tmp_path)
    monkeypatch.setenv(server.SITE_URL_ENV, "https://other.example.org/")
    assert server.site_is_stale(tmp_path)
    monkeypatch.delenv(server.SITE_URL_ENV)
    assert server.site_url() == "http://127.0.0.1:8000/" and server.site_is_stale(tmp_path)


@pytest.fixture
def no_serving(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """`serve` up to the point where it would build and listen, recorded."""
    seen: dict[str, Any] = {}
    monkeypatch.delenv(server.SITE_URL_ENV, raising=False)
    monkeypatch.setattr(server, "port_free", lambda host, port: True)
    monkeypatch.setattr(server, "site_is_stale", lambda: True)
    monkeypatch.setattr(
        server, "build_site", lambda: seen.setdefault("built", os.environ.get(server.SITE_URL_ENV))
    )

    def run(host: str, port: int, allowed: Any = (), on_ready: Any = None) -> None:
        seen.update(run=(host, port, list(allowed)))

    monkeypatch.setattr(server, "run", run)
    yield seen
    os.environ.pop(server.SITE_URL_ENV, None)


def test_serve_takes_public_hosts_and_the_site_address(no_serving: dict[str, Any]) -> None:
    argv = ["serve", "--allowed-host", "a.example", "--allowed-host", "b.example"]
    assert _cli.main([*argv, "--site-url", "https://coach.example.org/"]) == 0
    assert no_serving["built"] == "https://coach.example.org/"
    assert no_serving["run"] == ("127.0.0.1", 8000, ["a.example", "b.example", "coach.example.org"])
    allowed = server.allowed_hosts(no_serving["run"][2])
    assert {"a.example", "b.example", "coach.example.org", "127.0.0.1"} <= allowed


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("it_IT.UTF-8", "indirizzo"),
        ("es_ES.UTF-8", "dirección"),
        ("fr_FR.UTF-8", "adresse"),
        ("pt_PT.UTF-8", "endereço"),
        ("en_US.UTF-8", "address"),
    ],
)
def test_a_bad_site_address_is_a_localized_usage_error(
    no_serving: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    words: str,
) -> None:
    monkeypatch.setenv("LANG", lang)
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(key, raising=False)
    assert _cli.main(["serve", "--site-url", "coach.example.org"]) == 2
    error = capsys.readouterr().err
    assert "--site-url" in error and "coach.example.org" in error and words in error
    assert "run" not in no_serving and "built" not in no_serving


def test_serve_help_names_the_new_options_in_each_language() -> None:
    seen = set()
    for locale in ("en_US.UTF-8", "it_IT.UTF-8", "es_ES.UTF-8", "fr_FR.UTF-8", "pt_BR.UTF-8"):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
        done = subprocess.run(
            [sys.executable, "-m", "classifier", "serve", "--help"],
            capture_output=True,
            text=True,
            env={**env, "LANG": locale},
            timeout=60,
            check=True,
        )
        assert "--allowed-host HOST" in done.stdout and "--site-url URL" in done.stdout
        assert "FUNNEL_COACH_ALLOWED_HOSTS" in done.stdout
        seen.add(done.stdout)
    assert len(seen) == 5  # five different texts: none falls back to English


#: Pages in two languages, the app frame included.
VISITS = ["", "roles/", "lead-vs-prospect/", "it/", "it/lead-vs-prospect/", "it/classifier/"]


@pytest.mark.browser
def test_no_page_requests_a_file_that_does_not_exist(served: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    failed: list[tuple[int, str]] = []
    seen: list[str] = []

    def note(response: Any) -> None:
        seen.append(response.url)
        if response.status >= 400:
            failed.append((response.status, response.url))

    context.on("response", note)
    # Material asks for sitemap.xml beside every hreflang link; those point at the
    # public address (here the default, another port), which the CSP keeps it from
    # reaching. Any other failed request counts.
    public = server.site_url()
    context.on(
        "requestfailed",
        lambda request: (
            None
            if request.url.startswith(public) and public != served
            else failed.append((0, request.url))
        ),
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    for path in VISITS:
        page.goto(served + path)
        if path.endswith("classifier/"):
            page.locator(".fc-app__start").click()
            page.frame_locator("iframe.fc-app__frame").locator(
                "[data-testid=stMainBlockContainer] h1"
            ).wait_for()
        # The language menu, the search (its index and worker) and the sitemap it reads.
        page.locator(".md-search__input").click()
        page.locator(".md-search__input").press_sequentially("lead", delay=30)
        page.locator(".md-search-result__item").first.wait_for()
        page.wait_for_timeout(1_000)  # late requests (fonts, the sitemap) have their answer
    context.close()
    assert any("search_index.json" in url for url in seen)
    assert not failed, failed
