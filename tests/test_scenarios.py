"""The practice scenario bank: complete in five languages, every fact stated in
every story, answers from the classifier only, and enough variety to teach."""

from __future__ import annotations

import io
import json
import re
import tomllib
from collections import Counter
from importlib import resources

import pytest

from classifier import (
    NEXT_ACTIONS,
    STAGES,
    Scenario,
    UnknownScenarioError,
    classify,
    expected,
    label,
    languages,
    models,
    parse_profile,
    scenario,
    scenarios,
)
from classifier._cli import main
from classifier._fields import RULE_FIELDS
from tests.conftest import SPEC

LANGS = languages()
BANK = scenarios()
IDS = [s.id for s in BANK]


def verdicts() -> dict[str, tuple[Scenario, str, str | None, str, bool]]:
    """id -> (scenario, stage, temperature, next action, out of target)."""
    out = {}
    for s in BANK:
        v = classify(s.profile, model=s.model)
        out[s.id] = (s, v.stage, v.temperature, v.next_action.id, v.out_of_target)
    return out


def test_the_bank_is_big_enough_and_ids_are_unique_and_stable_looking() -> None:
    assert len(BANK) >= 40
    assert len(set(IDS)) == len(IDS)
    for sid in IDS:
        assert re.fullmatch(r"s\d{2}-[a-z0-9]+(-[a-z0-9]+)*", sid), sid
    numbers = [int(sid[1:3]) for sid in IDS]
    assert numbers == list(range(1, len(BANK) + 1))


@pytest.mark.parametrize("item", BANK, ids=IDS)
def test_every_language_has_a_title_and_a_story(item: Scenario) -> None:
    assert set(item.texts) == set(LANGS)
    for lang in LANGS:
        text = item.text(lang)
        assert text.title.strip() and text.story.strip()
        sentences = [p for p in re.split(r"(?<=[.!?»”\"])\s+(?=[A-ZÀ-ÖØ-Þ«“\"¿])", text.story) if p]
        assert 3 <= len(sentences) <= 6, (lang, len(sentences), text.story)


@pytest.mark.parametrize("item", BANK, ids=IDS)
def test_profiles_are_valid_and_use_rule_fields_only(item: Scenario) -> None:
    assert item.profile, "a scenario states at least one fact"
    assert set(item.profile) <= set(RULE_FIELDS)
    parse_profile(item.profile)  # raises on a contradiction or a bad value
    assert item.model in models()
    assert item.level in (1, 2, 3)


@pytest.mark.parametrize("item", BANK, ids=IDS)
def test_every_fact_is_stated_in_every_story(item: Scenario) -> None:
    for lang in LANGS:
        text = item.texts[lang]
        assert set(text.facts) == set(item.profile), lang
        story = text.story.casefold()
        for name, phrase in text.facts.items():
            assert phrase.strip(), (lang, name)
            assert phrase.casefold() in story, (lang, name, phrase)


@pytest.mark.parametrize("item", BANK, ids=IDS)
def test_no_story_gives_the_answer_away(item: Scenario) -> None:
    stage = expected(item).stage
    for lang in LANGS:
        text = item.texts[lang]
        words = {label("stage", stage, lang), stage}
        for word in words:
            pattern = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
            assert not pattern.search(text.story), (lang, word, text.story)
            assert not pattern.search(text.title), (lang, word, text.title)


def test_the_answer_comes_from_the_classifier() -> None:
    for item in BANK:
        for lang in LANGS:
            verdict = expected(item, lang)
            direct = classify(dict(item.profile), model=item.model, lang=lang)
            assert verdict.to_dict() == direct.to_dict()


def test_titles_are_unique_within_each_language() -> None:
    for lang in LANGS:
        titles = [s.texts[lang].title.casefold() for s in BANK]
        assert len(set(titles)) == len(titles), lang


def test_stories_in_different_languages_are_not_copies() -> None:
    for item in BANK:
        stories = [item.texts[lang].story for lang in LANGS]
        assert len(set(stories)) == len(LANGS), item.id


# --- Coverage: what a trainer needs in the bank ------------------------------


def test_every_stage_occurs_several_times() -> None:
    counts = Counter(stage for _, stage, *_ in verdicts().values())
    for stage in STAGES:
        assert counts[stage] >= 3, (stage, counts)


def test_hot_and_cold_prospects() -> None:
    temps = Counter(t for _, stage, t, *_ in verdicts().values() if stage == "prospect")
    assert temps["hot"] >= 3 and temps["cold"] >= 3, temps


def test_each_model_and_level_is_covered() -> None:
    by_model = Counter(s.model for s in BANK)
    assert set(by_model) == set(models())
    for model in models():
        assert by_model[model] >= 3, (model, by_model)
    by_level = Counter(s.level for s in BANK)
    assert all(by_level[level] >= 8 for level in (1, 2, 3)), by_level
    assert all(s.model == "funnel" for s in scenarios(1)), "level 1 uses the default model"


def test_special_cases_are_covered() -> None:
    rows = verdicts().values()
    # an out-of-target lead
    assert any(stage == "lead" and oot for _, stage, _, _, oot in rows)
    # withdrawn consent on a lead
    assert any(s.profile.get("consent") == "withdrawn" and st == "lead" for s, st, *_ in rows)
    # a price-only shopper who is a prospect (so cold) and one who is not
    price = [(s, st, t) for s, st, t, *_ in rows if s.profile.get("price_only") is True]
    assert any(st == "prospect" and t == "cold" for _, st, t in price)
    assert any(st == "lead" for _, st, _ in price)
    # customers with one purchase and with more
    purchases = [s.profile["purchases"] for s, st, *_ in rows if st == "customer"]
    assert 1 in purchases and any(isinstance(p, int) and p >= 2 for p in purchases)
    # every next action a trainee must learn
    actions = Counter(action for _, _, _, action, _ in rows)
    for action in (
        "attract",
        "capture",
        "ask_permission",
        "nurture",
        "qualify",
        "deprioritize",
        "respect_opt_out",
        "propose",
        "follow_up",
        "retain",
        "reward_loyalty",
    ):
        assert actions[action] >= 1, (action, actions)
    assert actions["qualify"] >= 3 and actions["ask_permission"] >= 2


def test_some_leads_stay_leads_only_because_something_is_unknown() -> None:
    unknown_only = set()
    for item in BANK:
        verdict = expected(item)
        if verdict.stage != "lead":
            continue
        outcomes = {c.id: c.outcome for c in verdict.criteria}
        gates = [cid for cid in outcomes if cid not in ("identity", "interaction", "purchase")]
        if all(outcomes[g] in ("met", "unknown") for g in gates):
            unknown_only |= {g for g in gates if outcomes[g] == "unknown"}
    # unknown consent, unknown fit and an unknown capacity or need all keep a lead a lead
    assert {"permission", "fit", "capacity"} <= unknown_only, unknown_only


def test_a_framework_changes_the_answer_somewhere() -> None:
    differs = [
        s.id for s in BANK if s.model != "funnel" and expected(s).stage != classify(s.profile).stage
    ]
    assert len(differs) >= 3, differs


def contract_next_actions() -> list[str]:
    """The `next_action` column of the contract's table (section 3), in its order."""
    text = (SPEC / "classification.md").read_text(encoding="utf-8")
    section = text.split("## 3. Next action", 1)[1].split("\n## ", 1)[0]
    rows = section.split("|---|---|", 1)[1]  # the table's body, below its header
    return re.findall(r"^\|[^|\n]+\| `([a-z_]+)` \|$", rows, flags=re.MULTILINE)


def test_each_level_has_at_least_twenty_stories() -> None:
    by_level = Counter(s.level for s in BANK)
    for level in (1, 2, 3):
        assert by_level[level] >= 20, (level, by_level)


def test_level_one_uses_the_funnel_model_only() -> None:
    assert [s.id for s in scenarios(1) if s.model != "funnel"] == []


def test_every_next_action_of_the_contract_is_taught_and_at_level_one() -> None:
    contract = contract_next_actions()
    assert sorted(contract) == sorted(NEXT_ACTIONS), contract
    everywhere = Counter(action for _, _, _, action, _ in verdicts().values())
    easy = Counter(classify(s.profile, model=s.model).next_action.id for s in scenarios(1))
    for action in contract:
        assert everywhere[action] >= 1, (action, everywhere)
        assert easy[action] >= 1, (action, easy)


def raw_texts(lang: str) -> list[tuple[str, str]]:
    """(scenario id, text) for the title, story and facts of `lang` as written in
    the data file, before the loader collapses whitespace (no-break spaces too)."""
    data = resources.files("classifier").joinpath("scenarios.toml").read_text(encoding="utf-8")
    out = []
    for raw in tomllib.loads(data)["scenario"]:
        text = raw[lang]
        out += [(raw["id"], v) for v in (text["title"], text["story"], *text["facts"].values())]
    return out


def test_french_stories_use_no_break_spaces() -> None:
    plain = re.compile(r"[ \t\n][:;!?»]|«[ \t\n]|\d[ \t\n]\d{3}(?!\d)")
    bad = [(sid, m.group()) for sid, text in raw_texts("fr") for m in plain.finditer(text)]
    assert bad == [], bad[:5]
    assert any("\u00a0:" in text for _, text in raw_texts("fr"))


@pytest.mark.parametrize(("lang", "quotes"), [("it", "«»"), ("es", "«»"), ("pt", "“”")])
def test_each_market_uses_its_own_quotation_marks(lang: str, quotes: str) -> None:
    straight = [(sid, text) for sid, text in raw_texts(lang) if '"' in text]
    assert straight == [], straight[:3]
    opening, closing = quotes
    assert any(opening in text and closing in text for _, text in raw_texts(lang)), lang


LATIN_AMERICA = (
    "Argentina",
    "Bolivia",
    "Chile",
    "Colombia",
    "Costa Rica",
    "Ecuador",
    "Guatemala",
    "México",
    "Panamá",
    "Paraguay",
    "Perú",
    "Uruguay",
    "Venezuela",
)


def test_spanish_stories_say_where_in_latin_america_they_are_set() -> None:
    """The site speaks neutral Latin American Spanish: no story is set in Spain."""
    spain = re.compile(r"\b(euros?|España|móvil|ordenador)\b", re.IGNORECASE)
    for item in BANK:
        story = item.texts["es"].story
        assert any(re.search(rf"\b{country}\b", story) for country in LATIN_AMERICA), item.id
        assert not spain.search(story), (item.id, story)


# --- The loader ---------------------------------------------------------------


def test_scenario_by_id_and_unknown_ids() -> None:
    assert scenario(IDS[0]) is BANK[0]
    with pytest.raises(UnknownScenarioError) as caught:
        scenario("s99-nope")
    assert isinstance(caught.value, KeyError)
    assert "s99-nope" in str(caught.value)


def test_filtering_by_level_keeps_bank_order() -> None:
    for level in (1, 2, 3):
        subset = scenarios(level)
        assert subset and all(s.level == level for s in subset)
        assert [s.id for s in subset] == [s.id for s in BANK if s.level == level]


def test_scenarios_are_read_lazily_and_cached() -> None:
    assert scenarios() is scenarios()
    with pytest.raises(TypeError):
        BANK[0].profile["budget"] = True  # type: ignore[index]


def test_scenarios_can_be_used_as_keys() -> None:
    assert len({BANK[0], BANK[0], BANK[1]}) == 2


def test_a_broken_entry_is_rejected_naming_the_scenario() -> None:
    from classifier._scenarios import ScenarioBankError, _scenario

    text = {"title": "T", "story": "Anna gave us her email.", "facts": {"identified": "her email"}}
    good = {"id": "s99-test", "model": "funnel", "level": 2, "profile": {"identified": True}}
    good |= dict.fromkeys(LANGS, text)
    assert _scenario(good, 0).id == "s99-test"
    wrong_phrase = good | {"it": {**text, "facts": {"identified": "la sua email"}}}
    wrong_key = good | {"fr": {**text, "facts": {"budget": "her email"}}}
    contradiction = good | {"profile": {"identified": False, "purchases": 1}}
    for bad in (
        wrong_phrase,
        wrong_key,
        contradiction,
        good | {"level": 4},
        good | {"model": "nope"},
        {k: v for k, v in good.items() if k != "pt"},
    ):
        with pytest.raises(ScenarioBankError, match="s99-test"):
            _scenario(bad, 0)


def test_an_unsupported_language_is_an_error() -> None:
    from classifier import UnsupportedLanguageError

    with pytest.raises(UnsupportedLanguageError):
        BANK[0].text("de")


# --- The command line ---------------------------------------------------------


def run(argv: list[str]) -> tuple[int, list[dict[str, object]]]:
    out = io.StringIO()
    code = main(argv, stdout=out)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_cli_prints_every_scenario_in_every_language() -> None:
    code, lines = run(["scenarios"])
    assert code == 0
    assert len(lines) == len(BANK) * len(LANGS)
    assert [(line["id"], line["lang"]) for line in lines] == [
        (s.id, lang) for s in BANK for lang in LANGS
    ]
    for line in lines:
        assert {
            "id",
            "lang",
            "title",
            "story",
            "model",
            "profile",
            "stage",
            "temperature",
            "level",
            "next_action",
            "facts",
        } <= set(line)
        item = scenario(str(line["id"]))
        verdict = classify(line["profile"], model=str(line["model"]))  # type: ignore[arg-type]
        assert line["stage"] == verdict.stage
        assert line["temperature"] == verdict.temperature
        assert line["next_action"] == verdict.next_action.id
        assert line["level"] == item.level
        assert line["story"] == item.texts[str(line["lang"])].story


def test_cli_lang_and_level_filters() -> None:
    code, lines = run(["scenarios", "--lang", "it"])
    assert code == 0 and len(lines) == len(BANK)
    assert {line["lang"] for line in lines} == {"it"}
    assert lines[0]["title"] == BANK[0].texts["it"].title
    code, lines = run(["scenarios", "--lang", "pt", "--level", "2"])
    assert code == 0 and lines and len(lines) == len(scenarios(2))
    assert {line["level"] for line in lines} == {2} and {line["lang"] for line in lines} == {"pt"}


@pytest.mark.parametrize(
    "argv", [["scenarios", "--lang", "de"], ["scenarios", "--level", "4"], ["scenarios", "x"]]
)
def test_cli_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(argv)
    assert code == 2 and lines == []
    err = capsys.readouterr().err
    assert err and "Traceback" not in err


def test_cli_unknown_language_names_the_supported_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(["scenarios", "--lang", "de"])
    assert code == 2
    err = capsys.readouterr().err
    assert "de" in err and "it" in err and "pt" in err


def test_french_no_break_spaces_survive_loading() -> None:
    """The bank's typography reaches the learner: loading collapses line breaks only."""
    french = " ".join(s.text("fr").story for s in BANK)
    assert re.search("[\u00a0\u202f][:;!?]", french)
    assert not re.search(" [:;!?]", french)
