"""The knowledge checks and the progress in real Chromium, through the real
server (its Content-Security-Policy included): feedback with the why and the
section, a passed check, progress that survives a reload and shows on the home
page and in the navigation, a reset, the keyboard, print, and axe."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import serious_violations
from test_site_browser import still

import course

pytestmark = pytest.mark.browser

KEY = "funnel-coach.course.v1"


def url(base: str, lang: str, page: str) -> str:
    path = "" if page == "index" else f"{page}/"
    return base + ("" if lang == "en" else f"{lang}/") + path


def ready(page: Any) -> None:
    """Wait until the course script has set the page up."""
    page.wait_for_function(
        """() => document.querySelector("[data-course]") !== null
              && [...document.querySelectorAll("[data-knowledge-check], [data-course-progress]")]
                   .every(e => e.hasAttribute("data-ready"))""",
        polling="raf",
    )


def stored(page: Any) -> Any:
    return json.loads(page.evaluate("key => localStorage.getItem(key) || 'null'", KEY))


def script_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and "script-src" in m.text else None,
    )
    return errors


def choose(page: Any, q: course.Question, index: int) -> Any:
    item = page.locator(f'[data-question="{q.id}"]')
    item.locator("input[type=radio]").nth(index).check()
    item.locator(".fc-question__submit").click()
    return item


def section_title(page: Any, section: str) -> str:
    text: str = page.locator(f"#{section}").inner_text()
    return text.replace("¶", "").strip()


def nav_marks(page: Any) -> dict[str, str]:
    """The marked lessons of the navigation, with the words a screen reader reads
    for each mark (the mark's symbol itself is hidden from it)."""
    found: dict[str, str] = page.evaluate(
        """() => Object.fromEntries(
             [...document.querySelectorAll(".md-nav--primary a.md-nav__link")]
               .filter(a => a.querySelector(".fc-nav-mark"))
               .map(a => {
                 const mark = a.querySelector(".fc-nav-mark");
                 const hidden = mark.querySelector("[aria-hidden=true]") !== null;
                 const words = mark.querySelector(".fc-visually-hidden").textContent;
                 return [new URL(a.href).pathname.split("/").filter(Boolean).pop(),
                         hidden ? words : "SYMBOL NOT HIDDEN"];
               }))"""
    )
    return found


def test_a_wrong_answer_says_why_and_links_to_the_section(served: str, page: Any) -> None:
    lang, lesson = "it", "lead-vs-prospect"
    words = course.ui(lang)
    errors = script_errors(page)
    page.goto(url(served, lang, lesson))
    ready(page)
    q = course.lesson_check(lang, lesson)[0]
    wrong = (q.answer + 1) % len(q.choices)
    item = choose(page, q, wrong)
    feedback = item.locator(".fc-question__feedback")
    assert feedback.get_attribute("aria-live") == "polite"
    page.wait_for_function(
        "id => document.querySelector(`[data-question='${id}'] .fc-question__feedback`)"
        ".textContent.length > 0",
        arg=q.id,
        polling="raf",
    )
    text = feedback.inner_text()
    assert text.startswith(words["incorrect"])
    assert q.choices[wrong].why in text  # why the chosen answer is wrong
    assert words["right_answer"].format(answer=q.choices[q.answer].text) in text
    assert q.explanation in text  # and why the right one is right
    assert words["correct"] not in text
    link = feedback.get_by_role("link")
    assert link.get_attribute("href") == f"#{q.section}"
    title = section_title(page, q.section)
    assert link.inner_text() == words["read_more"].format(section=title)
    link.click()
    page.wait_for_function(
        "section => location.hash === '#' + section", arg=q.section, polling="raf"
    )
    assert page.locator(f"#{q.section}").is_visible()
    # One wrong answer: the check is not passed.
    assert "qualification" not in json.dumps(stored(page))
    assert lesson not in (stored(page) or {"passed": []})["passed"]
    # A right answer after the wrong one replaces the feedback.
    item = choose(page, q, q.answer)
    page.wait_for_function(
        "id => document.querySelector(`[data-question='${id}']`)"
        ".classList.contains('fc-question--right')",
        arg=q.id,
        polling="raf",
    )
    text = item.locator(".fc-question__feedback").inner_text()
    assert text.startswith(words["correct"]) and q.explanation in text
    assert words["incorrect"] not in text
    assert not errors, errors


def test_a_passed_check_and_progress_survive_a_reload_and_a_reset(served: str, page: Any) -> None:
    lang, lesson = "es", "qualification"
    words = course.ui(lang)
    errors = script_errors(page)
    page.goto(url(served, lang, lesson))
    ready(page)
    questions = course.lesson_check(lang, lesson)
    status = page.locator("[data-knowledge-check] .fc-check__status")
    for number, q in enumerate(questions, 1):
        choose(page, q, q.answer)
        if number < len(questions):
            assert status.inner_text() == words["score"].format(right=number, total=len(questions))
    page.wait_for_function(
        "() => document.querySelector('[data-knowledge-check]')"
        ".classList.contains('fc-check--passed')",
        polling="raf",
    )
    assert status.inner_text().endswith(words["passed"])
    assert stored(page) == {"read": [lesson], "passed": [lesson]}
    assert nav_marks(page) == {lesson: f" ({words['status_passed']})"}

    page.reload()
    ready(page)
    assert stored(page) == {"read": [lesson], "passed": [lesson]}
    assert status.inner_text().endswith(words["passed"])

    page.goto(url(served, lang, "index"))
    ready(page)
    block = page.locator("[data-course-progress]")
    assert block.is_visible()
    counts = block.locator(".fc-progress__counts").inner_text()
    assert words["lessons_read"].format(n=1, total=len(course.LESSONS)) in counts
    assert words["checks_passed"].format(n=1, total=len(course.LESSONS)) in counts
    for other in course.LESSONS:
        state = block.locator(f'li[data-lesson="{other}"] [data-status]').inner_text()
        assert state == (words["status_passed"] if other == lesson else words["status_new"])
    # The navigation marks the lesson, with words a screen reader reads.
    assert nav_marks(page) == {lesson: f" ({words['status_passed']})"}
    link = page.locator(".md-nav--primary a.md-nav__link", has=page.locator(".fc-nav-mark"))
    assert link.locator(".fc-nav-mark [aria-hidden=true]").inner_text() == "\u2714"

    # Reset: a confirmation in a live region, and nothing left anywhere.
    block.locator("[data-reset]").click()
    message = block.locator(".fc-progress__message")
    assert message.get_attribute("aria-live") == "polite"
    page.wait_for_function(
        "text => document.querySelector('.fc-progress__message').textContent === text",
        arg=words["reset_done"],
        polling="raf",
    )
    assert stored(page) is None
    assert nav_marks(page) == {}
    assert words["checks_passed"].format(n=0, total=len(course.LESSONS)) in block.inner_text()
    page.reload()
    ready(page)
    assert words["lessons_read"].format(n=0, total=len(course.LESSONS)) in block.inner_text()
    assert nav_marks(page) == {}
    assert not errors, errors


def test_a_lesson_is_read_once_its_check_scrolls_into_view(served: str, page: Any) -> None:
    lang, lesson = "fr", "consent"
    words = course.ui(lang)
    page.goto(url(served, lang, lesson))
    ready(page)
    page.wait_for_timeout(300)
    assert stored(page) is None  # the top of the lesson is not the end
    page.locator("[data-knowledge-check]").scroll_into_view_if_needed()
    page.wait_for_function(
        "key => (localStorage.getItem(key) || '').includes('consent')", arg=KEY, polling="raf"
    )
    assert stored(page) == {"read": [lesson], "passed": []}
    assert nav_marks(page) == {lesson: f" ({words['status_read']})"}


def test_the_check_works_from_the_keyboard(served: str, page: Any) -> None:
    lang, lesson = "pt", "roles"
    words = course.ui(lang)
    page.goto(url(served, lang, lesson))
    ready(page)
    q = course.lesson_check(lang, lesson)[0]
    item = page.locator(f'[data-question="{q.id}"]')
    item.locator("input[type=radio]").first.focus()
    page.keyboard.press("Space")  # selects the focused radio
    for _ in range(q.answer):
        page.keyboard.press("ArrowDown")
    assert item.locator("input[type=radio]").nth(q.answer).is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className").startswith("md-button")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "id => document.querySelector(`[data-question='${id}'] .fc-question__feedback`)"
        ".textContent.length > 0",
        arg=q.id,
        polling="raf",
    )
    assert item.locator(".fc-question__feedback").inner_text().startswith(words["correct"])


def test_the_answers_are_hidden_on_screen_and_printed_as_a_key(served: str, page: Any) -> None:
    lang, lesson = "it", "frameworks"
    page.goto(url(served, lang, lesson))
    ready(page)
    key = page.locator(".fc-answer-key")
    assert not key.is_visible()
    q = course.lesson_check(lang, lesson)[0]
    choose(page, q, q.answer)
    page.emulate_media(media="print")
    assert key.is_visible()
    assert key.locator("h2").inner_text() == course.ui(lang)["answer_key_title"]
    assert key.locator("li").count() == len(course.lesson_check(lang, lesson))
    assert not page.locator(f'[data-question="{q.id}"] .fc-question__feedback').is_visible()
    assert not page.locator(".fc-question__submit").first.is_visible()
    page.emulate_media(media="screen")
    assert not key.is_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_on_an_answered_check_and_the_progress_block(
    served: str, browser: Any, scheme: str
) -> None:
    lang, lesson = "fr", "roles"
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url(served, lang, lesson))
    ready(page)
    check = course.lesson_check(lang, lesson)
    choose(page, check[0], (check[0].answer + 1) % len(check[0].choices))  # wrong
    choose(page, check[1], check[1].answer)  # right
    page.locator(f'[data-question="{check[2].id}"] .fc-question__submit').click()  # no choice
    page.locator("[data-knowledge-check]").scroll_into_view_if_needed()
    still(page, scheme)
    problems = [(lesson, *p) for p in serious_violations(page)]
    page.goto(url(served, lang, "index"))
    ready(page)
    still(page, scheme)
    problems += [("index", *p) for p in serious_violations(page)]
    context.close()
    assert not problems, problems
