"""The printables, printed: Chromium prints the scenario cards, the cheat sheet,
the trainers' guide and a lesson with its knowledge check to PDF on A4 and on
Letter, and the PDF is read back with pypdf: the page count, no navigation,
header or footer, no card split across two pages; and, in the print layout at
the paper's width, no table wider than the text."""

from __future__ import annotations

import io
import math
import re
from typing import Any

import pytest
from conftest import LANGS

import course
from classifier import scenarios

pytestmark = pytest.mark.browser

#: Paper sizes, and the width of their printable area in CSS pixels
#: (printables.css: 8 mm margins; 96 px to the inch).
PAPERS = {"A4": (210 - 16) / 25.4 * 96, "Letter": (215.9 - 16) / 25.4 * 96}
#: Cards to a printed page: a fold-over strip is 128 mm high (printables.css).
CARDS_PER_PAGE = 2


def address(base: str, lang: str, page: str) -> str:
    return base + ("" if lang == "en" else f"{lang}/") + f"{page}/"


def flat(text: str) -> str:
    """Text without any whitespace: a PDF breaks lines (and after hyphens) where
    the paper's width says, so words are compared without the breaks."""
    return re.sub(r"\s+", "", text)


def printed(browser: Any, url: str, paper: str) -> tuple[list[str], dict[str, Any]]:
    """Each PDF page's text, and what the print layout says about the page:
    its tables' widths and the words of the site's navigation, header and footer
    that are not also in the article."""
    from pypdf import PdfReader

    context = browser.new_context(viewport={"width": round(PAPERS[paper]), "height": 1000})
    page = context.new_page()
    page.goto(url, wait_until="load")
    article, lines = page.evaluate(
        """() => [document.querySelector("article").innerText,
                  [...document.querySelectorAll(
                      ".md-header, .md-sidebar, .md-footer, .md-tabs, .md-search")]
                  .flatMap(part => part.innerText.split("\\n"))]"""
    )
    chrome = sorted(
        {line.strip() for line in lines if len(flat(line)) > 3 and flat(line) not in flat(article)}
    )
    page.emulate_media(media="print")
    layout = page.evaluate(
        """() => ({
            text: document.querySelector("article").getBoundingClientRect().width,
            tables: [...document.querySelectorAll("article table")]
                .filter(t => t.getClientRects().length)
                .map(t => [t.scrollWidth, t.parentElement.clientWidth,
                           t.getBoundingClientRect().right,
                           t.innerText.slice(0, 40)]),
        })"""
    )
    pdf = page.pdf(format=paper, print_background=True)
    context.close()
    pages = [flat(p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]
    return pages, {"chrome": chrome, **layout}


def assert_clean(pages: list[str], layout: dict[str, Any], where: object) -> None:
    """No navigation, header or footer words, and every table inside the text."""
    text = " ".join(pages)
    assert layout["chrome"], where  # the screen has them: the check can fail
    leaked = [words for words in layout["chrome"] if flat(words) in text]
    assert not leaked, (where, leaked[:5])
    assert flat("Funnel Coach — training material") not in text, where
    for scroll, container, right, head in layout["tables"]:
        assert scroll <= container + 1, (where, head, scroll, container)
        assert right <= layout["text"] + 1, (where, head, right)


@pytest.mark.parametrize("paper", list(PAPERS))
@pytest.mark.parametrize("lang", LANGS)
def test_the_cards_print_two_to_a_page_none_split(
    served: str, browser: Any, lang: str, paper: str
) -> None:
    pages, layout = printed(browser, address(served, lang, "cards"), paper)
    bank = scenarios()
    assert len(pages) == math.ceil(len(bank) / CARDS_PER_PAGE), (lang, paper, len(pages))
    words = course.ui(lang)
    for number, item in enumerate(bank, 1):
        on = pages[(number - 1) // CARDS_PER_PAGE]
        # The card's first words (its number) and its last (the back's end) on one page.
        label = flat(words["card_number"].format(n=number, total=len(bank)))
        assert label in on, (lang, paper, number)
        assert flat(item.text(lang).title) in on, (lang, paper, item.id)
        story_end = flat(item.text(lang).story)[-40:]
        assert story_end in on, (lang, paper, item.id)
    # The page's introduction is for the screen: only the cards are printed.
    assert not any("<!--" in p for p in pages)
    assert_clean(pages, layout, (lang, paper, "cards"))


@pytest.mark.parametrize("paper", list(PAPERS))
@pytest.mark.parametrize("lang", LANGS)
def test_the_cheat_sheet_prints_on_one_page(
    served: str, browser: Any, lang: str, paper: str
) -> None:
    pages, layout = printed(browser, address(served, lang, "cheat-sheet"), paper)
    assert len(pages) == 1, (lang, paper, len(pages))
    assert layout["tables"], lang  # its tables were measured
    assert_clean(pages, layout, (lang, paper, "cheat-sheet"))


@pytest.mark.parametrize("paper", list(PAPERS))
@pytest.mark.parametrize(("lang", "page"), [("it", "trainers"), ("pt", "trainers")])
def test_the_trainers_guide_prints_without_the_site_around_it(
    served: str, browser: Any, lang: str, page: str, paper: str
) -> None:
    pages, layout = printed(browser, address(served, lang, page), paper)
    assert len(pages) >= 2, (lang, paper)
    assert layout["tables"], lang
    assert_clean(pages, layout, (lang, paper, page))


@pytest.mark.parametrize("paper", list(PAPERS))
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_lesson_prints_its_check_and_the_answer_key_on_a_page_of_its_own(
    served: str, browser: Any, lang: str, paper: str
) -> None:
    pages, layout = printed(browser, address(served, lang, "qualification"), paper)
    words = course.ui(lang)
    key = [i for i, text in enumerate(pages) if flat(words["answer_key_title"]) in text]
    assert len(key) == 1 and key[0] > 0, (lang, paper, key)
    assert pages[key[0]].startswith(flat(words["answer_key_title"])), pages[key[0]][:80]
    first = course.lesson_check(lang, "qualification")[0]
    assert flat(first.question) in " ".join(pages[: key[0]])
    assert_clean(pages, layout, (lang, paper, "qualification"))


# --- The playbook, from the app's verdict ---------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_verdicts_playbook_link_lands_on_the_section(
    served: str, browser: Any, lang: str
) -> None:
    from conftest import settle

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(served + f"app/?lang={lang}&identified=true&consent=withdrawn&in_target=true")
    settle(page)
    link = page.locator('a[href*="playbook/#respect-opt-out"]')
    link.wait_for()
    with context.expect_page() as opened:
        link.click()
    target = opened.value
    target.wait_for_load_state()
    prefix = "" if lang == "en" else f"{lang}/"
    assert target.url == served + f"{prefix}playbook/#respect-opt-out", target.url
    assert target.evaluate("document.documentElement.lang") == lang
    heading = target.locator("#respect-opt-out")
    assert heading.evaluate("e => e.tagName") == "H2"
    target.wait_for_function(
        """() => { const top = document.getElementById("respect-opt-out")
                       .getBoundingClientRect().top;
                   return top >= 0 && top < 200; }""",
        polling="raf",
    )
    context.close()
