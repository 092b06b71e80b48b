"""Reading the shape of a CRM export: encoding, delimiter, header; and
making cells safe for a spreadsheet.

Pure Python (no polars): the columnar engine (`_columnar`) reads the rows,
this module only looks at the first bytes of the file to decide how.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Final

from ._fields import FIELD_BY_NAME, RULE_FIELDS
from ._i18n import N_, check_language, load_translations

if TYPE_CHECKING:
    import polars as pl

    from ._columnar import Derive

#: Bytes read from the start of a file to find its header and check its encoding.
HEAD_BYTES: Final = 1 << 20

BOM: Final = codecs.BOM_UTF8
DELIMITERS: Final[tuple[str, ...]] = (",", ";")

#: The columns the batch adds to every row, in this order (contract §5).
VERDICT_COLUMNS: Final[tuple[str, ...]] = (
    "stage",
    "phase",
    "temperature",
    "out_of_target",
    "score",
    "next_action",
    "missing",
    "error",
)

#: Verdict columns a read with a record id or for Excel adds: the CRM's record id
#: (first, so the file can be re-imported) and the labels beside the ids.
RECORD_ID: Final = "record_id"
LABEL_COLUMNS: Final[dict[str, str]] = {"stage": "stage_label", "next_action": "next_action_label"}
#: The label columns' headers, in the file's language.
LABEL_HEADERS: Final[dict[str, str]] = {
    "stage_label": N_("Stage"),
    "next_action_label": N_("Next action"),
}

#: Column names the batch engine keeps for itself (row number, rejected flag).
RESERVED: Final[tuple[str, ...]] = ("__row", "__bad")

FILE_MESSAGES: Final[dict[str, str]] = {
    "unreadable": N_("Cannot read {path}: {reason}."),
    "unwritable": N_("Cannot write {path}: {reason}."),
    "not_utf8": N_("{path} is not UTF-8 text."),
    "empty": N_("{path} is empty: a CSV file needs a header row with the field names."),
    "no_header": N_(
        "{path} has no header row: its first row ({first}) names none of the fields {fields}."
    ),
    "duplicate_column": N_(
        "Column “{column}” appears more than once in the header of {path}: keep only one."
    ),
    "too_many_columns": N_(
        "{path} has {count} columns; at most {limit} can be classified. "
        "Keep the classifier's fields and the columns you need, and try again."
    ),
    "header_too_long": N_(
        "The header row of {path} is longer than {limit} characters (or a quote in it is "
        "never closed): it cannot be a header of field names."
    ),
    "too_many_rows": N_(
        "{path} has more than {limit} rows, more than can be classified here: "
        "split it, or classify it with the command line (funnel-coach batch), "
        "which reads files of any length."
    ),
    "no_polars": N_(
        "Batch classification needs polars: run `pip install funnel-coach[batch]` (or ./dev test)."
    ),
}
WARNING_MESSAGES: Final[dict[str, str]] = {
    "lookalike": N_(
        "Column “{column}” is not a contract field and is passed through unchanged: "
        "did you mean “{suggestion}”?"
    ),
}
#: How a file without a name (an upload given as bytes) is called in messages.
UNNAMED: Final = N_("the file")

# A spreadsheet runs a cell as a formula when it starts with a tab, a carriage
# return, or one of = + - @ (or their full-width forms), also after spaces,
# line breaks or invisible characters that an importer may trim first.
# One pattern for Python's `re` (header cells) and polars (body cells).
_INVISIBLE: Final = "\\s\u200b\u200c\u200d\u2060\ufeff"
FORMULA_PATTERN: Final = f"^(?:[\t\r]|[{_INVISIBLE}]*[=+\\-@\uff1d\uff0b\uff0d\uff20])"
_FORMULA_RE: Final = re.compile(FORMULA_PATTERN)
# ...unless the cell is a plain number ("-3", "+1.5", "2,5e3") or an
# international phone number ("+39 02 1234 5678", "+1 (555) 010-0199"): with no
# letter there is no function and no cell reference, so nothing can run, and a
# quote would spoil the number when the file goes back into the CRM. Only that
# (`fullmatch` in Python: its `$` would also match before a final line break).
PLAIN_NUMBER: Final = (
    r"^(?:[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?"
    r"|\+[0-9][0-9 ().\-/]*[0-9])$"
)
_PLAIN_NUMBER_RE: Final = re.compile(PLAIN_NUMBER)

#: Columns a file may have: the batch's work grows with them, and no CRM export
#: needs more.
MAX_COLUMNS: Final = 1_000
#: Longest header row, in characters (also the csv module's longest cell).
MAX_HEADER_CHARS: Final = 128 * 1024


class BatchFileError(ValueError):
    """A CSV file that cannot be classified at all: missing, unreadable,
    empty, without a header, or not UTF-8 text. `message(lang)` says why."""

    def __init__(self, code: str, path: str | None, **params: str) -> None:
        self.code = code
        self.path = path
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        t = load_translations(check_language(lang))
        path = self.path if self.path is not None else t.gettext(UNNAMED)
        text = t.gettext(FILE_MESSAGES[self.code]).format(path=path, **self.params)
        # "the file is empty" starts a sentence: "The file is empty".
        return text[:1].upper() + text[1:] if self.path is None else text


def neutralize_text(text: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading quote."""
    if _FORMULA_RE.match(text) and not _PLAIN_NUMBER_RE.fullmatch(text):
        return "'" + text
    return text


@dataclass(frozen=True, slots=True)
class Layout:
    """What the first bytes say: how to read the rest of the file.

    `header` keeps the header cells as written; `fields` the contract field
    each column holds (None for a column passed through); `names` unique
    column names for the output frame; `warnings` (code, params) for columns
    that look like a misspelt field.
    """

    delimiter: str
    bom: bool
    header: tuple[str, ...]
    fields: tuple[str | None, ...]
    names: tuple[str, ...]
    warnings: tuple[tuple[str, Mapping[str, str]], ...] = field(default=())
    #: The column holding the CRM's record id, copied first among the verdict columns.
    record_id: int | None = None
    #: Output options: labels beside the ids in this language (the Excel file);
    #: the delimiter and byte-order mark written (the input's when None).
    labels: str | None = None
    output_delimiter: str | None = None
    output_bom: bool | None = None

    @property
    def verdict_columns(self) -> tuple[str, ...]:
        """The columns added after the input's, in order."""
        columns: list[str] = [RECORD_ID] if self.record_id is not None else []
        for column in VERDICT_COLUMNS:
            columns.append(column)
            if self.labels is not None and column in LABEL_COLUMNS:
                columns.append(LABEL_COLUMNS[column])
        return tuple(columns)

    @property
    def out_delimiter(self) -> str:
        return self.delimiter if self.output_delimiter is None else self.output_delimiter

    @property
    def out_bom(self) -> bool:
        return self.bom if self.output_bom is None else self.output_bom

    @property
    def header_line(self) -> str:
        """The output header: the input's cells (neutralized), then the verdict columns."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=self.out_delimiter, lineterminator="\n")
        t = load_translations(self.labels or "en")
        verdict = [
            t.gettext(LABEL_HEADERS[c]) if c in LABEL_HEADERS else c for c in self.verdict_columns
        ]
        writer.writerow([neutralize_text(cell) for cell in self.header] + verdict)
        return buffer.getvalue()

    def with_output(
        self,
        *,
        labels: str | None = None,
        delimiter: str | None = None,
        bom: bool | None = None,
        record_id: int | None = None,
    ) -> Layout:
        """The same read, written another way (Excel's), names kept clear of the new columns."""
        changed = replace(
            self,
            labels=labels if labels is not None else self.labels,
            output_delimiter=delimiter if delimiter is not None else self.output_delimiter,
            output_bom=bom if bom is not None else self.output_bom,
            record_id=record_id if record_id is not None else self.record_id,
        )
        return replace(changed, names=unique_names(self.header, changed.verdict_columns))


@dataclass(frozen=True, slots=True)
class Prepared:
    """A table the engine can classify, however it was read: its rows (the path
    or the bytes of a UTF-8 CSV, or a sheet already read as text), how to read
    them (`layout`; `skip`, the lines up to the header) and, for a CRM's export,
    the fields its mapping derives from the columns (`derive`)."""

    source: str | bytes | pl.DataFrame
    layout: Layout
    skip: int = 1
    derive: Derive | None = None


def _decode_head(head: bytes, path: str | None) -> str:
    if b"\x00" in head:
        raise BatchFileError("not_utf8", path)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        # A multi-byte character cut at the end of the head is not an error.
        return decoder.decode(head, final=len(head) < HEAD_BYTES)
    except UnicodeDecodeError:
        raise BatchFileError("not_utf8", path) from None


def _first_record(text: str, delimiter: str) -> list[str]:
    """The first CSV record of `text` (quotes may span lines)."""
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])


def sniff(head: bytes, path: str | None) -> Layout:
    """The layout of a CSV file from its first bytes, or `BatchFileError`.

    The delimiter is the one of comma and semicolon that splits the header
    into more cells (comma on a tie). Header names are matched to contract
    fields without regard to case or surrounding spaces.
    """
    bom = head.startswith(BOM)
    text = _decode_head(head[len(BOM) :] if bom else head, path)
    if not text.strip():
        raise BatchFileError("empty", path)
    # Leading blank lines before the header are skipped, as a spreadsheet would.
    stripped = text.lstrip("\r\n")
    first_line = stripped.splitlines()[0]
    if len(first_line) > MAX_HEADER_CHARS:
        raise BatchFileError("header_too_long", path, limit=str(MAX_HEADER_CHARS))
    try:
        counts = {d: len(next(csv.reader([first_line], delimiter=d), [])) for d in DELIMITERS}
        delimiter = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
        header = _first_record(stripped[: MAX_HEADER_CHARS + 1], delimiter)
    except csv.Error:  # a quoted cell longer than the csv module reads
        raise BatchFileError("header_too_long", path, limit=str(MAX_HEADER_CHARS)) from None
    return layout_from_header(header, delimiter, bom, path)


def layout_from_header(
    header: Sequence[str], delimiter: str, bom: bool, path: str | None
) -> Layout:
    """The layout of a table whose header names the contract's fields (matched
    without regard to case or surrounding spaces), or `BatchFileError`."""
    if len(header) > MAX_COLUMNS:
        raise BatchFileError(
            "too_many_columns",
            path,
            count=str(len(header)),
            limit=str(MAX_COLUMNS),
        )
    fields: list[str | None] = []
    seen: dict[str, str] = {}
    for cell in header:
        key = cell.strip().lower()
        if key in FIELD_BY_NAME:
            if key in seen:
                raise BatchFileError("duplicate_column", path, column=cell.strip())
            seen[key] = cell
            fields.append(key)
        else:
            fields.append(None)
    if not any(f in RULE_FIELDS for f in fields):
        shown = delimiter.join(header)
        shown = shown if len(shown) <= 60 else shown[:57] + "…"
        raise BatchFileError("no_header", path, first=shown, fields=", ".join(RULE_FIELDS))
    return Layout(
        delimiter=delimiter,
        bom=bom,
        header=tuple(header),
        fields=tuple(fields),
        names=unique_names(header),
        warnings=tuple(_lookalikes(header, fields)),
    )


def leading_blank_lines(head: bytes) -> int:
    """How many blank lines come before the header (skipped when reading)."""
    text = head[len(BOM) :] if head.startswith(BOM) else head
    count = 0
    for line in text.split(b"\n"):
        if line.strip(b"\r"):
            break
        count += 1
    return count


def unique_names(
    header: Sequence[str], verdict: Sequence[str] = VERDICT_COLUMNS
) -> tuple[str, ...]:
    """Column names for a data frame: as written, made unique, never blank;
    the verdict columns' names are kept for the verdict."""
    taken: set[str] = {*VERDICT_COLUMNS, *verdict, *RESERVED}
    names: list[str] = []
    for position, cell in enumerate(header, start=1):
        base = cell if cell.strip() else f"column_{position}"
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name)
        names.append(name)
    return tuple(names)


def _lookalikes(
    header: Sequence[str], fields: Sequence[str | None]
) -> list[tuple[str, Mapping[str, str]]]:
    """Passed-through columns whose name is close to a missing contract field."""
    present = {f for f in fields if f is not None}
    candidates = [name for name in FIELD_BY_NAME if name not in present]
    found: list[tuple[str, Mapping[str, str]]] = []
    for cell, spec in zip(header, fields, strict=True):
        if spec is not None or not cell.strip():
            continue
        close = difflib.get_close_matches(cell.strip().lower(), candidates, n=1, cutoff=0.8)
        if close:
            found.append(("lookalike", {"column": cell.strip(), "suggestion": close[0]}))
    return found
