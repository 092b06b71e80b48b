"""Contract version 2, one test per change ("Changes from version 1"), through
both engines: `classify()` and the columnar batch path (`classify_csv`)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from classifier import FIELDS, classify, classify_csv, describe_field, languages

COLUMNS = [f.name for f in FIELDS]


def batch(profile: dict[str, Any], model: str = "funnel") -> dict[str, Any]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS)
    writer.writeheader()
    writer.writerow({k: str(v).lower() if isinstance(v, bool) else v for k, v in profile.items()})
    line = classify_csv(buffer.getvalue().encode(), model=model).frame.to_dicts()[0]
    assert line["error"] is None, line["error"]
    return line


def both(profile: dict[str, Any], model: str = "funnel") -> list[tuple[str, str, str]]:
    """(stage, next action, phase) from each engine."""
    verdict = classify(profile, model=model)
    line = batch(profile, model)
    return [
        (verdict.stage, verdict.next_action.id, verdict.phase),
        (line["stage"], line["next_action"], line["phase"]),
    ]


# 1. `content` is attributable content; anonymous reading is `interactions`.


def test_an_anonymous_reader_stays_in_awareness() -> None:
    reader = {"interactions": 6}  # read six public blog posts, nobody knows who
    assert both(reader) == [("visitor", "capture", "awareness")] * 2


def test_the_content_field_says_what_counts() -> None:
    assert "Anonymous reading of public pages counts as interactions" in describe_field("content")
    assert "anonymous reading of public pages" in describe_field("interactions")


@pytest.mark.parametrize("lang", [lang for lang in languages() if lang != "en"])
def test_the_field_meanings_are_translated(lang: str) -> None:
    for name in ("content", "interactions"):
        assert describe_field(name, lang) != describe_field(name, "en"), name


# 2. FAINT checks Timing.

FAINT = {
    "identified": True,
    "consent": "single",
    "in_target": True,
    "budget": True,
    "authority": True,
    "need": "clear",
    "intent": "low",
}


@pytest.mark.parametrize(
    ("timeline", "stage"), [("short", "prospect"), ("long", "prospect"), ("none", "lead")]
)
def test_faint_checks_timing(timeline: str, stage: str) -> None:
    results = both({**FAINT, "timeline": timeline}, "faint")
    assert [r[0] for r in results] == [stage, stage]


def test_faint_with_timing_unknown_is_undecided() -> None:
    verdict = classify(FAINT, model="faint")
    outcomes = {c.id: c.outcome for c in verdict.criteria}
    assert (verdict.stage, outcomes["faint"]) == ("lead", "unknown")
    assert batch(FAINT, "faint")["stage"] == "lead"
    assert "timeline" in str(verdict.missing[0].text) or verdict.missing[0].id == "faint"


# 3. A withdrawn consent gives respect_opt_out before anything else.


@pytest.mark.parametrize(
    "profile",
    [
        {"identified": True, "consent": "withdrawn", "in_target": False},  # was deprioritize
        {"purchases": 1, "consent": "withdrawn"},  # was retain
        {"purchases": 4, "consent": "withdrawn", "in_target": True},  # was reward_loyalty
        {"identified": True, "consent": "withdrawn", "in_target": True, "intent": "high"},
    ],
)
@pytest.mark.parametrize("model", ["funnel", "bant", "score"])
def test_a_withdrawn_consent_comes_first(profile: dict[str, Any], model: str) -> None:
    assert [r[1] for r in both(profile, model)] == ["respect_opt_out"] * 2


# 4. The score criterion is three-valued.


@pytest.mark.parametrize(
    ("profile", "outcome"),
    [
        # fit 30, engagement 10: unknown fields could still lift engagement to 47.
        ({"identified": True, "consent": "single", "in_target": True, "budget": True}, "unknown"),
        # fit at most 10 whatever the unknowns are: out of target costs 20.
        ({"identified": True, "consent": "single", "in_target": False}, "unmet"),
        # everything known and under 30.
        (
            {
                "identified": True,
                "interactions": 1,
                "consent": "none",
                "content": 0,
                "conversation": False,
                "intent": "none",
                "price_only": False,
                "in_target": True,
                "budget": True,
                "authority": True,
                "need": "clear",
            },
            "unmet",
        ),
        (
            {
                "identified": True,
                "consent": "double",
                "in_target": True,
                "budget": True,
                "conversation": True,
                "intent": "high",
            },
            "met",
        ),
    ],
)
def test_the_score_criterion_is_three_valued(profile: dict[str, Any], outcome: str) -> None:
    verdict = classify(profile, model="score")
    outcomes = {c.id: c.outcome for c in verdict.criteria}
    assert outcomes["score"] == outcome
    expected = "prospect" if outcome == "met" else "lead"
    assert verdict.stage == batch(profile, "score")["stage"] == expected


@pytest.mark.parametrize("lang", languages())
def test_an_undecided_score_says_how_high_it_could_go(lang: str) -> None:
    profile = {"identified": True, "consent": "single", "in_target": True, "budget": True}
    verdict = classify(profile, model="score", lang=lang)
    sentence = next(c.text for c in verdict.criteria if c.id == "score")
    assert (verdict.evaluation.best_engagement, verdict.engagement) == (47, 10)
    assert "47" in sentence and "10" in sentence and "30" in sentence
