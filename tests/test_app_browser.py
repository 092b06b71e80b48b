"""The app through `funnel-coach serve`, in real Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.i18n import gettext
from app.view import colon
from classifier import label
from tests.conftest import LANGS, ROOT, serious_violations, settle, upload_example

pytestmark = pytest.mark.browser

STARTED = "[data-testid=stMainBlockContainer] h1"


def verdict_name(stage: str, lang: str) -> str:
    """The verdict's heading, as the app writes it in `lang`."""
    return f"{gettext(lang)('Verdict')}{colon(lang)}{label('stage', stage, lang)}"


@pytest.mark.parametrize("lang", LANGS)
def test_each_classifier_page_frames_the_app_in_its_language(
    served: str, page: Any, lang: str
) -> None:
    prefix = "" if lang == "en" else f"{lang}/"
    page.goto(f"{served}{prefix}classifier/")
    # In view at once, the app waits for the learner: the start button opens it.
    page.locator(".fc-app__start").click()
    expect_hidden = page.locator(".fc-app__start")
    frame = page.frame_locator("iframe.fc-app__frame")
    _ = gettext(lang)
    title = frame.locator(STARTED)
    title.wait_for()
    assert title.inner_text() == _("Classify a contact")
    assert frame.get_by_role("heading", name=verdict_name("stranger", lang))
    frame.get_by_role("heading", name=verdict_name("stranger", lang)).wait_for()
    assert page.locator(".fc-app__offline").is_hidden()
    assert expect_hidden.is_hidden()


def pick(frame: Any, lang: str, tab: str, field_label: str, option: str) -> None:
    _ = gettext(lang)
    frame.get_by_role("tab", name=_(tab)).click()
    group = frame.get_by_role("radiogroup", name=_(field_label))
    group.get_by_text(_(option), exact=True).click()
    settle(frame)


def test_typing_and_clicking_gives_the_contract_verdict_and_a_link_reproduces_it(
    served: str, page: Any
) -> None:
    lang = "it"
    _ = gettext(lang)
    page.goto(f"{served}app/?lang={lang}")
    page.locator(STARTED).wait_for()
    stranger = verdict_name("stranger", lang)
    page.get_by_role("heading", name=stranger).wait_for()
    name = page.get_by_role("textbox", name=_("Name (for display only)"), exact=True)
    name.fill("<b>Giulia</b> Rossi")
    name.press("Enter")
    interactions = page.get_by_role("spinbutton", name=_("Interactions with the brand"), exact=True)
    interactions.fill("4")
    interactions.press("Enter")
    page.get_by_role("heading", name=verdict_name("visitor", lang)).wait_for()
    pick(page, lang, "Contact", "Identified (we hold their personal data)", "Yes")
    page.get_by_role("heading", name=verdict_name("lead", lang)).wait_for()
    pick(page, lang, "Permission", "Consent to commercial messages", "Opt-in")
    pick(page, lang, "Engagement", "Two-way conversation with a seller", "Yes")
    pick(page, lang, "Engagement", "Declared intention to buy from us", "High: asks for an offer")
    pick(page, lang, "Fit and capacity", "Matches the focus target / buyer persona", "Yes")
    pick(page, lang, "Fit and capacity", "Has the budget", "Yes")
    prospect = verdict_name("prospect", lang)
    page.get_by_role("heading", name=prospect).wait_for()
    body = page.locator("[data-testid=stMainBlockContainer]")
    assert label("next_action", "propose", lang) in body.inner_text()
    assert label("temperature", "hot", lang) in body.inner_text()
    # The typed name is text, never markup.
    assert page.locator("[data-testid=stMainBlockContainer] b").count() == 0

    # The copy control puts the link on the clipboard.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.rstrip("/"))
    # The control's frame is named in the page's language (its accessible name).
    copy = page.frame_locator(f"iframe[title='{_('Copy the link')}']")
    copy.get_by_role("button", name=_("Copy the link")).click()
    copy.get_by_role("status").get_by_text(_("Link copied.")).wait_for()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link.startswith(f"{served}app/?") and "lang=it" in link and "budget=true" in link
    other = page.context.new_page()
    other.goto(link)
    other.get_by_role("heading", name=prospect).wait_for()
    # The verdict's text follows its heading (the page draws them one after the other).
    main = other.locator("[data-testid=stMainBlockContainer]")
    action = f"{_('Next action')}{colon(lang)}{label('next_action', 'propose', lang)}"
    main.get_by_text(action, exact=True).wait_for()
    other.close()


def test_a_bad_link_value_is_explained_in_the_browser(served: str, page: Any) -> None:
    page.goto(f"{served}app/?lang=es&budget=maybe&identified=true")
    page.locator(STARTED).wait_for()
    alert = page.locator("[data-testid=stAlertContentError]").first
    alert.wait_for()
    assert "budget" in alert.inner_text() and "maybe" in alert.inner_text()
    page.get_by_role("heading", name=verdict_name("lead", "es")).wait_for()


APP_PAGES = [
    "app/?lang=en",
    "app/?lang=it&identified=true&consent=single&in_target=false&budget=true&intent=high",
    "app/?lang=es&identified=true&consent=double&in_target=true&need=clear&intent=high&price_only=true",
    "app/?lang=fr&purchases=2&budget=maybe",
    "app/?lang=pt&page=compare&identified=true&consent=single&in_target=true&need=clear",
    "app/?lang=it&page=practice&scenario=s26-off-the-list-since-april",
    "app/?lang=es&page=batch",
]


@pytest.mark.parametrize("path", APP_PAGES)
def test_axe_finds_no_serious_violation_in_the_app(served: str, page: Any, path: str) -> None:
    page.goto(served + path)
    page.locator(STARTED).wait_for()
    lang = path.split("lang=")[1][:2]
    if "compare" in path:
        page.locator("table.fc-compare").wait_for()
    elif "page=" not in path:
        verdict = f"{gettext(lang)('Verdict')}{colon(lang).rstrip()}"
        page.get_by_role("heading", name=verdict).wait_for()
    settle(page)
    violations = serious_violations(page)
    assert not violations, violations


def test_a_practice_round_in_spanish_with_the_keyboard(served: str, page: Any) -> None:
    """Linked from the site with a scenario; answered with the keyboard alone."""
    from app.screens import practice
    from classifier import expected, scenario

    lang = "es"
    _ = gettext(lang)
    page.goto(f"{served}es/practice/")
    link = page.locator("a[href*='page=practice'][href*='scenario=']").first
    href = link.get_attribute("href")
    assert "lang=es" in href
    first = scenario(href.split("scenario=")[1].split("&")[0])
    link.click()
    page.locator(STARTED).wait_for()
    for number in range(3):
        item = first if number == 0 else None
        title = page.locator("[data-testid=stMainBlockContainer] h2").first.inner_text()
        if item is None:
            from classifier import scenarios

            item = next(s for s in scenarios() if s.text(lang).title == title)
        assert title == item.text(lang).title
        truth = practice.answer_of(expected(item))
        group = page.get_by_role("radiogroup", name=_(practice.QUESTION))
        group.get_by_role("radio").first.focus()
        # Arrow keys move through the options, as in any radio group.
        for _step in range(practice.ANSWERS_OFFERED.index(truth)):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space") if practice.ANSWERS_OFFERED.index(truth) == 0 else None
        settle(page)
        check = page.get_by_role("button", name=_(practice.CHECK))
        check.focus()
        page.keyboard.press("Enter")
        page.locator("[data-testid=stAlertContentSuccess]").wait_for()
        success = page.locator("[data-testid=stAlertContentSuccess]").inner_text()
        assert practice.answer_label(truth, lang) in success
        following = page.get_by_role("button", name=_(practice.NEXT))
        following.focus()
        page.keyboard.press("Enter")
        settle(page)
    progress = _(practice.PROGRESS).format(number=4, total=10, right=3, done=3)
    assert progress in page.locator("[data-testid=stMainBlockContainer]").inner_text()
    # With feedback on screen, still no serious accessibility problem.
    page.get_by_role("radiogroup", name=_(practice.QUESTION)).get_by_text(
        practice.answer_label("customer", lang), exact=True
    ).click()
    settle(page)
    page.get_by_role("button", name=_(practice.CHECK)).click()
    page.locator("[data-testid=stAlert]").first.wait_for()
    settle(page)
    violations = serious_violations(page)
    assert not violations, violations


def test_uploading_a_csv_shows_counts_and_offers_the_download(served: str, page: Any) -> None:

    lang = "fr"
    _ = gettext(lang)
    page.goto(f"{served}app/?page=batch&lang={lang}")
    page.locator(STARTED).wait_for()
    upload_example(page)
    settle(page)
    body = page.locator("[data-testid=stMainBlockContainer]").inner_text()
    assert "200" in page.locator("[data-testid=stAlertContentSuccess]").inner_text()
    for stage in ("stranger", "visitor", "lead", "prospect", "customer"):
        assert label("stage", stage, lang) in body
    with page.expect_download() as download:
        page.get_by_role("link", name=gettext(lang)("Download the classified CSV")).click()
    data = Path(download.value.path()).read_text(encoding="utf-8")
    header = data.splitlines()[0]
    assert "stage" in header and "next_action" in header
    assert len([line for line in data.splitlines() if line]) == 201
    violations = serious_violations(page)
    assert not violations, violations


#: Every attribute a screen reader may announce, and every text node.
SHOWN_WORDS = """() => {
  const words = [];
  for (const element of document.querySelectorAll("body *")) {
    for (const name of ["aria-label", "placeholder", "title"]) {
      const value = element.getAttribute(name);
      if (value) words.push(value.trim());
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.data.trim();
    if (text) words.push(text);
  }
  return words;
}"""


def form_ready(page: Any) -> None:
    """Wait until the Classify form is drawn, down to its last tab's help button."""
    page.locator(STARTED).wait_for()
    page.locator("[data-testid=stNumberInput] button").first.wait_for()
    page.locator("[data-testid=stTooltipIcon] button").last.wait_for(state="attached")
    settle(page)


def streamlit_english(words: list[str]) -> list[str]:
    """The words that are Streamlit's own English ones (see app/chrome.py)."""
    import re

    from app.chrome import STRINGS

    patterns = [
        re.compile("^" + ".+".join(map(re.escape, re.split(r"\{\w+\}", s))) + "$", re.S)
        for s in STRINGS
    ]
    return [w for w in words if any(p.match(w) for p in patterns)]


def test_streamlit_own_words_follow_the_page_language(served: str, page: Any) -> None:
    from app.chrome import table

    lang = "fr"
    words = table()[lang]
    # Classify, with its tabs, number inputs, help buttons and selectors.
    page.goto(f"{served}app/?lang={lang}&identified=true&consent=single")
    form_ready(page)
    assert page.evaluate("document.documentElement.lang") == lang
    shown = page.evaluate(SHOWN_WORDS)
    assert not streamlit_english(shown), streamlit_english(shown)
    assert words["Open"] in shown and words["Increment"] in shown
    assert any(w.startswith(words["Help for {label}"].split("{")[0]) for w in shown)
    # The skip link, the first thing the keyboard reaches.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == words["Skip to main content"]

    # Batch, after an upload: the uploader's button, limit and file controls.
    page.goto(f"{served}app/?page=batch&lang={lang}")
    page.locator(STARTED).wait_for()
    assert words["Upload"] in page.locator("[data-testid=stFileUploaderDropzone]").inner_text()
    # A file whose own name reads like Streamlit's words keeps its name.
    name = "Remove duplicates.csv"
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(
        files=[
            {
                "name": name,
                "mimeType": "text/csv",
                "buffer": (ROOT / "examples" / "contacts.csv").read_bytes(),
            }
        ]
    )
    page.locator("[data-testid=stAlertContentSuccess]").wait_for()
    settle(page)
    shown = page.evaluate(SHOWN_WORDS)
    assert words["Remove {name}"].replace("{name}", name) in shown
    assert name in shown
    theirs = [w for w in shown if not w.endswith((".csv", "KB"))]  # the name, maybe shortened
    assert not streamlit_english(theirs), streamlit_english(theirs)

    # Switching the language in the app switches Streamlit's words and <html lang>.
    page.goto(f"{served}app/?lang={lang}")
    page.locator(STARTED).wait_for()
    settle(page)
    page.get_by_label(gettext(lang)("Language")).click()
    page.get_by_role("option", name="Português").click()
    page.wait_for_function("() => document.documentElement.lang === 'pt'", polling="raf")
    settle(page)
    shown = page.evaluate(SHOWN_WORDS)
    assert table()["pt"]["Increment"] in shown and words["Increment"] not in shown
    assert not streamlit_english(shown), streamlit_english(shown)


def test_english_pages_keep_streamlit_words_and_say_they_are_english(
    served: str, page: Any
) -> None:
    page.goto(f"{served}app/?lang=en")
    form_ready(page)
    assert page.evaluate("document.documentElement.lang") == "en"
    shown = page.evaluate(SHOWN_WORDS)
    assert "Open" in shown and "Increment" in shown
