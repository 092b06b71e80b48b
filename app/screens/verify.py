"""Verify: is this certificate genuine? The code carries the certificate, so the
answer needs nothing stored: `/app/?page=verify&code=...` (the link printed on
every certificate), or a code pasted into the box."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import streamlit as st

from course import CertificateError, verify

from .. import state
from ..certificate import DATE, LANGUAGE, NAME, SCORE, language_name
from ..i18n import N_, gettext
from ..view import colon, plain

TITLE = N_("Verify a certificate")
INTRO = N_(
    "Paste the verification code printed on a Funnel Coach certificate, or open the link "
    "printed under it, to check that the certificate is genuine."
)
CODE_LABEL = N_("Verification code")
CHECK = N_("Check")
GENUINE = N_(
    "Genuine: this certificate was issued by this Funnel Coach server, and nothing on it has "
    "been changed."
)

CODE = "verify_code"  # the code being checked: the session's, mirrored in the address
#: Longer input is not a code (the longest is 600 characters), but a pasted link may be.
INPUT_MAX = 2000


def code_from(text: str) -> str:
    """The code in what was pasted: the code itself, or a verify link that carries it."""
    text = text.strip()
    if "code=" in text:
        found = parse_qs(urlsplit(text).query).get("code")
        if found:
            return found[0].strip()
    return text


def _typed(key: str) -> None:
    st.session_state[CODE] = code_from(str(st.session_state[key] or ""))[:INPUT_MAX]


def _start() -> None:
    """A link brings its code; otherwise the session's code stays."""
    if st.session_state.get(state.OUTSIDE) and "code" in st.query_params:
        st.session_state[CODE] = code_from(st.query_params["code"])[:INPUT_MAX]


def verdict(code: str, lang: str) -> None:
    """Genuine with what the certificate states, or why not, in words."""
    _ = gettext(lang)
    try:
        cert = verify(code)
    except CertificateError as error:
        st.error(plain(error.message(lang)))
        return
    st.success(_(GENUINE))
    sep = colon(lang)
    rows = (
        (NAME, cert.name),
        (DATE, cert.date_text(lang)),
        (LANGUAGE, language_name(cert.lang, lang)),
        (SCORE, cert.score_text(lang)),
    )
    with st.container(key="fc_verified"):
        st.markdown("\n".join(f"- **{_(term)}**{sep}{plain(value)}" for term, value in rows))


def render() -> None:
    lang = str(st.session_state[state.LANG])
    _ = gettext(lang)
    _start()
    code = str(st.session_state.get(CODE, ""))
    st.markdown(_(INTRO))
    key = f"verify_input_{lang}"
    st.session_state[key] = code
    st.text_input(_(CODE_LABEL), key=key, on_change=_typed, args=(key,), max_chars=INPUT_MAX)
    st.button(_(CHECK), key="verify_check", type="primary")
    state.publish(page="verify", extra={"code": code} if code else {})
    if code:
        verdict(code, lang)
