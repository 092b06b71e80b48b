"""`funnel-coach sql`: the options the command line adds for it, and the run.
The command line (`classifier._cli`) calls these, so that the engine's own
module stays about the engine."""

from __future__ import annotations

import argparse
from typing import IO, Any

from babel.support import NullTranslations

from classifier import Rulebook
from classifier._i18n import LANGUAGES

from . import _messages as m
from ._api import DIALECTS, select_sql


def add_sql_parser(
    sub: Any, t: NullTranslations, models: list[str], model_help: str, rules_help: str
) -> None:
    """The `sql` subcommand: --dialect, --model, --rules, --table, --lang (the
    model and rules help are the command line's own, already in the user's words)."""
    _ = t.gettext
    parser = sub.add_parser(
        "sql",
        help=_(m.SQL_HELP),
        description=_(m.SQL_DESCRIPTION),
        epilog=(
            "  funnel-coach sql --dialect postgres --table crm.contacts > verdicts.sql\n"
            "  funnel-coach sql --dialect bigquery --model bant --lang it"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--dialect",
        required=True,
        metavar="D",
        help=_(m.DIALECT_HELP) % {"choices": ", ".join(DIALECTS)},
    )
    parser.add_argument(
        "--model", default="funnel", metavar="M", help=model_help % {"choices": ", ".join(models)}
    )
    parser.add_argument("--rules", metavar="FILE", help=rules_help)
    parser.add_argument("--table", default="contacts", metavar="T", help=_(m.TABLE_HELP))
    parser.add_argument(
        "--lang", metavar="L", help=_(m.SQL_LANG_HELP) % {"choices": ", ".join(LANGUAGES)}
    )


def run_sql(args: argparse.Namespace, *, lang: str | None, rules: Rulebook, stdout: IO[str]) -> int:
    """Write the query; `WarehouseError` when it cannot be written."""
    query = select_sql(args.dialect, model=args.model, table=args.table, lang=lang, rules=rules)
    stdout.write(query + "\n")
    return 0


__all__ = ["add_sql_parser", "run_sql"]
