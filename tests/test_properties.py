"""Properties over random valid profiles, checked against an independent oracle."""

from __future__ import annotations

from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from oracle import oracle
from strategies import raw_profiles

from classifier import STAGES, ProfileError, classify, languages, models

MODELS = models()


def valid(profile: dict[str, Any], model: str = "funnel", lang: str = "en") -> Any:
    try:
        return classify(profile, model=model, lang=lang)
    except ProfileError:
        assume(False)


@settings(max_examples=600, deadline=None)
@given(raw_profiles(), st.sampled_from(MODELS))
def test_engine_agrees_with_the_contract(profile: dict[str, Any], model: str) -> None:
    verdict = valid(profile, model)
    expected = oracle(profile, model)
    got = verdict.to_dict()
    for key in ("stage", "phase", "temperature", "out_of_target", "score", "fit", "engagement"):
        assert got[key] == expected[key], key
    assert verdict.next_action.id == expected["next_action"]
    outcomes = {c.id: c.outcome for c in verdict.criteria}
    for gate, outcome in expected["gates"].items():
        assert outcomes[gate] == outcome, gate


@settings(max_examples=300, deadline=None)
@given(raw_profiles(), st.sampled_from(MODELS), st.sampled_from(languages()))
def test_exactly_one_stage_and_deterministic(
    profile: dict[str, Any], model: str, lang: str
) -> None:
    first = valid(profile, model, lang)
    second = classify(dict(profile), model=model, lang=lang)
    assert first.stage in STAGES
    assert first.to_dict() == second.to_dict()
    ids = [c.id for c in first.criteria]
    assert ids[:2] == ["interaction", "identity"] and ids[-1] == "purchase"
    assert len(ids) == len(set(ids))
    assert all(c.outcome in ("met", "unmet", "unknown") for c in first.criteria)
    assert (first.temperature is not None) == (first.stage == "prospect")
    assert (first.missing == ()) == (first.stage == "customer")


# Values that meet a criterion's input: giving one to an unknown field is a
# step forward, never back.
MET_VALUES: dict[str, Any] = {
    "identified": True,
    "interactions": 1,
    "content": 2,
    "consent": "single",
    "conversation": True,
    "in_target": True,
    "budget": True,
    "authority": True,
    "need": "clear",
    "timeline": "short",
    "intent": "high",
    "purchases": 1,
}


@settings(max_examples=400, deadline=None)
@given(raw_profiles(), st.sampled_from(MODELS), st.sampled_from(sorted(MET_VALUES)))
def test_a_met_value_for_an_unknown_never_lowers_the_stage(
    profile: dict[str, Any], model: str, field: str
) -> None:
    assume(field not in profile)
    before = valid(profile, model)
    try:
        after = classify({**profile, field: MET_VALUES[field]}, model=model)
    except ProfileError:
        assume(False)
    assert STAGES.index(after.stage) >= STAGES.index(before.stage)


POSITIVE_SIGNALS: dict[str, Any] = {
    "in_target": True,
    "budget": True,
    "authority": True,
    "need": "clear",
    "conversation": True,
    "intent": "high",
    "consent": "double",
    "identified": True,
}


@settings(max_examples=400, deadline=None)
@given(raw_profiles(), st.sampled_from(sorted(POSITIVE_SIGNALS)))
def test_score_bounded_and_never_lowered_by_a_positive_signal(
    profile: dict[str, Any], field: str
) -> None:
    assume(field not in profile)
    before = valid(profile)
    assert 0 <= before.fit <= 50 and 0 <= before.engagement <= 50
    assert 0 <= before.score <= 100
    try:
        after = classify({**profile, field: POSITIVE_SIGNALS[field]})
    except ProfileError:
        assume(False)
    assert after.score >= before.score


@settings(max_examples=200, deadline=None)
@given(raw_profiles(), st.sampled_from(("interactions", "content")))
def test_one_more_touch_never_lowers_the_score(profile: dict[str, Any], field: str) -> None:
    before = valid(profile)
    bumped = {**profile, field: profile.get(field, 0) + 1}
    try:
        after = classify(bumped)
    except ProfileError:
        assume(False)
    assert after.score >= before.score


@settings(max_examples=200, deadline=None)
@given(raw_profiles(), st.sampled_from(MODELS))
def test_every_sentence_is_translated_in_every_language(
    profile: dict[str, Any], model: str
) -> None:
    english = valid(profile, model, "en").to_dict()
    for lang in languages():
        if lang == "en":
            continue
        other = classify(profile, model=model, lang=lang).to_dict()
        assert other["lang"] == lang
        pairs = [(english["summary"], other["summary"])]
        pairs.append((english["next_action"]["text"], other["next_action"]["text"]))  # type: ignore[index]
        pairs += [
            (a["text"], b["text"])
            for a, b in zip(english["criteria"], other["criteria"], strict=True)
        ]  # type: ignore[call-overload]
        pairs += [
            (a["text"], b["text"])
            for a, b in zip(english["missing"], other["missing"], strict=True)
        ]  # type: ignore[call-overload]
        for source, translated in pairs:
            assert translated and translated != source, (lang, source)
