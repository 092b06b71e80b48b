"""The trainer's kit (issue 15), without a browser: the scenario cards made from
the practice bank, the cheat sheet's print wrapper, and the app's links from a
verdict's next action to its section of the playbook."""

from __future__ import annotations

import importlib.util
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import LANGS, ROOT

import course
from classifier import NEXT_ACTIONS, classify, label, scenarios
from tests.test_app import run


def _hook(name: str) -> Any:
    """A MkDocs hook, loaded from its file as MkDocs does (hooks are not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "overrides" / "hooks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


kit_pages = _hook("kit_pages")

DOCS = ROOT / "docs"
HEADING = re.compile(r"^#{1,6}\s.*\{\s*#([\w-]+)\s*\}\s*$", re.M)


class Cards(HTMLParser):
    """Each `data-card` element's id and its text, front and back apart, plus
    the values the back's verdict states."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[dict[str, Any]] = []
        self.side: str | None = None
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "data-card" in found:
            self.cards.append(
                {"id": found["data-card"], "front": "", "back": "", "verdict": {}, "criteria": []}
            )
        classes = (found.get("class") or "").split()
        if "fc-card__front" in classes or "fc-card__back" in classes:
            self.side = "front" if "fc-card__front" in classes else "back"
            self.depth = 0
        if self.side and tag in ("div", "section"):
            self.depth += 1
        for kind in ("stage", "phase", "temperature", "next-action"):
            if f"data-{kind}" in found:
                self.cards[-1]["verdict"][kind] = found[f"data-{kind}"]
        if "data-criterion" in found:
            self.cards[-1]["criteria"].append((found["data-criterion"], found["data-outcome"]))

    def handle_endtag(self, tag: str) -> None:
        if self.side and tag in ("div", "section"):
            self.depth -= 1
            if self.depth == 0:
                self.side = None

    def handle_data(self, data: str) -> None:
        if self.side:
            self.cards[-1][self.side] += data


def parse(html: str) -> list[dict[str, Any]]:
    parser = Cards()
    parser.feed(html)
    return parser.cards


# --- The scenario cards ------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_story_of_the_bank_is_a_card_with_the_engines_answer(lang: str) -> None:
    cards = parse(kit_pages.deck(lang))
    bank = scenarios()
    assert [c["id"] for c in cards] == [s.id for s in bank]
    for item, found in zip(bank, cards, strict=True):
        text = item.text(lang)
        verdict = classify(item.profile, model=item.model, lang=lang)
        # Front: the story, its title, difficulty and model; nothing of the answer.
        assert text.title in found["front"] and text.story in found["front"]
        assert label("model", item.model, lang) in found["front"]
        assert course.ui(lang)[f"level_{item.level}"] in found["front"]
        assert verdict.summary not in found["front"]
        # Back: the verdict, in words of the page's language, from classify().
        expected = {"stage": verdict.stage, "phase": verdict.phase}
        expected["next-action"] = verdict.next_action.id
        if verdict.temperature:
            expected["temperature"] = verdict.temperature
        assert found["verdict"] == expected, item.id
        for kind, value in (
            ("stage", verdict.stage),
            ("phase", verdict.phase),
            ("next_action", verdict.next_action.id),
        ):
            assert label(kind, value, lang) in found["back"], (item.id, kind)
        assert verdict.summary in found["back"]
        for missing in verdict.missing:
            assert missing.text in found["back"], item.id


def test_a_card_reasons_from_the_trace_with_the_storys_own_words() -> None:
    """The back names each deciding criterion with its outcome, the engine's
    sentence, and the phrase of the story it was read from."""
    from app.reasoning import deciding

    for lang in ("en", "fr"):
        cards = {c["id"]: c for c in parse(kit_pages.deck(lang))}
        for item in scenarios():
            found = cards[item.id]
            verdict = classify(item.profile, model=item.model, lang=lang)
            wanted = deciding(verdict)
            assert found["criteria"] == [(c.id, c.outcome) for c in wanted], item.id
            trace = {t.id: t for t in verdict.evaluation.criteria}
            facts = item.text(lang).facts
            for criterion in wanted:
                assert criterion.text in found["back"], item.id
                assert label("criterion", criterion.id, lang) in found["back"]
                for field, _value in trace[criterion.id].inputs:
                    if field in facts:
                        assert facts[field] in found["back"], (item.id, field)


def test_a_story_that_leaves_a_criterion_unknown_says_so_on_the_card() -> None:
    item = next(s for s in scenarios() if s.id == "s06-checklist-download")
    (found,) = [c for c in parse(kit_pages.deck("it")) if c["id"] == item.id]
    words = course.ui("it")
    unknown = words["card_not_in_story"].format(criterion=label("criterion", "fit", "it"))
    assert unknown in found["back"]


def test_the_cards_page_needs_its_marker() -> None:
    class Page:
        class file:
            src_uri = "it/cards.md"

    from mkdocs.exceptions import PluginError

    with pytest.raises(PluginError, match="scenario-cards"):
        kit_pages.on_page_content("<h1>Schede</h1>", Page(), None, None)
    built = kit_pages.on_page_content("<h1>S</h1>" + kit_pages.CARDS_MARKER, Page(), None, None)
    assert built.count("data-card=") == len(scenarios())


def test_every_card_word_exists_in_every_language() -> None:
    english = {k for k in course.ui("en") if k.startswith(("card_", "level_"))}
    assert len(english) >= 15
    for lang in LANGS[1:]:
        words = course.ui(lang)
        assert {k for k in words if k.startswith(("card_", "level_"))} == english
        for key in english:
            assert words[key] != course.ui("en")[key], (lang, key)


def test_the_built_cards_page_is_made_from_the_bank_in_every_language(site: Path) -> None:
    for lang in LANGS:
        base = site if lang == "en" else site / lang
        html = (base / "cards" / "index.html").read_text(encoding="utf-8")
        cards = parse(html)
        assert len(cards) == len(scenarios()), lang
        first = scenarios()[0]
        verdict = classify(first.profile, model=first.model, lang=lang)
        assert label("stage", verdict.stage, lang) in cards[0]["back"]
        # The back is kept out of the search index: a search never shows an answer.
        assert html.count("data-search-exclude>") >= len(cards)
        cheat = (base / "cheat-sheet" / "index.html").read_text(encoding="utf-8")
        assert cheat.count("data-cheat-sheet") == 1


def test_the_search_index_has_no_card_answer(site: Path) -> None:
    for lang in LANGS:
        base = site if lang == "en" else site / lang
        index = json.loads((base / "search" / "search_index.json").read_text(encoding="utf-8"))
        text = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("cards/"))
        assert text, lang
        item = scenarios()[5]
        assert item.text(lang).story[:60] in text  # the stories are searchable
        assert course.ui(lang)["card_answer"] not in text, lang
        for item in scenarios():
            assert classify(item.profile, model=item.model, lang=lang).summary not in text


# --- The playbook, linked from the app ------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_next_action_has_its_section_in_the_playbook(lang: str) -> None:
    anchors = set(HEADING.findall((DOCS / lang / "playbook.md").read_text(encoding="utf-8")))
    for action in NEXT_ACTIONS:
        assert action.replace("_", "-") in anchors, (lang, action)


PROFILES = {
    "attract": {"interactions": "0"},
    "respect_opt_out": {"identified": "true", "consent": "withdrawn", "in_target": "true"},
    "propose": {
        "identified": "true",
        "consent": "single",
        "in_target": "true",
        "budget": "true",
        "conversation": "true",
        "intent": "high",
    },
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("action", list(PROFILES))
def test_the_verdict_links_its_next_action_to_the_playbook(lang: str, action: str) -> None:
    from app.i18n import gettext

    at = run({"lang": lang, **PROFILES[action]})
    _ = gettext(lang)
    prefix = "" if lang == "en" else f"{lang}/"
    target = f"](../{prefix}playbook/#{action.replace('_', '-')})"
    links = [str(m.value) for m in at.markdown if "/playbook/#" in str(m.value)]
    assert len(links) == 1 and links[0].endswith(target), links
    words = _("How to do it: “{action}” in the playbook")
    assert lang == "en" or words != "How to do it: “{action}” in the playbook"
    shown = links[0].replace("\\", "")
    assert words.format(action=label("next_action", action, lang)) in shown, shown


def test_compare_links_each_models_next_action_to_the_playbook() -> None:
    at = run({"lang": "pt", "page": "compare", **PROFILES["propose"]})
    (table,) = [m.value for m in at.markdown if "<table" in str(m.value)]
    assert table.count('href="../pt/playbook/#') == 6  # one row per model
    assert 'href="../pt/playbook/#propose">' in table
