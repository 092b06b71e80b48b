"""CRM exports through `funnel-coach batch` and `crm.prepare`: the invented
samples of every preset, encodings, delimiters, .xlsx, multilingual values,
presets, --map, --show-mapping, --excel, and the files that cannot be used."""

from __future__ import annotations

import codecs
import csv
import io
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT

from classifier import classify_prepared, label
from classifier._cli import main
from classifier._csvio import neutralize_text
from crm import CrmFileError, Import, prepare, presets

sys.path.insert(0, str(ROOT / "tools"))
import crm_examples as examples

SAMPLES = {sample.file: sample for sample in examples.SAMPLES}
PRESET_OF = {
    "hubspot.csv": "hubspot",
    "hubspot-it.csv": "hubspot",
    "salesforce.csv": "salesforce",
    "pipedrive.csv": "pipedrive",
    "zoho.txt": "zoho",
    "rdstation.csv": "rdstation",
    "mautic.csv": "mautic",
    "brevo.csv": "brevo",
    "odoo.xlsx": "odoo",
}
VERDICT = ["stage", "phase", "temperature", "out_of_target", "score", "next_action", "missing"]


def rows_of(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def run(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, ui: str
) -> tuple[int, str, str]:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANGUAGE", ui)
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


# --- The samples ---------------------------------------------------------------------


def test_the_samples_are_what_the_generator_writes() -> None:
    assert examples.main(["--check"]) == 0
    assert set(SAMPLES) == {p.name for p in (ROOT / "examples" / "crm").iterdir()}
    assert set(PRESET_OF.values()) == set(presets())  # one sample per preset at least


@pytest.mark.parametrize("file", sorted(SAMPLES))
def test_every_sample_is_recognised_and_classified_as_invented(file: str) -> None:
    imported = prepare(str(ROOT / "examples" / "crm" / file))
    assert imported.mapping is not None and imported.mapping.preset.id == PRESET_OF[file]
    assert imported.mapping.how == "detected"
    result = classify_prepared(imported.prepared)
    assert not result.rejected
    stages = result.frame.get_column("stage").to_list()
    assert stages == examples.expected_stages(SAMPLES[file])
    assert 50 <= result.total <= 200 and set(Counter(stages)) == set(examples.STAGES)


@pytest.mark.parametrize("file", ["hubspot.csv", "zoho.txt", "brevo.csv", "odoo.xlsx"])
def test_the_output_keeps_every_input_column_then_the_record_id(
    file: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = ROOT / "examples" / "crm" / file
    out = tmp_path / "out.csv"
    code, _, err = run(["batch", str(source), "-o", str(out)], capsys, monkeypatch, "en")
    assert code == 0, err
    written = rows_of(out.read_bytes())
    imported = prepare(str(source))
    header = list(imported.table.header)
    assert written[0] == [*header, "record_id", *VERDICT, "error"]
    assert len(written) == 121
    record = imported.mapping.record_id if imported.mapping else None
    assert record is not None
    for row in written[1:]:
        assert row[len(header)] == row[record]  # the record id, copied first
    # Every input cell unchanged (but for the formula guard every batch output has:
    # "+39 02…" gets a leading quote), in the sample's own order.
    sample = SAMPLES[file]
    rows = [
        [neutralize_text(cell) for cell in sample.row(c).values()]
        for c in examples.contacts(sample.seed)
    ]
    assert [row[: len(header)] for row in written[1:]] == rows


# --- Reading -------------------------------------------------------------------------

HEADER = ["Record ID", "First Name", "Email", "Lifecycle Stage", "In target", "Budget confirmed"]
BODY = [
    ["1", "Zoë", "zoe@example.com", "customer", "Sì", "x"],
    ["2", "José", "jose@example.com", "lead", "non", ""],
    ["3", "Ødegård", "", "", "", ""],
]


def encoded(encoding: str, delimiter: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([HEADER, *BODY])
    return buffer.getvalue().encode(encoding)


@pytest.mark.parametrize(
    ("encoding", "delimiter", "name"),
    [
        ("utf-8", ",", "UTF-8"),
        ("utf-8-sig", ";", "UTF-8 with byte-order mark"),
        ("utf-16", "\t", "UTF-16"),
        ("cp1252", ";", "Windows-1252"),
        ("utf-8", "|", "UTF-8"),
        ("utf-8", "\t", "UTF-8"),
    ],
)
def test_encodings_and_delimiters_are_read_and_said(
    encoding: str, delimiter: str, name: str
) -> None:
    imported = prepare(encoded(encoding, delimiter), name="export.csv")
    assert imported.table.delimiter == delimiter
    said = imported.summary("en")[0]
    assert said.startswith(f"Read export.csv: {name}") and f"“{delimiter}”" in said
    result = classify_prepared(imported.prepared)
    assert result.frame.get_column("First Name").to_list() == ["Zoë", "José", "Ødegård"]
    assert result.frame.get_column("stage").to_list() == ["customer", "lead", "stranger"]
    # In Italian, the summary names the encoding and delimiter in Italian.
    assert imported.summary("it")[0].startswith("Letto export.csv: ")


def derived(imported: Import, rows: list[list[str]], field: str) -> list[str | None]:
    """What the mapping derives for `field` from these rows (cells in header order)."""
    import polars as pl

    assert imported.mapping is not None
    frame = pl.DataFrame(
        {f"c{i}": list(column) for i, column in enumerate(zip(*rows, strict=True))},
        schema={f"c{i}": pl.String for i in range(len(rows[0]))},
    )
    steps = imported.mapping.derive([pl.col(c) for c in frame.columns])
    lazy = frame.lazy()
    for helpers in steps[:-1]:
        lazy = lazy.with_columns(*[e.alias(n) for n, e in helpers.items()])
    return lazy.select(steps[-1][field].alias(field)).collect().to_series().to_list()


def test_values_in_every_language_and_empty_is_unknown() -> None:
    header = "Record ID,Lifecycle Stage,Email,In target,Budget confirmed,Decision maker\n"
    cells = {
        "true": ["yes", "Sì", "sí", "OUI", "sim", "x", "TRUE", "1", "vrai", "verdadeiro"],
        "false": ["no", "non", "não", "nao", "FALSE", "0", "faux", "falso"],
    }
    rows = [
        [str(n), "lead", f"a{n}@example.com", word, "", ""]
        for n, word in enumerate(cells["true"] + cells["false"] + [""])
    ]
    data = header + "".join(",".join(row) + "\n" for row in rows)
    imported = prepare(data.encode(), name="x.csv")
    read = derived(imported, rows, "in_target")
    assert read == ["true"] * 10 + ["false"] * 8 + [None]
    # And through the engine: an empty cell is unknown, never false.
    result = classify_prepared(imported.prepared)
    assert result.frame.get_column("out_of_target").to_list() == [False] * 10 + [True] * 8 + [False]


def test_brevo_writes_yes_as_1_and_no_as_2_for_double_opt_in() -> None:
    header = "CONTACT ID;EMAIL;DOUBLE_OPT-IN;EMAIL_BLACKLISTED\n"
    rows = [["1", "a@x.com", "1", "0"], ["2", "b@x.com", "2", "0"], ["3", "c@x.com", "1", "1"]]
    data = (header + "".join(";".join(row) + "\n" for row in rows)).encode()
    imported = prepare(data, name="brevo.csv")
    assert imported.crm == "Brevo"
    assert derived(imported, rows, "consent") == ["double", None, "withdrawn"]
    result = classify_prepared(imported.prepared)
    assert result.frame.get_column("next_action").to_list()[2] == "respect_opt_out"


def test_consent_comes_only_from_consent_columns() -> None:
    # A customer in the lifecycle and a "subscriber": neither is a consent.
    data = (
        b"Record ID,Email,Lifecycle Stage,In target,Budget confirmed,Lead Status\n"
        b"1,a@x.com,subscriber,yes,yes,CONNECTED\n"
    )
    imported = prepare(data, name="hs.csv")
    assert "consent" in imported.mapping.unknown  # type: ignore[union-attr]
    result = classify_prepared(imported.prepared, lang="en")
    assert result.frame.get_column("stage").to_list() == ["lead"]
    assert result.frame.get_column("next_action").to_list() == ["ask_permission"]


def test_an_xlsx_sheet_by_name(tmp_path: Path) -> None:
    rows = [HEADER, *BODY]
    path = tmp_path / "export.xlsx"
    path.write_bytes(examples.xlsx_bytes(rows, sheet="Contatti"))
    imported = prepare(str(path), sheet="Contatti")
    assert imported.summary("en")[0] == f"Read {path}: Excel workbook, sheet “Contatti”."
    assert classify_prepared(imported.prepared).frame.get_column("stage").to_list() == [
        "customer",
        "lead",
        "stranger",
    ]
    with pytest.raises(CrmFileError) as caught:
        prepare(str(path), sheet="Leads")
    assert caught.value.code == "no_sheet" and "Contatti" in caught.value.message("fr")


# --- Presets, --map, --show-mapping -------------------------------------------------


def test_salesforce_api_names_in_any_case_and_report_labels() -> None:
    api = b"ID,EMAIL,HASOPTEDOUTOFEMAIL,STATUS,rating\n1,a@x.com,TRUE,Working - Contacted,Hot\n"
    report = (
        b"Lead ID,Email,Email Opt Out,Lead Status,Rating\n1,a@x.com,1,Working - Contacted,Hot\n"
    )
    for data in (api, report):
        imported = prepare(data, name="sf.csv")
        assert imported.crm == "Salesforce"
        result = classify_prepared(imported.prepared)
        assert result.frame.get_column("next_action").to_list() == ["respect_opt_out"]


def test_preset_forces_and_map_adds_custom_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "custom.csv"
    source.write_text(
        "Record ID,Email,Marketing opt-in,ICP,Approved budget,Talked to sales,Wants\n"
        "7,a@x.com,yes,sì,x,oui,high\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[columns]\n"ICP" = "in_target"\n"Approved budget" = "budget"\n'
        '"Talked to sales" = "conversation"\n"Wants" = "intent"\n\n'
        '[[rule]]\nfield = "consent"\ncolumn = ["Marketing opt-in"]\n'
        '[rule.map]\n"yes" = "single"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    code, _, err = run(
        ["batch", str(source), "-o", str(out), "--preset", "HubSpot", "--map", str(mapping)],
        capsys,
        monkeypatch,
        "en",
    )
    assert code == 0, err
    row = dict(zip(*rows_of(out.read_bytes()), strict=True))
    assert row["stage"] == "prospect" and row["next_action"] == "propose"
    assert row["record_id"] == "7"
    assert "as a HubSpot export (as asked)" in err


def test_show_mapping_is_localized_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = ROOT / "examples" / "crm" / "pipedrive.csv"
    out = tmp_path / "out.csv"
    texts = {}
    for ui in ("en", "it", "es", "fr", "pt"):
        code, said, _ = run(
            ["batch", str(source), "-o", str(out), "--show-mapping"], capsys, monkeypatch, ui
        )
        assert code == 0 and not out.exists()
        texts[ui] = said
        assert "Person - Marketing status → consent" in said
        assert "Person - Won deals → purchases" in said
    assert "Stay unknown (no column for them): channel, content, conversation" in texts["en"]
    assert "Restano sconosciuti" in texts["it"] and "Quedan desconocidos" in texts["es"]
    assert "Restent inconnus" in texts["fr"] and "Ficam desconhecidos" in texts["pt"]
    assert len(set(texts.values())) == 5


# --- --excel ---------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "delimiter"), [("en", ","), ("it", ";"), ("fr", ";")])
def test_excel_output(
    lang: str,
    delimiter: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = ROOT / "examples" / "crm" / "hubspot.csv"
    out = tmp_path / "out.csv"
    args = ["batch", str(source), "-o", str(out), "--excel", "--lang", lang]
    code, _, err = run(args, capsys, monkeypatch, "en")
    assert code == 0, err
    data = out.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = rows[0]
    stage_at = header.index("stage")
    assert header[stage_at + 1] == {"en": "Stage", "it": "Stadio", "fr": "Étape"}[lang]
    action_at = header.index("next_action")
    for row in rows[1:]:
        assert row[stage_at + 1] == label("stage", row[stage_at], lang)
        assert row[action_at + 1] == label("next_action", row[action_at], lang)


# --- Files that cannot be used -----------------------------------------------------

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        (OLE + "Workbook".encode("utf-16-le"), "old_xls", "Excel 97-2003"),
        (OLE + "EncryptionInfo".encode("utf-16-le"), "encrypted", "password"),
        (b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", "not_table", "is not a table"),
        (b"PK\x03\x04 not a workbook", "not_table", "is not a table"),
        (b"Cliente,Importo,Data\nRossi,12,2025-01-01\n", "unknown_header", "Columns read"),
        (
            b"Record ID,Email,Email,Lifecycle Stage\n1,a@x.com,b@x.com,lead\n",
            "duplicate_column",
            "more than once",
        ),
        (
            b"Lead ID,Email,Lead Status,Rating\n1,a@x.com,Open - Not Contacted,Hot\n\n"
            b"Grand Total (1 record)\n",
            "footer",
            "footer",
        ),
        (b"id,budget\n1,caf\x81\n", "unknown_encoding", "Windows-1252"),
    ],
)
def test_unusable_files_exit_2_in_the_users_language_and_write_nothing(
    content: bytes,
    code: str,
    words: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "export.csv"
    source.write_bytes(content)
    with pytest.raises(CrmFileError) as caught:
        prepare(content, name="export.csv")
    assert caught.value.code == code
    out = tmp_path / "out.csv"
    status, _, err = run(["batch", str(source), "-o", str(out)], capsys, monkeypatch, "en")
    assert status == 2 and words in err and err.startswith("funnel-coach: ")
    assert not out.exists() and not list(tmp_path.glob(".funnel-coach-*"))
    for ui in ("it", "es", "fr", "pt"):
        status, _, said = run(["batch", str(source), "-o", str(out)], capsys, monkeypatch, ui)
        assert status == 2 and said != err and str(source) in said


def test_an_unknown_header_lists_the_columns_and_the_closest_presets() -> None:
    data = b"Person - Nome,Person - E-mail,Stato marketing\nA,a@x.com,Iscritto\n"
    with pytest.raises(CrmFileError) as caught:
        prepare(data, name="export.csv")
    message = caught.value.message("en")
    assert "“Person - Nome”, “Person - E-mail”, “Stato marketing”" in message
    assert "Pipedrive (--preset pipedrive)" in message
    assert "Pipedrive (--preset pipedrive)" in caught.value.message("pt")


def test_an_xlsx_report_with_a_totals_row_is_refused(tmp_path: Path) -> None:
    rows = [HEADER, *BODY, ["Total", "3", "", "", "", ""]]
    path = tmp_path / "report.xlsx"
    path.write_bytes(examples.xlsx_bytes(rows))
    with pytest.raises(CrmFileError) as caught:
        prepare(str(path))
    assert caught.value.code == "footer" and "“Total 3”" in caught.value.message("en")
    assert "piè di pagina" in caught.value.message("it")


def test_a_contact_whose_first_cell_says_total_is_not_a_footer() -> None:
    # "Totale Srl" is a company: the row has as many cells as a contact.
    data = b"Company Name,Record ID,Email,Lifecycle Stage\nTotale Srl,1,a@x.it,lead\n"
    imported = prepare(data, name="ok.csv")
    assert classify_prepared(imported.prepared).frame.get_column("stage").to_list() == ["lead"]
