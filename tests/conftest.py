"""Shared fixtures: the contract's files live beside the repository, in ../shared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def load_examples() -> list[dict[str, object]]:
    path = SHARED / "spec" / "examples.jsonl"
    if not path.exists():
        raise FileNotFoundError(f"the contract's examples are missing: {path}")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
