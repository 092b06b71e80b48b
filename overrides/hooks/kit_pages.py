"""MkDocs hook: the trainer's printables, rendered at build time.

* ``cards``: the ``<!-- scenario-cards -->`` marker becomes one card per story
  of the practice bank (``classifier.scenarios()``), each an ``<article
  data-card>`` with its front (title, story, difficulty, model) and its back
  (the verdict of ``classifier.classify()`` in the page's language and the
  reasoning rendered from the verdict's trace, as the app's practice feedback
  does). Nothing on a card is written by hand, so a card cannot disagree with
  the engine. A card is a strip to fold: front on the left, back on the right,
  two strips to a printed page (see docs/assets/stylesheets/printables.css).
* ``cheat-sheet``: the page is wrapped in ``data-cheat-sheet`` so the print
  style sheet can fit it on one sheet.

The words around the verdict come from ``course.ui`` (course/ui.toml, checked
in every language); the labels of stages, phases, temperatures, criteria and
next actions from the classifier's catalogs. Kept under overrides/ so that
``funnel-coach serve`` rebuilds when it changes.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from mkdocs.exceptions import PluginError

import course
from app.reasoning import deciding, evidence
from classifier import Scenario, Verdict, classify, label, scenarios

CARDS_MARKER = "<!-- scenario-cards -->"
ICONS = {"met": "✓", "unmet": "✗", "unknown": "?"}


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def colon(lang: str) -> str:
    """French puts a narrow no-break space before a colon (as the app does)."""
    return "\u202f: " if lang == "fr" else ": "


def reasoning(item: Scenario, verdict: Verdict, words: Mapping[str, str]) -> str:
    """The criteria with their outcome and sentence, and the phrase of the story
    each was read from (or that the story does not say it), as the app's practice
    feedback shows them: an easy story the criteria that decide its stage, a
    harder one every criterion."""
    lang = verdict.lang
    only = {c.id for c in deciding(verdict)}
    lines = []
    for shown, quoted in evidence(verdict, item.text(lang).facts, only):
        name = label("criterion", shown.id, lang)
        notes = [words["card_in_story"].format(phrase=phrase) for phrase in quoted]
        if not quoted and shown.outcome == "unknown":
            notes = [words["card_not_in_story"].format(criterion=name)]
        lines.append(
            f'<li class="fc-{shown.outcome}" data-criterion="{shown.id}"'
            f' data-outcome="{shown.outcome}">'
            f'<span aria-hidden="true">{ICONS[shown.outcome]}</span> <strong>{_e(name)}</strong>'
            f" ({_e(label('outcome', shown.outcome, lang))}){_e(colon(lang))}{_e(shown.text)}"
            + "".join(f'<span class="fc-card__quote">{_e(note)}</span>' for note in notes)
            + "</li>"
        )
    return f'<ul class="fc-card__criteria">{"".join(lines)}</ul>'


def verdict_rows(verdict: Verdict, words: Mapping[str, str]) -> str:
    """Stage, phase, temperature (prospects only) and next action, as a list of terms."""
    lang = verdict.lang
    rows = [
        ("card_stage", label("stage", verdict.stage, lang), "stage", verdict.stage),
        ("card_phase", label("phase", verdict.phase, lang), "phase", verdict.phase),
    ]
    if verdict.temperature:
        rows.append(
            (
                "card_temperature",
                label("temperature", verdict.temperature, lang),
                "temperature",
                verdict.temperature,
            )
        )
    action = verdict.next_action.id
    rows.append(("card_next_action", label("next_action", action, lang), "next-action", action))
    return (
        '<dl class="fc-card__verdict">'
        + "".join(
            f'<div data-{kind}="{_e(value)}"><dt>{_e(words[key] + colon(lang))}</dt>'
            f"<dd>{_e(text)}</dd></div>"
            for key, text, kind, value in rows
        )
        + "</dl>"
    )


def card(item: Scenario, number: int, total: int, lang: str) -> str:
    """One card: the story on the front, the engine's answer and reasoning on the back."""
    words = course.ui(lang)
    text = item.text(lang)
    verdict = classify(item.profile, model=item.model, lang=lang)
    sep = _e(colon(lang))
    missing = (
        "<ul>" + "".join(f"<li>{_e(m.text)}</li>" for m in verdict.missing) + "</ul>"
        if verdict.missing
        else f"<p>{_e(words['card_nothing_missing'])}</p>"
    )
    number_text = words["card_number"].format(n=number, total=total)
    return (
        f'<article class="fc-card" data-card="{_e(item.id)}" id="card-{_e(item.id)}"'
        f' aria-labelledby="card-{_e(item.id)}-title">'
        '<div class="fc-card__front">'
        f'<p class="fc-card__meta"><span>{_e(number_text)}</span>'
        f"<span>{_e(words['card_difficulty'])}{sep}{_e(words[f'level_{item.level}'])}</span>"
        f"<span>{_e(words['card_model'])}{sep}{_e(label('model', item.model, lang))}</span></p>"
        f'<h3 class="fc-card__title" id="card-{_e(item.id)}-title">{_e(text.title)}</h3>'
        f'<p class="fc-card__story">{_e(text.story)}</p>'
        "</div>"
        # A section, not a div: Material's search skips an excluded element up to the
        # first closing tag of the same name, and the back holds divs.
        f'<section class="fc-card__back" data-search-exclude>'
        f'<p class="fc-card__fold" aria-hidden="true">{_e(words["card_fold"])}</p>'
        f'<h4 class="fc-card__answer">{_e(words["card_answer"])}</h4>'
        f"{verdict_rows(verdict, words)}"
        f'<p class="fc-card__summary">{_e(verdict.summary)}</p>'
        f'<p class="fc-card__label">{_e(words["card_why"])}</p>'
        f"{reasoning(item, verdict, words)}"
        f'<p class="fc-card__label">{_e(words["card_missing"])}</p>{missing}'
        "</section></article>"
    )


def deck(lang: str) -> str:
    """Every story of the bank as a card, in the bank's order."""
    items = scenarios()
    cards = "".join(card(item, n, len(items), lang) for n, item in enumerate(items, 1))
    return f'<div class="fc-deck" data-deck data-cards="{len(items)}">{cards}</div>'


def on_page_content(output: str, page: Any, config: Any, files: Any) -> str:
    parts = page.file.src_uri.split("/")
    lang = parts[0] if len(parts) > 1 else config.theme.get("language", "en")
    slug = parts[-1].removesuffix(".md")
    if slug == "cards":
        if output.count(CARDS_MARKER) != 1:
            raise PluginError(f"{page.file.src_uri}: the page needs one {CARDS_MARKER} marker")
        return output.replace(CARDS_MARKER, deck(lang))
    if slug == "cheat-sheet":
        return f'<div class="fc-cheat-sheet" data-cheat-sheet>{output}</div>'
    return output
