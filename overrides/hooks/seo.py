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
