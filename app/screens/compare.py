"""Compare: the same profile under every model, and the criterion that makes
each differ."""

from __future__ import annotations

from html import escape

import streamlit as st

from classifier import classify, label, models

from .. import rules, state
from ..form import classifiable, link_problems, profile_form
from ..i18n import N_, gettext
from ..reasoning import GATES
from ..view import NEXT_ACTION, STAGE, colon, playbook_address

TITLE = N_("Compare the models")
INTRO = N_(
    "The same profile under every model. The models share the customer and identity steps and "
    "the fit and permission gates; they differ in how they judge capacity and interest."
)
MODEL = N_("Model")
SCORE = N_("Score")
DECIDES = N_("What decides")
CAPTION = N_("The profile under each model")
ALL_MET = N_("every criterion met")
SAME = N_("Every model gives the same stage for this profile.")
DIFFERENT = N_("The models disagree: look at the “What decides” column to see why.")

STYLE = """<style>
.fc-compare{width:100%;border-collapse:collapse;font-size:.95rem}
.fc-compare th,.fc-compare td{border:1px solid #cfd8dc;padding:.35rem .5rem;text-align:left;
 vertical-align:top;color:#1a1a2e;background:#fff}
.fc-compare thead th{background:#eceff1}
html[data-fc-scheme="dark"] .fc-compare th,html[data-fc-scheme="dark"] .fc-compare td{
 background:#1e2029;color:#e9ebfc;border-color:#4a4e63}
html[data-fc-scheme="dark"] .fc-compare thead th{background:#2b2f45}
</style>"""


def render() -> None:
    lang = str(st.session_state[state.LANG])
    _ = gettext(lang)
    st.markdown(_(INTRO))
    link_problems(lang)
    left, right = st.columns([1, 2], gap="large")
    with left:
        profile_form(lang)
    with right:
        values = classifiable(lang)
        if values is not None:
            st.markdown(STYLE, unsafe_allow_html=True)
            team = rules.current()
            verdicts = [classify(values, model=m, lang=lang, rules=team) for m in models(team)]
            rows = []
            for v in verdicts:
                deciding = (
                    [c for c in v.criteria if c.outcome != "met" and c.id not in GATES]
                    if v.stage in ("lead", "prospect")
                    else []
                )
                decides = "<br>".join(
                    f"<strong>{escape(label('criterion', c.id, lang))}</strong> "
                    f"({escape(label('outcome', c.outcome, lang))})"
                    f"{escape(colon(lang))}{escape(c.text)}"
                    for c in deciding
                ) or escape(_(ALL_MET) if v.stage == "prospect" else v.summary)
                temperature = (
                    f" ({escape(label('temperature', v.temperature, lang))})"
                    if v.temperature
                    else ""
                )
                rows.append(
                    f'<tr><th scope="row">{escape(label("model", v.model, lang))}</th>'
                    f"<td>{escape(label('stage', v.stage, lang))}{temperature}</td>"
                    f"<td>{v.score}</td><td>{decides}</td>"
                    f'<td><a href="{escape(playbook_address(v.next_action.id, lang))}">'
                    f"{escape(label('next_action', v.next_action.id, lang))}</a></td></tr>"
                )
            head = "".join(
                f'<th scope="col">{escape(_(h))}</th>'
                for h in (MODEL, STAGE, SCORE, DECIDES, NEXT_ACTION)
            )
            st.markdown(
                '<table class="fc-compare"><caption class="fc-visually-hidden">'
                f"{escape(_(CAPTION))}"
                f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>",
                unsafe_allow_html=True,
            )
            stages = {v.stage for v in verdicts}
            st.markdown(_(SAME) if len(stages) == 1 else _(DIFFERENT))
    state.publish(page="compare")
