"""The .pot template is up to date and every catalog is complete."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_templates_up_to_date_and_catalogs_complete() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "i18n.py"), "check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_placeholders_survive_translation() -> None:
    import re

    from babel.messages.pofile import read_po

    for package in ("classifier", "app"):
        base = ROOT / package / "locales"
        if not base.exists():
            continue
        for po_path in base.glob("*/LC_MESSAGES/messages.po"):
            with po_path.open("rb") as handle:
                catalog = read_po(handle)
            for message in catalog:
                if not message.id:
                    continue
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                wanted = set(re.findall(r"\{\w+\}|%\(\w+\)[sr]|%[sr]", ids[-1]))
                for index, string in enumerate(strings):
                    got = set(re.findall(r"\{\w+\}|%\(\w+\)[sr]|%[sr]", string))
                    if index < len(strings) - 1 and len(ids) > 1:
                        # A singular form may say "one row" instead of "{count} rows".
                        assert got <= wanted, (po_path, message.id, string)
                    else:
                        assert got == wanted, (po_path, message.id, string)
