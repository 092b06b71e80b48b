"""What a learner sees when the app itself fails: a sentence in their
language, never a traceback. Their form stays in the session."""

from __future__ import annotations

import streamlit as st

from .i18n import LANGUAGES, N_, gettext

UNEXPECTED = N_(
    "Something went wrong on our side. What you entered is kept: change a field or reload the "
    "page to try again."
)


def on_script_error(_error: Exception) -> bool:
    """`st.App` calls this for an uncaught exception; True hides Streamlit's own display."""
    lang = st.session_state.get("lang", "en")
    st.error(gettext(lang if lang in LANGUAGES else "en")(UNEXPECTED))
    return True
