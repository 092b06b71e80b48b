"""The course beside the engine: lesson objectives, knowledge checks and the
question bank, in every language of the site.

Written questions come from course/questions/<lang>.toml; the "which stage?"
and "what next?" questions are computed from course/profiles.toml with
`classifier.classify()`, so their answers are the engine's. Certificates of
the final assessment are signed codes that carry everything they state.

    >>> from course import lesson_check
    >>> 3 <= len(lesson_check("it", "roles")) <= 5
    True
"""

from ._certificate import (
    NAME_MAX,
    Certificate,
    CertificateError,
    certificate,
    issue,
    secret_path,
    server_secret,
    sign,
    verify,
)
from ._course import bank, lesson_check, objectives, ui, validate
from ._model import LESSONS, TOPICS, Choice, CourseError, Question

__all__ = [
    "LESSONS",
    "NAME_MAX",
    "TOPICS",
    "Certificate",
    "CertificateError",
    "Choice",
    "CourseError",
    "Question",
    "bank",
    "certificate",
    "issue",
    "lesson_check",
    "objectives",
    "secret_path",
    "server_secret",
    "sign",
    "ui",
    "validate",
    "verify",
]
