"""The public functions: classify a profile, list models and languages."""

from __future__ import annotations

from collections.abc import Mapping

from ._engine import UnknownModelError, evaluate
from ._fields import FIELD_BY_NAME
from ._i18n import LANGUAGES, check_language, load_translations
from ._messages import (
    CRITERION_LABELS,
    FIELD_DESCRIPTIONS,
    MODEL_DESCRIPTIONS,
    NEXT_ACTION_LABELS,
    OUTCOME_LABELS,
    PHASE_LABELS,
    STAGE_LABELS,
    TEMPERATURE_LABELS,
)
from ._profile import Profile, parse_profile
from ._render import _fact, _label, model_label, render
from ._rules import MET, Rulebook, default_rulebook
from ._verdict import Verdict

_LABEL_KINDS: dict[str, dict[str, tuple[str, str]]] = {
    "stage": STAGE_LABELS,
    "phase": PHASE_LABELS,
    "temperature": TEMPERATURE_LABELS,
    "outcome": OUTCOME_LABELS,
    "criterion": CRITERION_LABELS,
    "next_action": NEXT_ACTION_LABELS,
}


def classify(
    profile: Mapping[str, object] | Profile,
    *,
    model: str = "funnel",
    lang: str = "en",
    rules: Rulebook | None = None,
) -> Verdict:
    """Classify one profile (a mapping of contract fields, or a parsed `Profile`).

    Raises `ProfileError` for a profile that breaks the contract,
    `UnknownModelError` and `UnsupportedLanguageError` for bad options.
    """
    check_language(lang)
    book = rules if rules is not None else default_rulebook()
    if model not in book.models:
        raise UnknownModelError(model, list(book.models))
    parsed = profile if isinstance(profile, Profile) else parse_profile(profile)
    return render(evaluate(parsed, model, book), lang)


def models(rules: Rulebook | None = None) -> tuple[str, ...]:
    """The model ids of a rulebook (the default one unless given), in file order."""
    return tuple((rules or default_rulebook()).models)


def languages() -> tuple[str, ...]:
    """The supported languages; anything else is an error, never English."""
    return LANGUAGES


def describe_model(model: str, lang: str = "en", rules: Rulebook | None = None) -> str:
    """One line that says what a model checks, in `lang`."""
    from ._i18n import load_translations

    book = rules or default_rulebook()
    if model not in book.models:
        raise UnknownModelError(model, list(book.models))
    message = book.models[model].message
    return load_translations(check_language(lang)).gettext(MODEL_DESCRIPTIONS[message])


def label(kind: str, value: str, lang: str = "en") -> str:
    """The display name of a stage, phase, temperature, outcome, criterion,
    next action or model, in `lang`."""
    check_language(lang)
    if kind == "model":
        return model_label(lang, value)
    return _label(lang, *_LABEL_KINDS[kind][value])


def describe_field(name: str, lang: str = "en") -> str:
    """What a profile field means (the contract's wording), in `lang`.

    Raises `KeyError` for a name that is not a field of the contract.
    """
    from ._i18n import load_translations

    if name not in FIELD_BY_NAME:
        raise KeyError(name)
    return load_translations(check_language(lang)).gettext(FIELD_DESCRIPTIONS[name])


#: Fields whose values the classifier says in words (not `channel`, `name`, `id`).
_SAID_FIELDS = (
    "interactions",
    "identified",
    "consent",
    "content",
    "conversation",
    "in_target",
    "budget",
    "authority",
    "need",
    "timeline",
    "intent",
    "price_only",
    "purchases",
)


def describe_value(name: str, value: object, lang: str = "en") -> str:
    """One known value of one field, as the verdicts cite it ("they match the
    focus target"), in `lang`: a profile shown this way does not give away the
    verdict that would cite the same words.

    Raises `KeyError` for a field the verdicts never cite (`channel`, `name`,
    `id`), `ProfileError` for a value the contract rejects and `ValueError` for
    None (unknown is said by leaving the field out).
    """
    check_language(lang)
    if name not in _SAID_FIELDS:
        raise KeyError(name)
    if value is None:
        raise ValueError(f"{name}: an unknown value is not said, it is left out")
    parsed = parse_profile({name: value}).values[name]
    return _fact(load_translations(lang), (name, parsed, MET, None, None, None))
