"""A preset (or a team's mapping) bound to a file's header: which column feeds
which field and by what rule, as polars expressions the engine runs, and as
sentences for `--show-mapping` and the app's review."""

from __future__ import annotations

from collections.abc import Mapping as MappingABC
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from classifier._fields import FIELD_BY_NAME, RULE_FIELDS

from ._messages import CrmFileError
from ._presets import Preset, Rule, normal

if TYPE_CHECKING:
    import polars as pl

#: Yes and no as the five languages and the CRMs write them (compared lowercased).
TRUE_CELLS: Final[tuple[str, ...]] = (
    "true", "yes", "y", "1", "x", "✓", "✔", "sì", "si", "sí", "vero", "verdadero",
    "oui", "vrai", "sim", "verdadeiro", "checked", "on",
)  # fmt: skip
FALSE_CELLS: Final[tuple[str, ...]] = (
    "false", "no", "n", "0", "non", "falso", "faux", "não", "nao", "unchecked", "off",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Bound:
    """A rule with the positions of the columns it reads (one per group found)."""

    rule: Rule
    positions: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Mapping:
    """How a file's columns are read: the preset, how it was chosen ("detected",
    "chosen", "contract" or "map"), the record id's column and the bound rules."""

    preset: Preset
    how: str
    header: tuple[str, ...]
    record_id: int | None
    bound: tuple[Bound, ...]
    overrides: MappingABC[str, str | None] = field(default_factory=dict)

    @property
    def fields(self) -> list[str]:
        """The fields some column feeds, in the contract's order."""
        fed = {b.rule.field for b in self.bound}
        return [name for name in (*RULE_FIELDS, "name") if name in fed]

    @property
    def unknown(self) -> list[str]:
        fed = set(self.fields)
        return [name for name in RULE_FIELDS if name not in fed]

    @property
    def read(self) -> set[int]:
        used = {p for b in self.bound for p in b.positions}
        return used | ({self.record_id} if self.record_id is not None else set())

    def derive(self, columns: Sequence[pl.Expr]) -> list[dict[str, pl.Expr]]:
        """The text of each field, from the input's columns (for the engine), in
        three steps: each column read as a word (once), each value map's lookup
        (once), then the fields."""
        import polars as pl

        used = sorted({p for b in self.bound for p in b.positions})
        words = {f"__crm_w{p}": _word(columns[p]) for p in used}
        lookups: dict[str, pl.Expr] = {}
        by_field: dict[str, list[pl.Expr]] = {}
        for n, b in enumerate(self.bound):
            cells = [columns[p] for p in b.positions]
            said = [pl.col(f"__crm_w{p}") for p in b.positions]
            hit: pl.Expr | None = None
            if b.rule.kind == "value":
                lookup = _lookup(b.rule, said[0])
                if lookup is not None:
                    lookups[f"__crm_h{n}"] = lookup
                    hit = pl.col(f"__crm_h{n}")
            by_field.setdefault(b.rule.field, []).append(_expr(b.rule, cells, said, hit))
        fields = {
            name: exprs[0] if len(exprs) == 1 else pl.coalesce(exprs)
            for name, exprs in by_field.items()
        }
        return [words, lookups, fields]


def _word(cell: pl.Expr) -> pl.Expr:
    return cell.str.strip_chars().str.to_lowercase()


#: What a value map's "" (unknown) is looked up as.
_UNKNOWN: Final = "\x00unknown"


def _table(rule: Rule) -> dict[str, str]:
    """A value rule's lookup: the map's keys (lowercased as written, and without
    accents), then yes/no words for a boolean field; "" is unknown."""
    spec = FIELD_BY_NAME[rule.field]
    table: dict[str, str] = {"": _UNKNOWN}
    for key, value in rule.map.items():
        for form in (key.strip().lower(), normal(key)):
            table.setdefault(form, value or _UNKNOWN)
    if spec.kind == "bool":
        for word_true in TRUE_CELLS:
            table.setdefault(word_true, "true")
        for word_false in FALSE_CELLS:
            table.setdefault(word_false, "false")
    return table


def _lookup(rule: Rule, word: pl.Expr) -> pl.Expr | None:
    """The value map applied to a column's words: one `is_in` test per value
    it gives, on the words computed once (`replace_strict` would be a single
    lookup, but it holds the whole column in memory in the streaming engine)."""
    import polars as pl

    table = _table(rule)
    if len(table) == 1:
        return None
    groups: dict[str, list[str]] = {}
    for key, value in table.items():
        groups.setdefault(value, []).append(key)
    expr = pl.lit(None, dtype=pl.String)
    for value, keys in groups.items():
        expr = pl.when(word.is_in(sorted(keys))).then(pl.lit(value)).otherwise(expr)
    return expr


def _expr(rule: Rule, cells: list[pl.Expr], words: list[pl.Expr], hit: pl.Expr | None) -> pl.Expr:
    """A rule's text for its field, from the cells, their words and the lookup."""
    import polars as pl

    none = pl.lit(None, dtype=pl.String)
    if rule.kind == "present":
        filled = pl.any_horizontal([w.fill_null("") != "" for w in words])
        return pl.when(filled).then(pl.lit("true")).otherwise(none)
    if rule.kind == "sum":
        numbers = [w.cast(pl.Int64, strict=False) for w in words]
        bad = [
            pl.when((w.fill_null("") != "") & n.is_null()).then(c)
            for w, n, c in zip(words, numbers, cells, strict=True)
        ]
        known = pl.any_horizontal([n.is_not_null() for n in numbers])
        total = pl.sum_horizontal([n.fill_null(0) for n in numbers]).cast(pl.String)
        return pl.coalesce([*bad, pl.when(known).then(total).otherwise(none)])
    [cell] = cells
    otherwise = none if rule.other == "unknown" else cell
    if hit is None:
        return otherwise
    known = pl.when(hit != _UNKNOWN).then(hit)
    return pl.when(hit.is_not_null()).then(known).otherwise(otherwise)


def bind(
    header: Sequence[str],
    preset: Preset,
    how: str,
    path: str | None,
    *,
    extra: Sequence[Rule] = (),
    overrides: MappingABC[str, str | None] | None = None,
) -> Mapping:
    """The preset's rules (after `extra`, a team's) on this header. `overrides`
    (column → field, or None to leave it unread) come first of all."""
    chosen = dict(overrides or {})
    positions: dict[str, list[int]] = {}
    for i, cell in enumerate(header):
        if cell.strip():
            positions.setdefault(normal(cell), []).append(i)
    excluded = {i for column in chosen for i in positions.get(normal(column), [])}
    over = [
        Rule(name, "value", ((column,),)) for column, name in chosen.items() if name is not None
    ]
    rules = [*over, *extra, *preset.rules]
    bound: list[Bound] = []
    for n, rule in enumerate(rules):
        found: list[int] = []
        for group in rule.columns:
            for alias in group:
                at = positions.get(normal(alias), [])
                if n >= len(over):
                    at = [i for i in at if i not in excluded]
                if at:
                    if len(at) > 1:
                        raise CrmFileError("duplicate_column", path, column=header[at[0]].strip())
                    found.append(at[0])
                    break
        if found:
            bound.append(Bound(rule, tuple(found)))
    record_id = None
    for alias in preset.record_id:
        at = positions.get(normal(alias), [])
        if at:
            record_id = at[0]
            break
    return Mapping(preset, how, tuple(header), record_id, tuple(bound), chosen)
