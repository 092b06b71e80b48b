"""The course in the built site: objectives under each lesson's title, a
knowledge check at its end, the progress block on each home page; and a
build that stops when the course does not validate."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import LANGS, PAGES, ROOT

import course


def built(site: Path, lang: str, page: str) -> str:
    base = site if lang == "en" else site / lang
    path = base / "index.html" if page == "index" else base / page / "index.html"
    return path.read_text(encoding="utf-8")


class Tree(HTMLParser):
    """The elements of a page, flat, each with its attributes and its text."""

    VOID = frozenset({"input", "br", "img", "meta", "link", "hr", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[dict[str, Any]] = []
        self.open: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = {
            "tag": tag,
            "attrs": {k: (v or "") for k, v in attrs},
            "text": "",
            "parents": [e["tag"] + "." + e["attrs"].get("class", "") for e in self.open],
            "within": [e for e in self.open],
        }
        self.elements.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index]["tag"] == tag:
                del self.open[index:]
                break

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element["text"] += data

    def find(self, test: Any) -> list[dict[str, Any]]:
        return [e for e in self.elements if test(e)]


def tree(text: str) -> Tree:
    parsed = Tree()
    parsed.feed(text)
    return parsed


def article(text: str) -> str:
    return text.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>")[0]


def within(element: dict[str, Any], ancestor: dict[str, Any]) -> bool:
    return any(e is ancestor for e in element["within"])


def inside(page: Tree, ancestor: dict[str, Any], tag: str) -> list[dict[str, Any]]:
    """The `tag` elements inside `ancestor`, in page order."""
    return page.find(lambda e: e["tag"] == tag and within(e, ancestor))


@pytest.mark.parametrize("lang", LANGS)
def test_every_lesson_has_its_objectives_under_the_title(site: Path, lang: str) -> None:
    words = course.ui(lang)
    for lesson in course.LESSONS:
        main = article(built(site, lang, lesson))
        # Right under the H1: nothing but the box between them.
        after = main.split("</h1>", 1)[1]
        assert after.startswith('<div class="admonition abstract fc-objectives"'), (lang, lesson)
        page = tree(main)
        boxes = page.find(lambda e: "data-objectives" in e["attrs"])
        assert len(boxes) == 1, (lang, lesson)
        title = page.find(lambda e: e["attrs"].get("class") == "admonition-title")[0]
        assert title["text"] == words["objectives_title"]
        items = [e["text"] for e in inside(page, boxes[0], "li")]
        assert items == list(course.objectives(lang, lesson)), (lang, lesson)


@pytest.mark.parametrize("lang", LANGS)
def test_every_lesson_ends_with_its_knowledge_check(site: Path, lang: str) -> None:
    words = course.ui(lang)
    for lesson in course.LESSONS:
        main = article(built(site, lang, lesson))
        page = tree(main)
        checks = page.find(lambda e: "data-knowledge-check" in e["attrs"])
        assert len(checks) == 1, (lang, lesson)
        check = checks[0]
        assert check["attrs"]["data-lesson"] == lesson
        # At the end of the lesson: no page content after it.
        tail = main.rsplit("</section>", 1)[1]
        assert not re.sub(r"<div class=\"fc-course\"[^>]*></div>", "", tail).strip(), tail[:200]
        items = page.find(lambda e: "data-question" in e["attrs"])
        assert 3 <= len(items) <= 5, (lang, lesson, len(items))
        expected = course.lesson_check(lang, lesson)
        assert [i["attrs"]["data-question"] for i in items] == [q.id for q in expected]
        ids = {e["attrs"]["id"] for e in page.find(lambda e: "id" in e["attrs"])}
        for item, q in zip(items, expected, strict=True):
            assert item["attrs"]["data-answer"] == str(q.answer)
            assert item["attrs"]["data-section"] == q.section and q.section in ids
            legend = inside(page, item, "legend")
            assert len(legend) == 1 and legend[0]["text"] == q.question
            assert inside(page, item, "fieldset")
            radios = inside(page, item, "input")
            assert [r["attrs"]["type"] for r in radios] == ["radio"] * len(q.choices)
            assert len({r["attrs"]["name"] for r in radios}) == 1
            assert [r["attrs"]["data-why"] for r in radios] == [c.why for c in q.choices]
            labels = inside(page, item, "label")
            assert [label["text"] for label in labels] == [c.text for c in q.choices]
            buttons = inside(page, item, "button")
            assert [b["text"] for b in buttons] == [words["submit"]]
            assert buttons[0]["attrs"]["type"] == "button"
            live = page.find(
                lambda e, i=item: e["attrs"].get("aria-live") == "polite" and within(e, i)
            )
            assert len(live) == 1 and not live[0]["text"].strip()
            if q.facts:  # a stage question shows its profile as a list
                shown = inside(page, item, "li")
                assert [s["text"] for s in shown] == [
                    f for f in q.facts if f != words["profile_unknown"]
                ]
        # The answer key, printed at the end: one line per question.
        keys = page.find(lambda e: e["attrs"].get("class") == "fc-answer-key")
        assert len(keys) == 1
        lines = inside(page, keys[0], "li")
        assert [line["text"] for line in lines] == [
            f"{q.choices[q.answer].text}: {q.explanation}" for q in expected
        ]
        assert "<script" not in main.split("data-knowledge-check", 1)[1]


def test_only_lessons_have_a_check(site: Path) -> None:
    for lang in LANGS:
        for page in PAGES:
            text = built(site, lang, page)
            assert text.count("data-knowledge-check") == (page in course.LESSONS), (lang, page)
            assert text.count("data-objectives") == (page in course.LESSONS), (lang, page)
            # Every page carries the words of the navigation marks and the script.
            marks = tree(text).find(lambda e: "data-course" in e["attrs"])
            assert len(marks) == 1 and marks[0]["attrs"]["data-lessons"].split() == list(
                course.LESSONS
            )
            assert marks[0]["attrs"]["data-label-read"] == course.ui(lang)["status_read"]
            assert re.search(r'<script src="[^"]*assets/javascripts/knowledge-check\.js', text)
            assert re.search(r"<link[^>]+assets/stylesheets/knowledge-check\.css", text)


@pytest.mark.parametrize("lang", LANGS)
def test_the_home_page_has_the_progress_block(site: Path, lang: str) -> None:
    words = course.ui(lang)
    text = built(site, lang, "index")
    assert "<!-- course-progress -->" not in text
    page = tree(article(text))
    blocks = page.find(lambda e: "data-course-progress" in e["attrs"])
    assert len(blocks) == 1
    block = blocks[0]
    assert "hidden" in block["attrs"]  # shown by the script, which keeps the progress
    heading = inside(page, block, "h2")
    assert heading[0]["text"] == words["progress_title"]
    lessons = page.find(lambda e: "data-lesson" in e["attrs"] and within(e, block))
    assert [e["attrs"]["data-lesson"] for e in lessons] == list(course.LESSONS)
    base = site if lang == "en" else site / lang
    for item in lessons:
        link = inside(page, item, "a")[0]
        target = base / link["attrs"]["href"] / "index.html"
        assert target.is_file(), target
        title = re.search(r"<title>(.*?) - Funnel Coach</title>", target.read_text())
        assert title and html.unescape(title.group(1)) == link["text"], (lang, link)
    total = len(course.LESSONS)
    assert words["lessons_read"].format(n=0, total=total) in block["text"]
    assert words["checks_passed"].format(n=0, total=total) in block["text"]
    reset = page.find(lambda e: "data-reset" in e["attrs"])
    assert reset and reset[0]["tag"] == "button" and reset[0]["text"] == words["reset_progress"]
    assert page.find(lambda e: e["attrs"].get("aria-live") == "polite" and within(e, block))


def test_a_broken_course_stops_the_build(tmp_path: Path) -> None:
    """The hook validates the course: a broken question file fails the build,
    naming the file and the question."""
    for name in ("docs", "overrides", "course"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    broken = tmp_path / "course" / "questions" / "es.toml"
    text = broken.read_text(encoding="utf-8")
    qid = re.search(r'^id = "([^"]+)"', text, re.M)
    answer = re.search(r"^answer = \d+", text, re.M)
    assert qid and answer
    broken.write_text(text.replace(answer.group(0), "answer = 9", 1), encoding="utf-8")
    # The copy's course package comes first on the path.
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "out")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "course does not validate" in output and str(broken) in output, output[-2000:]
    assert repr(qid.group(1)) in output


@pytest.mark.parametrize("lang", LANGS)
def test_search_never_shows_a_check_or_its_answers(site: Path, lang: str) -> None:
    import json

    base = site if lang == "en" else site / lang
    docs = json.loads((base / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    index = html.unescape(" ".join(f"{d['title']} {d['text']}" for d in docs))
    titles = {html.unescape(d["title"]).strip() for d in docs}
    words = course.ui(lang)
    # The check's own headings are never a search result (a lesson may still use
    # the word: the French trainers' guide has its "Corrigé" paragraphs).
    for key in ("check_title", "answer_key_title", "progress_title"):
        assert words[key] not in titles, (lang, key)
    assert words["submit"] not in index, lang
    for lesson in course.LESSONS:
        for q in course.lesson_check(lang, lesson):
            assert q.explanation not in index, (lang, q.id)
    # The objectives are lesson content: a search finds them.
    assert course.objectives(lang, "roles")[0] in index
    # No result of the search points into a check or the progress block.
    assert not [d["location"] for d in docs if "#fc-" in d["location"]]
