"""The course's vocabulary: lessons, questions, choices, and its one error."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

#: The lesson pages, in the order the site teaches them (docs/<lang>/<slug>.md).
LESSONS: Final[tuple[str, ...]] = (
    "buyers-journey",
    "roles",
    "qualification",
    "consent",
    "lead-vs-prospect",
    "nurturing",
    "frameworks",
    "conversations",
    "playbook",
    "channels",
)
#: A question's topic: a lesson, or a question generated from a profile.
TOPICS: Final[tuple[str, ...]] = (*LESSONS, "stage", "next-action")


class CourseError(ValueError):
    """A course file that cannot be used; the message names the file and the id."""


@dataclass(frozen=True)
class Choice:
    text: str
    why: str


@dataclass(frozen=True)
class Question:
    """One question in one language.

    `page` is the lesson that teaches the answer and `section` the anchor on it.
    Stage and next-action questions carry the `profile` and `model` they were
    computed from, and `facts`: the lines that show the profile to a learner.
    """

    id: str
    lang: str
    topic: str
    page: str
    section: str
    question: str
    choices: tuple[Choice, ...]
    answer: int
    check: bool
    profile: Mapping[str, object] | None = None
    model: str | None = None
    facts: tuple[str, ...] = field(default=())

    @property
    def explanation(self) -> str:
        """Why the right answer is right."""
        return self.choices[self.answer].why

    def as_json(self) -> dict[str, object]:
        """A plain JSON object: what a page script or a command line shows."""
        data: dict[str, object] = {
            "id": self.id,
            "lang": self.lang,
            "topic": self.topic,
            "page": self.page,
            "section": self.section,
            "question": self.question,
            "choices": [choice.text for choice in self.choices],
            "answer": self.answer,
            "explanation": self.explanation,
            "whys": [choice.why for choice in self.choices],
            "check": self.check,
        }
        if self.profile is not None:
            data["profile"] = dict(self.profile)
            data["model"] = self.model
            data["facts"] = list(self.facts)
        return data
