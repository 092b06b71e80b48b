"""Classified files, served to the session that made them and to nobody else.

Streamlit's own download button stores the file in its media store under an
MD5 of the content, readable by anyone with the URL, without a session and
after it ended. Here a download lives under a random token, is answered only
with the browser's cookie of the session that made it, with `no-store`, and is
dropped when its session ends (`sweeping`) or makes a new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import secrets
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

#: The cookie Streamlit sets for the browser; the WebSocket of a session and
#: the download request carry the same value.
COOKIE = "_streamlit_xsrf"
#: Seconds between two sweeps of ended sessions.
SWEEP_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Download:
    session: str
    cookie: str | None
    name: str
    data: bytes


_lock = threading.Lock()
_files: dict[str, Download] = {}
#: The file ids of the uploads each session read: closed when the session has ended.
_uploads: dict[str, set[str]] = {}


def publish(session: str, cookie: str | None, name: str, data: bytes) -> str:
    """Keep `data` for `session` (dropping its previous file); the URL path to fetch it."""
    token = secrets.token_urlsafe(32)
    with _lock:
        for old in [t for t, d in _files.items() if d.session == session]:
            del _files[old]
        _files[token] = Download(session, cookie, name, data)
    return f"/app/download/{token}"


def drop(session: str) -> None:
    with _lock:
        for token in [t for t, d in _files.items() if d.session == session]:
            del _files[token]


def watch_upload(session: str, file_id: str) -> None:
    """Remember that `session` read the upload `file_id`, to close its
    UploadedFile objects once the session has ended (see `_close_uploads`)."""
    with _lock:
        _uploads.setdefault(session, set()).add(file_id)


def _close_uploads(sessions: set[str]) -> None:
    """Close the UploadedFile objects (BytesIO) of the ended sessions' uploads.

    Streamlit drops its record of a file with the session, but one UploadedFile
    made from it outlives the session, held by a reference the garbage collector
    cannot see (found with tracemalloc: +196 MB after a 200 MB batch, for good).
    Closing a BytesIO frees its buffer, whoever holds the object. The objects
    are found among the collector's: a scan of some 10 ms, only when a session
    that uploaded a file has ended."""
    import gc

    with _lock:
        ids = set().union(*(_uploads.pop(session, set()) for session in sessions))
    if not ids:
        return
    from streamlit.runtime.uploaded_file_manager import UploadedFile

    for found in gc.get_objects():
        # type(), not isinstance(): isinstance() of a dead weak proxy among the
        # collector's objects raises ReferenceError.
        if type(found) is UploadedFile and found.file_id in ids:
            with contextlib.suppress(Exception):
                found.close()


def held() -> int:
    """Bytes held for every session (for tests and benchmarks)."""
    with _lock:
        return sum(len(d.data) for d in _files.values())


async def serve(request: Any) -> Any:
    from starlette.responses import PlainTextResponse, Response

    with _lock:
        found = _files.get(request.path_params["token"])
    if found is None or request.cookies.get(COOKIE) != found.cookie:
        return PlainTextResponse("Not found", status_code=404)
    return Response(
        found.data,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.name)}"},
    )


def sweep() -> None:
    """Let go of what ended sessions hold: their downloads, and the sessions
    Streamlit keeps for a reconnect past their time (it frees them only when
    another session disconnects), with their uploads."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return
    manager: Any = getattr(Runtime.instance(), "_session_mgr", None)
    storage: Any = getattr(manager, "_session_storage", None)
    cache: Any = getattr(storage, "_cache", None)
    if manager is None:
        return
    expire: Callable[[], list[tuple[str, Any]]] | None = getattr(cache, "expire", None)
    if expire is not None:
        for _id, info in expire():
            info.session.shutdown()  # frees its uploads and media files
    live = {info.session.id for info in manager.list_active_sessions()}
    stored = {info.session.id for info in storage.list()} if storage is not None else set()
    with _lock:
        ended = ({d.session for d in _files.values()} | set(_uploads)) - live - stored
    for session in ended:
        drop(session)
    _close_uploads(ended)
    release_memory()


def release_memory() -> None:
    """Hand freed memory back to the system. glibc keeps what a big batch freed
    (an upload, its results) in the process's heap, raising the mmap threshold
    after large frees; RSS would stay hundreds of MB up after the session ended."""
    with contextlib.suppress(OSError, AttributeError):
        _libc().malloc_trim(0)


@functools.cache
def _libc() -> Any:
    import ctypes
    import ctypes.util

    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")


def sweeping(lifespan: Any) -> Callable[[Any], Any]:
    """Streamlit's lifespan, plus a sweep every `SWEEP_SECONDS`."""

    @contextlib.asynccontextmanager
    async def run(app: Any) -> AsyncIterator[None]:
        async def loop() -> None:
            while True:
                await asyncio.sleep(SWEEP_SECONDS)
                with contextlib.suppress(Exception):
                    sweep()

        async with lifespan(app):
            task = asyncio.create_task(loop())
            try:
                yield
            finally:
                task.cancel()

    return run
