"""Batch: classify a CRM export (CSV) and see the whole list through the funnel.

The upload stays in memory: Streamlit keeps uploaded files in RAM (the server
keeps Starlette from spooling them to disk), this page pipes the bytes to a
child process (`app.worker`, with memory and time limits) and keeps only what
it shows; the classified file is held for this session's download only
(`app.downloads`). Nothing is written to disk or logged.
"""

from __future__ import annotations

from html import escape

import polars as pl
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from classifier import NEXT_ACTIONS, STAGES, BatchFileError, label

from .. import downloads, rules, state
from ..form import model_selector
from ..i18n import N_, NN_, gettext, ngettext
from ..view import MISSING, NEXT_ACTION, STAGE, TEMPERATURE, plain, style
from ..worker import SECONDS, BatchFailed, Outcome, classify_upload

RESULT = "batch_result"  # (upload id, model, lang), Outcome, download path
UPLOAD = "batch_upload"
MAX_MB = 200

TITLE = N_("Classify a CRM export")
INTRO = N_(
    "Upload a CSV export of your contacts: a header row with the classifier's field names "
    "(interactions, identified, consent, in_target, budget…), comma or semicolon separated. "
    "Other columns are kept as they are. The file stays in memory and is never saved."
)
UPLOAD_LABEL = N_("CSV file of contacts")
LIMIT = N_("At most {size} MB, UTF-8 text, .csv")
SAMPLE = N_("No file at hand? Try the sample of 200 invented contacts: {link}.")
SAMPLE_LINK = N_("download contacts.csv")
WORKING = N_("Classifying…")
DONE = N_("{classified} of {total} rows classified; {rejected} rejected.")
BY_STAGE = N_("Contacts per stage")
BY_ACTION = N_("Next actions")
FIRST_ROWS = NN_("The first row", "The first {count} rows")
DOWNLOAD = N_("Download the classified CSV")
REJECTED = N_("Rejected rows")
ROW = N_("Row {row}: {error}")
MORE_REJECTED = NN_(
    "…and one more row: see its error column in the downloaded file.",
    "…and {count} more rows: see their error column in the downloaded file.",
)
UNUSABLE = N_("This file cannot be classified: {message}")
TOO_BIG = N_(
    "This file needs more memory than the server gives one file: split it, or classify it "
    "with the command line (funnel-coach batch), which reads files of any length."
)
TOO_SLOW = N_(
    "Classifying this file took more than {minutes} minutes, the most the server gives one "
    "file: split it, or classify it with the command line (funnel-coach batch)."
)
QUEUED = N_("Other files are being classified right now; yours starts as soon as one is done.")
BUSY = N_(
    "The server is busy classifying other files: try again in a few minutes, or classify this "
    "file with the command line (funnel-coach batch)."
)
PROBLEM = N_("Why it was rejected")
#: Verdict columns whose values are ids, shown as the label in the learner's words.
LABELLED = ("stage", "temperature", "next_action")

BARS = """<style>
.fc-count{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr auto;gap:.3rem .6rem;
 align-items:center;margin:.2rem 0 1rem}
.fc-count__track{height:1rem;background:#e0e0e0;border-radius:.3rem;overflow:hidden}
.fc-count__fill{height:100%;background:#283593}
.fc-count--funnel .fc-count__fill{margin:0 auto}
.fc-count__value{font-variant-numeric:tabular-nums;color:#1a1a2e}
.fc-download{display:inline-block;padding:.45rem .9rem;border-radius:.5rem;background:#283593;
 color:#fff!important;text-decoration:none!important;font-weight:600}
.fc-download:hover{background:#1a237e}
.fc-download:focus-visible{outline:2px solid #283593;outline-offset:2px}
</style>"""


def count_chart(title: str, counts: dict[str, int], kind: str, lang: str) -> None:
    """Horizontal bars drawn in HTML: readable without scripts, named for screen readers."""
    top = max(counts.values(), default=0) or 1
    rows = "".join(
        f"<span>{escape(label(kind, key, lang))}</span>"
        f'<span class="fc-count__track" aria-hidden="true">'
        f'<span class="fc-count__fill" style="display:block;width:{round(100 * n / top)}%"></span>'
        f'</span><span class="fc-count__value">{n}</span>'
        for key, n in counts.items()
    )
    st.markdown(f"**{escape(title)}**")
    shape = " fc-count--funnel" if kind == "stage" else ""
    st.markdown(f'<div class="fc-count{shape}">{rows}</div>', unsafe_allow_html=True)


def preview(outcome: Outcome, lang: str) -> pl.DataFrame:
    """The first rows as a learner reads them: who, then the verdict in words.

    The contact's own columns (id, name, company…) stay as typed; the profile
    fields are left to the download. Every cell goes through `plain`, since
    st.table reads cells as Markdown.
    """
    _ = gettext(lang)
    own = outcome.columns[: -len(VERDICT_SHOWN)]
    headers = {c: c for c in own} | {
        "stage": _(STAGE),
        "temperature": _(TEMPERATURE),
        "next_action": _(NEXT_ACTION),
        "missing": _(MISSING),
    }
    if any(row["error"] for row in outcome.rows):
        headers["error"] = _(PROBLEM)

    def shown(column: str, value: str | None) -> str:
        if not value:
            return ""
        return plain(label(column, value, lang) if column in LABELLED else value)

    # `plain` shortens long headers: two of them may then read the same.
    names: dict[str, str] = {}
    for column, header in headers.items():
        name = plain(header)
        while name in names.values():
            name += "\u200b"
        names[column] = name
    return pl.DataFrame(
        {names[column]: [shown(column, row[column]) for row in outcome.rows] for column in headers},
        schema={name: pl.String for name in names.values()},
    )


#: The verdict columns the worker sends after the contact's own.
VERDICT_SHOWN = ("stage", "temperature", "next_action", "missing", "error")


def classified(upload: UploadedFile, model: str, lang: str) -> tuple[Outcome, str] | None:
    """The outcome and download path for this upload, computed once per
    (file, model, language); None, with the reason shown, when it cannot be."""
    _ = gettext(lang)
    key = (upload.file_id, model, lang)
    cached = st.session_state.get(RESULT)
    if cached is not None and cached[0] == key:
        return cached[1], cached[2]
    st.session_state.pop(RESULT, None)
    context = get_script_run_ctx()
    session = context.session_id if context is not None else "local"
    downloads.drop(session)
    bar = st.progress(0.0, text=_(WORKING))
    try:
        outcome, data = classify_upload(
            upload.getvalue(),
            model=model,
            lang=lang,
            name=upload.name,
            rules_text=rules.team_text(),
            progress=lambda done: bar.progress(done, text=_(WORKING)),
            waiting=lambda: bar.progress(0.0, text=_(QUEUED)),
        )
    except BatchFileError as error:
        st.error(plain(_(UNUSABLE).format(message=error.message(lang))))
        return None
    except BatchFailed as failed:
        limit = {"time": _(TOO_SLOW).format(minutes=SECONDS // 60), "busy": _(BUSY)}
        st.error(plain(limit.get(failed.reason, _(TOO_BIG))))
        return None
    finally:
        bar.empty()
    name = f"classified-{upload.name.rsplit('.', 1)[0]}.csv"
    path = downloads.publish(session, st.context.cookies.get(downloads.COOKIE), name, data)
    st.session_state[RESULT] = (key, outcome, path)
    return outcome, path


def render() -> None:
    lang = str(st.session_state[state.LANG])
    _ = gettext(lang)
    style()
    st.markdown(_(INTRO))
    sample = "../assets/examples/contacts.csv"
    st.markdown(_(SAMPLE).format(link=f"[{_(SAMPLE_LINK)}]({sample})"))
    model_selector(lang)
    st.markdown(BARS, unsafe_allow_html=True)
    upload = st.file_uploader(
        _(UPLOAD_LABEL),
        # No `type=`: Streamlit would refuse other files with an English message;
        # classify_csv refuses what is not text in the learner's language.
        key=UPLOAD,
        help=_(LIMIT).format(size=MAX_MB),
        max_upload_size=MAX_MB,
    )
    state.publish(page="batch", extra={})
    if upload is None:
        st.session_state.pop(RESULT, None)
        context = get_script_run_ctx()
        if context is not None:
            downloads.drop(context.session_id)
        return
    model = state.model()
    done = classified(upload, model, lang)
    if done is None:
        return
    outcome, path = done
    for warning in outcome.warnings:
        st.warning(plain(warning))
    summary = _(DONE).format(
        classified=outcome.classified, total=outcome.total, rejected=outcome.rejected
    )
    (st.success if not outcome.rejected else st.warning)(plain(summary))
    left, right = st.columns(2, gap="large")
    with left:
        counts = {s: outcome.stage_counts.get(s, 0) for s in STAGES}
        count_chart(_(BY_STAGE), counts, "stage", lang)
    with right:
        actions = {a: outcome.next_action_counts.get(a, 0) for a in NEXT_ACTIONS}
        count_chart(_(BY_ACTION), {a: n for a, n in actions.items() if n}, "next_action", lang)
    # A link, not st.download_button: Streamlit's media store would serve the
    # file to anyone with its URL, without a session, after the session ended.
    st.markdown(
        f'<a class="fc-download" href="{escape(path)}" download>{escape(_(DOWNLOAD))}</a>',
        unsafe_allow_html=True,
    )
    shown = len(outcome.rows)
    st.markdown(f"**{ngettext(lang)(*FIRST_ROWS, shown).format(count=shown)}**")
    # A plain table: real table semantics for screen readers, and none of the
    # data grid's English-only menus.
    st.table(preview(outcome, lang), hide_index=True)
    if outcome.rejected:
        st.markdown(f"**{_(REJECTED)}**")
        st.markdown(
            "\n".join(
                f"- {plain(_(ROW).format(row=row, error=error))}" for row, error in outcome.listed
            )
        )
        if outcome.rejected > len(outcome.listed):
            more = outcome.rejected - len(outcome.listed)
            st.markdown(plain(ngettext(lang)(*MORE_REJECTED, more).format(count=more)))
