"""The practice page through AppTest: a full round, feedback, summary, links."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app.i18n import gettext
from app.screens import practice
from classifier import expected, label, scenario, scenarios
from tests.conftest import LANGS, ROOT

MAIN = str(ROOT / "app" / "main.py")


def start(**query: str) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=60)
    for key, value in {"page": "practice", **query}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def current(at: AppTest, lang: str) -> str:
    """The id of the scenario on screen, found by its title in `lang`."""
    titles = {s.text(lang).title: s.id for s in scenarios()}
    return titles[next(str(h.value) for h in at.header if str(h.value) in titles)]


def test_a_full_round_keeps_score_and_ends_with_what_to_read() -> None:
    lang = "pt"
    _ = gettext(lang)
    at = start(lang=lang)
    seen: list[str] = []
    for number in range(practice.ROUND):
        item = scenario(current(at, lang))
        seen.append(item.id)
        assert item.level == 1
        truth = practice.answer_of(expected(item))
        # Right on even stories, wrong on odd ones.
        choice = (
            truth if number % 2 == 0 else next(a for a in practice.ANSWERS_OFFERED if a != truth)
        )
        at.radio(key=f"{practice.CHOICE}_{lang}").set_value(choice).run()
        at.button(key="practice_check").click().run()
        assert not at.exception
        if number % 2 == 0:
            assert at.success and label("stage", truth.split(":")[0], lang) in at.success[0].value
        else:
            assert at.error and label("stage", truth.split(":")[0], lang) in at.error[
                0
            ].value.replace("\\", "")
        at.button(key="practice_next").click().run()
    assert len(set(seen)) == practice.ROUND
    heading = next(str(s.value) for s in at.subheader)
    assert heading == _(practice.ROUND_OVER).format(right=5, total=10)
    text = "\n".join(str(m.value) for m in at.markdown)
    for missed in seen[1::2]:
        assert scenario(missed).text(lang).title.replace(".", "\\.") in text or scenario(
            missed
        ).text(lang).title in text.replace("\\", "")
    assert "](../pt/" in text
    at.button(key="practice_new_round").click().run()
    assert current(at, lang) in {s.id for s in scenarios(1)}


@pytest.mark.parametrize("lang", LANGS)
def test_a_linked_scenario_opens_first_and_feedback_quotes_the_story(lang: str) -> None:
    item = next(s for s in scenarios() if s.level == 3)
    at = start(lang=lang, scenario=item.id)
    assert current(at, lang) == item.id
    assert at.radio(key=f"practice_level_{lang}").value == 3
    verdict = expected(item, lang)
    at.radio(key=f"{practice.CHOICE}_{lang}").set_value(practice.answer_of(verdict)).run()
    at.button(key="practice_check").click().run()
    feedback = next(
        str(m.value) for m in at.markdown if "fc-criteria" in str(m.value) and "<ul" in str(m.value)
    )
    from html import escape

    quoted = [escape(p) for p in item.text(lang).facts.values()]
    assert any(q in feedback for q in quoted)
    assert at.query_params["scenario"] == item.id and at.query_params["page"] == "practice"
    # The answer (a stage word) is in the feedback, not in the story shown before.
    assert label("stage", verdict.stage, lang) in "\n".join(str(s.value) for s in at.success)


def test_the_level_selector_starts_a_round_of_that_level() -> None:
    at = start(lang="es")
    at.radio(key="practice_level_es").set_value(2).run()
    assert scenario(current(at, "es")).level == 2


def test_an_unknown_scenario_is_said_and_practice_goes_on() -> None:
    at = start(lang="it", scenario="no-such-story")
    assert "no-such-story" in at.error[0].value.replace("\\", "")
    assert current(at, "it")


def test_check_waits_for_an_answer() -> None:
    at = start(lang="en")
    assert at.button(key="practice_check").disabled


def answer(at: AppTest, lang: str, right: bool) -> str:
    """Answer the story on screen, rightly or not, and check it; the id of the story."""
    item = scenario(current(at, lang))
    truth = practice.answer_of(expected(item))
    choice = truth if right else next(a for a in practice.ANSWERS_OFFERED if a != truth)
    at.radio(key=f"{practice.CHOICE}_{lang}").set_value(choice).run()
    at.button(key="practice_check").click().run()
    assert not at.exception
    return item.id


def query_of(at: AppTest) -> dict[str, str]:
    return {k: at.query_params[k] for k in at.query_params}


def test_the_round_lives_in_the_address_and_a_new_session_resumes_it() -> None:
    """A reload is a new session with the same address: same story, same score,
    and a story already checked shows its feedback instead of a fresh question."""
    lang = "fr"
    at = start(lang=lang)
    answer(at, lang, right=True)
    at.button(key="practice_next").click().run()
    answer(at, lang, right=False)
    at.button(key="practice_next").click().run()
    checked = answer(at, lang, right=True)
    link = query_of(at)
    assert link["at"] == "2" and len(link["given"]) == 3
    again = start(**link)
    assert current(again, lang) == checked
    assert again.success, "the checked story shows its feedback again"
    assert not [r for r in again.radio if r.key == f"{practice.CHOICE}_{lang}"]
    progress = gettext(lang)(practice.PROGRESS).format(number=3, total=10, right=2, done=3)
    assert progress in "\n".join(str(c.value) for c in again.caption)
    assert query_of(again) == link


def test_a_language_switch_keeps_the_round_and_the_pick() -> None:
    at = start(lang="en")
    first = answer(at, "en", right=True)
    at.button(key="practice_next").click().run()
    second = current(at, "en")
    at.radio(key=f"{practice.CHOICE}_en").set_value("customer").run()
    before = query_of(at)
    for lang in ("it", "es", "fr", "pt", "en"):
        at.selectbox(key="lang_picker").set_value(lang).run()
        assert current(at, lang) == second and first != second
        assert at.radio(key=f"{practice.CHOICE}_{lang}").value == "customer"
        assert at.radio(key=f"practice_level_{lang}").value == 1
        assert query_of(at) == {**before, "lang": lang}


def test_retry_plays_again_only_the_missed_stories() -> None:
    lang = "en"
    at = start(lang=lang, level="2", round="4242")
    missed = []
    for number in range(practice.ROUND):
        item = answer(at, lang, right=number not in (2, 7))
        if number in (2, 7):
            missed.append(item)
        at.button(key="practice_next").click().run()
    at.button(key="practice_retry").click().run()
    assert query_of(at)["only"] == "2.7" and query_of(at)["round"] == "4242"
    assert current(at, lang) == missed[0]
    answer(at, lang, right=True)
    at.button(key="practice_next").click().run()
    assert current(at, lang) == missed[1]
    answer(at, lang, right=False)
    at.button(key="practice_next").click().run()
    heading = next(str(s.value) for s in at.subheader)
    assert heading == gettext(lang)(practice.ROUND_OVER).format(right=1, total=2)
    # Retrying a retry keeps to the one still missed.
    at.button(key="practice_retry").click().run()
    assert query_of(at)["only"] == "7" and current(at, lang) == missed[1]


def test_easy_feedback_shows_only_the_criteria_that_decide() -> None:
    from app.reasoning import deciding

    item = next(s for s in scenarios(1) if expected(s).stage == "stranger")
    at = start(lang="en", scenario=item.id)
    at.radio(key=f"{practice.CHOICE}_en").set_value("stranger").run()
    at.button(key="practice_check").click().run()
    feedback = next(str(m.value) for m in at.markdown if '<ul class="fc-criteria">' in str(m.value))
    verdict = expected(item)
    shown = {c.id for c in verdict.criteria if f">{label('criterion', c.id, 'en')}<" in feedback}
    assert shown == {c.id for c in deciding(verdict)} == {"interaction", "identity"}
    assert feedback.count("<li") == 2 < len(verdict.criteria)


def test_open_this_profile_in_the_classifier_loads_the_story() -> None:
    item = next(s for s in scenarios() if s.model != "funnel")
    at = start(lang="it", scenario=item.id)
    at.radio(key=f"{practice.CHOICE}_it").set_value("lead").run()
    at.button(key="practice_check").click().run()
    at.button(key="practice_open").click().run()
    assert not at.exception
    assert at.title[0].value == gettext("it")("Classify a contact")
    query = query_of(at)
    assert query.get("model") == item.model
    for field, value in item.profile.items():
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        assert query[field] == shown
    verdict = expected(item, "it")
    assert any(label("stage", verdict.stage, "it") in str(h.value) for h in at.header)


def test_a_broken_round_link_starts_cleanly() -> None:
    at = start(lang="en", level="9", round="12", at="7", given="9x1", only="99")
    assert scenario(current(at, "en")).level == 1
    query = query_of(at)
    assert query["level"] == "1" and "only" not in query
    # "9x1" keeps one answer (digits 0-5 only), so the position is at most 1.
    assert query["given"] == "1" and query["at"] == "1"
