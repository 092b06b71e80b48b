"""Batch classification of CRM exports: a CSV in, every row back with its verdict.

The input is UTF-8 (with or without a byte-order mark), comma- or
semicolon-separated (whichever splits the header into more cells), with CRLF
or LF line ends. Its header names the contract's fields, matched without
regard to case or surrounding spaces; every other column (and `id`, `name`)
is passed through unchanged. Cells are read as `parse_text_value` reads a
query string: booleans `true/false`, `yes/no`, `1/0` in any case, counts in
digits, choices in any case; an empty cell is unknown. A file that is empty,
not UTF-8 text (a spreadsheet saved as .xlsx, an image), or whose header names
no contract field or one field twice, cannot be used (`BatchFileError`; exit 2
on the command line). A column whose name looks like a misspelt field
("budjet") is passed through, with a warning.

The output has every input row, in input order, with its cells as they were,
followed by the contract's verdict columns:

- `stage`, `phase`, `temperature`, `next_action`: machine ids, as in the
  verdict's JSON (`temperature` is empty except for prospects);
- `out_of_target`: `true` or `false`; `score`: 0 to 100;
- `missing`: what the contact lacks for the next stage, as the names of the
  criteria in the `lang` language joined by "; " (for example
  "permission; interest" for a lead, "identity" for a visitor; empty for a
  customer): short enough to filter and sort on in a spreadsheet, and
  spelled as the app and the site name the criteria;
- `error`: empty, or why the row could not be classified, in `lang`, worded as
  the single-profile path words it (the field, the value received and the
  allowed values; or the two contradicting fields). A rejected row keeps its
  cells and has every other verdict column empty.

Ragged rows: a row with fewer cells than the header has its missing cells
read as unknown (CRM exports often drop trailing empty cells). A row with
more cells than the header, where an extra cell holds a value, is rejected
with an error that quotes the first extra value: it is almost always a value
with an unquoted delimiter ("Rossi, Mario"), which shifts every later cell
into the wrong column, so classifying it would be guessing. Extra cells that
are empty (a trailing delimiter) are ignored; the first four extra cells are
looked at. Rows without a single value
(blank lines, or the rows of bare delimiters a spreadsheet exports for
formatted empty rows) are skipped: there is nothing to classify or to keep.
Row numbers, in `rejected` and in the summary, count as a spreadsheet does
(the header is row 1, blank lines count).

`missing` is empty for a customer (an empty string in `BatchResult.frame`);
every verdict column is empty (null in the frame) for a rejected row.

Spreadsheet safety: a text cell that starts with `=`, `+`, `-`, `@`, a tab or
a carriage return and is not a plain number gets a leading `'` in the output
CSV (header, passed-through cells and error texts alike), so that opening
the file never runs a formula. `BatchResult.frame` keeps the cells as read.

The output CSV uses the input's delimiter and keeps its byte-order mark
(so that a spreadsheet that needs it still reads accents right), with LF line
ends. An input column whose name is also a verdict column's (say, a CRM's own
`stage`) is kept, under its own name in the CSV and with a `_2` suffix in the
frame.

Both entry points run the same lazy polars query (`_columnar.plan`):
`classify_csv` collects it in memory for the app (an upload is never written
to disk), `classify_csv_file` (the command line) streams it straight to the
output file with polars' streaming engine, computing the summary's counts in
the same pass, so memory stays flat however long the file is (about 0.5 GB
for a million rows, 0.8 GB for ten million).

The rules are the rulebook's (the default one, or a team's): `_columnar`
compiles the same `Rulebook` object the single-profile engine reads into
polars expressions. polars is imported only when a batch runs.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from babel.numbers import format_decimal

from ._csvio import (
    HEAD_BYTES,
    VERDICT_COLUMNS,
    WARNING_MESSAGES,
    BatchFileError,
    Layout,
    Prepared,
    leading_blank_lines,
    sniff,
)
from ._engine import UnknownModelError
from ._fields import NEXT_ACTIONS, STAGES
from ._i18n import N_, NN_, check_language, load_translations
from ._render import model_label
from ._rules import Rulebook, default_rulebook

if TYPE_CHECKING:
    import polars as pl

    from ._columnar import Plan

#: Rows per batch of an upload (between two calls of `progress`).
CHUNK_ROWS: Final = 100_000
#: Rejected row numbers the command line's summary lists.
SHOWN_REJECTED: Final = 10

SUMMARY_TITLE: Final = NN_(
    "{n} row classified with the {model} model into {path}:",
    "{n} rows classified with the {model} model into {path}:",
)
SUMMARY_REJECTED: Final = N_("Rejected")
SUMMARY_REJECTED_ROWS: Final = NN_(
    "row {rows}; see its error column",
    "rows {rows}; see their error column",
)
SUMMARY_TOTAL: Final = N_("Total")


@dataclass(frozen=True, slots=True)
class BatchResult:
    """A classified CSV, in memory.

    - `frame`: a polars DataFrame with the input's columns (cells as read,
      names made unique) followed by the verdict columns `stage`, `phase`,
      `temperature`, `out_of_target` (bool), `score` (int), `next_action`,
      `missing` and `error`;
    - `csv`: the output file as bytes (header included, formulas neutralized);
    - `total`: rows read (blank lines aside); `rejected`: (row number, error
      text) for every row that could not be classified, the header being row 1;
    - `stage_counts`: classified rows per stage, every stage in `STAGES` order;
    - `next_action_counts`: classified rows per next action, every action in
      `NEXT_ACTIONS` order;
    - `warnings`: notes on the header in `lang` (a column that looks like a
      misspelt field, and is passed through).
    """

    frame: pl.DataFrame
    csv: bytes
    total: int
    rejected: tuple[tuple[int, str], ...]
    stage_counts: dict[str, int]
    next_action_counts: dict[str, int]
    model: str = "funnel"
    lang: str = "en"
    warnings: tuple[str, ...] = ()
    verdict_columns: tuple[str, ...] = VERDICT_COLUMNS

    @property
    def classified(self) -> int:
        return self.total - len(self.rejected)

    @property
    def input_columns(self) -> list[str]:
        """The input's own columns, the ones before the verdict."""
        return self.frame.columns[: self.frame.width - len(self.verdict_columns)]


@dataclass(slots=True)
class BatchSummary:
    """What a streamed run counted: rows, rejected rows, stages, next actions."""

    model: str
    total: int = 0
    rejected: int = 0
    first_rejected: list[int] = field(default_factory=list)
    stage_counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    next_action_counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(NEXT_ACTIONS, 0)
    )
    notes: tuple[tuple[str, Mapping[str, str]], ...] = ()

    def warnings(self, lang: str) -> tuple[str, ...]:
        """Notes on the header, in `lang`: columns that look like a misspelt field."""
        t = load_translations(lang)
        return tuple(
            t.gettext(WARNING_MESSAGES[code]).format(**params) for code, params in self.notes
        )

    def add(self, batch: pl.DataFrame) -> None:
        from ._columnar import BAD, ROW

        self.total += batch.height
        bad = batch.get_column(BAD)
        rejected = int(bad.sum())
        if rejected:
            self.rejected += rejected
            room = SHOWN_REJECTED - len(self.first_rejected)
            if room > 0:
                rows = batch.filter(bad).get_column(ROW).head(room).to_list()
                self.first_rejected.extend(int(row) for row in rows)
        for column, counts in (
            ("stage", self.stage_counts),
            ("next_action", self.next_action_counts),
        ):
            for value, n in batch.get_column(column).drop_nulls().value_counts().iter_rows():
                counts[value] = counts.get(value, 0) + n


def _polars() -> None:
    try:
        import polars  # noqa: F401
    except ImportError:
        raise BatchFileError("no_polars", None) from None


def _check(model: str, lang: str, rules: Rulebook | None) -> Rulebook:
    check_language(lang)
    book = rules if rules is not None else default_rulebook()
    if model not in book.models:
        raise UnknownModelError(model, list(book.models))
    return book


def _prepare(source: str | bytes, head: bytes, path: str | None) -> Prepared:
    return Prepared(source, sniff(head, path), 1 + leading_blank_lines(head))


def _plan(prepared: Prepared, rules: Rulebook, model: str, lang: str) -> Plan:
    from ._columnar import plan

    return plan(
        prepared.source,
        prepared.layout,
        prepared.skip,
        rules,
        model,
        lang,
        derive=prepared.derive,
    )


@contextlib.contextmanager
def _reading(path: str | None) -> Iterator[None]:
    """A file that turns out not to be UTF-8 text past its first bytes (or that
    polars cannot read) is a `BatchFileError`, never a traceback."""
    import polars as pl

    try:
        yield
    except pl.exceptions.PolarsError as error:
        text = str(error)
        if "utf-8" in text.lower() or "utf8" in text.lower():
            raise BatchFileError("not_utf8", path) from None
        reason = text.strip().splitlines()[0] if text.strip() else type(error).__name__
        raise BatchFileError("unreadable", path, reason=reason) from None


def _neutralized(frame: pl.LazyFrame) -> pl.LazyFrame:
    """The output as written to CSV: a text cell a spreadsheet would run as a
    formula gets a leading quote; nothing missing (a customer) is an empty cell."""
    import polars as pl

    from ._columnar import neutralize

    ids = {"stage", "phase", "temperature", "next_action", "missing"}
    return frame.with_columns(
        *(
            neutralize(pl.col(name)).alias(name)
            for name, dtype in frame.collect_schema().items()
            if dtype == pl.String and name not in ids
        ),
        pl.when(pl.col("missing") != "").then(pl.col("missing")).alias("missing"),
    )


def _header(layout: Layout) -> bytes:
    return (b"\xef\xbb\xbf" if layout.out_bom else b"") + layout.header_line.encode("utf-8")


def classify_csv(
    data: bytes,
    *,
    model: str = "funnel",
    lang: str = "en",
    rules: Rulebook | None = None,
    progress: Callable[[float], None] | None = None,
    name: str | None = None,
    max_rows: int | None = None,
) -> BatchResult:
    """Classify a CSV export held in memory (an upload: nothing is written to disk).

    `data` is the file's bytes; `name`, if given, is how messages call the
    file. `progress`, if given, is called with the fraction done (0 to 1)
    after each batch. See the module's documentation for the formats read
    and written. `max_rows`, if given, bounds the work: a file with more rows
    is refused (`too_many_rows`) as soon as they are read.

    Raises `BatchFileError` for a file that cannot be classified at all
    (empty, no header row, not UTF-8 text, more than `MAX_COLUMNS` columns
    or `max_rows` rows), with `.message(lang)`;
    `UnknownModelError` and `UnsupportedLanguageError` for bad options.
    """
    book = _check(model, lang, rules)
    _polars()
    data = bytes(data)
    prepared = _prepare(data, data[:HEAD_BYTES], name)
    if b"\x00" in data:  # the head is checked by _prepare; a NUL is not text anywhere
        raise BatchFileError("not_utf8", name)
    return classify_prepared(
        prepared,
        model=model,
        lang=lang,
        rules=book,
        progress=progress,
        name=name,
        max_rows=max_rows,
        expected=max(1, data.count(b"\n")),
    )


def classify_prepared(
    prepared: Prepared,
    *,
    model: str = "funnel",
    lang: str = "en",
    rules: Rulebook | None = None,
    progress: Callable[[float], None] | None = None,
    name: str | None = None,
    max_rows: int | None = None,
    expected: int | None = None,
) -> BatchResult:
    """`classify_csv` for a table already read (by `crm`, say): in memory, in batches.

    `expected` is the number of rows expected, for `progress`.
    """
    book = _check(model, lang, rules)
    _polars()
    import polars as pl

    from ._columnar import BAD, ROW

    plan = _plan(prepared, book, model, lang)
    if expected is None:
        source = prepared.source
        expected = (
            source.count(b"\n")
            if isinstance(source, bytes)
            else source.height
            if isinstance(source, pl.DataFrame)
            else 1
        )
    expected = max(1, expected)
    summary = BatchSummary(model, notes=plan.layout.warnings)
    frames: list[pl.DataFrame] = []
    rejected: list[tuple[int, str]] = []
    with _reading(name):
        for batch in plan.frame.collect_batches(chunk_size=CHUNK_ROWS, maintain_order=True):
            summary.add(batch)
            if max_rows is not None and summary.total > max_rows:
                raise BatchFileError("too_many_rows", name, limit=str(max_rows))
            bad = batch.filter(pl.col(BAD)).select(ROW, "error")
            rejected.extend((int(row), str(error)) for row, error in bad.iter_rows())
            frames.append(batch.drop(ROW, BAD))
            if progress is not None:
                progress(min(1.0, summary.total / expected))
    if frames:
        frame = pl.concat(frames, how="vertical", rechunk=True)
    else:
        frame = plan.output.head(0).collect()
    layout = plan.layout
    body = (
        _neutralized(frame.lazy())
        .collect()
        .write_csv(include_header=False, separator=layout.out_delimiter, line_terminator="\n")
    )
    if progress is not None:
        progress(1.0)
    return BatchResult(
        frame=frame,
        csv=_header(layout) + body.encode("utf-8"),
        total=summary.total,
        rejected=tuple(rejected),
        stage_counts=summary.stage_counts,
        next_action_counts=summary.next_action_counts,
        model=model,
        lang=lang,
        warnings=summary.warnings(lang),
        verdict_columns=layout.verdict_columns,
    )


def classify_csv_file(
    source: str,
    target: str,
    *,
    model: str = "funnel",
    lang: str = "en",
    rules: Rulebook | None = None,
) -> BatchSummary:
    """Classify the CSV file `source` into `target`: the command line's `batch`.

    The same query as `classify_csv`, streamed by polars straight to the file
    (with the counts of the summary computed in the same run), so memory does
    not grow with the file. `target` is written whole or not at all: a
    temporary file beside it is renamed into place at the end.
    """
    book = _check(model, lang, rules)
    _polars()
    try:
        with open(source, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as error:
        raise BatchFileError(
            "unreadable", source, reason=error.strerror or type(error).__name__
        ) from None
    prepared = _prepare(source, head, source)
    _refuse_nul(source)
    return classify_prepared_file(prepared, target, model=model, lang=lang, rules=book, name=source)


def classify_prepared_file(
    prepared: Prepared,
    target: str,
    *,
    model: str = "funnel",
    lang: str = "en",
    rules: Rulebook | None = None,
    name: str | None = None,
) -> BatchSummary:
    """`classify_csv_file` for a table already read: streamed into `target`,
    written whole or not at all."""
    book = _check(model, lang, rules)
    _polars()
    import polars as pl

    from ._columnar import BAD, ROW

    plan = _plan(prepared, book, model, lang)
    summary = BatchSummary(model, notes=plan.layout.warnings)
    folder = Path(target).resolve().parent
    try:
        out = tempfile.NamedTemporaryFile(  # noqa: SIM115 - renamed into place below
            "wb", dir=folder, prefix=".funnel-coach-", suffix=".csv", delete=False
        )
    except OSError as error:
        raise BatchFileError(
            "unwritable", target, reason=error.strerror or type(error).__name__
        ) from None
    done = False
    try:
        with out:
            out.write(_header(plan.layout))
            out.flush()
            sink = _neutralized(plan.output).sink_csv(
                out,
                include_header=False,
                separator=plan.layout.out_delimiter,
                line_terminator="\n",
                lazy=True,
            )
            counts = plan.frame.group_by("stage", "next_action").agg(pl.len())
            bad = pl.col(BAD)
            rejected = plan.frame.select(
                pl.len().alias("total"),
                bad.sum().alias("rejected"),
                pl.col(ROW).filter(bad).head(SHOWN_REJECTED).implode().alias("rows"),
            )
            with _reading(name):
                _, by_stage, totals = pl.collect_all([sink, counts, rejected])
        os.chmod(out.name, _mode(target))
        os.replace(out.name, target)
        done = True
    except OSError as error:
        raise BatchFileError(
            "unwritable", target, reason=error.strerror or type(error).__name__
        ) from None
    finally:
        if not done:
            with contextlib.suppress(OSError):
                os.unlink(out.name)
    summary.total = int(totals["total"][0])
    summary.rejected = int(totals["rejected"][0])
    summary.first_rejected = [int(row) for row in totals["rows"][0]]
    for stage, action, n in by_stage.iter_rows():
        if stage is not None:
            summary.stage_counts[stage] += n
            summary.next_action_counts[action] = summary.next_action_counts.get(action, 0) + n
    return summary


def _mode(target: str) -> int:
    """The permissions of the file being replaced, or those a new file gets
    (a temporary file is private: 0600)."""
    try:
        return os.stat(target).st_mode & 0o777
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def summary_text(summary: BatchSummary, target: str, lang: str) -> str:
    """The command line's report on standard error, in the interface language:
    rows per stage, then the rejected rows."""
    from ._api import label

    t = load_translations(lang)

    def number(n: int) -> str:
        return format_decimal(n, locale=lang)

    classified = summary.total - summary.rejected
    title = t.ngettext(*SUMMARY_TITLE, classified).format(
        n=number(classified), model=model_label(lang, summary.model), path=target
    )
    rows = [(label("stage", stage, lang), summary.stage_counts[stage], "") for stage in STAGES]
    note = ""
    if summary.rejected:
        shown = ", ".join(str(row) for row in summary.first_rejected)
        if summary.rejected > len(summary.first_rejected):
            shown += ", …"
        note = t.ngettext(*SUMMARY_REJECTED_ROWS, summary.rejected).format(rows=shown)
    rows.append((t.gettext(SUMMARY_REJECTED), summary.rejected, note))
    rows.append((t.gettext(SUMMARY_TOTAL), summary.total, ""))
    width = max(len(name) for name, _, _ in rows)
    digits = max(len(number(n)) for _, n, _ in rows)
    lines = [title]
    for name, n, note in rows:
        line = f"  {name:<{width}}  {number(n):>{digits}}"
        lines.append(f"{line}  ({note})" if note else line)
    return "\n".join(lines) + "\n"


__all__ = [
    "BatchFileError",
    "BatchResult",
    "BatchSummary",
    "classify_csv",
    "classify_csv_file",
    "classify_prepared",
    "classify_prepared_file",
    "summary_text",
]


def _refuse_nul(source: str) -> None:
    """A NUL byte past the head makes the file binary too (the head is checked
    by `_plan`); read in blocks, so memory stays flat for a file of any length."""
    try:
        with open(source, "rb") as handle:
            handle.seek(HEAD_BYTES)
            while block := handle.read(HEAD_BYTES * 8):
                if b"\x00" in block:
                    raise BatchFileError("not_utf8", source)
    except OSError as error:
        raise BatchFileError(
            "unreadable", source, reason=error.strerror or type(error).__name__
        ) from None
