"""Keep the message catalogs in step with the code.

    python tools/i18n.py extract   # rewrite each package's messages.pot
    python tools/i18n.py update    # merge the .pot into every language's .po
    python tools/i18n.py check     # exit 1 if a .pot is stale or a .po incomplete

Add package names (classifier, app, course) after the command to work on those only.

The .po files are read at run time (compiled in memory), so there is no .mo
to build or commit.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("classifier", "app", "course")
#: Packages whose messages live in another package's catalog: `crm` (the CRM
#: formats and presets beside the engine) and `warehouse` (the rulebook as SQL)
#: speak through the classifier's.
EXTRA_SOURCES = {"classifier": ("crm", "warehouse")}
LANGUAGES = ("it", "es", "fr", "pt")
KEYWORDS = {"N_": None, "NP_": ((1, "c"), 2), "NN_": (1, 2)}
METHODS = [("**.py", "python")]


def template(package: str) -> bytes:
    """The .pot the package's code asks for today, byte for byte reproducible."""
    catalog = Catalog(project="Funnel Coach", version="1", charset="utf-8", fuzzy=False)
    catalog.creation_date = catalog.creation_date.replace(
        year=2026, month=1, day=1, hour=0, minute=0, second=0
    )
    for source in (package, *EXTRA_SOURCES.get(package, ())):
        for filename, lineno, message, _comments, context in extract_from_dir(
            ROOT / source, METHODS, keywords=KEYWORDS, strip_comment_tags=True
        ):
            catalog.add(message, None, [(f"{source}/{filename}", lineno)], context=context)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True, no_location=True)
    return buffer.getvalue()


def pot_path(package: str) -> Path:
    return ROOT / package / "locales" / "messages.pot"


def po_path(package: str, lang: str) -> Path:
    return ROOT / package / "locales" / lang / "LC_MESSAGES" / "messages.po"


def messages(pot: bytes) -> list[tuple[str | None, str | tuple[str, ...]]]:
    """The messages a template holds (context, id, plural), without its header,
    locations or the Babel release that wrote it, so any Babel can check it."""
    return sorted(
        ((message.context, message.id) for message in read_po(io.BytesIO(pot)) if message.id),
        key=repr,
    )


def problems(package: str) -> list[str]:
    found = []
    path = pot_path(package)
    if not path.exists() or messages(path.read_bytes()) != messages(template(package)):
        found.append(f"{package}/locales/messages.pot is stale: run tools/i18n.py extract")
    pot = read_po(io.BytesIO(template(package)))
    for lang in LANGUAGES:
        path = po_path(package, lang)
        if not path.exists():
            found.append(f"{path.relative_to(ROOT)} is missing")
            continue
        with path.open("rb") as handle:
            po = read_po(handle, locale=lang)
        for message in pot:
            if not message.id:
                continue
            entry = po.get(message.id, context=message.context)
            key = f"{message.context + ' | ' if message.context else ''}{message.id!r}"
            if entry is None:
                found.append(f"{lang}: missing {key}")
            elif entry.fuzzy:
                found.append(f"{lang}: fuzzy {key}")
            elif isinstance(entry.string, tuple) and not all(entry.string):
                found.append(f"{lang}: untranslated plural {key}")
            elif not entry.string:
                found.append(f"{lang}: untranslated {key}")
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    packages = [p for p in (argv[2:] or PACKAGES) if (ROOT / p).is_dir()]
    if command == "extract":
        for package in packages:
            pot_path(package).parent.mkdir(parents=True, exist_ok=True)
            pot_path(package).write_bytes(template(package))
        return 0
    if command == "update":
        for package in packages:
            for lang in LANGUAGES:
                path = po_path(package, lang)
                path.parent.mkdir(parents=True, exist_ok=True)
                action = "update" if path.exists() else "init"
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "babel.messages.frontend",
                        action,
                        "-i",
                        str(pot_path(package)),
                        "-o",
                        str(path),
                        "-l",
                        lang,
                        "-w",
                        "100",
                        *(
                            ["--no-fuzzy-matching", "--ignore-obsolete"]
                            if action == "update"
                            else []
                        ),
                    ],
                    check=True,
                )
        return 0
    if command == "check":
        found = [p for package in packages for p in problems(package)]
        print("\n".join(found) or "catalogs complete")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
