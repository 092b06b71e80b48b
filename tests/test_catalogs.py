"""The .pot template is up to date and every catalog is complete."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT


def _i18n_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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

    for package in ("classifier", "app", "course"):
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


@pytest.mark.parametrize("package", ["classifier", "app", "course"])
def test_freshness_ignores_header_and_order_but_not_messages(
    package: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another Babel release writes another header (Generated-By, dates) and may
    order or wrap entries differently: still fresh. A lost or changed message: stale."""
    tool = _i18n_tool()
    fresh = tool.template(package).decode("utf-8")
    assert "Generated-By: Babel" in fresh
    pot = tmp_path / "messages.pot"
    monkeypatch.setattr(tool, "pot_path", lambda _package: pot)

    other_babel = fresh.replace("Generated-By: Babel ", "Generated-By: Babel 0.0.1-").replace(
        "POT-Creation-Date: 2026-01-01", "POT-Creation-Date: 1999-12-31"
    )
    header, _, body = other_babel.partition("\n\n")
    entries = body.split("\n\n")
    pot.write_text("\n\n".join([header, *reversed(entries)]), encoding="utf-8")
    assert not [p for p in tool.problems(package) if "stale" in p]

    pot.write_text("\n\n".join([header, *entries[1:]]), encoding="utf-8")
    assert [p for p in tool.problems(package) if "stale" in p]

    changed = entries[0].replace('msgid "', 'msgid "Changed ', 1)
    pot.write_text("\n\n".join([header, changed, *entries[1:]]), encoding="utf-8")
    assert [p for p in tool.problems(package) if "stale" in p]
