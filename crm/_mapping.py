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

    def column_fields(self) -> dict[int, list[str]]:
        """Every column read, with the fields it feeds (in rule order)."""
        found: dict[int, list[str]] = {}
        for b in self.bound:
            for p in b.positions:
                names = found.setdefault(p, [])
                if b.rule.field not in names:
                    names.append(b.rule.field)
        return found

    def derive(self, columns: Sequence[pl.Expr]) -> dict[str, pl.Expr]:
        """The text of each field, from the input's columns (for the engine)."""
        import polars as pl

        by_field: dict[str, list[pl.Expr]] = {}
        for b in self.bound:
            by_field.setdefault(b.rule.field, []).append(
                _expr(b.rule, [columns[p] for p in b.positions])
            )
        return {
            name: exprs[0] if len(exprs) == 1 else pl.coalesce(exprs)
            for name, exprs in by_field.items()
        }


def _word(cell: pl.Expr) -> pl.Expr:
    return cell.str.strip_chars().str.to_lowercase()


def _expr(rule: Rule, cells: list[pl.Expr]) -> pl.Expr:
    import polars as pl

    none = pl.lit(None, dtype=pl.String)
    if rule.kind == "present":
        filled = pl.any_horizontal([_word(c).fill_null("") != "" for c in cells])
        return pl.when(filled).then(pl.lit("true")).otherwise(none)
    if rule.kind == "sum":
        words = [_whole(_word(c)) for c in cells]
        numbers = [w.cast(pl.Int64, strict=False) for w in words]
        bad = [
            pl.when((w.fill_null("") != "") & n.is_null()).then(c)
            for w, n, c in zip(words, numbers, cells, strict=True)
        ]
        known = pl.any_horizontal([n.is_not_null() for n in numbers])
        total = pl.sum_horizontal([n.fill_null(0) for n in numbers]).cast(pl.String)
        return pl.coalesce([*bad, pl.when(known).then(total).otherwise(none)])
    [cell] = cells
    word = _word(cell)
    spec = FIELD_BY_NAME[rule.field]
    pairs: list[tuple[pl.Expr, pl.Expr]] = [(word.fill_null("") == "", none)]
    groups: dict[str, set[str]] = {}
    for key, value in rule.map.items():
        groups.setdefault(value, set()).update({key.strip().lower(), normal(key)})
    for value, keys in groups.items():
        pairs.append((word.is_in(sorted(keys)), pl.lit(value) if value else none))
    if spec.kind == "bool":
        pairs.append((word.is_in(list(TRUE_CELLS)), pl.lit("true")))
        pairs.append((word.is_in(list(FALSE_CELLS)), pl.lit("false")))
    if spec.kind == "count":
        cell = _whole(word)
    expr = none if rule.other == "unknown" else cell
    for condition, then in reversed(pairs):
        expr = pl.when(condition).then(then).otherwise(expr)
    return expr


def _whole(word: pl.Expr) -> pl.Expr:
    """ "12.0" (a number a spreadsheet wrote) as "12"."""
    return word.str.replace(r"^([0-9]+)[.,]0+$", "${1}")


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
