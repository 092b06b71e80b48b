"""Profile validation and the contract's inference rules.

Validation collects every problem of a profile at once, so a user fixes a
row in one go; each problem carries data (code, fields, values), and the
sentence is rendered later in the reader's language.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from ._fields import FIELD_BY_NAME, FIELDS, RULE_FIELDS, Field
from ._i18n import check_language, load_translations
from ._messages import ERROR_MESSAGES

Value = bool | int | str | None

TRUE_WORDS: Final[frozenset[str]] = frozenset({"true", "yes", "1"})
FALSE_WORDS: Final[frozenset[str]] = frozenset({"false", "no", "0"})
BOOL_WORDS: Final[tuple[str, ...]] = ("true", "false", "yes", "no", "1", "0")
_KNOWN_NAMES: Final[tuple[str, ...]] = tuple(FIELD_BY_NAME)
#: Longest count accepted, in characters: longer is `too_long`, before Python's
#: int conversion limit (4,300 digits) could turn a link or a line into a traceback.
MAX_COUNT_CHARS: Final = 20
#: Problems reported for one profile: an object with millions of unknown keys is
#: rejected after these, without a message per key.
MAX_PROBLEMS: Final = 20


class LongNumber(str):
    """A JSON integer too long to convert (see `json_int`), kept as its digits."""


def json_int(text: str) -> int | LongNumber:
    """`json.loads(parse_int=...)`: a number too long for a count stays text."""
    return LongNumber(text) if len(text) > MAX_COUNT_CHARS else int(text)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a profile: a code, the fields it names, its values."""

    code: str
    fields: tuple[str, ...]
    params: Mapping[str, str | int] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        t = load_translations(check_language(lang))
        return t.gettext(ERROR_MESSAGES[self.code]).format(**self.params)


class ProfileError(ValueError):
    """A profile that breaks the contract; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(self.message("en"))

    @property
    def code(self) -> str:
        return self.problems[0].code if len(self.problems) == 1 else "invalid_profile"

    @property
    def fields(self) -> list[str]:
        seen: dict[str, None] = {}
        for problem in self.problems:
            for name in problem.fields:
                seen.setdefault(name, None)
        return list(seen)

    def message(self, lang: str = "en") -> str:
        return " ".join(problem.message(lang) for problem in self.problems)

    def to_dict(self, lang: str = "en") -> dict[str, object]:
        """The contract's error object."""
        return {"error": {"code": self.code, "message": self.message(lang), "fields": self.fields}}


@dataclass(frozen=True, slots=True)
class Profile:
    """A valid profile: the stated values, with the contract's inferences applied.

    `values` holds every rule field (None for unknown) after inference of
    `identified`; `inferred` says which values were inferred and from what;
    `lower_bounds` holds what is known of an unknown count ("at least 1").
    """

    values: Mapping[str, Value]
    inferred: Mapping[str, str]
    lower_bounds: Mapping[str, int]
    name: str | None = None
    id: str | None = None


def shown(value: object) -> str:
    """A received value as JSON, short enough for a message."""
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= 60 else text[:57] + "…"


def _allowed(spec: Field) -> str:
    return ", ".join(spec.values)


def _check(spec: Field, value: object, problems: list[Problem]) -> Value:
    name = spec.name
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value
        problems.append(Problem("not_bool", (name,), {"field": name, "value": shown(value)}))
    elif spec.kind == "count":
        if isinstance(value, LongNumber):
            params: dict[str, str | int] = {
                "field": name,
                "length": len(value),
                "max": MAX_COUNT_CHARS,
            }
            problems.append(Problem("too_long", (name,), params))
        elif isinstance(value, int) and not isinstance(value, bool):
            if value >= 0:
                return value
            problems.append(Problem("negative", (name,), {"field": name, "value": shown(value)}))
        else:
            problems.append(Problem("not_count", (name,), {"field": name, "value": shown(value)}))
    elif spec.kind == "choice":
        if isinstance(value, str) and value in spec.values:
            return value
        problems.append(
            Problem(
                "not_allowed",
                (name,),
                {"field": name, "value": shown(value), "allowed": _allowed(spec)},
            )
        )
    else:
        if isinstance(value, str):
            if spec.max_length is None or len(value) <= spec.max_length:
                return value
            problems.append(
                Problem(
                    "too_long",
                    (name,),
                    {"field": name, "length": len(value), "max": spec.max_length},
                )
            )
        else:
            problems.append(Problem("not_text", (name,), {"field": name, "value": shown(value)}))
    return None


def unknown_field(key: str) -> Problem:
    """An unknown key, with the closest known field when one is close enough."""
    lowered = key.strip().lower()
    if lowered in FIELD_BY_NAME:
        suggestion: str | None = lowered
    else:
        close = difflib.get_close_matches(lowered, _KNOWN_NAMES, n=1, cutoff=0.6)
        suggestion = close[0] if close else None
    allowed = ", ".join(_KNOWN_NAMES)
    if suggestion:
        return Problem(
            "unknown_field_suggest",
            (key,),
            {"field": key, "suggestion": suggestion, "allowed": allowed},
        )
    return Problem("unknown_field", (key,), {"field": key, "allowed": allowed})


def parse_text_value(name: str, text: str) -> tuple[Value, Problem | None]:
    """Read one field from text (a CSV cell, a query string): empty is unknown.

    Booleans take true/false, yes/no, 1/0 in any case; counts take digits;
    choices are matched without regard to case or surrounding spaces.
    """
    spec = FIELD_BY_NAME[name]
    raw = text.strip()
    if spec.kind == "text":
        return _text_value(spec, text)
    if raw == "":
        return None, None
    word = raw.lower()
    if spec.kind == "bool":
        if word in TRUE_WORDS:
            return True, None
        if word in FALSE_WORDS:
            return False, None
        return None, Problem(
            "not_bool_text",
            (name,),
            {"field": name, "value": shown(text), "allowed": ", ".join(BOOL_WORDS)},
        )
    if spec.kind == "count":
        if len(raw) > MAX_COUNT_CHARS:
            params: dict[str, str | int] = {
                "field": name,
                "length": len(raw),
                "max": MAX_COUNT_CHARS,
            }
            return None, Problem("too_long", (name,), params)
        digits = raw[1:] if raw[:1] in "+-" else raw
        if digits.isascii() and digits.isdigit():
            number = int(raw)
            if number >= 0:
                return number, None
            return None, Problem("negative", (name,), {"field": name, "value": shown(raw)})
        return None, Problem("not_count", (name,), {"field": name, "value": shown(text)})
    if word in spec.values:
        return word, None
    return None, Problem(
        "not_allowed", (name,), {"field": name, "value": shown(text), "allowed": _allowed(spec)}
    )


def _text_value(spec: Field, text: str) -> tuple[Value, Problem | None]:
    problems: list[Problem] = []
    value = _check(spec, text, problems) if text != "" else None
    return value, (problems[0] if problems else None)


def parse_profile(data: object) -> Profile:
    """Validate a mapping of field -> value (JSON types) into a `Profile`.

    A missing key or a null value means unknown, never "no".
    """
    if not isinstance(data, Mapping):
        raise ProfileError([Problem("not_object", (), {"value": shown(data)})])
    problems: list[Problem] = []
    values: dict[str, Value] = dict.fromkeys(RULE_FIELDS)
    display: dict[str, str | None] = {"name": None, "id": None}
    for key, raw in data.items():
        if len(problems) >= MAX_PROBLEMS:
            break
        spec = FIELD_BY_NAME.get(key) if isinstance(key, str) else None
        if spec is None:
            problems.append(unknown_field(str(key)))
            continue
        if raw is None:
            continue
        value = _check(spec, raw, problems)
        if spec.kind == "text":
            display[key] = value if isinstance(value, str) else None
        else:
            values[key] = value
    if problems:
        raise ProfileError(problems)
    return complete(values, name=display["name"], id=display["id"])


def complete(
    values: dict[str, Value], *, name: str | None = None, id: str | None = None
) -> Profile:
    """Check the contradictions and apply the inference rules to typed values."""
    problems = contradictions(values)
    if problems:
        raise ProfileError(problems)
    inferred: dict[str, str] = {}
    if values["identified"] is None:
        reason = identity_evidence(values)
        if reason is not None:
            values["identified"] = True
            inferred["identified"] = reason
    lower_bounds: dict[str, int] = {}
    if values["interactions"] is None and (
        values["identified"] is True or _count(values["content"]) >= 1
    ):
        lower_bounds["interactions"] = 1
    return Profile(values=values, inferred=inferred, lower_bounds=lower_bounds, name=name, id=id)


def _count(value: Value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def identity_evidence(values: Mapping[str, Value]) -> str | None:
    """The first field that proves the contact is identified, if any."""
    if values["consent"] in ("single", "double", "withdrawn"):
        return "consent"
    if values["conversation"] is True:
        return "conversation"
    if _count(values["purchases"]) >= 1:
        return "purchases"
    return None


def _interaction_evidence(values: Mapping[str, Value]) -> list[str]:
    found = []
    if values["identified"] is True:
        found.append("identified")
    if _count(values["content"]) >= 1:
        found.append("content")
    if values["conversation"] is True:
        found.append("conversation")
    if _count(values["purchases"]) >= 1:
        found.append("purchases")
    return found


def _json(value: Value) -> str:
    return json.dumps(value)


def contradictions(values: Mapping[str, Value]) -> list[Problem]:
    """The contract's contradictions, each naming both fields."""
    problems: list[Problem] = []
    if values["identified"] is False:
        for other in ("consent", "conversation", "purchases"):
            if other == identity_evidence({**values, **_only(values, other)}):
                problems.append(
                    Problem(
                        "contradiction_identified",
                        ("identified", other),
                        {"other": other, "value": _json(values[other])},
                    )
                )
    if values["interactions"] == 0 and not isinstance(values["interactions"], bool):
        for other in _interaction_evidence(values):
            problems.append(
                Problem(
                    "contradiction_interactions",
                    ("interactions", other),
                    {"other": other, "value": _json(values[other])},
                )
            )
    return problems


def _only(values: Mapping[str, Value], keep: str) -> dict[str, Value]:
    """Blank every identity-proving field but `keep`, to test them one by one."""
    return {
        name: (values[name] if name == keep else None)
        for name in ("consent", "conversation", "purchases")
    }


__all__ = [
    "FIELDS",
    "Problem",
    "Profile",
    "ProfileError",
    "parse_profile",
    "parse_text_value",
]
