"""The Batch page with CRM exports (AppTest): the sample buttons, the mapping
shown for review before classifying, a column changed or left unread, an
unknown header mapped by hand, an unusable file, and the localized download."""

from __future__ import annotations

import csv
import io

from streamlit.testing.v1 import AppTest

from app import downloads
from app.i18n import gettext
from app.screens import batch
from tests.conftest import ROOT

MAIN = str(ROOT / "app" / "main.py")


def start(lang: str) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=90)
    at.query_params["page"] = "batch"
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def text_of(at: AppTest) -> str:
    parts = [
        str(e.value)
        for kind in ("markdown", "success", "warning", "error", "info")
        for e in getattr(at, kind)
    ]
    return "\n".join(parts).replace("\\", "")


def column_key(at: AppTest, column: str) -> str:
    [box] = [b for b in at.selectbox if b.label == column]
    assert box.key is not None
    return box.key


def test_a_sample_export_is_shown_mapped_then_classified_with_a_localized_download() -> None:
    lang = "it"
    _ = gettext(lang)
    at = start(lang)
    labels = [b.label for b in at.button]
    for crm in ("HubSpot", "Salesforce", "Pipedrive", "Zoho CRM", "RD Station", "Mautic"):
        assert _(batch.SAMPLE_BUTTON).format(crm=crm) in labels
    at.button(key="sample_hubspot").click().run()
    assert not at.exception, [e.value for e in at.exception]
    text = text_of(at)
    assert "Letto hubspot.csv: UTF-8, separatore “,” (virgola)." in text
    assert "Colonne lette come un export di HubSpot" in text
    mapping = at.table[0].value
    assert "Lifecycle Stage" in list(mapping[_(batch.MAP_COLUMN)])
    assert "Record ID" in text and _(batch.REVIEW) in text
    # Nothing classified before the learner asks.
    assert not any('<a class="fc-download"' in str(m.value) for m in at.markdown)
    at.button(key="batch_classify").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _(batch.DONE).format(classified=120, total=120, rejected=0) in text_of(at)
    [held] = [d for d in downloads._files.values() if d.name.startswith("contatti-classificati")]
    assert held.name == "contatti-classificati-hubspot.csv"
    assert held.data.startswith(b"\xef\xbb\xbf")  # Excel reads the accents right
    rows = list(csv.reader(io.StringIO(held.data.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[header.index("stage") + 1] == "Stadio"
    assert header[header.index("record_id") - 1] == "Purchase intent"  # input columns first


def test_a_column_changed_to_unknown_changes_the_verdicts() -> None:
    lang = "en"
    at = start(lang)
    data = (ROOT / "examples" / "crm" / "hubspot-it.csv").read_bytes()
    at.file_uploader(key=batch.UPLOAD).set_value(("portale.csv", data, "text/csv")).run()
    assert "Columns read as a HubSpot export" in text_of(at)
    at.button(key="batch_classify").click().run()
    before = text_of(at)
    assert "of 120 rows classified" in before

    def customers() -> str:
        chart = next(
            str(m.value)
            for m in at.markdown
            if '<div class="fc-count fc-count--funnel' in str(m.value)
        )
        tail = chart.split("Customer</span>", 1)[1]
        return tail.split('class="fc-count__value">', 1)[1].split("<", 1)[0]

    assert customers() == "19"
    # "Fase del ciclo di vita" left unread: no customer any more.
    at.selectbox(key=column_key(at, "Fase del ciclo di vita")).set_value("-").run()
    assert not any('<a class="fc-download"' in str(m.value) for m in at.markdown)  # asks again
    at.button(key="batch_classify").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert customers() == "0"
    assert "Fase del ciclo di vita" not in list(at.table[0].value["Column"])


def test_an_unknown_header_is_mapped_by_hand() -> None:
    lang = "fr"
    _ = gettext(lang)
    at = start(lang)
    data = "Nom;Courriel;Abonné;Acheté\nA;a@x.fr;oui;2\nB;;;\n".encode()
    at.file_uploader(key=batch.UPLOAD).set_value(("fichier.csv", data, "text/csv")).run()
    assert _(batch.NO_CRM) in text_of(at)
    at.selectbox(key=column_key(at, "Acheté")).set_value("purchases").run()
    at.selectbox(key=column_key(at, "Courriel")).set_value("identified").run()
    at.button(key="batch_classify").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _(batch.DONE).format(classified=2, total=2, rejected=1) not in text_of(at)
    assert _(batch.DONE).format(classified=1, total=2, rejected=1) in text_of(at)


def test_an_old_excel_file_gets_a_localized_error() -> None:
    at = start("es")
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    at.file_uploader(key=batch.UPLOAD).set_value(("viejo.xls", data, "application/x")).run()
    assert not at.exception
    assert at.error and "Excel 97-2003" in at.error[0].value.replace("\\", "")
    assert "viejo.xls" in at.error[0].value.replace("\\", "")
