"""Certificates: the code carries the certificate, and only this server's secret
makes a code that verifies. Any changed character, a wrong secret or a malformed
code fails with a reason in words, never an exception the caller did not expect."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import multiprocessing
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course._certificate import (
    DOMAIN,
    MESSAGES,
    NAME_MAX,
    TAG_BYTES,
    Certificate,
    CertificateError,
    certificate,
    issue,
    secret_path,
    server_secret,
    sign,
    verify,
)
from tests.conftest import LANGS

SECRET = b"test-secret-0123456789abcdef-0123456789"
OTHER = b"another-secret-0123456789abcdef-012345"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
DAY = dt.date(2026, 3, 14)


def reason(code: str, secret: bytes = SECRET) -> str:
    with pytest.raises(CertificateError) as error:
        verify(code, secret)
    for lang in LANGS:
        assert error.value.message(lang)  # every reason has words in every language
    return error.value.reason


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "name",
    [
        "Maria Rossi",
        "José Ñúñez-García",
        "François d'Hérouville",
        "李小龙",
        "Zoë 🎓",
        "x" * NAME_MAX,
    ],
)
def test_a_code_carries_the_certificate_back(lang: str, name: str) -> None:
    cert, code = issue(name, lang, 87, issued=DAY, secret=SECRET)
    assert cert == Certificate(name=name, date=DAY, lang=lang, score=87)
    assert verify(code, SECRET) == cert
    assert cert.as_json() == {"name": name, "date": "2026-03-14", "lang": lang, "score": 87}
    # A link can carry it as it is.
    assert set(code) <= set(ALPHABET)


@settings(max_examples=200, deadline=None)
@given(
    name=st.text(
        st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")),
        min_size=1,
        max_size=NAME_MAX,
    ).filter(lambda s: s.strip()),
    score=st.integers(0, 100),
    days=st.integers(0, 0xFFFF),
    lang=st.sampled_from(LANGS),
)
def test_any_printable_certificate_round_trips(name: str, score: int, days: int, lang: str) -> None:
    try:
        cert = certificate(name, lang, score, dt.date(2000, 1, 1) + dt.timedelta(days=days))
    except CertificateError as error:  # only a name too long once normalized
        assert error.reason == "name_long"
        return
    assert verify(sign(cert, SECRET), SECRET) == cert


def test_scores_at_the_ends_and_as_text() -> None:
    for score in (0, 100, "95", " 80 "):
        _cert, code = issue("A", "en", score, issued=DAY, secret=SECRET)
        assert verify(code, SECRET).score == int(str(score))


def test_the_name_is_printed_tidy() -> None:
    cert = certificate("  Anna\u00a0  Maria   Bianchi ", "it", 90, DAY)
    assert cert.name == "Anna Maria Bianchi"
    decomposed = "Jose\u0301"  # e + combining acute: the same name as "José"
    assert certificate(decomposed, "es", 90, DAY).name == "José"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("", "name_empty"),
        ("   ", "name_empty"),
        ("x" * (NAME_MAX + 1), "name_long"),
        ("Anna\nRossi", "name_unprintable"),
        ("Anna\tRossi", "name_unprintable"),
        ("Anna \u202eissoR", "name_unprintable"),  # a bidi override would print reversed
        ("Anna\x00", "name_unprintable"),
    ],
)
def test_a_name_that_cannot_be_printed_is_refused_in_words(name: str, expected: str) -> None:
    with pytest.raises(CertificateError) as error:
        certificate(name, "en", 90, DAY)
    assert error.value.reason == expected
    # The message names the field, in each language.
    heads = {"en": "Name", "it": "Nome", "es": "Nombre", "fr": "Nom", "pt": "Nome"}
    for lang, head in heads.items():
        assert error.value.message(lang).startswith(head)


@pytest.mark.parametrize("score", [-1, 101, 3.5, "abc", "", True, None, "1e2"])
def test_a_score_out_of_range_is_refused(score: object) -> None:
    with pytest.raises(CertificateError) as error:
        certificate("Anna", "en", score, DAY)
    assert error.value.reason == "score"
    assert "0" in error.value.message("it") and "100" in error.value.message("it")


def test_an_unknown_language_is_refused_naming_the_allowed_ones() -> None:
    with pytest.raises(CertificateError) as error:
        certificate("Anna", "de", 90, DAY)
    assert error.value.reason == "lang"
    assert "de" in error.value.message("fr") and "en, it, es, fr, pt" in error.value.message("fr")


def test_every_single_character_change_fails() -> None:
    _cert, code = issue("Anna Bianchi", "it", 92, issued=DAY, secret=SECRET)
    tried = 0
    for position, original in enumerate(code):
        for other in ALPHABET:
            if other != original:
                changed = code[:position] + other + code[position + 1 :]
                assert reason(changed) == "not_genuine", (position, other)
                tried += 1
        # A lost or an added character fails too.
        assert reason(code[:position] + code[position + 1 :]) in ("not_genuine", "too_short")
        assert reason(code[:position] + "A" + code[position:]) == "not_genuine"
    assert tried == len(code) * (len(ALPHABET) - 1)


def test_a_code_from_another_secret_fails() -> None:
    _cert, code = issue("Anna Bianchi", "it", 92, issued=DAY, secret=OTHER)
    assert reason(code) == "not_genuine"
    assert verify(code, OTHER).name == "Anna Bianchi"


def test_spaces_around_a_pasted_code_are_ignored() -> None:
    cert, code = issue("Anna", "pt", 85, issued=DAY, secret=SECRET)
    assert verify(f"  {code}\n", SECRET) == cert
    assert reason(code[:10] + " " + code[10:]) == "characters"


def forge(payload: bytes, secret: bytes = SECRET) -> str:
    """A code signed with the secret around any payload (what only the server can do)."""
    tag = hmac.new(secret, DOMAIN + payload, hashlib.sha256).digest()[:TAG_BYTES]
    return base64.urlsafe_b64encode(payload + tag).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("abc", "too_short"),
        ("A" * 23, "too_short"),
        ("A" * 601, "too_long"),
        ("hello world, this is not a code", "characters"),
        ("ASZpXwFNYXJpYSBSb3NzaRmv+EQfwFs3", "characters"),  # base64, not base64url
        ("ASZpXwFNYXJpYSBSb3NzaRmvOEQfwFs3==", "characters"),  # padding
        ("ÀSZpXwFNYXJpYSBSb3NzaRmvOEQfwFs3", "characters"),
        ("A" * 40, "not_genuine"),
        ("A" * 41, "not_genuine"),  # a length no byte string encodes to
        (forge(b"\x02\x26\x2a\x5f\x01Anna"), "version"),
        (forge(b"\x01\x26\x2a\x5f\x01\xff\xfe"), "not_genuine"),  # not UTF-8
        (forge(b"\x01\x26\x2a\x96\x01Anna"), "not_genuine"),  # score 150
        (forge(b"\x01\x26\x2a\x5f\x09Anna"), "not_genuine"),  # no language 9
        (forge(b"\x01\x26\x2a\x5f\x01An\nna"), "not_genuine"),
        (forge(b"\x01\x26\x2a\x5f\x01Anna", OTHER), "not_genuine"),
    ],
)
def test_a_malformed_code_says_why(code: str, expected: str) -> None:
    assert reason(code) == expected


@pytest.mark.parametrize("code", [None, 42, b"bytes"])
def test_a_code_that_is_not_text_is_not_a_code(code: object) -> None:
    with pytest.raises(CertificateError):
        verify(code, SECRET)  # type: ignore[arg-type]


def test_messages_differ_by_language() -> None:
    for key in MESSAGES:
        params = {
            "char": "!",
            "length": 700,
            "max": 600,
            "value": "x",
            "allowed": "en",
            "first": "a",
            "last": "b",
            "env": "E",
            "min": 32,
            "path": "/p",
            "problem": "r",
        }
        error = CertificateError(key, **params)
        english = error.message("en")
        for lang in ("it", "es", "fr", "pt"):
            assert error.message(lang) != english, (key, lang)


def test_the_tag_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    _cert, code = issue("Anna", "en", 90, issued=DAY, secret=SECRET)
    verify(code, SECRET)
    with pytest.raises(CertificateError):
        verify(code[:-2] + ("AA" if code[-2:] != "AA" else "BB"), SECRET)
    assert len(compared) == 2 and all(len(a) == len(b) == TAG_BYTES for a, b in compared)


# --- The server's secret -------------------------------------------------------------


def test_the_environment_secret_comes_first(tmp_path: Path) -> None:
    env = {"FUNNEL_COACH_SECRET": "s" * 40, "XDG_CONFIG_HOME": str(tmp_path)}
    assert server_secret(env) == b"s" * 40
    assert not (tmp_path / "funnel-coach").exists()


def test_a_short_environment_secret_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CertificateError) as error:
        server_secret({"FUNNEL_COACH_SECRET": "short", "XDG_CONFIG_HOME": str(tmp_path)})
    assert error.value.reason == "secret_short" and "FUNNEL_COACH_SECRET" in str(error.value)


def test_without_it_a_secret_file_is_made_once_for_its_owner_only(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    first = server_secret(env)
    path = tmp_path / "funnel-coach" / "secret"
    assert path == secret_path(env)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(first) >= 64 and server_secret(env) == first
    assert sorted(p.name for p in path.parent.iterdir()) == ["secret"]  # nothing left aside
    # The file is the secret: codes made with it verify with it.
    _cert, code = issue("Anna", "en", 90, secret=server_secret(env))
    assert verify(code, path.read_text().strip().encode()).name == "Anna"


def test_a_relative_config_home_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert secret_path({"XDG_CONFIG_HOME": "relative/dir"}) == (
        tmp_path / ".config" / "funnel-coach" / "secret"
    )
    assert secret_path({}) == tmp_path / ".config" / "funnel-coach" / "secret"


def _secret_in_child(config: str) -> bytes:
    return server_secret({"XDG_CONFIG_HOME": config})


def test_processes_starting_together_agree_on_one_secret(tmp_path: Path) -> None:
    with multiprocessing.get_context("spawn").Pool(6) as pool:
        found = pool.map(_secret_in_child, [str(tmp_path)] * 12)
    assert len(set(found)) == 1


def test_a_secret_that_cannot_be_made_says_where_and_what_to_do(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(CertificateError) as error:
        server_secret({"XDG_CONFIG_HOME": str(blocker)})
    assert error.value.reason == "secret_unavailable"
    message = error.value.message("es")
    assert str(blocker) in message and "FUNNEL_COACH_SECRET" in message


def test_a_truncated_secret_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "funnel-coach" / "secret"
    path.parent.mkdir()
    path.write_text("abc\n")
    os.chmod(path, 0o600)
    with pytest.raises(CertificateError) as error:
        server_secret({"XDG_CONFIG_HOME": str(tmp_path)})
    assert error.value.reason == "secret_short" and str(path) in error.value.message("en")


def test_signing_uses_the_server_secret_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUNNEL_COACH_SECRET", SECRET.decode())
    _cert, code = issue("Anna", "en", 90)
    assert verify(code, SECRET).name == "Anna"
    assert verify(code).name == "Anna"
    monkeypatch.setenv("FUNNEL_COACH_SECRET", OTHER.decode())
    with pytest.raises(CertificateError) as error:
        verify(code)
    assert error.value.reason == "not_genuine"
