"""The theme's own words that Material leaves in English on every language's pages.

Material translates its interface (search, "skip to content", the footer), but two
of its strings come from configuration that is the same for every language: the
palette toggle's names (`theme.palette[].toggle.name` in mkdocs.yml) and the
headings' permalink title (the `toc` extension's "Permanent link"). The toggle's
names are read by overrides/partials/palette.html through `fc_theme_words`; the
permalink title is replaced in each page's HTML.
"""

from __future__ import annotations

from typing import Any

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "palette_default": "Switch to dark mode",
        "palette_slate": "Switch to light mode",
        "permalink": "Permanent link",
    },
    "it": {
        "palette_default": "Passa al tema scuro",
        "palette_slate": "Passa al tema chiaro",
        "permalink": "Link permanente a questa sezione",
    },
    "es": {
        "palette_default": "Cambiar al modo oscuro",
        "palette_slate": "Cambiar al modo claro",
        "permalink": "Enlace permanente a esta sección",
    },
    "fr": {
        "palette_default": "Passer en mode sombre",
        "palette_slate": "Passer en mode clair",
        "permalink": "Lien permanent vers cette section",
    },
    "pt": {
        "palette_default": "Mudar para o modo escuro",
        "palette_slate": "Mudar para o modo claro",
        "permalink": "Link permanente para esta seção",
    },
}


def words(lang: str) -> dict[str, str]:
    """The words of `lang`; a language without its words stops the build."""
    return WORDS[lang]


def on_env(env: Any, config: Any, files: Any) -> Any:
    env.globals["fc_theme_words"] = words
    return env


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    title = words(config.theme.get("language", "en"))["permalink"]
    return html.replace('title="Permanent link"', f'title="{title}"')
