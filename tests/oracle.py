"""An independent, plain-Python reading of the classification contract.

It shares no code with the engine (which reads rules.toml), so agreement on
random profiles is evidence that the rulebook and the engine say what the
contract says.
"""

from __future__ import annotations

import itertools
from typing import Any

MET, UNMET, UNKNOWN = "met", "unmet", "unknown"
FIELDS = [
    "interactions",
    "channel",
    "identified",
    "consent",
    "content",
    "conversation",
    "in_target",
    "budget",
    "authority",
    "need",
    "timeline",
    "intent",
    "price_only",
    "purchases",
]


def k(value: Any, predicate: Any) -> str:
    if value is None:
        return UNKNOWN
    return MET if predicate(value) else UNMET


def k_any(*outcomes: str) -> str:
    if MET in outcomes:
        return MET
    return UNMET if all(o == UNMET for o in outcomes) else UNKNOWN


def k_all(*outcomes: str) -> str:
    if UNMET in outcomes:
        return UNMET
    return MET if all(o == MET for o in outcomes) else UNKNOWN


def k_at_least(n: int, *outcomes: str) -> str:
    met = outcomes.count(MET)
    unknown = outcomes.count(UNKNOWN)
    if met >= n:
        return MET
    return UNMET if met + unknown < n else UNKNOWN


def fit_score(p: dict[str, Any]) -> int:
    fit = 0
    if p["in_target"] is True:
        fit += 20
    if p["in_target"] is False:
        fit -= 20
    fit += 10 if p["authority"] is True else 0
    fit += 10 if p["budget"] is True else 0
    fit += {"clear": 10, "latent": 5}.get(p["need"], 0)
    return max(0, min(50, fit))


def engagement_score(p: dict[str, Any]) -> int:
    eng = min(p["interactions"] or 0, 5)
    eng += 5 if p["identified"] is True else 0
    eng += {"single": 5, "double": 8, "withdrawn": -10}.get(p["consent"], 0)
    eng += min(3 * (p["content"] or 0), 12)
    eng += 10 if p["conversation"] is True else 0
    eng += {"low": 5, "high": 10}.get(p["intent"], 0)
    eng -= 10 if p["price_only"] is True else 0
    return max(0, min(50, eng))


ENGAGEMENT_FIELDS = (
    "interactions",
    "identified",
    "consent",
    "content",
    "conversation",
    "intent",
    "price_only",
)
DOMAINS: dict[str, tuple[Any, ...]] = {
    "in_target": (True, False),
    "authority": (True, False),
    "budget": (True, False),
    "identified": (True, False),
    "conversation": (True, False),
    "price_only": (True, False),
    "need": ("none", "latent", "clear"),
    "intent": ("none", "low", "high"),
    "consent": ("none", "single", "double", "withdrawn"),
    "interactions": tuple(range(8)),
    "content": tuple(range(8)),
}


def best(score: Any, p: dict[str, Any], fields: tuple[str, ...], touched: bool) -> int:
    """The highest `score` over every value of every unknown field in `fields`
    (an identified contact, or one with content, has at least 1 interaction)."""
    unknown = [f for f in fields if p[f] is None]
    top = score(p)
    for values in itertools.product(*(DOMAINS[f] for f in unknown)):
        trial = {**p, **dict(zip(unknown, values, strict=True))}
        if touched and p["interactions"] is None and trial["interactions"] == 0:
            continue
        top = max(top, score(trial))
    return int(top)


def oracle(profile: dict[str, Any], model: str = "funnel") -> dict[str, Any]:
    p = {f: profile.get(f) for f in FIELDS}
    identified = p["identified"]
    if identified is None and (
        p["consent"] in ("single", "double", "withdrawn")
        or p["conversation"] is True
        or (p["purchases"] or 0) >= 1
    ):
        identified = True

    # score (only stated values earn points; an inferred identity is stated)
    facts = {**p, "identified": identified}
    fit = fit_score(facts)
    eng = engagement_score(facts)

    budget = k(p["budget"], lambda v: v is True)
    authority = k(p["authority"], lambda v: v is True)
    need_clear = k(p["need"], lambda v: v == "clear")
    timeline_any = k(p["timeline"], lambda v: v in ("short", "long"))
    intent_any = k(p["intent"], lambda v: v in ("low", "high"))
    conversation = k(p["conversation"], lambda v: v is True)
    gates = {
        "fit": k(p["in_target"], lambda v: v is True),
        "permission": k(p["consent"], lambda v: v in ("single", "double")),
    }
    if model == "funnel":
        gates["capacity"] = k_any(budget, authority, need_clear)
        gates["interest"] = k_any(conversation, intent_any, k(p["content"], lambda v: v >= 2))
    elif model == "bant":
        gates["bant"] = k_at_least(3, budget, authority, need_clear, timeline_any)
    elif model == "anum":
        gates["anum"] = k_all(
            authority, need_clear, k_any(k(p["timeline"], lambda v: v == "short"), budget)
        )
    elif model == "champ":
        gates["champ"] = k_all(need_clear, authority, budget, timeline_any)
    elif model == "faint":
        gates["faint"] = k_all(
            budget, authority, need_clear, k_any(intent_any, conversation), timeline_any
        )
    elif model == "score":
        # v2: unmet only when even the best case stays under 30, by brute force
        # over every value of every unknown field.
        touched = identified is True or (p["content"] or 0) >= 1
        best_fit = best(fit_score, facts, ("in_target", "authority", "budget", "need"), touched)
        best_eng = best(engagement_score, facts, ENGAGEMENT_FIELDS, touched)
        if fit >= 30 and eng >= 30:
            gates["score"] = MET
        elif best_fit < 30 or best_eng < 30:
            gates["score"] = UNMET
        else:
            gates["score"] = UNKNOWN
    else:
        raise ValueError(model)

    purchases = p["purchases"] or 0
    if purchases >= 1:
        stage = "customer"
    elif identified is not True:
        touched = (p["interactions"] or 0) >= 1 or (p["content"] or 0) >= 1
        stage = "visitor" if touched else "stranger"
    else:
        stage = "prospect" if all(o == MET for o in gates.values()) else "lead"

    out_of_target = p["in_target"] is False and stage != "customer"
    temperature = None
    if stage == "prospect":
        temperature = "hot" if p["intent"] == "high" and p["price_only"] is not True else "cold"

    if purchases >= 1:
        phase = "action"
    elif p["intent"] == "high":
        phase = "decision"
    elif p["intent"] == "low" or p["price_only"] is True or p["conversation"] is True:
        phase = "consideration"
    elif p["need"] == "clear" or (p["content"] or 0) >= 1:
        phase = "interest"
    else:
        phase = "awareness"

    not_met = [g for g, o in gates.items() if o != MET]
    if stage == "stranger":
        action = "attract"
    elif stage == "visitor":
        action = "capture"
    elif p["consent"] == "withdrawn" and stage in ("lead", "customer"):
        action = "respect_opt_out"  # v2: before everything else, customers too
    elif stage == "lead":
        if out_of_target:
            action = "deprioritize"
        elif not_met == ["permission"]:
            action = "ask_permission"
        elif model == "funnel" and "interest" in not_met:
            action = "nurture"
        else:
            action = "qualify"
    elif stage == "prospect":
        action = "propose" if temperature == "hot" else "follow_up"
    else:
        action = "retain" if purchases == 1 else "reward_loyalty"

    return {
        "stage": stage,
        "phase": phase,
        "temperature": temperature,
        "out_of_target": out_of_target,
        "score": fit + eng,
        "fit": fit,
        "engagement": eng,
        "next_action": action,
        "gates": gates,
    }
