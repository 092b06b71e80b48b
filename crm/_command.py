"""`funnel-coach batch` for CRM exports: the options the command line adds
for them, and the run. The command line (`classifier._cli`) calls these, so
that the engine's own module stays about the engine."""

from __future__ import annotations

import argparse
import sys
from typing import IO

from babel.support import NullTranslations

from classifier import Rulebook, classify_prepared_file, load_translations
from classifier._batch import summary_text

from . import _messages as m
from ._import import prepare
from ._presets import presets


def add_batch_options(parser: argparse.ArgumentParser, t: NullTranslations) -> None:
    """--preset, --map, --show-mapping, --sheet and --excel."""
    _ = t.gettext
    parser.add_argument(
        "--preset",
        metavar="NAME",
        help=_(m.PRESET_HELP) % {"choices": ", ".join(presets())},
    )
    parser.add_argument("--map", metavar="FILE", help=_(m.MAP_HELP))
    parser.add_argument("--show-mapping", action="store_true", help=_(m.SHOW_MAPPING_HELP))
    parser.add_argument("--sheet", metavar="NAME", help=_(m.SHEET_HELP))
    parser.add_argument("--excel", action="store_true", help=_(m.EXCEL_HELP))


def _map_text(path: str | None) -> str | None:
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or type(error).__name__
        raise m.CrmFileError("unreadable", path, reason=reason) from None


def run_batch(
    args: argparse.Namespace,
    *,
    lang: str,
    said: str,
    rules: Rulebook,
    stdout: IO[str] | None = None,
) -> int:
    """Read, map, then classify into `args.output` (or only show the mapping).

    `lang` words the file's columns; `said` is the language everything the
    command says is in. Raises `BatchFileError` (and `CrmFileError`) for an
    unusable file, before anything is written.
    """
    out = stdout if stdout is not None else sys.stdout
    imported = prepare(
        args.input,
        sheet=args.sheet,
        preset_name=args.preset,
        map_text=_map_text(args.map),
        map_name=args.map or "",
        excel=lang if args.excel else None,
    )
    if args.show_mapping:
        out.write("\n".join([*imported.summary(said), *imported.mapping_lines(said)]) + "\n")
        return 0
    if args.output is None:
        t = load_translations(said)
        raise ValueError(t.gettext(m.OUTPUT_NEEDED) % "-o/--output")
    summary = classify_prepared_file(
        imported.prepared,
        args.output,
        model=args.model,
        lang=lang,
        rules=rules,
        name=imported.name,
    )
    for warning in summary.warnings(said):
        sys.stderr.write(f"funnel-coach: {warning}\n")
    sys.stderr.write(summary_text(summary, args.output, said))
    sys.stderr.write("\n".join(imported.summary(said)) + "\n")
    return 1 if summary.rejected else 0
