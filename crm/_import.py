"""From a CRM's export to something the engine classifies: read the file,
choose the preset (the header says which CRM it is, or the user does), bind
it, and say what was done in the user's language."""

from __future__ import annotations

from collections.abc import Mapping as MappingABC
from dataclasses import dataclass
from typing import Final

from babel.numbers import get_decimal_symbol

from classifier import load_translations
from classifier._csvio import Layout, Prepared, layout_from_header, unique_names
from classifier._fields import RULE_FIELDS

from . import _messages as m
from ._mapping import Mapping, bind
from ._messages import CrmFileError
from ._presets import Preset, Rule, closest, contract_preset, detect, preset
from ._read import Table, read_bytes, read_path

#: Columns listed in an error about an unknown header.
SHOWN_COLUMNS: Final = 12


@dataclass(frozen=True, slots=True)
class Import:
    """A file read and mapped: `table` (format, encoding, delimiter, header),
    `mapping` (None when the header names the profile's fields itself) and
    `prepared`, what the engine runs."""

    table: Table
    mapping: Mapping | None
    prepared: Prepared
    name: str

    @property
    def crm(self) -> str | None:
        """The CRM whose export this is (its preset's name), if one was used."""
        if self.mapping is None or self.mapping.preset.id == "contract":
            return None
        return self.mapping.preset.name

    def summary(self, lang: str) -> list[str]:
        """What was read, and as what: for the command line's report and the app."""
        t = load_translations(lang)
        table = self.table
        if table.kind == "xlsx":
            lines = [t.gettext(m.READ_XLSX).format(path=self.name, sheet=table.sheet)]
        else:
            encoding = t.gettext(m.ENCODING_NAMES[table.encoding or "utf-8"])
            delimiter = f"“{table.delimiter}” ({t.gettext(m.DELIMITER_NAMES[table.delimiter])})"
            lines = [
                t.gettext(m.READ_CSV).format(path=self.name, encoding=encoding, delimiter=delimiter)
            ]
        if self.mapping is None or self.crm is None:
            lines.append(t.gettext(m.CONTRACT_COLUMNS))
        elif self.mapping.how == "detected":
            lines.append(t.gettext(m.PRESET_DETECTED).format(crm=self.crm))
        else:
            lines.append(t.gettext(m.PRESET_CHOSEN).format(crm=self.crm))
        return lines

    def mapping_lines(self, lang: str) -> list[str]:
        """Column → field (rule) lines, then the columns passed through and
        the fields that stay unknown: `--show-mapping`, in `lang`."""
        t = load_translations(lang)
        header = self.table.header
        if self.mapping is None:
            layout = self.prepared.layout
            read = {i: [f] for i, f in enumerate(layout.fields) if f is not None}
            lines = [t.gettext(m.MAPPING_TITLE)]
            lines += [
                f"  {header[i]} → {fields[0]} ({t.gettext(m.RULE_TEXTS['value'])})"
                for i, fields in read.items()
            ]
            unknown = [f for f in RULE_FIELDS if f not in layout.fields]
            passed = [header[i] for i in range(len(header)) if i not in read]
        else:
            mapping = self.mapping
            lines = [t.gettext(m.MAPPING_TITLE)]
            if mapping.record_id is not None:
                lines.append(
                    "  " + t.gettext(m.RECORD_ID_LINE).format(column=header[mapping.record_id])
                )
            for b in mapping.bound:
                columns = ", ".join(header[p] for p in b.positions)
                lines.append(f"  {columns} → {b.rule.field} ({rule_text(b.rule, t)})")
            unknown = mapping.unknown
            passed = [header[i] for i in range(len(header)) if i not in mapping.read]
        none = t.gettext(m.NONE)
        lines.append(t.gettext(m.PASSED).format(columns=", ".join(passed) or none))
        lines.append(t.gettext(m.UNKNOWN_FIELDS).format(fields=", ".join(unknown) or none))
        return lines


def rule_text(rule: Rule, t: object) -> str:
    """A rule in words: what it does to the cells."""
    gettext = t.gettext  # type: ignore[attr-defined]
    from classifier._fields import FIELD_BY_NAME

    if rule.kind in ("sum", "present"):
        return str(gettext(m.RULE_TEXTS[rule.kind]))
    if rule.map:
        unknown = gettext(m.UNKNOWN_WORD)
        pairs = ", ".join(f"{k} → {v or unknown}" for k, v in list(rule.map.items())[:4])
        if len(rule.map) > 4:
            pairs += ", …"
        key = "map_other" if rule.other == "unknown" else "map"
        return str(gettext(m.RULE_TEXTS[key]).format(pairs=pairs))
    kind = "bool" if FIELD_BY_NAME[rule.field].kind == "bool" else "value"
    return str(gettext(m.RULE_TEXTS[kind]))


def excel_delimiter(lang: str) -> str:
    """What Excel splits a CSV on in the user's locale: `;` where the decimal
    separator is a comma, `,` elsewhere."""
    return ";" if get_decimal_symbol(lang) == "," else ","


def prepare(
    source: str | bytes,
    *,
    name: str | None = None,
    sheet: str | None = None,
    preset_name: str | None = None,
    map_text: str | None = None,
    map_name: str = "map.toml",
    overrides: MappingABC[str, str | None] | None = None,
    excel: str | None = None,
    mapped_only: bool = False,
) -> Import:
    """Read `source` (a path, or an upload's bytes) and map it.

    `preset_name` forces a preset; `map_text` (a mapping file's TOML) adds a
    team's rules; `overrides` (column → field or None) are the app's review;
    `excel`, a language, makes the output what Excel opens in that locale
    (UTF-8 with BOM, its delimiter, labels beside the ids). `mapped_only`
    (the app's review) returns a mapping that may read no column instead of
    refusing an unknown header. Raises `CrmFileError` / `BatchFileError`.
    """
    shown = name if name is not None else source if isinstance(source, str) else None
    table = (
        read_path(source, sheet=sheet)
        if isinstance(source, str)
        else read_bytes(source, shown, sheet=sheet)
    )
    header = table.header
    extra: tuple[Rule, ...] = ()
    chosen: dict[str, str | None] = dict(overrides or {})
    if map_text is not None:
        from ._presets import read_map

        extra, from_file = read_map(map_text, map_name)
        chosen = {**from_file, **chosen}
    mapping: Mapping | None = None
    if preset_name is not None:
        mapping = bind(header, preset(preset_name), "chosen", shown, extra=extra, overrides=chosen)
    else:
        found = detect(header)
        if found is not None:
            mapping = bind(header, found, "detected", shown, extra=extra, overrides=chosen)
        elif extra or chosen or not _names_fields(header):
            mapping = bind(header, contract_preset(), "map", shown, extra=extra, overrides=chosen)
    if mapping is not None and not mapping.fields and not mapped_only:
        raise _unknown_header(header, shown)
    layout = _layout(table, mapping, shown)
    if excel is not None:
        layout = layout.with_output(labels=excel, delimiter=excel_delimiter(excel), bom=True)
    prepared = Prepared(
        table.source,
        layout,
        table.skip,
        derive=mapping.derive if mapping is not None else None,
    )
    return Import(table, mapping, prepared, shown or "")


def _names_fields(header: tuple[str, ...]) -> bool:
    return any(cell.strip().lower() in RULE_FIELDS for cell in header)


def _unknown_header(header: tuple[str, ...], path: str | None) -> CrmFileError:
    cells = [f"“{c.strip()}”" for c in header if c.strip()]
    columns = ", ".join(cells[:SHOWN_COLUMNS]) + (", …" if len(cells) > SHOWN_COLUMNS else "")
    near = ", ".join(f"{p.name} (--preset {p.id})" for p in closest(header))
    return CrmFileError("unknown_header", path, columns=columns or "—", presets=near)


def _layout(table: Table, mapping: Mapping | None, path: str | None) -> Layout:
    delimiter = table.delimiter
    # A file Excel wrote in another encoding is written back as UTF-8 with a BOM,
    # so that Excel still reads its accents right.
    bom = table.bom or table.encoding == "windows-1252" or table.kind == "xlsx"
    if mapping is None:
        layout = layout_from_header(table.header, delimiter, table.bom, path)
        return layout.with_output(bom=bom) if bom != table.bom else layout
    base = Layout(
        delimiter=delimiter,
        bom=bom,
        header=table.header,
        fields=(None,) * len(table.header),
        names=unique_names(table.header),
        record_id=mapping.record_id,
    )
    if len(table.header) > 1000:
        from classifier._csvio import MAX_COLUMNS

        raise CrmFileError(
            "too_many_columns", path, count=str(len(table.header)), limit=str(MAX_COLUMNS)
        )
    return base.with_output()


__all__ = ["Import", "Preset", "excel_delimiter", "prepare"]
