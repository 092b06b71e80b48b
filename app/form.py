"""The profile form: every field of the contract, grouped, with help text, and
"unknown" a real choice for each one."""

from __future__ import annotations

from typing import Any

import streamlit as st

from classifier import FIELDS, describe_model, label, models

from . import rules, state
from .i18n import N_, gettext
from .labels import FIELD_HELP, FIELD_LABELS, GROUPS, NO, UNKNOWN, VALUE_LABELS, YES
from .view import plain

KIND = state.KIND
VALUES = {f.name: f.values for f in FIELDS}
MODEL_LABEL = N_("Model")
PROFILE_TITLE = N_("Contact profile")
RESET = N_("Clear the form")
UNKNOWN_PLACEHOLDER = N_("unknown")
QUERY_PROBLEM = N_(
    "The link has a value the app cannot use, so that field was left unknown: {message}"
)
BAD_MODEL = N_("Unknown model “{model}” in the link; available models: {models}. Using funnel.")
#: Streamlit's number box holds at most this (JavaScript's largest exact integer).
MAX_COUNT = 2**53 - 1
TOO_LARGE = N_(
    "{field}: {value} is more than this box can show, so it is left empty here; the verdict "
    "still counts {value}. Type another number to replace it."
)


def _on_change(field: str, lang: str) -> None:
    value = st.session_state[state.widget_key(field, lang)]
    state.set_field(field, state.from_widget(field, value))


def _initial(field: str, value: Any) -> Any:
    kind = KIND.get(field, "text")
    if kind == "bool":
        return {True: "yes", False: "no"}.get(value, "unknown")
    if kind == "choice":
        return value if value is not None else "unknown"
    if kind == "text":
        return value or ""
    return value


def choices(field: str, lang: str) -> dict[str, str]:
    """A choice field's options (id -> label in `lang`); {} for counts and text."""
    _ = gettext(lang)
    kind = KIND.get(field, "text")
    if kind == "bool":
        return {"unknown": _(UNKNOWN), "yes": _(YES), "no": _(NO)}
    if kind == "choice":
        return {"unknown": _(UNKNOWN)} | {v: _(VALUE_LABELS[(field, v)]) for v in VALUES[field]}
    return {}


def keep_what_the_page_shows(lang: str) -> None:
    """On a session's first run, the values the page still shows win over its link.

    A page whose app process stopped (or restarted) reconnects to a new one and
    keeps what is on screen; its first run there carries every widget's value,
    the learner's latest change included (see `state.sent_by_the_page`). Only
    values the widget could hold count: a page can send anything."""
    team = rules.current()
    for key, shown in state.sent_by_the_page().items():
        if key == group_key(lang):
            _open_group(shown, lang)
            continue
        if key == f"model_{lang}":
            names = {label("model", m, lang): m for m in models(team)}
            if shown in names:
                state.set_model(names[shown])
            continue
        field = key.removeprefix("field_").removesuffix(f"_{lang}")
        if key != state.widget_key(field, lang) or field not in state.FORM_FIELDS:
            continue
        kind = KIND.get(field, "text")
        options = {text: option for option, text in choices(field, lang).items()}
        if options:
            if shown in options:
                state.set_field(field, state.from_widget(field, options[shown]))
        elif kind == "count":
            if shown is None or (type(shown) is int and 0 <= shown <= MAX_COUNT):
                state.set_field(field, shown)
        elif isinstance(shown, str) and len(shown) <= 200:
            state.set_field(field, shown or None)


def field_widget(field: str, lang: str) -> None:
    """One field's widget, drawn from the profile (never from its own last value)."""
    _ = gettext(lang)
    key = state.widget_key(field, lang)
    value = state.profile().get(field)
    kind = KIND.get(field, "text")
    too_large = kind == "count" and isinstance(value, int) and value > MAX_COUNT
    st.session_state[key] = None if too_large else _initial(field, value)
    common: dict[str, Any] = {
        "label": _(FIELD_LABELS[field]),
        "help": _(FIELD_HELP[field]),
        "key": key,
        "on_change": _on_change,
        "args": (field, lang),
    }
    names = choices(field, lang)
    if kind == "bool":
        st.radio(options=list(names), format_func=names.__getitem__, horizontal=True, **common)
    elif kind == "choice":
        if len(names) > 5:
            st.selectbox(options=list(names), format_func=names.__getitem__, **common)
        else:
            st.radio(options=list(names), format_func=names.__getitem__, horizontal=True, **common)
    elif kind == "count":
        st.number_input(
            min_value=0, max_value=MAX_COUNT, step=1, placeholder=_(UNKNOWN_PLACEHOLDER), **common
        )
        if too_large:
            shown = _(TOO_LARGE).format(field=_(FIELD_LABELS[field]), value=value)
            st.warning(plain(shown))
    else:
        st.text_input(max_chars=200, **common)


def _model_changed(key: str) -> None:
    state.set_model(str(st.session_state[key]))


def model_selector(lang: str) -> None:
    """The model, by id; its label and description in `lang`."""
    _ = gettext(lang)
    team = rules.current()
    names = {m: label("model", m, lang) for m in models(team)}
    key = f"model_{lang}"
    st.session_state[key] = state.model()
    st.selectbox(
        _(MODEL_LABEL),
        options=list(names),
        format_func=names.__getitem__,
        key=key,
        on_change=_model_changed,
        args=(key,),
    )
    st.caption(plain(describe_model(state.model(), lang, team)))


CANNOT_CLASSIFY = N_("This profile cannot be classified yet: {message}")


def classifiable(lang: str) -> dict[str, Any] | None:
    """The stated profile, or None after saying (in `lang`) why it cannot be classified."""
    values, error = state.checked_profile()
    if error is None:
        return values
    st.error(plain(gettext(lang)(CANNOT_CLASSIFY).format(message=error.message(lang))))
    return None


def link_problems(lang: str) -> None:
    """Say, in the learner's language, which values of the link were set aside."""
    _ = gettext(lang)
    for problem in st.session_state.get(state.QUERY_PROBLEMS, []):
        st.error(plain(_(QUERY_PROBLEM).format(message=problem.message(lang))))
    bad_model = st.session_state.get(state.BAD_MODEL)
    if bad_model:
        st.error(
            plain(_(BAD_MODEL).format(model=bad_model, models=", ".join(models(rules.current())))),
        )


def group_key(lang: str) -> str:
    """The key of the form's tabs in one language (their value is a tab's label)."""
    return f"form_group_{lang}"


def group_labels(lang: str) -> dict[str, str]:
    """The form's groups: id -> tab label in `lang`."""
    _ = gettext(lang)
    return {group_id: _(title) for group_id, title, _fields in GROUPS}


def _open_group(shown: Any, lang: str) -> None:
    """Keep the group whose tab label (in `lang`) the page shows open; ignore anything else."""
    ids = {text: group_id for group_id, text in group_labels(lang).items()}
    if shown in ids:
        st.session_state[state.FORM_GROUP] = ids[shown]


def _group_changed(lang: str) -> None:
    _open_group(st.session_state.get(group_key(lang)), lang)


def profile_form(lang: str) -> None:
    """The grouped form; every widget writes into the session's profile.

    Only the open tab's fields are drawn: each widget costs every rerun its
    share of time (the verdict follows each change), and a closed tab's fields
    cannot be seen anyway. Opening a tab reruns the page and draws its fields."""
    _ = gettext(lang)
    st.header(_(PROFILE_TITLE), anchor=False)
    labels = group_labels(lang)
    key = group_key(lang)
    st.session_state[key] = labels[state.form_group()]
    tabs = st.tabs(list(labels.values()), key=key, on_change=_group_changed, args=(lang,))
    for tab, (_group_id, _title, fields) in zip(tabs, GROUPS, strict=True):
        if tab.open:
            with tab:
                for field in fields:
                    field_widget(field, lang)
    st.button(_(RESET), on_click=state.clear, key="reset")
