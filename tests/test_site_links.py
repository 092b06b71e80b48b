"""Links from the site into the app and to the sample data."""

from __future__ import annotations

import re

import pytest

from classifier import scenario
from tests.conftest import LANGS, ROOT


@pytest.mark.parametrize("lang", LANGS)
def test_practice_page_links_into_practice_mode_with_real_scenarios(lang: str) -> None:
    text = (ROOT / "docs" / lang / "practice.md").read_text(encoding="utf-8")
    prefix = "../" if lang == "en" else "../../"
    links = re.findall(r'href="([^"]*page=practice[^"]*)"', text)
    assert len(links) >= 3
    for link in links:
        assert link.startswith(f"{prefix}app/?page=practice&amp;scenario=")
        assert link.endswith(f"&amp;lang={lang}")
        found = scenario(link.split("scenario=")[1].split("&")[0])
        assert found.text(lang).title in text


@pytest.mark.parametrize("lang", LANGS)
def test_trainers_page_links_the_sample_file_and_the_batch_page(lang: str) -> None:
    text = (ROOT / "docs" / lang / "trainers.md").read_text(encoding="utf-8")
    prefix = "../" if lang == "en" else "../../"
    assert f"({prefix}assets/examples/contacts.csv)" in text
    assert "app/?page=batch&amp;lang=" + lang in text


def test_the_sample_on_the_site_is_the_one_in_examples() -> None:
    site_copy = ROOT / "docs" / "assets" / "examples" / "contacts.csv"
    assert site_copy.read_bytes() == (ROOT / "examples" / "contacts.csv").read_bytes()
