"""The Assessment and Verify pages through AppTest: a full attempt, the address
that keeps it, the score per topic with the sections to reread, the review, the
certificate and its check, in every language."""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import course
from app.i18n import gettext
from app.screens import assessment, verify
from app.view import plain
from course import CertificateError
from tests.conftest import LANGS, ROOT

MAIN = str(ROOT / "app" / "main.py")
SECRET = "app-test-secret-0123456789abcdef-0123456789"


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FUNNEL_COACH_SECRET", SECRET)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def start(**query: str) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def query_of(at: AppTest) -> dict[str, str]:
    return {k: at.query_params[k] for k in at.query_params}


def on_screen(at: AppTest) -> assessment.Attempt:
    found = assessment.attempt_from(query_of(at))
    assert found is not None
    return found


def current_id(at: AppTest) -> str:
    found = on_screen(at)
    return found.ids()[found.at]


def answer(at: AppTest, lang: str, right: bool) -> course.Question:
    """Answer the question on screen in `lang`, rightly or not; the question answered."""
    question = assessment.by_id(lang)[current_id(at)]
    # The question shown is the one the address names, in the page's language.
    assert at.radio(key=f"{assessment.CHOICE}_{lang}").label == question.question
    pick = question.answer if right else (question.answer + 1) % len(question.choices)
    at.radio(key=f"{assessment.CHOICE}_{lang}").set_value(pick).run()
    at.button(key="assessment_next").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return question


def text_of(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def given_for(seed: int, lang: str, wrong: frozenset[int] | set[int] = frozenset()) -> str:
    """The address's answers for a whole attempt, right but for the positions in `wrong`."""
    found = assessment.Attempt(seed=seed)
    given = ""
    for position, question_id in enumerate(found.ids()):
        question = assessment.by_id(lang)[question_id]
        pick = question.answer
        if position in wrong:
            pick = (pick + 1) % len(question.choices)
        given += assessment.MARKS[lang] + str(pick)
    return given


# --- The draw ------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3, 4242, 999_999_999])
def test_an_attempt_draws_twenty_questions_covering_every_topic(seed: int) -> None:
    ids = assessment.draw(seed)
    assert len(ids) == len(set(ids)) == assessment.SIZE == 20
    topics = Counter(assessment.by_id("en")[i].topic for i in ids)
    assert set(topics) == set(course.TOPICS)
    assert min(topics.values()) >= assessment.PER_TOPIC
    # The same ids exist in every language, so any language can show the attempt.
    for lang in LANGS:
        assert set(ids) <= set(assessment.by_id(lang))
    assert assessment.draw(seed) == ids


def test_different_seeds_draw_different_attempts() -> None:
    draws = {assessment.draw(seed) for seed in range(1, 21)}
    assert len(draws) == 20
    assert len({frozenset(d) for d in draws}) > 15  # not only the order changes


# --- A whole attempt -------------------------------------------------------------------


def test_a_full_attempt_passes_and_gives_a_certificate_that_verifies() -> None:
    lang = "pt"
    _ = gettext(lang)
    at = start(page="assessment", lang=lang)
    seen = []
    for number in range(assessment.SIZE):
        progress = at.get("progress")[0].proto.text
        assert progress == _(assessment.PROGRESS).format(number=number + 1, total=20)
        seen.append(answer(at, lang, right=number not in (4, 11, 17)))
    assert len({q.id for q in seen}) == 20
    headings = [str(s.value) for s in at.header]
    assert headings[0] == _(assessment.RESULT).format(score="85%", right=17, total=20)
    assert at.success[0].value == _(assessment.PASSED).format(pass_mark="80%")
    # The name, then the certificate.
    at.text_input(key=f"{assessment.NAME}_{lang}").input("Ana Beatriz Souza").run()
    at.button(key="assessment_issue").click().run()
    assert not at.exception
    code = query_of(at)["code"]
    cert = course.verify(code)
    assert (cert.name, cert.lang, cert.score) == ("Ana Beatriz Souza", "pt", 85)
    html = next(
        str(m.value) for m in at.markdown if '<section class="fc-certificate"' in str(m.value)
    )
    assert "Ana Beatriz Souza" in html and escape(code) in html
    assert f"/app/?page=verify&amp;code={code}" in html
    assert cert.date_text("pt") in html and "85%" in html
    assert _("Certificate of achievement") in html and 'lang="pt"' in html
    # The review: every question, with its explanation.
    review = next(str(m.value) for m in at.markdown if 'class="fc-review"' in str(m.value))
    assert review.count("<li class=") == 20
    assert review.count('class="fc-unmet"') == 3
    for question in seen:
        assert escape(question.question) in review and escape(question.explanation) in review


def test_a_failed_attempt_says_what_to_reread_in_the_learners_language() -> None:
    lang = "es"
    _ = gettext(lang)
    seed = 31337
    at = start(
        page="assessment", lang=lang, attempt=str(seed), given=given_for(seed, lang, set(range(12)))
    )
    assert at.warning[0].value == _(assessment.NOT_PASSED).format(pass_mark="80\u00a0%")
    assert not [t for t in at.text_input if t.key == f"{assessment.NAME}_{lang}"]
    table = next(str(m.value) for m in at.markdown if str(m.value).startswith("| "))
    missed = [assessment.by_id(lang)[i] for i in assessment.draw(seed)[:12]]
    for question in missed:
        # The section's own heading on the Spanish page, linked to its anchor there.
        page = (ROOT / "docs" / "es" / f"{question.page}.md").read_text(encoding="utf-8")
        heading = re.search(rf"^#+ (.+?) \{{ #{question.section} \}}$", page, re.M)
        assert heading is not None, question.id
        link = f"](../es/{question.page}/#{question.section})"
        assert link in table
        assert plain(heading[1].replace("*", "")) in table
    # Each topic's row says how many of its questions were right.
    rows = table.splitlines()[2:]
    assert len(rows) == len(course.TOPICS)
    for topic, row in zip(course.TOPICS, rows, strict=True):
        asked = [i for i in assessment.draw(seed) if assessment.by_id(lang)[i].topic == topic]
        right = sum(1 for i in asked if i not in assessment.draw(seed)[:12])
        assert _(assessment.RIGHT_OF).format(right=right, total=len(asked)) in row


def test_the_pass_mark_is_eighty_percent() -> None:
    seed = 77
    at = start(
        page="assessment", lang="en", attempt=str(seed), given=given_for(seed, "en", {0, 1, 2, 3})
    )
    assert at.success and "80%" in str(at.success[0].value)
    at = start(
        page="assessment",
        lang="en",
        attempt=str(seed),
        given=given_for(seed, "en", {0, 1, 2, 3, 4}),
    )
    assert not at.success and at.warning


# --- The address keeps the attempt ---------------------------------------------------------


def test_a_reload_keeps_the_attempt_position_and_answers() -> None:
    lang = "fr"
    at = start(page="assessment", lang=lang)
    for number in range(6):
        answer(at, lang, right=number % 2 == 0)
    link = query_of(at)
    assert len(link["given"]) == 12 and link["page"] == "assessment"
    question = current_id(at)
    again = start(**link)
    assert current_id(again) == question
    assert again.get("progress")[0].proto.text == gettext(lang)(assessment.PROGRESS).format(
        number=7, total=20
    )
    assert query_of(again) == link
    assert on_screen(again).right() == 3


def test_a_language_switch_shows_the_same_question_in_the_new_language() -> None:
    at = start(page="assessment", lang="en")
    answer(at, "en", right=True)
    question = current_id(at)
    before = query_of(at)
    for lang in ("it", "es", "fr", "pt", "en"):
        at.selectbox(key="lang_picker").set_value(lang).run()
        assert not at.exception
        assert current_id(at) == question
        radio = at.radio(key=f"{assessment.CHOICE}_{lang}")
        assert radio.label == assessment.by_id(lang)[question].question
        assert query_of(at) == {**before, "lang": lang}


def test_a_pick_is_kept_in_its_language_and_dropped_in_another() -> None:
    """Each language orders the choices its own way: a pick made in English names
    no choice in Italian, so the learner picks again there."""
    at = start(page="assessment", lang="en")
    at.radio(key=f"{assessment.CHOICE}_en").set_value(2).run()
    at.selectbox(key="lang_picker").set_value("it").run()
    assert at.radio(key=f"{assessment.CHOICE}_it").value is None
    assert at.button(key="assessment_next").disabled
    at.selectbox(key="lang_picker").set_value("en").run()
    assert at.radio(key=f"{assessment.CHOICE}_en").value == 2
    assert not at.button(key="assessment_next").disabled


def test_answers_are_judged_in_the_language_they_were_given_in() -> None:
    seed = 555
    ids = assessment.draw(seed)
    # Right in Italian for the first half, right in Portuguese for the rest: all right,
    # although the right choice's index differs between the languages for some.
    given = ""
    for position, question_id in enumerate(ids):
        lang = "it" if position < 10 else "pt"
        given += assessment.MARKS[lang] + str(assessment.by_id(lang)[question_id].answer)
    differing = [
        i for i in ids if assessment.by_id("it")[i].answer != assessment.by_id("en")[i].answer
    ]
    assert differing, "the test needs questions whose right index differs by language"
    at = start(page="assessment", lang="en", attempt=str(seed), given=given)
    assert str(at.header[0].value) == gettext("en")(assessment.RESULT).format(
        score="100%", right=20, total=20
    )
    review = next(str(m.value) for m in at.markdown if 'class="fc-review"' in str(m.value))
    assert '<span lang="it">' in review and '<span lang="pt">' in review
    assert "answered in Italian" in review and "answered in Portuguese" in review


def test_a_broken_attempt_link_starts_cleanly() -> None:
    at = start(page="assessment", lang="en", attempt="12x", given="zz")
    assert "given" not in query_of(at) and query_of(at)["attempt"] != "12x"
    seed = 4242
    good = given_for(seed, "en")[:6]
    at = start(page="assessment", lang="en", attempt=str(seed), given=good + "e9q1" + "e0")
    # The answers up to the first that fits no choice (index 9) are kept.
    assert query_of(at)["given"] == good and on_screen(at).at == 3


# --- The certificate ---------------------------------------------------------------------


def finished(lang: str, seed: int = 4242, **extra: str) -> AppTest:
    return start(
        page="assessment", lang=lang, attempt=str(seed), given=given_for(seed, lang), **extra
    )


def test_the_name_is_printed_as_text_never_as_markup() -> None:
    at = finished("en")
    name = "<img src=x onerror=alert(1)> *bold* [link](http://evil.example)"
    at.text_input(key=f"{assessment.NAME}_en").input(name).run()
    at.button(key="assessment_issue").click().run()
    html = next(
        str(m.value) for m in at.markdown if '<section class="fc-certificate"' in str(m.value)
    )
    assert "<img" not in html and escape(name) in html
    code = query_of(at)["code"]
    checked = start(page="verify", lang="en", code=code)
    shown = "\n".join(str(m.value) for m in checked.markdown)
    # Markdown gets the name with every mark escaped: no tag, no link, no emphasis.
    assert plain(name) in shown
    assert "<img" not in shown.replace("\\<img", "") and "[link](" not in shown


@pytest.mark.parametrize("lang", LANGS)
def test_a_bad_name_is_refused_in_words_and_kept(lang: str) -> None:
    at = finished(lang)
    key = f"{assessment.NAME}_{lang}"
    typed = "x" * 10 + "\t" + "y"
    at.text_input(key=key).input(typed).run()
    at.button(key="assessment_issue").click().run()
    message = CertificateError("name_unprintable").message(lang)
    assert at.error[0].value.replace("\\", "") == message
    assert "code" not in query_of(at)
    assert at.text_input(key=key).value == typed


def test_the_certificate_survives_a_reload_and_a_tampered_one_does_not() -> None:
    at = finished("it")
    at.text_input(key=f"{assessment.NAME}_it").input("Giulia Conti").run()
    at.button(key="assessment_issue").click().run()
    link = query_of(at)
    again = start(**link)
    assert any('<section class="fc-certificate"' in str(m.value) for m in again.markdown)
    code = link["code"]
    tampered = code[:-3] + ("A" if code[-3] != "A" else "B") + code[-2:]
    broken = start(**{**link, "code": tampered})
    assert not any('<section class="fc-certificate"' in str(m.value) for m in broken.markdown)
    assert "code" not in query_of(broken)
    assert broken.error and "autentico" in str(broken.error[0].value)
    assert [t for t in broken.text_input if t.key == f"{assessment.NAME}_it"]


def test_a_new_attempt_forgets_the_certificate() -> None:
    at = finished("en")
    at.text_input(key=f"{assessment.NAME}_en").input("Sam Lee").run()
    at.button(key="assessment_issue").click().run()
    assert "code" in query_of(at)
    at.button(key="assessment_new").click().run()
    assert "code" not in query_of(at) and "given" not in query_of(at)
    assert at.radio(key=f"{assessment.CHOICE}_en").value is None


# --- Verify ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_verify_a_genuine_link_in_every_language(lang: str) -> None:
    _ = gettext(lang)
    cert, code = course.issue("Marie Dupont", "fr", 90)
    at = start(page="verify", lang=lang, code=code)
    assert at.success[0].value == _(verify.GENUINE)
    shown = text_of(at)
    assert "Marie Dupont" in shown
    assert cert.date_text(lang) in shown.replace("\\", "")
    assert cert.score_text(lang) in shown.replace("\\", "")
    assert _(verify.TITLE) == at.title[0].value


@pytest.mark.parametrize("lang", LANGS)
def test_verify_a_changed_code_says_so_in_every_language(lang: str) -> None:
    _cert, code = course.issue("Marie Dupont", "fr", 90)
    changed = code[:5] + ("x" if code[5] != "x" else "y") + code[6:]
    at = start(page="verify", lang=lang, code=changed)
    assert not at.success
    message = CertificateError("not_genuine").message(lang)
    assert at.error[0].value.replace("\\", "") == message
    assert "Marie" not in text_of(at)


def test_verify_a_pasted_code_or_link_and_keep_it_in_the_address() -> None:
    _cert, code = course.issue("Kim Park", "en", 100)
    at = start(page="verify", lang="en")
    assert not at.success and not at.error
    at.text_input(key="verify_input_en").input(
        f"  http://127.0.0.1:8000/app/?page=verify&code={code} "
    ).run()
    assert at.success and query_of(at)["code"] == code
    at.text_input(key="verify_input_en").input("not-a-code!").run()
    assert at.error and "“!”" in at.error[0].value.replace("\\", "") and not at.success
    assert query_of(at)["code"] == "not-a-code!"


def test_the_pages_are_in_the_navigation_with_localized_titles() -> None:
    for lang in LANGS:
        _ = gettext(lang)
        at = start(page="assessment", lang=lang)
        labels = [p.proto.label for p in at.get("page_link")]
        assert _("Assessment") in labels and _("Verify") in labels
        assert at.title[0].value == _(assessment.TITLE)
        if lang != "en":
            assert _("Assessment") != "Assessment" and _(verify.TITLE) != verify.TITLE
