"""MkDocs hook: the course on the site, rendered at build time from `course`.

* ``on_config``: ``course.validate()``; any problem stops the build, so a
  broken question file never reaches a learner.
* ``on_page_content``: on each lesson page (``course.LESSONS``), in every
  language, the objectives in a titled box right under the H1 and the
  knowledge check at the end (``data-knowledge-check``, one ``data-question``
  per question, fieldset and radios, the why of every choice in data
  attributes, a printed answer key), kept out of the search index so that a
  search never shows an answer. Its headings carry no id: Material's search
  would start an (empty) result at any heading with an id, excluded or not.
  Every page gets the few words the navigation marks need (``data-course``).
* ``on_page_context``: on each language's home page, the
  ``<!-- course-progress -->`` marker becomes the progress block, with the
  lessons' titles and addresses from the navigation.

The page script (docs/assets/javascripts/knowledge-check.js) checks answers,
keeps progress in localStorage only and marks the navigation; no inline
script (the site's Content-Security-Policy forbids it). Kept under overrides/
so that ``funnel-coach serve`` rebuilds when it changes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

import course

MARKER = "<!-- course-progress -->"
H1_END = re.compile(r"</h1>", re.I)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def on_config(config: Any) -> Any:
    problems = course.validate()
    if problems:
        raise PluginError("The course does not validate:\n" + "\n".join(problems))
    return config


def page_language(page: Any, config: Any) -> tuple[str, str]:
    """(language, slug) of a page: docs/<lang>/<slug>.md."""
    parts = page.file.src_uri.split("/")
    lang = parts[0] if len(parts) > 1 else config.theme.get("language", "en")
    return lang, parts[-1].removesuffix(".md")


def _titles(items: Iterable[Any]) -> dict[str, str]:
    """Every heading anchor of a page's table of contents, with its text."""
    found: dict[str, str] = {}
    for item in items:
        found[item.id] = html.unescape(re.sub(r"<[^>]+>", "", item.title))
        found.update(_titles(item.children))
    return found


def objectives_box(lang: str, slug: str) -> str:
    words = course.ui(lang)
    items = "".join(f"<li>{_e(line)}</li>" for line in course.objectives(lang, slug))
    return (
        '<div class="admonition abstract fc-objectives" data-objectives>'
        f'<p class="admonition-title">{_e(words["objectives_title"])}</p>'
        f"<ul>{items}</ul></div>"
    )


def _dom_id(qid: str) -> str:
    return "fc-q-" + re.sub(r"[^a-z0-9-]", "-", qid)


def _question(q: course.Question, titles: Mapping[str, str], words: Mapping[str, str]) -> str:
    qid = _dom_id(q.id)
    described = ""
    profile = ""
    if q.facts:
        lines = [f for f in q.facts if f != words["profile_unknown"]]
        notes = [f for f in q.facts if f == words["profile_unknown"]]
        profile = (
            f'<div class="fc-question__profile" id="{qid}-profile">'
            f"<p>{_e(words['profile_intro'])}</p>"
            f"<ul>{''.join(f'<li>{_e(line)}</li>' for line in lines)}</ul>"
            f"{''.join(f'<p>{_e(note)}</p>' for note in notes)}</div>"
        )
        described = f' aria-describedby="{qid}-profile"'
    choices = "".join(
        f'<label class="fc-choice"><input type="radio" name="{qid}" value="{index}"'
        f' data-why="{_e(choice.why)}"><span>{_e(choice.text)}</span></label>'
        for index, choice in enumerate(q.choices)
    )
    section = titles[q.section]
    return (
        f'<li class="fc-question" id="{qid}" data-question="{_e(q.id)}"'
        f' data-answer="{q.answer}" data-section="{_e(q.section)}"'
        f' data-read-more="{_e(words["read_more"].format(section=section))}">'
        f'<fieldset class="fc-question__set"{described}>'
        f'<legend class="fc-question__legend">{_e(q.question)}</legend>'
        f'{profile}<div class="fc-question__choices">{choices}</div></fieldset>'
        f'<button type="button" class="md-button fc-question__submit">'
        f"{_e(words['submit'])}</button>"
        f'<div class="fc-question__feedback" role="status" aria-live="polite"></div>'
        "</li>"
    )


def knowledge_check(lang: str, slug: str, titles: Mapping[str, str]) -> str:
    words = course.ui(lang)
    questions = course.lesson_check(lang, slug)
    key = "".join(
        f"<li><strong>{_e(q.choices[q.answer].text)}</strong>: {_e(q.explanation)}</li>"
        for q in questions
    )
    texts = {
        "correct": words["correct"],
        "incorrect": words["incorrect"],
        "right-answer": words["right_answer"],
        "choose-first": words["choose_first"],
        "score": words["score"],
        "passed": words["passed"],
    }
    data = "".join(f' data-{name}="{_e(value)}"' for name, value in texts.items())
    return (
        f'<section class="fc-check" data-knowledge-check data-lesson="{slug}" data-search-exclude'
        f"{data}>"
        f'<h2 class="fc-check__title">{_e(words["check_title"])}</h2>'
        f'<p class="fc-check__intro">{_e(words["check_intro"])}</p>'
        f'<noscript><p class="fc-check__noscript">{_e(words["check_noscript"])}</p></noscript>'
        f'<ol class="fc-check__questions">'
        f"{''.join(_question(q, titles, words) for q in questions)}</ol>"
        f'<p class="fc-check__status" role="status" aria-live="polite"></p>'
        f'<div class="fc-answer-key"><h2 class="fc-answer-key__title">'
        f"{_e(words['answer_key_title'])}</h2><ol>{key}</ol></div>"
        "</section>"
    )


def course_words(lang: str) -> str:
    """What the navigation marks need on every page: the lessons and two words."""
    words = course.ui(lang)
    return (
        f'<div class="fc-course" hidden data-course data-search-exclude'
        f' data-lessons="{" ".join(course.LESSONS)}"'
        f' data-label-read="{_e(words["status_read"])}"'
        f' data-label-passed="{_e(words["status_passed"])}"></div>'
    )


def on_page_content(output: str, page: Any, config: Any, files: Any) -> str:
    lang, slug = page_language(page, config)
    if slug in course.LESSONS:
        titles = _titles(page.toc)
        match = H1_END.search(output)
        if match is None:
            raise PluginError(f"{page.file.src_uri}: a lesson page needs its H1")
        output = (
            output[: match.end()]
            + objectives_box(lang, slug)
            + output[match.end() :]
            + knowledge_check(lang, slug, titles)
        )
    return output + course_words(lang)


def progress_block(lang: str, page: Any, nav: Any) -> str:
    words = course.ui(lang)
    lessons = {
        p.file.src_uri.split("/")[-1].removesuffix(".md"): p
        for p in nav.pages
        if p.file.src_uri.startswith(f"{lang}/")
    }
    items = []
    for slug in course.LESSONS:
        lesson = lessons[slug]
        href = get_relative_url(lesson.url or ".", page.url or ".")
        items.append(
            f'<li data-lesson="{slug}"><a href="{_e(href)}">{_e(lesson.title)}</a>'
            f' <span class="fc-progress__status" data-status>{_e(words["status_new"])}</span>'
            "</li>"
        )
    total = len(course.LESSONS)
    labels = {
        "new": words["status_new"],
        "read": words["status_read"],
        "passed": words["status_passed"],
        "lessons-read": words["lessons_read"],
        "checks-passed": words["checks_passed"],
        "reset-done": words["reset_done"],
    }
    data = "".join(f' data-label-{name}="{_e(value)}"' for name, value in labels.items())
    return (
        f'<section class="fc-progress" data-course-progress hidden data-search-exclude'
        f"{data}>"
        f'<h2 class="fc-progress__title">{_e(words["progress_title"])}</h2>'
        f'<p class="fc-progress__intro">{_e(words["progress_intro"])}</p>'
        f'<ul class="fc-progress__counts">'
        f'<li data-count="read">{_e(words["lessons_read"].format(n=0, total=total))}</li>'
        f'<li data-count="passed">{_e(words["checks_passed"].format(n=0, total=total))}</li>'
        f'</ul><ol class="fc-progress__lessons">{"".join(items)}</ol>'
        f'<button type="button" class="md-button fc-progress__reset" data-reset>'
        f"{_e(words['reset_progress'])}</button>"
        f'<p class="fc-progress__message" role="status" aria-live="polite"></p>'
        "</section>"
    )


def on_page_context(context: dict[str, Any], page: Any, config: Any, nav: Any) -> Any:
    lang, slug = page_language(page, config)
    if slug != "index":
        return context
    if MARKER not in page.content:
        raise PluginError(f"{page.file.src_uri}: the home page needs the {MARKER} marker")
    page.content = page.content.replace(MARKER, progress_block(lang, page, nav), 1)
    return context
