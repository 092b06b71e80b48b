"""The rulebook as one SQL `SELECT`, built as a sqlglot tree and written in a dialect.

`select_tree` walks the very `Rulebook` object the engine (`classifier._engine`)
reads, test by test, as `classifier._columnar` does for polars, and turns each
compiled test into a SQL expression; no rule is written here. Three-valued
outcomes are nullable booleans: TRUE met, FALSE unmet, NULL unknown, and SQL's
AND / OR follow the same (Kleene) logic as `AtLeast` for `any` / `all`.

The query nests three SELECTs so that a verdict column computed once is read
by the next ones (stage by temperature, next action and missing), without
helper columns in the result: every column of the table, then the verdict.

This module imports sqlglot: import it only from inside functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, reduce
from itertools import product
from math import prod
from typing import Final, cast

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokenizer_core import TokenType

from classifier import FIELDS, Rulebook, label
from classifier._profile import Problem
from classifier._rules import MET, AtLeast, FieldTest, ScorePart, ScoreRow, ScoreTest, Test

from ._messages import WarehouseError

#: The dialects the command writes, by the name sqlglot knows them by.
DIALECTS: Final[tuple[str, ...]] = ("duckdb", "postgres", "spark", "bigquery", "snowflake", "trino")
#: The verdict columns, in order, after the table's own.
VERDICT_COLUMNS: Final[tuple[str, ...]] = (
    "stage",
    "phase",
    "temperature",
    "out_of_target",
    "fit",
    "engagement",
    "score",
    "next_action",
    "missing",
    "error",
)
#: With --lang: the ids' display names, after the verdict.
LABEL_COLUMNS: Final[tuple[str, ...]] = ("stage_label", "next_action_label", "missing_label")
#: Every number of a rule must be within this (SQL integers are 64-bit; the
#: score arithmetic then never overflows, whatever the counts in the table).
NUMBER_LIMIT: Final = 10**9
#: Most combinations of unknown values tried for a score part's best case.
TRIAL_LIMIT: Final = 256
IDENTITY_CONSENTS: Final[tuple[str, ...]] = ("single", "double", "withdrawn")
#: A part of a table name: a letter or _ first, then letters, digits, _, $ or -.
NAME_PART: Final = re.compile(r"[^\W\d][\w$-]*")
NAME_PART_MAX: Final = 255


def _paren(node: exp.Expression) -> exp.Expression:
    """Parenthesised unless atomic: sqlglot writes the tree as built, precedence aside."""
    if isinstance(node, exp.Column | exp.Literal | exp.Boolean | exp.Null | exp.Paren):
        return node
    return exp.Paren(this=node)


def _and(nodes: Sequence[exp.Expression]) -> exp.Expression:
    if not nodes:
        return exp.true()
    return reduce(lambda a, b: exp.And(this=_paren(a), expression=_paren(b)), nodes)


def _or(nodes: Sequence[exp.Expression]) -> exp.Expression:
    if not nodes:
        return exp.false()
    return reduce(lambda a, b: exp.Or(this=_paren(a), expression=_paren(b)), nodes)


def _not(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Not):  # NOT NOT x is x, unknown included
        inner: exp.Expression = node.this.unnest()
        return inner
    return exp.Not(this=_paren(node))


def _true(node: exp.Expression) -> exp.Expression:
    """Met: true, with unknown counted as not met."""
    return exp.Coalesce(this=node, expressions=[exp.false()])


def _num(value: int) -> exp.Expression:
    return exp.Literal.number(value)


def _str(value: str) -> exp.Expression:
    return exp.Literal.string(value)


def _lit(value: bool | int | str) -> exp.Expression:
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    return _num(value) if isinstance(value, int) else _str(value)


def _is_null(node: exp.Expression) -> exp.Expression:
    return exp.Is(this=_paren(node), expression=exp.Null())


def _case(
    pairs: Sequence[tuple[exp.Expression, exp.Expression]], default: exp.Expression | None = None
) -> exp.Expression:
    if not pairs:
        return default if default is not None else exp.Null()
    return exp.Case(
        ifs=[exp.If(this=cond, true=value) for cond, value in pairs],
        default=default,
    )


def _cmp(kind: type[exp.Binary], left: exp.Expression, right: exp.Expression) -> exp.Expression:
    return cast(exp.Expression, kind(this=_paren(left), expression=_paren(right)))


def _as(node: exp.Expression, name: str) -> exp.Expression:
    """`node AS name`: our own column names, plain words in every dialect."""
    return exp.Alias(this=node, alias=exp.to_identifier(name))


def _add(nodes: Sequence[exp.Expression]) -> exp.Expression:
    if not nodes:
        return _num(0)
    return reduce(lambda a, b: exp.Add(this=_paren(a), expression=_paren(b)), nodes)


def _concat(nodes: Sequence[exp.Expression]) -> exp.Expression:
    if not nodes:
        return _str("")
    return reduce(lambda a, b: exp.DPipe(this=_paren(a), expression=_paren(b), safe=True), nodes)


class _Writer:
    """Dialect details the tree depends on: how GREATEST / LEAST read."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        # The arguments are never NULL, so either NULL rule gives the same
        # result: take the one the dialect writes as a plain GREATEST.
        self.ignore_nulls = dialect != "snowflake"

    def greatest(self, nodes: Sequence[exp.Expression]) -> exp.Expression:
        if len(nodes) == 1:
            return nodes[0]
        return exp.Greatest(
            this=nodes[0], expressions=list(nodes[1:]), ignore_nulls=self.ignore_nulls
        )

    def least(self, nodes: Sequence[exp.Expression]) -> exp.Expression:
        if len(nodes) == 1:
            return nodes[0]
        return exp.Least(this=nodes[0], expressions=list(nodes[1:]), ignore_nulls=self.ignore_nulls)


def _cast(node: exp.Expression, kind: str) -> exp.Expression:
    return exp.Cast(this=node, to=exp.DataType.build(kind))


# --- The rulebook's tests as expressions ---------------------------------------------

ScoreLookup = Callable[[str], exp.Expression]


class _Compiler:
    """Compiles `Test` trees into three-valued boolean expressions.

    `values` are the row's values after inference; `bounds` the lower bound of
    an unknown count (an expression, 0 or 1); `scores`, when given, the score
    parts and their best cases (`best_fit`...) for score tests.
    """

    def __init__(
        self,
        writer: _Writer,
        values: Mapping[str, exp.Expression],
        bounds: Mapping[str, exp.Expression],
        scores: ScoreLookup | None,
        where: str,
    ) -> None:
        self.writer = writer
        self.values = values
        self.bounds = bounds
        self.scores = scores
        self.where = where

    def at(self, where: str) -> _Compiler:
        """The same compiler, naming another rule in its refusals."""
        return _Compiler(self.writer, self.values, self.bounds, self.scores, where)

    def test(self, test: Test) -> exp.Expression:
        if isinstance(test, FieldTest):
            node = self._field(test)
        elif isinstance(test, ScoreTest):
            if self.scores is None:
                raise WarehouseError("score_in_score", rule=self.where)
            _check_number(test.min, self.where)
            node = _case(
                [
                    (_cmp(exp.GTE, self.scores(test.part), _num(test.min)), exp.true()),
                    (_cmp(exp.LT, self.scores(f"best_{test.part}"), _num(test.min)), exp.false()),
                ]
            )
        elif isinstance(test, AtLeast):
            node = self._at_least(test)
        else:
            raise WarehouseError("unknown_test", rule=self.where)
        if test.unknown_as is not None:
            node = exp.Coalesce(this=node, expressions=[_lit(test.unknown_as is MET)])
        return node

    def _field(self, test: FieldTest) -> exp.Expression:
        value = self.values[test.field]
        if test.is_ is not None:
            return value if test.is_ else _not(value)
        if test.in_ is not None:
            return exp.In(this=value, expressions=[_str(v) for v in sorted(test.in_)])
        checks: list[exp.Expression] = []
        for bound, kind in ((test.min, exp.GTE), (test.max, exp.LTE)):
            if bound is not None:
                _check_number(bound, self.where)
                checks.append(_cmp(kind, value, _num(bound)))
        known = checks[0] if len(checks) == 1 else _case([(_not(_is_null(value)), _and(checks))])
        if test.min is not None and test.max is None:
            # An unknown count with a known lower bound (interactions inferred
            # "at least 1") meets `min` when the bound reaches it.
            if test.field in self.bounds:
                lower = self.bounds[test.field]
                reached = _case([(_cmp(exp.GTE, lower, _num(test.min)), exp.true())])
                known = exp.Coalesce(this=known, expressions=[reached])
            elif test.min <= 0:  # no bound: 0, which meets a min of 0
                known = exp.Coalesce(this=known, expressions=[exp.true()])
        return known

    def _at_least(self, test: AtLeast) -> exp.Expression:
        children = [self.test(child) for child in test.children]
        if test.kind == "any":
            return _or(children)
        if test.kind == "all":
            return _and(children)
        _check_number(test.needed, self.where)
        met = _add([_case([(_true(c), _num(1))], _num(0)) for c in children])
        unknown = _add([_case([(_is_null(c), _num(1))], _num(0)) for c in children])
        return _case(
            [
                (_cmp(exp.GTE, met, _num(test.needed)), exp.true()),
                (_cmp(exp.LT, _add([met, unknown]), _num(test.needed)), exp.false()),
            ]
        )

    # Scores --------------------------------------------------------------------------

    def row_points(self, row: ScoreRow) -> exp.Expression:
        """What one score row earns: only stated values earn points."""
        if row.field is not None:
            count = self.values[row.field]
            for number in (row.each, row.cap):
                if number is not None:
                    _check_number(number, self.where)
            if row.cap is not None and row.each > 0:
                # Past ceil(cap / each) the row gives its cap: exact in integers.
                enough = -(-row.cap // row.each)
                gained = _cmp(exp.Mul, self.writer.least([count, _num(enough)]), _num(row.each))
                gained = self.writer.least([gained, _num(row.cap)])
            else:
                # A count can be as large as the column holds: decimal arithmetic.
                gained = _cmp(exp.Mul, _cast(count, "DECIMAL(38, 0)"), _num(row.each))
                if row.cap is not None:
                    gained = self.writer.least([gained, _num(row.cap)])
            return _case([(_is_null(count), _num(0))], gained)
        if row.test is not None:
            _check_number(row.points, self.where)
            return _case([(_true(self.test(row.test)), _num(row.points))], _num(0))
        return _num(0)

    def score(self, part: ScorePart, where: str) -> exp.Expression:
        terms = [self.at(f"{where}.rows[{i}]").row_points(row) for i, row in enumerate(part.rows)]
        return self._clamp(part, where, terms)

    def best_score(self, part: ScorePart, where: str) -> exp.Expression:
        """`_engine.best_score_part`: per group of rows, the most points over the
        values worth trying for its unknown fields (a known field keeps its value)."""
        terms: list[exp.Expression] = []
        for group in part.groups:
            count = prod(len(c) for c in group.candidates)
            if count > TRIAL_LIMIT:
                raise WarehouseError(
                    "too_many_cases", rule=where, count=str(count), limit=str(TRIAL_LIMIT)
                )
            trials: list[exp.Expression] = []
            for combination in product(*group.candidates):
                values = dict(self.values)
                for name, candidate in zip(group.fields, combination, strict=True):
                    if isinstance(candidate, int) and not isinstance(candidate, bool):
                        _check_number(candidate, where)
                    given = _lit(candidate) if candidate is not None else exp.Null()
                    if name in self.bounds:
                        given = self.writer.greatest([given, self.bounds[name]])
                    values[name] = exp.Coalesce(this=self.values[name], expressions=[given])
                trial = _Compiler(self.writer, values, {}, None, where)
                rows = [trial.row_points(row) for row in group.rows]
                trials.append(_add(rows))
            terms.append(self.writer.greatest(trials))
        return self._clamp(part, where, terms)

    def _clamp(
        self, part: ScorePart, where: str, terms: Sequence[exp.Expression]
    ) -> exp.Expression:
        _check_number(part.min, f"{where}.min")
        _check_number(part.max, f"{where}.max")
        total = self.writer.least([_num(part.max), _add(terms)])
        return _cast(self.writer.greatest([_num(part.min), total]), "BIGINT")


def _check_number(value: int, where: str) -> None:
    if not -NUMBER_LIMIT <= value <= NUMBER_LIMIT:
        raise WarehouseError(
            "too_big_number", rule=where, value=str(value), limit=f"{NUMBER_LIMIT:,}"
        )


# --- Reading the table --------------------------------------------------------------------


def _identifier(name: str, dialect: str) -> exp.Identifier:
    """A name of the user's as an identifier, quoted when the dialect needs it:
    not a plain word, or a word its SQL reads as something else (ORDER, SELECT)."""
    return exp.Identifier(this=name, quoted=_needs_quotes(name, dialect))


def _needs_quotes(name: str, dialect: str) -> bool:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) is None:
        return True
    if name.lower() in _reserved():
        return True
    tokens = Dialect.get_or_raise(dialect).tokenize(name)
    return len(tokens) != 1 or tokens[0].token_type != TokenType.VAR


@cache
def _reserved() -> frozenset[str]:
    """Words reserved in any of the dialects (as sqlglot lists them): quoted in
    every dialect, so that one table name reads the same everywhere."""
    words: set[str] = set()
    for dialect in DIALECTS:
        generator = Dialect.get_or_raise(dialect).generator_class
        words.update(w.lower() for w in getattr(generator, "RESERVED_KEYWORDS", ()))
    return frozenset(words)


def table_parts(name: str) -> tuple[str, ...]:
    """`name`, `schema.name` or `catalog.schema.name`, checked; WarehouseError otherwise."""
    parts = tuple(name.split("."))
    if len(parts) > 3 or not all(
        NAME_PART.fullmatch(part) and len(part) <= NAME_PART_MAX for part in parts
    ):
        raise WarehouseError("bad_table", table=name)
    return parts


def table_expression(name: str, dialect: str) -> exp.Table:
    parts = [_identifier(part, dialect) for part in table_parts(name)]
    keys = ("catalog", "db", "this")[-len(parts) :]
    return exp.Table(**dict(zip(keys, parts, strict=True)))


def _aliased(table: exp.Table, alias: str) -> exp.Table:
    table.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
    return table


def _column(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table)


# --- The query ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Options:
    dialect: str
    model: str
    table: str = "contacts"
    lang: str | None = None


def _problem_text(problem: Problem, lang: str, slot: str) -> list[str]:
    """A problem's sentence in `lang`, cut where its value goes (rendered with `slot`)."""
    return problem.message(lang).split(slot)


_SLOT: Final = "\x00value\x00"


def _fill(pieces: Sequence[str], value: exp.Expression) -> exp.Expression:
    parts: list[exp.Expression] = []
    for i, piece in enumerate(pieces):
        if i:
            parts.append(value)
        if piece:
            parts.append(_str(piece))
    return _concat(parts)


def _shown_text(value: exp.Expression) -> exp.Expression:
    """`_profile.shown` for a text value: JSON-quoted (backslash and double quote
    escaped), cut to 60 characters."""
    escaped = exp.Replace(
        this=exp.Replace(this=value, expression=_str("\\"), replacement=_str("\\\\")),
        expression=_str('"'),
        replacement=_str('\\"'),
    )
    quoted = _concat([_str('"'), escaped, _str('"')])
    cut = _concat([exp.Substring(this=quoted, start=_num(1), length=_num(57)), _str("…")])
    return _case([(_cmp(exp.GT, exp.Length(this=quoted), _num(60)), cut)], quoted)


def _error(v: Mapping[str, exp.Expression], lang: str) -> exp.Expression:
    """Why `parse_profile` rejects the row (NULL when it does not), in `lang`:
    every value outside its field's list, in field order; else the contradictions."""
    problems: list[tuple[exp.Expression, exp.Expression]] = []
    for spec in FIELDS:
        value = v[spec.name]
        if spec.kind == "choice":
            params = {"field": spec.name, "value": _SLOT, "allowed": ", ".join(spec.values)}
            pieces = _problem_text(Problem("not_allowed", (spec.name,), params), lang, _SLOT)
            bad = _not(exp.In(this=value, expressions=[_str(x) for x in spec.values]))
            problems.append((_true(bad), _fill(pieces, _shown_text(value))))
        elif spec.kind == "count":
            params = {"field": spec.name, "value": _SLOT}
            pieces = _problem_text(Problem("negative", (spec.name,), params), lang, _SLOT)
            bad = _true(_cmp(exp.LT, value, _num(0)))
            problems.append((bad, _fill(pieces, _cast(value, "TEXT"))))
    conflicts: list[tuple[exp.Expression, exp.Expression]] = []
    shown = {
        "consent": _concat([_str('"'), v["consent"], _str('"')]),
        "conversation": _str("true"),
        "identified": _str("true"),
        "content": _cast(v["content"], "TEXT"),
        "purchases": _cast(v["purchases"], "TEXT"),
    }
    for first, other, flag in _contradictions(v):
        code = "contradiction_identified" if first == "identified" else "contradiction_interactions"
        problem = Problem(code, (first, other), {"other": other, "value": _SLOT})
        conflicts.append((flag, _fill(_problem_text(problem, lang, _SLOT), shown[other])))
    return _case(
        [
            (_or([flag for flag, _ in problems]), _joined(problems)),
            (_or([flag for flag, _ in conflicts]), _joined(conflicts)),
        ]
    )


def _joined(items: Sequence[tuple[exp.Expression, exp.Expression]]) -> exp.Expression:
    """The texts whose flag holds, joined by one space (at least one holds)."""
    pieces = [_case([(flag, _concat([_str(" "), text]))], _str("")) for flag, text in items]
    return exp.Substring(this=_concat(pieces), start=_num(2))


def _contradictions(v: Mapping[str, exp.Expression]) -> list[tuple[str, str, exp.Expression]]:
    """The contract's contradictions on stated values, in `_profile.contradictions`'
    order: (field, other field, present)."""
    denied = _true(_not(v["identified"]))
    evidence = {
        "consent": _true(
            exp.In(this=v["consent"], expressions=[_str(c) for c in IDENTITY_CONSENTS])
        ),
        "conversation": _true(v["conversation"]),
        "purchases": _true(_cmp(exp.GTE, v["purchases"], _num(1))),
    }
    no_touch = _true(exp.EQ(this=v["interactions"], expression=_num(0)))
    touch = {
        "identified": _true(v["identified"]),
        "content": _true(_cmp(exp.GTE, v["content"], _num(1))),
        "conversation": evidence["conversation"],
        "purchases": evidence["purchases"],
    }
    return [("identified", k, _and([denied, e])) for k, e in evidence.items()] + [
        ("interactions", k, _and([no_touch, e])) for k, e in touch.items()
    ]


def _valid(v: Mapping[str, exp.Expression]) -> exp.Expression:
    """The row is one `parse_profile` accepts: values in their lists, counts not
    negative, no contradiction."""
    bad: list[exp.Expression] = []
    for spec in FIELDS:
        value = v[spec.name]
        if spec.kind == "choice":
            bad.append(_not(exp.In(this=value, expressions=[_str(x) for x in spec.values])))
        elif spec.kind == "count":
            bad.append(_cmp(exp.LT, value, _num(0)))
    bad += [flag for _, _, flag in _contradictions(v)]
    return _not(_or([_true(b) for b in bad]))


def select_tree(rules: Rulebook, options: Options) -> exp.Select:
    """The query as a sqlglot tree (see the module's docstring)."""
    writer = _Writer(options.dialect)
    spec = rules.models[options.model]
    lang = options.lang or "en"

    # 1. The contract's inferences, as `_profile.complete` applies them.
    stated = {f.name: _column(f.name) for f in FIELDS}
    evidence = _or(
        [
            _true(exp.In(this=stated["consent"], expressions=[_str(c) for c in IDENTITY_CONSENTS])),
            _true(stated["conversation"]),
            _true(_cmp(exp.GTE, stated["purchases"], _num(1))),
        ]
    )
    identified = exp.Coalesce(
        this=stated["identified"], expressions=[_case([(evidence, exp.true())])]
    )
    inferred_touch = _and(
        [
            _is_null(stated["interactions"]),
            _or([_true(identified), _true(_cmp(exp.GTE, stated["content"], _num(1)))]),
        ]
    )
    values = {**stated, "identified": identified}
    bounds = {"interactions": _case([(inferred_touch, _num(1))], _num(0))}

    # 2. Scores (only stated counts earn points) and the criteria.
    plain = _Compiler(writer, values, bounds, None, "score")
    parts = {part.id: part for part in rules.score}
    score_nodes: dict[str, exp.Expression] = {}

    def scores(key: str) -> exp.Expression:
        if key not in score_nodes:
            part_id = key.removeprefix("best_")
            where = f"score.{part_id}"
            part = parts[part_id]
            score_nodes[key] = (
                plain.best_score(part, where)
                if key.startswith("best_")
                else plain.score(part, where)
            )
        return score_nodes[key].copy()

    compiler = _Compiler(writer, values, bounds, scores, "")

    def met(cid: str) -> exp.Expression:
        return _true(compiler.at(f"criteria.{cid}").test(rules.criteria[cid].test))

    gates = list(spec.criteria)
    valid = _valid(stated)

    # 3. Stage and phase (first SELECT).
    stage = _case(
        [
            (_not(valid), exp.Null()),
            (met("purchase"), _str("customer")),
            (
                _not(met("identity")),
                _case([(met("interaction"), _str("visitor"))], _str("stranger")),
            ),
            (_and([met(cid) for cid in gates]), _str("prospect")),
        ],
        _str("lead"),
    )
    phase_pairs: list[tuple[exp.Expression, exp.Expression]] = [(_not(valid), exp.Null())]
    last: exp.Expression = exp.Null()
    for i, rule in enumerate(rules.phases):
        if rule.test is None:
            last = _str(rule.id)
            break
        phase_pairs.append((_true(compiler.at(f"phases[{i}]").test(rule.test)), _str(rule.id)))
    first = exp.select(
        exp.Column(this=exp.Star(), table=exp.to_identifier("t")),
        _as(stage, "stage"),
        _as(_case(phase_pairs, last), "phase"),
    ).from_(_aliased(table_expression(options.table, options.dialect), "t"))

    # 4. Temperature, out of target, the score parts (second SELECT, over the first).
    stage_col = _column("stage", "s1")
    known = _not(_is_null(stage_col))
    hot = _true(compiler.at("temperature.hot").test(rules.hot))
    temperature = _case(
        [
            (
                exp.EQ(this=stage_col, expression=_str("prospect")),
                _case([(hot, _str("hot"))], _str("cold")),
            )
        ]
    )
    off_target = _and(
        [
            exp.NEQ(this=stage_col, expression=_str("customer")),
            _true(compiler.at("out_of_target.test").test(rules.out_of_target)),
        ]
    )
    second = exp.select(
        exp.Column(this=exp.Star(), table=exp.to_identifier("s1")),
        _as(temperature, "temperature"),
        _as(_case([(known, off_target)]), "out_of_target"),
        _as(_case([(known, scores("fit"))]), "fit"),
        _as(_case([(known, scores("engagement"))]), "engagement"),
    ).from_(exp.Subquery(this=first, alias=exp.TableAlias(this=exp.to_identifier("s1"))))

    # 5. Score, next action, missing, error (third SELECT, over the second).
    stage_col = _column("stage", "s2")
    known = _not(_is_null(stage_col))
    temperature_col = _column("temperature", "s2")
    off_col = _column("out_of_target", "s2")
    not_met = [(cid, _not(met(cid))) for cid in gates]
    actions: list[tuple[exp.Expression, str]] = []
    for i, row in enumerate(rules.next_actions):
        if row.models is not None and options.model not in row.models:
            continue
        conditions: list[exp.Expression] = []
        if row.stages is not None:
            conditions.append(
                exp.In(this=stage_col, expressions=[_str(s) for s in sorted(row.stages)])
            )
        if row.temperature is not None:
            conditions.append(_true(exp.EQ(this=temperature_col, expression=_str(row.temperature))))
        if row.out_of_target is not None:
            conditions.append(off_col if row.out_of_target else _not(off_col))
        if row.not_met is not None:
            conditions.append(_or([n for cid, n in not_met if cid == row.not_met]))
        if row.only_not_met is not None:
            conditions.append(_or([n for cid, n in not_met if cid == row.only_not_met]))
            conditions += [_not(n) for cid, n in not_met if cid != row.only_not_met]
        if row.test is not None:
            conditions.append(_true(compiler.at(f"next_actions[{i}].test").test(row.test)))
        actions.append((_and(conditions), row.id))
    next_action = _case([(_not(known), exp.Null())] + [(c, _str(a)) for c, a in actions])
    score = _add([_column("fit", "s2"), _column("engagement", "s2")])
    columns: list[exp.Expression] = [
        exp.Column(this=exp.Star(), table=exp.to_identifier("s2")),
        _as(score, "score"),
        _as(next_action, "next_action"),
        _as(_missing(rules, gates, not_met, stage_col, None), "missing"),
        _as(_case([(_not(known), _error(stated, lang))]), "error"),
    ]
    if options.lang is not None:
        columns += _labels(rules, gates, not_met, stage_col, actions, options.lang)
    third = exp.select(*columns).from_(
        exp.Subquery(this=second, alias=exp.TableAlias(this=exp.to_identifier("s2")))
    )
    return third


def _missing(
    rules: Rulebook,
    gates: Sequence[str],
    not_met: Sequence[tuple[str, exp.Expression]],
    stage: exp.Expression,
    lang: str | None,
) -> exp.Expression:
    """What the contact lacks for the next stage, joined by "; ": criterion ids
    (or their labels in `lang`). Leads: the model's criteria not met, in model order."""

    def name(cid: str) -> str:
        if lang is None:
            return cid
        return label("criterion", rules.criteria[cid].message, lang)

    pieces = [_case([(n, _str(f"; {name(cid)}"))], _str("")) for cid, n in not_met]
    lead = exp.Substring(this=_concat(pieces), start=_num(3))
    fixed = {"stranger": "interaction", "visitor": "identity", "prospect": "purchase"}
    pairs: list[tuple[exp.Expression, exp.Expression]] = [
        (exp.EQ(this=stage, expression=_str("lead")), lead)
    ]
    pairs += [(exp.EQ(this=stage, expression=_str(s)), _str(name(cid))) for s, cid in fixed.items()]
    pairs.append((exp.EQ(this=stage, expression=_str("customer")), _str("")))
    return _case(pairs)


def _labels(
    rules: Rulebook,
    gates: Sequence[str],
    not_met: Sequence[tuple[str, exp.Expression]],
    stage: exp.Expression,
    actions: Sequence[tuple[exp.Expression, str]],
    lang: str,
) -> list[exp.Expression]:
    """stage_label, next_action_label and missing_label: the display names in `lang`."""
    from classifier import STAGES

    stage_label = _case(
        [(exp.EQ(this=stage, expression=_str(s)), _str(label("stage", s, lang))) for s in STAGES]
    )
    action_label = _case(
        [(cond, _str(label("next_action", action, lang))) for cond, action in actions]
    )
    return [
        _as(_case([(_not(_is_null(stage)), stage_label)]), "stage_label"),
        _as(_case([(_not(_is_null(stage)), action_label)]), "next_action_label"),
        _as(_missing(rules, gates, not_met, stage, lang), "missing_label"),
    ]


def select_sql(rules: Rulebook, options: Options, *, pretty: bool = True) -> str:
    """The query in `options.dialect`; WarehouseError when it cannot be written."""
    if options.dialect not in DIALECTS:
        raise WarehouseError(
            "unknown_dialect", dialect=options.dialect, dialects=", ".join(DIALECTS)
        )
    table_parts(options.table)
    if options.model not in rules.models:
        raise WarehouseError("unknown_model", model=options.model, models=", ".join(rules.models))
    return select_tree(rules, options).sql(dialect=options.dialect, pretty=pretty)


__all__ = ["DIALECTS", "LABEL_COLUMNS", "VERDICT_COLUMNS", "Options", "select_sql", "select_tree"]
