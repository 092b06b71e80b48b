"""The app's catalogs: one `Translations` object per call, never installed
globally, because every Streamlit session shares this process."""

from __future__ import annotations

from collections.abc import Callable

from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.support import NullTranslations

from classifier import languages, load_translations

LANGUAGES = languages()
#: Each language named in itself, for the selector.
NATIVE_NAMES = {
    "en": "English",
    "it": "Italiano",
    "es": "Español",
    "fr": "Français",
    "pt": "Português",
}


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated when rendered."""
    return message


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a plural form."""
    return (singular, plural)


def translations(lang: str) -> NullTranslations:
    """The app's catalog for `lang` (English is the source: no catalog)."""
    return load_translations(lang, package="app")


def gettext(lang: str) -> Callable[[str], str]:
    """A `_` bound to one language, for one render."""
    return translations(lang).gettext


def ngettext(lang: str) -> Callable[[str, str, int], str]:
    return translations(lang).ngettext


def negotiate(browser_locale: str | None) -> str | None:
    """The supported language closest to the browser's (`fr-CA` gives `fr`)."""
    if not browser_locale:
        return None
    try:
        tag = str(Locale.parse(browser_locale.replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        tag = browser_locale.replace("-", "_")
    return negotiate_locale([tag, tag.split("_")[0]], list(LANGUAGES), sep="_")
