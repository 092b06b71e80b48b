"""MkDocs hook: one search index per language, each served from its own language root.

mkdocs-static-i18n builds every language in turn and leaves one merged
``search/search_index.json`` at the site root, so a search on an Italian page
finds English, Spanish... pages too. Material's bundle always fetches the index
from ``new URL("search/search_index.json", config.base)``, where ``config.base``
is the ``base`` of the page's ``<script id="__config">``, the relative URL of the
site root. This hook, at build time only:

* ``on_post_page``: on pages of a non-default language, points ``base`` at the
  language root (``../../it/`` on ``/it/roles/``), so Material loads
  ``/it/search/search_index.json`` and resolves result links against ``/it/``;
* ``on_post_build``: once static-i18n has merged every language, splits the
  merged index by location: ``<lang>/search/search_index.json`` with that
  language's pages (locations made relative to ``<lang>/``) and Lunr set up for
  that language alone; the root index keeps the default language's pages.

The search worker, its Lunr language scripts (``assets/javascripts/lunr/``) and
every other URL in ``__config`` stay as Material renders them. No page script
touches the index. Kept under ``overrides/`` so that ``funnel-coach serve``,
which rebuilds when docs/, overrides/ or mkdocs.yml changed, notices edits here.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from jinja2.utils import htmlsafe_json_dumps
from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.i18n_search")

CONFIG_SCRIPT = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)


def languages(config: Any) -> tuple[str, list[str]]:
    """The default language and the other built languages of the i18n plugin."""
    plugin = config.plugins.get("i18n")
    if plugin is None:
        return config.theme.get("language", "en"), []
    default, others = "en", []
    for language in plugin.config.languages:
        if language.default:
            default = language.locale
        elif language.build and language.locale != "null":
            others.append(language.locale)
    return default, others


def page_language(url: str, others: list[str]) -> str | None:
    head = url.split("/", 1)[0]
    return head if head in others else None


def lunr_language(lang: str, config: Any) -> str:
    """``lang`` if the theme ships its Lunr script (the worker loads it from this site)."""
    script = f"assets/javascripts/lunr/min/lunr.{lang}.min.js"
    if lang == "en" or any((Path(folder) / script).is_file() for folder in config.theme.dirs):
        return lang
    log.warning("no Lunr support for %r: its search index uses English rules", lang)
    return "en"


@event_priority(-100)
def on_post_page(output: str, page: Any, config: Any) -> str:
    lang = page_language(page.url, languages(config)[1])
    match = CONFIG_SCRIPT.search(output)
    if lang is None or match is None:
        return output
    data = json.loads(match.group(1))
    data["base"] = f"{data['base'].rstrip('/')}/{lang}/"
    # The same serialisation as Jinja's `tojson`, which rendered it.
    dumped = str(htmlsafe_json_dumps(data, dumps=json.dumps, sort_keys=True))
    return output[: match.start(1)] + dumped + output[match.end(1) :]


def split_index(config: Any, default: str, others: list[str]) -> dict[str, int]:
    """Rewrite the merged root index as one index per language; return the counts."""
    site = Path(config.site_dir)
    path = site / "search" / "search_index.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    docs: dict[str, list[dict[str, Any]]] = {lang: [] for lang in (default, *others)}
    for doc in data["docs"]:
        head, _, rest = doc["location"].partition("/")
        if head in others:
            docs[head].append({**doc, "location": rest})
        else:
            docs[default].append(doc)
    for lang, entries in docs.items():
        search_config = {**data["config"], "lang": [lunr_language(lang, config)]}
        index = {"config": search_config, "docs": entries}
        target = path if lang == default else site / lang / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")
    return {lang: len(entries) for lang, entries in docs.items()}


#: The 404 page as each language's build rendered it: static-i18n writes every
#: language's 404.html at the site root in turn, so the last language would win.
NOT_FOUND: dict[str, str] = {}


def on_post_template(output: str, template_name: str, config: Any) -> str:
    if template_name == "404.html":
        NOT_FOUND[str(config.theme.get("language", "en"))] = output
    return output


# After static-i18n's on_post_build (-100), which builds the other languages and
# then rewrites the merged index.
@event_priority(-200)
def on_post_build(config: Any) -> None:
    plugin = config.plugins.get("i18n")
    if getattr(plugin, "building", False):
        return  # one language's inner build: the outer build splits the merged index
    default, others = languages(config)
    if default in NOT_FOUND:  # the root 404 page speaks the default language
        (Path(config.site_dir) / "404.html").write_text(NOT_FOUND[default], encoding="utf-8")
    for lang in others:  # the server answers /it/... with it/404.html
        if lang in NOT_FOUND and (Path(config.site_dir) / lang).is_dir():
            page = Path(config.site_dir) / lang / "404.html"
            page.write_text(NOT_FOUND[lang], encoding="utf-8")
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():
        return
    counts = split_index(config, default, others)
    log.debug("per-language search indexes: %s", counts)
    empty = [lang for lang, count in counts.items() if count == 0]
    if empty:
        log.warning("search index without pages for: %s", ", ".join(empty))
