"""Final assessment: twenty questions over every topic of the course, a score
per topic with the sections to reread, a review of every answer, and on a pass
a certificate to print.

An attempt lives in the address (a seed that draws the questions, and the
answers given, so the position is how many there are): a reload or a language
switch keeps it, and the same questions come back in the new language. Each
language's writers order a question's choices their own way, so an answer is
kept with the language it was given in (two characters: the language's mark
and the choice's index) and is judged in that language. The score is worked
out from the answers, never stored. The certificate's code joins the address
once issued, so a reload keeps it too.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from html import escape
from pathlib import Path

import streamlit as st
from babel.numbers import format_percent

import course
from course import Certificate, CertificateError, Question

from .. import state
from ..certificate import certificate_view, language_name
from ..i18n import N_, gettext
from ..view import colon, plain, site_link

SIZE = 20
#: Questions of every topic an attempt holds at least: twelve topics in twenty questions.
PER_TOPIC = 1
PASS_MARK = 80
#: An answer is two characters: the language it was given in, and the index of the choice.
MARKS = {"en": "e", "it": "i", "es": "s", "fr": "f", "pt": "p"}
LANG_OF = {mark: lang for lang, mark in MARKS.items()}
DIGITS = "0123456789"

ATTEMPT_KEY = "assessment_attempt"  # the Attempt being taken
CHOICE = "assessment_choice"  # (language, index) picked for the question on screen, not yet kept
NAME = "assessment_name"  # the name typed for the certificate
CODE = "assessment_code"  # the certificate's code, once issued
ISSUE_ERROR = "assessment_issue_error"  # why the last request for a certificate failed

TITLE = N_("Final assessment")
INTRO = N_(
    "Twenty questions covering every lesson of the course, one at a time. With {pass_mark} or more "
    "you pass and can print a certificate with your name. Your answers are kept in this page's "
    "address (URL), so reloading the page or switching language keeps your place."
)
PROGRESS = N_("Question {number} of {total}")
NEXT = N_("Next question")
FINISH = N_("See my results")
RESULT = N_("Your score: {score} ({right} of {total} right)")
PASSED = N_("Passed: you reached the {pass_mark} needed for the certificate.")
NOT_PASSED = N_(
    "Not passed yet: the certificate needs {pass_mark}. Reread the sections below, then try again."
)
BY_TOPIC = N_("Score per topic")
TOPIC = N_("Topic")
RIGHT_ANSWERS = N_("Right answers")
REREAD = N_("To reread")
RIGHT_OF = N_("{right} of {total}")
NOTHING_TO_REREAD = N_("nothing: all right")
REVIEW = N_("Your answers, one by one")
YOUR_ANSWER = N_("Your answer")
RIGHT_ANSWER = N_("Right answer")
ANSWERED_IN = N_("answered in {language}")
MARK_RIGHT = N_("Right")
MARK_WRONG = N_("Wrong")
WHY = N_("Why")
NAME_LABEL = N_("Your name, as it should appear on the certificate")
GET_CERTIFICATE = N_("Get my certificate")
YOUR_CERTIFICATE = N_("Your certificate")
PRINT_HINT = N_(
    "To print it or save it as a PDF, use your browser's Print command (Ctrl+P, or ⌘P on a "
    "Mac): only the certificate is printed."
)
OPEN_ALONE = N_("Open the certificate on its own page to print it")
CHANGE_NAME = N_("Change the name")
NEW_ATTEMPT = N_("Start a new attempt")
TOPIC_NAMES = {
    "buyers-journey": N_("The buyer's journey"),
    "roles": N_("The five stages"),
    "qualification": N_("Lead qualification"),
    "consent": N_("Consent"),
    "lead-vs-prospect": N_("Lead vs. prospect"),
    "nurturing": N_("Lead nurturing"),
    "frameworks": N_("Qualification frameworks"),
    "conversations": N_("The discovery call"),
    "playbook": N_("The playbook of next actions"),
    "channels": N_("May I contact this person?"),
    "stage": N_("Which stage is the contact in?"),
    "next-action": N_("What should the seller do next?"),
}

RESULT_STYLE = """<style>
.fc-review{list-style:none;padding:0;margin:0}
.fc-review>li{margin:0 0 .8rem;padding:.5rem .75rem;border-left:.3rem solid #9e9e9e;
 background:#fafafa;color:#1a1a2e}
.fc-review>li.fc-met{border-left-color:#2e7d32}
.fc-review>li.fc-unmet{border-left-color:#c62828}
.fc-review p{margin:.2rem 0}
.fc-review ul{margin:.2rem 0 .3rem 1.2rem;padding:0}
.fc-review__mark{font-weight:700}
.fc-met .fc-review__mark{color:#1b5e20}
.fc-unmet .fc-review__mark{color:#b71c1c}
html[data-fc-scheme="dark"] .fc-review>li{background:#272935;color:#e9ebfc}
html[data-fc-scheme="dark"] .fc-met .fc-review__mark{color:#a5d6a7}
html[data-fc-scheme="dark"] .fc-unmet .fc-review__mark{color:#ef9a9a}
</style>"""


# --- The questions an attempt draws ------------------------------------------------------


@cache
def by_id(lang: str) -> Mapping[str, Question]:
    return {q.id: q for q in course.bank(lang)}


@lru_cache(maxsize=4096)  # bounded: every new attempt brings a new seed
def draw(seed: int) -> tuple[str, ...]:
    """The attempt's questions: one of every topic, the rest from the whole bank,
    in an order the seed decides. The ids are the same in every language, so the
    draw is made on the English bank and shown in any."""
    rng = random.Random(seed)
    pool = sorted(course.bank("en"), key=lambda q: q.id)
    chosen: list[str] = []
    for topic in course.TOPICS:
        ids = [q.id for q in pool if q.topic == topic]
        chosen += rng.sample(ids, min(PER_TOPIC, len(ids)))
    rest = [q.id for q in pool if q.id not in chosen]
    chosen += rng.sample(rest, max(0, min(SIZE - len(chosen), len(rest))))
    rng.shuffle(chosen)
    return tuple(chosen)


@dataclass(frozen=True)
class Answer:
    """A choice picked, in the language its choices were shown in."""

    id: str
    lang: str
    picked: int

    @property
    def question(self) -> Question:
        """The question as it was answered."""
        return by_id(self.lang)[self.id]

    @property
    def right(self) -> bool:
        return self.picked == self.question.answer

    def code(self) -> str:
        return MARKS[self.lang] + DIGITS[self.picked]


@dataclass(frozen=True)
class Attempt:
    """An attempt as the address keeps it."""

    seed: int
    given: str = ""  # two characters per answered question: a MARKS letter and a digit

    def ids(self) -> tuple[str, ...]:
        return draw(self.seed)

    @property
    def at(self) -> int:
        return len(self.given) // 2

    @property
    def finished(self) -> bool:
        return self.at >= len(self.ids())

    def answers(self) -> list[Answer]:
        """Every answer given, in order."""
        pairs = [self.given[i : i + 2] for i in range(0, len(self.given), 2)]
        return [
            Answer(question_id, LANG_OF[pair[0]], int(pair[1]))
            for question_id, pair in zip(self.ids(), pairs, strict=False)
        ]

    def right(self) -> int:
        return sum(1 for answer in self.answers() if answer.right)

    def score(self) -> int:
        """Percent of right answers, as the certificate states it."""
        return round(100 * self.right() / len(self.ids()))

    def query(self) -> dict[str, str]:
        query = {"attempt": str(self.seed)}
        if self.given:
            query["given"] = self.given
        return query


def new_attempt() -> Attempt:
    return Attempt(seed=random.randrange(1, 10**9))


def attempt_from(query: Mapping[str, str]) -> Attempt | None:
    """The attempt a link describes, or None; answers that do not fit their
    question (or come past the last one) are dropped from the first that does not."""
    if not re.fullmatch(r"\d{1,9}", query.get("attempt", "")):
        return None
    found = Attempt(seed=int(query["attempt"]))
    text = query.get("given", "")
    given = ""
    for question_id, start in zip(found.ids(), range(0, len(text) - 1, 2), strict=False):
        mark, digit = text[start], text[start + 1]
        if mark not in LANG_OF or digit not in DIGITS:
            break
        if int(digit) >= len(by_id(LANG_OF[mark])[question_id].choices):
            break
        given += mark + digit
    return replace(found, given=given)


def current() -> Attempt:
    found: Attempt = st.session_state[ATTEMPT_KEY]
    return found


def _take(found: Attempt) -> None:
    st.session_state[ATTEMPT_KEY] = found
    st.session_state.pop(CHOICE, None)


def _start() -> None:
    """A link (or a reload) brings its attempt and certificate; otherwise the
    session's attempt goes on."""
    if st.session_state.get(state.OUTSIDE):
        query = {k: st.query_params[k] for k in st.query_params}
        linked = attempt_from(query)
        if linked is not None:
            if st.session_state.get(ATTEMPT_KEY) != linked:
                _take(linked)
                st.session_state.pop(CODE, None)
            if query.get("code"):
                st.session_state[CODE] = query["code"][:1000]
    if ATTEMPT_KEY not in st.session_state:
        _take(new_attempt())


def _chosen(key: str, lang: str) -> None:
    picked = st.session_state[key]
    st.session_state[CHOICE] = None if picked is None else (lang, int(picked))


def _next() -> None:
    picked = st.session_state.get(CHOICE)
    found = current()
    if picked is not None and not found.finished:
        answer = Answer(found.ids()[found.at], *picked)
        _take(replace(found, given=found.given + answer.code()))


def _new_attempt() -> None:
    _take(new_attempt())
    for key in (CODE, ISSUE_ERROR):
        st.session_state.pop(key, None)


def _named(key: str) -> None:
    st.session_state[NAME] = str(st.session_state[key] or "")


def _issue(lang: str) -> None:
    st.session_state.pop(ISSUE_ERROR, None)
    try:
        _cert, code = course.issue(str(st.session_state.get(NAME, "")), lang, current().score())
    except CertificateError as error:
        st.session_state[ISSUE_ERROR] = error
        return
    st.session_state[CODE] = code


def _change_name() -> None:
    st.session_state.pop(CODE, None)


# --- Drawing -----------------------------------------------------------------------------


def percent(value: int, lang: str) -> str:
    return format_percent(value / 100, locale=lang)


DOCS = Path(__file__).resolve().parents[2] / "docs"
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*\{\s*#([\w-]+)\s*\}\s*$", re.M)


@cache
def headings(lang: str, page: str) -> tuple[tuple[str, str], ...]:
    """A lesson's (anchor, title) pairs in page order, the page's own title first,
    as the site shows them; empty when the site's sources are not there."""
    try:
        text = (DOCS / lang / f"{page}.md").read_text(encoding="utf-8")
    except OSError:
        return ()
    return tuple((anchor, re.sub(r"[*_`]", "", title)) for title, anchor in HEADING.findall(text))


def reread_link(question: Question, lang: str) -> tuple[str, str]:
    """(words, address) of the section that teaches a question's answer: the
    lesson's title and the section's, in the learner's language."""
    _ = gettext(lang)
    found = headings(lang, question.page)
    page = found[0][1] if found else _(TOPIC_NAMES[question.page])
    section = dict(found).get(question.section)
    words = f"{page} › {section}" if section and section != page else page
    return words, f"{site_link(question.page, lang)}#{question.section}"


def question_view(found: Attempt, lang: str) -> None:
    """The question on screen, its choices, and the button that keeps the answer."""
    _ = gettext(lang)
    question = by_id(lang)[found.ids()[found.at]]
    total = len(found.ids())
    st.progress(found.at / total, text=_(PROGRESS).format(number=found.at + 1, total=total))
    st.header(plain(question.question), anchor=False)
    if question.facts:
        st.markdown(plain(course.ui(lang)["profile_intro"]))
        st.markdown("\n".join(f"- {plain(fact)}" for fact in question.facts))
    key = f"{CHOICE}_{lang}"
    # A pick made in another language named another choice: the learner picks again.
    picked = st.session_state.get(CHOICE)
    st.session_state[key] = picked[1] if picked is not None and picked[0] == lang else None
    texts = [plain(choice.text) for choice in question.choices]
    st.radio(
        question.question,
        options=list(range(len(texts))),
        format_func=texts.__getitem__,
        index=None,
        key=key,
        on_change=_chosen,
        args=(key, lang),
        label_visibility="collapsed",  # the question above names the group
    )
    last = found.at + 1 >= total
    st.button(
        _(FINISH if last else NEXT),
        key="assessment_next",
        on_click=_next,
        disabled=st.session_state[key] is None,
        type="primary",
    )


def topic_table(found: Attempt, lang: str) -> None:
    """Right answers per topic, and the sections to reread for the missed ones."""
    _ = gettext(lang)
    shown = by_id(lang)
    rows = [f"| {_(TOPIC)} | {_(RIGHT_ANSWERS)} | {_(REREAD)} |", "|---|---|---|"]
    for topic in course.TOPICS:
        mine = [a for a in found.answers() if a.question.topic == topic]
        if not mine:
            continue
        links: dict[str, str] = {}
        for answer in mine:
            if not answer.right:
                words, address = reread_link(shown[answer.id], lang)
                links.setdefault(address, words)
        reread = " · ".join(f"[{plain(w)}]({a})" for a, w in links.items())
        right = _(RIGHT_OF).format(right=sum(a.right for a in mine), total=len(mine))
        rows.append(
            f"| {plain(_(TOPIC_NAMES[topic]))} | {right}"
            f" | {reread or plain(_(NOTHING_TO_REREAD))} |"
        )
    st.header(_(BY_TOPIC), anchor=False)
    st.markdown("\n".join(rows))


def _in(text: str, text_lang: str, lang: str) -> str:
    """Escaped text, marked with its language when it is not the page's."""
    if text_lang == lang:
        return escape(text)
    return f'<span lang="{text_lang}">{escape(text)}</span>'


def review(found: Attempt, lang: str) -> None:
    """Every question again, in the page's language: what was picked (in the
    language it was picked in), what is right, and why."""
    _ = gettext(lang)
    shown = by_id(lang)
    sep = escape(colon(lang))
    items = []
    for number, answer in enumerate(found.answers(), start=1):
        question = shown[answer.id]
        asked = answer.question  # as it was answered
        picked = asked.choices[answer.picked]
        facts = (
            "<ul>" + "".join(f"<li>{escape(f)}</li>" for f in question.facts) + "</ul>"
            if question.facts
            else ""
        )
        said = _in(picked.text, answer.lang, lang)
        if answer.lang != lang:
            other = _(ANSWERED_IN).format(language=language_name(answer.lang, lang))
            said += f" ({escape(other)})"
        verdict = _(MARK_RIGHT if answer.right else MARK_WRONG)
        lines = [
            f'<p><span class="fc-review__mark">{escape(verdict)}</span> · {number}. '
            f"{escape(question.question)}</p>{facts}",
            f"<p>{escape(_(YOUR_ANSWER))}{sep}{said}</p>",
        ]
        if not answer.right:
            lines.append(f"<p><em>{_in(picked.why, answer.lang, lang)}</em></p>")
            right = question.choices[question.answer].text
            lines.append(f"<p>{escape(_(RIGHT_ANSWER))}{sep}{escape(right)}</p>")
        lines.append(f"<p><strong>{escape(_(WHY))}</strong>{sep}{escape(question.explanation)}</p>")
        mark = "fc-met" if answer.right else "fc-unmet"
        items.append(f'<li class="{mark}">{"".join(lines)}</li>')
    st.header(_(REVIEW), anchor=False)
    st.markdown(RESULT_STYLE, unsafe_allow_html=True)
    st.markdown(f'<ol class="fc-review">{"".join(items)}</ol>', unsafe_allow_html=True)


def issued(found: Attempt) -> tuple[Certificate, str] | None:
    """The certificate of this attempt, when its code (from this session or the
    address) verifies and states this attempt's score; else None."""
    code = st.session_state.get(CODE)
    if not code:
        return None
    try:
        cert = course.verify(str(code))
    except CertificateError as error:
        st.session_state.pop(CODE, None)
        st.session_state[ISSUE_ERROR] = error
        return None
    if cert.score != found.score():
        st.session_state.pop(CODE, None)
        return None
    return cert, str(code)


def certificate_block(done: tuple[Certificate, str] | None, lang: str) -> None:
    """The name to print, then the certificate."""
    _ = gettext(lang)
    problem = st.session_state.get(ISSUE_ERROR)
    if done is None:
        key = f"{NAME}_{lang}"
        st.session_state[key] = st.session_state.get(NAME, "")
        st.text_input(
            _(NAME_LABEL), key=key, on_change=_named, args=(key,), max_chars=course.NAME_MAX
        )
        if isinstance(problem, CertificateError):
            st.error(plain(problem.message(lang)))
        st.button(
            _(GET_CERTIFICATE),
            key="assessment_issue",
            on_click=_issue,
            args=(lang,),
            type="primary",
        )
        return
    cert, code = done
    st.header(_(YOUR_CERTIFICATE), anchor=False)
    st.caption(_(PRINT_HINT))
    if st.session_state.get(state.FRAMED):
        st.markdown(f"[{_(OPEN_ALONE)}](/app/?{state.share_query()})")
    certificate_view(cert, code)
    st.button(_(CHANGE_NAME), key="assessment_change_name", on_click=_change_name)


def results(found: Attempt, done: tuple[Certificate, str] | None, lang: str) -> None:
    _ = gettext(lang)
    score = found.score()
    pass_mark = percent(PASS_MARK, lang)
    st.header(
        _(RESULT).format(score=percent(score, lang), right=found.right(), total=len(found.ids())),
        anchor=False,
    )
    if score >= PASS_MARK:
        st.success(_(PASSED).format(pass_mark=pass_mark))
        certificate_block(done, lang)
    else:
        st.warning(_(NOT_PASSED).format(pass_mark=pass_mark))
    topic_table(found, lang)
    review(found, lang)
    st.button(_(NEW_ATTEMPT), key="assessment_new", on_click=_new_attempt)


def render() -> None:
    lang = str(st.session_state[state.LANG])
    _ = gettext(lang)
    _start()
    found = current()
    done = issued(found) if found.finished else None
    state.publish(page="assessment", extra=found.query() | ({"code": done[1]} if done else {}))
    if found.finished:
        results(found, done, lang)
        return
    if found.at == 0:
        st.markdown(_(INTRO).format(pass_mark=percent(PASS_MARK, lang)))
    question_view(found, lang)
