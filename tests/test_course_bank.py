"""The course's question bank: the same questions in every language, each one
answerable from the section it names, and the stage questions answered by
the classifier itself (recomputed here, never copied from the bank)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import LANGS, ROOT

import course
from classifier import NEXT_ACTIONS, STAGES, classify, describe_value, label, models
from course._course import check_bank
from course._load import Sources, read_language

COURSE = ROOT / "course"
DOCS = ROOT / "docs"
HEADING = re.compile(r"^#{1,6}\s.*\{\s*#([\w-]+)\s*\}\s*$", re.M)


def profiles() -> list[dict[str, Any]]:
    data = tomllib.loads((COURSE / "profiles.toml").read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = data["profile"]
    return found


def page_anchors(lang: str, page: str) -> set[str]:
    return set(HEADING.findall((DOCS / lang / f"{page}.md").read_text(encoding="utf-8")))


def test_the_course_validates() -> None:
    assert course.validate() == []


def test_public_api() -> None:
    assert course.LESSONS == (
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
    assert (*course.LESSONS, "stage", "next-action") == course.TOPICS
    for name in course.__all__:
        assert getattr(course, name) is not None


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_has_the_same_ids_as_english(lang: str) -> None:
    english = [q.id for q in course.bank("en")]
    assert [q.id for q in course.bank(lang)] == english
    assert len(set(english)) == len(english)


@pytest.mark.parametrize("lang", LANGS)
def test_at_least_60_questions_per_language(lang: str) -> None:
    written = read_language(lang, Sources()).questions
    generated = 2 * len(profiles())
    assert len(course.bank(lang)) == len(written) + generated
    assert len(written) + generated >= 60, (lang, len(written), generated)


@pytest.mark.parametrize("lang", LANGS)
def test_answers_in_range_and_a_why_for_every_choice(lang: str) -> None:
    for q in course.bank(lang):
        assert q.lang == lang
        assert q.topic in course.TOPICS
        assert 2 <= len(q.choices) <= 6, q.id
        assert 0 <= q.answer < len(q.choices), q.id
        assert all(c.text.strip() and c.why.strip() for c in q.choices), q.id
        assert len({c.text for c in q.choices}) == len(q.choices), q.id
        assert q.question.strip(), q.id
        data = q.as_json()
        assert data["explanation"] == q.choices[q.answer].why
        assert data["whys"] == [c.why for c in q.choices]
        assert data["choices"] == [c.text for c in q.choices]
        assert {"id", "lang", "topic", "page", "section", "answer"} <= set(data)


@pytest.mark.parametrize("lang", LANGS)
def test_three_to_five_checks_per_lesson(lang: str) -> None:
    for lesson in course.LESSONS:
        check = course.lesson_check(lang, lesson)
        assert 3 <= len(check) <= 5, (lang, lesson, len(check))
        assert all(q.check and q.page == lesson for q in check)
        # The same questions in every language.
        assert [q.id for q in check] == [q.id for q in course.lesson_check("en", lesson)]


@pytest.mark.parametrize("lang", LANGS)
def test_every_section_is_an_anchor_of_its_page(lang: str) -> None:
    for q in course.bank(lang):
        assert q.page in course.LESSONS, q.id
        assert q.section in page_anchors(lang, q.page), (lang, q.id, q.page, q.section)


@pytest.mark.parametrize("lang", LANGS)
def test_objectives_and_ui_words(lang: str) -> None:
    for lesson in course.LESSONS:
        lines = course.objectives(lang, lesson)
        assert 2 <= len(lines) <= 4 and all(line.strip() for line in lines), (lang, lesson)
    words = course.ui(lang)
    assert set(words) == set(course.ui("en"))
    if lang != "en":
        same = [k for k in words if words[k] == course.ui("en")[k]]
        assert not same, (lang, same)  # written in the language, never English


@pytest.mark.parametrize("lang", LANGS)
def test_right_answers_are_not_always_in_the_same_place(lang: str) -> None:
    written = [q for q in course.bank(lang) if q.profile is None]
    places = Counter(q.answer for q in written)
    assert len(places) >= 3 and max(places.values()) <= 0.6 * len(written), places


@pytest.mark.parametrize("lang", LANGS)
def test_stage_and_next_answers_are_the_classifiers(lang: str) -> None:
    by_id = {q.id: q for q in course.bank(lang)}
    for profile in profiles():
        verdict = classify(profile["fields"], model=profile["model"], lang=lang)
        stage = by_id[f"stage.{profile['id']}"]
        assert stage.choices[stage.answer].text == label("stage", verdict.stage, lang)
        assert stage.explanation == verdict.summary
        assert stage.page == profile["topic"] and stage.section == profile["section"]
        assert stage.profile == profile["fields"] and stage.model == profile["model"]
        assert stage.check == ("check" in profile)
        shown = [label("stage", s, lang) for s in STAGES]
        assert all(c.text in shown for c in stage.choices)
        action = by_id[f"next.{profile['id']}"]
        right = verdict.next_action.id
        assert action.choices[action.answer].text == label("next_action", right, lang)
        assert action.explanation.startswith(verdict.next_action.text)
        assert len(action.choices) == 4
        # Each wrong choice is explained by the verdict, never as right.
        for q in (stage, action):
            for index, choice in enumerate(q.choices):
                if index != q.answer:
                    assert choice.why != q.explanation
                    assert choice.text in choice.why, (lang, q.id, choice)
        # The profile is shown as the classifier says each value.
        for name, value in profile["fields"].items():
            assert describe_value(name, value, lang) in stage.facts
        assert stage.facts == action.facts


def test_profiles_cover_every_stage_model_and_next_action() -> None:
    verdicts = [classify(p["fields"], model=p["model"]) for p in profiles()]
    assert 13 <= len(verdicts) <= 16
    assert {v.stage for v in verdicts} == set(STAGES)
    assert {v.temperature for v in verdicts if v.stage == "prospect"} == {"hot", "cold"}
    purchases = {p["fields"].get("purchases") for p in profiles()}
    assert 1 in purchases and any(isinstance(n, int) and n >= 2 for n in purchases)
    assert any(v.out_of_target for v in verdicts)
    assert any(p["fields"].get("consent") == "withdrawn" for p in profiles())
    assert {p["model"] for p in profiles()} == set(models())
    assert {v.next_action.id for v in verdicts} == set(NEXT_ACTIONS)


def test_a_stage_question_in_the_checks_of_three_lessons() -> None:
    checked = {p["check"] for p in profiles() if "check" in p}
    assert checked == {"roles", "qualification", "lead-vs-prospect"}
    for lesson in checked:
        assert [q.topic for q in course.lesson_check("en", lesson)].count("stage") == 1


# Broken files: a copy of the course files, broken one way at a time.


@pytest.fixture
def copy(tmp_path: Path) -> Sources:
    shutil.copytree(COURSE / "questions", tmp_path / "questions")
    shutil.copy(COURSE / "profiles.toml", tmp_path / "profiles.toml")
    shutil.copy(COURSE / "ui.toml", tmp_path / "ui.toml")
    return Sources(
        questions=tmp_path / "questions",
        profiles=tmp_path / "profiles.toml",
        ui=tmp_path / "ui.toml",
        docs=DOCS,
    )


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def first_question(path: Path) -> tuple[str, str]:
    """The id line and answer line of the first question of a language file."""
    text = path.read_text(encoding="utf-8")
    block = text[text.index("[[question]]") :]
    qid = re.search(r'^id = "([^"]+)"', block, re.M)
    answer = re.search(r"^answer = \d+", block, re.M)
    assert qid and answer
    return qid.group(1), answer.group(0)


def test_the_copy_is_clean(copy: Sources) -> None:
    assert check_bank(copy) == []


@pytest.mark.parametrize("lang", ["it", "pt"])
def test_an_answer_out_of_range_names_the_file_and_the_id(copy: Sources, lang: str) -> None:
    path = copy.language_file(lang)
    qid, answer = first_question(path)
    edit(path, answer, "answer = 7")
    with pytest.raises(course.CourseError) as error:
        course._course.build_bank(lang, copy)
    assert str(path) in str(error.value) and repr(qid) in str(error.value)
    assert "out of range" in str(error.value)
    assert any(str(path) in p for p in check_bank(copy))


def test_a_missing_why_names_the_file_and_the_id(copy: Sources) -> None:
    path = copy.language_file("fr")
    text = path.read_text(encoding="utf-8")
    block = text[text.index("[[question]]") :]
    qid = re.search(r'^id = "([^"]+)"', block, re.M)
    assert qid
    why = re.search(r'why = "[^"]*"', block)
    assert why
    edit(path, why.group(0), 'why = ""')
    with pytest.raises(course.CourseError, match=re.escape(repr(qid.group(1)))) as error:
        course._course.build_bank("fr", copy)
    assert str(path) in str(error.value) and "no why" in str(error.value)


def test_bad_toml_names_the_file(copy: Sources) -> None:
    path = copy.language_file("es")
    path.write_text(path.read_text(encoding="utf-8") + "\n[[question]\n", encoding="utf-8")
    with pytest.raises(course.CourseError, match="not valid TOML") as error:
        course._course.build_bank("es", copy)
    assert str(path) in str(error.value)


def test_a_broken_profile_names_profiles_toml_and_the_profile(copy: Sources) -> None:
    edit(copy.profiles, 'consent = "none"', 'consent = "maybe"')
    with pytest.raises(course.CourseError) as error:
        course._course.build_bank("en", copy)
    message = str(error.value)
    assert str(copy.profiles) in message and "'registered-no-consent'" in message
    assert "consent" in message and "maybe" in message


def test_a_missing_ui_word_names_the_language_and_key(copy: Sources) -> None:
    edit(copy.ui, 'reset_done = "Se borró tu avance."\n', "")
    problems = check_bank(copy)
    assert any("[es] reset_done: missing" in p for p in problems), problems


def test_a_question_missing_in_one_language_is_reported(copy: Sources) -> None:
    path = copy.language_file("pt")
    qid, _ = first_question(path)
    edit(path, f'id = "{qid}"', f'id = "{qid}-renamed"')
    problems = check_bank(copy)
    assert any(str(path) in p and repr(qid) in p and "missing" in p for p in problems)


def test_fewer_than_60_questions_fail_validation(copy: Sources) -> None:
    path = copy.language_file("it")
    text = path.read_text(encoding="utf-8")
    blocks = text.split("[[question]]")
    # The objectives and the first 20 questions, with the 32 generated ones: 52.
    kept = blocks[1:21]
    path.write_text(blocks[0] + "".join("[[question]]" + b for b in kept), encoding="utf-8")
    problems = check_bank(copy)
    assert any(str(path) in p and "at least 60" in p for p in problems), problems


def test_a_section_that_is_not_an_anchor_is_reported(copy: Sources) -> None:
    path = copy.language_file("en")
    edit(path, 'section = "five-phases"', 'section = "six-phases"')
    problems = check_bank(copy)
    assert any("six-phases" in p and "buyers-journey.order" in p for p in problems), problems


def test_a_lesson_with_too_few_checks_is_reported(copy: Sources) -> None:
    path = copy.language_file("en")
    text = path.read_text(encoding="utf-8")
    start = text.index('topic = "consent"')
    path.write_text(
        text[:start] + text[start:].replace("check = true", "check = false", 3), encoding="utf-8"
    )
    problems = check_bank(copy)
    assert any("'consent' has" in p for p in problems), problems


def test_the_course_stays_beside_the_engine() -> None:
    """course imports the classifier's public API; the engine never imports course
    (the command line's assessment and certificate commands import it when they run:
    see tests/test_cli_certificate.py, which checks that importing the CLI loads no course)."""
    for path in (ROOT / "classifier").rglob("*.py"):
        lazy = path.name == "_cli.py"
        pattern = r"^(from|import) course" if lazy else r"^\s*(from|import) course"
        assert not re.search(pattern, path.read_text(), re.M), path
    for path in COURSE.rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"^\s*(from|import) (app|streamlit)\b", text, re.M), path
        assert not re.search(r"from classifier\._", text), path
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, course; course.bank('it'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('app', 'streamlit')))",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert done.stdout.strip() == "[]"


def test_describe_value_says_a_value_as_the_verdicts_do() -> None:
    from classifier import ProfileError

    verdict = classify({"identified": True, "consent": "withdrawn"}, lang="fr")
    said = describe_value("consent", "withdrawn", "fr")
    assert any(said in c.text for c in verdict.criteria)
    with pytest.raises(KeyError):
        describe_value("channel", "email")
    with pytest.raises(ProfileError):
        describe_value("need", "urgent")
    with pytest.raises(ValueError):
        describe_value("budget", None)
