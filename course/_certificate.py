"""Certificates of the final assessment, verifiable without a database.

The verification code carries the whole certificate (name, date, language,
score) and an HMAC-SHA256 tag made with the server's secret, so the server
stores nothing about the learner: whoever holds the code can have it checked,
and changing any character of it makes the check fail.

Code layout (then base64url without padding):

    version (1 byte) | days since 2000-01-01 (2 bytes, big-endian) | score (1 byte)
    | language index (1 byte) | name (UTF-8, NFC) | tag (first 12 bytes of the HMAC)

The secret comes from the environment (`FUNNEL_COACH_SECRET`), or else from a
file outside the repository that is generated once, readable by its owner only.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from babel.dates import format_date
from babel.numbers import format_percent

from classifier import languages, load_translations


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated when rendered."""
    return message


LANGUAGES: Final = languages()
VERSION: Final = 1
#: The tag keeps 96 of HMAC-SHA256's 256 bits: forging one takes 2**96 tries.
TAG_BYTES: Final = 12
NAME_MAX: Final = 80
HEADER_BYTES: Final = 5
EPOCH: Final = dt.date(2000, 1, 1)
#: Longest code accepted: the longest name (80 characters of 4 bytes) and then some.
CODE_MAX: Final = 600
#: Shortest code: a one-letter name (18 bytes).
CODE_MIN: Final = 24
#: What the tag signs besides the payload, so no other HMAC of this secret is a code.
DOMAIN: Final = b"funnel-coach certificate\x00"

SECRET_ENV: Final = "FUNNEL_COACH_SECRET"
SECRET_MIN: Final = 32
ALPHABET: Final = re.compile(r"[A-Za-z0-9_-]+")

#: Every way an issue or a check can fail, with its words (the course catalog).
MESSAGES: Final[dict[str, str]] = {
    "empty": N_("Paste a certificate code to check it."),
    "characters": N_(
        "This is not a certificate code: a code has only letters, digits, “-” and “_”, "
        "but this one contains “{char}”."
    ),
    "too_short": N_(
        "This code is incomplete: part of it is missing. Copy the whole code, or open the "
        "link printed on the certificate."
    ),
    "too_long": N_(
        "This is not a certificate code: it is {length} characters long, and a code has at "
        "most {max}."
    ),
    "not_genuine": N_(
        "This certificate is not genuine: its code does not match the one this server signed. "
        "A character may have been changed, or the code was issued by another server."
    ),
    "version": N_(
        "This code comes from a newer version of Funnel Coach, which this server cannot read."
    ),
    "name_empty": N_("Name: write the name to print on the certificate (1 to {max} characters)."),
    "name_long": N_("Name: it is {length} characters long; a certificate holds at most {max}."),
    "name_unprintable": N_(
        "Name: it contains a character that cannot be printed (a line break or an invisible "
        "control character); remove it and try again."
    ),
    "score": N_("Score: give a whole number from 0 to 100, not “{value}”."),
    "lang": N_("Language: “{value}” is not one of {allowed}."),
    "date": N_("Date: give a day between {first} and {last}, not {value}."),
    "secret_short": N_(
        "The server's signing secret ({env}) is too short: it needs at least {min} characters. "
        "Certificates cannot be issued or checked until it is fixed."
    ),
    "secret_unavailable": N_(
        "The server's signing secret cannot be read or created at {path} ({problem}): set "
        "{env} instead. Certificates cannot be issued or checked until it is fixed."
    ),
}
#: Reasons that are the server's problem, not the code's or the learner's.
SECRET_PROBLEMS: Final = frozenset({"secret_short", "secret_unavailable"})


class CertificateError(ValueError):
    """A certificate that cannot be issued, or a code that does not verify.

    `reason` is a key of `MESSAGES`; `message(lang)` says it in words."""

    def __init__(self, reason: str, **params: object) -> None:
        self.reason = reason
        self.params = params
        super().__init__(self.message("en"))

    @property
    def server_side(self) -> bool:
        """The server's secret is at fault, not the code or what the learner typed."""
        return self.reason in SECRET_PROBLEMS

    def message(self, lang: str = "en") -> str:
        words = load_translations(lang, package="course")
        return words.gettext(MESSAGES[self.reason]).format(**self.params)


@dataclass(frozen=True)
class Certificate:
    """What a certificate states; `certificate()` builds a checked one."""

    name: str
    date: dt.date
    lang: str
    score: int

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "date": self.date.isoformat(),
            "lang": self.lang,
            "score": self.score,
        }

    def date_text(self, lang: str) -> str:
        """The date as `lang` writes it in full (15 gennaio 2026)."""
        return format_date(self.date, format="long", locale=lang)

    def score_text(self, lang: str) -> str:
        """The score as a percentage the way `lang` writes it (95 %, 95%)."""
        return format_percent(self.score / 100, locale=lang)


def clean_name(name: str) -> str:
    """The name as it will be printed: NFC, runs of spaces as one, no spaces at the
    ends; a line break, a tab or an invisible control character is an error, since
    it would print wrongly or hide text (bidi overrides)."""
    if not isinstance(name, str):
        raise CertificateError("name_empty", max=NAME_MAX)
    text = unicodedata.normalize("NFC", name)
    spaced = "".join(" " if unicodedata.category(ch) == "Zs" else ch for ch in text)
    text = " ".join(part for part in spaced.split(" ") if part)
    if not text:
        raise CertificateError("name_empty", max=NAME_MAX)
    if not text.isprintable():
        raise CertificateError("name_unprintable")
    if len(text) > NAME_MAX:
        raise CertificateError("name_long", length=len(text), max=NAME_MAX)
    return text


LAST_DAY: Final = EPOCH + dt.timedelta(days=0xFFFF)


def certificate(name: str, lang: str, score: object, issued: dt.date | None = None) -> Certificate:
    """A checked certificate, dated today unless `issued` says otherwise."""
    if lang not in LANGUAGES:
        raise CertificateError("lang", value=lang, allowed=", ".join(LANGUAGES))
    if isinstance(score, bool) or not isinstance(score, int | str):
        raise CertificateError("score", value=score)
    text = str(score).strip()
    if not re.fullmatch(r"\d{1,3}", text) or int(text) > 100:
        raise CertificateError("score", value=score)
    day = dt.date.today() if issued is None else issued
    if not EPOCH <= day <= LAST_DAY:
        raise CertificateError(
            "date", value=day.isoformat(), first=EPOCH.isoformat(), last=LAST_DAY.isoformat()
        )
    return Certificate(name=clean_name(name), date=day, lang=lang, score=int(text))


def _tag(payload: bytes, secret: bytes) -> bytes:
    return hmac.new(secret, DOMAIN + payload, hashlib.sha256).digest()[:TAG_BYTES]


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign(cert: Certificate, secret: bytes | None = None) -> str:
    """The verification code of a certificate (see the module's docstring)."""
    checked = certificate(cert.name, cert.lang, cert.score, cert.date)
    key = server_secret() if secret is None else secret
    payload = (
        bytes([VERSION])
        + (checked.date - EPOCH).days.to_bytes(2, "big")
        + bytes([checked.score, LANGUAGES.index(checked.lang)])
        + checked.name.encode("utf-8")
    )
    return _encode(payload + _tag(payload, key))


def issue(
    name: str,
    lang: str,
    score: object,
    *,
    issued: dt.date | None = None,
    secret: bytes | None = None,
) -> tuple[Certificate, str]:
    """A certificate and its code, in one step."""
    cert = certificate(name, lang, score, issued)
    return cert, sign(cert, secret)


def verify(code: str, secret: bytes | None = None) -> Certificate:
    """The certificate a code carries, or `CertificateError` saying why it is not one.

    The tag is checked (in constant time) before anything in the payload is read.
    Spaces around the code, as a paste brings, are ignored; nothing else is."""
    text = code.strip() if isinstance(code, str) else ""
    if not text:
        raise CertificateError("empty")
    if len(text) > CODE_MAX:
        raise CertificateError("too_long", length=len(text), max=CODE_MAX)
    if not ALPHABET.fullmatch(text):
        wrong = next(ch for ch in text if not ALPHABET.fullmatch(ch))
        raise CertificateError("characters", char=wrong if wrong.isprintable() else repr(wrong))
    if len(text) < CODE_MIN:
        raise CertificateError("too_short")
    if len(text) % 4 == 1:  # no byte string encodes to this length
        raise CertificateError("not_genuine")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise CertificateError("not_genuine") from None
    key = server_secret() if secret is None else secret
    payload, tag = data[:-TAG_BYTES], data[-TAG_BYTES:]
    # A last character whose unused bits differ decodes to the same bytes: the
    # code must be exactly the one that was issued.
    genuine = hmac.compare_digest(tag, _tag(payload, key))
    if not genuine or _encode(data) != text:
        raise CertificateError("not_genuine")
    if payload[0] != VERSION:
        raise CertificateError("version")
    days = int.from_bytes(payload[1:3], "big")
    score, index = payload[3], payload[4]
    try:
        name = payload[HEADER_BYTES:].decode("utf-8")
        if index >= len(LANGUAGES):
            raise ValueError(index)
        return certificate(name, LANGUAGES[index], score, EPOCH + dt.timedelta(days=days))
    except (UnicodeDecodeError, ValueError):
        # Signed with our secret yet unreadable: not something this server issued.
        raise CertificateError("not_genuine") from None


def secret_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the generated secret lives: $XDG_CONFIG_HOME/funnel-coach/secret, or
    ~/.config/funnel-coach/secret (a relative XDG_CONFIG_HOME is ignored, as the
    XDG specification says)."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "funnel-coach" / "secret"


def server_secret(environ: Mapping[str, str] | None = None) -> bytes:
    """The signing secret: `FUNNEL_COACH_SECRET` when set, else the secret file,
    created on first use with 256 random bits (mode 0600, folder 0700).

    Two processes starting at once agree: the file appears complete or not at all
    (written aside, then linked into place, which fails if it exists)."""
    env = os.environ if environ is None else environ
    given = env.get(SECRET_ENV, "")
    if given:
        if len(given) < SECRET_MIN:
            raise CertificateError("secret_short", env=SECRET_ENV, min=SECRET_MIN)
        return given.encode("utf-8")
    path = secret_path(env)
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    except OSError as error:
        raise _unavailable(path, error) from None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        aside = path.with_name(f".secret-{secrets.token_hex(8)}")
        descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(32) + "\n")
            with contextlib.suppress(FileExistsError):
                os.link(aside, path)
        finally:
            aside.unlink(missing_ok=True)
        return _read_secret(path)
    except OSError as error:
        raise _unavailable(path, error) from None


def _read_secret(path: Path) -> bytes:
    secret = path.read_text(encoding="ascii", errors="replace").strip()
    if len(secret) < SECRET_MIN:
        raise CertificateError("secret_short", env=str(path), min=SECRET_MIN)
    return secret.encode("ascii", errors="replace")


def _unavailable(path: Path, error: OSError) -> CertificateError:
    reason = error.strerror or type(error).__name__
    return CertificateError("secret_unavailable", path=str(path), problem=reason, env=SECRET_ENV)


__all__ = [
    "NAME_MAX",
    "SECRET_ENV",
    "SECRET_PROBLEMS",
    "Certificate",
    "CertificateError",
    "certificate",
    "clean_name",
    "issue",
    "secret_path",
    "server_secret",
    "sign",
    "verify",
]
