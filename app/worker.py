"""A Batch upload classified in a child process, so that it neither holds the
server's GIL against every other user nor, when a file is hostile, takes the
server down: the child has a memory limit, a time limit and a lower priority,
and the server keeps only what the page shows and the file to download.

Protocol (child's standard output): `P <fraction>` lines while it works, then
either `E <json of a BatchFileError>` or `R <n>` followed by n bytes of JSON
(counts, rejected rows, the first rows) and the classified CSV to the end.
The upload comes on standard input; nothing is written to disk.
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

    @property
    def classified(self) -> int:
        return self.total - self.rejected


class BatchFailed(Exception):
    """The child died (memory), ran out of time, or failed unexpectedly."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "memory", "time", "crash" or "busy"


def classify_upload(
    data: bytes,
    *,
    model: str,
    lang: str,
    name: str,
    rules_text: str | None = None,
    progress: Callable[[float], None] | None = None,
    waiting: Callable[[], None] | None = None,
) -> tuple[Outcome, bytes]:
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
            data, model=model, lang=lang, name=name, rules_text=rules_text, progress=progress
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
) -> tuple[Outcome, bytes]:
    from classifier import BatchFileError

    child = subprocess.Popen(
        [sys.executable, "-m", "app.worker", model, lang, name, str(MAX_ROWS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        env={**os.environ, RULES_ENV: rules_text} if rules_text is not None else None,
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
                raise BatchFileError(error["code"], error["path"], **error["params"])
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


def _child(model: str, lang: str, name: str, max_rows: int) -> int:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    os.nice(10)
    from classifier import FIELDS, BatchFileError, classify_csv, parse_rulebook

    team = os.environ.get(RULES_ENV)
    rules = parse_rulebook(team) if team is not None else None

    out = sys.stdout.buffer
    data = sys.stdin.buffer.read()

    def progress(done: float) -> None:
        out.write(f"P {done:.4f}\n".encode())
        out.flush()

    try:
        result = classify_csv(
            data,
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
    sys.exit(_child(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
