"""Catalog loading and message markers.

Each call site asks for a `Translations` object for one language; nothing is
installed globally, because the app serves many languages from one process.
"""

from __future__ import annotations

import io
from functools import cache
from importlib import resources
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES: Final[tuple[str, ...]] = ("en", "it", "es", "fr", "pt")
SOURCE_LANGUAGE: Final[str] = "en"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated when rendered."""
    return message


def NP_(context: str, message: str) -> tuple[str, str]:
    """Mark a message with a context (the same English word, two meanings)."""
    return (context, message)


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a plural form."""
    return (singular, plural)


class UnsupportedLanguageError(ValueError):
    """Raised for a language the product has no catalog for: never fall back."""

    def __init__(self, lang: object) -> None:
        self.lang = lang
        super().__init__(
            f"unsupported language {lang!r}; supported languages: {', '.join(LANGUAGES)}"
        )


def check_language(lang: object) -> str:
    if not isinstance(lang, str) or lang not in LANGUAGES:
        raise UnsupportedLanguageError(lang)
    return lang


@cache
def load_translations(lang: str, package: str = "classifier") -> NullTranslations:
    """The catalog of `package` for `lang`, compiled in memory from its .po file.

    English is the source language: its messages are the msgids themselves.
    """
    check_language(lang)
    if lang == SOURCE_LANGUAGE:
        return NullTranslations()
    po = resources.files(package).joinpath("locales", lang, "LC_MESSAGES", "messages.po")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain="messages")
