"""The course beside the engine: lesson objectives, knowledge checks and the
question bank, in every language of the site.

Written questions come from course/questions/<lang>.toml; the "which stage?"
and "what next?" questions are computed from course/profiles.toml with
`classifier.classify()`, so their answers are the engine's.

    >>> from course import lesson_check
    >>> 3 <= len(lesson_check("it", "roles")) <= 5
    True
"""

from ._course import bank, lesson_check, objectives, ui, validate
from ._model import LESSONS, TOPICS, Choice, CourseError, Question

__all__ = [
    "LESSONS",
    "TOPICS",
    "Choice",
    "CourseError",
    "Question",
    "bank",
    "lesson_check",
    "objectives",
    "ui",
    "validate",
]
