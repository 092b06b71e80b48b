"""The README names only files that exist, and its example files do what it says."""

from __future__ import annotations

import json
import re

from conftest import ROOT

from classifier import classify
from classifier._cli import EXAMPLE_CSV, EXAMPLE_JSONL
from classifier._fields import NEXT_ACTIONS, STAGES

README = (ROOT / "README.md").read_text(encoding="utf-8")
FILE_NAME = re.compile(
    r"(?<![\w/.:-])((?:[\w.-]+/)*[\w.-]+\.(?:py|toml|jsonl|csv|md|yml|js|cfg))\b"
)
FOLDER = re.compile(r"`((?:\.?[\w-]+/)+)`")
# Layout rows name files of app/, classifier/, course/ and spec/ by their short names.
FOLDERS = ("app", "classifier", "course", "spec")


def _exists(name: str) -> bool:
    return any((base / name).exists() for base in (ROOT, *(ROOT / f for f in FOLDERS)))


def test_every_file_and_folder_the_readme_names_exists() -> None:
    # A file the README's own commands write (`> my-rules.toml`, `-o classified.csv`)
    # and the usage placeholders (IN.csv, OUT.csv) are not expected to exist.
    written = set(re.findall(r"(?:>|-o)\s+([\w.-]+)", README))
    named = {m for m in FILE_NAME.findall(README) if m not in written and not m.isupper()}
    named -= {n for n in named if n.split(".")[0].isupper()}
    named |= set(FOLDER.findall(README))
    assert "examples/contacts.jsonl" in named and "spec/classification.md" in named
    missing = sorted(n for n in named if not _exists(n))
    assert not missing, f"the README names files that do not exist: {missing}"


def test_the_cli_help_examples_name_shipped_files() -> None:
    assert (ROOT / EXAMPLE_JSONL).is_file() and (ROOT / EXAMPLE_CSV).is_file()
    assert EXAMPLE_JSONL in README and EXAMPLE_CSV in README


def test_the_jsonl_example_covers_every_stage_and_next_action() -> None:
    lines = (ROOT / EXAMPLE_JSONL).read_text(encoding="utf-8").splitlines()
    verdicts = [classify(json.loads(line)) for line in lines]
    assert {v.stage for v in verdicts} == set(STAGES)
    assert {v.next_action.id for v in verdicts} == set(NEXT_ACTIONS)
    assert {v.temperature for v in verdicts} >= {"hot", "cold"}
