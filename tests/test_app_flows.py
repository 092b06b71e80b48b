"""The learner's work survives what a person does in a browser: switching the
language again and again, moving between pages, reloading, a phone, the site's
dark palette. Real Chromium through `funnel-coach serve` (AppTest sends ids,
a browser sends what it shows, so only a browser catches these)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from app.i18n import NATIVE_NAMES, gettext
from app.labels import FIELD_LABELS, GROUPS, NO, UNKNOWN, VALUE_LABELS, YES
from app.screens import practice
from app.view import colon
from classifier import FIELDS, classify, label, scenario
from tests.conftest import ROOT, settle

pytestmark = pytest.mark.browser

STARTED = "[data-testid=stMainBlockContainer] h1"
KIND = {f.name: f.kind for f in FIELDS}
PROFILE = {
    "interactions": 3,
    "identified": True,
    "consent": "single",
    "in_target": True,
    "budget": True,
    "conversation": True,
    "channel": "event",
}
LINK = "&".join(f"{k}={str(v).lower()}" for k, v in PROFILE.items())

#: What every form widget shows: {label: shown value}, whichever tab it is in.
WIDGETS = """() => {
  const shown = {};
  const main = document.querySelector('[data-testid=stMainBlockContainer]');
  const name = (w) => w.querySelector('[data-testid=stWidgetLabel]').innerText.trim();
  for (const w of main.querySelectorAll('[data-testid=stRadio]')) {
    const on = w.querySelector('input:checked');
    shown[name(w)] = on ? on.closest('label').innerText.trim() : null;
  }
  const boxes = '[data-testid=stNumberInput], [data-testid=stTextInput], [data-testid=stSelectbox]';
  for (const w of main.querySelectorAll(boxes)) shown[name(w)] = w.querySelector('input').value;
  return shown;
}"""


def expected_widgets(profile: dict[str, Any], lang: str) -> dict[str, str]:
    """What the form must show for `profile` in `lang`."""
    _ = gettext(lang)
    shown: dict[str, str] = {}
    for field, title in FIELD_LABELS.items():
        value = profile.get(field)
        kind = KIND.get(field, "text")
        if kind == "bool":
            shown[_(title)] = _({True: YES, False: NO}.get(value, UNKNOWN))
        elif kind == "choice":
            shown[_(title)] = _(VALUE_LABELS[(field, value)]) if value else _(UNKNOWN)
        else:
            shown[_(title)] = "" if value is None else str(value)
    return shown


def query(page: Any) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(page.url).query))


def switch_language(page: Any, current: str, lang: str) -> None:
    """Pick a language in the app's selector, as a person does."""
    page.get_by_label(gettext(current)("Language")).click()
    page.get_by_role("option", name=NATIVE_NAMES[lang]).click()
    page.wait_for_function(f"() => document.documentElement.lang === '{lang}'", polling="raf")
    settle(page)


def verdict_name(stage: str, lang: str) -> str:
    return f"{gettext(lang)('Verdict')}{colon(lang)}{label('stage', stage, lang)}"


def widgets_in_order(page: Any, lang: str) -> dict[str, str]:
    """What the form shows, tab by tab, as a person sees it by opening each tab
    (the form draws only the open tab's fields); the last tab is left open."""
    _ = gettext(lang)
    shown: dict[str, str] = {}
    for _group, title, fields in GROUPS:
        page.get_by_role("tab", name=_(title), exact=True).click()
        main = page.locator("[data-testid=stMainBlockContainer]")
        main.get_by_text(_(FIELD_LABELS[fields[0]]), exact=True).first.wait_for()
        settle(page)
        shown |= page.evaluate(WIDGETS)
    shown.pop(_("Language"), None)
    return shown


def open_tab(page: Any) -> str:
    return str(page.get_by_role("tab", selected=True).inner_text()).strip()


def test_five_language_switches_on_classify_change_only_the_language(
    served: str, page: Any
) -> None:
    page.goto(f"{served}app/?lang=en&{LINK}")
    page.locator(STARTED).wait_for()
    settle(page)
    stage = classify(PROFILE).stage
    before = query(page)
    current = "en"
    left_open = 0  # the form's first tab, until the tabs have been gone through
    for lang in ("it", "es", "fr", "pt", "en", "it"):
        switch_language(page, current, lang)
        current = lang
        assert query(page) == {**before, "lang": lang}
        page.get_by_role("heading", name=verdict_name(stage, lang)).wait_for()
        # The tab left open in the language before is open in this one.
        assert open_tab(page) == gettext(lang)(GROUPS[left_open][1])
        shown = widgets_in_order(page, lang)
        left_open = -1
        want = expected_widgets(PROFILE, lang)
        assert {k: shown.get(k) for k in want} == want
        model = page.get_by_role("combobox", name=gettext(lang)("Model"), exact=True)
        assert model.input_value() == label("model", "funnel", lang)
    from app.errors import UNEXPECTED

    assert not page.get_by_text(gettext("it")(UNEXPECTED)).count()


def test_five_language_switches_on_compare_keep_the_model_table(served: str, page: Any) -> None:
    page.goto(f"{served}app/?lang=fr&page=compare&{LINK}")
    page.locator("table.fc-compare").wait_for()
    settle(page)
    before = query(page)
    current = "fr"
    for lang in ("pt", "es", "en", "it", "fr"):
        switch_language(page, current, lang)
        current = lang
        assert query(page) == {**before, "lang": lang}
        table = page.locator("table.fc-compare").inner_text()
        for model in ("funnel", "bant", "score"):
            assert label("model", model, lang) in table
        funnel_row = page.locator("table.fc-compare tbody tr").first.inner_text()
        assert label("stage", classify(PROFILE).stage, lang) in funnel_row
        shown = widgets_in_order(page, lang)
        want = expected_widgets(PROFILE, lang)
        assert {k: shown.get(k) for k in want} == want


def test_classify_compare_classify_keeps_what_was_typed(served: str, page: Any) -> None:
    lang = "it"
    _ = gettext(lang)
    page.goto(f"{served}app/?lang={lang}")
    page.locator(STARTED).wait_for()
    settle(page)
    box = page.get_by_role("spinbutton", name=_("Interactions with the brand"), exact=True)
    box.fill("5")
    box.press("Enter")
    settle(page)
    group = page.get_by_role("radiogroup", name=_("Identified (we hold their personal data)"))
    group.get_by_text(_("Yes"), exact=True).click()
    page.get_by_role("heading", name=verdict_name("lead", lang)).wait_for()
    settle(page)
    typed = {"interactions": 5, "identified": True}
    for target in ("Compare models", "Classify", "Compare models", "Classify"):
        page.get_by_role("link", name=_(target), exact=True).click()
        page.get_by_role(
            "heading",
            level=1,
            name=_("Compare the models" if target.startswith("Compare") else "Classify a contact"),
        ).wait_for()
        settle(page)
        shown = widgets_in_order(page, lang)
        want = expected_widgets(typed, lang)
        assert {k: shown.get(k) for k in want} == want
    page.get_by_role("heading", name=verdict_name("lead", lang)).wait_for()
    assert query(page)["interactions"] == "5" and query(page)["identified"] == "true"


def story_on_screen(page: Any, lang: str) -> str:
    from classifier import scenarios

    title = page.locator("[data-testid=stMainBlockContainer] h2").first.inner_text()
    return next(s.id for s in scenarios() if s.text(lang).title == title)


def answer(page: Any, lang: str, right: bool) -> str:
    _ = gettext(lang)
    story = story_on_screen(page, lang)
    truth = practice.answer_of(classify(scenario(story).profile, model=scenario(story).model))
    choice = truth if right else next(a for a in practice.ANSWERS_OFFERED if a != truth)
    group = page.get_by_role("radiogroup", name=_(practice.QUESTION))
    group.get_by_text(practice.answer_label(choice, lang), exact=True).click()
    settle(page)
    page.get_by_role("button", name=_(practice.CHECK)).click()
    page.locator("[data-testid=stAlert]").first.wait_for()
    settle(page)
    return story


def test_practice_survives_reload_and_five_language_switches(served: str, page: Any) -> None:
    lang = "es"
    _ = gettext(lang)
    page.goto(f"{served}app/?lang={lang}&page=practice")
    page.get_by_role("radiogroup", name=_(practice.QUESTION)).wait_for()
    settle(page)
    answer(page, lang, right=True)
    page.get_by_role("button", name=_(practice.NEXT)).click()
    settle(page)
    answer(page, lang, right=False)
    page.get_by_role("button", name=_(practice.NEXT)).click()
    settle(page)
    checked = answer(page, lang, right=True)
    progress = _(practice.PROGRESS).format(number=3, total=10, right=2, done=3)
    main = page.locator("[data-testid=stMainBlockContainer]")
    assert progress in main.inner_text()
    # A reload: the same story, its feedback (no second try), the same score.
    page.reload()
    page.locator("[data-testid=stAlertContentSuccess]").wait_for()
    settle(page)
    assert story_on_screen(page, lang) == checked and progress in main.inner_text()
    assert not page.get_by_role("button", name=_(practice.CHECK)).count()
    page.get_by_role("button", name=_(practice.NEXT)).click()
    settle(page)
    fourth = story_on_screen(page, lang)
    before = query(page)
    current = lang
    for other in ("fr", "it", "pt", "en", "es"):
        switch_language(page, current, other)
        current = other
        assert query(page) == {**before, "lang": other}
        assert story_on_screen(page, other) == fourth
        text = main.inner_text()
        done = gettext(other)(practice.PROGRESS).format(number=4, total=10, right=2, done=3)
        assert done in text
        level = page.get_by_role("radiogroup", name=gettext(other)(practice.LEVEL_LABEL))
        assert level.get_by_role("radio", checked=True).count() == 1
    page.reload()
    page.get_by_role("radiogroup", name=_(practice.QUESTION)).wait_for()
    assert story_on_screen(page, lang) == fourth


def framed_app(page: Any, served: str, path: str) -> Any:
    page.goto(served + path)
    frame = page.frame_locator("iframe.fc-app__frame")
    frame.locator(STARTED).wait_for()
    page.wait_for_function(
        "() => document.querySelector('.fc-app--fitted') !== null", polling="raf"
    )
    settle(page)
    return frame


def test_on_a_phone_the_frame_fits_the_app_and_the_next_action_is_reached_by_the_page(
    served: str, browser: Any
) -> None:
    lang = "fr"
    _ = gettext(lang)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        frame = framed_app(page, served, f"{lang}/classifier/?{LINK}")
        next_action = frame.get_by_text(f"{_('Next action')}{colon(lang)}", exact=False).first
        next_action.wait_for()
        page.wait_for_timeout(1500)  # the last height report
        inner = page.frame(url=lambda url: "/app/" in url)
        scroll = inner.evaluate(
            """() => { const m = document.querySelector('[data-testid=stMain]');
                       return [m.scrollHeight, m.clientHeight]; }"""
        )
        assert scroll[0] <= scroll[1] + 2, f"a scroll area inside the frame: {scroll}"
        # The page's own scroll brings the next action into view.
        next_action.scroll_into_view_if_needed()
        box = next_action.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844
        # The app's pages are named links, not an unlabelled menu button.
        for name in ("Classify", "Compare models", "Practice", "Batch"):
            assert frame.get_by_role("link", name=_(name), exact=True).is_visible()
        page.screenshot(path=str(ROOT / ".shots-phone-fr.png"), full_page=True)
    finally:
        context.close()
        (ROOT / ".shots-phone-fr.png").unlink(missing_ok=True)


def test_the_site_language_switch_keeps_the_profile_and_the_frame_its_language(
    served: str, page: Any
) -> None:
    frame = framed_app(page, served, f"it/classifier/?{LINK}")
    frame.get_by_role("heading", name=verdict_name(classify(PROFILE).stage, "it")).wait_for()
    assert not frame.get_by_label(gettext("it")("Language")).count()  # the site decides
    link = page.locator("a.md-select__link[hreflang=pt]")
    assert dict(parse_qsl(urlsplit(link.get_attribute("href")).query)) == {
        k: str(v).lower() for k, v in PROFILE.items()
    }
    page.goto(link.get_attribute("href"))
    frame = page.frame_locator("iframe.fc-app__frame")
    frame.get_by_role("heading", name=verdict_name(classify(PROFILE).stage, "pt")).wait_for()
    assert page.evaluate("document.documentElement.lang").startswith("pt")
    inner = page.frame(url=lambda url: "/app/" in url)
    assert inner.evaluate("document.documentElement.lang") == "pt"


def luminance_of(color: str) -> float:
    r, g, b = (int(x) for x in re.findall(r"\d+", color)[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_the_framed_app_follows_the_site_palette_and_its_toggle(served: str, browser: Any) -> None:
    from PIL import Image

    context = browser.new_context(viewport={"width": 1280, "height": 1000}, color_scheme="dark")
    page = context.new_page()
    page.set_default_timeout(30_000)
    shot = ROOT / ".shot-dark.png"
    try:
        frame = framed_app(page, served, f"fr/classifier/?{LINK}")
        page.wait_for_timeout(800)
        site = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert luminance_of(site) < 60
        element = page.locator("iframe.fc-app__frame")
        element.scroll_into_view_if_needed()
        element.screenshot(path=str(shot))
        image = Image.open(shot).convert("RGB")
        # The app's left margin, halfway down: its own background.
        inside = image.getpixel((12, image.height // 2))
        r, g, b = (int(x) for x in re.findall(r"\d+", site)[:3])
        assert max(abs(inside[0] - r), abs(inside[1] - g), abs(inside[2] - b)) <= 6, (inside, site)
        # The site's toggle: the app follows, with its profile.
        page.locator("label[for^=__palette]:visible").first.click()
        page.wait_for_function(
            "() => document.body.dataset.mdColorScheme === 'default'", polling="raf"
        )
        frame = page.frame_locator("iframe.fc-app__frame")
        frame.get_by_role("heading", name=verdict_name(classify(PROFILE).stage, "fr")).wait_for()
        page.wait_for_timeout(800)
        inner = page.frame(url=lambda url: "/app/" in url)
        background = inner.evaluate(
            "getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor"
        )
        assert luminance_of(background) > 240
        assert "light_theme" in inner.url
        assert "budget=true" in inner.url
    finally:
        context.close()
        shot.unlink(missing_ok=True)


def test_a_bad_team_rulebook_stops_serve_with_the_rulebook_error(tmp_path: Any) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text('[models.funnel]\nmessage = "funnel"\ncriteria = ["fitt"]\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "classifier", "serve", "--port", "1", "--rules", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "LANG": "it_IT.UTF-8"},
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "criteria" in done.stderr
    from classifier import RulebookError, read_rulebook

    with pytest.raises(RulebookError) as error:
        read_rulebook(bad)
    assert error.value.message("it") in done.stderr
