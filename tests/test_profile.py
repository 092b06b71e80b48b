"""Validation, inference and contradictions."""

from __future__ import annotations

from typing import Any

import pytest

from classifier import ProfileError, classify, parse_profile, parse_text_value


def problem_codes(profile: Any) -> list[str]:
    with pytest.raises(ProfileError) as caught:
        parse_profile(profile)
    return [p.code for p in caught.value.problems]


def test_missing_and_null_are_unknown() -> None:
    profile = parse_profile({"budget": None})
    assert profile.values["budget"] is None
    assert classify({"budget": None}).stage == "stranger"


def test_unknown_key_suggests_the_closest_field() -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile({"in_targt": True})
    error = caught.value
    assert error.fields == ["in_targt"]
    assert "in_target" in error.message("en")
    assert "in_target" in error.message("it")


def test_unknown_key_without_a_close_field_lists_the_fields() -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile({"zzz": 1})
    assert caught.value.code == "unknown_field"
    assert "purchases" in caught.value.message("fr")


@pytest.mark.parametrize(
    ("profile", "code"),
    [
        ({"budget": "yes"}, "not_bool"),
        ({"budget": 1}, "not_bool"),
        ({"interactions": "3"}, "not_count"),
        ({"interactions": 2.0}, "not_count"),
        ({"interactions": True}, "not_count"),
        ({"content": -1}, "negative"),
        ({"consent": "maybe"}, "not_allowed"),
        ({"consent": "Single"}, "not_allowed"),
        ({"channel": 3}, "not_allowed"),
        ({"name": "x" * 201}, "too_long"),
        ({"name": 5}, "not_text"),
        ([1, 2], "not_object"),
        ("text", "not_object"),
    ],
)
def test_wrong_values_are_rejected(profile: Any, code: str) -> None:
    assert problem_codes(profile) == [code]


def test_error_names_field_value_and_allowed_values_in_every_language() -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile({"consent": "maybe"})
    for lang in ("en", "it", "es", "fr", "pt"):
        message = caught.value.message(lang)
        assert "consent" in message and '"maybe"' in message
        assert "single" in message and "withdrawn" in message


def test_every_problem_is_reported_at_once() -> None:
    codes = problem_codes({"budget": "x", "purchases": -3, "nme": "a"})
    assert sorted(codes) == ["negative", "not_bool", "unknown_field_suggest"]


def test_name_of_200_characters_is_fine_and_never_changes_the_verdict() -> None:
    a = classify({"identified": True, "name": "x" * 200, "id": "c-1"}).to_dict()
    b = classify({"identified": True}).to_dict()
    assert a == b


@pytest.mark.parametrize(
    ("profile", "evidence"),
    [
        ({"consent": "single"}, "consent"),
        ({"consent": "double"}, "consent"),
        ({"consent": "withdrawn"}, "consent"),
        ({"conversation": True}, "conversation"),
        ({"purchases": 1}, "purchases"),
    ],
)
def test_identified_is_inferred(profile: dict[str, Any], evidence: str) -> None:
    parsed = parse_profile(profile)
    assert parsed.values["identified"] is True
    assert parsed.inferred == {"identified": evidence}


@pytest.mark.parametrize(
    "profile", [{"consent": "none"}, {"conversation": False}, {"purchases": 0}, {}]
)
def test_identified_is_not_inferred_from_weak_evidence(profile: dict[str, Any]) -> None:
    assert parse_profile(profile).values["identified"] is None


@pytest.mark.parametrize("profile", [{"identified": True}, {"content": 1}, {"consent": "single"}])
def test_interactions_inferred_as_at_least_one(profile: dict[str, Any]) -> None:
    parsed = parse_profile(profile)
    assert parsed.values["interactions"] is None
    assert parsed.lower_bounds == {"interactions": 1}
    interaction = classify(profile).criteria[0]
    assert (interaction.id, interaction.outcome) == ("interaction", "met")


def test_inferred_interaction_earns_no_points_but_inferred_identity_does() -> None:
    assert classify({"purchases": 1}).score == 5  # the contract's example


@pytest.mark.parametrize(
    ("profile", "fields"),
    [
        ({"identified": False, "consent": "single"}, ["identified", "consent"]),
        ({"identified": False, "consent": "double"}, ["identified", "consent"]),
        ({"identified": False, "consent": "withdrawn"}, ["identified", "consent"]),
        ({"identified": False, "conversation": True}, ["identified", "conversation"]),
        ({"identified": False, "purchases": 1}, ["identified", "purchases"]),
        ({"interactions": 0, "identified": True}, ["interactions", "identified"]),
        ({"interactions": 0, "content": 1}, ["interactions", "content"]),
        ({"interactions": 0, "conversation": True}, ["interactions", "conversation"]),
        ({"interactions": 0, "purchases": 2}, ["interactions", "purchases"]),
    ],
)
def test_contradictions_name_both_fields(profile: dict[str, Any], fields: list[str]) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile(profile)
    assert caught.value.fields == fields
    for lang in ("en", "it", "es", "fr", "pt"):
        message = caught.value.message(lang)
        assert fields[0] in message and fields[1] in message


@pytest.mark.parametrize(
    "profile",
    [
        {"identified": False, "consent": "none"},
        {"identified": False, "conversation": False, "purchases": 0},
        {"interactions": 0, "content": 0, "identified": False},
    ],
)
def test_no_contradiction_without_evidence(profile: dict[str, Any]) -> None:
    assert classify(profile).stage == "stranger"


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("budget", "TRUE", True),
        ("budget", " yes ", True),
        ("budget", "1", True),
        ("budget", "No", False),
        ("budget", "0", False),
        ("budget", "", None),
        ("interactions", "12", 12),
        ("consent", " Double ", "double"),
        ("name", "Ada", "Ada"),
    ],
)
def test_text_values(field: str, text: str, value: Any) -> None:
    assert parse_text_value(field, text) == (value, None)


@pytest.mark.parametrize(
    ("field", "text", "code"),
    [
        ("budget", "maybe", "not_bool_text"),
        ("interactions", "-2", "negative"),
        ("interactions", "2.5", "not_count"),
        ("need", "urgent", "not_allowed"),
    ],
)
def test_bad_text_values(field: str, text: str, code: str) -> None:
    value, problem = parse_text_value(field, text)
    assert value is None and problem is not None and problem.code == code
