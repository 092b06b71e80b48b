"""Practice: read a short story, say which stage the contact is in, and learn
from the classifier's own criteria why.

A round is ten scenarios of one level; the score and the misses are kept in
the session, and the summary says which pages of the site to read next.
"""

from __future__ import annotations

import random
from html import escape

import streamlit as st

from classifier import (
    Scenario,
    UnknownScenarioError,
    Verdict,
    describe_model,
    expected,
    label,
    scenario,
    scenarios,
)

from .. import state
from ..i18n import N_, gettext
from ..view import plain, style

ROUND = 10
LEVEL = "practice_level"
QUEUE = "practice_queue"
POSITION = "practice_position"
ANSWERS = "practice_answers"  # one dict per checked scenario of the round
CHOICE = "practice_choice"
CHECKED = "practice_checked"
LINKED = "practice_linked"  # the ?scenario= link already honoured

TITLE = N_("Practice")
INTRO = N_(
    "Read the story, decide which stage the contact is in, then check your answer. Rounds have "
    "ten stories; the feedback uses the classifier's own criteria."
)
LEVEL_LABEL = N_("Difficulty")
LEVELS = {1: N_("Easy"), 2: N_("Medium"), 3: N_("Hard")}
PROGRESS = N_("Story {number} of {total} · score {right} of {done}")
MODEL_USED = N_("Model to apply: {model}. {description}")
QUESTION = N_("Which stage is this contact in?")
HOT = N_("{prospect}, hot")
COLD = N_("{prospect}, cold")
CHECK = N_("Check my answer")
NEXT = N_("Next story")
SUMMARY_BUTTON = N_("See the round summary")
RIGHT = N_("Right: {answer}.")
WRONG = N_("Not quite: you said {given}, the classifier says {answer}.")
WHY = N_("Why")
IN_STORY = N_("In the story: “{phrase}”")
NOT_IN_STORY = N_("The story does not say: {criterion} stays unknown.")
NEXT_ACTION = N_("Next action: {action}")
ROUND_OVER = N_("Round complete: {right} of {total} right")
MISSED = N_("What you missed")
NOTHING_MISSED = N_("Nothing: every answer was right. Try a harder level.")
READ = N_("Read next")
NEW_ROUND = N_("Start a new round")
UNKNOWN_SCENARIO = N_("There is no practice story “{id}”; here is another one.")
TRY_IN_CLASSIFIER = N_("Open this profile in the classifier")
PAGE_NAMES = {
    "roles": N_("Roles: from stranger to customer"),
    "lead-vs-prospect": N_("Lead or prospect?"),
    "qualification": N_("Qualifying a lead"),
    "frameworks": N_("Qualification frameworks"),
    "consent": N_("Consent"),
    "nurturing": N_("Nurturing and retention"),
}


def answer_of(verdict: Verdict) -> str:
    return f"prospect:{verdict.temperature}" if verdict.stage == "prospect" else verdict.stage


def answer_label(answer: str, lang: str) -> str:
    _ = gettext(lang)
    if answer.startswith("prospect:"):
        template = HOT if answer.endswith("hot") else COLD
        return _(template).format(prospect=label("stage", "prospect", lang))
    return label("stage", answer, lang)


ANSWERS_OFFERED = ("stranger", "visitor", "lead", "prospect:hot", "prospect:cold", "customer")


def pages_to_read(item: Scenario, verdict: Verdict) -> list[str]:
    """The site pages that teach what this scenario tests."""
    pages = []
    if verdict.stage in ("stranger", "visitor"):
        pages.append("roles")
    if verdict.stage in ("lead", "prospect"):
        pages.append("lead-vs-prospect")
    if verdict.stage == "prospect" or verdict.out_of_target or "price_only" in item.profile:
        pages.append("qualification")
    if item.model != "funnel":
        pages.append("frameworks")
    if item.profile.get("consent") in ("withdrawn", "none"):
        pages.append("consent")
    if verdict.stage == "customer":
        pages.append("nurturing")
    return pages or ["roles"]


def site_link(page: str, lang: str) -> str:
    """A link from the app (at /app/) to a page of the site in `lang`."""
    prefix = "" if lang == "en" else f"{lang}/"
    return f"../{prefix}{page}/"


def _new_round(level: int, first: str | None = None) -> None:
    pool = [s.id for s in scenarios(level)]
    rng = random.Random()
    rng.shuffle(pool)
    if first is not None:
        pool = [first, *[i for i in pool if i != first]]
    st.session_state[QUEUE] = pool[:ROUND]
    st.session_state[POSITION] = 0
    st.session_state[ANSWERS] = []
    st.session_state[CHECKED] = False
    st.session_state.pop(CHOICE, None)


def _start(lang: str) -> None:
    """Honour `?scenario=` once, then keep the round in the session."""
    _ = gettext(lang)
    wanted = st.query_params.get("scenario")
    if wanted and st.session_state.get(state.OUTSIDE) and st.session_state.get(LINKED) != wanted:
        st.session_state[LINKED] = wanted
        try:
            item = scenario(wanted)
        except UnknownScenarioError:
            st.error(plain(_(UNKNOWN_SCENARIO).format(id=wanted)))
        else:
            st.session_state[LEVEL] = item.level
            _new_round(item.level, first=item.id)
            return
    if QUEUE not in st.session_state:
        st.session_state.setdefault(LEVEL, 1)
        _new_round(int(st.session_state[LEVEL]))


def _level_changed() -> None:
    _new_round(int(st.session_state[LEVEL]))


def _check(item: Scenario) -> None:
    verdict = expected(item)
    st.session_state[CHECKED] = True
    st.session_state[ANSWERS].append(
        {
            "id": item.id,
            "given": st.session_state.get(CHOICE),
            "answer": answer_of(verdict),
            "right": st.session_state.get(CHOICE) == answer_of(verdict),
        }
    )


def _next() -> None:
    st.session_state[POSITION] += 1
    st.session_state[CHECKED] = False
    st.session_state.pop(CHOICE, None)


def feedback(item: Scenario, lang: str) -> None:
    """Right or wrong, then the classifier's criteria and the facts that decide."""
    _ = gettext(lang)
    verdict = expected(item, lang)
    record = st.session_state[ANSWERS][-1]
    answer = answer_label(record["answer"], lang)
    if record["right"]:
        st.success(plain(_(RIGHT).format(answer=answer)))
    else:
        given = answer_label(str(record["given"]), lang) if record["given"] else "—"
        st.error(plain(_(WRONG).format(given=given, answer=answer)))
    st.markdown(f"**{_(WHY)}**")
    st.markdown(plain(verdict.summary))
    facts = item.text(lang).facts
    lines = []
    for trace, shown in zip(verdict.evaluation.criteria, verdict.criteria, strict=True):
        quoted = [facts[name] for name, _value in trace.inputs if name in facts]
        evidence = "".join(
            f"<br><em>{escape(_(IN_STORY).format(phrase=phrase))}</em>" for phrase in quoted
        )
        if not quoted and shown.outcome == "unknown":
            unknown = _(NOT_IN_STORY).format(criterion=label("criterion", shown.id, lang))
            evidence = f"<br><em>{escape(unknown)}</em>"
        lines.append(
            f'<li class="fc-{shown.outcome}"><strong>{escape(label("criterion", shown.id, lang))}'
            f"</strong> ({escape(label('outcome', shown.outcome, lang))}): {escape(shown.text)}"
            f"{evidence}</li>"
        )
    style()
    st.markdown(f'<ul class="fc-criteria">{"".join(lines)}</ul>', unsafe_allow_html=True)
    st.markdown(
        plain(_(NEXT_ACTION).format(action=label("next_action", verdict.next_action.id, lang)))
    )


def round_summary(lang: str) -> None:
    _ = gettext(lang)
    answers = st.session_state[ANSWERS]
    right = sum(1 for a in answers if a["right"])
    st.subheader(_(ROUND_OVER).format(right=right, total=len(answers)), anchor=False)
    missed = [a for a in answers if not a["right"]]
    st.markdown(f"**{_(MISSED)}**")
    if not missed:
        st.markdown(_(NOTHING_MISSED))
    pages: list[str] = []
    for record in missed:
        item = scenario(record["id"])
        given = answer_label(str(record["given"]), lang) if record["given"] else "—"
        st.markdown(
            f"- **{plain(item.text(lang).title)}**: "
            f"{plain(given)} → {plain(answer_label(record['answer'], lang))}"
        )
        pages += [p for p in pages_to_read(item, expected(item)) if p not in pages]
    if pages:
        st.markdown(f"**{_(READ)}**")
        st.markdown(
            "\n".join(f"- [{plain(_(PAGE_NAMES[p]))}]({site_link(p, lang)})" for p in pages)
        )
    st.button(_(NEW_ROUND), key="practice_new_round", on_click=_level_changed, type="primary")


def render() -> None:
    lang = str(st.session_state[state.LANG])
    _ = gettext(lang)
    _start(lang)
    st.markdown(_(INTRO))
    levels = {level: _(name) for level, name in LEVELS.items()}
    st.radio(
        _(LEVEL_LABEL),
        options=list(levels),
        format_func=levels.__getitem__,
        horizontal=True,
        key=LEVEL,
        on_change=_level_changed,
    )
    queue: list[str] = st.session_state[QUEUE]
    position = int(st.session_state[POSITION])
    answers = st.session_state[ANSWERS]
    if position >= len(queue):
        round_summary(lang)
        state.publish(page="practice", extra={})
        return
    item = scenario(queue[position])
    text = item.text(lang)
    right = sum(1 for a in answers if a["right"])
    st.caption(
        _(PROGRESS).format(number=position + 1, total=len(queue), right=right, done=len(answers))
    )
    st.header(text.title, anchor=False)
    st.markdown(plain(text.story))
    st.caption(
        plain(
            _(MODEL_USED).format(
                model=label("model", item.model, lang), description=describe_model(item.model, lang)
            )
        )
    )
    checked = bool(st.session_state.get(CHECKED))
    names = {a: answer_label(a, lang) for a in ANSWERS_OFFERED}
    if not checked:
        st.radio(
            _(QUESTION),
            options=list(names),
            format_func=names.__getitem__,
            index=None,
            key=CHOICE,
        )
        st.button(
            _(CHECK),
            key="practice_check",
            on_click=_check,
            args=(item,),
            disabled=st.session_state.get(CHOICE) is None,
            type="primary",
        )
    else:
        feedback(item, lang)
        last = position + 1 >= len(queue)
        st.button(
            _(SUMMARY_BUTTON if last else NEXT), key="practice_next", on_click=_next, type="primary"
        )
    state.publish(page="practice", extra={"scenario": item.id})
