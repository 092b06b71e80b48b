"""The course's public functions: the bank of one language, a lesson's check,
its objectives, the UI words, and a validation of everything at once."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Final

from classifier import languages

from ._generate import profile_questions
from ._load import (
    LanguageFile,
    Sources,
    check_language,
    read_language,
    read_profiles,
    read_ui,
)
from ._model import LESSONS, CourseError, Question

#: Questions every language must have (written and generated together).
MIN_QUESTIONS: Final = 60
#: Questions in each lesson's knowledge check.
CHECK_SIZE: Final = (3, 5)
#: Share of written questions whose right answer may sit at one position.
MAX_SAME_POSITION: Final = 0.6
ANCHOR: Final = re.compile(r"^#{1,6}\s.*\{\s*#([\w-]+)\s*\}\s*$")


def build_bank(lang: str, sources: Sources) -> tuple[Question, ...]:
    """Every question of `lang`: the written ones, then two per profile."""
    check_language(lang)
    written = read_language(lang, sources).questions
    words = read_ui(sources)[lang]
    profiles, distractors = read_profiles(sources)
    generated = [q for p in profiles for q in profile_questions(p, distractors, lang, words)]
    return (*written, *generated)


@cache
def _language(lang: str) -> LanguageFile:
    return read_language(check_language(lang), Sources())


@cache
def bank(lang: str) -> tuple[Question, ...]:
    """Every question of the language, checked; CourseError for a broken file."""
    return build_bank(lang, Sources())


def lesson_check(lang: str, page: str) -> tuple[Question, ...]:
    """The questions at the end of a lesson, in the bank's order."""
    if page not in LESSONS:
        raise CourseError(f"{page!r} is not a lesson; one of {', '.join(LESSONS)}")
    return tuple(q for q in bank(lang) if q.check and q.page == page)


def objectives(lang: str, page: str) -> tuple[str, ...]:
    """What the learner can do after the lesson, in the language."""
    if page not in LESSONS:
        raise CourseError(f"{page!r} is not a lesson; one of {', '.join(LESSONS)}")
    return _language(lang).objectives[page]


@cache
def _ui() -> dict[str, dict[str, str]]:
    return read_ui(Sources())


def ui(lang: str) -> Mapping[str, str]:
    """The words of the knowledge checks and the progress block, in the language."""
    return MappingProxyType(_ui()[check_language(lang)])


def anchors(page: Path) -> set[str]:
    """The `{ #slug }` anchors of a page's headings."""
    found: set[str] = set()
    fenced = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        match = None if fenced else ANCHOR.match(line)
        if match:
            found.add(match.group(1))
    return found


def check_bank(sources: Sources) -> list[str]:
    """Every problem of the course files under `sources`, across languages."""
    problems: list[str] = []
    banks: dict[str, tuple[Question, ...]] = {}
    for lang in languages():
        try:
            banks[lang] = build_bank(lang, sources)
        except CourseError as error:
            if str(error) not in problems:
                problems.append(str(error))
    reference = banks.get("en")
    for lang, questions in banks.items():
        path = sources.language_file(lang)
        by_id = {q.id: q for q in questions}
        if reference is not None and lang != "en":
            english = {q.id: q for q in reference}
            for qid in sorted(set(english) - set(by_id)):
                problems.append(f"{path}: question {qid!r} is missing (English has it)")
            for qid in sorted(set(by_id) - set(english)):
                problems.append(f"{path}: question {qid!r} is not in English")
            for qid in sorted(set(english) & set(by_id)):
                mine, theirs = by_id[qid], english[qid]
                for key in ("topic", "check"):  # writers may pick the section
                    if getattr(mine, key) != getattr(theirs, key):
                        problems.append(
                            f"{path}: question {qid!r}: {key} {getattr(mine, key)!r} differs "
                            f"from English {getattr(theirs, key)!r}"
                        )
        if len(questions) < MIN_QUESTIONS:
            problems.append(
                f"{path}: {len(questions)} questions with the generated ones; "
                f"at least {MIN_QUESTIONS} are needed"
            )
        low, high = CHECK_SIZE
        for lesson in LESSONS:
            size = sum(1 for q in questions if q.check and q.page == lesson)
            if not low <= size <= high:
                problems.append(
                    f"{path}: lesson {lesson!r} has {size} check questions; {low} to {high}"
                )
        written = [q for q in questions if q.profile is None]
        if written:
            position, count = Counter(q.answer for q in written).most_common(1)[0]
            if count > MAX_SAME_POSITION * len(written):
                problems.append(
                    f"{path}: {count} of {len(written)} right answers are choice "
                    f"{position + 1}; vary the position"
                )
        if sources.docs.is_dir():
            for q in questions:
                page = sources.docs / lang / f"{q.page}.md"
                if not page.is_file():
                    problems.append(f"{path}: question {q.id!r}: no page {page}")
                elif q.section not in anchors(page):
                    problems.append(
                        f"{path}: question {q.id!r}: section {q.section!r} is not a heading "
                        f"anchor of {page}"
                    )
    return problems


def validate() -> list[str]:
    """Every problem of the course, across languages (empty when all is well)."""
    return check_bank(Sources())
