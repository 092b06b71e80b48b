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
        at.radio(key=practice.CHOICE).set_value(choice).run()
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
    assert at.radio(key=practice.LEVEL).value == 3
    verdict = expected(item, lang)
    at.radio(key=practice.CHOICE).set_value(practice.answer_of(verdict)).run()
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
    at.radio(key=practice.LEVEL).set_value(2).run()
    assert scenario(current(at, "es")).level == 2


def test_an_unknown_scenario_is_said_and_practice_goes_on() -> None:
    at = start(lang="it", scenario="no-such-story")
    assert "no-such-story" in at.error[0].value.replace("\\", "")
    assert current(at, "it")


def test_check_waits_for_an_answer() -> None:
    at = start(lang="en")
    assert at.button(key="practice_check").disabled
