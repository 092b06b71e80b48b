"""`funnel-coach batch` and `classify_csv` on the files a sales team really has:
BOMs, CRLF, semicolons, ragged rows, wrong types, formulas, empty and binary files."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT

from classifier import (
    NEXT_ACTIONS,
    STAGES,
    BatchFileError,
    BatchResult,
    ProfileError,
    UnknownModelError,
    UnsupportedLanguageError,
    classify,
    classify_csv,
    label,
    parse_profile,
    parse_text_value,
)
from classifier._cli import main
from classifier._csvio import neutralize_text

VERDICT = ["stage", "phase", "temperature", "out_of_target", "score", "next_action", "missing"]
VERDICT_ALL = [*VERDICT, "error"]


def read_csv(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def as_dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


class Run:
    def __init__(self, code: int, out: Path, err: str) -> None:
        self.code = code
        self.out = out
        self.err = err

    @property
    def data(self) -> bytes:
        return self.out.read_bytes()

    @property
    def rows(self) -> list[list[str]]:
        return read_csv(self.data)

    @property
    def dicts(self) -> list[dict[str, str]]:
        return as_dicts(self.rows)


Runner = Callable[..., Run]
Capture = pytest.CaptureFixture[str]


@pytest.fixture
def batch(tmp_path: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> Runner:
    """Run `funnel-coach batch` in process on `content`; the interface in `ui`."""

    def run(content: bytes | str, *args: str, ui: str = "en") -> Run:
        for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
            monkeypatch.delenv(var, raising=False)
        monkeypatch.setenv("LANGUAGE", ui)
        source = tmp_path / "in.csv"
        source.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        out = tmp_path / "out.csv"
        if out.exists():
            out.unlink()
        capsys.readouterr()
        code = main(["batch", str(source), "-o", str(out), *args])
        err = capsys.readouterr().err
        assert "Traceback" not in err
        return Run(code, out, err)

    return run


def verdict_of(profile: dict[str, object], model: str = "funnel") -> list[str]:
    """The verdict columns as the CSV writes them, from `classify()`."""
    v = classify(profile, model=model)
    missing = "; ".join(label("criterion", m.id) for m in v.missing)
    return [
        v.stage,
        v.phase,
        v.temperature or "",
        "true" if v.out_of_target else "false",
        str(v.score),
        v.next_action.id,
        missing,
    ]


# --- Formats ---------------------------------------------------------------------


def test_bom_crlf_semicolons_and_case_insensitive_padded_headers(batch: Runner) -> None:
    content = (
        "\ufeffId; Name ;BUDGET; Identified ;CONSENT;In_Target;intent;Notes\r\n"
        "1;Ana Souza;Yes;TRUE;Single;1;HIGH;liga às 9h\r\n"
        "2;Bruno Lima;;no;;;;\r\n"
    )
    run = batch(content)
    assert run.code == 0, run.err
    assert run.data.startswith(b"\xef\xbb\xbf")  # the BOM is kept for spreadsheets
    assert b"\r\n" not in run.data
    rows = run.rows
    header = ["Id", " Name ", "BUDGET", " Identified ", "CONSENT", "In_Target", "intent", "Notes"]
    assert rows[0] == [*header, *VERDICT_ALL]
    first, second = rows[1], rows[2]
    assert first[:8] == ["1", "Ana Souza", "Yes", "TRUE", "Single", "1", "HIGH", "liga às 9h"]
    profile = {"budget": True, "identified": True, "consent": "single", "in_target": True}
    expected = verdict_of({**profile, "intent": "high"})
    assert first[8:] == [*expected, ""]
    assert first[8] == "prospect" and first[10] == "hot"
    assert second[8:] == [*verdict_of({"identified": False}), ""]


def test_comma_file_and_quoted_cells(batch: Runner) -> None:
    content = (
        "id,name,company,interactions,notes\n"
        '7,"Rossi, Mario","Ferramenta ""Il Chiodo"" Srl",3,"two\nlines; and, commas"\n'
    )
    run = batch(content)
    assert run.code == 0
    [row] = run.dicts
    assert row["name"] == "Rossi, Mario"
    assert row["company"] == 'Ferramenta "Il Chiodo" Srl'
    assert row["notes"] == "two\nlines; and, commas"
    assert row["stage"] == "visitor" and row["next_action"] == "capture"
    assert row["missing"] == "identity" and row["temperature"] == "" and row["error"] == ""


def test_unknown_columns_are_passed_through_unchanged(batch: Runner) -> None:
    content = "owner,id,interactions,Lead Source,x\nGiulia,A-1,2,Fiera di Milano, 007 \n"
    run = batch(content)
    assert run.code == 0
    assert run.rows[0][:5] == ["owner", "id", "interactions", "Lead Source", "x"]
    assert run.rows[1][:5] == ["Giulia", "A-1", "2", "Fiera di Milano", " 007 "]


def test_a_column_named_like_a_verdict_column_is_kept(batch: Runner) -> None:
    run = batch("id,stage,purchases\n1,Won,2\n")
    assert run.rows[0] == ["id", "stage", "purchases", *VERDICT_ALL]
    assert run.rows[1][:4] == ["1", "Won", "2", "customer"]
    result = classify_csv(b"id,stage,purchases\n1,Won,2\n")
    assert result.frame["stage_2"].to_list() == ["Won"]
    assert result.frame["stage"].to_list() == ["customer"]


def test_repeated_and_blank_column_names_are_kept(batch: Runner) -> None:
    content = "note,id,,note,__row,budget\na,1,b,c,d,yes\n"
    run = batch(content)
    assert run.code == 0
    assert run.rows[0] == ["note", "id", "", "note", "__row", "budget", *VERDICT_ALL]
    assert run.rows[1][:6] == ["a", "1", "b", "c", "d", "yes"]
    frame = classify_csv(content.encode()).frame
    assert frame.columns[:6] == ["note", "id", "column_3", "note_2", "__row_2", "budget"]


def test_leading_and_inner_blank_lines_are_skipped_row_numbers_stay_true(batch: Runner) -> None:
    content = "\n\nid,budget\n1,yes\n\n2,perhaps\n,\n3,no\n\n"
    run = batch(content)
    assert run.code == 1
    assert [r["id"] for r in run.dicts] == ["1", "2", "3"]
    # Row numbers count as a spreadsheet does: blank lines 1-2, header 3, "2,perhaps" is 6.
    assert "row 6;" in run.err
    result = classify_csv(content.encode())
    assert [row for row, _ in result.rejected] == [6]
    assert result.total == 3


# --- Ragged rows -------------------------------------------------------------------


def test_a_short_row_reads_its_missing_cells_as_unknown(batch: Runner) -> None:
    run = batch("id,identified,consent,in_target,notes\n1,true\n2,true,single,true,ok\n")
    assert run.code == 0
    first, second = run.dicts
    assert first["consent"] == "" and first["notes"] == ""
    assert [first[k] for k in VERDICT] == verdict_of({"identified": True})
    assert [second[k] for k in VERDICT] == verdict_of(
        {"identified": True, "consent": "single", "in_target": True}
    )


def test_a_long_row_is_rejected_naming_the_extra_cell(batch: Runner) -> None:
    content = "id,name,budget,identified\n1,Rossi, Mario,true,true\n2,Ana,true,true,,\n"
    run = batch(content)
    assert run.code == 1
    first, second = run.rows[1], run.rows[2]
    # The row keeps its cells (as many as the header has) and explains itself.
    assert first[:4] == ["1", "Rossi", " Mario", "true"]
    assert all(cell == "" for cell in first[4:11])
    assert "4" in first[11] and '"true"' in first[11] and "double quotes" in first[11]
    # Empty extra cells (a trailing delimiter) are not an error.
    assert second[4] == "lead" and second[11] == ""


# --- Cells that break the contract --------------------------------------------------


def test_wrong_types_name_the_field_the_value_and_the_allowed_values(batch: Runner) -> None:
    content = (
        "id,budget,interactions,consent,purchases\n"
        "1,maybe,3,single,\n"
        "2,,-2,,\n"
        "3,,,sometimes,\n"
        "4,,,,1.5\n"
        "5,true,4,double,0\n"
    )
    run = batch(content)
    assert run.code == 1
    rows = run.dicts
    errors = [row["error"] for row in rows]
    assert "budget" in errors[0] and '"maybe"' in errors[0] and "yes, no, 1, 0" in errors[0]
    assert "interactions" in errors[1] and '"-2"' in errors[1] and "negative" in errors[1]
    assert "consent" in errors[2] and "sometimes" in errors[2]
    assert "none, single, double, withdrawn" in errors[2]
    assert "purchases" in errors[3] and '"1.5"' in errors[3]
    assert errors[4] == "" and rows[4]["stage"] == "lead"
    for row in rows[:4]:
        assert all(row[k] == "" for k in VERDICT)  # no verdict for a rejected row
    assert [row["id"] for row in rows] == ["1", "2", "3", "4", "5"]  # data kept, in order
    assert "rows 2, 3, 4, 5; see their error column" in run.err


def test_errors_are_worded_as_the_single_profile_path_words_them(batch: Runner) -> None:
    run = batch("budget,consent\nmaybe,sometimes\n", "--lang", "it")
    [row] = run.dicts
    with pytest.raises(ProfileError) as caught:
        parse_profile({"budget": "maybe", "consent": "sometimes"})
    assert row["error"].startswith("Il campo “budget”")
    assert "“consent”" in row["error"]
    # Both problems, in column order, as `parse_text_value` reports them for text.
    problems = [parse_text_value("budget", "maybe")[1], parse_text_value("consent", "sometimes")[1]]
    assert row["error"] == ProfileError([p for p in problems if p]).message("it")
    # The consent problem reads as it does for a JSON profile.
    with pytest.raises(ProfileError) as caught:
        parse_profile({"consent": "sometimes"})
    assert row["error"].endswith(caught.value.message("it"))


@pytest.mark.parametrize(
    ("cells", "fields"),
    [
        ("false,single,,", ("identified", "consent")),
        ("false,,true,", ("identified", "conversation")),
        (",,,0", ("interactions",)),
    ],
)
def test_contradictions_are_errors(batch: Runner, cells: str, fields: tuple[str, ...]) -> None:
    run = batch(f"identified,consent,conversation,interactions,content\n{cells},2\n")
    assert run.code == 1
    [row] = run.dicts
    assert row["stage"] == ""
    for field in fields:
        assert f"“{field}”" in row["error"]


# --- Unusable files ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "is empty"),
        (b"\xef\xbb\xbf", "is empty"),
        (b"\r\n\n  \n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a table"),
        (b"PK\x03\x04\x14\x00\x06\x00", "is not a table"),
        (b"id,budget\n1,caf\x81\n", "neither UTF-8 nor UTF-16 nor Windows-1252"),
        (b"3,true,single\n4,false,none\n", "Columns read: “3”, “true”, “single”"),
        (b"budget,Budget \n1,2\n", "appears more than once"),
    ],
)
def test_an_unusable_file_exits_2_with_a_message_and_writes_nothing(
    batch: Runner, content: bytes, words: str
) -> None:
    run = batch(content)
    assert run.code == 2
    assert words in run.err and run.err.startswith("funnel-coach: ")
    assert not run.out.exists()


def test_bad_bytes_far_into_the_file_exit_2_and_leave_no_output(
    batch: Runner, tmp_path: Path
) -> None:
    # UTF-8 accents near the top, a Windows-1252 "é" far below: two encodings in one file.
    good = "id,name,interactions\n" + "".join(f"{i},Zoë Müller,{i % 7}\n" for i in range(200_000))
    existing = tmp_path / "out.csv"
    run = batch(good.encode() + b"999,caf\xe9,1\n")
    assert run.code == 2 and "mixes two encodings" in run.err
    assert not existing.exists()
    assert not list(tmp_path.glob(".funnel-coach-*"))  # no temporary file left behind


def test_a_missing_file_and_an_unwritable_output_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["batch", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "o.csv")]) == 2
    assert "Cannot read" in capsys.readouterr().err
    source = tmp_path / "in.csv"
    source.write_text("budget\ntrue\n", encoding="utf-8")
    assert main(["batch", str(source), "-o", str(tmp_path / "no" / "dir" / "o.csv")]) == 2
    assert "Cannot write" in capsys.readouterr().err


def test_header_only_gives_the_header_and_the_verdict_columns(batch: Runner) -> None:
    run = batch("id;name;budget\r\n")
    assert run.code == 0
    assert run.data == b"id;name;budget;" + ";".join(VERDICT_ALL).encode() + b"\n"
    assert "Total" in run.err and "0 rows classified" in run.err


@pytest.mark.parametrize(
    "args", [["--model", "meddic"], ["--lang", "de"], ["--rules", "/no/such/rules.toml"], []]
)
def test_bad_options_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("budget\ntrue\n", encoding="utf-8")
    argv = ["batch", str(source), *args] if args else ["batch", str(source)]  # no -o: usage
    if args:
        argv += ["-o", str(tmp_path / "o.csv")]
    assert main(argv) == 2
    assert "Traceback" not in capsys.readouterr().err


# --- Spreadsheet safety --------------------------------------------------------------


def test_formulas_are_neutralized_in_the_output(batch: Runner) -> None:
    content = (
        "=HEADER,id,budget,note,phone,amount\n"
        '=1+1,@SUM(A1),yes,"=HYPERLINK(""http://x"")",+39 333 1234567,-12.5\n'
        'plain,"\tindent",=cmd|calc,-x,+1,1e3\n'
    )
    run = batch(content)
    rows = run.rows
    assert rows[0][0] == "'=HEADER"
    first, second = rows[1], rows[2]
    assert first[:6] == [
        "'=1+1",
        "'@SUM(A1)",
        "yes",
        '\'=HYPERLINK("http://x")',
        "+39 333 1234567",  # a phone number goes back into the CRM as it came
        "-12.5",  # a plain number is left alone
    ]
    assert second[:6] == ["plain", "'\tindent", "'=cmd|calc", "'-x", "+1", "1e3"]
    assert "budget" in second[-1] and second[-1][0] not in "=+-@"
    # The frame keeps the cells as read; only the CSV is neutralized.
    result = classify_csv(content.encode())
    assert result.frame["id"].to_list() == ["@SUM(A1)", "\tindent"]
    assert b"'@SUM(A1)" in result.csv


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1", "'=1"),
        ("+1", "+1"),
        ("-1,5", "-1,5"),
        ("+.5e-3", "+.5e-3"),
        ("-", "'-"),
        ("+ 1", "'+ 1"),
        ("+1 (555) 010-0199", "+1 (555) 010-0199"),
        ("+33 1 23 45 67 89", "+33 1 23 45 67 89"),
        ("+39 02/1234.567", "+39 02/1234.567"),
        ("+39 333 1234567 ", "'+39 333 1234567 "),
        ("+39 333\n", "'+39 333\n"),
        ("+1 A1", "'+1 A1"),
        ("+1+SUM(A1)", "'+1+SUM(A1)"),
        ("-1-1", "'-1-1"),
        ("\uff0b39 333", "'\uff0b39 333"),
        ("@x", "'@x"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        ("", ""),
    ],
)
def test_neutralize_text(cell: str, safe: str) -> None:
    assert neutralize_text(cell) == safe


# --- Options -------------------------------------------------------------------------


def test_rules_option_uses_a_team_rulebook(batch: Runner, tmp_path: Path) -> None:
    out = io.StringIO()
    main(["rules"], stdout=out)
    capacity = (
        '  {field = "budget", is = true},\n'
        '  {field = "authority", is = true},\n'
        '  {field = "need", in = ["clear"]},\n]}'
    )
    text = out.getvalue().replace(capacity, '  {field = "need", in = ["clear"]},\n]}', 1)
    rules = tmp_path / "team.toml"
    rules.write_text(text, encoding="utf-8")
    content = "identified,consent,in_target,budget,intent\ntrue,single,true,true,high\n"
    assert batch(content).dicts[0]["stage"] == "prospect"
    team = batch(content, "--rules", str(rules))
    assert team.code == 0 and team.dicts[0]["stage"] == "lead"
    assert team.dicts[0]["missing"] == "capacity"
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace("[criteria.fit]", "[criteria.fit]\nbogus = 1"), encoding="utf-8")
    run = batch(content, "--rules", str(broken))
    assert run.code == 2 and "criteria.fit.bogus" in run.err


def test_lang_sets_the_missing_and_error_columns(batch: Runner) -> None:
    run = batch("identified,consent,budget\ntrue,,\n,,forse\n", "--lang", "it", "--model", "bant")
    lead, bad = run.dicts
    assert lead["stage"] == "lead"
    v = classify({"identified": True}, model="bant", lang="it")
    assert lead["missing"] == "; ".join(label("criterion", m.id, "it") for m in v.missing)
    assert lead["missing"] == "target; consenso; BANT"
    assert bad["error"].startswith("Il campo “budget”") and '"forse"' in bad["error"]
    assert lead["next_action"] == "qualify"  # ids stay machine ids in every language


def test_summary_goes_to_stderr_in_the_interface_language(batch: Runner) -> None:
    content = "id,purchases,identified,budget\n1,2,,\n2,,true,\n3,,,nope\n4,,,\n"
    run = batch(content, ui="it")
    assert run.code == 1
    lines = run.err.splitlines()
    assert lines[0].startswith("3 righe classificate con il modello")
    table = {line.split()[0]: line.split()[1] for line in lines[1:]}
    assert table[label("stage", "customer", "it")] == "1"
    assert table[label("stage", "lead", "it")] == "1"
    assert table[label("stage", "stranger", "it")] == "1"
    assert table["Scartate"] == "1" and table["Totale"] == "4"
    assert "riga 4" in run.err
    english = batch(content)
    assert english.err.splitlines()[0].startswith("3 rows classified with the Funnel model")
    assert english.data == run.data  # the interface language never changes the file


SUMMARIES = {
    # lang: (title, customer, rejected, total, "row 4")
    "en": (
        "3 rows classified with the Funnel model into",
        "Customer",
        "Rejected",
        "Total",
        "row 4",
    ),
    "it": (
        "3 righe classificate con il modello Funnel in",
        "Cliente",
        "Scartate",
        "Totale",
        "riga 4",
    ),
    "es": (
        "3 filas clasificadas con el modelo Embudo en",
        "Cliente",
        "Rechazadas",
        "Total",
        "fila 4",
    ),
    "fr": (
        "3 lignes classées avec le modèle Tunnel de vente dans",
        "Client",
        "Rejetées",
        "Total",
        "ligne 4",
    ),
    "pt": (
        "3 linhas classificadas com o modelo Funil em",
        "Cliente",
        "Rejeitadas",
        "Total",
        "linha 4",
    ),
}


@pytest.mark.parametrize("lang", sorted(SUMMARIES))
@pytest.mark.parametrize("ui", ["en", "it"])
def test_lang_sets_the_summary_language_whatever_the_interface(
    batch: Runner, lang: str, ui: str
) -> None:
    content = "id,purchases,identified,budget\n1,2,,\n2,,true,\n3,,,nope\n4,,,\n"
    run = batch(content, "--lang", lang, ui=ui)
    assert run.code == 1
    title, customer, rejected, total, row = SUMMARIES[lang]
    lines = run.err.splitlines()
    assert lines[0].startswith(title), lines[0]
    table = {line.rsplit(None, 1)[0].split("(")[0].strip(): line for line in lines[1:]}
    assert customer in table and rejected in run.err and total in table, lines
    assert row in run.err


def test_lang_sets_the_language_of_file_errors(
    batch: Runner, tmp_path: Path, capsys: Capture
) -> None:
    run = batch("", "--lang", "pt", ui="it")
    assert run.code == 2 and "está vazio" in run.err, run.err
    missing = tmp_path / "nowhere.csv"
    code = main(["batch", str(missing), "-o", str(tmp_path / "o.csv"), "--lang", "es"])
    err = capsys.readouterr().err
    assert code == 2
    assert err == f"funnel-coach: No se puede leer {missing}: el archivo no existe.\n"


def test_a_misspelt_field_column_gets_a_warning(batch: Runner) -> None:
    run = batch("id,budjet,identified\n1,true,true\n")
    assert run.code == 0
    assert "“budjet”" in run.err and "“budget”" in run.err
    assert run.dicts[0]["budjet"] == "true"


# --- The public API ------------------------------------------------------------------


def test_classify_csv_returns_frame_csv_counts_and_rejections() -> None:
    data = (
        "id;name;identified;consent;in_target;budget;intent;purchases\r\n"
        "1;Ana;yes;single;true;true;high;\r\n"
        "2;=Bruno;;;;;;\r\n"
        "3;Carla;maybe;single;true;;;\r\n"
        "4;Dora;1;double;1;;;2\r\n"
    ).encode("utf-8-sig")
    progress: list[float] = []
    result = classify_csv(data, lang="pt", progress=progress.append)
    assert isinstance(result, BatchResult)
    assert result.total == 4 and result.classified == 3
    assert result.frame.columns == [
        "id",
        "name",
        "identified",
        "consent",
        "in_target",
        "budget",
        "intent",
        "purchases",
        *VERDICT_ALL,
    ]
    assert result.frame["stage"].to_list() == ["prospect", "stranger", None, "customer"]
    assert result.frame["name"].to_list()[1] == "=Bruno"
    assert list(result.stage_counts) == list(STAGES)
    assert result.stage_counts == {
        "stranger": 1,
        "visitor": 0,
        "lead": 0,
        "prospect": 1,
        "customer": 1,
    }
    assert list(result.next_action_counts) == list(NEXT_ACTIONS)
    assert result.next_action_counts["propose"] == 1
    assert result.next_action_counts["reward_loyalty"] == 1
    assert sum(result.next_action_counts.values()) == 3
    [(row, error)] = result.rejected
    assert row == 4 and "identified" in error and '"maybe"' in error
    assert progress and progress[-1] == 1.0 and progress == sorted(progress)
    rows = read_csv(result.csv)
    assert result.csv.startswith(b"\xef\xbb\xbf") and rows[2][1] == "'=Bruno"
    assert len(rows) == 5


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"", "empty"), (b"\x00\x01\x02", "not_utf8"), (b"a,b\n1,2\n", "no_header")],
)
def test_classify_csv_raises_batch_file_error(data: bytes, code: str) -> None:
    with pytest.raises(BatchFileError) as caught:
        classify_csv(data)
    assert caught.value.code == code
    assert caught.value.message("en")[0].isupper()
    assert caught.value.message("fr") != caught.value.message("en")
    with pytest.raises(BatchFileError) as named:
        classify_csv(data, name="crm.csv")
    assert "crm.csv" in named.value.message("es")


def test_classify_csv_checks_its_options() -> None:
    with pytest.raises(UnknownModelError):
        classify_csv(b"budget\ntrue\n", model="meddic")
    with pytest.raises(UnsupportedLanguageError):
        classify_csv(b"budget\ntrue\n", lang="de")


def test_the_command_line_writes_what_the_api_returns(
    tmp_path: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGUAGE", "en")
    # Large enough for several batches; both paths build the same query.
    lines = ["id,interactions,identified,consent,in_target,budget,intent,price_only,notes"]
    spellings = ["", "true", "false", "yes", "0", "maybe"]
    for i in range(60_000):
        lines.append(
            f"{i},{i % 6},{spellings[i % 5]},{['', 'single', 'none'][i % 3]},"
            f"{spellings[i % 4]},{spellings[i % 6]},{['', 'high', 'low'][i % 3]},"
            f"{spellings[(i // 7) % 3]},=n{i}"
        )
    data = ("\n".join(lines) + "\n").encode()
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(data)
    capsys.readouterr()
    assert main(["batch", str(source), "-o", str(target)]) == 1
    err = capsys.readouterr().err
    result = classify_csv(data)
    assert target.read_bytes() == result.csv
    assert 0 < len(result.rejected) < 60_000
    first = ", ".join(str(row) for row, _ in result.rejected[:10])
    assert f"rows {first}, …; see their error column" in err
    for stage, n in result.stage_counts.items():
        assert f"{label('stage', stage)} " in err and f" {n:,}" in err


def test_import_classifier_does_not_import_polars() -> None:
    code = "import sys, classifier; assert 'polars' not in sys.modules, 'polars imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=60)


# --- The sample file and the real program -----------------------------------------------


def test_the_sample_contacts_classify_without_errors_and_cover_every_stage() -> None:
    data = (ROOT / "examples" / "contacts.csv").read_bytes()
    result = classify_csv(data)
    assert result.total == 200 and result.rejected == ()
    assert all(n > 0 for n in result.stage_counts.values()), result.stage_counts
    frame = result.frame
    assert frame.columns[:3] == ["id", "name", "company"]
    assert set(frame.filter(frame["stage"] == "prospect")["temperature"]) == {"hot", "cold"}
    actions = result.next_action_counts
    for action in ("deprioritize", "respect_opt_out", "ask_permission", "nurture", "propose"):
        assert actions[action] > 0, action
    assert (frame["price_only"].str.to_lowercase() == "true").sum() > 0
    assert (frame["consent"] == "withdrawn").sum() > 0
    assert frame["budget"].null_count() > 20  # unknown cells are part of real exports
    assert frame["name"].n_unique() == 200


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env.update(extra)
    return env


def test_the_real_program(tmp_path: Path) -> None:
    exe = str(Path(sys.executable).with_name("funnel-coach"))
    target = tmp_path / "classified.csv"
    done = subprocess.run(
        [exe, "batch", str(ROOT / "examples" / "contacts.csv"), "-o", str(target)],
        capture_output=True,
        text=True,
        env=_env(LANG="fr_FR.UTF-8"),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("200 lignes classées")
    sample = (ROOT / "examples" / "contacts.csv").read_bytes()
    assert target.read_bytes() == classify_csv(sample).csv
    helped = subprocess.run(
        [sys.executable, "-m", "classifier", "batch", "--help"],
        capture_output=True,
        text=True,
        env=_env(LANG="es_ES.UTF-8"),
        timeout=60,
    )
    assert helped.returncode == 0 and "OUT.csv" in helped.stdout
    assert "la exportación que clasificar (.csv, .txt o .xlsx)" in helped.stdout
