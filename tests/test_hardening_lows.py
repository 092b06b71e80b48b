"""The probe's low findings left after the first round: upload preflight, what
refusals log, NUL bytes past the first MiB, invalid UTF-8 on standard input,
and a cap on batch child processes across sessions."""

from __future__ import annotations

import http.client
import io
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from app import server, worker
from classifier import BatchFileError, classify_csv
from classifier._batch import classify_csv_file
from classifier._cli import main
from tests.conftest import run_async

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "contacts.csv"


def test_upload_preflight_allows_no_other_origin(served: str) -> None:
    parts = urlsplit(served)
    for origin, status in ((served.rstrip("/"), 204), ("http://localhost:8501", 403)):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        connection.request(
            "OPTIONS",
            "/app/_stcore/upload_file/some-session/some-file",
            headers={"Origin": origin, "Access-Control-Request-Method": "PUT"},
        )
        response = connection.getresponse()
        response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        assert response.status == status, origin
        assert not [k for k in headers if k.startswith("access-control-")], headers
        assert "8501" not in str(headers)


def _through_guard(headers: dict[str, str], kind: str = "websocket") -> list[dict[str, Any]]:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "websocket.accept"})

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    scope = {
        "type": kind,
        "path": "/app/_stcore/stream",
        "method": "GET",
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
    }
    guard = server.Guard(app, server.allowed_hosts())
    run_async(guard(scope, receive, send))
    return sent


def test_refusals_are_logged_short_and_printable(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="funnel_coach.guard")
    origin = "http://evil.example/" + "A" * 8_000 + "\x1b[31m\u202e"
    sent = _through_guard({"host": "127.0.0.1:8000", "origin": origin})
    assert sent == [{"type": "websocket.close", "code": 1008}]
    line = caplog.records[-1].getMessage()
    assert "evil.example" in line and len(line) < 400
    assert all(32 <= ord(ch) < 127 for ch in line), line
    # A Host of control characters and 5,000 characters: the same.
    _through_guard({"host": "evil\x07" + "x" * 5_000})
    line = caplog.records[-1].getMessage()
    assert len(line) < 400 and "\x07" not in line


@pytest.mark.parametrize(
    "origin",
    ["null", "http://LOCALHOST:8000", "http://127.0.0.1:8000.evil.example", "file://"],
)
def test_what_streamlit_would_refuse_verbosely_never_reaches_it(origin: str) -> None:
    """Streamlit compares Origin and Host exactly, and judges the rest after a
    public-IP lookup, logging both verbatim: the guard refuses first."""
    sent = _through_guard({"host": "localhost:8000", "origin": origin})
    assert sent == [{"type": "websocket.close", "code": 1008}]
    assert _through_guard({"host": "localhost:8000", "origin": "http://localhost:8000"}) == [
        {"type": "websocket.accept"}
    ]


def _with_nul_past_the_head() -> bytes:
    data = SAMPLE.read_bytes()
    while len(data) < (1 << 20) + 200_000:
        data += b"".join(SAMPLE.read_bytes().splitlines(keepends=True)[1:])
    return data + b"99,Nul\x00Name,,true,single\n"


def test_a_nul_byte_past_the_first_mib_is_not_text(tmp_path: Path) -> None:
    data = _with_nul_past_the_head()
    assert b"\x00" not in data[: 1 << 20]
    with pytest.raises(BatchFileError) as caught:
        classify_csv(data, name="crm.csv")
    assert caught.value.code == "not_utf8" and "crm.csv" in caught.value.message("it")
    source = tmp_path / "crm.csv"
    source.write_bytes(data)
    with pytest.raises(BatchFileError) as caught:
        classify_csv_file(str(source), str(tmp_path / "out.csv"))
    assert caught.value.code == "not_utf8"
    assert not (tmp_path / "out.csv").exists()


def test_invalid_utf8_on_stdin_is_a_usage_error() -> None:
    bad = b'{"identified": true, "name": "caf\xe9"}\n'
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    done = subprocess.run(
        [sys.executable, "-m", "classifier", "classify"],
        input=bad,
        capture_output=True,
        env={**env, "LANG": "C", "PYTHONIOENCODING": "utf-8:surrogateescape"},
        timeout=60,
    )
    assert done.returncode == 2, done.stdout
    assert b"stdin" in done.stderr and b"UTF-8" in done.stderr and not done.stdout
    # A text stream that smuggles the bytes in as surrogates is refused too.
    smuggled = io.StringIO(bad.decode("utf-8", "surrogateescape"))
    assert main(["classify"], stdin=smuggled, stdout=io.StringIO()) == 2
    # Good UTF-8 on stdin, with a BOM, is classified.
    out = io.StringIO()
    good = io.TextIOWrapper(io.BytesIO('\ufeff{"identified": true, "name": "café"}\n'.encode()))
    assert main(["classify"], stdin=good, stdout=out) == 0 and '"stage": "lead"' in out.getvalue()


def test_at_most_two_batches_run_at_once_the_third_waits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert worker.MAX_AT_ONCE == 2
    monkeypatch.setattr(worker, "_slots", threading.BoundedSemaphore(2))
    worker._slots.acquire()
    worker._slots.acquire()  # two batches running
    waited = threading.Event()
    results: list[Any] = []
    third = threading.Thread(
        target=lambda: results.append(
            worker.classify_upload(
                SAMPLE.read_bytes(), model="funnel", lang="en", name="c.csv", waiting=waited.set
            )
        )
    )
    third.start()
    assert waited.wait(10)
    time.sleep(0.5)
    assert not results and third.is_alive()  # still waiting its turn
    worker._slots.release()
    third.join(120)
    assert results and results[0][0].total == 200
    # And the slot it took is free again.
    assert worker._slots.acquire(blocking=False)


def test_a_batch_that_waits_too_long_says_so_in_the_users_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.i18n import gettext
    from app.screens import batch
    from tests.test_app_batch import start

    monkeypatch.setattr(worker, "_slots", threading.BoundedSemaphore(2))
    monkeypatch.setattr(worker, "QUEUE_SECONDS", 0.3)
    worker._slots.acquire()
    worker._slots.acquire()
    at = start("fr")
    at.file_uploader(key=batch.UPLOAD).set_value(("c.csv", SAMPLE.read_bytes(), "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(str(e.value) for e in at.error).replace("\\", "")
    assert gettext("fr")(batch.BUSY) in shown and gettext("fr")(batch.BUSY) != batch.BUSY
    assert not at.table
