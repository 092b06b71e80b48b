"""Reading the course's TOML files into questions, objectives and UI words.

Every problem of a file is collected before raising, so a writer fixes a file
in one go; each message names the file and the question (or profile) id.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from classifier import NEXT_ACTIONS, ProfileError, describe_value, languages, models, parse_profile

from ._model import LESSONS, Choice, CourseError, Question

HERE: Final = Path(__file__).resolve().parent
ID: Final = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QUESTION_KEYS: Final = frozenset(
    {"id", "topic", "section", "check", "question", "answer", "choices"}
)
PROFILE_KEYS: Final = frozenset({"id", "topic", "section", "model", "check", "fields"})
#: Objectives per lesson, "after this lesson you can..." lines.
OBJECTIVES: Final = (2, 4)
#: Choices per question.
CHOICES: Final = (2, 6)


@dataclass(frozen=True)
class Sources:
    """Where the course's files are: the package's own, or a copy a test breaks."""

    questions: Path = HERE / "questions"
    profiles: Path = HERE / "profiles.toml"
    ui: Path = HERE / "ui.toml"
    docs: Path = HERE.parent / "docs"

    def language_file(self, lang: str) -> Path:
        return self.questions / f"{lang}.toml"


@dataclass(frozen=True)
class Profile:
    """A profile of profiles.toml: the facts a stage question shows."""

    id: str
    topic: str
    section: str
    model: str
    check: bool
    fields: Mapping[str, object]


@dataclass(frozen=True)
class LanguageFile:
    objectives: Mapping[str, tuple[str, ...]]
    questions: tuple[Question, ...]


def check_language(lang: object) -> str:
    if not isinstance(lang, str) or lang not in languages():
        raise CourseError(
            f"unsupported language {lang!r}; the course speaks {', '.join(languages())}"
        )
    return lang


def read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError(f"{path}: the file is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise CourseError(f"{path}: not valid TOML: {error}") from None


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _question(
    raw: object, index: int, lang: str, problems: list[str], seen: set[str]
) -> Question | None:
    """One [[question]] table, or None with its problems added."""
    if not isinstance(raw, dict):
        problems.append(f"question #{index + 1}: not a table")
        return None
    qid = raw.get("id")
    name = f"question {qid!r}" if _text(qid) else f"question #{index + 1}"
    before = len(problems)

    def problem(text: str) -> None:
        problems.append(f"{name}: {text}")

    if not _text(qid):
        problem("no id")
    elif qid in seen:
        problem("the id is used twice")
    else:
        seen.add(str(qid))
    for key in sorted(set(raw) - QUESTION_KEYS):
        problem(f"unknown key {key!r}; allowed: {', '.join(sorted(QUESTION_KEYS))}")
    topic = raw.get("topic")
    if topic not in LESSONS:
        problem(f"topic {topic!r} is not a lesson; one of {', '.join(LESSONS)}")
    elif _text(qid) and not str(qid).startswith(f"{topic}."):
        problem(f"the id must start with its topic, {topic}.")
    section = raw.get("section")
    if not isinstance(section, str) or not ID.match(section):
        problem(f"section {section!r} is not a heading anchor (like five-phases)")
    check = raw.get("check", False)
    if not isinstance(check, bool):
        problem(f"check must be true or false, not {check!r}")
    if not _text(raw.get("question")):
        problem("no question text")
    choices = raw.get("choices")
    parsed: list[Choice] = []
    if not isinstance(choices, list) or not CHOICES[0] <= len(choices) <= CHOICES[1]:
        problem(f"choices must be a list of {CHOICES[0]} to {CHOICES[1]} tables")
    else:
        for number, choice in enumerate(choices, 1):
            if not isinstance(choice, dict) or set(choice) - {"text", "why"}:
                problem(f"choice {number} must be a table with text and why only")
                continue
            if not _text(choice.get("text")):
                problem(f"choice {number} has no text")
            if not _text(choice.get("why")):
                problem(f"choice {number} has no why")
            parsed.append(Choice(str(choice.get("text", "")), str(choice.get("why", ""))))
        texts = [c.text for c in parsed]
        if len(set(texts)) != len(texts):
            problem("two choices have the same text")
    answer = raw.get("answer")
    if isinstance(answer, bool) or not isinstance(answer, int):
        problem(f"answer must be the 0-based index of the right choice, not {answer!r}")
    elif isinstance(choices, list) and not 0 <= answer < len(choices):
        problem(f"answer {answer} is out of range: 0 to {len(choices) - 1}")
    if len(problems) > before:
        return None
    return Question(
        id=str(qid),
        lang=lang,
        topic=str(topic),
        page=str(topic),
        section=str(section),
        question=str(raw["question"]),
        choices=tuple(parsed),
        answer=int(answer),  # type: ignore[arg-type]
        check=bool(check),
    )


def _objectives(raw: object, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        problems.append("[objectives]: missing; one list per lesson")
        return {}
    found: dict[str, tuple[str, ...]] = {}
    for lesson in sorted(set(raw) - set(LESSONS)):
        problems.append(f"objectives {lesson!r}: not a lesson; one of {', '.join(LESSONS)}")
    for lesson in LESSONS:
        lines = raw.get(lesson)
        low, high = OBJECTIVES
        if (
            not isinstance(lines, list)
            or not low <= len(lines) <= high
            or not all(_text(line) for line in lines)
        ):
            problems.append(f"objectives {lesson!r}: {low} to {high} lines of text")
            continue
        found[lesson] = tuple(str(line) for line in lines)
    return found


def read_language(lang: str, sources: Sources) -> LanguageFile:
    """course/questions/<lang>.toml, checked; CourseError lists every problem."""
    path = sources.language_file(lang)
    data = read_toml(path)
    problems: list[str] = []
    for key in sorted(set(data) - {"objectives", "question"}):
        problems.append(f"unknown table {key!r}; a language file has objectives and question")
    objectives = _objectives(data.get("objectives"), problems)
    raw_questions = data.get("question", [])
    seen: set[str] = set()
    questions: list[Question] = []
    if not isinstance(raw_questions, list):
        problems.append("question: must be an array of tables, [[question]]")
        raw_questions = []
    for index, raw in enumerate(raw_questions):
        question = _question(raw, index, lang, problems, seen)
        if question is not None:
            questions.append(question)
    if problems:
        raise CourseError(f"{path}:\n  " + "\n  ".join(problems))
    return LanguageFile(objectives, tuple(questions))


def read_profiles(sources: Sources) -> tuple[tuple[Profile, ...], dict[str, tuple[str, ...]]]:
    """profiles.toml: the profiles and, per next action, its plausible mix-ups."""
    path = sources.profiles
    data = read_toml(path)
    problems: list[str] = []
    known_models = models()
    profiles: list[Profile] = []
    seen: set[str] = set()
    raw_profiles = data.get("profile", [])
    if not isinstance(raw_profiles, list) or not raw_profiles:
        problems.append("profile: an array of tables, [[profile]], is needed")
        raw_profiles = []
    for index, raw in enumerate(raw_profiles):
        if not isinstance(raw, dict):
            problems.append(f"profile #{index + 1}: not a table")
            continue
        pid = raw.get("id")
        name = f"profile {pid!r}" if _text(pid) else f"profile #{index + 1}"
        before = len(problems)
        if not isinstance(pid, str) or not ID.match(pid):
            problems.append(f"{name}: the id must be a slug (like registered-no-consent)")
        elif pid in seen:
            problems.append(f"{name}: the id is used twice")
        else:
            seen.add(pid)
        for key in sorted(set(raw) - PROFILE_KEYS):
            problems.append(
                f"{name}: unknown key {key!r}; allowed: {', '.join(sorted(PROFILE_KEYS))}"
            )
        topic = raw.get("topic")
        if topic not in LESSONS:
            problems.append(f"{name}: topic {topic!r} is not a lesson; one of {', '.join(LESSONS)}")
        section = raw.get("section")
        if not isinstance(section, str) or not ID.match(section):
            problems.append(f"{name}: section {section!r} is not a heading anchor")
        model = raw.get("model", "funnel")
        if model not in known_models:
            problems.append(f"{name}: model {model!r}; one of {', '.join(known_models)}")
        check = raw.get("check")
        if check is not None and check != topic:
            problems.append(
                f"{name}: check {check!r} must name the profile's own lesson, {topic!r}"
            )
        fields = raw.get("fields")
        if not isinstance(fields, dict) or not fields:
            problems.append(f"{name}: fields must be a table of profile fields")
        else:
            try:
                parse_profile(fields)
            except ProfileError as error:
                problems.extend(f"{name}: {p.message('en')}" for p in error.problems)
            for key, value in fields.items():
                try:
                    describe_value(key, value)
                except KeyError:
                    problems.append(f"{name}: field {key!r} cannot be shown to a learner")
                except (ValueError, ProfileError):
                    pass  # parse_profile said why
        if len(problems) == before:
            profiles.append(
                Profile(str(pid), str(topic), str(section), str(model), check is not None, fields)  # type: ignore[arg-type]
            )
    distractors: dict[str, tuple[str, ...]] = {}
    raw_distractors = data.get("distractors")
    if not isinstance(raw_distractors, dict):
        problems.append("[distractors]: missing; one list per next action")
        raw_distractors = {}
    for action in sorted(set(raw_distractors) - set(NEXT_ACTIONS)):
        problems.append(f"distractors {action!r}: not a next action")
    for action in NEXT_ACTIONS:
        mixups = raw_distractors.get(action)
        if (
            not isinstance(mixups, list)
            or len(mixups) < 3
            or len(set(mixups)) != len(mixups)
            or action in mixups
            or not set(mixups) <= set(NEXT_ACTIONS)
        ):
            problems.append(f"distractors {action!r}: at least 3 other next actions, each once")
            continue
        distractors[action] = tuple(mixups)
    if problems:
        raise CourseError(f"{path}:\n  " + "\n  ".join(problems))
    return tuple(profiles), distractors


def read_ui(sources: Sources) -> dict[str, dict[str, str]]:
    """ui.toml: one table of words per language, every table with the same keys."""
    path = sources.ui
    data = read_toml(path)
    problems: list[str] = []
    tables: dict[str, dict[str, str]] = {}
    for lang in languages():
        table = data.get(lang)
        if not isinstance(table, dict):
            problems.append(f"[{lang}]: missing")
            continue
        bad = sorted(key for key, value in table.items() if not _text(value))
        problems.extend(f"[{lang}] {key}: must be text" for key in bad)
        tables[lang] = {key: str(value) for key, value in table.items()}
    for key in sorted(set(data) - set(languages())):
        problems.append(f"[{key}]: not a language of the course")
    english = tables.get("en", {})
    for lang, table in tables.items():
        for key in sorted(set(english) - set(table)):
            problems.append(f"[{lang}] {key}: missing (English has it)")
        for key in sorted(set(table) - set(english)):
            problems.append(f"[{lang}] {key}: unknown (English does not have it)")
        for key in sorted(set(table) & set(english)):
            if _placeholders(table[key]) != _placeholders(english[key]):
                problems.append(
                    f"[{lang}] {key}: placeholders {sorted(_placeholders(table[key]))} "
                    f"differ from English {sorted(_placeholders(english[key]))}"
                )
    if problems:
        raise CourseError(f"{path}:\n  " + "\n  ".join(problems))
    return tables


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))
