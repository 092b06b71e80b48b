"""Session state and the query string.

The profile, the model and the language live in `st.session_state` under
explicit keys: they are the one source of truth. Widgets only show them: each
widget's key carries the language (a switch draws fresh widgets, so a browser
never sends back a label of the old language) and its value is set from the
profile before it is drawn, on every page and every run. After every run the
state is mirrored into the query string, so the address bar is always a link
that reproduces what is on screen.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from classifier import FIELDS, Problem, ProfileError, models, parse_profile, parse_text_value

from . import rules
from .i18n import LANGUAGES, negotiate
from .labels import GROUPS

LANG = "lang"
MODEL = "model"
PROFILE = "profile"  # the source of truth: {field: value or None}
SYNCED = "_synced_query"  # the query string this session last wrote
QUERY_PROBLEMS = "_query_problems"
BAD_LANG = "_bad_lang"
BAD_MODEL = "_bad_model"
OUTSIDE = "_query_from_outside"  # this run's query string is a link, not our own writing
FRAMED = "_framed"  # the app is framed in a lesson page of the site (?framed=1)
FORM_GROUP = "form_group"  # the form's open tab, by group id (its label is per language)

FORM_FIELDS: tuple[str, ...] = ("name", *(f.name for f in FIELDS))
KIND = {f.name: f.kind for f in FIELDS}
QUERY_KEYS: tuple[str, ...] = (LANG, MODEL, *FORM_FIELDS)
#: Practice's round lives in the address too: level, seed, first story, subset,
#: position and the answers given (see screens/practice.py); so does an
#: assessment's attempt and its certificate's code (screens/assessment.py), and
#: the code a verify link carries (screens/verify.py).
PAGE_KEYS: tuple[str, ...] = (
    "page",
    "scenario",
    "level",
    "round",
    "only",
    "at",
    "given",
    "attempt",
    "code",
    "framed",
)


def widget_key(field: str, lang: str) -> str:
    """The key of a field's widget in one language."""
    return f"field_{field}_{lang}"


def default_model() -> str:
    names = models(rules.current())
    return "funnel" if "funnel" in names else names[0]


def _query() -> dict[str, str]:
    return {k: st.query_params[k] for k in st.query_params if k in QUERY_KEYS or k in PAGE_KEYS}


def start() -> str:
    """Read the query string into the session when it is new; return the language."""
    query = _query()
    first = SYNCED not in st.session_state
    outside = query != st.session_state.get(SYNCED)  # a new link, not our own writing
    carries_state = any(k in query for k in (MODEL, *FORM_FIELDS))
    st.session_state[OUTSIDE] = first or outside
    if first:
        st.session_state[FRAMED] = query.get("framed") == "1"
    if first or (outside and carries_state):
        _load(query)
    elif outside and query.get(LANG) in LANGUAGES:
        st.session_state[LANG] = query[LANG]
    if st.session_state.get(LANG) not in LANGUAGES:
        st.session_state[LANG] = negotiate(st.context.locale) or "en"
    return str(st.session_state[LANG])


def from_widget(field: str, value: Any) -> Any:
    """A field's value in the profile, from what its widget holds."""
    kind = KIND.get(field, "text")
    if kind == "bool":
        return {"yes": True, "no": False}.get(value)
    if kind == "choice":
        return None if value == "unknown" else value
    if kind == "text":
        return value or None
    if kind == "count":
        return None if value is None else int(value)
    return value


def sent_by_the_page() -> dict[str, Any]:
    """The values of the widgets that the page sent with this run, by widget key,
    as the page shows them (a choice's label, a number, a text).

    A page whose app process stopped (or restarted) reconnects to a new one
    and keeps what is on screen; its first run there carries every widget's
    value, the learner's latest change included. The new session has no
    callbacks for those widgets yet, so without this the change would be
    overwritten by the link's values. Streamlit keeps them by widget id
    (`…-<key>`), serialized; not a public API, hence the care."""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
        from streamlit.runtime.state.session_state import Serialized

        ctx = get_script_run_ctx()
        states = ctx.session_state._state._new_widget_state.states if ctx else {}
        sent: dict[str, Any] = {}
        for widget_id, held in states.items():
            if isinstance(held, Serialized):
                which = held.value.WhichOneof("value")
                sent[widget_id.rsplit("-", 1)[-1]] = getattr(held.value, which) if which else None
        return sent
    except Exception:  # another Streamlit: the link alone, as before
        return {}


def _load(query: dict[str, str]) -> None:
    lang = query.get(LANG)
    st.session_state[BAD_LANG] = lang if lang is not None and lang not in LANGUAGES else None
    if lang in LANGUAGES:
        st.session_state[LANG] = lang
    model = query.get(MODEL)
    names = models(rules.current())
    st.session_state[BAD_MODEL] = model if model is not None and model not in names else None
    st.session_state[MODEL] = model if model in names else default_model()
    profile: dict[str, Any] = {}
    problems: list[Problem] = []
    for field in FORM_FIELDS:
        value, problem = parse_text_value(field, query.get(field, ""))
        profile[field] = value
        if problem is not None:
            problems.append(problem)
    st.session_state[PROFILE] = profile
    st.session_state[QUERY_PROBLEMS] = problems


def form_group() -> str:
    """The group of fields the form shows (the first until a tab is opened)."""
    ids = [group_id for group_id, _title, _fields in GROUPS]
    current = st.session_state.get(FORM_GROUP)
    return current if current in ids else ids[0]


def profile() -> dict[str, Any]:
    current: dict[str, Any] = st.session_state.setdefault(PROFILE, {f: None for f in FORM_FIELDS})
    return current


def set_field(field: str, value: Any) -> None:
    """Change one field; a link's complaint about that field no longer applies."""
    profile()[field] = value
    problems = st.session_state.get(QUERY_PROBLEMS, [])
    st.session_state[QUERY_PROBLEMS] = [p for p in problems if field not in p.fields]


def clear() -> None:
    """Forget the profile and every complaint about the link that gave it."""
    st.session_state[PROFILE] = {f: None for f in FORM_FIELDS}
    st.session_state[QUERY_PROBLEMS] = []
    st.session_state[BAD_MODEL] = None


def set_model(model: str) -> None:
    st.session_state[MODEL] = model
    st.session_state[BAD_MODEL] = None


def set_lang(lang: str) -> None:
    st.session_state[LANG] = lang
    st.session_state[BAD_LANG] = None


def model() -> str:
    current = st.session_state.get(MODEL)
    return current if current in models(rules.current()) else default_model()


def stated(values: dict[str, Any]) -> dict[str, Any]:
    """The fields the learner set: unknown ones are left out, as the contract wants."""
    return {k: v for k, v in values.items() if v is not None and v != ""}


def checked_profile() -> tuple[dict[str, Any], ProfileError | None]:
    values = stated(profile())
    try:
        parse_profile(values)
    except ProfileError as error:
        return values, error
    return values, None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def publish(page: str | None = None, extra: dict[str, str] | None = None) -> None:
    """Write the session into the query string (and remember what we wrote).

    The practice page passes `extra` (its round) and leaves the profile out.
    """
    query: dict[str, str] = {LANG: str(st.session_state[LANG])}
    if page:
        query["page"] = page
    if extra is not None:
        query |= extra
    else:
        if model() != default_model():
            query[MODEL] = model()
        for field, value in stated(profile()).items():
            query[field] = _text(value)
    if st.session_state.get(FRAMED):
        query["framed"] = "1"
    if query != _query():
        st.query_params.from_dict(query)
    st.session_state[SYNCED] = query


def share_query(*, keep_lang: bool = True) -> str:
    """The query string that reproduces this page (without the frame's own mark)."""
    from urllib.parse import urlencode

    query = {
        k: v
        for k, v in st.session_state.get(SYNCED, {}).items()
        if k != "framed" and (keep_lang or k != LANG)
    }
    return urlencode(query)
