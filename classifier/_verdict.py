"""The verdict: what the contract's JSON says, as typed objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._engine import Evaluation


@dataclass(frozen=True, slots=True)
class CriterionResult:
    id: str
    outcome: str
    text: str


@dataclass(frozen=True, slots=True)
class Missing:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class NextAction:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """A classified profile with its explanation in one language.

    `evaluation` keeps the language-free trace the texts were rendered from.
    """

    stage: str
    phase: str
    temperature: str | None
    out_of_target: bool
    model: str
    lang: str
    score: int
    fit: int
    engagement: int
    criteria: tuple[CriterionResult, ...]
    missing: tuple[Missing, ...]
    next_action: NextAction
    summary: str
    evaluation: Evaluation = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, object]:
        """The contract's JSON object, keys in the contract's order."""
        return {
            "stage": self.stage,
            "phase": self.phase,
            "temperature": self.temperature,
            "out_of_target": self.out_of_target,
            "model": self.model,
            "lang": self.lang,
            "score": self.score,
            "fit": self.fit,
            "engagement": self.engagement,
            "criteria": [{"id": c.id, "outcome": c.outcome, "text": c.text} for c in self.criteria],
            "missing": [{"id": m.id, "text": m.text} for m in self.missing],
            "next_action": {"id": self.next_action.id, "text": self.next_action.text},
            "summary": self.summary,
        }
