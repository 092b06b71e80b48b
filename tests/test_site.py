"""The training site: one strict build, then parity and self-containment checks."""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import LANGS, PAGES, ROOT

from app.server import site_url

DOCS = ROOT / "docs"
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*\{\s*#([\w-]+)\s*\}\s*$")


def headings(path: Path) -> list[tuple[int, str]]:
    found = []
    in_code = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        if in_code or not line.startswith("#"):
            continue
        match = HEADING.match(line)
        assert match, f"{path}: heading without an explicit anchor: {line!r}"
        headings_level = len(match.group(1))
        found.append((headings_level, match.group(3)))
    return found


def body_words(path: Path) -> int:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^---\n.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return len(re.findall(r"\w+", text))


def test_every_language_has_the_same_pages() -> None:
    for lang in LANGS:
        assert sorted(p.stem for p in (DOCS / lang).glob("*.md")) == sorted(PAGES), lang


#: The markets each language's channels page covers, one h3 table each (`market-<code>`):
#: the only headings allowed to differ between languages.
MARKETS = {
    "en": ["uk", "eu", "us", "ca"],
    "it": ["it"],
    "es": ["es", "mx", "co", "cl", "ar"],
    "fr": ["fr", "be", "ch", "qc"],
    "pt": ["br", "pt"],
}


def shared_headings(lang: str, page: str) -> list[tuple[int, str]]:
    """A page's headings, without the channels page's market tables."""
    found = headings(DOCS / lang / f"{page}.md")
    if page == "channels":
        found = [(level, a) for level, a in found if not (level == 3 and a.startswith("market-"))]
    return found


@pytest.mark.parametrize("page", PAGES)
def test_same_headings_and_anchors_in_every_language(page: str) -> None:
    reference = shared_headings("en", page)
    assert reference, page
    for lang in LANGS[1:]:
        assert shared_headings(lang, page) == reference, (lang, page)


@pytest.mark.parametrize("lang", LANGS)
def test_the_channels_page_has_a_table_per_market_of_its_language(lang: str) -> None:
    """Each language covers its own markets, as h3 sections of "markets"."""
    found = headings(DOCS / lang / "channels.md")
    anchors = [a for _level, a in found]
    start, end = anchors.index("markets"), anchors.index("registers")
    inside = found[start + 1 : end]
    assert inside == [(3, f"market-{code}") for code in MARKETS[lang]], (lang, inside)
    others = found[:start] + found[end:]
    assert not [a for _level, a in others if a.startswith("market-")], lang


#: Pages made at build time: their source is a short introduction, the words are
#: generated (the scenario cards: every story of the practice bank), so the built
#: page is counted.
GENERATED = ("cards",)


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_has_at_least_500_words(lang: str) -> None:
    for page in PAGES:
        if page not in GENERATED:
            assert body_words(DOCS / lang / f"{page}.md") >= 500, (lang, page)


def test_generated_pages_have_at_least_500_words_once_built(site: Path) -> None:
    for lang, page, path in built_pages(site):
        if page in GENERATED:
            article = path.read_text(encoding="utf-8").split('<article class="md-content', 1)[1]
            article = article.split("</article>", 1)[0]
            words = len(re.findall(r"\w+", re.sub(r"<[^>]+>", " ", article)))
            assert words >= 500, (lang, page, words)


#: What a stub page or question carries until the writer's text replaces it.
STUB = "STUB"


def test_no_page_or_question_is_a_stub() -> None:
    """The pages and questions of a new lesson may be stubbed while it is written;
    none can ship."""
    sources = [*DOCS.rglob("*.md"), *(ROOT / "course" / "questions").glob("*.toml")]
    stubs = [
        str(path.relative_to(ROOT)) for path in sources if STUB in path.read_text(encoding="utf-8")
    ]
    assert not stubs, stubs


def test_only_language_folders_and_assets_at_the_top_of_docs() -> None:
    tops = {p.name for p in DOCS.iterdir() if p.is_dir()}
    assert tops == {*LANGS, "assets"}


# Links a browser does not fetch: navigation and metadata about other URLs.
NOT_FETCHED = ("alternate", "canonical")


class _Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        for key in ("src", "href", "data"):
            value = found.get(key)
            navigation = tag == "a" or (tag == "link" and found.get("rel") in NOT_FETCHED)
            if value and not navigation:
                self.urls.append(value)


def built_pages(site: Path) -> list[tuple[str, str, Path]]:
    pages = []
    for lang in LANGS:
        base = site if lang == "en" else site / lang
        for page in PAGES:
            path = base / "index.html" if page == "index" else base / page / "index.html"
            pages.append((lang, page, path))
    return pages


def test_no_page_requests_another_host(site: Path) -> None:
    for path in site.rglob("*.html"):
        parser = _Resources()
        parser.feed(path.read_text(encoding="utf-8"))
        remote = [u for u in parser.urls if re.match(r"^(https?:)?//", u)]
        assert not remote, (path, remote)
    for path in list(site.rglob("*.css")) + list(site.rglob("*.js")):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, path


def test_each_built_page_is_in_its_own_language(site: Path) -> None:
    english = {}
    for lang, page, path in built_pages(site):
        assert path.exists(), path
        html = path.read_text(encoding="utf-8")
        parser = _Resources()
        parser.feed(html)
        assert parser.lang == lang, (path, parser.lang)
        main = html.split('<article class="md-content__inner md-typeset">', 1)[1]
        if lang == "en":
            english[page] = main
        else:
            assert main != english[page], f"{lang}/{page} is the English page"


def test_hreflang_alternates_for_all_languages_and_x_default(site: Path) -> None:
    for _lang, page, path in built_pages(site):
        html = path.read_text(encoding="utf-8")
        links = re.findall(r'<link rel="alternate" href="([^"]+)" hreflang="([\w-]+)"', html)
        langs = sorted(h for _, h in links)
        assert langs == sorted([*LANGS, "x-default"]), (path, langs)
        for href, hreflang in links:
            # Absolute, on the public address the site was built for.
            assert href.startswith(site_url()), (path, href)
            target = (site / href.removeprefix(site_url())).resolve()
            target = target / "index.html" if target.is_dir() else target
            assert target.exists(), (path, href)
            expect_lang = "en" if hreflang == "x-default" else hreflang
            assert f'lang="{expect_lang}"' in target.read_text(encoding="utf-8")[:300], (path, href)
            assert page == "index" or page in href, (path, href)


def test_sitemap_lists_every_page(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for lang in LANGS:
        prefix = "" if lang == "en" else f"{lang}/"
        for page in PAGES[1:]:
            assert f"/{prefix}{page}/</loc>" in sitemap, (lang, page)
    # The language alternates live in each page's head (test above), not here:
    # Material downloads and parses this file once per hreflang link of a page.
    assert "hreflang" not in sitemap
    assert "hreflang" not in gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode()


def test_classifier_page_frames_the_app_in_its_language(site: Path) -> None:
    for lang, page, path in built_pages(site):
        if page != "classifier":
            continue
        html = path.read_text(encoding="utf-8")
        frame = re.search(r'<iframe class="fc-app__frame"[^>]*>', html)
        assert frame, path
        attributes = dict(re.findall(r'([a-z-]+)="([^"]*)"', frame.group(0)))
        assert attributes["title"]
        assert attributes["allow"] == "clipboard-write"  # the app's copy-link button
        # No src: funnel-coach.js loads the app when it is near (test_site_browser).
        assert "src" not in attributes
        src = attributes["data-src"].replace("&amp;", "&")
        assert src.endswith(f"app/?lang={lang}&embed=true") and not src.startswith(("/", "http"))
        assert (path.parent / src.split("?")[0]).resolve() == (site / "app").resolve()
        assert 'class="fc-app__offline"' in html and "funnel-coach serve" in html


@pytest.mark.parametrize("lang", LANGS)
def test_front_matter_parses_with_title_and_description(lang: str) -> None:
    import yaml

    for page in PAGES:
        text = (DOCS / lang / f"{page}.md").read_text(encoding="utf-8")
        match = re.match(r"^---\n(.*?)\n---\n", text, flags=re.S)
        assert match, (lang, page)
        meta = yaml.safe_load(match.group(1))
        assert isinstance(meta, dict) and meta.get("title") and meta.get("description"), (
            lang,
            page,
        )


def test_navigation_titles_are_translated(site: Path) -> None:
    english = re.findall(r"<title>(.*?)</title>", (site / "roles" / "index.html").read_text())
    for lang in LANGS[1:]:
        for page in PAGES[1:]:
            html = (site / lang / page / "index.html").read_text(encoding="utf-8")
            assert "<p>title:" not in html and "title: " not in html.split("<article", 1)[1][:400]
        assert (
            re.findall(r"<title>(.*?)</title>", (site / lang / "roles" / "index.html").read_text())
            != english
        )


# Search: one index per language, at the language's root, loaded by its own pages.

CONFIG_SCRIPT = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)


def language_root(site: Path, lang: str) -> Path:
    return site if lang == "en" else site / lang


def search_index(site: Path, lang: str) -> dict[str, object]:
    import json

    path = language_root(site, lang) / "search" / "search_index.json"
    assert path.is_file(), path
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_has_a_search_index_of_only_its_own_pages(site: Path, lang: str) -> None:
    index = search_index(site, lang)
    config, docs = index["config"], index["docs"]
    assert isinstance(config, dict) and isinstance(docs, list) and docs, lang
    # Lunr set up for this language alone: its stop words, no multi-language mix.
    assert config["lang"] == [lang], config
    base = "" if lang == "en" else f"{lang}/"
    found = set()
    for doc in docs:
        location = doc["location"]
        assert not location.startswith(("/", "..")) and "://" not in location, (lang, location)
        path = base + location.split("#", 1)[0]
        if lang == "en":
            assert not path.startswith(tuple(f"{other}/" for other in LANGS[1:])), location
        target = site / path / "index.html"
        assert target.is_file(), (lang, location)
        parser = _Resources()
        parser.feed(target.read_text(encoding="utf-8"))
        assert parser.lang == lang, (lang, location, parser.lang)
        found.add(path.removeprefix(base).strip("/") or "index")
    assert found == set(PAGES), (lang, sorted(set(PAGES) ^ found))


def test_search_indexes_are_parallel_and_translated(site: Path) -> None:
    titles = {lang: {doc["title"] for doc in search_index(site, lang)["docs"]} for lang in LANGS}
    # Each language's channels page has a section per market of its own.
    counts = [
        sum(1 for d in search_index(site, lang)["docs"] if "#market-" not in d["location"])
        for lang in LANGS
    ]
    assert len(set(counts)) == 1, dict(zip(LANGS, counts, strict=True))
    for lang in LANGS[1:]:
        assert titles[lang] != titles["en"], lang


def test_every_page_points_material_at_its_language_index(site: Path) -> None:
    """Material fetches `new URL("search/search_index.json", config.base)`."""
    import json
    from urllib.parse import urljoin

    origin = "http://site.test/"
    for lang, page, path in built_pages(site):
        match = CONFIG_SCRIPT.search(path.read_text(encoding="utf-8"))
        assert match, path
        config = json.loads(match.group(1))
        folder = path.parent.relative_to(site).as_posix()
        here = origin if folder == "." else f"{origin}{folder}/"
        base = urljoin(here, config["base"])
        index = urljoin(base, "search/search_index.json")
        expected = origin + ("" if lang == "en" else f"{lang}/") + "search/search_index.json"
        assert index == expected, (lang, page, config["base"])
        # The worker and its Lunr language scripts come from this site.
        worker = urljoin(here, config["search"]).removeprefix(origin)
        assert (site / worker).is_file(), worker
        lunr = (site / worker).parent.parent / "lunr" / "min"
        assert lang == "en" or (lunr / f"lunr.{lang}.min.js").is_file(), lang
        assert (lunr / "lunr.stemmer.support.min.js").is_file()


def test_every_relative_link_and_asset_of_the_built_site_resolves(site: Path) -> None:
    """Links to pages, assets and the sample file land on a built file (the app's
    own addresses, served by `funnel-coach serve`, are left aside)."""
    import re
    from urllib.parse import unquote, urljoin

    broken = []
    for page in site.rglob("*.html"):
        url = "/" + page.relative_to(site).as_posix()
        html = page.read_text(encoding="utf-8")
        for target in re.findall(r'(?:href|src)="([^"#?]+)[^"]*"', html):
            if re.match(r"^[a-z]+:|^//", target) or "/app/" in urljoin(url, target):
                continue
            resolved = unquote(urljoin(url, target)).lstrip("/")
            path = site / resolved
            if not (path.is_file() or (path / "index.html").is_file()):
                broken.append(f"{url} -> {target}")
    assert not broken, broken[:20]


# Words that are the same in English and in a language's own pages.
SAME_IN_ENGLISH = {"Funnel Coach", "Navigation", "Role-play"}
LABELS = re.compile(r'(?:title|aria-label|placeholder|alt)="([^"]*)"')


def test_no_theme_label_is_left_in_english_on_another_language_s_pages(site: Path) -> None:
    """Tooltips and accessible names (the palette toggle, the headings' permanent
    links, search) are in the page's language, not in English."""
    english = {
        label
        for lang, _page, path in built_pages(site)
        if lang == "en"
        for label in LABELS.findall(path.read_text(encoding="utf-8"))
    }
    assert "Permanent link" in english and "Switch to dark mode" in english
    left = {
        (lang, page, label)
        for lang, page, path in built_pages(site)
        if lang != "en"
        for label in LABELS.findall(path.read_text(encoding="utf-8"))
        if label in english and label not in SAME_IN_ENGLISH
    }
    assert not left, sorted(left)[:10]


def test_the_root_not_found_page_speaks_english(site: Path) -> None:
    html = (site / "404.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in html
