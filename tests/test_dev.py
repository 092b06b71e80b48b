"""`./dev start` and `./dev test` install once, and again only when pyproject.toml changes.

The script runs in a scratch folder whose .venv holds stand-ins that log how
they were called, so the test sees every pip call without installing anything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

STAND_IN = """#!/bin/sh
echo "$(basename "$0") $*" >> "{log}"
"""


def _project(tmp_path: Path) -> tuple[Path, Path]:
    shutil.copy(ROOT / "dev", tmp_path / "dev")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    log = tmp_path / "calls.log"
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("python", "funnel-coach", "ruff", "mypy"):
        path = bin_dir / name
        path.write_text(STAND_IN.format(log=log))
        path.chmod(0o755)
    return tmp_path, log


def _dev(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHON": sys.executable}
    return subprocess.run(
        [str(project / "dev"), *args], cwd=project, env=env, capture_output=True, text=True
    )


def _pip_installs(log: Path) -> list[str]:
    lines = log.read_text().splitlines() if log.exists() else []
    return [line for line in lines if "pip install" in line and " -e " in line]


def test_start_installs_once_until_pyproject_changes(tmp_path: Path) -> None:
    project, log = _project(tmp_path)
    assert _dev(project, "start", "--port", "8001").returncode == 0
    assert len(_pip_installs(log)) == 1
    assert "funnel-coach serve --port 8001" in log.read_text()

    assert _dev(project, "start").returncode == 0
    assert len(_pip_installs(log)) == 1, "started twice, installed twice"

    with (project / "pyproject.toml").open("a") as handle:
        handle.write("\n# a new dependency would go here\n")
    assert _dev(project, "start").returncode == 0
    assert len(_pip_installs(log)) == 2


def test_test_installs_dev_extras_once_and_start_reuses_them(tmp_path: Path) -> None:
    project, log = _project(tmp_path)
    assert _dev(project, "test", "-q").returncode == 0
    assert _dev(project, "test", "-q").returncode == 0
    installs = _pip_installs(log)
    assert len(installs) == 1 and installs[0].endswith("-e .[dev]")
    # The dev extras include the product's, so starting needs no install.
    assert _dev(project, "start").returncode == 0
    assert len(_pip_installs(log)) == 1
    # Serving extras alone are not enough to test.
    (project / ".venv" / ".installed-dev").rename(project / ".venv" / ".installed-serve")
    assert _dev(project, "test").returncode == 0
    assert _pip_installs(log)[-1].endswith("-e .[dev]") and len(_pip_installs(log)) == 2
