"""The rulebook every page uses: the default one, or the team's file given to
`funnel-coach serve --rules FILE` (read and checked once, before the server starts)."""

from __future__ import annotations

from pathlib import Path

from classifier import Rulebook, read_rulebook

_team: tuple[Rulebook, str] | None = None


def use(path: str | Path) -> Rulebook:
    """Read the team's rulebook (a `RulebookError` says what is wrong) and use it."""
    global _team
    rules = read_rulebook(path)
    _team = (rules, Path(path).name)
    return rules


def current() -> Rulebook | None:
    """The team's rulebook, or None for the default one."""
    return _team[0] if _team else None


def team_name() -> str | None:
    """The team rulebook's file name (never its full path), or None."""
    return _team[1] if _team else None
