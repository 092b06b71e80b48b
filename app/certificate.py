"""A certificate on screen and on paper, and the link that checks it.

The certificate is drawn in the language it was issued in (it is a document in
that language), with the product's colours; its print stylesheet hides
everything else, Streamlit's chrome included, and fits it on one A4 or Letter
page. Everything in its HTML is escaped: the name is the learner's own text.
"""

from __future__ import annotations

import os
from html import escape
from urllib.parse import urlsplit

import streamlit as st
from babel import Locale

from course import Certificate

from .i18n import N_, gettext

TITLE = N_("Certificate of achievement")
CERTIFIES = N_("This certifies that")
PASSED = N_(
    "passed the Funnel Coach final assessment: the buyer's journey, the stages from stranger "
    "to customer, lead qualification, consent, nurturing and the qualification frameworks."
)
DATE = N_("Date")
LANGUAGE = N_("Language")
SCORE = N_("Score")
NAME = N_("Name")
CODE = N_("Verification code")
CHECK_AT = N_("Check that it is genuine at")

#: The public address of the site, when `serve --site-url` gave one (see app/server.py).
SITE_URL_ENV = "FUNNEL_COACH_SITE_URL"

STYLE = """<style>
.fc-certificate{max-width:46rem;margin:1rem auto;padding:2.2rem 2.4rem;background:#fff;
 color:#1a1a2e;border:3px double #283593;border-radius:.4rem;text-align:center;
 box-shadow:0 .2rem .8rem rgba(26,26,46,.12);font-family:-apple-system,BlinkMacSystemFont,
 Helvetica,Arial,sans-serif;line-height:1.4;-webkit-print-color-adjust:exact;
 print-color-adjust:exact}
.fc-certificate .fc-certificate__brand{font-size:1rem;letter-spacing:.25em;
 text-transform:uppercase;color:#283593;font-weight:700}
.fc-certificate .fc-certificate__rule{width:5rem;height:.25rem;margin:.8rem auto 1.4rem;
 background:#283593}
.fc-certificate .fc-certificate__title{margin:0 0 1.4rem;padding:0;font-size:2rem;
 color:#1a1a2e;font-weight:700;line-height:1.2;scroll-margin:0}
.fc-certificate .fc-certificate__lead{font-size:1.05rem;color:#3c3f58}
.fc-certificate .fc-certificate__name{margin:.4rem 0 1rem;font-size:2.4rem;font-weight:700;
 color:#283593;line-height:1.2;overflow-wrap:anywhere}
.fc-certificate .fc-certificate__passed{max-width:34rem;margin:0 auto 1.8rem;font-size:1.05rem;
 line-height:1.5;color:#3c3f58}
.fc-certificate dl.fc-certificate__facts{display:flex;flex-wrap:wrap;justify-content:center;
 gap:.6rem 2.6rem;margin:0 0 1.8rem;padding:0}
.fc-certificate .fc-certificate__facts div{margin:0}
.fc-certificate .fc-certificate__facts dt{font-size:.8rem;letter-spacing:.08em;
 text-transform:uppercase;color:#4f5270;margin:0;font-weight:400}
.fc-certificate .fc-certificate__facts dd{margin:.15rem 0 0;font-size:1.25rem;font-weight:700;
 color:#1a1a2e}
.fc-certificate .fc-certificate__check{padding-top:1rem;border-top:1px solid #c5cae9;
 font-size:.85rem;color:#3c3f58}
.fc-certificate .fc-certificate__code{margin:.25rem auto .7rem;font-family:ui-monospace,
 SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.9rem;color:#1a1a2e;
 overflow-wrap:anywhere;word-break:break-all}
.fc-certificate .fc-certificate__check a{color:#283593;overflow-wrap:anywhere;
 word-break:break-all}
@media (max-width:40rem){
 .fc-certificate{padding:1.4rem 1rem}
 .fc-certificate .fc-certificate__title{font-size:1.5rem}
 .fc-certificate .fc-certificate__name{font-size:1.8rem}
 .fc-certificate dl.fc-certificate__facts{gap:.6rem 1.4rem}
}
@media print{
 @page{margin:14mm}
 html,body,[data-testid="stApp"],[data-testid="stAppViewContainer"],[data-testid="stMain"],
 [data-testid="stMainBlockContainer"]{height:auto!important;min-height:0!important;
  overflow:visible!important;position:static!important;background:#fff!important}
 [data-testid="stHeader"],[data-testid="stToolbar"],[data-testid="stDecoration"],
 [data-testid="stStatusWidget"],[data-testid="stSidebar"],[data-testid="stBottom"],
 iframe{display:none!important}
 [data-testid="stMainBlockContainer"]{padding:0!important;max-width:none!important}
 [data-testid="stMainBlockContainer"] *:not(:has(.fc-certificate)):not(.fc-certificate):not(
  .fc-certificate *){display:none!important}
 [data-testid="stMainBlockContainer"] *:has(.fc-certificate){margin:0!important;
  padding:0!important;gap:0!important;border:0!important;box-shadow:none!important}
 .fc-certificate{box-shadow:none;margin:0 auto;max-width:none;width:100%;
  box-sizing:border-box;padding:16mm 14mm;break-inside:avoid;page-break-inside:avoid}
 .fc-certificate .fc-certificate__brand{font-size:12pt}
 .fc-certificate .fc-certificate__title{font-size:28pt;margin-bottom:12mm}
 .fc-certificate .fc-certificate__lead,.fc-certificate .fc-certificate__passed{font-size:13pt}
 .fc-certificate .fc-certificate__name{font-size:32pt;margin:4mm 0 8mm}
 .fc-certificate .fc-certificate__passed{margin-bottom:14mm}
 .fc-certificate dl.fc-certificate__facts{margin-bottom:14mm}
 .fc-certificate .fc-certificate__facts dd{font-size:15pt}
 .fc-certificate .fc-certificate__check{font-size:9pt}
 .fc-certificate .fc-certificate__code{font-size:9pt}
}
</style>"""


def language_name(lang: str, in_lang: str) -> str:
    """A language as `in_lang` names it (italiano, Italian, italien)."""
    return Locale.parse(lang).get_display_name(in_lang) or lang


def verify_address(code: str) -> str:
    """The page that checks `code`, as a full address a printed page can show:
    the site's public address when the server was given one, else this one."""
    public = os.environ.get(SITE_URL_ENV, "").strip()
    if public:
        base = public.rstrip("/") + "/"
    else:
        parts = urlsplit(st.context.url or "http://127.0.0.1:8000/")
        base = f"{parts.scheme}://{parts.netloc}/"
    return f"{base}app/?page=verify&code={code}"


def certificate_html(cert: Certificate, code: str, address: str) -> str:
    """The certificate in its own language, every value escaped."""
    lang = cert.lang
    _ = gettext(lang)
    facts = "".join(
        f"<div><dt>{escape(_(term))}</dt><dd>{escape(value)}</dd></div>"
        for term, value in (
            (DATE, cert.date_text(lang)),
            (LANGUAGE, language_name(lang, lang)),
            (SCORE, cert.score_text(lang)),
        )
    )
    return (
        f'<section class="fc-certificate" lang="{escape(lang)}" aria-label="{escape(_(TITLE))}">'
        '<div class="fc-certificate__brand">Funnel Coach</div>'
        '<div class="fc-certificate__rule" aria-hidden="true"></div>'
        f'<div class="fc-certificate__title" role="heading" aria-level="3">{escape(_(TITLE))}</div>'
        f'<div class="fc-certificate__lead">{escape(_(CERTIFIES))}</div>'
        f'<div class="fc-certificate__name">{escape(cert.name)}</div>'
        f'<div class="fc-certificate__passed">{escape(_(PASSED))}</div>'
        f'<dl class="fc-certificate__facts">{facts}</dl>'
        f'<div class="fc-certificate__check">{escape(_(CODE))}'
        f'<div class="fc-certificate__code">{escape(code)}</div>'
        f'{escape(_(CHECK_AT))}<br><a href="{escape(address)}">{escape(address)}</a></div>'
        "</section>"
    )


def certificate_view(cert: Certificate, code: str) -> None:
    """The certificate, ready to print."""
    st.markdown(STYLE, unsafe_allow_html=True)
    with st.container(key="fc_certificate"):
        st.markdown(certificate_html(cert, code, verify_address(code)), unsafe_allow_html=True)
