"""Classify: enter a profile, see its stage and why."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from classifier import classify

from .. import state
from ..form import link_problems, model_selector, profile_form
from ..i18n import N_, gettext
from ..view import plain, verdict_view

TITLE = N_("Classify a contact")
INTRO = N_(
    "Describe a contact with what you know; leave the rest unknown. The verdict updates as you "
    "go and says which criteria are met, which are not, and what to do next."
)
CANNOT_CLASSIFY = N_("This profile cannot be classified yet: {message}")
SHARE = N_("Link to this verdict (copy it with the button at its right)")


def share_link(lang: str) -> None:
    _ = gettext(lang)
    # The app always lives at /app/ of the origin that serves it.
    parts = urlsplit(st.context.url or "http://127.0.0.1:8000/")
    base = f"{parts.scheme}://{parts.netloc}/app/"
    st.markdown(f"**{_(SHARE)}**")
    st.code(f"{base}?{state.share_query()}", language=None, wrap_lines=True)


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
        values, error = state.checked_profile()
        if error is not None:
            st.error(
                plain(_(CANNOT_CLASSIFY).format(message=error.message(lang))),
                icon=":material/warning:",
            )
        else:
            verdict_view(classify(values, model=st.session_state[state.MODEL], lang=lang), lang)
    state.publish()
    share_link(lang)
