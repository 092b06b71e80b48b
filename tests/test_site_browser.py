"""The site in real Chromium: the language switcher and axe-core on every page."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import LANGS, PAGES

pytestmark = pytest.mark.browser


def url(base: str, lang: str, page: str) -> str:
    path = "" if page == "index" else f"{page}/"
    return base + ("" if lang == "en" else f"{lang}/") + path


@pytest.mark.parametrize(
    ("source", "target"), [("en", "it"), ("it", "es"), ("fr", "pt"), ("pt", "en")]
)
def test_switcher_lands_on_the_same_page(
    served: str, browser: Any, source: str, target: str
) -> None:
    page = browser.new_page()
    page.goto(url(served, source, "qualification") + "#lead-scoring")
    names = {
        "en": "English",
        "it": "Italiano",
        "es": "Español",
        "fr": "Français",
        "pt": "Português",
    }
    page.locator(".md-header__option .md-select").hover()
    page.get_by_role("link", name=names[target]).click()
    page.wait_for_load_state()
    assert (
        page.evaluate("location.pathname")
        == "/" + ("" if target == "en" else f"{target}/") + "qualification/"
    )
    assert page.evaluate("document.documentElement.lang") == target
    assert page.locator("#lead-scoring").count() == 1
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", LANGS)
def test_axe_no_serious_or_critical_violation(
    served: str, browser: Any, lang: str, scheme: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    problems = []
    for path in PAGES:
        page.goto(url(served, lang, path))
        page.wait_for_load_state("networkidle")
        results = axe.run(page)
        for violation in results.response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in violation["nodes"][:3]]
                problems.append((path, violation["id"], violation["impact"], targets))
    context.close()
    assert not problems, problems
