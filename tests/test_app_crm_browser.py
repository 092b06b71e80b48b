"""A CRM export through the Batch page in real Chromium: upload, review the
mapping, classify, download the Excel-ready file under a localized name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.i18n import gettext
from app.screens import batch
from classifier import label
from tests.conftest import ROOT, serious_violations, settle

pytestmark = pytest.mark.browser

STARTED = "[data-testid=stMainBlockContainer] h1"


def test_a_crm_export_is_reviewed_classified_and_downloaded(served: str, page: Any) -> None:
    lang = "pt"
    _ = gettext(lang)
    page.goto(f"{served}app/?page=batch&lang={lang}")
    page.locator(STARTED).wait_for()
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(
        str(ROOT / "examples" / "crm" / "rdstation.csv")
    )
    page.get_by_role("button", name=_(batch.CLASSIFY)).wait_for()
    settle(page)
    body = page.locator("[data-testid=stMainBlockContainer]").inner_text()
    assert "RD Station" in body and "ponto e vírgula" in body
    assert "Estágio no funil" in body  # the mapping, for review
    violations = serious_violations(page)
    assert not violations, violations
    page.get_by_role("button", name=_(batch.CLASSIFY)).click()
    page.locator("[data-testid=stAlertContentSuccess]").wait_for()
    settle(page)
    body = page.locator("[data-testid=stMainBlockContainer]").inner_text()
    for stage in ("stranger", "visitor", "lead", "prospect", "customer"):
        assert label("stage", stage, lang) in body
    with page.expect_download() as download:
        page.get_by_role("link", name=_(batch.DOWNLOAD)).click()
    assert download.value.suggested_filename == "contatos-classificados-rdstation.csv"
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header = data.decode("utf-8-sig").splitlines()[0].split(";")
    assert header[header.index("stage") + 1] == "Estágio"
    violations = serious_violations(page)
    assert not violations, violations


def test_the_mapping_review_fits_a_phone(served: str, browser: Any) -> None:
    """Long CRM values (ATTEMPTED_TO_CONTACT) wrap: the mapping table stays
    inside a 390-pixel screen instead of hiding its last column."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{served}app/?page=batch&lang=fr")
        page.locator(STARTED).wait_for()
        page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(
            str(ROOT / "examples" / "crm" / "hubspot.csv")
        )
        table = page.locator(".st-key-batch_mapping table")
        table.wait_for()
        settle(page)
        assert "ATTEMPTED_TO_CONTACT" in table.inner_text()
        sizes = table.evaluate(
            "t => [t.getBoundingClientRect().right, t.closest('.st-key-batch_mapping')"
            ".getBoundingClientRect().right, t.scrollWidth, t.clientWidth]"
        )
        right, edge, scroll, client = sizes
        assert right <= edge + 0.5 and scroll <= client, sizes
        violations = serious_violations(page)
        assert not violations, violations
    finally:
        context.close()
