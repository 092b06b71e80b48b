"""The batch page through AppTest: upload, charts, table, download, errors."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from app.i18n import gettext
from app.screens import batch
from classifier import label
from tests.conftest import ROOT

MAIN = str(ROOT / "app" / "main.py")
CSV = (
    "id;Name;company;Identified;consent;in_target;budget;conversation;intent;purchases\r\n"
    "1;Ana;Lisboa Lda;yes;single;true;true;true;high;\r\n"
    '2;Bruno;=HYPERLINK("x");no;;;;;;\r\n'
    "3;Carla;Porto SA;maybe;single;true;;;;\r\n"
    "4;Dora;Faro;1;double;1;;;;2\r\n"
).encode("utf-8-sig")


def start(lang: str = "pt") -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.query_params["page"] = "batch"
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    parts = [
        str(e.value)
        for kind in ("markdown", "success", "warning", "error")
        for e in getattr(at, kind)
    ]
    return "\n".join(parts).replace("\\", "")


def test_upload_classifies_and_shows_counts_table_and_rejections() -> None:
    lang = "pt"
    _ = gettext(lang)
    at = start(lang)
    assert at.title[0].value == _(batch.TITLE)
    at.file_uploader(key=batch.UPLOAD).set_value(("crm.csv", CSV, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    text = page_text(at)
    assert _(batch.DONE).format(classified=3, total=4, rejected=1) in text
    # The rejected row names its field and value, in Portuguese.
    assert "identified" in text and "maybe" in text
    chart = next(
        str(m.value) for m in at.markdown if "fc-count" in str(m.value) and "<div" in m.value
    )
    assert label("stage", "prospect", lang) in chart and label("stage", "customer", lang) in chart
    frame = at.table[0].value
    assert list(frame["Name"]) == ["Ana", "Bruno", "Carla", "Dora"]
    # Who, then the verdict in words: the profile fields are left to the download.
    assert list(frame.columns) == [
        "id",
        "Name",
        "company",
        _("Stage"),
        _("Temperature"),
        _("Next action"),
        _("What is missing for the next stage"),
        _("Why it was rejected"),
    ]
    stages = [label("stage", s, lang) for s in ("prospect", "stranger")]
    assert list(frame[_("Stage")])[:3] == [*stages, ""]
    assert "maybe" in frame[_("Why it was rejected")][2]
    # Cells are text, never Markdown: each one is escaped and shows as typed.
    assert frame["company"][1] == '\\=HYPERLINK\\(\\"x\\"\\)'
    assert frame["company"][1].replace("\\", "") == '=HYPERLINK("x")'
    link = next(str(m.value) for m in at.markdown if '<a class="fc-download"' in str(m.value))
    assert _(batch.DOWNLOAD) in link and 'href="/app/download/' in link


def test_an_unusable_file_gets_a_localized_error_and_no_traceback() -> None:
    at = start("it")
    at.file_uploader(key=batch.UPLOAD).set_value(("empty.csv", b"", "text/csv")).run()
    assert not at.exception
    assert at.error and "empty.csv" in at.error[0].value.replace("\\", "")
    at.file_uploader(key=batch.UPLOAD).set_value(
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "text/csv")
    ).run()
    assert not at.exception
    assert at.error


def test_the_sample_file_classifies_without_rejections() -> None:
    at = start("en")
    data = (ROOT / "examples" / "contacts.csv").read_bytes()
    at.file_uploader(key=batch.UPLOAD).set_value(("contacts.csv", data, "text/csv")).run()
    assert not at.exception
    assert "200 of 200 rows classified; 0 rejected." in page_text(at)


def test_nothing_uploaded_is_written_to_disk() -> None:
    """The upload stays in memory: no file written during the run holds its content."""
    import os
    import tempfile
    import time
    from pathlib import Path

    marker = f"Zebedee-{time.time_ns()}"
    data = f"id,name,identified,consent\n1,{marker},true,single\n".encode()
    started = time.time()
    at = start("en")
    at.file_uploader(key=batch.UPLOAD).set_value(("secret.csv", data, "text/csv")).run()
    assert marker in str(at.table[0].value["name"][0]).replace("\\", "")
    assert "Why it was rejected" not in at.table[0].value.columns
    written = []
    skip = {".venv", ".git", "site", "node_modules", "__pycache__"}
    for folder in {Path(tempfile.gettempdir()), ROOT, Path.home()}:
        for here, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if d not in skip]
            for name in files:
                path = Path(here, name)
                try:
                    fresh = path.stat().st_mtime >= started and path.stat().st_size < 10**7
                    if fresh and marker.encode() in path.read_bytes():
                        written.append(path)
                except OSError:
                    continue
    assert not written
