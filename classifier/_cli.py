"""The `funnel-coach` command line (also `python -m classifier`).

The interface speaks the language of the environment (LANGUAGE, LC_ALL,
LC_MESSAGES, LANG) when it is one of the five; verdicts and profile errors
speak `--lang`.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, Final, NoReturn
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.support import NullTranslations

from ._api import classify, describe_field, describe_model, label, languages
from ._batch import BatchFileError
from ._fields import DISPLAY_FIELDS, FIELDS
from ._i18n import LANGUAGES, N_, load_translations
from ._profile import Problem, ProfileError, json_int, parse_profile
from ._rules import Rulebook, RulebookError, default_rulebook, default_rulebook_text, read_rulebook
from ._scenarios import LEVELS, expected, scenarios

# argparse's own messages, so that usage and errors read in the user's language.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)

DESCRIPTION = N_(
    "Funnel Coach: classify contacts as stranger, visitor, lead, prospect or customer, "
    "and explain why."
)
CLASSIFY_HELP = N_("classify profiles given as JSON (one object, or JSON Lines)")
CLASSIFY_DESCRIPTION = N_(
    "Read one JSON object, or JSON Lines with one profile a line, from FILE or standard "
    "input, and write one JSON verdict a line, in input order. A line that is not a valid "
    "profile gets an error object and the others go on. Exit status: 0 when every line was "
    "classified, 1 when any was rejected, 2 for a usage error."
)
FILE_HELP = N_("file of profiles; standard input when absent or -")
MODEL_HELP = N_("model to apply (default: funnel): %(choices)s")
LANG_HELP = N_("language of the explanations (default: en): %(choices)s")
RULES_HELP = N_("your own rulebook (TOML); see `funnel-coach rules`")
RULES_CMD_HELP = N_("print the default rulebook, to copy and adapt")
MODELS_CMD_HELP = N_("list the models with a one-line description")
FIELDS_CMD_HELP = N_(
    "list the profile's fields: name, the values it takes and what it means (the contract's words)"
)
KIND_WORDS: Final[dict[str, str]] = {
    "bool": N_("true or false"),
    "count": N_("a whole number of 0 or more"),
    "text": N_("text"),
}
UNKNOWN_MODEL = N_("Unknown model “{model}”; available models: {models}.")
UNKNOWN_LANG = N_("Unsupported language “{lang}”; supported languages: {languages}.")
UNREADABLE = N_("Cannot read {path}: {reason}.")
NOT_UTF8 = N_("{path} is not UTF-8 text.")
EPILOG = N_("Examples:")
SERVE_HELP = N_("build the site when needed and serve it on one port")
HOST_HELP = N_("address to listen on (default: 127.0.0.1)")
PORT_HELP = N_("port to listen on (default: 8000)")
ALLOWED_HOST_HELP = N_(
    "a public host name the server answers to, besides loopback (repeatable; adds to "
    "FUNNEL_COACH_ALLOWED_HOSTS)"
)
SITE_URL_HELP = N_(
    "the site's public address, for its canonical and language links, e.g. "
    "https://coach.example.org/ (default: FUNNEL_COACH_SITE_URL or http://127.0.0.1:8000/); "
    "the site is rebuilt when it changes"
)
BAD_SITE_URL = N_("--site-url must be an http or https address, such as {example}; got “{url}”.")
BUILDING = N_("Building the site…")
SERVING = N_("Funnel Coach is running at {url} (press Ctrl-C to stop).")
PORT_IN_USE = N_(
    "Port {port} on {host} is already in use: stop the program using it, or choose "
    "another port with --port."
)
NOT_INSTALLED = N_(
    "The site and app packages are not installed: run `pip install -e .[serve]` (or ./dev start)."
)
BUILD_FAILED = N_("The site could not be built; the messages above say why.")
SCENARIOS_HELP = N_("print the practice scenarios with their answers, as JSON Lines")
SCENARIOS_DESCRIPTION = N_(
    "Print the practice scenario bank as JSON Lines, one line per scenario and language: "
    "the title, the story, the profile it states and the answer the classifier gives (stage, "
    "temperature, next action). Without --lang every language is printed, scenario by scenario."
)
SCENARIOS_LANG_HELP = N_("print only this language: %(choices)s (default: all)")
LEVEL_HELP = N_("print only this level: 1 easy, 2 medium, 3 hard (default: all)")
BATCH_HELP = N_("classify a CSV export of contacts into a CSV with a verdict on every row")
BATCH_DESCRIPTION = N_(
    "Read a CRM's export (CSV in UTF-8, UTF-16 or Windows-1252, separated by commas, "
    "semicolons, tabs or bars; or an .xlsx workbook), whose header names the profile fields "
    "or is that of a CRM the presets know, and write every row, in order, with the columns "
    "stage, phase, temperature, out_of_target, score, next_action, missing and error added "
    "(and the CRM's record id first among them); other columns are copied unchanged. A "
    "summary goes to standard error. Exit status: 0 when every row was classified, 1 when any "
    "row was rejected (its error column says why), 2 when the file cannot be used."
)
BATCH_IN_HELP = N_("the export to classify (.csv, .txt or .xlsx)")
BATCH_OUT_HELP = N_("the CSV file to write (replaced if it exists)")
BATCH_LANG_HELP = N_(
    "language of the missing and error columns and of the summary (default: the columns in en, "
    "the summary in your interface language): %(choices)s"
)
CERTIFICATE_HELP = N_("issue or check a certificate of the final assessment")
CERTIFICATE_DESCRIPTION = N_(
    "A certificate states a name, a date, a language and a score. Its verification code "
    "carries all of it, signed with this server's secret (FUNNEL_COACH_SECRET, or else a secret "
    "file made once in your configuration folder), so nothing about the learner is stored: "
    "anyone can check a code here or on the app's Verify page."
)
ISSUE_HELP = N_("issue a certificate and print its verification code")
NAME_HELP = N_("the name to print on it, 1 to 80 characters")
CERTIFICATE_LANG_HELP = N_("the language the assessment was taken in: %(choices)s")
SCORE_HELP = N_("the score, in percent: a whole number from 0 to 100")
JSON_HELP = N_("print one JSON object instead of text")
VERIFY_HELP = N_("check a verification code (exit status 0 when genuine, 1 when not)")
CODE_HELP = N_("the verification code printed on the certificate")
ISSUED = N_("Certificate issued for {name}")
GENUINE = N_("Genuine certificate of {name}")
CERTIFICATE_DATE = N_("Date: {date}")
CERTIFICATE_LANGUAGE = N_("Language: {language}")
CERTIFICATE_SCORE = N_("Score: {score}")
CERTIFICATE_CODE = N_("Verification code: {code}")
CERTIFICATE_CHECK = N_("To check it: {command}")
ASSESSMENT_HELP = N_("print the final assessment's questions with their answers, as JSON Lines")
ASSESSMENT_DESCRIPTION = N_(
    "Print the final assessment's question bank as JSON Lines, one line per question and "
    "language: the id, the language, the topic, the lesson page that teaches it, the question, "
    "the choices, the index of the right choice and its explanation; questions about a "
    "contact's stage or next action also give the profile and the model. Without --lang every "
    "language is printed."
)
ASSESSMENT_LANG_HELP = N_("print only this language: %(choices)s (default: all)")
BAD_PORT = N_("“{value}” is not a port number: give a whole number from 1 to 65535")
#: Why a file cannot be read or written, for the errors the operating system
#: would otherwise word in its own (usually English) language.
OS_REASONS = {
    errno.ENOENT: N_("the file does not exist"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.EISDIR: N_("it is a folder, not a file"),
    errno.ENOTDIR: N_("part of its path is a file, not a folder"),
    errno.ENOSPC: N_("the disk is full"),
}


#: Example files shipped in the repository, named in the help's examples.
EXAMPLE_JSONL = "examples/contacts.jsonl"
EXAMPLE_CSV = "examples/contacts.csv"


def ui_language(environ: dict[str, str] | None = None) -> str:
    """The interface language from the environment, among the five; English otherwise."""
    env = os.environ if environ is None else environ
    wanted: list[str] = []
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            wanted.extend(part.split(".")[0].split("@")[0] for part in value.split(":"))
            break
    for tag in wanted:
        try:
            code = Locale.parse(tag).language
        except (ValueError, UnknownLocaleError):
            continue
        if code in LANGUAGES:
            return code
    return negotiate_locale(wanted, list(LANGUAGES), sep="_") or "en"


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors exit 2 with a localized message."""

    translations: NullTranslations = NullTranslations()

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        text = self.translations.gettext("%(prog)s: error: %(message)s\n")
        self.exit(2, text % {"prog": self.prog, "message": message})


def _localize_argparse(t: NullTranslations) -> None:
    # argparse reads module-level gettext functions; this CLI is one process
    # with one user, so pointing them at the user's catalog is safe here.
    argparse._ = t.gettext  # type: ignore[attr-defined]
    argparse.ngettext = t.ngettext  # type: ignore[attr-defined]
    _Parser.translations = t


def build_parser(t: NullTranslations, rules_models: Sequence[str]) -> argparse.ArgumentParser:
    _ = t.gettext
    parser = _Parser(prog="funnel-coach", description=_(DESCRIPTION))
    sub = parser.add_subparsers(
        dest="command",
        required=True,
        metavar="{classify,batch,sql,models,fields,rules,scenarios,assessment,certificate,serve}",
    )

    example = 'echo \'{"identified": true, "consent": "single"}\' | funnel-coach classify --lang it'
    classify_parser = sub.add_parser(
        "classify",
        help=_(CLASSIFY_HELP),
        description=_(CLASSIFY_DESCRIPTION),
        epilog=f"{_(EPILOG)}\n  {example}\n  funnel-coach classify {EXAMPLE_JSONL} --model bant",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    classify_parser.add_argument("file", nargs="?", default="-", metavar="FILE", help=_(FILE_HELP))
    _common_options(classify_parser, t, rules_models)

    batch_parser = sub.add_parser(
        "batch",
        help=_(BATCH_HELP),
        description=_(BATCH_DESCRIPTION),
        epilog=f"{_(EPILOG)}\n  funnel-coach batch {EXAMPLE_CSV} -o classified.csv --lang it",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    batch_parser.add_argument("input", metavar="IN.csv", help=_(BATCH_IN_HELP))
    batch_parser.add_argument("-o", "--output", metavar="OUT.csv", help=_(BATCH_OUT_HELP))
    _common_options(batch_parser, t, rules_models, lang_help=BATCH_LANG_HELP, lang_default=None)
    from crm import add_batch_options  # CRM formats and presets live beside the engine

    add_batch_options(batch_parser, t)

    from warehouse import add_sql_parser  # the rulebook as SQL lives beside the engine

    add_sql_parser(sub, t, list(rules_models), _(MODEL_HELP), _(RULES_HELP))

    models_parser = sub.add_parser(
        "models", help=_(MODELS_CMD_HELP), description=_(MODELS_CMD_HELP)
    )
    models_parser.add_argument(
        "--lang", default="en", metavar="L", help=_(LANG_HELP) % {"choices": ", ".join(LANGUAGES)}
    )
    models_parser.add_argument("--rules", metavar="FILE", help=_(RULES_HELP))

    fields_parser = sub.add_parser(
        "fields", help=_(FIELDS_CMD_HELP), description=_(FIELDS_CMD_HELP)
    )
    fields_parser.add_argument(
        "--lang", default="en", metavar="L", help=_(LANG_HELP) % {"choices": ", ".join(LANGUAGES)}
    )

    sub.add_parser("rules", help=_(RULES_CMD_HELP), description=_(RULES_CMD_HELP))

    scenarios_parser = sub.add_parser(
        "scenarios",
        help=_(SCENARIOS_HELP),
        description=_(SCENARIOS_DESCRIPTION),
        epilog=f"{_(EPILOG)}\n  funnel-coach scenarios --lang it --level 1",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    scenarios_parser.add_argument(
        "--lang", metavar="L", help=_(SCENARIOS_LANG_HELP) % {"choices": ", ".join(LANGUAGES)}
    )
    scenarios_parser.add_argument(
        "--level", choices=[str(level) for level in LEVELS], metavar="N", help=_(LEVEL_HELP)
    )

    assessment_parser = sub.add_parser(
        "assessment",
        help=_(ASSESSMENT_HELP),
        description=_(ASSESSMENT_DESCRIPTION),
        epilog=f"{_(EPILOG)}\n  funnel-coach assessment --lang it",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    assessment_parser.add_argument(
        "--lang", metavar="L", help=_(ASSESSMENT_LANG_HELP) % {"choices": ", ".join(LANGUAGES)}
    )
    _certificate_parser(sub, t)

    serve_parser = sub.add_parser("serve", help=_(SERVE_HELP), description=_(SERVE_HELP))
    serve_parser.add_argument("--host", default="127.0.0.1", help=_(HOST_HELP))
    serve_parser.add_argument("--port", type=port_number(t), default=8000, help=_(PORT_HELP))
    serve_parser.add_argument("--rules", metavar="FILE", help=_(RULES_HELP))
    serve_parser.add_argument(
        "--allowed-host", action="append", default=[], metavar="HOST", help=_(ALLOWED_HOST_HELP)
    )
    serve_parser.add_argument("--site-url", metavar="URL", help=_(SITE_URL_HELP))
    return parser


def _certificate_parser(sub: Any, t: NullTranslations) -> None:
    _ = t.gettext
    parser = sub.add_parser(
        "certificate",
        help=_(CERTIFICATE_HELP),
        description=_(CERTIFICATE_DESCRIPTION),
        epilog=(
            f"{_(EPILOG)}\n  funnel-coach certificate issue --name 'Giulia Conti' --lang it "
            "--score 90\n  funnel-coach certificate verify CODE"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="{issue,verify}")
    issue = actions.add_parser("issue", help=_(ISSUE_HELP), description=_(ISSUE_HELP))
    issue.add_argument("--name", required=True, metavar="N", help=_(NAME_HELP))
    issue.add_argument(
        "--lang",
        required=True,
        metavar="L",
        help=_(CERTIFICATE_LANG_HELP) % {"choices": ", ".join(LANGUAGES)},
    )
    issue.add_argument("--score", required=True, metavar="S", help=_(SCORE_HELP))
    issue.add_argument("--json", action="store_true", help=_(JSON_HELP))
    verify = actions.add_parser("verify", help=_(VERIFY_HELP), description=_(VERIFY_HELP))
    verify.add_argument("code", metavar="CODE", help=_(CODE_HELP))
    verify.add_argument("--json", action="store_true", help=_(JSON_HELP))


def _common_options(
    parser: argparse.ArgumentParser,
    t: NullTranslations,
    rules_models: Sequence[str],
    lang_help: str = LANG_HELP,
    lang_default: str | None = "en",
) -> None:
    _ = t.gettext
    parser.add_argument(
        "--model",
        default="funnel",
        metavar="M",
        help=_(MODEL_HELP) % {"choices": ", ".join(rules_models)},
    )
    parser.add_argument(
        "--lang",
        default=lang_default,
        metavar="L",
        help=_(lang_help) % {"choices": ", ".join(LANGUAGES)},
    )
    parser.add_argument("--rules", metavar="FILE", help=_(RULES_HELP))


def os_reason(error: OSError | str, t: NullTranslations) -> str:
    """An operating-system error in the interface language when it is a common one.

    Takes the error, or the `strerror` text another module kept from it."""
    for code, message in OS_REASONS.items():
        if (error.errno if isinstance(error, OSError) else error) in (code, os.strerror(code)):
            return t.gettext(message)
    return error if isinstance(error, str) else error.strerror or str(error)


def port_number(t: NullTranslations) -> Callable[[str], int]:
    def parse(value: str) -> int:
        if value.isdigit() and 1 <= int(value) <= 65535:
            return int(value)
        raise argparse.ArgumentTypeError(t.gettext(BAD_PORT).format(value=value))

    return parse


class UsageError(Exception):
    """A problem with the command itself (exit 2), already in words."""


def _load_rules(path: str | None, t: NullTranslations, lang: str) -> Rulebook:
    if path is None:
        return default_rulebook()
    try:
        book = read_rulebook(path)
    except RulebookError as error:
        raise UsageError(error.message(lang)) from None
    _upgrade_note(book, lang)
    return book


def _upgrade_note(book: Rulebook, lang: str) -> None:
    """A rulebook written for contract version 1 runs as written; say what to change."""
    note = book.upgrade_note(lang)
    if note is not None:
        sys.stderr.write(note + "\n")


def _check_lang(lang: str, t: NullTranslations) -> str:
    if lang not in LANGUAGES:
        raise UsageError(
            t.gettext(UNKNOWN_LANG).format(lang=lang, languages=", ".join(languages()))
        )
    return lang


def _check_options(args: argparse.Namespace, t: NullTranslations, ui: str) -> tuple[str, Rulebook]:
    lang = _check_lang(args.lang, t)
    rules = _load_rules(args.rules, t, ui)
    model = getattr(args, "model", "funnel")
    if model not in rules.models:
        message = t.gettext(UNKNOWN_MODEL).format(model=model, models=", ".join(rules.models))
        raise UsageError(message)
    return lang, rules


def _read_text(path: str, t: NullTranslations, stdin: IO[str]) -> str:
    if path == "-":
        # Strictly UTF-8: a C locale's text stdin would smuggle bad bytes in as
        # surrogates (surrogateescape) and echo them back.
        raw = getattr(stdin, "buffer", None)
        try:
            if raw is not None:
                return str(raw.read().decode("utf-8-sig"))
            text = stdin.read()
            text.encode("utf-8")
        except (UnicodeDecodeError, UnicodeEncodeError):
            raise UsageError(t.gettext(NOT_UTF8).format(path="stdin")) from None
        return text
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    except UnicodeDecodeError:
        raise UsageError(t.gettext(NOT_UTF8).format(path=path)) from None
    except OSError as error:
        reason = os_reason(error, t)
        raise UsageError(t.gettext(UNREADABLE).format(path=path, reason=reason)) from None


#: Longest profile read, in characters: parsing an object with millions of keys
#: (only to reject them) would take minutes and gigabytes.
MAX_DOCUMENT_CHARS: Final = 1 << 20


def _too_large(text: str) -> Problem:
    return Problem("too_large", (), {"length": len(text), "max": MAX_DOCUMENT_CHARS})


def _documents(text: str) -> Iterator[tuple[int, object | Problem]]:
    """One JSON object (possibly over several lines), or JSON Lines.

    Blank lines are skipped; every other line yields its parsed value or a
    Problem, with its 1-based line number.
    """
    stripped = text.strip()
    if stripped.startswith("{") and "\n" in stripped:
        if len(stripped) > MAX_DOCUMENT_CHARS:
            if not stripped.split("\n", 1)[0].rstrip().endswith("}"):  # not JSON Lines
                yield 1, _too_large(stripped)
                return
            stripped = ""
        try:
            whole = json.loads(stripped, parse_int=json_int)
        except (ValueError, RecursionError):
            whole = None
        if isinstance(whole, dict):
            yield 1, whole
            return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_DOCUMENT_CHARS:
            yield number, _too_large(line)
            continue
        try:
            yield number, json.loads(line, parse_int=json_int)
        except json.JSONDecodeError as error:
            yield number, Problem("invalid_json", (), {"position": error.pos + 1})
        except RecursionError:
            yield number, Problem("invalid_json", (), {"position": 1})


def run_classify(
    args: argparse.Namespace, t: NullTranslations, ui: str, stdin: IO[str], stdout: IO[str]
) -> int:
    lang, rules = _check_options(args, t, ui)
    text = _read_text(args.file, t, stdin)
    rejected = 0
    write = stdout.write
    for _number, document in _documents(text):
        try:
            if isinstance(document, Problem):
                raise ProfileError([document])
            verdict = classify(parse_profile(document), model=args.model, lang=lang, rules=rules)
            out: dict[str, Any] = verdict.to_dict()
        except ProfileError as error:
            rejected += 1
            out = error.to_dict(lang)
        write(json.dumps(out, ensure_ascii=False) + "\n")
    return 1 if rejected else 0


def run_models(args: argparse.Namespace, t: NullTranslations, ui: str, stdout: IO[str]) -> int:
    lang, rules = _check_options(args, t, ui)
    for model in rules.models:
        stdout.write(
            f"{model}\t{label('model', model, lang)}\t{describe_model(model, lang, rules)}\n"
        )
    return 0


def run_fields(args: argparse.Namespace, t: NullTranslations, stdout: IO[str]) -> int:
    """One line a field: id, the values it takes, what it means; for people
    preparing a CRM export or a JSON Lines file."""
    lang = _check_lang(args.lang, t)
    words = load_translations(lang)
    for spec in (*FIELDS, *DISPLAY_FIELDS):
        kind = (
            " | ".join(spec.values)
            if spec.kind == "choice"
            else words.gettext(KIND_WORDS[spec.kind])
        )
        stdout.write(f"{spec.name}\t{kind}\t{describe_field(spec.name, lang)}\n")
    return 0


def run_batch(args: argparse.Namespace, t: NullTranslations, ui: str) -> int:
    """A CSV export in, the same rows with a verdict out; the summary on stderr.

    `--lang` words the columns (English without it) and everything the command
    says; without it, the command speaks the interface language."""
    told = args.lang
    if told is None:
        args.lang = "en"
    lang, rules = _check_options(args, t, ui)
    said = ui if told is None else lang
    from crm import run_batch as run_export

    try:
        return run_export(args, lang=lang, said=said, rules=rules)
    except BatchFileError as error:
        if "reason" in error.params:
            error.params["reason"] = os_reason(error.params["reason"], load_translations(said))
        raise UsageError(error.message(said)) from None
    except ValueError as error:  # a missing -o
        raise UsageError(str(error)) from None


def run_sql(args: argparse.Namespace, t: NullTranslations, ui: str, stdout: IO[str]) -> int:
    """The rulebook as one SELECT for a data warehouse; a usage problem exits 2.

    `--lang` adds the label columns and words the error column; without it
    the query has no label columns and the command speaks the interface language."""
    told = args.lang
    if told is None:
        args.lang = "en"
    lang, rules = _check_options(args, t, ui)
    from warehouse import WarehouseError
    from warehouse import run_sql as write

    try:
        return write(args, lang=None if told is None else lang, rules=rules, stdout=stdout)
    except WarehouseError as error:
        raise UsageError(error.message(ui if told is None else lang)) from None


def run_scenarios(args: argparse.Namespace, t: NullTranslations, stdout: IO[str]) -> int:
    """The practice bank, one JSON line per scenario and language, answer included."""
    if args.lang is not None and args.lang not in LANGUAGES:
        raise UsageError(
            t.gettext(UNKNOWN_LANG).format(lang=args.lang, languages=", ".join(languages()))
        )
    langs = LANGUAGES if args.lang is None else (args.lang,)
    for item in scenarios(None if args.level is None else int(args.level)):
        verdict = expected(item)
        for lang in langs:
            text = item.texts[lang]
            line = {
                "id": item.id,
                "lang": lang,
                "level": item.level,
                "model": item.model,
                "title": text.title,
                "story": text.story,
                "facts": dict(text.facts),
                "profile": dict(item.profile),
                "stage": verdict.stage,
                "temperature": verdict.temperature,
                "next_action": verdict.next_action.id,
            }
            stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


def _language_name(lang: str, ui: str) -> str:
    """A language named in the interface language (italiano, Italian)."""
    return Locale.parse(lang).get_display_name(ui) or lang


def _certificate_lines(cert: Any, ui: str, t: NullTranslations) -> list[str]:
    return [
        t.gettext(CERTIFICATE_DATE).format(date=cert.date_text(ui)),
        t.gettext(CERTIFICATE_LANGUAGE).format(language=_language_name(cert.lang, ui)),
        t.gettext(CERTIFICATE_SCORE).format(score=cert.score_text(ui)),
    ]


def run_certificate(args: argparse.Namespace, t: NullTranslations, ui: str, stdout: IO[str]) -> int:
    """Issue a certificate (exit 0) or check a code (0 genuine, 1 not); a problem
    with the command, the name or the server's secret exits 2."""
    from course import CertificateError, issue, verify

    if args.action == "issue":
        _check_lang(args.lang, t)
        try:
            cert, code = issue(args.name, args.lang, args.score)
        except CertificateError as error:
            raise UsageError(error.message(ui)) from None
        if args.json:
            stdout.write(json.dumps({**cert.as_json(), "code": code}, ensure_ascii=False) + "\n")
            return 0
        lines = [
            t.gettext(ISSUED).format(name=cert.name),
            *_certificate_lines(cert, ui, t),
            t.gettext(CERTIFICATE_CODE).format(code=code),
            t.gettext(CERTIFICATE_CHECK).format(command=f"funnel-coach certificate verify {code}"),
        ]
        stdout.write("\n".join(lines) + "\n")
        return 0
    try:
        cert = verify(args.code)
    except CertificateError as error:
        if error.server_side:
            raise UsageError(error.message(ui)) from None
        if args.json:
            out = {"genuine": False, "reason": error.reason, "message": error.message(ui)}
            stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        else:
            stdout.write(error.message(ui) + "\n")
        return 1
    if args.json:
        stdout.write(json.dumps({"genuine": True, **cert.as_json()}, ensure_ascii=False) + "\n")
    else:
        lines = [t.gettext(GENUINE).format(name=cert.name), *_certificate_lines(cert, ui, t)]
        stdout.write("\n".join(lines) + "\n")
    return 0


def run_assessment(args: argparse.Namespace, t: NullTranslations, stdout: IO[str]) -> int:
    """The assessment's bank, one JSON line per question and language, answer included."""
    import course

    langs = LANGUAGES if args.lang is None else (_check_lang(args.lang, t),)
    for lang in langs:
        try:
            questions = course.bank(lang)
        except course.CourseError as error:
            raise UsageError(str(error)) from None
        for question in questions:
            stdout.write(json.dumps(question.as_json(), ensure_ascii=False) + "\n")
    return 0


def run_serve(args: argparse.Namespace, t: NullTranslations, ui: str) -> int:
    try:
        from app import rules, server
    except ImportError:
        raise UsageError(t.gettext(NOT_INSTALLED)) from None
    if args.rules is not None:  # every page of the app uses it; a bad file stops here
        try:
            _upgrade_note(rules.use(args.rules), ui)
        except RulebookError as error:
            raise UsageError(error.message(ui)) from None
    allowed = list(args.allowed_host)
    if args.site_url is not None:
        public = urlsplit(args.site_url.strip())
        if public.scheme not in ("http", "https") or not public.hostname:
            example = "https://coach.example.org/"
            raise UsageError(t.gettext(BAD_SITE_URL).format(example=example, url=args.site_url))
        # The build reads it (mkdocs.yml); its host is one the server answers to.
        os.environ[server.SITE_URL_ENV] = args.site_url.strip()
        allowed.append(public.hostname)
    if not server.port_free(args.host, args.port):
        raise UsageError(t.gettext(PORT_IN_USE).format(port=args.port, host=args.host))
    if server.site_is_stale():
        sys.stderr.write(t.gettext(BUILDING) + "\n")
        try:
            server.build_site()
        except Exception:
            raise UsageError(t.gettext(BUILD_FAILED)) from None
    host = f"[{args.host}]" if ":" in args.host else args.host
    serving = t.gettext(SERVING).format(url=f"http://{host}:{args.port}/")

    def announce() -> None:
        sys.stderr.write(serving + "\n")

    server.run(args.host, args.port, allowed, on_ready=announce)
    return 0


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
) -> int:
    """Entry point; returns the exit status (0 ok, 1 rejected input, 2 usage)."""
    ui = ui_language()
    t = load_translations(ui)
    _localize_argparse(t)
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    parser = build_parser(t, list(default_rulebook().models))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        if args.command == "classify":
            return run_classify(args, t, ui, stdin, stdout)
        if args.command == "models":
            return run_models(args, t, ui, stdout)
        if args.command == "fields":
            return run_fields(args, t, stdout)
        if args.command == "batch":
            return run_batch(args, t, ui)
        if args.command == "sql":
            return run_sql(args, t, ui, stdout)
        if args.command == "scenarios":
            return run_scenarios(args, t, stdout)
        if args.command == "assessment":
            return run_assessment(args, t, stdout)
        if args.command == "certificate":
            return run_certificate(args, t, ui, stdout)
        if args.command == "serve":
            return run_serve(args, t, ui)
        stdout.write(default_rulebook_text())
        return 0
    except UsageError as error:
        sys.stderr.write(f"funnel-coach: {error}\n")
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


def entry() -> NoReturn:
    sys.exit(main())


__all__ = ["main"]
