"""The repository stands on its own: a copy with nothing beside it (no shared
folder) collects every test without an error, and compares its contract with
the team's shared copy only when one is given, read-only or not."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT


def _alone(tmp_path: Path) -> Path:
    """The repository's files as they are on disk, committed or not (no .venv,
    no build output), in a folder with nothing beside it."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: no file list to copy")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    copy = tmp_path / "alone" / "repo"
    for name in filter(None, (item.decode() for item in listed)):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    assert sorted(p.name for p in copy.parent.iterdir()) == ["repo"]
    return copy


def _pytest(copy: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "FUNNEL_COACH_SHARED_SPEC"}
    # The copy's own packages, not the ones installed from this checkout.
    environ.update(PYTHONPATH=str(copy), **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=copy,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_copy_with_nothing_beside_it_collects_every_test(tmp_path: Path) -> None:
    copy = _alone(tmp_path)
    done = _pytest(copy, "--collect-only", "-q")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    summary = done.stdout.strip().splitlines()[-1]
    assert "collected" in summary and "error" not in summary, done.stdout[-3000:]
    collected = [line for line in done.stdout.splitlines() if "::" in line]
    assert len(collected) > 500
    assert any("test_standalone.py" in line for line in collected)


def test_the_contract_is_compared_with_a_read_only_shared_copy(tmp_path: Path) -> None:
    copy = _alone(tmp_path)
    alone = _pytest(copy, "-q", "tests/test_spec_copy.py")
    assert alone.returncode == 0 and "2 skipped" in alone.stdout, alone.stdout

    shared = tmp_path / "shared" / "spec"
    shared.mkdir(parents=True)
    for name in ("classification.md", "examples.jsonl"):
        shutil.copy(ROOT / "spec" / name, shared / name)
    read_only = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
    for path in (*shared.iterdir(), shared):
        path.chmod(read_only | (stat.S_IXUSR if path.is_dir() else 0))
    try:
        same = _pytest(copy, "-q", "tests/test_spec_copy.py", FUNNEL_COACH_SHARED_SPEC=str(shared))
        assert same.returncode == 0 and "skipped" not in same.stdout, same.stdout
        (copy / "spec" / "examples.jsonl").write_text("{}\n")
        drift = _pytest(copy, "-q", "tests/test_spec_copy.py", FUNNEL_COACH_SHARED_SPEC=str(shared))
        assert drift.returncode == 1 and "spec/examples.jsonl differs" in drift.stdout, drift.stdout
    finally:
        for path in (shared, *shared.iterdir()):
            path.chmod(stat.S_IRWXU)
