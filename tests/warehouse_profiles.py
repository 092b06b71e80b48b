"""Random profiles for the SQL tests and benchmark, with what `classify()` says
of each, as the query's verdict columns write it."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from typing import Any

from classifier import FIELDS, Profile, ProfileError, Rulebook, classify, parse_profile

VERDICT = (
    "stage",
    "phase",
    "temperature",
    "out_of_target",
    "fit",
    "engagement",
    "score",
    "next_action",
    "missing",
    "error",
)
#: Counts around every threshold and cap of the default rulebook, and huge ones.
COUNTS = (0, 0, 1, 1, 1, 2, 2, 3, 4, 5, 6, 7, 12, 13, 1000, 10**12, 2**62)
#: Values a profile may not hold: the query must reject them as `classify()` does.
BAD_TEXT = ("Single", "maybe", "", 'say "hi" \\ now', "x" * 70, "città")
BAD_COUNTS = (-1, -7, -(10**12))


def random_profiles(n: int, seed: int, *, bad: float = 0.01) -> Iterator[dict[str, Any]]:
    """`n` profiles in field order: each field unknown (None) 40% of the time,
    out of the contract `bad` of the time, else a valid value."""
    rng = random.Random(seed)
    for _ in range(n):
        profile: dict[str, Any] = {}
        for spec in FIELDS:
            roll = rng.random()
            if roll < 0.4:
                value: Any = None
            elif roll < 0.4 + bad and spec.kind != "bool":
                value = rng.choice(BAD_COUNTS if spec.kind == "count" else BAD_TEXT)
            elif spec.kind == "bool":
                value = rng.random() < 0.5
            elif spec.kind == "count":
                value = rng.choice(COUNTS)
            else:
                value = rng.choice(spec.values)
            profile[spec.name] = value
        yield profile


def expected(
    profile: Mapping[str, Any] | Profile | ProfileError, model: str, rules: Rulebook
) -> dict[str, Any]:
    """The verdict columns of `classify()` for one profile (parsed once with
    `parse`, for speed across models): None everywhere but `error` when rejected."""
    if isinstance(profile, ProfileError):
        return {**dict.fromkeys(VERDICT), "error": profile.message("en")}
    verdict = classify(profile, model=model, rules=rules)
    return {
        "stage": verdict.stage,
        "phase": verdict.phase,
        "temperature": verdict.temperature,
        "out_of_target": verdict.out_of_target,
        "fit": verdict.fit,
        "engagement": verdict.engagement,
        "score": verdict.score,
        "next_action": verdict.next_action.id,
        "missing": "; ".join(m.id for m in verdict.missing),
        "error": None,
    }


def parse(profile: Mapping[str, Any]) -> Profile | ProfileError:
    """The profile validated once, or why `classify()` rejects it."""
    try:
        return parse_profile(profile)
    except ProfileError as error:
        return error
