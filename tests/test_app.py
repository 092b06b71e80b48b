"""The app, page by page, through Streamlit's AppTest (no browser)."""

from __future__ import annotations

import html
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from app import i18n
from app.form import KIND
from app.labels import GROUPS
from app.state import FORM_GROUP, widget_key
from app.view import colon
from classifier import classify, label, models
from tests.conftest import LANGS, ROOT, load_examples

MAIN = str(ROOT / "app" / "main.py")
PROSPECT_LINK = {
    "identified": "true",
    "consent": "single",
    "in_target": "true",
    "budget": "true",
    "conversation": "true",
    "intent": "high",
}


def run(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def goto(at: AppTest, slug: str, lang: str) -> AppTest:
    """Follow the app's link to a page, as a click on it does (AppTest's own
    switch_page only knows pages that are files; these are functions)."""
    titles = {"classify": "Classify", "compare": "Compare models", "practice": "Practice"}
    titles["batch"] = "Batch"
    name = i18n.gettext(lang)(titles[slug])
    at._page_hash = next(h for h, i in at._registered_pages.items() if i["page_name"] == name)
    return at.run()


def text_of(at: AppTest) -> str:
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def form_field(at: AppTest, field: str, lang: str) -> Any:
    """A field's widget, its tab opened first if need be: the form draws only the
    open tab's fields (a click on a tab sets the session's open group, then reruns)."""
    key = widget_key(field, lang)
    for attempt in range(2):
        for kind in ("radio", "selectbox", "number_input", "text_input"):
            for widget in getattr(at, kind):
                if widget.key == key:
                    return widget
        if attempt == 0:
            at.session_state[FORM_GROUP] = next(g for g, _t, fields in GROUPS if field in fields)
            at.run()
    raise KeyError(key)


def verdict_header(at: AppTest) -> str:
    return next(str(h.value) for h in at.header if ":" in str(h.value))


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_renders_the_classify_page_in_that_language(lang: str) -> None:
    at = run({"lang": lang, **PROSPECT_LINK})
    _ = i18n.gettext(lang)
    assert at.title[0].value == _("Classify a contact")
    if lang != "en":
        assert at.title[0].value != "Classify a contact"
    stage = label("stage", "prospect", lang)
    assert verdict_header(at) == f"{_('Verdict')}{colon(lang)}{stage}"
    expected = classify({k: {"true": True}.get(v, v) for k, v in PROSPECT_LINK.items()}, lang=lang)
    assert expected.summary.replace(".", "") in text_of(at).replace("\\", "").replace(".", "")
    assert at.query_params["lang"] == lang


def test_the_shared_link_of_the_issue_shows_a_hot_prospect_in_italian() -> None:
    at = run({"lang": "it", **PROSPECT_LINK})
    text = text_of(at)
    assert label("temperature", "hot", "it") in text
    assert label("next_action", "propose", "it") in text
    # The form shows what the link says.
    assert form_field(at, "budget", "it").value == "yes"
    assert form_field(at, "consent", "it").value == "single"
    assert form_field(at, "authority", "it").value == "unknown"


def test_every_widget_changes_the_verdict_and_the_link() -> None:
    at = run({"lang": "en"})
    assert verdict_header(at) == "Verdict: Stranger"
    form_field(at, "interactions", "en").set_value(3).run()
    assert verdict_header(at) == "Verdict: Visitor"
    form_field(at, "identified", "en").set_value("yes").run()
    assert verdict_header(at) == "Verdict: Lead"
    for field, value in [
        ("consent", "double"),
        ("in_target", "yes"),
        ("need", "clear"),
        ("intent", "low"),
    ]:
        form_field(at, field, "en").set_value(value).run()
    assert verdict_header(at) == "Verdict: Prospect"
    assert label("temperature", "cold", "en") in text_of(at)
    form_field(at, "channel", "en").set_value("event").run()
    form_field(at, "name", "en").input("Giulia").run()
    form_field(at, "content", "en").set_value(2).run()
    for field in ("conversation", "budget", "authority", "price_only"):
        form_field(at, field, "en").set_value("no").run()
    form_field(at, "timeline", "en").set_value("short").run()
    query = {k: at.query_params[k] for k in at.query_params}
    assert query["channel"] == "event" and query["name"] == "Giulia"
    assert query["consent"] == "double" and query["timeline"] == "short"
    assert query["price_only"] == "false" and query["content"] == "2"
    form_field(at, "purchases", "en").set_value(2).run()
    assert verdict_header(at) == "Verdict: Customer"
    assert label("next_action", "reward_loyalty", "en") in text_of(at)
    at.selectbox(key="model_en").set_value("bant").run()
    assert at.query_params["model"] == "bant"
    at.button(key="reset").click().run()
    assert verdict_header(at) == "Verdict: Stranger"
    assert "consent" not in at.query_params


def test_the_language_selector_switches_every_string() -> None:
    at = run({"lang": "en", **PROSPECT_LINK})
    at.selectbox(key="lang_picker").set_value("fr").run()
    assert at.title[0].value == i18n.gettext("fr")("Classify a contact")
    assert verdict_header(at).endswith(label("stage", "prospect", "fr"))
    assert at.query_params["lang"] == "fr"


@pytest.mark.parametrize("example", load_examples()[:8], ids=lambda e: str(e.get("name", "")))
def test_contract_examples_through_the_link(example: dict[str, Any]) -> None:
    profile = example["profile"]
    model = example.get("model", "funnel")
    query = {"lang": "en", "model": model}
    query |= {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in profile.items()}
    at = run(query)
    expected = example["expected"]["stage"]
    assert verdict_header(at) == f"Verdict: {label('stage', expected, 'en')}"


@pytest.mark.parametrize("lang", LANGS)
def test_a_bad_value_in_the_link_names_the_field_and_keeps_the_rest(lang: str) -> None:
    at = run(
        {"lang": lang, **PROSPECT_LINK, "authority": "yes", "budget": "maybe", "intent": "hot"}
    )
    errors = "\n".join(str(e.value) for e in at.error)
    assert "budget" in errors and "maybe" in errors
    assert "intent" in errors and "hot" in errors and "none, low, high" in errors.replace("\\", "")
    # The fields that were fine still count: without budget and intent, still a prospect
    # under funnel thanks to the authority and the conversation.
    assert verdict_header(at).endswith(label("stage", "prospect", lang))
    assert form_field(at, "budget", lang).value == "unknown"


def test_unknown_language_and_model_in_the_link_are_named() -> None:
    at = run({"lang": "de", "model": "magic", **PROSPECT_LINK})
    errors = "\n".join(str(e.value) for e in at.error).replace("\\", "")
    assert "de" in errors and "en, it, es, fr, pt" in errors
    assert "magic" in errors and "bant" in errors
    assert at.selectbox(key="model_en").value == "funnel"


def test_a_contradiction_is_explained_and_the_form_kept() -> None:
    at = run({"lang": "es", "identified": "false", "consent": "single"})
    errors = "\n".join(str(e.value) for e in at.error)
    assert "identified" in errors and "consent" in errors
    assert not [h for h in at.header if ":" in str(h.value)]
    assert form_field(at, "consent", "es").value == "single"


def test_typed_text_is_never_rendered_as_html() -> None:
    at = run({"lang": "en", "name": "<img src=x onerror=alert(1)>", **PROSPECT_LINK})
    assert form_field(at, "name", "en").value == "<img src=x onerror=alert(1)>"
    assert "<img" not in text_of(at)


def test_compare_shows_every_model_and_what_decides() -> None:
    profile = {"identified": "true", "consent": "single", "in_target": "true", "need": "clear"}
    at = run({"lang": "it", "page": "compare", **profile, "conversation": "true"})
    tables = [m.value for m in at.markdown if "fc-compare" in str(m.value) and "<table" in m.value]
    assert len(tables) == 1
    table = tables[0]
    for model in models():
        assert label("model", model, "it") in table
    # funnel: prospect (need clear + conversation); bant: lead (only 1 of 4).
    funnel_row, bant_row = table.split("<tr>")[2], table.split("<tr>")[3]
    assert label("stage", "prospect", "it") in funnel_row
    assert label("stage", "lead", "it") in bant_row
    assert label("criterion", "bant", "it") in bant_row
    assert at.query_params["page"] == "compare"


def test_the_form_survives_a_page_switch() -> None:
    at = run({"lang": "en", **PROSPECT_LINK})
    goto(at, "compare", "en")
    assert at.title[0].value == "Compare the models"
    assert form_field(at, "budget", "en").value == "yes"


@pytest.mark.parametrize(
    ("browser", "expected"),
    [
        ("fr-CA", "fr"),
        ("pt-BR", "pt"),
        ("it", "it"),
        ("es-419", "es"),
        ("de-DE", None),
        (None, None),
    ],
)
def test_browser_language_is_negotiated(browser: str | None, expected: str | None) -> None:
    assert i18n.negotiate(browser) == expected


def test_every_form_field_has_a_widget_in_its_tab_and_only_the_open_tab_is_drawn() -> None:
    at = run({"lang": "pt"})
    seen: set[str] = set()
    for group, _title, fields in GROUPS:
        at.session_state[FORM_GROUP] = group
        at.run()
        keys = {w.key for w in [*at.radio, *at.selectbox, *at.number_input, *at.text_input]}
        assert keys - {"model_pt", "lang_picker"} == {widget_key(f, "pt") for f in fields}
        seen |= keys
    assert {widget_key(f, "pt") for f in KIND} | {widget_key("name", "pt")} <= seen


def test_an_unexpected_failure_shows_a_localized_sentence_not_a_traceback() -> None:
    from app.errors import UNEXPECTED

    script = """
import streamlit as st
from app.errors import on_script_error
st.session_state["lang"] = "fr"
try:
    raise RuntimeError("boom")
except RuntimeError as error:
    assert on_script_error(error) is True
"""
    at = AppTest.from_string(script, default_timeout=30)
    at.run()
    assert not at.exception
    assert at.error[0].value == i18n.gettext("fr")(UNEXPECTED)
    assert at.error[0].value != UNEXPECTED


def test_the_link_shown_is_the_address_of_this_verdict() -> None:
    at = run({"lang": "it", **PROSPECT_LINK})
    shown = next(str(m.value) for m in at.markdown if ">http" in str(m.value))
    link = html.unescape(shown.split(">", 1)[1].split("<", 1)[0])
    assert "\\" not in link and link.split("?")[0].endswith("/app/")
    query = dict(pair.split("=") for pair in link.split("?")[1].split("&"))
    assert query == {"lang": "it", **PROSPECT_LINK}


def test_five_language_switches_keep_the_profile_the_model_and_every_widget() -> None:
    link = {"lang": "en", "interactions": "3", "model": "bant", "channel": "event", **PROSPECT_LINK}
    at = run(link)
    before = {k: at.query_params[k] for k in at.query_params}
    for lang in ("it", "es", "fr", "pt", "en"):
        at.selectbox(key="lang_picker").set_value(lang).run()
        assert not at.exception
        assert {k: at.query_params[k] for k in at.query_params} == {**before, "lang": lang}
        assert at.selectbox(key=f"model_{lang}").value == "bant"
        assert form_field(at, "channel", lang).value == "event"
        assert form_field(at, "interactions", lang).value == 3
        assert form_field(at, "budget", lang).value == "yes"
        assert form_field(at, "authority", lang).value == "unknown"
        # bant: budget known, authority, need and timeline not: a lead.
        assert verdict_header(at).endswith(label("stage", "lead", lang))


def test_classify_compare_classify_shows_the_profile_each_time() -> None:
    at = run({"lang": "en"})
    form_field(at, "interactions", "en").set_value(5).run()
    form_field(at, "identified", "en").set_value("yes").run()
    goto(at, "compare", "en")
    assert at.title[0].value == "Compare the models"
    assert form_field(at, "interactions", "en").value == 5
    assert form_field(at, "identified", "en").value == "yes"
    form_field(at, "budget", "en").set_value("no").run()
    goto(at, "classify", "en")
    assert at.title[0].value == "Classify a contact"
    assert form_field(at, "interactions", "en").value == 5
    assert form_field(at, "budget", "en").value == "no"
    assert verdict_header(at) == "Verdict: Lead"


def test_a_link_complaint_goes_once_the_field_is_fixed_or_the_form_cleared() -> None:
    at = run({"lang": "en", "budget": "maybe", "consent": "sometimes", "model": "magic"})
    assert len(at.error) == 3
    form_field(at, "budget", "en").set_value("yes").run()
    errors = "\n".join(str(e.value) for e in at.error)
    assert "maybe" not in errors and "sometimes" in errors and "magic" in errors
    at.button(key="reset").click().run()
    assert not at.error


def test_a_count_the_box_cannot_hold_is_said_not_shown_as_zero() -> None:
    big = str(10**17)  # a count, but beyond what a number box holds exactly (2**53)
    at = run({"lang": "fr", "interactions": big})
    box = form_field(at, "interactions", "fr")
    assert box.value is None
    warning = "\n".join(str(w.value) for w in at.warning).replace("\\", "")
    assert big in warning and i18n.gettext("fr")("Interactions with the brand") in warning
    assert at.query_params["interactions"] == big  # the profile keeps what the link said
    # A large count the box can hold is shown as given.
    at = run({"lang": "en", "interactions": "2000000"})
    assert form_field(at, "interactions", "en").value == 2_000_000


def test_a_team_rulebook_is_used_and_named_on_every_page(tmp_path: Any) -> None:
    from app import rules
    from classifier._rules import default_rulebook_text

    text = default_rulebook_text().replace(
        'criteria = ["fit", "permission", "capacity", "interest"]',
        'criteria = ["fit", "capacity", "interest"]',
    )
    path = tmp_path / "our-rules.toml"
    path.write_text(text, encoding="utf-8")
    profile = {"identified": "true", "consent": "none", "in_target": "true", "budget": "true"}
    profile |= {"intent": "high"}
    rules.use(path)
    try:
        at = run({"lang": "es", **profile})
        assert verdict_header(at).endswith(label("stage", "prospect", "es"))
        assert "our-rules.toml" in "\n".join(str(c.value) for c in at.caption).replace("\\", "")
        goto(at, "compare", "es")
        table = next(str(m.value) for m in at.markdown if "<table" in str(m.value))
        assert label("stage", "prospect", "es") in table.split("<tr>")[2]
    finally:
        rules._team = None
    assert verdict_header(run({"lang": "es", **profile})).endswith(label("stage", "lead", "es"))
