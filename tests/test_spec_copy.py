"""The repository keeps its own copy of the contract; it must not drift from
the team's shared copy when that folder is present (CI, a developer's desk)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import ROOT, SPEC

#: The team's shared copy: ../shared/spec beside the repository, or the folder
#: FUNNEL_COACH_SHARED_SPEC names (a worktree has no ../shared beside it). Only
#: read, so a read-only folder is fine.
SHARED_SPEC = Path(os.environ.get("FUNNEL_COACH_SHARED_SPEC") or ROOT.parent / "shared" / "spec")


@pytest.mark.parametrize("name", ["classification.md", "examples.jsonl"])
def test_the_contract_in_the_repository_is_the_shared_one(name: str) -> None:
    ours = SPEC / name
    assert ours.is_file(), f"{ours} is missing: the repository must stand on its own"
    theirs = SHARED_SPEC / name
    if not theirs.is_file():
        pytest.skip(f"no shared copy at {theirs} to compare with (a clone on its own)")
    assert ours.read_bytes() == theirs.read_bytes(), (
        f"spec/{name} differs from {theirs}: copy the shared contract into spec/"
    )


def test_the_contract_is_version_2() -> None:
    text = (SPEC / "classification.md").read_text(encoding="utf-8")
    assert text.startswith("# Classification contract (version 2)")


def test_nothing_reads_the_shared_folder() -> None:
    """Code, tests and the README name only files inside the repository."""
    offenders = []
    for folder in ("classifier", "app", "tests", "benchmarks", "tools"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == Path(__file__):
                continue
            if "../shared" in path.read_text(encoding="utf-8"):
                offenders.append(str(path.relative_to(ROOT)))
    for name in ("README.md", "dev", ".ci/run"):
        if "../shared" in (ROOT / name).read_text(encoding="utf-8"):
            offenders.append(name)
    assert not offenders
