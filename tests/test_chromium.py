"""Which Chromium the browser tests drive, and what happens when there is none."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CHROMIUM_ENV, SYSTEM_CHROMIUMS, ChromiumMissing, find_chromium, no_browser

PLAYWRIGHT_OWN = "/home/user/.cache/ms-playwright/chromium-1234/chrome-linux/chrome"


def present(*paths: str):  # type: ignore[no-untyped-def]
    return lambda path: path in paths


def test_the_environment_variable_wins(tmp_path: Path) -> None:
    mine = tmp_path / "chrome"
    mine.write_text("")
    environ = {CHROMIUM_ENV: str(mine)}
    everything = present(str(mine), PLAYWRIGHT_OWN, *SYSTEM_CHROMIUMS)
    assert find_chromium(environ, PLAYWRIGHT_OWN, everything) == str(mine)
    # With the real file check too.
    assert find_chromium(environ, None) == str(mine)


def test_a_variable_naming_no_file_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    environ = {CHROMIUM_ENV: str(tmp_path / "nothing-here")}
    with pytest.raises(ValueError, match=CHROMIUM_ENV):
        find_chromium(environ, PLAYWRIGHT_OWN, present(PLAYWRIGHT_OWN, *SYSTEM_CHROMIUMS))


def test_playwrights_own_browser_before_the_systems() -> None:
    assert find_chromium({}, PLAYWRIGHT_OWN, present(PLAYWRIGHT_OWN, "/usr/bin/chromium")) == (
        PLAYWRIGHT_OWN
    )


def test_the_systems_chromium_when_playwright_downloaded_none() -> None:
    assert find_chromium({}, PLAYWRIGHT_OWN, present("/usr/bin/chromium")) == "/usr/bin/chromium"
    assert find_chromium({CHROMIUM_ENV: ""}, None, present("/usr/bin/chromium")) == (
        "/usr/bin/chromium"
    )


def test_no_browser_at_all_is_reported_with_what_to_do() -> None:
    with pytest.raises(ChromiumMissing) as missing:
        find_chromium({}, PLAYWRIGHT_OWN, present())
    assert CHROMIUM_ENV in str(missing.value) and "playwright install chromium" in str(
        missing.value
    )


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_without_ci_a_missing_browser_skips_with_the_reason(ci: str | None) -> None:
    environ = {} if ci is None else {"CI": ci}
    with pytest.raises(pytest.skip.Exception, match="no Chromium"):
        no_browser("no Chromium found", environ)


@pytest.mark.parametrize("ci", ["true", "1", "yes", "True"])
def test_in_ci_a_missing_browser_fails(ci: str) -> None:
    with pytest.raises(pytest.fail.Exception, match=r"no Chromium found.*CI is set"):
        no_browser("no Chromium found", {"CI": ci})
