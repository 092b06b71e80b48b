"""Classify: enter a profile, see its stage and why."""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

import streamlit as st

from classifier import classify

from .. import rules, state
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
body{{margin:0;font-family:-apple-system,BlinkMacSystemFont,Helvetica,Arial,sans-serif;
 font-size:15px;color-scheme:{scheme}}}
button{{font:inherit;padding:.35rem .9rem;border:1px solid #8a8a8a;border-radius:.5rem;
 background:{background};color:{color};cursor:pointer}}
button:focus-visible{{outline:2px solid {focus};outline-offset:2px}}
span{{margin-left:.6rem;color:{color}}}
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
    "background:var(--fc-box-bg,#f0f2f6);border-radius:.3rem;color:var(--fc-box-fg,#1a1a2e)"
)
#: The copy button's colours, per Streamlit theme (its frame cannot see the app's CSS).
SCHEMES = {
    "light": {"background": "#fff", "color": "#1a1a2e", "focus": "#283593"},
    "dark": {"background": "#2b2f45", "color": "#e9ebfc", "focus": "#9fa8ff"},
}


def share_address(lang: str) -> str:
    """The address that reproduces this page: the app's own, or, framed in a
    lesson, the lesson page's (which frames the app with the same profile)."""
    # The app always lives at /app/ of the origin that serves it, the site at /.
    parts = urlsplit(st.context.url or "http://127.0.0.1:8000/")
    origin = f"{parts.scheme}://{parts.netloc}"
    if st.session_state.get(state.FRAMED):
        prefix = "" if lang == "en" else f"{lang}/"
        return f"{origin}/{prefix}classifier/?{state.share_query(keep_lang=False)}#try-it"
    return f"{origin}/app/?{state.share_query()}"


def share_link(lang: str) -> None:
    """The address that reproduces this verdict, and a button that copies it."""
    _ = gettext(lang)
    link = share_address(lang)
    scheme = "dark" if getattr(st.context.theme, "type", None) == "dark" else "light"
    # Plain text, not inline code: the monospace font alone would weigh 90 kB.
    st.markdown(
        f'**{_(SHARE)}**\n\n<p style="{SHARE_STYLE}">{escape(link)}</p>',
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
            scheme=scheme,
            **SCHEMES[scheme],
        ),
        height=48,
        alt=_(COPY),
    )


def render() -> None:
    lang = str(st.session_state[state.LANG])
    st.markdown(gettext(lang)(INTRO))
    form_and_verdict(lang)


@st.fragment
def form_and_verdict(lang: str) -> None:
    """The form, its verdict and its link: a change reruns only this part.

    The rest of the page (navigation, title, language) does not depend on the
    profile; skipping it roughly halves what each change costs the server.
    The language picker is outside, so a switch reruns the whole page."""
    link_problems(lang)
    left, right = st.columns([1, 1], gap="large")
    with left:
        model_selector(lang)
        profile_form(lang)
    with right:
        values = classifiable(lang)
        if values is not None:
            verdict = classify(values, model=state.model(), lang=lang, rules=rules.current())
            verdict_view(verdict, lang)
    state.publish()
    share_link(lang)
