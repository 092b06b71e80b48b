"""The final assessment in real Chromium through `funnel-coach serve`: a whole
attempt in Italian answered from the bank, a reload and a language switch midway,
a certificate whose code verifies on the Verify page and on the command line,
a tampered code that does not, axe on both pages, and a printed certificate
that fits one page."""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from app.i18n import NATIVE_NAMES, gettext
from app.screens import assessment, verify
from course import CertificateError
from tests.conftest import ROOT, free_port, serious_violations, settle, start_server

pytestmark = pytest.mark.browser

SECRET = "browser-test-secret-0123456789abcdef-012345"
PROGRAM = str(Path(sys.executable).with_name("funnel-coach"))
MAIN = "[data-testid=stMainBlockContainer]"


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of the server and of the command line: one secret."""
    folder = tmp_path_factory.mktemp("config")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "FUNNEL"))}
    return {**clean, "FUNNEL_COACH_SECRET": SECRET, "XDG_CONFIG_HOME": str(folder)}


@pytest.fixture(scope="module")
def server(config: dict[str, str]) -> Iterator[str]:
    """A server of its own, whose secret the command line shares."""
    from app import server as app_server

    with open(ROOT / ".site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if app_server.site_is_stale():
            app_server.build_site()
    saved = dict(os.environ)
    os.environ.update(config)
    try:
        process, url = start_server(free_port())
    finally:
        os.environ.clear()
        os.environ.update(saved)
    yield url
    process.terminate()
    process.wait(timeout=20)


def cli(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PROGRAM, *argv], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )


def query(page: Any) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(page.url).query))


def switch_language(page: Any, current: str, lang: str) -> None:
    page.get_by_label(gettext(current)("Language")).click()
    page.get_by_role("option", name=NATIVE_NAMES[lang]).click()
    page.wait_for_function(f"() => document.documentElement.lang === '{lang}'", polling="raf")
    settle(page)


def position(page: Any) -> tuple[str, int]:
    """The id of the question on screen and its number, from the address."""
    found = assessment.attempt_from(query(page))
    assert found is not None
    return found.ids()[found.at], found.at + 1


def progress_shown(page: Any, lang: str, number: int) -> None:
    text = gettext(lang)(assessment.PROGRESS).format(number=number, total=assessment.SIZE)
    page.locator(MAIN).get_by_text(text, exact=True).wait_for()


def answer_from_bank(page: Any, bank: dict[str, dict[str, Any]], lang: str) -> None:
    """Pick the bank's right answer to the question on screen, then go on."""
    question_id, number = position(page)
    progress_shown(page, lang, number)
    line = bank[question_id]
    assert page.locator(f"{MAIN} h2").first.inner_text() == line["question"]
    group = page.get_by_role("radiogroup", name=line["question"])
    group.locator("label").nth(int(line["answer"])).click()
    settle(page)
    _ = gettext(lang)
    last = number == assessment.SIZE
    page.get_by_role("button", name=_(assessment.FINISH if last else assessment.NEXT)).click()
    if not last:
        progress_shown(page, lang, number + 1)
    settle(page)


def bank_of(lang: str, env: dict[str, str]) -> dict[str, dict[str, Any]]:
    done = cli("assessment", "--lang", lang, env=env)
    assert done.returncode == 0, done.stderr
    return {line["id"]: line for line in map(json.loads, done.stdout.splitlines())}


def test_a_whole_attempt_in_italian_ends_in_a_certificate_that_verifies(
    server: str, page: Any, config: dict[str, str]
) -> None:
    lang = "it"
    _ = gettext(lang)
    banks = {code: bank_of(code, config) for code in (lang, "es")}
    page.goto(f"{server}app/?page=assessment&lang={lang}")
    progress_shown(page, lang, 1)
    settle(page)
    assert not serious_violations(page)
    for _number in range(8):
        answer_from_bank(page, banks[lang], lang)
    # A reload midway: the same attempt, question 9 again.
    before = query(page)
    page.reload()
    progress_shown(page, lang, 9)
    settle(page)
    assert query(page) == before
    # A language switch: the same question in Spanish, answered there, and back.
    question_id, _number = position(page)
    switch_language(page, lang, "es")
    assert position(page) == (question_id, 9)
    assert page.locator(f"{MAIN} h2").first.inner_text() == banks["es"][question_id]["question"]
    answer_from_bank(page, banks["es"], "es")
    switch_language(page, "es", lang)
    while len(query(page).get("given", "")) < 2 * assessment.SIZE:
        answer_from_bank(page, banks[lang], lang)
    result = _(assessment.RESULT).format(score="100%", right=20, total=20)
    page.get_by_role("heading", name=result).wait_for()
    settle(page)
    # The name, then the certificate.
    name = page.get_by_label(_(assessment.NAME_LABEL))
    name.fill("Giulia Conti")
    name.press("Enter")
    settle(page)
    page.get_by_role("button", name=_(assessment.GET_CERTIFICATE)).click()
    certificate = page.locator(".fc-certificate")
    certificate.wait_for()
    settle(page)
    code = certificate.locator(".fc-certificate__code").inner_text().strip()
    assert query(page)["code"] == code
    assert "Giulia Conti" in certificate.inner_text()
    assert not serious_violations(page)
    # A reload keeps the certificate.
    page.reload()
    page.locator(".fc-certificate").wait_for()
    settle(page)
    assert page.locator(".fc-certificate__code").inner_text().strip() == code
    # The printed link checks it on the Verify page (and the command line agrees).
    link = page.locator(".fc-certificate a").get_attribute("href")
    assert link == f"{server}app/?page=verify&code={code}"
    page.goto(link)
    page.get_by_text(gettext("en")(verify.GENUINE)).wait_for()  # no ?lang=: the browser's
    settle(page)
    assert "Giulia Conti" in page.locator(MAIN).inner_text()
    assert not serious_violations(page)
    done = cli("certificate", "verify", code, env={**config, "LANG": "it_IT.UTF-8"})
    assert done.returncode == 0 and done.stdout.startswith("Attestato autentico di Giulia Conti")
    # One character changed: not genuine, on the page and on the command line.
    tampered = code[:9] + ("Q" if code[9] != "Q" else "R") + code[10:]
    page.goto(f"{server}app/?page=verify&lang={lang}&code={tampered}")
    message = CertificateError("not_genuine").message(lang)
    page.locator("[data-testid=stAlertContentError]").get_by_text(message).wait_for()
    settle(page)
    assert "Giulia Conti" not in page.locator(MAIN).inner_text()
    assert not serious_violations(page)
    done = cli("certificate", "verify", tampered, env={**config, "LANG": "it_IT.UTF-8"})
    assert done.returncode == 1 and done.stdout.strip() == message
    # Pasting the code into the box works too.
    page.goto(f"{server}app/?page=verify&lang=fr")
    box = page.get_by_label(gettext("fr")(verify.CODE_LABEL))
    box.fill(code)
    box.press("Enter")
    page.get_by_text(gettext("fr")(verify.GENUINE)).wait_for()
    assert query(page)["code"] == code


def finished_attempt(lang: str, seed: int = 2024) -> str:
    found = assessment.Attempt(seed=seed)
    given = "".join(
        assessment.MARKS[lang] + str(assessment.by_id(lang)[i].answer) for i in found.ids()
    )
    return f"app/?page=assessment&lang={lang}&attempt={seed}&given={given}"


def certificate_page(page: Any, server: str, lang: str, name: str) -> None:
    _ = gettext(lang)
    page.goto(server + finished_attempt(lang))
    box = page.get_by_label(_(assessment.NAME_LABEL))
    box.wait_for()
    settle(page)
    box.fill(name)
    box.press("Enter")
    settle(page)
    page.get_by_role("button", name=_(assessment.GET_CERTIFICATE)).click()
    page.locator(".fc-certificate").wait_for()
    settle(page)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_certificate_prints_on_one_page_without_the_apps_chrome(
    server: str, page: Any, paper: str, tmp_path: Path
) -> None:
    long_name = "Maria Antonietta Giovanna Bianchi-Ferraris de' Medici di Castelvecchio Rossi"
    certificate_page(page, server, "it", long_name)
    page.emulate_media(media="print")
    shown = page.evaluate(
        """() => [...document.querySelectorAll(
              '[data-testid=stMainBlockContainer] *, [data-testid=stHeader]')]
            .filter(e => e.checkVisibility() && !e.closest('.fc-certificate')
                    && !e.querySelector('.fc-certificate'))
            .map(e => e.tagName + ' ' + (e.innerText || '').slice(0, 40))"""
    )
    assert shown == [], f"printed besides the certificate: {shown[:5]}"
    pdf = tmp_path / "certificate.pdf"
    page.pdf(path=str(pdf), format=paper, print_background=True)
    data = pdf.read_bytes()
    pages = re.findall(rb"/Type\s*/Page(?![s\w])", data)
    assert len(pages) == 1, f"{len(pages)} pages on {paper}"


@pytest.mark.parametrize(
    ("lang", "name", "viewport"),
    [
        ("it", "Giulia Conti", {"width": 1280, "height": 1000}),
        ("it", "Giulia Conti", {"width": 390, "height": 844}),
        ("fr", "Jean-Baptiste Lefèvre", {"width": 1280, "height": 1000}),
        ("fr", "Jean-Baptiste Lefèvre", {"width": 390, "height": 844}),
    ],
)
def test_the_certificate_fits_desktop_and_phone(
    server: str, browser: Any, lang: str, name: str, viewport: dict[str, int], tmp_path: Path
) -> None:
    phone = viewport["width"] < 500
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        certificate_page(page, server, lang, name)
        box = page.locator(".fc-certificate").bounding_box()
        assert box is not None and box["x"] >= 0
        assert box["x"] + box["width"] <= viewport["width"] + 1, "wider than the screen"
        # Nothing inside overflows it (the code and the link wrap).
        overflow = page.evaluate(
            """() => [...document.querySelectorAll('.fc-certificate *')]
                 .filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
                 .map(e => e.className)"""
        )
        assert overflow == []
        assert name in page.locator(".fc-certificate__name").inner_text()
        assert not serious_violations(page)
        page.locator(".fc-certificate").screenshot(path=str(tmp_path / f"{lang}.png"))
    finally:
        context.close()
