"""Practice: read a short story, say which stage the contact is in, and learn
from the classifier's own criteria why.

A round is ten scenarios of one level. The whole round lives in the address
(level, a seed that shuffles the level's stories, the story a link asked for
first, the subset a retry keeps, the position and the answers given), so a
reload or a language switch keeps it and the server keeps nothing beyond the
session. The score is worked out from the answers, never stored.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from html import escape

import streamlit as st

from classifier import (
    Scenario,
    UnknownScenarioError,
    Verdict,
    classify,
    describe_model,
    label,
    models,
    scenario,
    scenarios,
)

from .. import reasoning, rules, state
from ..i18n import N_, gettext
from ..reasoning import deciding
from ..view import colon, plain, playbook_link, site_link

ROUND = 10
ROUND_KEY = "practice_round"  # the Round being played
CHOICE = "practice_choice"  # the answer picked but not yet checked
LINKED = "practice_linked"  # the ?scenario= link already honoured
PAGES = "_pages"  # the app's pages by slug, set by main.py for page switches

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
RETRY = N_("Retry what I missed")
UNKNOWN_SCENARIO = N_("There is no practice story “{id}”; here is another one.")
TRY_IN_CLASSIFIER = N_("Open this profile in the classifier")
PAGE_NAMES = {
    "roles": N_("Stages: from stranger to customer"),
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


@dataclass(frozen=True)
class Round:
    """A round as the address keeps it; the stories follow from level, seed, first, only."""

    level: int
    seed: int
    first: str | None = None
    only: tuple[int, ...] = ()  # positions in the seeded ten that a retry keeps
    at: int = 0  # the story on screen
    given: str = ""  # one digit per checked story: its index in ANSWERS_OFFERED

    def base(self) -> list[str]:
        pool = sorted(s.id for s in scenarios(self.level) if playable(s))
        random.Random(self.seed).shuffle(pool)
        if self.first is not None:
            pool = [self.first, *[i for i in pool if i != self.first]]
        return pool[:ROUND]

    def queue(self) -> list[str]:
        base = self.base()
        return [base[i] for i in self.only] if self.only else base

    @property
    def checked(self) -> bool:
        return len(self.given) > self.at

    def answers(self) -> list[tuple[str, str, str]]:
        """(story id, answer given, right answer) for every checked story."""
        queue = self.queue()
        return [
            (queue[i], ANSWERS_OFFERED[int(d)], answer_of(verdict_of(scenario(queue[i]))))
            for i, d in enumerate(self.given)
        ]

    def query(self) -> dict[str, str]:
        query = {"level": str(self.level), "round": str(self.seed)}
        if self.first:
            query["scenario"] = self.first
        if self.only:
            query["only"] = ".".join(map(str, self.only))
        if self.at:
            query["at"] = str(self.at)
        if self.given:
            query["given"] = self.given
        return query


def playable(item: Scenario) -> bool:
    """A story can be played when the rulebook in use has its model."""
    return item.model in models(rules.current())


def verdict_of(item: Scenario, lang: str = "en") -> Verdict:
    """The answer: the story's profile under its model and the rulebook in use."""
    return classify(item.profile, model=item.model, lang=lang, rules=rules.current())


def new_round(level: int, first: str | None = None) -> Round:
    return Round(level=level, seed=random.randrange(1, 10**6), first=first)


def round_from(query: dict[str, str]) -> Round | None:
    """The round a link describes, or None when it describes none; what does not
    fit (a story that does not exist, answers past the position) is dropped."""
    if not re.fullmatch(r"\d{1,9}", query.get("round", "")):
        return None
    level = int(query["level"]) if query.get("level") in ("1", "2", "3") else 1
    first = query.get("scenario")
    try:
        if first is None or scenario(first).level != level or not playable(scenario(first)):
            first = None
    except UnknownScenarioError:
        first = None
    found = Round(level=level, seed=int(query["round"]), first=first)
    size = len(found.base())
    only = tuple(int(i) for i in re.findall(r"\d+", query.get("only", "")) if int(i) < size)
    found = replace(found, only=tuple(dict.fromkeys(only)))
    total = len(found.queue())
    given = "".join(d for d in query.get("given", "") if d in "012345")[:total]
    at = int(query["at"]) if re.fullmatch(r"\d{1,3}", query.get("at", "")) else 0
    at = min(at, len(given), total)
    return replace(found, at=at, given=given[: at + 1])


def current() -> Round:
    found: Round = st.session_state[ROUND_KEY]
    return found


def _play(found: Round) -> None:
    st.session_state[ROUND_KEY] = found
    st.session_state.pop(CHOICE, None)


def _start(lang: str) -> None:
    """A link (or a reload) brings its round; `?scenario=` alone starts one with
    that story first; otherwise the session's round goes on."""
    _ = gettext(lang)
    query = {k: st.query_params[k] for k in st.query_params}
    if st.session_state.get(state.OUTSIDE):
        linked = round_from(query)
        wanted = query.get("scenario")
        if linked is not None:
            if st.session_state.get(ROUND_KEY) != linked:
                _play(linked)
            return
        if wanted and st.session_state.get(LINKED) != wanted:
            st.session_state[LINKED] = wanted
            try:
                item = scenario(wanted)
            except UnknownScenarioError:
                st.error(plain(_(UNKNOWN_SCENARIO).format(id=wanted)))
            else:
                if playable(item):
                    _play(new_round(item.level, first=item.id))
                    return
    if ROUND_KEY not in st.session_state:
        _play(new_round(1))


def _level_changed(key: str) -> None:
    _play(new_round(int(st.session_state[key])))


def _chosen(key: str) -> None:
    st.session_state[CHOICE] = st.session_state[key]


def _check() -> None:
    choice = st.session_state.get(CHOICE)
    found = current()
    if choice in ANSWERS_OFFERED and not found.checked:
        digit = str(ANSWERS_OFFERED.index(choice))
        _play(replace(found, given=found.given + digit))


def _next() -> None:
    _play(replace(current(), at=current().at + 1))


def _new_round() -> None:
    _play(new_round(current().level))


def _retry() -> None:
    found = current()
    positions = found.only or tuple(range(len(found.base())))
    answers = found.answers()
    missed = tuple(positions[i] for i, (_id, given, right) in enumerate(answers) if given != right)
    _play(replace(found, only=missed, at=0, given=""))


def _open_in_classifier(item: Scenario) -> None:
    """Load the story's profile and model into the session, then show Classify."""
    state.clear()
    for field, value in item.profile.items():
        state.profile()[field] = value
    state.set_model(item.model)
    st.switch_page(st.session_state[PAGES]["classify"])


def feedback(item: Scenario, given: str, lang: str) -> None:
    """Right or wrong, then the criteria that decide, with the facts of the story."""
    _ = gettext(lang)
    verdict = verdict_of(item, lang)
    right = answer_of(verdict)
    answer = answer_label(right, lang)
    if given == right:
        st.success(plain(_(RIGHT).format(answer=answer)))
    else:
        st.error(plain(_(WRONG).format(given=answer_label(given, lang), answer=answer)))
    st.markdown(f"**{_(WHY)}**")
    st.markdown(plain(verdict.summary))
    facts = item.text(lang).facts
    # Easy stories show only the criteria that decide the stage; harder ones, all.
    shown_ids = {c.id for c in deciding(verdict)} if item.level == 1 else None
    lines = []
    for shown, quoted in reasoning.evidence(verdict, facts, shown_ids):
        evidence = "".join(
            f"<br><em>{escape(_(IN_STORY).format(phrase=phrase))}</em>" for phrase in quoted
        )
        if not quoted and shown.outcome == "unknown":
            unknown = _(NOT_IN_STORY).format(criterion=label("criterion", shown.id, lang))
            evidence = f"<br><em>{escape(unknown)}</em>"
        lines.append(
            f'<li class="fc-{shown.outcome}"><strong>{escape(label("criterion", shown.id, lang))}'
            f"</strong> ({escape(label('outcome', shown.outcome, lang))}){escape(colon(lang))}"
            f"{escape(shown.text)}{evidence}</li>"
        )
    st.markdown(f'<ul class="fc-criteria">{"".join(lines)}</ul>', unsafe_allow_html=True)
    st.markdown(
        plain(_(NEXT_ACTION).format(action=label("next_action", verdict.next_action.id, lang)))
    )
    playbook_link(verdict.next_action.id, lang)
    if st.button(_(TRY_IN_CLASSIFIER), key="practice_open"):
        _open_in_classifier(item)


def round_summary(lang: str) -> None:
    _ = gettext(lang)
    answers = current().answers()
    right = sum(1 for _id, given, truth in answers if given == truth)
    st.subheader(_(ROUND_OVER).format(right=right, total=len(answers)), anchor=False)
    missed = [(i, g, t) for i, g, t in answers if g != t]
    st.markdown(f"**{_(MISSED)}**")
    if not missed:
        st.markdown(_(NOTHING_MISSED))
    pages: list[str] = []
    for story, given, truth in missed:
        item = scenario(story)
        st.markdown(
            f"- **{plain(item.text(lang).title)}**{plain(colon(lang))}"
            f"{plain(answer_label(given, lang))} → {plain(answer_label(truth, lang))}"
        )
        pages += [p for p in pages_to_read(item, verdict_of(item)) if p not in pages]
    if pages:
        st.markdown(f"**{_(READ)}**")
        st.markdown(
            "\n".join(f"- [{plain(_(PAGE_NAMES[p]))}]({site_link(p, lang)})" for p in pages)
        )
    with st.container(horizontal=True):
        if missed:
            st.button(_(RETRY), key="practice_retry", on_click=_retry, type="primary")
        st.button(
            _(NEW_ROUND),
            key="practice_new_round",
            on_click=_new_round,
            type="secondary" if missed else "primary",
        )


def render() -> None:
    lang = str(st.session_state[state.LANG])
    _ = gettext(lang)
    _start(lang)
    found = current()
    st.markdown(_(INTRO))
    levels = {level: _(name) for level, name in LEVELS.items()}
    level_key = f"practice_level_{lang}"
    st.session_state[level_key] = found.level
    st.radio(
        _(LEVEL_LABEL),
        options=list(levels),
        format_func=levels.__getitem__,
        horizontal=True,
        key=level_key,
        on_change=_level_changed,
        args=(level_key,),
    )
    queue = found.queue()
    answers = found.answers()
    state.publish(page="practice", extra=found.query())
    if found.at >= len(queue):
        round_summary(lang)
        return
    item = scenario(queue[found.at])
    text = item.text(lang)
    right = sum(1 for _id, given, truth in answers if given == truth)
    st.caption(
        _(PROGRESS).format(number=found.at + 1, total=len(queue), right=right, done=len(answers))
    )
    st.header(text.title, anchor=False)
    st.markdown(plain(text.story))
    st.caption(
        plain(
            _(MODEL_USED).format(
                model=label("model", item.model, lang),
                description=describe_model(item.model, lang, rules.current()),
            )
        )
    )
    names = {a: answer_label(a, lang) for a in ANSWERS_OFFERED}
    if not found.checked:
        choice_key = f"practice_choice_{lang}"
        st.session_state[choice_key] = st.session_state.get(CHOICE)
        st.radio(
            _(QUESTION),
            options=list(names),
            format_func=names.__getitem__,
            index=None,
            key=choice_key,
            on_change=_chosen,
            args=(choice_key,),
        )
        st.button(
            _(CHECK),
            key="practice_check",
            on_click=_check,
            disabled=st.session_state.get(CHOICE) is None,
            type="primary",
        )
    else:
        feedback(item, answers[found.at][1], lang)
        last = found.at + 1 >= len(queue)
        st.button(
            _(SUMMARY_BUTTON if last else NEXT), key="practice_next", on_click=_next, type="primary"
        )
