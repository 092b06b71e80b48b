"""Funnel Coach app: the entry that Streamlit runs for every session.

It picks the language (`?lang=`, else the browser's, else English), builds
the navigation and runs the chosen page. Each page lives in `app/screens/`
(not `pages/`, which Streamlit would run as scripts).
"""

from __future__ import annotations

import streamlit as st

from app import state
from app.chrome import marker
from app.i18n import LANGUAGES, N_, NATIVE_NAMES, gettext
from app.screens import batch, classify, compare, practice
from app.view import plain

APP_TITLE = N_("Funnel Coach: lead or prospect?")
CLASSIFY = N_("Classify")
COMPARE = N_("Compare models")
PRACTICE = N_("Practice")
BATCH = N_("Batch")
LANGUAGE = N_("Language")
BAD_LANG = N_("Unsupported language “{lang}” in the link; supported languages: {languages}.")

# Slug: (render, navigation label, page heading). No icons: Streamlit draws them
# with a 375 kB icon font, a third of the first load.
PAGES = {
    "classify": (classify.render, CLASSIFY, classify.TITLE),
    "compare": (compare.render, COMPARE, compare.TITLE),
    "practice": (practice.render, PRACTICE, practice.TITLE),
    "batch": (batch.render, BATCH, batch.TITLE),
}


#: Darker captions than Streamlit's default grey, for WCAG AA contrast.
GLOBAL_STYLE = """<style>
/* Streamlit's own "Press Enter to apply" hint is English only; the form applies on
   Enter or when the field loses focus anyway. */
[data-testid="InputInstructions"] { display: none; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {
  color: #4f4f4f !important; opacity: 1 !important;
}
</style>"""


def main() -> None:
    lang = state.start()
    _ = gettext(lang)
    st.set_page_config(page_title=_(APP_TITLE), layout="wide")
    requested = st.query_params.get("page", "classify")
    pages = [
        st.Page(
            render,
            title=_(title),
            url_path=slug,
            default=(slug == requested) or (requested not in PAGES and slug == "classify"),
        )
        for slug, (render, title, _heading) in PAGES.items()
    ]
    navigation = st.navigation(pages, position="top")
    st.markdown(GLOBAL_STYLE + marker(lang), unsafe_allow_html=True)
    heading, picker = st.columns([5, 1], vertical_alignment="bottom")
    with heading:
        # st.navigation hands back one of the pages given to it.
        _render, _label, title = PAGES[list(PAGES)[pages.index(navigation)]]
        st.title(_(title), anchor=False)
    with picker:
        st.selectbox(
            _(LANGUAGE),
            options=list(LANGUAGES),
            format_func=NATIVE_NAMES.__getitem__,
            key=state.LANG,
        )
    bad = st.session_state.get(state.BAD_LANG)
    if bad:
        st.error(
            plain(_(BAD_LANG).format(lang=bad, languages=", ".join(LANGUAGES))),
        )
    navigation.run()


main()
