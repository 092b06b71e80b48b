"""The site in real Chromium: the language switcher and axe-core on every page,
search, the palette, the theme's script started at the first move, the app's frame."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import LANGS, PAGES, serious_violations

pytestmark = pytest.mark.browser


def still(page: Any, scheme: str) -> None:
    """Wait until the page shows the palette asked for and nothing is moving.

    Material applies the OS palette from its script and fades some colours in
    over 0.25 s; axe samples one frame, and a frame mid-fade is not what a
    reader sees. Waiting for the palette also checks that it follows the OS.
    """
    wanted = "slate" if scheme == "dark" else "default"
    page.wait_for_function(
        """wanted => document.body.dataset.mdColorScheme === wanted
              && !document.body.hasAttribute("data-md-color-switching")""",
        arg=wanted,
    )
    page.evaluate(
        """() => Promise.all(document.getAnimations()
              .filter(a => a.playState === "running" && a.effect
                           && a.effect.getComputedTiming().iterations !== Infinity)
              .map(a => a.finished.catch(() => null)))"""
    )


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
    # A lesson opened at a section, with a profile (a shared link): the other
    # language's page opens at the same section with the same profile.
    page.goto(url(served, source, "qualification") + "?budget=true#lead-scoring")
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
    assert page.evaluate("location.hash") == "#lead-scoring"
    assert page.evaluate("location.search") == "?budget=true"
    assert page.locator("#lead-scoring").count() == 1
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", LANGS)
def test_axe_no_serious_or_critical_violation(
    served: str, browser: Any, lang: str, scheme: str
) -> None:
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    problems = []
    for path in PAGES:
        page.goto(url(served, lang, path))
        page.wait_for_load_state("networkidle")
        still(page, scheme)
        problems += [(path, *problem) for problem in serious_violations(page)]
    context.close()
    assert not problems, problems


def search(page: Any, term: str) -> list[str]:
    """Type one term into Material's search box; the result links for that term.

    Material queries on every keyup, so results for "B", "BA"... may show first.
    With search.highlight, a result links to its page with `?h=<matched terms>`:
    a link with `h=<the whole term>` means the list is the one for the term.
    """
    box = page.locator(".md-search__input")
    box.click()
    box.press_sequentially(term, delay=30)
    page.locator(f'.md-search-result__link[href*="h={term.lower()}"]').first.wait_for(
        timeout=20_000
    )
    return page.locator(".md-search-result__link").evaluate_all(
        "links => links.map(link => link.href)"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_search_finds_only_pages_of_the_language(served: str, browser: Any, lang: str) -> None:
    context = browser.new_context()
    requested: list[str] = []
    elsewhere: list[str] = []

    def offline(route: Any) -> None:
        if route.request.url.startswith(served):
            requested.append(route.request.url.removeprefix(served))
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", offline)
    page = context.new_page()
    page.goto(url(served, lang, "roles"))
    prefix = "" if lang == "en" else f"{lang}/"
    links = search(page, "BANT")
    assert links, lang
    for link in links:
        assert link.startswith(served), link
        path = link.removeprefix(served)
        if lang == "en":
            assert not path.startswith(tuple(f"{other}/" for other in LANGS[1:])), link
        else:
            assert path.startswith(prefix), link
    # Its own index, and Lunr's scripts for its language, from this server only.
    indexes = [r for r in requested if r.endswith("search_index.json")]
    assert indexes == [f"{prefix}search/search_index.json"], indexes
    if lang != "en":
        assert f"assets/javascripts/lunr/min/lunr.{lang}.min.js" in requested
    assert not elsewhere, elsewhere
    # The best result opens a page in the same language.
    with page.expect_navigation():
        page.locator(".md-search-result__link").first.click()
    assert page.evaluate("location.pathname").startswith(f"/{prefix}")
    assert page.evaluate("document.documentElement.lang") == lang
    context.close()


STARTED = "() => typeof window.document$ !== 'undefined'"


def started(page: Any) -> bool:
    """Whether Material's script has started on the page (it defines document$)."""
    return bool(page.evaluate(STARTED))


SHIFTS = """() => { window.fcShifts = [];
  new PerformanceObserver(list => list.getEntries().forEach(
    entry => window.fcShifts.push(entry.value))).observe({type: "layout-shift"}); }"""


@pytest.mark.parametrize(("lang", "phone"), [("fr", True), ("en", False)])
def test_the_theme_script_starts_at_the_reader_s_first_move(
    served: str, browser: Any, lang: str, phone: bool
) -> None:
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 800}
    context = browser.new_context(viewport=size, is_mobile=phone, has_touch=phone)
    bundles: list[str] = []
    context.on("request", lambda r: bundles.append(r.url) if "/bundle." in r.url else None)
    page = context.new_page()
    page.goto(url(served, lang, "consent"))
    page.wait_for_load_state("networkidle")
    # At rest: the lesson, in the theme's "js" look, without the theme's script.
    assert not bundles and not started(page)
    assert page.evaluate("document.documentElement.className") == "js"
    if phone:
        assert page.locator("label.md-header__button[for='__search']").is_visible()
    assert not serious_violations(page)
    tables = page.locator(".md-content table").count()
    assert tables
    page.evaluate(SHIFTS)
    # The first move starts it: Material mounts as it did at load, nothing moves.
    if phone:
        page.touchscreen.tap(5, 400)
    else:
        page.mouse.move(400, 400)
    page.wait_for_function(STARTED)
    page.locator(".md-typeset__scrollwrap table").nth(tables - 1).wait_for(state="attached")
    assert page.locator(".md-typeset__scrollwrap").count() == tables
    assert page.locator(".md-typeset__scrollwrap .md-typeset__scrollwrap").count() == 0
    page.wait_for_timeout(500)
    assert page.evaluate("window.fcShifts") == []
    assert len(bundles) == 1
    assert not serious_violations(page)
    # The search key as the very first move: the box has focus, the search works.
    page.goto(url(served, lang, "roles"))
    page.wait_for_load_state("networkidle")
    assert not started(page)
    page.keyboard.press("/")
    page.wait_for_function("() => document.activeElement.name === 'query'")
    page.keyboard.type("BANT", delay=30)
    page.locator('.md-search-result__link[href*="h=bant"]').first.wait_for()
    # Arriving at a section or from a search result starts it at once.
    for arrival in ("#lead-scoring", "?h=lead"):
        page.goto(url(served, lang, "qualification") + arrival)
        page.wait_for_function(STARTED)
    if not phone:  # the sidebars follow the scroll once the theme runs
        page.goto(url(served, lang, "qualification"))
        page.wait_for_load_state("networkidle")
        page.mouse.wheel(0, 2500)
        page.locator(".md-sidebar--secondary .md-nav__link--active").first.wait_for()
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_with_search_results_open(served: str, browser: Any, scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(url(served, "it", "qualification"))
    assert search(page, "lead")
    still(page, scheme)
    problems = serious_violations(page)
    context.close()
    assert not problems, problems


def test_a_dark_system_gets_the_dark_palette_before_any_script_loads(
    served: str, browser: Any
) -> None:
    """No light flash on a first visit: the inline script picks the palette.

    Material's bundle, which would otherwise apply it once loaded, is blocked here.
    """
    context = browser.new_context(color_scheme="dark")
    context.route("**/assets/javascripts/bundle.*", lambda route: route.abort())
    page = context.new_page()
    page.goto(url(served, "pt", "consent"))
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    context.close()
    red, green, blue = (int(n) for n in background[4:-1].split(",")[:3])
    assert max(red, green, blue) < 80, background


def scheme_of(page: Any) -> str:
    return str(page.evaluate("document.body.dataset.mdColorScheme"))


def test_the_palette_follows_the_system_until_the_learner_picks_one(
    served: str, browser: Any
) -> None:
    """The toggle is the page's own (Material's palette component is not mounted):
    the system's palette until the learner picks one, then the learner's, on every
    page and language; its name in the page's language; Enter on it switches too."""
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(url(served, "fr", "consent"))
    assert scheme_of(page) == "slate"
    toggle = page.locator("label[for^=__palette]:visible")
    assert toggle.count() == 1
    assert toggle.get_attribute("title") == "Passer en mode clair"
    # The system changes while the page is open: nothing was picked, the page follows.
    page.emulate_media(color_scheme="light")
    page.wait_for_function("() => document.body.dataset.mdColorScheme === 'default'")
    assert page.evaluate("localStorage.length") == 0
    assert toggle.get_attribute("title") == "Passer en mode sombre"
    # The learner picks dark: kept over the light system, on another page and language.
    toggle.click()
    page.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
    assert page.evaluate("document.querySelector('meta[name=color-scheme]').content") == "dark"
    assert page.locator("meta[name=theme-color]").get_attribute("content") == "#303f9f"
    page.goto(url(served, "it", "roles"))
    assert scheme_of(page) == "slate"
    assert toggle.get_attribute("title") == "Passa al tema chiaro"
    page.emulate_media(color_scheme="dark")
    page.emulate_media(color_scheme="light")
    page.wait_for_timeout(200)
    assert scheme_of(page) == "slate"
    # From the keyboard: focus the toggle's control and press Enter.
    page.locator("input[name=__palette]:checked").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.body.dataset.mdColorScheme === 'default'")
    page.reload()
    assert scheme_of(page) == "default"
    context.close()


APP_TITLE = "[data-testid=stMainBlockContainer] h1"


def test_the_app_loads_when_near_and_at_once_when_asked_for(served: str, browser: Any) -> None:
    """The framed app's scripts do not compete with a lesson: nothing under /app/ is
    requested until the frame is within a screen of the viewport; a link to #try-it
    (or one with a profile) loads it at once. The frame keeps its size meanwhile."""
    context = browser.new_context(viewport={"width": 412, "height": 823})
    asked: list[str] = []
    context.on("request", lambda r: asked.append(r.url) if "/app/" in r.url else None)
    page = context.new_page()

    page.goto(url(served, "it", "qualification"), wait_until="load")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(500)
    assert not asked, asked

    page.goto(url(served, "fr", "classifier") + "#models", wait_until="load")
    page.wait_for_timeout(1000)
    frame = page.locator("iframe.fc-app__frame")
    assert not asked, asked
    assert frame.get_attribute("src") is None
    assert frame.bounding_box()["height"] > 400  # the app's place is kept: nothing will jump
    page.locator("#try-it").scroll_into_view_if_needed()  # the learner scrolls up to it
    page.frame_locator("iframe.fc-app__frame").locator(APP_TITLE).wait_for()
    assert any("/app/?lang=fr" in seen for seen in asked), asked
    assert page.locator(".fc-app__offline").is_hidden()

    for address in (
        url(served, "it", "classifier") + "#try-it",
        url(served, "es", "classifier") + "?identified=true#offline",
    ):
        asked.clear()
        page.goto(address, wait_until="commit")
        page.frame_locator("iframe.fc-app__frame").locator(APP_TITLE).wait_for()
        lang = address.removeprefix(served)[:2]
        assert any(f"/app/?lang={lang}" in seen for seen in asked), asked
    context.close()


def test_an_app_in_view_at_once_waits_for_the_learner_to_touch_the_page(
    served: str, browser: Any
) -> None:
    """The classifier page opens with the app in view: its scripts start when the
    learner moves the mouse, taps, types or scrolls (or presses the start button),
    not while the page is only being loaded, so the lesson stays light to load."""
    for viewport, touch in (
        ({"width": 1280, "height": 900}, False),
        ({"width": 390, "height": 844}, True),
    ):
        context = browser.new_context(viewport=viewport, has_touch=touch, is_mobile=touch)
        asked: list[str] = []
        context.on(
            "request", lambda r, asked=asked: asked.append(r.url) if "/app/" in r.url else None
        )
        page = context.new_page()
        page.goto(url(served, "pt", "classifier"), wait_until="load")
        page.wait_for_timeout(1000)
        assert not asked, asked
        start = page.get_by_role("button", name="Abrir o classificador")
        assert start.is_visible()
        if touch:
            page.touchscreen.tap(5, 400)  # a tap on the lesson's text, not on the button
        else:
            page.mouse.move(40, 400)
        page.frame_locator("iframe.fc-app__frame").locator(APP_TITLE).wait_for()
        assert any("/app/?lang=pt" in seen for seen in asked), asked
        assert start.is_hidden()
        context.close()
