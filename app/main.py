"""Funnel Coach app: the entry that Streamlit runs for every session.

It picks the language (`?lang=`, else the browser's, else English), builds
the navigation and runs the chosen page. Each page lives in `app/screens/`
(not `pages/`, which Streamlit would run as scripts).
"""

from __future__ import annotations

import streamlit as st

from app import form, rules, state
from app.chrome import marker
from app.i18n import LANGUAGES, N_, NATIVE_NAMES, gettext
from app.screens import assessment, batch, classify, compare, practice, verify
from app.view import STYLE, plain

APP_TITLE = N_("Funnel Coach: lead or prospect?")
CLASSIFY = N_("Classify")
COMPARE = N_("Compare models")
PRACTICE = N_("Practice")
BATCH = N_("Batch")
ASSESSMENT = N_("Assessment")
VERIFY = N_("Verify")
LANGUAGE = N_("Language")
BAD_LANG = N_("Unsupported language “{lang}” in the link; supported languages: {languages}.")
LESSONS = N_("Back to the lessons")
TEAM_RULES = N_(
    "Team rulebook in use: {name}. Verdicts follow your team's rules, not the default ones."
)

# Slug: (render, navigation label, page heading). No icons: Streamlit draws them
# with a 375 kB icon font, a third of the first load.
PAGES = {
    "classify": (classify.render, CLASSIFY, classify.TITLE),
    "compare": (compare.render, COMPARE, compare.TITLE),
    "practice": (practice.render, PRACTICE, practice.TITLE),
    "batch": (batch.render, BATCH, batch.TITLE),
    "assessment": (assessment.render, ASSESSMENT, assessment.TITLE),
    "verify": (verify.render, VERIFY, verify.TITLE),
}


#: Darker captions than Streamlit's default grey, for WCAG AA contrast.
GLOBAL_STYLE = """<style>
/* Streamlit's own "Press Enter to apply" hint is English only; the form applies on
   Enter or when the field loses focus anyway. */
[data-testid="InputInstructions"] { display: none; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {
  color: #4f4f4f !important; opacity: 1 !important;
}
html[data-fc-scheme="dark"] [data-testid="stCaptionContainer"],
html[data-fc-scheme="dark"] [data-testid="stCaptionContainer"] p { color: #c5c8d8 !important; }
/* The page links: a labelled row on every screen, instead of a menu that a phone
   folds into an unnamed button. */
.st-key-fc_nav { gap: .25rem 1rem; }
.st-key-fc_nav a { padding: .25rem .4rem; }
/* Headings the size of the site's, not a poster: the app sits inside a lesson. */
[data-testid="stMainBlockContainer"] h1 { font-size: clamp(1.6rem, 5vw, 2.2rem); }
[data-testid="stMainBlockContainer"] h2 { font-size: clamp(1.3rem, 4vw, 1.7rem); }
</style>"""


def _lang_changed() -> None:
    state.set_lang(str(st.session_state["lang_picker"]))


def navigation_links(pages: list[st.Page], lang: str) -> None:
    """Every page of the app as a visible, named link (and the way back to the site)."""
    _ = gettext(lang)
    with st.container(horizontal=True, key="fc_nav", vertical_alignment="center"):
        for page in pages:
            st.page_link(page)
        if not st.session_state.get(state.FRAMED):
            prefix = "" if lang == "en" else f"{lang}/"
            st.markdown(f"[{_(LESSONS)}](../{prefix})")


def main() -> None:
    new_session = state.SYNCED not in st.session_state
    lang = state.start()
    if new_session:
        form.keep_what_the_page_shows(lang)
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
    st.session_state["_pages"] = dict(zip(PAGES, pages, strict=True))  # for st.switch_page
    navigation = st.navigation(pages, position="hidden")
    st.markdown(GLOBAL_STYLE + STYLE + marker(lang), unsafe_allow_html=True)
    navigation_links(pages, lang)
    framed = bool(st.session_state.get(state.FRAMED))
    heading, picker = st.columns([5, 1], vertical_alignment="bottom")
    with heading:
        # st.navigation hands back one of the pages given to it.
        _render, _label, title = PAGES[list(PAGES)[pages.index(navigation)]]
        st.title(_(title), anchor=False)
    if not framed:  # framed, the lesson page's own language switcher decides
        with picker:
            st.session_state["lang_picker"] = lang
            st.selectbox(
                _(LANGUAGE),
                options=list(LANGUAGES),
                format_func=NATIVE_NAMES.__getitem__,
                key="lang_picker",
                on_change=_lang_changed,
            )
    team = rules.team_name()
    if team:
        st.caption(plain(_(TEAM_RULES).format(name=team)))
    bad = st.session_state.get(state.BAD_LANG)
    if bad:
        st.error(
            plain(_(BAD_LANG).format(lang=bad, languages=", ".join(LANGUAGES))),
        )
    navigation.run()


main()
