"""The rulebook: read, checked key by key, and compiled into test objects.

Rules are data (rules.toml); this module only knows the *shape* of a rule,
never a rule itself. A mistake in a team's rulebook is reported with the key
path and what is wrong, before any profile is classified.
"""

from __future__ import annotations

import difflib
import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final

from ._fields import FIELD_BY_NAME, NEXT_ACTIONS, PHASES, RULE_FIELDS, STAGES, TEMPERATURES
from ._i18n import check_language, load_translations
from ._messages import (
    CRITERION_SENTENCES,
    MODEL_DESCRIPTIONS,
    RULEBOOK_MESSAGES,
    RULEBOOK_TYPES,
    RULEBOOK_VERSION_1,
)

#: The contract version this engine follows, and the rulebook versions it reads.
VERSION: Final = 2
VERSIONS: Final[tuple[int, ...]] = (1, 2)

MET: Final = "met"
UNMET: Final = "unmet"
UNKNOWN: Final = "unknown"

Value = bool | int | str | None
SCORE_PARTS: Final[tuple[str, ...]] = ("fit", "engagement")
STRUCTURAL_CRITERIA: Final[tuple[str, ...]] = ("purchase", "identity", "interaction")
CRITERION_MESSAGES: Final[frozenset[str]] = frozenset(m for m, _ in CRITERION_SENTENCES)
MODEL_MESSAGES: Final[frozenset[str]] = frozenset(MODEL_DESCRIPTIONS)


# --- Compiled tests -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of one test node, with its children: the evaluation trace."""

    outcome: str
    node: Test
    children: tuple[Result, ...] = ()


class Test:
    """A compiled condition; `evaluate` returns a `Result` tree."""

    __slots__ = ("unknown_as",)

    def __init__(self, unknown_as: str | None) -> None:
        self.unknown_as = unknown_as

    def evaluate(
        self, values: Mapping[str, Value], bounds: Mapping[str, int], scores: Mapping[str, int]
    ) -> Result:
        raise NotImplementedError

    def fields(self) -> tuple[str, ...]:
        raise NotImplementedError

    def _finish(self, outcome: str, children: tuple[Result, ...] = ()) -> Result:
        if outcome is UNKNOWN and self.unknown_as is not None:
            outcome = self.unknown_as
        return Result(outcome, self, children)


class FieldTest(Test):
    """One field against a value: `is`, `in`, `min` and/or `max`."""

    __slots__ = ("field", "in_", "is_", "max", "min")

    def __init__(
        self,
        field: str,
        *,
        is_: bool | None = None,
        in_: frozenset[str] | None = None,
        min: int | None = None,
        max: int | None = None,
        unknown_as: str | None = None,
    ) -> None:
        super().__init__(unknown_as)
        self.field = field
        self.is_ = is_
        self.in_ = in_
        self.min = min
        self.max = max

    def evaluate(
        self, values: Mapping[str, Value], bounds: Mapping[str, int], scores: Mapping[str, int]
    ) -> Result:
        value = values[self.field]
        if value is None:
            outcome = UNKNOWN
            if self.min is not None and self.max is None and bounds.get(self.field, 0) >= self.min:
                outcome = MET
        elif self.is_ is not None:
            outcome = MET if value is self.is_ else UNMET
        elif self.in_ is not None:
            outcome = MET if value in self.in_ else UNMET
        else:
            number = value if isinstance(value, int) else 0
            ok = (self.min is None or number >= self.min) and (
                self.max is None or number <= self.max
            )
            outcome = MET if ok else UNMET
        return self._finish(outcome)

    def fields(self) -> tuple[str, ...]:
        return (self.field,)


class ScoreTest(Test):
    """A score part (fit or engagement) at least `min`."""

    __slots__ = ("min", "part")

    def __init__(self, part: str, min: int, unknown_as: str | None = None) -> None:
        super().__init__(unknown_as)
        self.part = part
        self.min = min

    def evaluate(
        self, values: Mapping[str, Value], bounds: Mapping[str, int], scores: Mapping[str, int]
    ) -> Result:
        # Three-valued like every test: unmet only when even the best case
        # (every unknown field at its most favourable value) stays under `min`.
        if scores[self.part] >= self.min:
            outcome = MET
        elif scores.get(best_key(self.part), scores[self.part]) < self.min:
            outcome = UNMET
        else:
            outcome = UNKNOWN
        return self._finish(outcome)

    def fields(self) -> tuple[str, ...]:
        return ()


def best_key(part: str) -> str:
    """The key of a score part's best case in the `scores` mapping tests read."""
    return f"best_{part}"


class AtLeast(Test):
    """At least `needed` of the children; `any` is 1, `all` is every one.

    Three-valued: met when enough are met, unmet when enough can no longer
    be met even if every unknown turned out met, unknown otherwise.
    """

    __slots__ = ("children", "kind", "needed")

    def __init__(
        self, kind: str, needed: int, children: tuple[Test, ...], unknown_as: str | None = None
    ) -> None:
        super().__init__(unknown_as)
        self.kind = kind
        self.needed = needed
        self.children = children

    def evaluate(
        self, values: Mapping[str, Value], bounds: Mapping[str, int], scores: Mapping[str, int]
    ) -> Result:
        results = tuple(child.evaluate(values, bounds, scores) for child in self.children)
        met = 0
        unknown = 0
        for result in results:
            if result.outcome is MET:
                met += 1
            elif result.outcome is UNKNOWN:
                unknown += 1
        if met >= self.needed:
            outcome = MET
        elif met + unknown < self.needed:
            outcome = UNMET
        else:
            outcome = UNKNOWN
        return self._finish(outcome, results)

    def fields(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for child in self.children:
            for name in child.fields():
                seen.setdefault(name, None)
        return tuple(seen)


# --- The compiled rulebook -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    message: str
    test: Test
    fields: tuple[str, ...] = ()
    uses_scores: bool = False


@dataclass(frozen=True, slots=True)
class Model:
    id: str
    message: str
    criteria: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PhaseRule:
    id: str
    test: Test | None


@dataclass(frozen=True, slots=True)
class ActionRule:
    id: str
    stages: frozenset[str] | None
    temperature: str | None
    out_of_target: bool | None
    models: frozenset[str] | None
    not_met: str | None
    only_not_met: str | None
    test: Test | None


@dataclass(frozen=True, slots=True)
class ScoreRow:
    test: Test | None
    points: int
    field: str | None
    each: int
    cap: int | None


@dataclass(frozen=True, slots=True)
class ScoreGroup:
    """Rows of a score part that read the same fields, with the values worth
    trying for each field when it is unknown (its best case is among them)."""

    fields: tuple[str, ...]
    candidates: tuple[tuple[Value, ...], ...]
    rows: tuple[ScoreRow, ...]


@dataclass(frozen=True, slots=True)
class ScorePart:
    id: str
    min: int
    max: int
    rows: tuple[ScoreRow, ...]
    fields: tuple[str, ...] = ()
    groups: tuple[ScoreGroup, ...] = ()


@dataclass(frozen=True, slots=True)
class Rulebook:
    """A checked, compiled rulebook, ready for the engine."""

    criteria: Mapping[str, Criterion]
    models: Mapping[str, Model]
    phases: tuple[PhaseRule, ...]
    hot: Test
    out_of_target: Test
    next_actions: tuple[ActionRule, ...]
    score: tuple[ScorePart, ...]
    source: Mapping[str, object]
    #: The contract version the rulebook was written for (1 still loads as written).
    version: int = VERSION
    # Traces depend only on the values a criterion reads: memoised per rulebook.
    memo: dict[object, object] = field(default_factory=dict, compare=False, repr=False)

    def upgrade_note(self, lang: str = "en") -> str | None:
        """What to change in a rulebook written for contract version 1 (None
        for a version 2 rulebook): such a rulebook still loads, as written."""
        if self.version >= VERSION:
            return None
        # (a template: its doubled braces stand for the literal TOML braces)
        return load_translations(check_language(lang)).gettext(RULEBOOK_VERSION_1).format()


class RulebookError(ValueError):
    """A rulebook with mistakes; each names the key path and what is wrong."""

    def __init__(self, problems: list[tuple[str, dict[str, str]]]) -> None:
        self.problems = tuple(problems)
        super().__init__(self.message("en"))

    @property
    def keys(self) -> list[str]:
        return [params.get("key", params.get("path", "")) for _, params in self.problems]

    def message(self, lang: str = "en") -> str:
        t = load_translations(check_language(lang))
        parts = []
        for code, params in self.problems:
            shown = dict(params)
            if "expected" in shown:
                shown["expected"] = t.gettext(RULEBOOK_TYPES[shown["expected"]])
            parts.append(t.gettext(RULEBOOK_MESSAGES[code]).format(**shown))
        return " ".join(parts)


def _json(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "…"


class _Checker:
    """Walks the raw rulebook, compiling what is right and noting what is not."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, dict[str, str]]] = []

    def fail(self, code: str, key: str, **params: str) -> None:
        self.problems.append((code, {"key": key, **params}))

    def table(self, raw: object, key: str) -> Mapping[str, object] | None:
        if isinstance(raw, Mapping):
            return raw
        self.fail("wrong_type", key, expected="table", value=_json(raw))
        return None

    def keys(
        self, table: Mapping[str, object], key: str, required: Sequence[str], allowed: Sequence[str]
    ) -> bool:
        ok = True
        for name in required:
            if name not in table:
                self.fail("missing_key", f"{key}.{name}" if key else name)
                ok = False
        for name in table:
            if name not in allowed:
                self.unknown(f"{key}.{name}" if key else name, name, allowed)
                ok = False
        return ok

    def unknown(self, key: str, name: str, allowed: Sequence[str]) -> None:
        close = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
        if close:
            self.fail("unknown_key_suggest", key, suggestion=close[0], allowed=", ".join(allowed))
        else:
            self.fail("unknown_key", key, allowed=", ".join(allowed))

    def text(self, raw: object, key: str, allowed: Sequence[str] | None = None) -> str | None:
        if not isinstance(raw, str):
            self.fail("wrong_type", key, expected="text", value=_json(raw))
            return None
        if allowed is not None and raw not in allowed:
            self.fail("bad_value", key, value=_json(raw), allowed=", ".join(allowed))
            return None
        return raw

    def integer(self, raw: object, key: str, *, minimum: int | None = None) -> int | None:
        if isinstance(raw, int) and not isinstance(raw, bool):
            if minimum is None or raw >= minimum:
                return raw
            self.fail("wrong_type", key, expected="count", value=_json(raw))
            return None
        self.fail("wrong_type", key, expected="count" if minimum == 0 else "int", value=_json(raw))
        return None

    def boolean(self, raw: object, key: str) -> bool | None:
        if isinstance(raw, bool):
            return raw
        self.fail("wrong_type", key, expected="bool", value=_json(raw))
        return None

    def texts(self, raw: object, key: str, allowed: Sequence[str]) -> tuple[str, ...] | None:
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            self.fail("wrong_type", key, expected="texts", value=_json(raw))
            return None
        bad = [item for item in raw if item not in allowed]
        if bad:
            self.fail("bad_value", key, value=_json(bad[0]), allowed=", ".join(allowed))
            return None
        return tuple(raw)

    def test(self, raw: object, key: str) -> Test | None:
        table = self.table(raw, key)
        if table is None:
            return None
        unknown_as = None
        if "unknown" in table:
            word = self.text(table["unknown"], f"{key}.unknown", (MET, UNMET))
            # Outcomes are compared by identity: use the module's own constants.
            unknown_as = MET if word == MET else UNMET if word == UNMET else None
        if "field" in table:
            return self._field_test(table, key, unknown_as)
        if "score" in table:
            if not self.keys(table, key, ("score", "min"), ("score", "min", "unknown")):
                return None
            part = self.text(table["score"], f"{key}.score", SCORE_PARTS)
            minimum = self.integer(table["min"], f"{key}.min")
            if part is None or minimum is None:
                return None
            return ScoreTest(part, minimum, unknown_as)
        for kind in ("any", "all"):
            if kind in table:
                if not self.keys(table, key, (kind,), (kind, "unknown")):
                    return None
                children = self._children(table[kind], f"{key}.{kind}")
                if children is None:
                    return None
                needed = 1 if kind == "any" else len(children)
                return AtLeast(kind, needed, children, unknown_as)
        if "at_least" in table:
            if not self.keys(table, key, ("at_least", "of"), ("at_least", "of", "unknown")):
                return None
            count = self.integer(table["at_least"], f"{key}.at_least", minimum=0)
            children = self._children(table["of"], f"{key}.of")
            if count is None or children is None:
                return None
            return AtLeast("at_least", count, children, unknown_as)
        self.fail("bad_test", key)
        return None

    def _children(self, raw: object, key: str) -> tuple[Test, ...] | None:
        if not isinstance(raw, list) or not raw:
            self.fail("wrong_type", key, expected="list", value=_json(raw))
            return None
        children = [self.test(item, f"{key}[{i}]") for i, item in enumerate(raw)]
        if any(child is None for child in children):
            return None
        return tuple(child for child in children if child is not None)

    def _field_test(
        self, table: Mapping[str, object], key: str, unknown_as: str | None
    ) -> Test | None:
        name = self.text(table["field"], f"{key}.field", RULE_FIELDS)
        if name is None:
            return None
        spec = FIELD_BY_NAME[name]
        operators = {"bool": ("is",), "choice": ("in",), "count": ("min", "max")}[spec.kind]
        if not self.keys(table, key, (), ("field", "unknown", *operators)):
            return None
        if not any(op in table for op in operators):
            self.fail("missing_key", f"{key}.{operators[0]}")
            return None
        if spec.kind == "bool":
            is_ = self.boolean(table["is"], f"{key}.is")
            return None if is_ is None else FieldTest(name, is_=is_, unknown_as=unknown_as)
        if spec.kind == "choice":
            values = self.texts(table["in"], f"{key}.in", spec.values)
            if values is None:
                return None
            return FieldTest(name, in_=frozenset(values), unknown_as=unknown_as)
        bounds = {
            op: self.integer(table[op], f"{key}.{op}", minimum=0) for op in operators if op in table
        }
        if any(bound is None for bound in bounds.values()):
            return None
        return FieldTest(name, min=bounds.get("min"), max=bounds.get("max"), unknown_as=unknown_as)


TOP_KEYS: Final[tuple[str, ...]] = (
    "version",
    "criteria",
    "models",
    "phases",
    "temperature",
    "out_of_target",
    "next_actions",
    "score",
)
ACTION_KEYS: Final[tuple[str, ...]] = (
    "id",
    "stage",
    "temperature",
    "out_of_target",
    "models",
    "not_met",
    "only_not_met",
    "test",
)


def compile_rulebook(raw: Mapping[str, object]) -> Rulebook:
    """Check a rulebook read from TOML and compile it, or raise `RulebookError`."""
    check = _Checker()
    if not check.keys(raw, "", TOP_KEYS, TOP_KEYS):
        raise RulebookError(check.problems)
    version = raw["version"]
    if isinstance(version, bool) or version not in VERSIONS:
        check.fail("bad_version", "version", value=_json(version))

    criteria: dict[str, Criterion] = {}
    table = check.table(raw["criteria"], "criteria")
    for cid, body in (table or {}).items():
        key = f"criteria.{cid}"
        entry = check.table(body, key)
        if entry is None or not check.keys(entry, key, ("message", "test"), ("message", "test")):
            continue
        message = check.text(entry["message"], f"{key}.message", sorted(CRITERION_MESSAGES))
        test = check.test(entry["test"], f"{key}.test")
        if message is not None and test is not None:
            criteria[cid] = Criterion(cid, message, test, test.fields(), _uses_scores(test))
    if table is not None:
        for cid in STRUCTURAL_CRITERIA:
            if cid not in table:
                check.fail("missing_key", f"criteria.{cid}")

    criterion_ids = table_keys(raw["criteria"])
    model_ids = table_keys(raw["models"])
    usable = [c for c in criterion_ids if c not in STRUCTURAL_CRITERIA]

    models: dict[str, Model] = {}
    table = check.table(raw["models"], "models")
    for mid, body in (table or {}).items():
        key = f"models.{mid}"
        entry = check.table(body, key)
        if entry is None or not check.keys(
            entry, key, ("message", "criteria"), ("message", "criteria")
        ):
            continue
        message = check.text(entry["message"], f"{key}.message", sorted(MODEL_MESSAGES))
        names = check.texts(entry["criteria"], f"{key}.criteria", usable)
        if message is not None and names is not None:
            models[mid] = Model(mid, message, names)
    if table is not None and not table:
        check.fail("missing_key", "models.funnel")

    phases: list[PhaseRule] = []
    rows = raw["phases"]
    if not isinstance(rows, list) or not rows:
        check.fail("wrong_type", "phases", expected="list", value=_json(rows))
    else:
        for i, body in enumerate(rows):
            key = f"phases[{i}]"
            entry = check.table(body, key)
            if entry is None or not check.keys(entry, key, ("id",), ("id", "test")):
                continue
            pid = check.text(entry["id"], f"{key}.id", PHASES)
            test = check.test(entry["test"], f"{key}.test") if "test" in entry else None
            if pid is not None:
                phases.append(PhaseRule(pid, test))
        if isinstance(rows[-1], Mapping) and "test" in rows[-1]:
            check.fail("last_phase", f"phases[{len(rows) - 1}]")

    hot: Test | None = None
    entry = check.table(raw["temperature"], "temperature")
    if entry is not None and check.keys(entry, "temperature", ("hot",), ("hot",)):
        hot = check.test(entry["hot"], "temperature.hot")

    out_of_target: Test | None = None
    entry = check.table(raw["out_of_target"], "out_of_target")
    if entry is not None and check.keys(entry, "out_of_target", ("test",), ("test",)):
        out_of_target = check.test(entry["test"], "out_of_target.test")

    actions: list[ActionRule] = []
    rows = raw["next_actions"]
    if not isinstance(rows, list) or not rows:
        check.fail("wrong_type", "next_actions", expected="list", value=_json(rows))
    else:
        for i, body in enumerate(rows):
            key = f"next_actions[{i}]"
            entry = check.table(body, key)
            if entry is None or not check.keys(entry, key, ("id",), ACTION_KEYS):
                continue
            before = len(check.problems)
            aid = check.text(entry["id"], f"{key}.id", NEXT_ACTIONS)
            stages = _stages(check, entry["stage"], f"{key}.stage") if "stage" in entry else None
            temperature = (
                check.text(entry["temperature"], f"{key}.temperature", TEMPERATURES)
                if "temperature" in entry
                else None
            )
            oot = (
                check.boolean(entry["out_of_target"], f"{key}.out_of_target")
                if "out_of_target" in entry
                else None
            )
            in_models = (
                check.texts(entry["models"], f"{key}.models", model_ids)
                if "models" in entry
                else None
            )
            not_met = (
                check.text(entry["not_met"], f"{key}.not_met", criterion_ids)
                if "not_met" in entry
                else None
            )
            only = (
                check.text(entry["only_not_met"], f"{key}.only_not_met", criterion_ids)
                if "only_not_met" in entry
                else None
            )
            test = check.test(entry["test"], f"{key}.test") if "test" in entry else None
            if aid is not None and len(check.problems) == before:
                actions.append(
                    ActionRule(
                        aid,
                        stages,
                        temperature,
                        oot,
                        frozenset(in_models) if in_models is not None else None,
                        not_met,
                        only,
                        test,
                    )
                )

        for stage in STAGES:
            if not _covers(rows, stage):
                check.fail("no_fallback_action", "next_actions", stage=stage)

    parts: list[ScorePart] = []
    table = check.table(raw["score"], "score")
    if table is not None and check.keys(table, "score", SCORE_PARTS, SCORE_PARTS):
        for part in SCORE_PARTS:
            parsed = _score_part(check, part, table[part])
            if parsed is not None:
                parts.append(parsed)

    if check.problems or hot is None or out_of_target is None:
        raise RulebookError(check.problems)
    return Rulebook(
        criteria=criteria,
        models=models,
        phases=tuple(phases),
        hot=hot,
        out_of_target=out_of_target,
        next_actions=tuple(actions),
        score=tuple(parts),
        source=raw,
        version=version if isinstance(version, int) else VERSION,
    )


def _stages(check: _Checker, raw: object, key: str) -> frozenset[str] | None:
    """A next-action row's `stage`: one stage, or a list of them."""
    if isinstance(raw, list):
        names = check.texts(raw, key, STAGES)
        return frozenset(names) if names else None
    name = check.text(raw, key, STAGES)
    return frozenset((name,)) if name is not None else None


def _uses_scores(test: Test) -> bool:
    if isinstance(test, ScoreTest):
        return True
    return isinstance(test, AtLeast) and any(_uses_scores(child) for child in test.children)


def _covers(rows: Sequence[object], stage: str) -> bool:
    """Some row matches every contact of `stage` (a row with no other condition,
    or rows for both temperatures): the table never runs dry."""
    temperatures: set[object] = set()
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        named = row.get("stage", stage)
        if named != stage and not (isinstance(named, list) and stage in named):
            continue
        keys = set(row) - {"id", "stage"}
        if not keys:
            return True
        if keys == {"temperature"}:
            temperatures.add(row["temperature"])
    return temperatures >= set(TEMPERATURES)


def table_keys(raw: object) -> list[str]:
    return [str(k) for k in raw] if isinstance(raw, Mapping) else []


def _score_part(check: _Checker, part: str, raw: object) -> ScorePart | None:
    key = f"score.{part}"
    entry = check.table(raw, key)
    if entry is None or not check.keys(entry, key, ("min", "max", "rows"), ("min", "max", "rows")):
        return None
    low = check.integer(entry["min"], f"{key}.min")
    high = check.integer(entry["max"], f"{key}.max")
    rows_raw = entry["rows"]
    if not isinstance(rows_raw, list):
        check.fail("wrong_type", f"{key}.rows", expected="list", value=_json(rows_raw))
        return None
    rows: list[ScoreRow] = []
    counts = [f.name for f in (FIELD_BY_NAME[n] for n in RULE_FIELDS) if f.kind == "count"]
    for i, body in enumerate(rows_raw):
        rkey = f"{key}.rows[{i}]"
        row = check.table(body, rkey)
        if row is None:
            continue
        if "each" in row:
            if not check.keys(row, rkey, ("field", "each"), ("field", "each", "cap")):
                continue
            name = check.text(row["field"], f"{rkey}.field", counts)
            each = check.integer(row["each"], f"{rkey}.each")
            cap = check.integer(row["cap"], f"{rkey}.cap") if "cap" in row else None
            if name is not None and each is not None:
                rows.append(ScoreRow(None, 0, name, each, cap))
        else:
            if not check.keys(row, rkey, ("test", "points"), ("test", "points")):
                continue
            test = check.test(row["test"], f"{rkey}.test")
            points = check.integer(row["points"], f"{rkey}.points")
            if test is not None and points is not None:
                rows.append(ScoreRow(test, points, None, 0, None))
    if low is None or high is None:
        return None
    used: dict[str, None] = {}
    for r in rows:
        for name in row_fields(r):
            used.setdefault(name, None)
    return ScorePart(part, low, high, tuple(rows), tuple(used), _groups(rows, high - low))


def row_fields(row: ScoreRow) -> tuple[str, ...]:
    if row.field is not None:
        return (row.field,)
    return row.test.fields() if row.test is not None else ()


def _groups(rows: Sequence[ScoreRow], span: int) -> tuple[ScoreGroup, ...]:
    """Split a score part's rows into groups that share no field, so the best
    case is found group by group (a few values per field) instead of over
    every combination of every field.

    The values tried for an unknown count are those where a row's points can
    change (test bounds on either side, where a capped row reaches its cap)
    and one far enough past them that an uncapped row saturates the clamp.
    """
    groups: list[tuple[set[str], list[ScoreRow]]] = []
    for row in rows:
        names = set(row_fields(row))
        joined = [g for g in groups if g[0] & names]
        merged: tuple[set[str], list[ScoreRow]] = (names, [])
        for group in joined:
            groups.remove(group)
            merged[0].update(group[0])
            merged[1].extend(group[1])
        merged[1].append(row)
        groups.append(merged)
    result = []
    for names, members in groups:
        ordered = tuple(sorted(names))
        candidates = tuple(_candidates(name, members, span) for name in ordered)
        result.append(ScoreGroup(ordered, candidates, tuple(members)))
    return tuple(result)


def _candidates(name: str, rows: Sequence[ScoreRow], span: int) -> tuple[Value, ...]:
    spec = FIELD_BY_NAME[name]
    if spec.kind == "bool":
        return (True, False)
    if spec.kind == "choice":
        return spec.values
    points: set[int] = {0}
    for row in rows:
        if row.field == name and row.cap is not None and row.each > 0:
            points.add(-(-row.cap // row.each))
        tests = [row.test] if row.test is not None else []
        while tests:
            test = tests.pop()
            if isinstance(test, AtLeast):
                tests.extend(test.children)
            elif isinstance(test, FieldTest) and test.field == name:
                for bound in (test.min, test.max):
                    if bound is not None:
                        points.update((max(bound - 1, 0), bound, bound + 1))
    points.add(max(points) + max(span, 1))
    return tuple(sorted(points))


def read_rulebook(path: str | Path) -> Rulebook:
    """Read and compile a team's rulebook file."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise RulebookError(
            [("unreadable", {"path": str(path), "reason": error.strerror or str(error)})]
        ) from None
    return parse_rulebook(data, str(path))


def parse_rulebook(data: bytes | str, path: str = "<rules>") -> Rulebook:
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulebookError([("not_toml", {"path": path, "reason": str(error)})]) from None
    return compile_rulebook(raw)


def default_rulebook_text() -> str:
    return resources.files("classifier").joinpath("rules.toml").read_text(encoding="utf-8")


@cache
def default_rulebook() -> Rulebook:
    """The shipped rulebook, read on first use (never at import)."""
    return parse_rulebook(default_rulebook_text(), "classifier/rules.toml")
