"""The command line on good and bad input, in process and as a real program."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, load_examples

from classifier._cli import main, ui_language

PROSPECT = {
    "identified": True,
    "consent": "single",
    "in_target": True,
    "budget": True,
    "intent": "high",
}


def run(argv: list[str], stdin: str = "") -> tuple[int, list[dict[str, object]]]:
    out = io.StringIO()
    code = main(argv, stdin=io.StringIO(stdin), stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    return code, lines


def test_every_example_through_the_command_line() -> None:
    examples = load_examples()
    models = list(dict.fromkeys(str(e["model"]) for e in examples))
    ordered, lines = [], []
    for model in models:
        group = [e for e in examples if e["model"] == model]
        text = "".join(json.dumps(e["profile"]) + "\n" for e in group)
        code, got = run(["classify", "--model", model], text)
        rejected = any(e["expected"].get("error") for e in group)
        assert code == (1 if rejected else 0)  # the funnel examples include two contradictions
        ordered += group
        lines += got
    examples = ordered
    assert len(lines) == len(examples)
    for example, line in zip(examples, lines, strict=True):
        expected = example["expected"]
        if expected.get("error"):
            assert set(line) == {"error"}
            assert set(line["error"]) == {"code", "message", "fields"}  # type: ignore[arg-type]
        else:
            assert line["stage"] == expected["stage"]
            assert line["score"] == expected["score"]
            assert line["next_action"]["id"] == expected["next_action"]  # type: ignore[index]


def test_verdict_has_the_contract_keys_in_order() -> None:
    code, [line] = run(["classify", "--lang", "it"], '{"identified": true}\n')
    assert code == 0
    assert list(line) == [
        "stage",
        "phase",
        "temperature",
        "out_of_target",
        "model",
        "lang",
        "score",
        "fit",
        "engagement",
        "criteria",
        "missing",
        "next_action",
        "summary",
    ]
    assert line["lang"] == "it" and line["model"] == "funnel"


BAD_LINES = [
    ("[1, 2]", "not_object", []),
    ('"text"', "not_object", []),
    ("{not json", "invalid_json", []),
    ('{"budget": "yes"}', "not_bool", ["budget"]),
    ('{"interactions": "3"}', "not_count", ["interactions"]),
    ('{"consent": "maybe"}', "not_allowed", ["consent"]),
    ('{"need": "urgent"}', "not_allowed", ["need"]),
    ('{"purchases": -1}', "negative", ["purchases"]),
    ('{"name": "' + "n" * 201 + '"}', "too_long", ["name"]),
    ('{"budjet": true}', "unknown_field_suggest", ["budjet"]),
    (
        '{"identified": false, "conversation": true}',
        "contradiction_identified",
        ["identified", "conversation"],
    ),
]


@pytest.mark.parametrize(
    ("line", "code", "fields"), BAD_LINES, ids=[b[1] + str(i) for i, b in enumerate(BAD_LINES)]
)
def test_a_bad_line_gets_an_error_and_the_next_line_is_classified(
    line: str, code: str, fields: list[str]
) -> None:
    status, out = run(["classify", "--lang", "es"], line + '\n{"interactions": 2}\n')
    assert status == 1
    assert len(out) == 2
    error = out[0]["error"]
    assert error["code"] == code  # type: ignore[index]
    assert error["fields"] == fields  # type: ignore[index]
    assert error["message"]  # type: ignore[index]
    assert out[1]["stage"] == "visitor"


def test_errors_are_localized() -> None:
    _, [en] = run(["classify"], '{"consent": "maybe"}\n')
    _, [fr] = run(["classify", "--lang", "fr"], '{"consent": "maybe"}\n')
    assert en["error"]["message"] != fr["error"]["message"]  # type: ignore[index]


def test_one_pretty_printed_object_is_one_profile() -> None:
    code, lines = run(["classify"], '{\n  "identified": true,\n  "consent": "double"\n}\n')
    assert code == 0 and len(lines) == 1 and lines[0]["stage"] == "lead"


def test_blank_lines_are_skipped() -> None:
    code, lines = run(["classify"], '{"interactions": 1}\n\n   \n{"purchases": 1}\n')
    assert code == 0 and [line["stage"] for line in lines] == ["visitor", "customer"]


def test_file_argument_and_dash(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"purchases": 2}\n', encoding="utf-8")
    assert run(["classify", str(path)])[1][0]["next_action"]["id"] == "reward_loyalty"  # type: ignore[index]
    assert run(["classify", "-"], '{"purchases": 1}')[1][0]["stage"] == "customer"


@pytest.mark.parametrize(
    "argv",
    [
        ["classify", "--model", "nope"],
        ["classify", "--lang", "de"],
        ["classify", "/no/such/file.jsonl"],
        ["classify", "--rules", "/no/such/rules.toml"],
        ["nope"],
        [],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(argv, '{"identified": true}\n')
    assert code == 2 and lines == []
    err = capsys.readouterr().err
    assert err and "Traceback" not in err


def test_unknown_language_is_an_error_not_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(["classify", "--lang", "de"], "{}\n")
    assert code == 2
    err = capsys.readouterr().err
    assert "de" in err and "it" in err and "pt" in err


def test_models_and_rules_commands(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert main(["models", "--lang", "pt"], stdout=out) == 0
    assert [line.split("\t")[0] for line in out.getvalue().splitlines()] == [
        "funnel",
        "bant",
        "anum",
        "champ",
        "faint",
        "score",
    ]
    out = io.StringIO()
    assert main(["rules"], stdout=out) == 0
    assert "[criteria.fit]" in out.getvalue()


def test_rules_option_uses_a_team_rulebook(tmp_path: Path) -> None:
    out = io.StringIO()
    main(["rules"], stdout=out)
    # A team that asks for a clear need only: budget and authority no longer give capacity.
    capacity = (
        '  {field = "budget", is = true},\n'
        '  {field = "authority", is = true},\n'
        '  {field = "need", in = ["clear"]},\n]}'
    )
    text = out.getvalue().replace(capacity, '  {field = "need", in = ["clear"]},\n]}', 1)
    assert text != out.getvalue()
    rules = tmp_path / "rules.toml"
    rules.write_text(text, encoding="utf-8")
    profile = json.dumps(PROSPECT) + "\n"
    assert run(["classify"], profile)[1][0]["stage"] == "prospect"
    assert run(["classify", "--rules", str(rules)], profile)[1][0]["stage"] == "lead"


def test_a_broken_rulebook_names_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = io.StringIO()
    main(["rules"], stdout=out)
    rules = tmp_path / "rules.toml"
    rules.write_text(
        out.getvalue().replace(
            'field = "in_target", is = true}', 'field = "in_targett", is = true}', 1
        ),
        encoding="utf-8",
    )
    code, _ = run(["classify", "--rules", str(rules)], "{}\n")
    assert code == 2
    err = capsys.readouterr().err
    assert "criteria.fit.test.field" in err and "in_target" in err


def test_interface_language_comes_from_the_environment() -> None:
    assert ui_language({"LANG": "it_IT.UTF-8"}) == "it"
    assert ui_language({"LANGUAGE": "de:fr", "LANG": "en_US.UTF-8"}) == "fr"
    assert ui_language({"LC_ALL": "pt_BR.UTF-8"}) == "pt"
    assert ui_language({"LANG": "C.UTF-8"}) == "en"
    assert ui_language({}) == "en"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env.update(extra)
    return env


@pytest.mark.parametrize("program", [["funnel-coach"], [sys.executable, "-m", "classifier"]])
def test_the_real_program(program: list[str]) -> None:
    exe = program
    if program == ["funnel-coach"]:
        exe = [str(Path(sys.executable).with_name("funnel-coach"))]
    done = subprocess.run(
        [*exe, "classify", "--lang", "pt"],
        input=json.dumps(PROSPECT) + '\n{"budget": 3}\n',
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["stage"] == "prospect" and first["temperature"] == "hot"
    assert second["error"]["fields"] == ["budget"]
    assert done.stderr == ""


def test_help_is_localized() -> None:
    exe = str(Path(sys.executable).with_name("funnel-coach"))

    def help_in(locale: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [exe, "classify", "--help"],
            capture_output=True,
            text=True,
            env=_env(LANG=locale),
            timeout=60,
        )

    en = help_in("C.UTF-8")
    it = help_in("it_IT.UTF-8")
    assert en.returncode == 0 and it.returncode == 0
    assert "--model" in en.stdout and "--model" in it.stdout
    assert "usage:" in en.stdout and "usage:" not in it.stdout


@pytest.mark.parametrize(
    ("ui", "expected"),
    [
        ("en", "Cannot read {path}: it is a folder, not a file."),
        ("it", "Impossibile leggere {path}: è una cartella, non un file."),
        ("fr", "Impossible de lire {path}\u00a0: c'est un dossier, pas un fichier."),
    ],
)
def test_operating_system_errors_speak_the_interface_language(
    ui: str,
    expected: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANGUAGE", ui)
    assert main(["classify", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"funnel-coach: {expected.format(path=tmp_path)}\n"


@pytest.mark.parametrize("port", ["abc", "0", "70000", "-1"])
def test_a_bad_port_is_explained_in_the_interface_language(
    port: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANGUAGE", "es")
    assert main(["serve", "--port", port]) == 2
    err = capsys.readouterr().err
    assert f"«{port}» no es un número de puerto" in err and "65535" in err
    assert "invalid" not in err


@pytest.mark.parametrize("lang", ["en", "it", "es", "fr", "pt"])
def test_fields_lists_every_field_with_its_meaning(lang: str, capsys: Any) -> None:
    """`funnel-coach fields` says what each field means, v2's `content` included."""
    from classifier import FIELDS, describe_field

    assert main(["fields", "--lang", lang]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {line.split("\t")[0]: line.split("\t") for line in lines}
    assert {f.name for f in FIELDS} | {"name", "id"} == set(rows)
    assert rows["content"][2] == describe_field("content", lang)
    assert rows["consent"][1] == "none | single | double | withdrawn"


def test_a_version_1_rulebook_runs_and_says_what_to_change(capsys: Any) -> None:
    profile = '{"identified": true, "consent": "withdrawn", "in_target": false}\n'
    code = main(
        ["classify", "--rules", str(ROOT / "tests" / "data" / "rules-v1.toml")],
        stdin=io.StringIO(profile),
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert json.loads(out)["next_action"]["id"] == "deprioritize"  # v1 as written
    assert "version 1" in err and "respect_opt_out" in err
