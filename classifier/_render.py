"""Rendering: a trace in, sentences in one language out.

Sentences depend only on (language, message, outcome, the values cited), so
they are memoised on that key: a class of 30 learners, or a CRM export of a
million rows, reuses the same few hundred sentences.
"""

from __future__ import annotations

from functools import lru_cache

from babel.lists import format_list
from babel.support import NullTranslations

from ._engine import CriterionTrace, Evaluation
from ._i18n import load_translations
from ._messages import (
    AT_LEAST_SUFFIX,
    BOOL_FACTS,
    CHOICE_FACTS,
    COUNT_FACTS,
    CRITERION_LABELS,
    CRITERION_SENTENCES,
    INFERRED_IDENTITY,
    INFERRED_INTERACTIONS,
    MISSING_SENTENCES,
    MODEL_LABELS,
    NEXT_ACTION_SENTENCES,
    SCORE_FACT,
    SCORE_FACT_CANNOT_REACH,
    SCORE_FACT_COULD_REACH,
    SCORE_NAMES,
    SUMMARY_CUSTOMER,
    SUMMARY_LEAD,
    SUMMARY_PROSPECT,
    SUMMARY_STRANGER,
    SUMMARY_VISITOR,
    TEMPERATURE_LABELS,
    UNKNOWN_FACTS,
)
from ._profile import Value
from ._rules import MET, UNKNOWN, UNMET, AtLeast, FieldTest, Result, ScoreTest
from ._verdict import CriterionResult, Missing, NextAction, Verdict

# A cited fact: (field or score part, value, outcome, note, min, reason value).
# note is None, "score", "lower_bound" or the field an inferred value came from;
# for a score, the reason value is its best case.
FactKey = tuple[str, Value, str, str | None, int | None, Value]


def _leaves(result: Result) -> list[Result]:
    """The tests that explain `result`: what made it met, unmet or unknown."""
    node = result.node
    if not isinstance(node, AtLeast):
        return [result]
    children = result.children
    if node.kind == "any" or node.kind == "all":
        if result.outcome is MET:
            chosen = [c for c in children if c.outcome is MET]
        elif result.outcome is UNMET:
            chosen = [c for c in children if c.outcome is UNMET]
        else:
            chosen = [c for c in children if c.outcome is not MET]
        children = tuple(chosen) or children
    leaves: list[Result] = []
    for child in children:
        leaves.extend(_leaves(child))
    return leaves


def _fact_keys(trace: CriterionTrace, evaluation: Evaluation) -> tuple[FactKey, ...]:
    profile = evaluation.profile
    keys: list[FactKey] = []
    for leaf in _leaves(trace.result):
        node = leaf.node
        if isinstance(node, ScoreTest):
            fit = node.part == "fit"
            points = evaluation.fit if fit else evaluation.engagement
            best = evaluation.best_fit if fit else evaluation.best_engagement
            keys.append((node.part, points, leaf.outcome, "score", node.min, best))
        elif isinstance(node, FieldTest):
            name = node.field
            value = profile.values[name]
            source = profile.inferred.get(name)
            reason = profile.values[source] if source is not None else None
            if value is None and leaf.outcome is MET and name in profile.lower_bounds:
                source = "lower_bound"
            keys.append((name, value, leaf.outcome, source, node.min, reason))
    return tuple(keys)


def _fact(t: NullTranslations, key: FactKey) -> str:
    name, value, outcome, source, minimum, reason_value = key
    if source == "score":
        label = t.pgettext(*SCORE_NAMES[name])
        template = SCORE_FACT
        if outcome is UNKNOWN:
            template = SCORE_FACT_COULD_REACH
        elif outcome is UNMET and reason_value != value:
            template = SCORE_FACT_CANNOT_REACH
        return t.gettext(template).format(score=label, value=value, min=minimum, best=reason_value)
    if source == "lower_bound":
        return t.gettext(INFERRED_INTERACTIONS)
    if value is None:
        return t.gettext(UNKNOWN_FACTS[name])
    if isinstance(value, bool):
        if source is not None:
            reason = _fact(t, (source, reason_value, MET, None, None, None))
            return t.gettext(INFERRED_IDENTITY).format(reason=reason)
        return t.gettext(BOOL_FACTS[(name, value)])
    if isinstance(value, int):
        singular, plural = COUNT_FACTS[name]
        text = t.ngettext(singular, plural, value).format(n=value)
        if outcome is UNMET and minimum is not None and minimum > 1:
            text = t.gettext(AT_LEAST_SUFFIX).format(fact=text, min=minimum)
        return text
    return t.gettext(CHOICE_FACTS[(name, value)])


def join(items: list[str], lang: str) -> str:
    """A list joined as `lang` writes it ("a, b and c").

    Babel's patterns miss a sound rule: Spanish writes "e" for "y" before an
    i-sound ("capacidad e interés"), Italian prefers "ed" before "e".
    """
    text = format_list(items, locale=lang)
    if len(items) < 2:
        return text
    last = items[-1].lower()
    if (
        lang == "es"
        and last.startswith(("i", "hi", "í", "hí"))
        and not last.startswith(("hie", "hia"))
    ):
        head, _, _ = text.rpartition(" y ")
        return f"{head} e {items[-1]}"
    if lang == "it" and last.startswith(("e", "è")):
        head, _, _ = text.rpartition(" e ")
        return f"{head} ed {items[-1]}"
    return text


@lru_cache(maxsize=65536)
def _facts_text(lang: str, keys: tuple[FactKey, ...]) -> str:
    t = load_translations(lang)
    return join([_fact(t, key) for key in keys], lang)


@lru_cache(maxsize=65536)
def _criterion_text(
    lang: str, message: str, outcome: str, keys: tuple[FactKey, ...], counts: tuple[int, int, int]
) -> str:
    t = load_translations(lang)
    count, total, needed = counts
    return t.gettext(CRITERION_SENTENCES[(message, outcome)]).format(
        facts=_facts_text(lang, keys), count=count, total=total, needed=needed
    )


def _counts(result: Result) -> tuple[int, int, int]:
    node = result.node
    if isinstance(node, AtLeast):
        met = sum(1 for c in result.children if c.outcome is MET)
        return (met, len(node.children), node.needed)
    return (0, 0, 0)


def criterion_sentence(lang: str, trace: CriterionTrace, evaluation: Evaluation) -> str:
    text = trace.texts.get(lang)
    if text is None:
        keys = _fact_keys(trace, evaluation)
        text = _criterion_text(lang, trace.message, trace.outcome, keys, _counts(trace.result))
        trace.texts[lang] = text
    return text


@lru_cache(maxsize=4096)
def _label(lang: str, context: str, message: str) -> str:
    return str(load_translations(lang).pgettext(context, message))


def model_label(lang: str, model: str) -> str:
    pair = MODEL_LABELS.get(model)
    return _label(lang, *pair) if pair else model


def render(evaluation: Evaluation, lang: str) -> Verdict:
    """Turn an evaluation into a verdict in `lang` (already checked)."""
    t = load_translations(lang)
    criteria = tuple(
        CriterionResult(trace.id, trace.outcome, criterion_sentence(lang, trace, evaluation))
        for trace in evaluation.criteria
    )
    missing = tuple(
        Missing(trace.id, t.gettext(MISSING_SENTENCES[trace.message]))
        for trace in evaluation.missing
    )
    action = evaluation.next_action
    next_action = NextAction(action, t.gettext(NEXT_ACTION_SENTENCES[action]))
    return Verdict(
        stage=evaluation.stage,
        phase=evaluation.phase,
        temperature=evaluation.temperature,
        out_of_target=evaluation.out_of_target,
        model=evaluation.model,
        lang=lang,
        score=evaluation.score,
        fit=evaluation.fit,
        engagement=evaluation.engagement,
        criteria=criteria,
        missing=missing,
        next_action=next_action,
        summary=_summary(t, lang, evaluation),
        evaluation=evaluation,
    )


def _summary(t: NullTranslations, lang: str, evaluation: Evaluation) -> str:
    stage = evaluation.stage
    if stage == "customer":
        n = evaluation.profile.values["purchases"]
        count = n if isinstance(n, int) else 1
        return t.ngettext(*SUMMARY_CUSTOMER, count).format(n=count)
    if stage in ("stranger", "visitor"):
        trace = evaluation.criteria[0]  # interaction comes first
        facts = _facts_text(lang, _fact_keys(trace, evaluation))
        template = SUMMARY_STRANGER if stage == "stranger" else SUMMARY_VISITOR
        return t.gettext(template).format(facts=facts)
    model = model_label(lang, evaluation.model)
    if stage == "prospect":
        temperature = _label(lang, *TEMPERATURE_LABELS[evaluation.temperature or "cold"])
        return t.gettext(SUMMARY_PROSPECT).format(temperature=temperature, model=model)
    return _lead_summary(lang, tuple(trace.message for trace in evaluation.missing), model)


@lru_cache(maxsize=4096)
def _lead_summary(lang: str, messages: tuple[str, ...], model: str) -> str:
    t = load_translations(lang)
    labels = [_label(lang, *CRITERION_LABELS[message]) for message in messages]
    criteria = join(labels, lang)
    return t.ngettext(*SUMMARY_LEAD, len(labels)).format(criteria=criteria, model=model)
