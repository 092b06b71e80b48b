"""Drawing a verdict: a funnel, the journey, temperature, score bars and the
criteria, in pictures and words.

Only catalog text and classifier ids go into the HTML built here, and all of it
is escaped; nothing the learner typed is ever rendered as HTML.
"""

from __future__ import annotations

import re
from html import escape

import streamlit as st

from classifier import PHASES, STAGES, Verdict, label

from .i18n import N_, gettext

STYLE = """
<style>
.fc-funnel{list-style:none;margin:0 0 .5rem;padding:0}
.fc-funnel li{margin:.15rem auto;padding:.35rem .5rem;text-align:center;border-radius:.3rem;
 background:#e8eaf6;color:#1a1a2e;border:2px solid transparent}
.fc-funnel li.fc-current{background:#283593;color:#fff;font-weight:700;border-color:#0d1342}
.fc-journey{display:flex;flex-wrap:wrap;gap:.25rem;list-style:none;margin:0 0 .5rem;padding:0}
.fc-journey li{flex:1 1 6rem;padding:.3rem .4rem;text-align:center;background:#eceff1;color:#1a1a2e;
 border-radius:.3rem;font-size:.9rem;border:2px solid transparent}
.fc-journey li.fc-current{background:#00695c;color:#fff;font-weight:700;border-color:#003d33}
.fc-bar{margin:.2rem 0 .6rem}
.fc-bar__track{height:.8rem;background:#e0e0e0;border-radius:.4rem;overflow:hidden}
.fc-bar__fill{height:100%;background:#1565c0}
.fc-badges{display:flex;flex-wrap:wrap;gap:.4rem;margin:.3rem 0 .6rem}
.fc-badge{padding:.15rem .6rem;border-radius:1rem;font-weight:600;background:#eceff1;color:#1a1a2e}
.fc-badge--hot{background:#b71c1c;color:#fff}
.fc-badge--cold{background:#0d47a1;color:#fff}
.fc-criteria{list-style:none;padding:0;margin:0}
.fc-criteria li{margin:.25rem 0;padding:.35rem .5rem;border-left:.3rem solid #9e9e9e;
 background:#fafafa;
 color:#1a1a2e}
.fc-criteria li.fc-met{border-left-color:#2e7d32}
.fc-criteria li.fc-unmet{border-left-color:#c62828}
.fc-criteria li.fc-unknown{border-left-color:#f9a825}
/* A long value (ATTEMPTED_TO_CONTACT) wraps instead of pushing a table past a phone's edge. */
[data-testid="stTable"] [data-testid="stTableStyledTable"] :is(td,th),
[data-testid="stTable"] [data-testid="stTableStyledTable"] [data-testid="stMarkdownContainer"] p{
 overflow-wrap:anywhere}
@media (max-width:40rem){.st-key-batch_mapping table{table-layout:fixed;width:100%}
 .st-key-batch_mapping :is(th,td):nth-child(1){width:29%}
 .st-key-batch_mapping :is(th,td):nth-child(2){width:31%}}
.fc-note{margin:.2rem 0 .6rem;padding:.75rem 1rem;border-radius:.5rem}
.fc-note--info{background:#e3f0fc;color:#0b3c6e}
.fc-note--warning{background:#fff4d1;color:#5a4200}
.fc-visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
 white-space:nowrap}
html[data-fc-scheme="dark"]{--fc-box-bg:#272935;--fc-box-fg:#e9ebfc}
html[data-fc-scheme="dark"] .fc-funnel li{background:#2b2f45;color:#e9ebfc}
html[data-fc-scheme="dark"] .fc-funnel li.fc-current{
 background:#5c6bc0;color:#fff;border-color:#c5cae9}
html[data-fc-scheme="dark"] .fc-journey li{background:#2e3140;color:#e9ebfc}
html[data-fc-scheme="dark"] .fc-journey li.fc-current{
 background:#00796b;color:#fff;border-color:#b2dfdb}
html[data-fc-scheme="dark"] .fc-bar__track{background:#3a3d4d}
html[data-fc-scheme="dark"] .fc-bar__fill{background:#90caf9}
html[data-fc-scheme="dark"] .fc-badge{background:#2e3140;color:#e9ebfc}
html[data-fc-scheme="dark"] .fc-badge--hot{background:#b71c1c;color:#fff}
html[data-fc-scheme="dark"] .fc-badge--cold{background:#1565c0;color:#fff}
html[data-fc-scheme="dark"] .fc-criteria li{background:#272935;color:#e9ebfc}
html[data-fc-scheme="dark"] .fc-note--info{background:#17304a;color:#d2e6ff}
html[data-fc-scheme="dark"] .fc-note--warning{background:#3b3112;color:#ffe8a8}
</style>
"""

ICONS = {"met": "✓", "unmet": "✗", "unknown": "?"}
YOU_ARE_HERE = N_("current stage")
CURRENT_PHASE = N_("current phase")
FUNNEL_TITLE = N_("Where this contact is in the funnel")
JOURNEY_TITLE = N_("Buyer's journey phase")
FIT = N_("Fit score")
ENGAGEMENT = N_("Engagement score")
SCORE_OF = N_("{name}: {value} of {max}")
OUT_OF_TARGET = N_(
    "Out of target: this contact does not match the focus target, so effort is better spent "
    "elsewhere."
)
STAGE = N_("Stage")
TEMPERATURE = N_("Temperature")
CRITERIA = N_("Criteria")
VERDICT = N_("Verdict")
MISSING = N_("What is missing for the next stage")
NOTHING_MISSING = N_("Nothing: a customer is the last stage. Keep them happy.")
NEXT_ACTION = N_("Next action")
PLAYBOOK = N_("How to do it: “{action}” in the playbook")
SCORE = N_("Score {score} of 100")


def colon(lang: str) -> str:
    """The colon that joins a name and its value: French puts a narrow no-break space before it."""
    return "\u202f: " if lang == "fr" else ": "


def site_link(page: str, lang: str) -> str:
    """A link from the app (at /app/) to a page of the site in `lang`."""
    prefix = "" if lang == "en" else f"{lang}/"
    return f"../{prefix}{page}/"


def playbook_address(action: str, lang: str) -> str:
    """The playbook's section for a next action, in `lang`: its anchor is the
    action's id with hyphens (respect_opt_out: #respect-opt-out)."""
    return f"{site_link('playbook', lang)}#{action.replace('_', '-')}"


def playbook_markdown(action: str, lang: str) -> str:
    """A link (Markdown) from a verdict's next action to what the playbook says to do."""
    words = gettext(lang)(PLAYBOOK).format(action=label("next_action", action, lang))
    return f"[{plain(words)}]({playbook_address(action, lang)})"


def playbook_link(action: str, lang: str) -> None:
    st.markdown(playbook_markdown(action, lang))


def plain(text: str) -> str:
    """Text shown literally through Markdown, whoever wrote it (a link value, a
    CSV cell, a file name): one line, no HTML, emphasis, heading, code, math,
    emoji code or link, no bidi override, and bounded in length.

    Every ASCII punctuation mark is backslash-escaped (CommonMark's literal
    form); GFM's autolinks ignore escapes, so their patterns (``www.``, ``x:``,
    ``a@b``) are broken with an invisible word joiner instead.
    """
    text = LINE_BREAKS.sub(" ", text.translate(BIDI_CONTROLS)).strip(" ")
    text = LONG_WORD.sub(lambda word: word[0][: WORD_LIMIT - 1] + "…", text)
    if len(text) > TEXT_LIMIT:
        text = text[: TEXT_LIMIT - 1] + "…"
    text = AUTOLINK_START.sub(lambda found: found[0] + JOINER, text).replace("@", JOINER + "@")
    return "".join("\\" + ch if ch in PUNCTUATION else ch for ch in text)


#: CommonMark's ASCII punctuation, every character of which can be escaped.
PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
#: Markdown reads blocks (headings, code, lists) from line starts: one line, no indent.
LINE_BREAKS = re.compile(r"[ \t\n\v\f\r\x1c-\x1f\x85\u2028\u2029]+")
BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
#: GFM autolinks start at "www." and a scheme's ":" (http://, mailto:x); emoji codes at ":x".
AUTOLINK_START = re.compile(r"(?i)www(?=\.)|:(?=\S)")
JOINER = "\u2060"
WORD_LIMIT = 80
TEXT_LIMIT = 1000
LONG_WORD = re.compile(rf"\S{{{WORD_LIMIT + 1},}}")


def _steps(kind: str, values: tuple[str, ...], current: str, lang: str, css: str, mark: str) -> str:
    items = []
    count = len(values)
    for index, value in enumerate(values):
        width = 100 - index * (50 // max(count - 1, 1)) if kind == "stage" else None
        style_attr = f' style="width:{width}%"' if width else ""
        name = escape(label(kind, value, lang))
        if value == current:
            items.append(
                f'<li class="fc-current" aria-current="step"{style_attr}>{name}'
                f'<span class="fc-visually-hidden"> ({escape(mark)})</span></li>'
            )
        else:
            items.append(f"<li{style_attr}>{name}</li>")
    return f'<ol class="{css}">{"".join(items)}</ol>'


def steps(verdict: Verdict, kind: str, lang: str) -> str:
    """The funnel (kind "stage") or the journey (kind "phase"), current step marked."""
    _ = gettext(lang)
    title, values, current, css, mark = (
        (FUNNEL_TITLE, STAGES, verdict.stage, "fc-funnel", YOU_ARE_HERE)
        if kind == "stage"
        else (JOURNEY_TITLE, PHASES, verdict.phase, "fc-journey", CURRENT_PHASE)
    )
    return f"**{_(title)}**\n\n{_steps(kind, values, current, lang, css, _(mark))}"


def bar(name: str, value: int, maximum: int) -> str:
    percent = max(0, min(100, round(100 * value / maximum)))
    return (
        f'<div class="fc-bar"><div>{escape(name)}</div>'
        f'<div class="fc-bar__track" aria-hidden="true">'
        f'<div class="fc-bar__fill" style="width:{percent}%"></div></div></div>'
    )


def badges(verdict: Verdict, lang: str) -> str:
    _ = gettext(lang)
    parts = []
    if verdict.temperature:
        parts.append(
            f'<span class="fc-badge fc-badge--{verdict.temperature}">'
            f"{escape(_(TEMPERATURE) + colon(lang))}"
            f"{escape(label('temperature', verdict.temperature, lang))}"
            "</span>"
        )
    parts.append(f'<span class="fc-badge">{escape(_(SCORE).format(score=verdict.score))}</span>')
    return f'<div class="fc-badges">{"".join(parts)}</div>'


def scores(verdict: Verdict, lang: str) -> str:
    _ = gettext(lang)
    html = bar(_(SCORE_OF).format(name=_(FIT), value=verdict.fit, max=50), verdict.fit, 50)
    html += bar(
        _(SCORE_OF).format(name=_(ENGAGEMENT), value=verdict.engagement, max=50),
        verdict.engagement,
        50,
    )
    return f"<div>{html}</div>"


def criteria(verdict: Verdict, lang: str) -> str:
    _ = gettext(lang)
    items = "".join(
        f'<li class="fc-{c.outcome}"><span aria-hidden="true">{ICONS[c.outcome]}</span> '
        f"<strong>{escape(label('criterion', c.id, lang))}</strong> "
        f"({escape(label('outcome', c.outcome, lang))}){escape(colon(lang))}{escape(c.text)}</li>"
        for c in verdict.criteria
    )
    return f'**{_(CRITERIA)}**\n\n<ul class="fc-criteria">{items}</ul>'


def note(text: str, kind: str) -> str:
    """A boxed line (kind "info" or "warning"), as HTML: one Markdown block with the rest."""
    text = LINE_BREAKS.sub(" ", text).strip()
    return f'<div class="fc-note fc-note--{kind}">{escape(text)}</div>'


def verdict_view(verdict: Verdict, lang: str) -> None:
    """The whole verdict: summary, pictures, criteria, what is missing, next action.

    A heading and one Markdown block: every element is a message to the browser
    and a share of each rerun's time, so the parts are blocks of one text (blank
    lines between them, so HTML and Markdown alternate)."""
    _ = gettext(lang)
    st.header(f"{_(VERDICT)}{colon(lang)}{label('stage', verdict.stage, lang)}", anchor=False)
    blocks = [plain(verdict.summary), badges(verdict, lang)]
    if verdict.out_of_target:
        blocks.append(note(_(OUT_OF_TARGET), "warning"))
    blocks += [steps(verdict, "stage", lang), steps(verdict, "phase", lang)]
    blocks += [scores(verdict, lang), criteria(verdict, lang), f"**{_(MISSING)}**"]
    if verdict.missing:
        blocks.append("\n".join(f"- {plain(m.text)}" for m in verdict.missing))
    else:
        blocks.append(_(NOTHING_MISSING))
    action = label("next_action", verdict.next_action.id, lang)
    blocks.append(f"**{_(NEXT_ACTION)}{colon(lang)}{escape(action)}**")
    blocks.append(note(verdict.next_action.text, "info"))
    blocks.append(playbook_markdown(verdict.next_action.id, lang))
    st.markdown("\n\n".join(blocks), unsafe_allow_html=True)
