"""User text (link values, CSV cells, file names, echoed values) is shown as
plain text: the probe's payloads create no link, heading, code, image or
emoji in the app's error boxes or the Batch preview, in real Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from app.view import plain
from tests.test_app_browser import STARTED, settle

#: The probe's payloads (security review, section 3.2).
PAYLOADS = [
    "https://evil.example/login and www.evil.example and mail@evil.example",
    "funnel”. Your licence expired: renew at https://evil.example/pay “x",
    "Your account is locked\n===\nCall +1 555 0100",
    "x\n\n    indented code",
    "`code` **bold** [x](javascript:alert(1)) ![i](x.png) <b>b</b> :rocket: :material/warning:",
    "# Heading\n## Two\n> quote\n- item\n1. one",
    "a\u202eevil\u2066x $x^2$ ~~gone~~ <img src=x onerror=alert(1)> WWW.EVIL.EXAMPLE",
]

#: Markup that user text must never create, searched in the main block.
FORBIDDEN = "a, h1, h2, h3, h4, h5, h6, img, code, pre, blockquote, li, strong, em, del, .katex"


def test_plain_keeps_words_and_breaks_every_pattern() -> None:
    shown = plain("Call www.evil.example\n===\nmail@x.example or http://x.example")
    assert "\n" not in shown and "www\u2060" in shown and "\u2060\\@" in shown
    assert "\\:\u2060" in shown
    assert plain("\u202eabc\u2066") == "abc"
    long = plain("x" * 10_000)
    assert len(long) <= 80 and long.endswith("…")
    assert len(plain("word " * 5_000)) < 1_200
    # Ordinary sentences, French spaces included, read the same once unescaped.
    sentence = "Langue non prise en charge\u202f: « xx »"
    assert plain(sentence).replace("\\", "").replace("\u2060", "") == sentence


def markup_in_main(page: Any, scope: str) -> list[str]:
    return list(
        page.evaluate(
            """([scope, forbidden]) => [...document.querySelectorAll(scope)].flatMap(
                 box => [...box.querySelectorAll(forbidden)].map(e => e.outerHTML.slice(0, 99)))""",
            [scope, FORBIDDEN],
        )
    )


@pytest.mark.browser
@pytest.mark.parametrize("key", ["lang", "model", "scenario"])
def test_link_values_show_as_plain_text_in_error_boxes(served: str, page: Any, key: str) -> None:
    for payload in PAYLOADS:
        extra = "&page=practice" if key == "scenario" else ""
        page.goto(f"{served}app/?{key}={quote(payload)}{extra}")
        page.locator(STARTED).wait_for()
        box = page.locator("[data-testid=stAlertContentError]").first
        box.wait_for()
        settle(page)
        assert not markup_in_main(page, "[data-testid=stAlertContentError]"), payload
        text = box.inner_text()
        assert "evil" not in payload or "evil" in text
        # One line or two of the app's own words, never the 10,000 px box.
        assert box.bounding_box()["height"] < 200


@pytest.mark.browser
def test_a_long_link_value_gives_a_short_box(served: str, page: Any) -> None:
    page.goto(f"{served}app/?lang={'A' * 10_000}")
    box = page.locator("[data-testid=stAlertContentError]").first
    box.wait_for()
    assert box.bounding_box()["height"] < 150
    assert "A" * 81 not in box.inner_text()


@pytest.mark.browser
def test_csv_cells_and_file_names_show_as_plain_text_in_the_batch_page(
    served: str, page: Any, tmp_path: Path
) -> None:
    rows = ["name,identified,consent"]
    for payload in PAYLOADS:
        cell = payload.replace('"', '""')
        rows.append(f'"{cell}",true,single')
        rows.append(f'"{cell}",maybe,"{cell}"')  # rejected: the error echoes the value
    upload = tmp_path / "www.evil.example [x](y) `z`.csv"
    upload.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page.goto(f"{served}app/?page=batch&lang=en")
    page.locator(STARTED).wait_for()
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(upload))
    page.locator("[data-testid=stTable]").wait_for()
    settle(page)
    assert not markup_in_main(page, "[data-testid=stTable]")
    assert not markup_in_main(page, "[data-testid=stAlert]")
    # The list of rejected rows echoes the bad values: as text too.
    rejected = page.locator("[data-testid=stMarkdownContainer]", has_text="Row 3").last
    assert "maybe" in rejected.inner_text()
    assert not rejected.locator("a, h1, h2, code, pre, img").count()
    table = page.locator("[data-testid=stTable]").inner_text()
    assert "www.evil.example" in table.replace("\u2060", "")
    assert "Your account is locked === Call" in table


def test_long_headers_that_read_the_same_once_shortened_stay_distinct_columns() -> None:
    from app.screens import batch
    from tests.test_app_batch import start

    first, second = "h" * 90 + "1", "h" * 90 + "2"
    data = f"{first},{second},identified\nx,y,true\n".encode()
    at = start("en")
    at.file_uploader(key=batch.UPLOAD).set_value(("wide.csv", data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    frame = at.table[0].value
    assert len(frame.columns[:2].unique()) == 2 and list(frame.iloc[0, :2]) == ["x", "y"]
