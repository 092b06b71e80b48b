"""Streamlit's own words, in the learner's language.

Streamlit's frontend writes a few English strings of its own: the skip link,
the labels a screen reader announces ("Help for …", "Increment", "App pages"),
the status while a page runs, the upload errors. Each is listed here as a
message of the app's catalogs, and a script added to the app's HTML page
(see `server.py`) swaps them for the translation of the page's language, which
the app announces with `marker()`. It also sets `<html lang>`, which Streamlit
leaves at "en" whatever the page says (WCAG 3.1.1).
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from .i18n import LANGUAGES, N_, gettext

#: Exactly as Streamlit 1.67 writes them; `{…}` stands for the part it fills in.
STRINGS = (
    N_("App pages"),
    N_("Skip to main content"),
    N_("Choose an option"),
    N_("Open"),
    N_("No results"),
    N_("Clear all"),
    N_("Help"),
    N_("Help for {label}"),
    N_("Decrement"),
    N_("Increment"),
    N_("Clear value"),
    N_("Scroll tabs left"),
    N_("Scroll tabs right"),
    N_("file upload"),
    N_("Upload"),
    N_("{size} per file"),
    N_("Add files"),
    N_("Remove {name}"),
    N_("File must be {size} or smaller."),
    N_("Running..."),
    N_("Stop"),
    N_("Please wait..."),
    N_("Connecting"),
    N_("Connection lost. Please wait for the app to reconnect, then try again."),
    N_("Close"),
)


def table() -> dict[str, dict[str, str]]:
    """Each language's translation of every string in `STRINGS` (English: itself)."""
    return {lang: {s: gettext(lang)(s) for s in STRINGS} for lang in LANGUAGES}


def marker(lang: str) -> str:
    """An invisible element that tells the page script the page's language."""
    return f'<span data-fc-lang="{escape(lang)}" hidden></span>'


#: The page script: it finds the page's language (the app's marker, else
#: `?lang=`, else the browser's) and rewrites the strings of `STRINGS` wherever
#: Streamlit puts them: aria-label, placeholder and title attributes, and whole
#: text nodes outside the app's own Markdown. Strings already shown in another
#: language are mapped back first, so switching the language switches them too.
SCRIPT = Path(__file__).with_name("chrome.js")


def head_script() -> bytes:
    """The script added to the head of the app's HTML page, with its table."""
    data = json.dumps(table(), ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    code = SCRIPT.read_text(encoding="utf-8").replace("__TABLE__", data)
    return f"<script>{code}</script>".encode()
