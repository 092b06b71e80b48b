"""CRM presets: data files (`presets/*.toml`) that say how a CRM's export names
and writes the profile's facts, read into `Preset` objects; and a team's own
mapping file (`--map`), read the same way.

A preset file holds `id`, `name`, `signature` (columns that say the file is
this CRM's export), `record_id` (the column aliases of the record's id) and
`[[rule]]` tables, each with a `field` and a `kind`:

- `value`: one column (`column`, a list of aliases: the first present is
  read), its cell as it is; a boolean field also reads yes/no in the five
  languages and `x`; `map` (cell → contract value, `""` for unknown) is
  looked up first; `other = "unknown"` makes any other value unknown
  (otherwise it is read as it is, and rejected if not a contract value);
- `sum`: the sum of several count columns (`columns`, a list of alias lists);
- `present`: true when any of `columns` is filled (unknown otherwise).

`fallback = true` puts a rule after the common ones: a guess (a "customer"
lifecycle stage means at least one purchase) that a precise column wins over.

Rules for the same field are tried in order: the first one that knows wins.
Every preset also reads the rules of `presets/_common.toml` after its own
(the contract's field names, and the custom fields teams add for BANT).
"""

from __future__ import annotations

import difflib
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as default
from functools import cache
from importlib import resources
from typing import Any, Final

from classifier import FIELDS

from ._messages import CrmFileError

KINDS: Final[tuple[str, ...]] = ("value", "sum", "present")
#: Fields a rule may derive: the contract's, and the display-only `name`.
MAPPABLE: Final[tuple[str, ...]] = (*(f.name for f in FIELDS), "name")
COMMON: Final = "_common"


def normal(text: str) -> str:
    """A column name or a cell as compared: no accents, case or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


@dataclass(frozen=True, slots=True)
class Rule:
    """How one field is read from one or more columns (see the module's doc)."""

    field: str
    kind: str
    columns: tuple[tuple[str, ...], ...]
    map: Mapping[str, str] = default(default_factory=dict)
    other: str = "keep"
    #: Tried after the common rules: a guess ("a customer bought at least once")
    #: that a precise column (a team's "Purchases") should override.
    fallback: bool = False

    def keys(self) -> dict[str, str]:
        """The value map with its keys as cells are compared."""
        return {normal(k): v for k, v in self.map.items()}


@dataclass(frozen=True, slots=True)
class Preset:
    id: str
    name: str
    signature: tuple[str, ...]
    record_id: tuple[str, ...]
    rules: tuple[Rule, ...]
    #: The preset's own rules (`rules` also holds the common ones).
    mine: tuple[Rule, ...] = ()

    def aliases(self, own: bool = False) -> set[str]:
        """Every column name this preset reads (only its own: `own`), as compared."""
        names = {normal(a) for a in (*self.signature, *self.record_id)}
        for rule in self.mine if own else self.rules:
            names.update(normal(a) for group in rule.columns for a in group)
        return names


def _strings(value: object, where: str, path: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise CrmFileError("bad_map", path, why="shape", detail=where)


def parse_rules(items: object, path: str) -> tuple[Rule, ...]:
    """The `[[rule]]` tables of a preset or mapping file."""
    if not isinstance(items, list):
        raise CrmFileError("bad_map", path, why="shape", detail="rule")
    rules: list[Rule] = []
    for n, item in enumerate(items, start=1):
        where = f"rule {n}"
        if not isinstance(item, dict):
            raise CrmFileError("bad_map", path, why="shape", detail=where)
        name = item.get("field")
        if name not in MAPPABLE:
            raise CrmFileError(
                "bad_map", path, why="field", value=str(name), allowed=", ".join(MAPPABLE)
            )
        kind = item.get("kind", "value")
        if kind not in KINDS:
            raise CrmFileError(
                "bad_map", path, why="kind", value=str(kind), allowed=", ".join(KINDS)
            )
        if kind == "value":
            columns: tuple[tuple[str, ...], ...] = (
                _strings(item.get("column"), f"{where}: column", path),
            )
        else:
            groups = item.get("columns")
            if not isinstance(groups, list) or not groups:
                raise CrmFileError("bad_map", path, why="shape", detail=f"{where}: columns")
            columns = tuple(_strings(g, f"{where}: columns", path) for g in groups)
        values = item.get("map", {})
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            raise CrmFileError("bad_map", path, why="shape", detail=f"{where}: map")
        other = item.get("other", "keep")
        if other not in ("keep", "unknown"):
            raise CrmFileError("bad_map", path, why="shape", detail=f"{where}: other")
        fallback = item.get("fallback", False) is True
        rules.append(Rule(str(name), str(kind), columns, dict(values), str(other), fallback))
    return tuple(rules)


def _load(text: str, path: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CrmFileError("bad_map", path, why="toml", detail=str(error)) from None


@cache
def presets() -> dict[str, Preset]:
    """The presets shipped as data files, by id, in the order they are listed."""
    folder = resources.files("crm").joinpath("presets")
    common = parse_rules(
        _load(folder.joinpath(f"{COMMON}.toml").read_text("utf-8"), COMMON)["rule"], COMMON
    )
    found: dict[str, Preset] = {}
    files = [
        (entry.name, _load(entry.read_text("utf-8"), entry.name))
        for entry in folder.iterdir()
        if entry.name.endswith(".toml") and not entry.name.startswith("_")
    ]
    for name, data in sorted(files, key=lambda item: (item[1].get("order", 99), item[0])):
        entry_name = name
        own = parse_rules(data.get("rule", []), entry_name)
        found[data["id"]] = Preset(
            id=data["id"],
            name=data["name"],
            signature=tuple(data["signature"]),
            record_id=tuple(data.get("record_id", ())),
            rules=(
                tuple(r for r in own if not r.fallback)
                + common
                + tuple(r for r in own if r.fallback)
            ),
            mine=own,
        )
    return found


def contract_preset() -> Preset:
    """The columns named after the profile's fields, and nothing else: what a
    mapping file adds to when no CRM is recognised."""
    first = presets()[next(iter(presets()))]
    common = tuple(r for r in first.rules if r not in first.mine)
    named = tuple(rule for rule in common if rule.columns[0][0] in MAPPABLE)
    return Preset("contract", "Funnel Coach", (), ("id",), named)


def preset(name: str) -> Preset:
    """A preset by id or name (any case), or `CrmFileError("unknown_preset")`."""
    wanted = normal(name)
    for item in presets().values():
        if wanted in (item.id, normal(item.name)):
            return item
    raise CrmFileError("unknown_preset", None, preset=name, presets=", ".join(presets()))


def detect(header: Sequence[str]) -> Preset | None:
    """The preset whose signature columns the header holds most of (none: None)."""
    cells = {normal(cell) for cell in header}
    best: tuple[int, int, Preset] | None = None
    for item in presets().values():
        hits = sum(1 for s in item.signature if normal(s) in cells)
        if not hits:
            continue
        score = (hits, len(cells & item.aliases()))
        if best is None or score > best[:2]:
            best = (*score, item)
    return best[2] if best is not None else None


def closest(header: Sequence[str], n: int = 3) -> list[Preset]:
    """The presets whose column names look most like the header's (for an error)."""
    cells = [normal(cell) for cell in header if cell.strip()]
    ranked: list[tuple[float, Preset]] = []
    for item in presets().values():
        own = sorted(item.aliases(own=True))
        score = sum(1.0 for cell in cells if difflib.get_close_matches(cell, own, n=1, cutoff=0.75))
        ranked.append((score, item))
    ranked.sort(key=lambda pair: -pair[0])
    return [item for score, item in ranked[:n] if score > 0] or [item for _, item in ranked[:n]]


def read_map(text: str, path: str) -> tuple[tuple[Rule, ...], dict[str, str | None]]:
    """A team's mapping file: `[[rule]]` tables, and a `[columns]` table of
    column → field ("" to leave a column unread)."""
    data = _load(text, path)
    rules = parse_rules(data.get("rule", []), path)
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        raise CrmFileError("bad_map", path, why="shape", detail="columns")
    chosen: dict[str, str | None] = {}
    for column, name in columns.items():
        if not isinstance(name, str) or (name and name not in MAPPABLE):
            raise CrmFileError(
                "bad_map", path, why="field", value=str(name), allowed=", ".join(MAPPABLE)
            )
        chosen[column] = name or None
    return rules, chosen
