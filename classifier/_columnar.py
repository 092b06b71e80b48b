"""The batch engine: the rulebook compiled to polars expressions.

`verdict_steps` walks the very `Rulebook` object the single-profile engine
(`_engine.evaluate`) reads, test by test, and turns each compiled test into a
column expression; no rule is written here. Three-valued outcomes are
nullable booleans: true is met, false is unmet, null is unknown, and polars'
`|` / `&` follow the same (Kleene) logic as `AtLeast` for `any` / `all`.

Cells are read as text and parsed as `parse_text_value` parses them. The
error texts of rejected rows are the single-profile path's `Problem`
messages (same codes, same catalog entries), rendered once per column with a
slot for the value, which is filled in per row (`_profile.shown`'s JSON
quoting included); the tests compare them with `parse_text_value` and
`contradictions` on random cells.

This module imports polars: import it only from inside functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from itertools import product
from typing import Final

import polars as pl

from ._csvio import (
    FORMULA_PATTERN,
    LABEL_COLUMNS,
    PLAIN_NUMBER,
    RECORD_ID,
    RESERVED,
    Layout,
)
from ._fields import FIELD_BY_NAME, NEXT_ACTIONS, RULE_FIELDS, STAGES, Field
from ._i18n import N_, load_translations
from ._messages import CRITERION_LABELS
from ._profile import BOOL_WORDS, FALSE_WORDS, MAX_COUNT_CHARS, TRUE_WORDS, Problem
from ._render import _label
from ._rules import (
    MET,
    AtLeast,
    FieldTest,
    Rulebook,
    ScorePart,
    ScoreRow,
    ScoreTest,
    Test,
    best_key,
)

#: Cells read beyond the header's columns, to notice a row that is too long
#: (a value in any of them rejects the row; cells further right are not read).
EXTRA_CELLS: Final = 4
#: Counts beyond this (a trillion) are read as this: the rules compare counts
#: with small thresholds, and the score arithmetic stays within 64 bits.
MAX_COUNT: Final = 10**12
#: What Python's `str.strip()` strips, so a cell parses as `parse_text_value` reads it.
WHITESPACE: Final = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
IDENTITY_CONSENTS: Final[tuple[str, ...]] = ("single", "double", "withdrawn")

RAGGED_ROW: Final = N_(
    "This row has more cells than the header has columns ({columns}): the extra cell "
    "{value} belongs to no column. Put values that contain the delimiter in double quotes."
)

ROW, BAD = RESERVED
EXTRA: Final = "__extra"
KEEP: Final = "__keep"

_TYPES: Final[dict[str, pl.DataType]] = {
    "bool": pl.Boolean(),
    "count": pl.Int64(),
    "choice": pl.String(),
    "text": pl.String(),
}


def raw_name(position: int) -> str:
    """The internal name of the input's column at `position` (0-based)."""
    return f"__c{position}"


def extra_name(position: int) -> str:
    return f"__x{position}"


# --- Reading cells ------------------------------------------------------------------
#
# Three steps, each a set of columns (so nothing is computed twice):
#   __w<i>: the cell as `parse_text_value` compares it (stripped; lowercased but counts);
#   __v_<field>: the typed value (null when unknown or bad), __b<i>: is the cell bad;
#   __bad: is the row rejected, and `error`: why, worded as `_profile` words it.


def word_name(key: int | str) -> str:
    return f"__w{key}"


def bad_name(key: int | str) -> str:
    return f"__b{key}"


def value_name(field: str) -> str:
    return f"__v_{field}"


def _word(spec: Field, raw: pl.Expr) -> pl.Expr:
    norm = raw.str.strip_chars(WHITESPACE)
    return norm if spec.kind == "count" else norm.str.to_lowercase()


def _value(spec: Field, word: pl.Expr) -> pl.Expr:
    """The typed value of a cell from its word; null when empty or bad.

    (when/is_in rather than replace_strict, which buffers in the streaming engine.)
    """
    if spec.kind == "count":
        syntax = word.str.contains(r"^[+-]?[0-9]+$") & (word.str.len_chars() <= MAX_COUNT_CHARS)
        number = word.cast(pl.Int64, strict=False)
        negative = word.str.starts_with("-") & (number.fill_null(-1) != 0)
        count = number.fill_null(MAX_COUNT).clip(0, MAX_COUNT)
        return pl.when(syntax & ~negative).then(count).otherwise(None)
    if spec.kind == "bool":
        return (
            pl.when(word.is_in(sorted(TRUE_WORDS)))
            .then(True)
            .when(word.is_in(sorted(FALSE_WORDS)))
            .then(False)
            .otherwise(None)
        )
    return pl.when(word.is_in(list(spec.values))).then(word).otherwise(None)


def derived_name(field: str) -> str:
    """The column holding a field's text as a mapping derived it from the CRM's columns."""
    return f"__d_{field}"


def _fields(layout: Layout, derived: Sequence[str] = ()) -> list[tuple[str, str, Field]]:
    """(key, column read, field) for every field the file states: the columns
    named after a field, then the fields a mapping derives (`derived`)."""
    found = [
        (str(i), raw_name(i), FIELD_BY_NAME[name])
        for i, name in enumerate(layout.fields)
        if name is not None
    ]
    return found + [(f"d_{name}", derived_name(name), FIELD_BY_NAME[name]) for name in derived]


def read_steps(layout: Layout, derived: Sequence[str] = ()) -> list[list[pl.Expr]]:
    """Words, then typed values and bad-cell flags, for the contract's columns."""
    fields = _fields(layout, derived)
    words = [
        _word(spec, pl.col(raw)).alias(word_name(i))
        for i, raw, spec in fields
        if spec.kind != "text"
    ]
    values: list[pl.Expr] = []
    bad: list[pl.Expr] = []
    for i, raw, spec in fields:
        if spec.kind == "text":
            limit = spec.max_length
            too_long = pl.col(raw).str.len_chars() > limit if limit else pl.lit(False)
            bad.append(_true(too_long).alias(bad_name(i)))
            continue
        values.append(_value(spec, pl.col(word_name(i))).alias(value_name(spec.name)))
        bad.append(
            _true(pl.col(value_name(spec.name)).is_null() & (pl.col(word_name(i)) != "")).alias(
                bad_name(i)
            )
        )
    present = {spec.name for _, _, spec in fields}
    values += [
        pl.lit(None, dtype=_TYPES[FIELD_BY_NAME[name].kind]).alias(value_name(name))
        for name in RULE_FIELDS
        if name not in present
    ]
    return [words, values, bad]


def stated_values() -> dict[str, pl.Expr]:
    return {name: pl.col(value_name(name)) for name in RULE_FIELDS}


# JSON string escapes, as `json.dumps(text, ensure_ascii=False)` writes them.
_JSON_ESCAPES: Final[dict[str, str]] = {
    **{chr(c): f"\\u{c:04x}" for c in range(0x20)},
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
#: Stands for a value in a message rendered once, then filled in per row.
_SLOT: Final = "\x00slot\x00"


def shown_expr(text: pl.Expr) -> pl.Expr:
    """`_profile.shown` for text: the JSON string, cut to 60 characters."""
    quoted = pl.concat_str([pl.lit('"'), text.str.replace_many(_JSON_ESCAPES), pl.lit('"')])
    cut = pl.concat_str([quoted.str.slice(0, 57), pl.lit("…")])
    return pl.when(quoted.str.len_chars() > 60).then(cut).otherwise(quoted)


def _fill(message: str, value: pl.Expr) -> pl.Expr:
    """A message rendered with `_SLOT` for its value, the value put back per row."""
    parts: list[pl.Expr] = []
    for n, piece in enumerate(message.split(_SLOT)):
        if n:
            parts.append(value)
        if piece:
            parts.append(pl.lit(piece))
    return pl.concat_str(parts)


def _cell_problem(spec: Field, i: str, column: str, lang: str) -> pl.Expr:
    """The problem `parse_text_value` reports for a bad cell (null for a good one)."""
    name = spec.name
    bad = pl.col(bad_name(i))
    raw = pl.when(bad).then(pl.col(column))
    if spec.kind == "text":
        params: dict[str, str | int] = {"field": name, "length": _SLOT, "max": spec.max_length or 0}
        return _fill(
            Problem("too_long", (name,), params).message(lang), raw.str.len_chars().cast(pl.String)
        )
    if spec.kind == "bool":
        params = {"field": name, "value": _SLOT, "allowed": ", ".join(BOOL_WORDS)}
        return _fill(Problem("not_bool_text", (name,), params).message(lang), shown_expr(raw))
    if spec.kind == "choice":
        params = {"field": name, "value": _SLOT, "allowed": ", ".join(spec.values)}
        return _fill(Problem("not_allowed", (name,), params).message(lang), shown_expr(raw))
    word = pl.when(bad).then(pl.col(word_name(i)))
    params = {"field": name, "value": _SLOT}
    negative = _fill(Problem("negative", (name,), params).message(lang), shown_expr(word))
    not_count = _fill(Problem("not_count", (name,), params).message(lang), shown_expr(raw))
    long_params: dict[str, str | int] = {"field": name, "length": _SLOT, "max": MAX_COUNT_CHARS}
    too_long = _fill(
        Problem("too_long", (name,), long_params).message(lang),
        word.str.len_chars().cast(pl.String),
    )
    return (
        pl.when(word.str.len_chars() > MAX_COUNT_CHARS)
        .then(too_long)
        .when(word.str.contains(r"^-[0-9]+$"))
        .then(negative)
        .otherwise(not_count)
    )


def _count_json(word: pl.Expr) -> pl.Expr:
    """`json.dumps` of a (non-zero) count read from its word: digits, no sign or zeros."""
    return word.str.strip_prefix("+").str.strip_chars_start("0")


def error_expr(layout: Layout, lang: str, derived: Sequence[str] = ()) -> pl.Expr:
    """Why a row is rejected (null when it is not), in `lang`: the extra cell of a
    too-long row; else every bad cell's problem, in column order; else the
    contradictions, in `_profile.contradictions`' order."""
    fields = _fields(layout, derived)
    problems = (
        pl.concat_str(
            [_cell_problem(spec, i, raw, lang) for i, raw, spec in fields],
            separator=" ",
            ignore_nulls=True,
        )
        if fields
        else pl.lit(None, dtype=pl.String)
    )
    words = {spec.name: pl.col(word_name(i)) for i, _, spec in fields if spec.kind != "text"}
    shown_values = {
        "consent": pl.concat_str([pl.lit('"'), pl.col(value_name("consent")), pl.lit('"')]),
        "conversation": pl.lit("true"),
        "identified": pl.lit("true"),
        **{
            name: _count_json(words[name]) if name in words else pl.lit("")
            for name in ("content", "purchases")
        },
    }
    conflicts = []
    for first, other, flag in contradiction_parts(stated_values()):
        code = "contradiction_identified" if first == "identified" else "contradiction_interactions"
        message = Problem(code, (first, other), {"other": other, "value": _SLOT}).message(lang)
        conflicts.append(pl.when(flag).then(_fill(message, shown_values[other])))
    conflict = pl.concat_str(conflicts, separator=" ", ignore_nulls=True)
    ragged = (
        load_translations(lang).gettext(RAGGED_ROW).format(columns=len(layout.header), value=_SLOT)
    )
    extra = pl.col(EXTRA)
    return _first(
        [
            (extra.is_not_null(), _fill(ragged, shown_expr(extra))),
            (_any([pl.col(bad_name(i)) for i, _, _ in fields]), problems),
            (conflict != "", conflict),
        ],
        pl.lit(None, dtype=pl.String),
    )


def _true(expr: pl.Expr) -> pl.Expr:
    """Met: true, with unknown counted as not met."""
    return expr.fill_null(False)


def _any(exprs: Sequence[pl.Expr]) -> pl.Expr:
    return reduce(lambda a, b: a | b, exprs) if exprs else pl.lit(False)


def _all(exprs: Sequence[pl.Expr]) -> pl.Expr:
    return reduce(lambda a, b: a & b, exprs) if exprs else pl.lit(True)


def contradiction_parts(v: Mapping[str, pl.Expr]) -> list[tuple[str, str, pl.Expr]]:
    """The contract's contradictions on stated values, in the order
    `_profile.contradictions` lists them: (field, other field, present)."""
    denied = _true(v["identified"].not_())
    evidence = {
        "consent": _true(v["consent"].is_in(list(IDENTITY_CONSENTS))),
        "conversation": _true(v["conversation"]),
        "purchases": _true(v["purchases"] >= 1),
    }
    no_touch = _true(v["interactions"] == 0)
    touch = {
        "identified": _true(v["identified"]),
        "content": _true(v["content"] >= 1),
        "conversation": evidence["conversation"],
        "purchases": evidence["purchases"],
    }
    return [("identified", k, denied & e) for k, e in evidence.items()] + [
        ("interactions", k, no_touch & e) for k, e in touch.items()
    ]


# --- The rulebook as expressions ----------------------------------------------------


class _Compiler:
    """Compiles `Test` trees into three-valued boolean expressions."""

    def __init__(
        self,
        values: Mapping[str, pl.Expr],
        bounds: Mapping[str, pl.Expr],
        scores: Mapping[str, pl.Expr] | None = None,
    ) -> None:
        self.values = values
        self.bounds = bounds
        self.scores = scores or {}

    def test(self, test: Test) -> pl.Expr:
        if isinstance(test, FieldTest):
            expr = self._field(test)
        elif isinstance(test, ScoreTest):
            # Met, unmet when even the best case stays short, else unknown (null).
            best = self.scores.get(best_key(test.part), self.scores[test.part])
            expr = (
                pl.when(self.scores[test.part] >= test.min)
                .then(True)
                .when(best < test.min)
                .then(False)
                .otherwise(None)
            )
        elif isinstance(test, AtLeast):
            expr = self._at_least(test)
        else:  # pragma: no cover - the rulebook compiler makes only these
            raise TypeError(f"unknown test {test!r}")
        if test.unknown_as is not None:
            expr = expr.fill_null(test.unknown_as == MET)
        return expr

    def _field(self, test: FieldTest) -> pl.Expr:
        value = self.values[test.field]
        if test.is_ is not None:
            known = value if test.is_ else value.not_()
        elif test.in_ is not None:
            known = value.is_in(sorted(test.in_))
        else:
            checks = []
            if test.min is not None:
                checks.append(value >= test.min)
            if test.max is not None:
                checks.append(value <= test.max)
            known = _all(checks) if checks else value.is_not_null()
            known = pl.when(value.is_not_null()).then(known)
        if test.min is not None and test.max is None:
            # An unknown count with a known lower bound (interactions inferred
            # "at least 1") meets `min` when the bound reaches it.
            bound = self.bounds.get(test.field, pl.lit(0))
            known = known.fill_null(pl.when(bound >= test.min).then(True))
        return known

    def _at_least(self, test: AtLeast) -> pl.Expr:
        children = [self.test(child) for child in test.children]
        if test.kind == "any":
            return _any(children)
        if test.kind == "all":
            return _all(children)
        met = pl.sum_horizontal([_true(c).cast(pl.Int32) for c in children])
        unknown = pl.sum_horizontal([c.is_null().cast(pl.Int32) for c in children])
        return (
            pl.when(met >= test.needed)
            .then(True)
            .when(met + unknown < test.needed)
            .then(False)
            .otherwise(None)
        )

    def _row_points(self, row: ScoreRow) -> pl.Expr:
        if row.field is not None:
            count = self.values[row.field]
            gained = count * row.each
            if row.cap is not None:
                gained = pl.min_horizontal(gained, pl.lit(row.cap))
            return pl.when(count.is_not_null()).then(gained).otherwise(0)
        if row.test is not None:
            return pl.when(_true(self.test(row.test))).then(row.points).otherwise(0)
        return pl.lit(0)

    def score(self, part: ScorePart) -> pl.Expr:
        return _clamp(part, [self._row_points(row) for row in part.rows])

    def best_score(self, part: ScorePart) -> pl.Expr:
        """`_engine.best_score_part` as an expression: per group of rows, the
        most points over the values worth trying for its unknown fields."""
        terms: list[pl.Expr] = []
        for group in part.groups:
            trials: list[pl.Expr] = []
            for combination in product(*group.candidates):
                values = dict(self.values)
                for name, candidate in zip(group.fields, combination, strict=True):
                    given: pl.Expr = pl.lit(candidate)
                    if name in self.bounds:
                        given = pl.max_horizontal(given, self.bounds[name])
                    values[name] = pl.coalesce(self.values[name], given)
                trial = _Compiler(values, {})
                gained = [trial._row_points(row) for row in group.rows]
                trials.append(pl.sum_horizontal(gained) if gained else pl.lit(0))
            terms.append(pl.max_horizontal(trials))
        return _clamp(part, terms)


def _clamp(part: ScorePart, terms: Sequence[pl.Expr]) -> pl.Expr:
    total = pl.sum_horizontal(terms) if terms else pl.lit(0)
    return pl.max_horizontal(pl.lit(part.min), pl.min_horizontal(pl.lit(part.max), total))


def criterion_label(rules: Rulebook, cid: str, lang: str) -> str:
    """A criterion's display name, by its message id (a team may rename criteria)."""
    return _label(lang, *CRITERION_LABELS[rules.criteria[cid].message])


def _first(pairs: Sequence[tuple[pl.Expr, pl.Expr]], otherwise: pl.Expr) -> pl.Expr:
    """The value of the first pair whose condition holds, else `otherwise`."""
    expr = otherwise
    for condition, value in reversed(pairs):
        expr = pl.when(condition).then(value).otherwise(expr)
    return expr


def verdict_steps(
    stated: Mapping[str, pl.Expr], rules: Rulebook, model: str, lang: str
) -> list[list[pl.Expr]]:
    """The verdict columns from the stated values of a row (column expressions,
    see `stated_values`), for one model of the rulebook, in `lang`: groups of
    expressions to apply one after the other (`with_columns`), each reading
    the columns the previous ones made.

    The last group makes the contract's columns `stage`, `phase`,
    `temperature`, `out_of_target`, `score`, `next_action` and `missing`;
    the others make private `__`-prefixed columns.
    """
    spec = rules.models[model]
    steps: list[list[pl.Expr]] = []

    # 1. The contract's inferences as `_profile.complete` applies them: identified
    #    from consent / conversation / purchases, and "at least 1" interaction
    #    for an identified contact or one with content.
    v = dict(stated)
    evidence = _any(
        [
            _true(v["consent"].is_in(list(IDENTITY_CONSENTS))),
            _true(v["conversation"]),
            _true(v["purchases"] >= 1),
        ]
    )
    identified = pl.when(v["identified"].is_null() & evidence).then(True)
    inferred_touch = v["interactions"].is_null() & (
        _true(pl.col("__identified")) | _true(v["content"] >= 1)
    )
    steps.append([identified.otherwise(v["identified"]).alias("__identified")])
    steps.append([pl.when(inferred_touch).then(1).otherwise(0).alias("__bound")])
    values = {**v, "identified": pl.col("__identified")}
    bounds = {"interactions": pl.col("__bound")}

    # 2. Scores (only stated counts earn points), then the criteria.
    plain = _Compiler(values, bounds)
    used = ["purchase", "identity", "interaction", *dict.fromkeys(spec.criteria)]
    scores = {part.id: pl.col(f"__score_{part.id}") for part in rules.score}
    score_columns = [plain.score(part).alias(f"__score_{part.id}") for part in rules.score]
    if any(rules.criteria[cid].uses_scores for cid in used):
        # The best cases only matter to a model that reads the scores.
        scores.update({best_key(p.id): pl.col(f"__best_{p.id}") for p in rules.score})
        score_columns += [plain.best_score(p).alias(f"__best_{p.id}") for p in rules.score]
    steps.append(score_columns)
    compiler = _Compiler(values, bounds, scores)
    steps.append(
        [_true(compiler.test(rules.criteria[cid].test)).alias(f"__met_{cid}") for cid in used]
    )

    def met(cid: str) -> pl.Expr:
        return pl.col(f"__met_{cid}")

    # 3. Stage, as `_engine.evaluate` decides it.
    gates = [(cid, met(cid)) for cid in spec.criteria]
    stage = _first(
        [
            (met("purchase"), pl.lit("customer")),
            (
                ~met("identity"),
                pl.when(met("interaction")).then(pl.lit("visitor")).otherwise(pl.lit("stranger")),
            ),
            (_all([g for _, g in gates]), pl.lit("prospect")),
        ],
        pl.lit("lead"),
    )
    steps.append([stage.alias("stage")])
    stage = pl.col("stage")

    # 4. Phase (first rule met), temperature (prospects), out of target.
    phases: list[tuple[pl.Expr, pl.Expr]] = []
    last: pl.Expr | None = None
    for rule in rules.phases:
        if rule.test is None:
            last = pl.lit(rule.id)
            break
        phases.append((_true(compiler.test(rule.test)), pl.lit(rule.id)))
    if last is None:  # pragma: no cover - the rulebook check requires a last phase without test
        raise AssertionError("no catch-all phase")
    hot = _true(compiler.test(rules.hot))
    temperature = (
        pl.when(stage == "prospect")
        .then(pl.when(hot).then(pl.lit("hot")).otherwise(pl.lit("cold")))
        .otherwise(None)
    )
    out_of_target = (stage != "customer") & _true(compiler.test(rules.out_of_target))
    steps.append(
        [
            _first(phases, last).alias("phase"),
            temperature.alias("temperature"),
            out_of_target.alias("out_of_target"),
        ]
    )
    temperature = pl.col("temperature")
    out_of_target = pl.col("out_of_target")

    # 5. Next action: the table's rows top to bottom; and what is missing.
    not_met = [(cid, ~g) for cid, g in gates]
    actions: list[tuple[pl.Expr, pl.Expr]] = []
    for row in rules.next_actions:
        if row.models is not None and model not in row.models:
            continue
        conditions: list[pl.Expr] = []
        if row.stages is not None:
            conditions.append(stage.is_in(sorted(row.stages)))
        if row.temperature is not None:
            conditions.append(_true(temperature == row.temperature))
        if row.out_of_target is not None:
            conditions.append(out_of_target if row.out_of_target else ~out_of_target)
        if row.not_met is not None:
            # Not met: one of the model's criteria with that id is not met.
            conditions.append(_any([n for cid, n in not_met if cid == row.not_met]))
        if row.only_not_met is not None:
            # The set of criteria not met is exactly {that id}.
            conditions.append(_any([n for cid, n in not_met if cid == row.only_not_met]))
            conditions.extend(~n for cid, n in not_met if cid != row.only_not_met)
        if row.test is not None:
            conditions.append(_true(compiler.test(row.test)))
        actions.append((_all(conditions), pl.lit(row.id)))
    next_action = _first(actions, pl.lit(None, dtype=pl.String))
    score = sum((scores[part] for part in ("fit", "engagement")), pl.lit(0))
    steps.append(
        [
            score.cast(pl.Int64).alias("score"),
            next_action.alias("next_action"),
            _missing(rules, spec.criteria, gates, stage, lang).alias("missing"),
        ]
    )
    return steps


#: Above this many criteria in a model, `missing` is joined per row, not looked up.
_LOOKUP_LIMIT: Final = 10


def _missing(
    rules: Rulebook,
    criteria: Sequence[str],
    gates: Sequence[tuple[str, pl.Expr]],
    stage: pl.Expr,
    lang: str,
) -> pl.Expr:
    """What the contact lacks for the next stage: criterion labels joined by "; ".

    Leads list the model's criteria not met, in model order (the engine's
    `missing`); the other stages have a fixed answer, so the column is a
    lookup in a table of at most 2^k + 4 strings for a model of k criteria.
    """
    labels = [criterion_label(rules, cid, lang) for cid in criteria]
    fixed = {
        "stranger": criterion_label(rules, "interaction", lang),
        "visitor": criterion_label(rules, "identity", lang),
        "prospect": criterion_label(rules, "purchase", lang),
        "customer": "",
    }
    if len(gates) > _LOOKUP_LIMIT:
        lead = pl.concat_str(
            [pl.when(~g).then(pl.lit(label)) for (_, g), label in zip(gates, labels, strict=True)],
            separator="; ",
            ignore_nulls=True,
        )
        pairs = [(stage == "lead", lead)]
        pairs += [(stage == name, pl.lit(text)) for name, text in fixed.items()]
        return _first(pairs, pl.lit(None, dtype=pl.String))
    # Row i of the table: 0 nothing (customer), 1 .. 2^k - 1 the leads' criteria
    # not met as a bit mask, then stranger, visitor, prospect.
    table = [""]
    for bits in range(1, 1 << len(gates)):
        table.append("; ".join(label for i, label in enumerate(labels) if bits >> i & 1))
    rows = {name: len(table) + i for i, name in enumerate(("stranger", "visitor", "prospect"))}
    table += [fixed["stranger"], fixed["visitor"], fixed["prospect"]]
    mask = pl.sum_horizontal(
        [pl.when(g).then(0).otherwise(1 << i) for i, (_, g) in enumerate(gates)]
    )
    index = _first(
        [(stage == "lead", mask), (stage == "customer", pl.lit(0))]
        + [(stage == name, pl.lit(row)) for name, row in rows.items()],
        pl.lit(None),
    ).cast(pl.UInt32)
    # (a gather from a literal: replace_strict would buffer in the streaming engine)
    return pl.lit(pl.Series(table, dtype=pl.String)).gather(index)


# --- Reading, classifying and finishing a file ---------------------------------------


def neutralize(expr: pl.Expr) -> pl.Expr:
    """A text cell a spreadsheet would run as a formula gets a leading quote."""
    risky = expr.str.contains(FORMULA_PATTERN)
    # Only the few risky cells are matched against a number (null elsewhere: cheap).
    number = pl.when(risky).then(expr).otherwise(None).str.contains(PLAIN_NUMBER)
    return pl.when(_true(risky & ~number)).then(pl.lit("'") + expr).otherwise(expr)


@dataclass(frozen=True, slots=True)
class Plan:
    """A lazy query over one CSV source: the input's columns (named as in
    `layout.names`), then the verdict columns; `__row` (the row's number as a
    spreadsheet shows it) and `__bad` (rejected) come first."""

    frame: pl.LazyFrame
    layout: Layout

    @property
    def output(self) -> pl.LazyFrame:
        """The query without its private columns."""
        return self.frame.drop(ROW, BAD)


#: A mapping's derivation: from the input's columns (in order) to steps of
#: columns, applied one after the other; the last step holds the text of each
#: field it derives, as a cell of a contract-header CSV would say it, and the
#: steps before it helper columns (named `__...`) that the later steps read, so
#: that a value used several times is computed once.
Derive = Callable[[Sequence[pl.Expr]], Sequence[Mapping[str, pl.Expr]]]


def _scan(source: str | bytes | pl.DataFrame, layout: Layout, skip: int) -> pl.LazyFrame:
    """The input's cells as text, named `__c<i>`, and `__x<i>` for cells beyond them."""
    width = len(layout.header)
    schema = {raw_name(i): pl.String() for i in range(width)}
    schema.update({extra_name(i): pl.String() for i in range(EXTRA_CELLS)})
    if isinstance(source, pl.DataFrame):
        # A sheet already read (every cell text): its columns in order.
        table = source.lazy().select(
            *[pl.col(c).cast(pl.String).alias(raw_name(i)) for i, c in enumerate(source.columns)]
        )
        return table.with_columns(
            *[
                pl.lit(None, dtype=pl.String).alias(name)
                for name in schema
                if name not in {raw_name(i) for i in range(source.width)}
            ]
        ).select(list(schema))
    return pl.scan_csv(
        source,
        has_header=False,
        skip_rows=skip,
        separator=layout.delimiter,
        schema=schema,
        missing_columns="insert",
        truncate_ragged_lines=True,
        raise_if_empty=False,
        encoding="utf8",
    )


def plan(
    source: str | bytes | pl.DataFrame,
    layout: Layout,
    skip: int,
    rules: Rulebook,
    model: str,
    lang: str,
    derive: Derive | None = None,
) -> Plan:
    """The lazy query: read every cell as text, parse, classify, explain rejections.

    Rows with no cell at all (blank lines) are dropped; `skip` is the number
    of lines up to the header. `derive`, if given, computes fields from the
    input's columns (a CRM preset's mapping); they are read and checked as a
    contract-header column would be.
    """
    width = len(layout.header)
    frame = _scan(source, layout, skip)
    columns = [raw_name(i) for i in range(width)] + [extra_name(i) for i in range(EXTRA_CELLS)]
    frame = frame.with_row_index(ROW, offset=skip + 1)
    # Rows without a value are dropped. The test is a column of its own: as a
    # filter on the scan, polars pushes it into the CSV reader, where its cost
    # grows with the square of the column count (2,000 columns: 4 GB, 10 s).
    keep = pl.any_horizontal([pl.col(c).is_not_null() for c in columns])
    frame = frame.with_columns(keep.alias(KEEP)).filter(pl.col(KEEP)).drop(KEEP)

    derived: dict[str, pl.Expr] = {}
    if derive is not None:
        steps = list(derive([pl.col(raw_name(i)) for i in range(width)]))
        for helpers in steps[:-1]:
            frame = frame.with_columns(*[expr.alias(name) for name, expr in helpers.items()])
        derived = dict(steps[-1]) if steps else {}
        frame = frame.with_columns(
            *[expr.cast(pl.String).alias(derived_name(name)) for name, expr in derived.items()]
        )
    extras = [pl.col(extra_name(i)) for i in range(EXTRA_CELLS)]
    extra = pl.coalesce([pl.when(x.str.strip_chars(WHITESPACE) != "").then(x) for x in extras])
    words, values, bad_cells = read_steps(layout, list(derived))
    frame = frame.with_columns(*words, extra.alias(EXTRA))
    frame = frame.with_columns(values)
    frame = frame.with_columns(bad_cells)
    stated = stated_values()
    contradiction = _any([flag for _, _, flag in contradiction_parts(stated)])
    bad = _any([pl.col(e.meta.output_name()) for e in bad_cells]) | contradiction
    frame = frame.with_columns(
        (bad | pl.col(EXTRA).is_not_null()).alias(BAD),
        error_expr(layout, lang, list(derived)).alias("error"),
    )
    for step in verdict_steps(stated, rules, model, lang):
        frame = frame.with_columns(step)
    verdict: list[pl.Expr] = []
    for column in layout.verdict_columns:
        if column == RECORD_ID and layout.record_id is not None:
            verdict.append(pl.col(raw_name(layout.record_id)).alias(RECORD_ID))
        elif column == "error":
            verdict.append(pl.col("error"))
        elif column in LABEL_BY_COLUMN:
            kind = LABEL_BY_COLUMN[column]
            verdict.append(_labels(kind, layout.labels or lang).alias(column))
        else:
            verdict.append(pl.when(~pl.col(BAD)).then(pl.col(column)).otherwise(None).alias(column))
    frame = frame.select(
        pl.col(ROW),
        pl.col(BAD),
        *[pl.col(raw_name(i)).alias(name) for i, name in enumerate(layout.names)],
        *verdict,
    )
    return Plan(frame, layout)


#: The label columns, and the id column each one translates.
LABEL_BY_COLUMN: Final = {label: column for column, label in LABEL_COLUMNS.items()}


def _labels(kind: str, lang: str) -> pl.Expr:
    """The id column `kind`'s value as its label in `lang` (empty for a rejected row)."""
    from ._api import label

    ids = STAGES if kind == "stage" else NEXT_ACTIONS
    labelled = pl.lit(None, dtype=pl.String)
    for value in ids:
        labelled = (
            pl.when(pl.col(kind) == value)
            .then(pl.lit(label(kind, value, lang)))
            .otherwise(labelled)
        )
    return pl.when(~pl.col(BAD)).then(labelled).otherwise(None)
