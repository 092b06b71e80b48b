"""The contract, row by row: the worked examples and every rule of every model."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import load_examples

from classifier import ProfileError, classify

EXAMPLES = load_examples()


@pytest.mark.parametrize("example", EXAMPLES, ids=[str(i) for i in range(len(EXAMPLES))])
def test_worked_example(example: dict[str, Any]) -> None:
    expected = example["expected"]
    if expected.get("error"):
        with pytest.raises(ProfileError):
            classify(example["profile"], model=example["model"])
        return
    verdict = classify(example["profile"], model=example["model"]).to_dict()
    got = {key: verdict[key] for key in expected if key not in ("next_action", "qualification")}
    got["next_action"] = verdict["next_action"]["id"]  # type: ignore[index]
    if "qualification" in expected:
        # The outcome of the criterion named after the model (contract v2, section 2).
        outcomes = {c["id"]: c["outcome"] for c in verdict["criteria"]}  # type: ignore[attr-defined]
        got["qualification"] = outcomes[example["model"]]
    assert got == expected


def test_examples_cover_every_stage() -> None:
    stages = {e["expected"].get("stage") for e in EXAMPLES}
    assert {"stranger", "visitor", "lead", "prospect", "customer"} <= stages


# A contact that meets everything every model asks for.
FULL = {
    "identified": True,
    "consent": "double",
    "in_target": True,
    "budget": True,
    "authority": True,
    "need": "clear",
    "timeline": "short",
    "intent": "high",
    "conversation": True,
    "content": 4,
    "interactions": 5,
}


def stage(profile: dict[str, Any], model: str = "funnel") -> str:
    return classify(profile, model=model).stage


# --- Steps 1 and 2 (every model) -------------------------------------------------

MODELS = ["funnel", "bant", "anum", "champ", "faint", "score"]


@pytest.mark.parametrize("model", MODELS)
def test_purchase_makes_a_customer_whatever_else(model: str) -> None:
    assert stage({"purchases": 1, "in_target": False, "consent": "withdrawn"}, model) == "customer"
    assert stage({**FULL, "purchases": 2}, model) == "customer"


@pytest.mark.parametrize("model", MODELS)
def test_not_identified_is_visitor_or_stranger(model: str) -> None:
    assert stage({}, model) == "stranger"
    assert stage({"interactions": 0}, model) == "stranger"
    assert stage({"identified": False, "interactions": 0, "in_target": True}, model) == "stranger"
    assert stage({"interactions": 1}, model) == "visitor"
    assert stage({"content": 1}, model) == "visitor"
    assert stage({"identified": False, "interactions": 7, "budget": True}, model) == "visitor"


@pytest.mark.parametrize("model", MODELS)
def test_identified_is_at_least_a_lead(model: str) -> None:
    assert stage({"identified": True}, model) == "lead"


@pytest.mark.parametrize("model", MODELS)
def test_full_profile_is_a_prospect_in_every_model(model: str) -> None:
    assert stage(FULL, model) == "prospect"


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(
    "change",
    [{"in_target": False}, {"in_target": None}, {"consent": "none"}, {"consent": "withdrawn"}],
    ids=["fit-false", "fit-unknown", "consent-none", "consent-withdrawn"],
)
def test_fit_and_permission_gate_every_model(model: str, change: dict[str, Any]) -> None:
    profile = {k: v for k, v in {**FULL, **change}.items() if v is not None}
    assert stage(profile, model) == "lead"


# --- funnel -------------------------------------------------------------------------

BASE = {"identified": True, "consent": "single", "in_target": True}


@pytest.mark.parametrize("capacity", [{"budget": True}, {"authority": True}, {"need": "clear"}])
@pytest.mark.parametrize(
    "interest", [{"conversation": True}, {"intent": "low"}, {"intent": "high"}, {"content": 2}]
)
def test_funnel_capacity_and_interest_each_way(
    capacity: dict[str, Any], interest: dict[str, Any]
) -> None:
    assert stage({**BASE, **capacity, **interest}) == "prospect"


@pytest.mark.parametrize(
    "capacity",
    [{}, {"budget": False, "authority": False, "need": "latent"}, {"need": "none"}],
)
def test_funnel_without_capacity_is_a_lead(capacity: dict[str, Any]) -> None:
    assert stage({**BASE, **capacity, "conversation": True}) == "lead"


@pytest.mark.parametrize(
    "interest",
    [
        {},
        {"content": 1},
        {"intent": "none"},
        {"conversation": False, "intent": "none", "content": 1},
    ],
)
def test_funnel_without_interest_is_a_lead(interest: dict[str, Any]) -> None:
    assert stage({**BASE, "budget": True, **interest}) == "lead"


def test_double_opt_in_also_gives_permission() -> None:
    assert stage({**BASE, "consent": "double", "budget": True, "intent": "low"}) == "prospect"


# --- Framework models -------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"budget": True, "authority": True, "need": "clear"}, "prospect"),
        ({"budget": True, "authority": True, "timeline": "long"}, "prospect"),
        ({"authority": True, "need": "clear", "timeline": "short"}, "prospect"),
        ({"budget": True, "need": "clear", "timeline": "short"}, "prospect"),
        ({"budget": True, "authority": True}, "lead"),
        ({"budget": True, "authority": True, "need": "latent", "timeline": "none"}, "lead"),
    ],
)
def test_bant_needs_three_of_four(facts: dict[str, Any], expected: str) -> None:
    assert stage({**BASE, **facts}, "bant") == expected


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"authority": True, "need": "clear", "timeline": "short"}, "prospect"),
        ({"authority": True, "need": "clear", "budget": True}, "prospect"),
        ({"authority": True, "need": "clear", "timeline": "long"}, "lead"),
        ({"authority": True, "need": "latent", "budget": True, "timeline": "short"}, "lead"),
        ({"need": "clear", "budget": True, "timeline": "short"}, "lead"),
    ],
)
def test_anum(facts: dict[str, Any], expected: str) -> None:
    assert stage({**BASE, **facts}, "anum") == expected


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"need": "clear", "authority": True, "budget": True, "timeline": "long"}, "prospect"),
        ({"need": "clear", "authority": True, "budget": True, "timeline": "short"}, "prospect"),
        ({"need": "clear", "authority": True, "budget": True, "timeline": "none"}, "lead"),
        ({"need": "clear", "authority": True, "timeline": "short"}, "lead"),
        ({"need": "latent", "authority": True, "budget": True, "timeline": "short"}, "lead"),
    ],
)
def test_champ(facts: dict[str, Any], expected: str) -> None:
    assert stage({**BASE, **facts}, "champ") == expected


FAINT_BASE = {"budget": True, "authority": True, "need": "clear"}


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({**FAINT_BASE, "intent": "low", "timeline": "short"}, "prospect"),
        ({**FAINT_BASE, "conversation": True, "timeline": "long"}, "prospect"),
        ({**FAINT_BASE, "intent": "high"}, "lead"),  # v2: Timing unknown
        ({**FAINT_BASE, "intent": "high", "timeline": "none"}, "lead"),  # v2: no plan to buy
        ({**FAINT_BASE, "intent": "none", "timeline": "short"}, "lead"),
        ({**FAINT_BASE, "content": 5, "timeline": "short"}, "lead"),
        ({"authority": True, "need": "clear", "intent": "high", "timeline": "short"}, "lead"),
    ],
)
def test_faint(facts: dict[str, Any], expected: str) -> None:
    """Funds, Authority, Interest, Need and (contract v2) Timing."""
    assert stage({**BASE, **facts}, "faint") == expected


def test_score_model_thresholds() -> None:
    # fit 20 + 10 = 30, engagement 5 + 5 + 10 + 10 = 30: exactly at both thresholds.
    at = {**BASE, "budget": True, "conversation": True, "intent": "high"}
    verdict = classify(at, model="score")
    assert (verdict.fit, verdict.engagement, verdict.stage) == (30, 30, "prospect")
    below = {**BASE, "budget": True, "conversation": True, "intent": "low"}
    verdict = classify(below, model="score")
    assert (verdict.engagement, verdict.stage) == (25, "lead")
    assert classify({**at, "budget": None}, model="score").stage == "lead"


# --- Temperature, phase, out of target ------------------------------------------------


def test_temperature_only_for_prospects() -> None:
    hot = {**BASE, "budget": True, "intent": "high"}
    assert classify(hot).temperature == "hot"
    assert classify({**hot, "price_only": False}).temperature == "hot"
    assert classify({**hot, "price_only": True}).temperature == "cold"
    assert classify({**hot, "intent": "low"}).temperature == "cold"
    assert classify({**hot, "consent": "none"}).temperature is None
    assert classify({"purchases": 1, "intent": "high"}).temperature is None


@pytest.mark.parametrize(
    ("facts", "phase"),
    [
        ({"purchases": 1, "intent": "high"}, "action"),
        ({"intent": "high", "price_only": True, "need": "clear"}, "decision"),
        ({"intent": "low", "need": "clear"}, "consideration"),
        ({"price_only": True, "content": 3}, "consideration"),
        ({"conversation": True, "need": "clear"}, "consideration"),
        ({"need": "clear"}, "interest"),
        ({"content": 1}, "interest"),
        ({"intent": "none", "need": "latent", "interactions": 4}, "awareness"),
        ({}, "awareness"),
    ],
)
def test_phase_first_rule_wins(facts: dict[str, Any], phase: str) -> None:
    assert classify(facts).phase == phase


def test_out_of_target_everywhere_but_customers() -> None:
    assert classify({"in_target": False}).out_of_target is True  # a stranger
    assert classify({"in_target": False, "interactions": 2}).out_of_target is True
    assert classify({**BASE, "in_target": False}).out_of_target is True
    assert classify({"in_target": False, "purchases": 1}).out_of_target is False
    assert classify({"interactions": 2}).out_of_target is False  # unknown is not out


# --- Next action table, row by row ----------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "model", "action"),
    [
        ({}, "funnel", "attract"),
        ({"interactions": 2}, "funnel", "capture"),
        ({**BASE, "in_target": False, "consent": "none"}, "funnel", "deprioritize"),
        # v2: a withdrawn consent comes first, before out of target and for customers.
        ({**BASE, "in_target": False, "consent": "withdrawn"}, "funnel", "respect_opt_out"),
        ({"purchases": 1, "consent": "withdrawn"}, "funnel", "respect_opt_out"),
        ({"purchases": 3, "consent": "withdrawn"}, "champ", "respect_opt_out"),
        (
            {**BASE, "consent": "withdrawn", "budget": True, "intent": "high"},
            "funnel",
            "respect_opt_out",
        ),
        ({**BASE, "consent": "none", "budget": True, "intent": "low"}, "funnel", "ask_permission"),
        ({**BASE, "consent": "none", "budget": True, "intent": "low"}, "bant", "qualify"),
        (
            {**BASE, "budget": True, "authority": True, "need": "clear", "intent": "high"},
            "bant",
            "propose",
        ),
        ({**BASE, "budget": True}, "funnel", "nurture"),
        ({**BASE, "consent": "none", "budget": True}, "funnel", "nurture"),
        ({**BASE, "intent": "low"}, "funnel", "qualify"),
        ({**BASE, "budget": True}, "bant", "qualify"),
        ({**BASE, "budget": True, "intent": "high"}, "funnel", "propose"),
        ({**BASE, "budget": True, "intent": "low"}, "funnel", "follow_up"),
        ({"purchases": 1}, "funnel", "retain"),
        ({"purchases": 2}, "funnel", "reward_loyalty"),
    ],
)
def test_next_action_rows(profile: dict[str, Any], model: str, action: str) -> None:
    assert classify(profile, model=model).next_action.id == action


def test_unknown_permission_alone_asks_permission() -> None:
    # "the only criterion not met": unknown is not met.
    profile = {"identified": True, "in_target": True, "budget": True, "conversation": True}
    assert classify(profile).next_action.id == "ask_permission"
