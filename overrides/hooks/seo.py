"""MkDocs hook: language links (hreflang, x-default included) absolute, from `site_url`.

Theme and mkdocs-static-i18n write them relative to the page (`../../roles/`);
search engines want absolute addresses, on the public address the site is
built for (`site_url`, from FUNNEL_COACH_SITE_URL or `funnel-coach serve
--site-url`), the same base as the canonical link. A not-found page is served
at any address, so it names no alternates, and its language menu leads to
each language's home.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from mkdocs.plugins import event_priority

ALTERNATE = re.compile(r'<link rel="alternate" href="([^"]*)" hreflang="([^"]*)">\n?')


def _head(output: str) -> tuple[str, str]:
    end = output.find("</head>")
    return output[:end], output[end:]


# Before i18n_search.py keeps each language's 404 page (priority 0).
@event_priority(50)
def on_post_template(output: str, template_name: str, config: Any) -> str:
    if template_name != "404.html":
        return output
    head, body = _head(output)
    # The language menu would offer the last page built; each language's home instead.
    root = re.escape(urlsplit(config.site_url or "/").path or "/")
    menu = re.compile(rf'(<a href="{root}(?:[a-z]{{2}}/)?)[^"]*" hreflang=')
    return ALTERNATE.sub("", head) + menu.sub(r'\1" hreflang=', body)


@event_priority(-90)
def on_post_page(output: str, page: Any, config: Any) -> str:
    head, body = _head(output)
    if not page.canonical_url:
        return ALTERNATE.sub("", head) + body

    def absolute(found: re.Match[str]) -> str:
        href = urljoin(page.canonical_url, found.group(1))
        return f'<link rel="alternate" href="{href}" hreflang="{found.group(2)}">\n'

    return ALTERNATE.sub(absolute, head) + body


#: mkdocs-static-i18n's alternate links inside the sitemap.
SITEMAP_ALTERNATE = re.compile(r"\s*<xhtml:link [^>]*/>")


SITEMAP_URL = re.compile(r"\s*<url>\s*<loc>([^<]*)</loc>.*?</url>", re.S)


def on_post_build(config: Any) -> None:
    """Sitemaps Material can afford on a phone.

    Material fetches and parses `sitemap.xml` beside every hreflang link of the
    page it opens (six per page) and beside its base. The site's sitemap
    listed every page with its five alternates (53 kB, parsed six times: most
    of a page's blocking script time on a phone). Now the site's sitemap keeps
    only the `<url>` entries (the alternates are in every page's head, above),
    and each page's folder has a sitemap of that page alone, which is what
    Material finds beside a hreflang link: nothing is a 404, nothing big is
    parsed. (Material uses them for its language links, which
    funnel-coach.js follows itself, keeping the section and the profile.)"""
    import gzip
    from pathlib import Path

    site = Path(config.site_dir)
    sitemap = site / "sitemap.xml"
    if not sitemap.is_file():
        return
    text = SITEMAP_ALTERNATE.sub("", sitemap.read_text(encoding="utf-8"))
    text = text.replace(' xmlns:xhtml="http://www.w3.org/1999/xhtml"', "")
    sitemap.write_text(text, encoding="utf-8")
    packed = sitemap.with_name("sitemap.xml.gz")
    if packed.is_file():
        packed.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    head, _, _ = text.partition("<url>")
    root = urlsplit(config.site_url or "/").path or "/"
    for entry in SITEMAP_URL.finditer(text):
        folder = site / urlsplit(entry.group(1)).path.removeprefix(root)
        if folder != site and (folder / "index.html").is_file():
            own = f"{head.rstrip()}{entry.group(0)}\n</urlset>\n"
            (folder / "sitemap.xml").write_text(own, encoding="utf-8")
