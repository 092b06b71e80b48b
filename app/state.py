"""Session state and the query string.

The profile, the model and the language live in `st.session_state` under
explicit keys, and are mirrored into the query string after every run, so the
address bar is always a link that reproduces what is on screen.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from classifier import FIELDS, Problem, ProfileError, models, parse_profile, parse_text_value

from .i18n import LANGUAGES, negotiate

LANG = "lang"
MODEL = "model"
PROFILE = "profile"  # the source of truth: {field: value or None}
SYNCED = "_synced_query"  # the query string this session last wrote
QUERY_PROBLEMS = "_query_problems"
BAD_LANG = "_bad_lang"
BAD_MODEL = "_bad_model"
OUTSIDE = "_query_from_outside"  # this run's query string is a link, not our own writing

FORM_FIELDS: tuple[str, ...] = ("name", *(f.name for f in FIELDS))
QUERY_KEYS: tuple[str, ...] = (LANG, MODEL, *FORM_FIELDS)
PAGE_KEYS: tuple[str, ...] = ("page", "scenario")


def widget_key(field: str) -> str:
    return f"field_{field}"


def _query() -> dict[str, str]:
    return {k: st.query_params[k] for k in st.query_params if k in QUERY_KEYS or k in PAGE_KEYS}


def start() -> str:
    """Read the query string into the session when it is new; return the language."""
    query = _query()
    first = SYNCED not in st.session_state
    outside = query != st.session_state.get(SYNCED)  # a new link, not our own writing
    carries_state = any(k in query for k in (MODEL, *FORM_FIELDS))
    st.session_state[OUTSIDE] = first or outside
    if first or (outside and carries_state):
        _load(query)
    elif outside and query.get(LANG) in LANGUAGES:
        st.session_state[LANG] = query[LANG]
    if st.session_state.get(LANG) not in LANGUAGES:
        st.session_state[LANG] = negotiate(st.context.locale) or "en"
    return str(st.session_state[LANG])


def _load(query: dict[str, str]) -> None:
    lang = query.get(LANG)
    st.session_state[BAD_LANG] = lang if lang is not None and lang not in LANGUAGES else None
    if lang in LANGUAGES:
        st.session_state[LANG] = lang
    model = query.get(MODEL)
    st.session_state[BAD_MODEL] = model if model is not None and model not in models() else None
    st.session_state[MODEL] = model if model in models() else "funnel"
    profile: dict[str, Any] = {}
    problems: list[Problem] = []
    for field in FORM_FIELDS:
        value, problem = parse_text_value(field, query.get(field, ""))
        profile[field] = value
        if problem is not None:
            problems.append(problem)
    st.session_state[PROFILE] = profile
    st.session_state[QUERY_PROBLEMS] = problems
    for field in FORM_FIELDS:
        st.session_state.pop(widget_key(field), None)


def profile() -> dict[str, Any]:
    current: dict[str, Any] = st.session_state.setdefault(PROFILE, {f: None for f in FORM_FIELDS})
    return current


def set_field(field: str, value: Any) -> None:
    profile()[field] = value


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

    The practice page passes `extra` (its scenario) and leaves the profile out.
    """
    query: dict[str, str] = {LANG: str(st.session_state[LANG])}
    if page:
        query["page"] = page
    if extra is not None:
        query |= extra
    else:
        model = st.session_state.get(MODEL, "funnel")
        if model != "funnel":
            query[MODEL] = str(model)
        for field, value in stated(profile()).items():
            query[field] = _text(value)
    if query != _query():
        st.query_params.from_dict(query)
    st.session_state[SYNCED] = query


def share_query() -> str:
    from urllib.parse import urlencode

    query = dict(st.session_state.get(SYNCED, {}))
    return urlencode(query)
