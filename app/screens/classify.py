"""Classify: enter a profile, see its stage and why."""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

import streamlit as st

from classifier import classify

from .. import state
from ..form import classifiable, link_problems, model_selector, profile_form
from ..i18n import N_, gettext
from ..view import verdict_view

TITLE = N_("Classify a contact")
INTRO = N_(
    "Describe a contact with what you know; leave the rest unknown. The verdict updates as you "
    "go and says which criteria are met, which are not, and what to do next."
)
SHARE = N_("Link to this verdict")


COPY = N_("Copy the link")
COPIED = N_("Link copied.")
COPY_FAILED = N_("Your browser did not allow copying: select the link and copy it by hand.")

COPY_BUTTON = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><style>
body{{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:15px}}
button{{font:inherit;padding:.35rem .9rem;border:1px solid #8a8a8a;border-radius:.5rem;
 background:#fff;color:#1a1a2e;cursor:pointer}}
button:focus-visible{{outline:2px solid #283593;outline-offset:2px}}
span{{margin-left:.6rem;color:#1a1a2e}}
</style></head><body><button type="button" id="copy" data-link="{link}" data-copied="{copied}"
 data-failed="{failed}">{copy}</button>
<span id="status" role="status" aria-live="polite"></span><script>{script}</script></body></html>"""
#: The same script for every link and language (they are in the button's data), so
#: the server's Content-Security-Policy allows it by its hash.
COPY_SCRIPT = """
const button = document.getElementById("copy"), status = document.getElementById("status");
button.addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText(button.dataset.link);
    status.textContent = button.dataset.copied;
  } catch (error) { status.textContent = button.dataset.failed; }
});
"""


SHARE_STYLE = (
    "overflow-wrap:anywhere;font-size:.9rem;margin:0;padding:.4rem .6rem;"
    "background:#f0f2f6;border-radius:.3rem;color:#1a1a2e"
)


def share_link(lang: str) -> None:
    """The address that reproduces this verdict, and a button that copies it."""
    _ = gettext(lang)
    # The app always lives at /app/ of the origin that serves it.
    parts = urlsplit(st.context.url or "http://127.0.0.1:8000/")
    link = f"{parts.scheme}://{parts.netloc}/app/?{state.share_query()}"
    st.markdown(f"**{_(SHARE)}**")
    # Plain text, not inline code: the monospace font alone would weigh 90 kB.
    st.markdown(
        f'<p style="{SHARE_STYLE}">{escape(link)}</p>',
        unsafe_allow_html=True,
    )
    st.iframe(
        COPY_BUTTON.format(
            lang=lang,
            copy=escape(_(COPY)),
            link=escape(link),
            copied=escape(_(COPIED)),
            failed=escape(_(COPY_FAILED)),
            script=COPY_SCRIPT,
        ),
        height=48,
        alt=_(COPY),
    )


def render() -> None:
    lang = str(st.session_state[state.LANG])
    _ = gettext(lang)
    st.markdown(_(INTRO))
    link_problems(lang)
    left, right = st.columns([1, 1], gap="large")
    with left:
        model_selector(lang)
        profile_form(lang)
    with right:
        values = classifiable(lang)
        if values is not None:
            verdict_view(classify(values, model=st.session_state[state.MODEL], lang=lang), lang)
    state.publish()
    share_link(lang)
