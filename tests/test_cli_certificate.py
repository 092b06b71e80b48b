"""`funnel-coach certificate issue|verify` and `funnel-coach assessment`: codes that
verify across processes, localized verdicts and errors, exit statuses."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from classifier._cli import main
from course import CertificateError
from tests.conftest import LANGS, ROOT

SECRET = "cli-test-secret-0123456789abcdef-0123456789"
PROGRAM = str(Path(sys.executable).with_name("funnel-coach"))
#: The word each language starts a score line with, and its genuine-certificate line.
SCORE = {"en": "Score", "it": "Punteggio", "es": "Puntuación", "fr": "Score", "pt": "Pontuação"}
GENUINE = {
    "en": "Genuine certificate of",
    "it": "Attestato autentico di",
    "es": "Certificado auténtico de",
    "fr": "Certificat authentique de",
    "pt": "Certificado autêntico de",
}


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("FUNNEL_COACH_SECRET", SECRET)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    code = main(argv, stdout=out)
    return code, out.getvalue()


def issued(name: str = "Giulia Conti", lang: str = "it", score: str = "92") -> dict[str, object]:
    code, out = run(
        ["certificate", "issue", "--name", name, "--lang", lang, "--score", score, "--json"]
    )
    assert code == 0, out
    found: dict[str, object] = json.loads(out)
    return found


def test_issue_json_then_verify_gives_the_certificate_back() -> None:
    cert = issued("  Jean-Baptiste   Lefèvre ", "fr", "85")
    assert cert["name"] == "Jean-Baptiste Lefèvre"
    assert cert["lang"] == "fr" and cert["score"] == 85
    assert set(cert) == {"name", "date", "lang", "score", "code"}
    status, out = run(["certificate", "verify", str(cert["code"]), "--json"])
    assert status == 0
    assert json.loads(out) == {"genuine": True, **{k: v for k, v in cert.items() if k != "code"}}


@pytest.mark.parametrize("ui", LANGS)
def test_the_human_summary_speaks_the_interface_language(
    ui: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGUAGE", ui)
    status, out = run(
        ["certificate", "issue", "--name", "Ana Souza", "--lang", "pt", "--score", "90"]
    )
    assert status == 0
    lines = out.splitlines()
    assert "Ana Souza" in lines[0]
    assert any(line.startswith(SCORE[ui]) and "90" in line for line in lines)
    code = next(w for w in out.split() if len(w) > 30)
    assert f"funnel-coach certificate verify {code}" in out
    status, out = run(["certificate", "verify", code])
    assert status == 0 and out.startswith(f"{GENUINE[ui]} Ana Souza")
    assert any(line.startswith(SCORE[ui]) and "90" in line for line in out.splitlines())


@pytest.mark.parametrize("ui", LANGS)
def test_a_changed_code_exits_1_with_the_reason_in_the_interface_language(
    ui: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGUAGE", ui)
    code = str(issued()["code"])
    changed = code[:8] + ("B" if code[8] != "B" else "C") + code[9:]
    status, out = run(["certificate", "verify", changed])
    assert status == 1
    assert out == CertificateError("not_genuine").message(ui) + "\n"


@pytest.mark.parametrize(
    ("code", "reason", "params"),
    [
        ("hello!", "characters", {"char": "!"}),
        ("abc", "too_short", {}),
        ("", "empty", {}),
        ("A" * 700, "too_long", {"length": 700, "max": 600}),
    ],
)
def test_a_malformed_code_exits_1_in_words(
    code: str, reason: str, params: dict[str, object]
) -> None:
    status, out = run(["certificate", "verify", code, "--json"])
    assert status == 1
    assert json.loads(out) == {
        "genuine": False,
        "reason": reason,
        "message": CertificateError(reason, **params).message("en"),
    }


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["certificate"], "required"),
        (["certificate", "verify"], "CODE"),
        (["certificate", "issue", "--name", "A", "--lang", "it"], "--score"),
        (["certificate", "issue", "--name", "A", "--lang", "it", "--score", "150"], "Score"),
        (["certificate", "issue", "--name", "A", "--lang", "it", "--score", "9x"], "Score"),
        (["certificate", "issue", "--name", "A", "--lang", "de", "--score", "90"], "“de”"),
        (["certificate", "issue", "--name", " ", "--lang", "it", "--score", "90"], "Name"),
        (["certificate", "issue", "--name", "A\nB", "--lang", "it", "--score", "90"], "Name"),
        (["certificate", "revoke", "X"], "revoke"),
    ],
)
def test_usage_errors_exit_2_naming_the_problem(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv, stdout=io.StringIO()) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_usage_errors_speak_the_interface_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANGUAGE", "es")
    argv = ["certificate", "issue", "--name", "x" * 81, "--lang", "es", "--score", "90"]
    assert main(argv, stdout=io.StringIO()) == 2
    assert capsys.readouterr().err == (
        "funnel-coach: Nombre: tiene 81 caracteres; en el certificado caben como máximo 80.\n"
    )


@pytest.mark.parametrize("action", ["issue", "verify"])
def test_a_broken_server_secret_exits_2_and_says_so(
    action: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = str(issued()["code"])
    monkeypatch.setenv("FUNNEL_COACH_SECRET", "short")
    monkeypatch.setenv("LANGUAGE", "it")
    argv = (
        ["certificate", "issue", "--name", "A", "--lang", "it", "--score", "90"]
        if action == "issue"
        else ["certificate", "verify", code]
    )
    assert main(argv, stdout=io.StringIO()) == 2
    err = capsys.readouterr().err
    assert "FUNNEL_COACH_SECRET" in err and "troppo corta" in err


def program(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "FUNNEL"))}
    return subprocess.run(
        [PROGRAM, *argv],
        capture_output=True,
        text=True,
        env={**clean, **env},
        cwd=ROOT,
        timeout=60,
    )


def test_the_real_program_with_a_generated_secret_file(tmp_path: Path) -> None:
    """No FUNNEL_COACH_SECRET: the first run makes the secret file, the next
    verifies with it; another machine's secret does not verify the code."""
    env = {"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "LANG": "it_IT.UTF-8"}
    done = program(
        "certificate",
        "issue",
        "--name",
        "Luca Ferri",
        "--lang",
        "it",
        "--score",
        "88",
        "--json",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    code = json.loads(done.stdout)["code"]
    assert (tmp_path / "cfg" / "funnel-coach" / "secret").is_file()
    again = program("certificate", "verify", code, env=env)
    assert again.returncode == 0 and again.stdout.startswith("Attestato autentico di Luca Ferri")
    other = program("certificate", "verify", code, env={**env, "XDG_CONFIG_HOME": str(tmp_path)})
    assert other.returncode == 1
    assert other.stdout.startswith("Questo attestato non è autentico")
    assert "Traceback" not in other.stderr + again.stderr


def test_the_engine_does_not_import_the_course() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, classifier, classifier._cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'course'))",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr


# --- funnel-coach assessment -----------------------------------------------------------

FIELDS = {"id", "lang", "topic", "page", "question", "choices", "answer", "explanation"}


def bank_lines(*argv: str) -> list[dict[str, object]]:
    status, out = run(["assessment", *argv])
    assert status == 0
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.parametrize("lang", LANGS)
def test_assessment_prints_the_bank_of_a_language_as_json_lines(lang: str) -> None:
    import course

    lines = bank_lines("--lang", lang)
    bank = course.bank(lang)
    assert [line["id"] for line in lines] == [q.id for q in bank]
    for line, question in zip(lines, bank, strict=True):
        assert set(line) >= FIELDS and line["lang"] == lang
        assert line["topic"] in course.TOPICS and line["question"] == question.question
        choices = line["choices"]
        assert isinstance(choices, list) and len(choices) >= 3
        assert choices == [c.text for c in question.choices]
        answer = line["answer"]
        assert isinstance(answer, int) and 0 <= answer < len(choices)
        assert line["explanation"] == question.choices[answer].why
        computed = line["topic"] in ("stage", "next-action")
        assert ("profile" in line and "model" in line) == computed
    # Every topic of the assessment is there.
    assert {line["topic"] for line in lines} == set(course.TOPICS)


def test_assessment_without_a_language_prints_every_language_with_the_same_ids() -> None:
    lines = bank_lines()
    by_lang: dict[object, list[object]] = {}
    for line in lines:
        by_lang.setdefault(line["lang"], []).append(line["id"])
    assert list(by_lang) == list(LANGS)
    assert all(ids == by_lang["en"] for ids in by_lang.values())


def test_assessment_refuses_an_unknown_language_in_the_interface_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANGUAGE", "pt")
    assert main(["assessment", "--lang", "de"], stdout=io.StringIO()) == 2
    err = capsys.readouterr().err
    assert "“de”" in err and "en, it, es, fr, pt" in err and "Idioma" in err


def test_assessment_through_the_real_program() -> None:
    done = program("assessment", "--lang", "it", env={})
    assert done.returncode == 0 and done.stderr == ""
    first = json.loads(done.stdout.splitlines()[0])
    assert first["lang"] == "it" and set(first) >= FIELDS
