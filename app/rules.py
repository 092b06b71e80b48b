"""The rulebook every page uses: the default one, or the team's file given to
`funnel-coach serve --rules FILE` (read and checked once, before the server starts)."""

from __future__ import annotations

from pathlib import Path

from classifier import Rulebook, parse_rulebook, read_rulebook

_team: tuple[Rulebook, str, str] | None = None


def use(path: str | Path) -> Rulebook:
    """Read the team's rulebook (a `RulebookError` says what is wrong) and use it."""
    global _team
    rules = read_rulebook(path)
    # The text as checked, for the batch child: a later edit of the file changes nothing.
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    parse_rulebook(text)
    _team = (rules, Path(path).name, text)
    return rules


def current() -> Rulebook | None:
    """The team's rulebook, or None for the default one."""
    return _team[0] if _team else None


def team_name() -> str | None:
    """The team rulebook's file name (never its full path), or None."""
    return _team[1] if _team else None


def team_text() -> str | None:
    """The team rulebook's text as it was checked at start, or None."""
    return _team[2] if _team else None
