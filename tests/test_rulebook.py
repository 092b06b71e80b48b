"""Team rulebooks: the same schema as the default one, mistakes named by key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from classifier import RulebookError, classify, default_rulebook, parse_rulebook, read_rulebook
from classifier._rules import default_rulebook_text


def raw() -> dict[str, Any]:
    return tomllib.loads(default_rulebook_text())


def dump(data: dict[str, Any]) -> str:
    """A tiny TOML writer for the test edits (inline tables only)."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, str)):
            return repr(v).replace("'", '"') if isinstance(v, str) else str(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return "{" + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + "}"

    return "\n".join(f"{key} = {value(v)}" for key, v in data.items())


def errors_for(data: dict[str, Any]) -> RulebookError:
    with pytest.raises(RulebookError) as caught:
        parse_rulebook(dump(data))
    return caught.value


def test_the_default_rulebook_round_trips() -> None:
    book = parse_rulebook(dump(raw()))
    assert list(book.models) == list(default_rulebook().models)


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (
            lambda d: d["criteria"]["fit"]["test"].update(field="in_targt"),
            "criteria.fit.test.field",
        ),
        (lambda d: d["criteria"]["fit"]["test"].update(**{"is": "yes"}), "criteria.fit.test.is"),
        (
            lambda d: d["criteria"]["permission"]["test"].update(**{"in": ["single", "tripple"]}),
            "criteria.permission.test.in",
        ),
        (lambda d: d["criteria"]["fit"].update(messag="fit"), "criteria.fit.messag"),
        (lambda d: d["criteria"]["fit"].update(message="nonsense"), "criteria.fit.message"),
        (lambda d: d["criteria"].pop("identity"), "criteria.identity"),
        (lambda d: d["models"]["bant"].update(criteria=["fit", "nope"]), "models.bant.criteria"),
        (lambda d: d["phases"][0].update(id="buying"), "phases[0].id"),
        (lambda d: d["phases"][-1].update(test={"field": "need", "in": ["clear"]}), "phases[4]"),
        (lambda d: d["next_actions"][0].update(id="call_now"), "next_actions[0].id"),
        (lambda d: d["next_actions"][0].update(stage="suspect"), "next_actions[0].stage"),
        (lambda d: d["next_actions"].pop(), "next_actions"),
        (
            lambda d: d["score"]["fit"]["rows"][0].update(points="twenty"),
            "score.fit.rows[0].points",
        ),
        (
            lambda d: d["score"]["engagement"]["rows"][0].update(field="budget"),
            "score.engagement.rows[0].field",
        ),
        (lambda d: d.update(version=3), "version"),
        (lambda d: d.update(version=True), "version"),
        (lambda d: d["next_actions"][2].update(stage=["lead", "suspect"]), "next_actions[2].stage"),
        (lambda d: d.pop("temperature"), "temperature"),
        (
            lambda d: d["criteria"]["bant"]["test"].update(at_least=-1),
            "criteria.bant.test.at_least",
        ),
        (lambda d: d["criteria"]["capacity"].update(test={"one_of": []}), "criteria.capacity.test"),
    ],
)
def test_a_mistake_is_named_by_its_key(edit: Any, key: str) -> None:
    data = raw()
    edit(data)
    error = errors_for(data)
    assert key in error.keys
    for lang in ("en", "it", "es", "fr", "pt"):
        assert key in error.message(lang)


def test_did_you_mean_for_a_misspelt_key() -> None:
    data = raw()
    data["criteria"]["fit"]["tset"] = data["criteria"]["fit"].pop("test")
    error = errors_for(data)
    assert "“test”" in error.message("en")


def test_not_toml_is_reported() -> None:
    with pytest.raises(RulebookError) as caught:
        parse_rulebook("this is = = not toml")
    assert caught.value.problems[0][0] == "not_toml"


def test_a_team_can_change_the_score_table() -> None:
    data = raw()
    data["score"]["fit"]["rows"][0]["points"] = 40  # in target is worth 40
    data["score"]["fit"]["max"] = 60
    book = parse_rulebook(dump(data))
    assert classify({"in_target": True}, rules=book).fit == 40
    assert classify({"in_target": True}).fit == 20


def test_a_team_can_add_a_model() -> None:
    data = raw()
    data["models"]["strict"] = {
        "message": "bant",
        "criteria": ["fit", "permission", "capacity", "interest", "bant"],
    }
    book = parse_rulebook(dump(data))
    profile = {
        "identified": True,
        "consent": "single",
        "in_target": True,
        "budget": True,
        "intent": "high",
    }
    assert classify(profile, rules=book).stage == "prospect"
    assert classify(profile, model="strict", rules=book).stage == "lead"


V1_RULEBOOK = Path(__file__).parent / "data" / "rules-v1.toml"


def test_a_version_1_rulebook_still_loads_as_written() -> None:
    """A team's rulebook written for contract v1 keeps its own rows (an
    out-of-target lead who opted out is deprioritized, FAINT has no Timing),
    and says what to change to follow v2."""
    book = read_rulebook(V1_RULEBOOK)
    assert book.version == 1
    opted_out = {"identified": True, "consent": "withdrawn", "in_target": False}
    assert classify(opted_out, rules=book).next_action.id == "deprioritize"
    assert classify(opted_out).next_action.id == "respect_opt_out"
    faint = {**PROSPECT, "authority": True, "need": "clear", "intent": "low"}
    assert classify(faint, model="faint", rules=book).stage == "prospect"
    assert classify(faint, model="faint").stage == "lead"
    for lang in ("en", "it", "es", "fr", "pt"):
        note = book.upgrade_note(lang)
        assert note is not None
        assert "respect_opt_out" in note and "timeline" in note and "version = 2" in note
        assert '{field = "timeline", in = ["short", "long"]}' in note
    assert default_rulebook().upgrade_note("en") is None


def test_the_score_criterion_is_three_valued_in_any_rulebook() -> None:
    """Engine semantics, not data: a v1 rulebook gets v2's unknown too."""
    book = read_rulebook(V1_RULEBOOK)
    profile = {"identified": True, "consent": "single", "in_target": True, "budget": True}
    for rules in (book, default_rulebook()):
        outcomes = {c.id: c.outcome for c in classify(profile, model="score", rules=rules).criteria}
        assert outcomes["score"] == "unknown"


def test_a_next_action_row_may_name_several_stages() -> None:
    data = raw()
    row = next(r for r in data["next_actions"] if r["id"] == "respect_opt_out")
    assert row["stage"] == ["lead", "customer"]
    row["stage"] = ["lead"]
    book = parse_rulebook(dump(data))
    customer = {"purchases": 2, "consent": "withdrawn"}
    assert classify(customer, rules=book).next_action.id == "reward_loyalty"
    assert classify(customer).next_action.id == "respect_opt_out"


PROSPECT = {"identified": True, "consent": "single", "in_target": True, "budget": True}
