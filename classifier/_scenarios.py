"""The practice bank: short stories to classify, each told in the five languages.

The stories live in `scenarios.toml`, beside the rulebook. A scenario stores
its profile but never its answer: the expected verdict always comes from
`classify()`, so the bank cannot drift from the rules. Each language's text
names, for every field of the profile, the phrase of the story that states
it, so a trainee (and the app) can point at the fact that decided.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from ._api import classify
from ._fields import RULE_FIELDS
from ._i18n import LANGUAGES, check_language
from ._profile import ProfileError, parse_profile
from ._rules import default_rulebook
from ._verdict import Verdict

LEVELS: tuple[int, ...] = (1, 2, 3)


@dataclass(frozen=True, slots=True, eq=False)
class ScenarioText:
    """A scenario in one language.

    `facts` maps each profile field to the phrase of `story` that states it.
    Whitespace in the data file is collapsed, so phrases match as written.
    """

    title: str
    story: str
    facts: Mapping[str, str]


@dataclass(frozen=True, slots=True, eq=False)
class Scenario:
    """One story to classify: its stable id (used in links), the model to
    apply, a difficulty level (1 easy, 2 medium, 3 hard), the profile the
    story states (fields it does not mention are unknown) and its texts.

    Scenarios are loaded once and shared, so they compare and hash by
    identity (their mappings are read-only views).
    """

    id: str
    model: str
    level: int
    profile: Mapping[str, bool | int | str]
    texts: Mapping[str, ScenarioText]

    def text(self, lang: str = "en") -> ScenarioText:
        """The scenario in `lang`; an unsupported language is an error."""
        return self.texts[check_language(lang)]


class ScenarioBankError(ValueError):
    """The data file breaks its own rules; the message names the scenario."""


class UnknownScenarioError(KeyError):
    """No scenario has this id (ids are stable: links point at them)."""

    def __init__(self, scenario_id: object) -> None:
        self.scenario_id = scenario_id
        super().__init__(scenario_id)

    def __str__(self) -> str:
        return f"no practice scenario with id {self.scenario_id!r}"


def _squash(text: object, where: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ScenarioBankError(f"{where}: expected non-empty text")
    # Only line breaks and ordinary spaces collapse: no-break spaces are typography.
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def _text(raw: object, where: str, profile: Mapping[str, object]) -> ScenarioText:
    if not isinstance(raw, dict):
        raise ScenarioBankError(f"{where}: missing")
    story = _squash(raw.get("story"), f"{where}.story")
    facts_raw = raw.get("facts", {})
    if not isinstance(facts_raw, dict):
        raise ScenarioBankError(f"{where}.facts: expected a table")
    if set(facts_raw) != set(profile):
        raise ScenarioBankError(
            f"{where}.facts: keys {sorted(facts_raw)} differ from the profile {sorted(profile)}"
        )
    facts = {name: _squash(facts_raw[name], f"{where}.facts.{name}") for name in profile}
    for name, phrase in facts.items():
        if phrase.casefold() not in story.casefold():
            raise ScenarioBankError(f"{where}.facts.{name}: {phrase!r} is not in the story")
    return ScenarioText(_squash(raw.get("title"), f"{where}.title"), story, MappingProxyType(facts))


def _scenario(raw: object, index: int) -> Scenario:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise ScenarioBankError(f"scenario #{index + 1}: missing id")
    sid: str = raw["id"]
    model, level, profile = raw.get("model"), raw.get("level"), raw.get("profile")
    if model not in default_rulebook().models:
        raise ScenarioBankError(f"{sid}: unknown model {model!r}")
    if level not in LEVELS:
        raise ScenarioBankError(f"{sid}: level must be one of {LEVELS}")
    if not isinstance(profile, dict) or not set(profile) <= set(RULE_FIELDS):
        raise ScenarioBankError(f"{sid}: the profile must use the contract's rule fields only")
    try:
        parse_profile(profile)
    except ProfileError as error:
        raise ScenarioBankError(f"{sid}: {error}") from None
    texts = {lang: _text(raw.get(lang), f"{sid}.{lang}", profile) for lang in LANGUAGES}
    return Scenario(
        id=sid,
        model=str(model),
        level=int(level),
        profile=MappingProxyType(dict(profile)),
        texts=MappingProxyType(texts),
    )


@cache
def _bank() -> tuple[tuple[Scenario, ...], Mapping[str, Scenario]]:
    data = resources.files("classifier").joinpath("scenarios.toml").read_text(encoding="utf-8")
    raws = tomllib.loads(data).get("scenario", [])
    bank = tuple(_scenario(raw, index) for index, raw in enumerate(raws))
    by_id = {s.id: s for s in bank}
    if len(by_id) != len(bank):
        raise ScenarioBankError("scenario ids must be unique")
    return bank, MappingProxyType(by_id)


def scenarios(level: int | None = None) -> tuple[Scenario, ...]:
    """Every practice scenario in bank order, or those of one level.

    The file is read on first use and cached, so importing costs nothing.
    """
    bank = _bank()[0]
    return bank if level is None else tuple(s for s in bank if s.level == level)


def scenario(scenario_id: str) -> Scenario:
    """The scenario with this id; `UnknownScenarioError` (a KeyError) if none."""
    found = _bank()[1].get(scenario_id)
    if found is None:
        raise UnknownScenarioError(scenario_id)
    return found


def expected(item: Scenario, lang: str = "en") -> Verdict:
    """The answer: the scenario's profile classified with its model, in `lang`."""
    return classify(item.profile, model=item.model, lang=lang)


__all__ = [
    "LEVELS",
    "Scenario",
    "ScenarioBankError",
    "ScenarioText",
    "UnknownScenarioError",
    "expected",
    "scenario",
    "scenarios",
]
