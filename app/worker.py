"""A Batch upload classified in a child process, so that it neither holds the
server's GIL against every other user nor, when a file is hostile, takes the
server down: the child has a memory limit, a time limit and a lower priority,
and the server keeps only what the page shows and the file to download.

Protocol (child's standard output): `P <fraction>` lines while it works, then
either `E <json of a BatchFileError>` or `R <n>` followed by n bytes of JSON
(counts, rejected rows, the first rows) and the classified CSV to the end;
in the "inspect" mode, `I <n>` and n bytes of JSON: how the file was read and
how its columns are mapped (`Inspection`), nothing classified.
The upload comes on standard input, the learner's column choices in the
environment; nothing is written to disk.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

#: Limits of one batch: address space of the child, wall time, rows.
#: Address space, not resident memory: polars reserves far more than it touches;
#: a 200 MB export (2.4 million rows) peaks at 3.0 GB resident and needs over 4 GB.
MEMORY_BYTES = 8 << 30
SECONDS = 300
MAX_ROWS = 3_000_000
#: The team rulebook's text, handed to the child (it was checked when the server started).
RULES_ENV = "FUNNEL_COACH_RULES_TEXT"
#: Batches classified at once across all sessions (each child may take
#: MEMORY_BYTES); a further upload waits its turn, at most QUEUE_SECONDS.
MAX_AT_ONCE = 2
QUEUE_SECONDS = 300.0
_slots = threading.BoundedSemaphore(MAX_AT_ONCE)
#: Rows of the preview, and rejected rows listed on the page.
PREVIEW_ROWS = 20
LISTED_REJECTED = 100
#: Contact columns (not contract fields) shown in the preview.
OWN_COLUMNS = 3
#: The learner's choices for the columns (JSON: column -> field or null), for the child.
MAPPING_ENV = "FUNNEL_COACH_MAPPING"


@dataclass(frozen=True, slots=True)
class Inspection:
    """How an upload is read and mapped, in the learner's language.

    `read`: the summary lines (format, encoding, delimiter; which CRM);
    `crm`: the preset's name, or None for the contract's own columns;
    `header`: the columns; `rows`: (column, fields, rule) for every column read;
    `record_id`: the record id's column; `unknown`: fields no column feeds;
    `lines`: the mapping as `--show-mapping` prints it.
    """

    read: list[str]
    crm: str | None
    contract: bool
    header: list[str]
    rows: list[tuple[str, list[str], str]]
    record_id: str | None
    unknown: list[str]
    lines: list[str]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the page shows of a classified file (never the file itself)."""

    total: int
    rejected: int
    listed: list[tuple[int, str]]
    stage_counts: dict[str, int]
    next_action_counts: dict[str, int]
    warnings: list[str]
    columns: list[str]
    rows: list[dict[str, str | None]] = field(default_factory=list)
    read: list[str] = field(default_factory=list)

    @property
    def classified(self) -> int:
        return self.total - self.rejected


class BatchFailed(Exception):
    """The child died (memory), ran out of time, or failed unexpectedly."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "memory", "time", "crash" or "busy"


def inspect_upload(
    data: bytes, *, lang: str, name: str, mapping: dict[str, str | None] | None = None
) -> Inspection:
    """How the child reads and maps the upload (no classification; the same
    limits, since an .xlsx is unpacked to find its header)."""
    found = classify_upload(
        data, model="funnel", lang=lang, name=name, mapping=mapping, mode="inspect"
    )
    assert isinstance(found, Inspection)
    return found


def classify_upload(
    data: bytes,
    *,
    model: str,
    lang: str,
    name: str,
    rules_text: str | None = None,
    progress: Callable[[float], None] | None = None,
    waiting: Callable[[], None] | None = None,
    mapping: dict[str, str | None] | None = None,
    mode: str = "classify",
) -> Any:
    """Run the batch in a child, once one of the `MAX_AT_ONCE` slots is free
    (`waiting` is called if it must wait); the outcome and the classified CSV,
    or raises `BatchFileError` (the file) or `BatchFailed` (the limits, or
    "busy" when no slot freed in `QUEUE_SECONDS`)."""
    if not _slots.acquire(blocking=False):
        if waiting is not None:
            waiting()
        if not _slots.acquire(timeout=QUEUE_SECONDS):
            raise BatchFailed("busy")
    try:
        return _run(
            data,
            model=model,
            lang=lang,
            name=name,
            rules_text=rules_text,
            progress=progress,
            mapping=mapping,
            mode=mode,
        )
    finally:
        _slots.release()


def _run(
    data: bytes,
    *,
    model: str,
    lang: str,
    name: str,
    rules_text: str | None,
    progress: Callable[[float], None] | None,
    mapping: dict[str, str | None] | None = None,
    mode: str = "classify",
) -> tuple[Outcome, bytes] | Inspection:
    from crm import file_error

    env = dict(os.environ)
    if rules_text is not None:
        env[RULES_ENV] = rules_text
    env[MAPPING_ENV] = json.dumps(mapping or {})
    child = subprocess.Popen(
        [sys.executable, "-m", "app.worker", model, lang, name, str(MAX_ROWS), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        env=env,
    )
    assert child.stdin is not None and child.stdout is not None
    feeder = threading.Thread(target=_feed, args=(child.stdin, data), daemon=True)
    feeder.start()
    timer = threading.Timer(SECONDS, child.kill)
    timer.start()
    started = time.monotonic()
    try:
        out = child.stdout
        while True:
            line = out.readline()
            if not line:
                child.wait()
                late = time.monotonic() - started >= SECONDS
                raise BatchFailed("time" if late else "memory" if child.returncode else "crash")
            kind, _, rest = line.decode().partition(" ")
            if kind == "P" and progress is not None:
                progress(float(rest))
            elif kind == "E":
                error = json.loads(rest)
                raise file_error(error["code"], error["path"], error["params"])
            elif kind == "I":
                found = json.loads(out.read(int(rest)))
                child.wait()
                found["rows"] = [tuple(row) for row in found["rows"]]
                return Inspection(**found)
            elif kind == "R":
                summary = json.loads(out.read(int(rest)))
                csv = out.read()
                child.wait()
                summary["listed"] = [tuple(item) for item in summary["listed"]]
                return Outcome(**summary), csv
    finally:
        timer.cancel()
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()


def _feed(pipe: IO[bytes], data: bytes) -> None:
    view = memoryview(data)
    try:
        for start in range(0, len(view), 1 << 20):
            pipe.write(view[start : start + (1 << 20)])
        pipe.close()
    except (BrokenPipeError, OSError):
        pass


def _inspection(imported: Any, lang: str) -> dict[str, Any]:
    from classifier import load_translations
    from crm import rule_text

    t = load_translations(lang)
    header = list(imported.table.header)
    mapping = imported.mapping
    if mapping is None:
        layout = imported.prepared.layout
        rows = [
            (header[i], [f], rule_text_for_contract(f, lang))
            for i, f in enumerate(layout.fields)
            if f is not None
        ]
        unknown = [f.name for f in _fields() if f.name not in layout.fields]
        record = None
    else:
        rows = [
            (", ".join(header[p] for p in b.positions), [b.rule.field], rule_text(b.rule, t))
            for b in mapping.bound
        ]
        unknown = mapping.unknown
        record = header[mapping.record_id] if mapping.record_id is not None else None
    return {
        "read": imported.summary(lang),
        "crm": imported.crm,
        "contract": mapping is None,
        "header": header,
        "rows": rows,
        "record_id": record,
        "unknown": unknown,
        "lines": imported.mapping_lines(lang),
    }


def _fields() -> tuple[Any, ...]:
    from classifier import FIELDS

    return FIELDS


def rule_text_for_contract(field_name: str, lang: str) -> str:
    """The rule of a column named after its field: its value, as the contract reads it."""
    from classifier import load_translations
    from crm import Rule, rule_text

    return rule_text(Rule(field_name, "value", ((field_name,),)), load_translations(lang))


def _child(model: str, lang: str, name: str, max_rows: int, mode: str = "classify") -> int:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    os.nice(10)
    from classifier import FIELDS, BatchFileError, classify_prepared, parse_rulebook
    from crm import prepare

    team = os.environ.get(RULES_ENV)
    rules = parse_rulebook(team) if team is not None else None
    chosen = json.loads(os.environ.get(MAPPING_ENV) or "{}")

    out = sys.stdout.buffer
    data = sys.stdin.buffer.read()

    def progress(done: float) -> None:
        out.write(f"P {done:.4f}\n".encode())
        out.flush()

    try:
        imported = prepare(
            data,
            name=name,
            overrides=chosen,
            excel=lang,
            mapped_only=mode == "inspect",
        )
        if mode == "inspect":
            text = json.dumps(_inspection(imported, lang), ensure_ascii=False).encode()
            out.write(b"I %d\n" % len(text) + text)
            out.flush()
            return 0
        result = classify_prepared(
            imported.prepared,
            model=model,
            lang=lang,
            rules=rules,
            name=name,
            progress=progress,
            max_rows=max_rows,
        )
    except BatchFileError as error:
        problem = {"code": error.code, "path": error.path, "params": error.params}
        out.write(b"E " + json.dumps(problem).encode() + b"\n")
        return 0
    del data
    fields = {f.name for f in FIELDS}
    own = [c for c in result.input_columns if c not in fields][:OWN_COLUMNS]
    columns = [*own, "stage", "temperature", "next_action", "missing", "error"]
    head = result.frame.head(PREVIEW_ROWS).select(columns)
    summary: dict[str, Any] = {
        "total": result.total,
        "rejected": len(result.rejected),
        "listed": list(result.rejected[:LISTED_REJECTED]),
        "stage_counts": result.stage_counts,
        "next_action_counts": result.next_action_counts,
        "warnings": list(result.warnings),
        "read": imported.summary(lang),
        "columns": columns,
        "rows": [
            {c: None if v is None else str(v) for c, v in row.items()}
            for row in head.iter_rows(named=True)
        ],
    }
    text = json.dumps(summary, ensure_ascii=False).encode()
    out.write(b"R %d\n" % len(text) + text)
    out.write(result.csv)
    out.flush()
    return 0


if __name__ == "__main__":
    mode = sys.argv[5] if len(sys.argv) > 5 else "classify"
    sys.exit(_child(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), mode))
