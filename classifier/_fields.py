"""The contract's profile fields: one table that validation, the rulebook
checker, the batch reader and the app all read, so the field list lives once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Kind = Literal["count", "bool", "choice", "text"]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: Kind
    values: tuple[str, ...] = ()
    max_length: int | None = None


FIELDS: Final[tuple[Field, ...]] = (
    Field("interactions", "count"),
    Field(
        "channel",
        "choice",
        (
            "website",
            "social",
            "store",
            "email",
            "event",
            "referral",
            "advertising",
            "phone",
            "other",
        ),
    ),
    Field("identified", "bool"),
    Field("consent", "choice", ("none", "single", "double", "withdrawn")),
    Field("content", "count"),
    Field("conversation", "bool"),
    Field("in_target", "bool"),
    Field("budget", "bool"),
    Field("authority", "bool"),
    Field("need", "choice", ("none", "latent", "clear")),
    Field("timeline", "choice", ("none", "long", "short")),
    Field("intent", "choice", ("none", "low", "high")),
    Field("price_only", "bool"),
    Field("purchases", "count"),
)

#: Display-only fields: accepted, never used by a rule.
DISPLAY_FIELDS: Final[tuple[Field, ...]] = (
    Field("name", "text", max_length=200),
    Field("id", "text", max_length=200),
)

FIELD_BY_NAME: Final[dict[str, Field]] = {f.name: f for f in FIELDS + DISPLAY_FIELDS}
RULE_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in FIELDS)

STAGES: Final[tuple[str, ...]] = ("stranger", "visitor", "lead", "prospect", "customer")
PHASES: Final[tuple[str, ...]] = ("awareness", "interest", "consideration", "decision", "action")
TEMPERATURES: Final[tuple[str, ...]] = ("hot", "cold")
OUTCOMES: Final[tuple[str, ...]] = ("met", "unmet", "unknown")
NEXT_ACTIONS: Final[tuple[str, ...]] = (
    "attract",
    "capture",
    "deprioritize",
    "respect_opt_out",
    "ask_permission",
    "nurture",
    "qualify",
    "propose",
    "follow_up",
    "retain",
    "reward_loyalty",
)
