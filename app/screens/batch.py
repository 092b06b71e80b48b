"""Batch: classify a CRM export (CSV) and see the whole list through the funnel.

The upload stays in memory: Streamlit keeps uploaded files in RAM, this page
hands the bytes to `classify_csv`, and nothing is written to disk or logged.
"""

from __future__ import annotations

from html import escape

import polars as pl
import streamlit as st

from classifier import (
    FIELDS,
    NEXT_ACTIONS,
    STAGES,
    BatchFileError,
    BatchResult,
    classify_csv,
    label,
)

from .. import rules, state
from ..form import model_selector
from ..i18n import N_, NN_, gettext, ngettext
from ..view import MISSING, NEXT_ACTION, STAGE, TEMPERATURE, plain, style

RESULT = "batch_result"  # (upload id, model, lang) -> BatchResult
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
SHOWN_ROWS = 20
OWN_COLUMNS = 3
PROBLEM = N_("Why it was rejected")
#: Verdict columns whose values are ids, shown as the label in the learner's words.
LABELLED = ("stage", "temperature", "next_action")
SHOWN_REJECTED = 100

BARS = """<style>
.fc-count{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr auto;gap:.3rem .6rem;
 align-items:center;margin:.2rem 0 1rem}
.fc-count__track{height:1rem;background:#e0e0e0;border-radius:.3rem;overflow:hidden}
.fc-count__fill{height:100%;background:#283593}
.fc-count--funnel .fc-count__fill{margin:0 auto}
.fc-count__value{font-variant-numeric:tabular-nums;color:#1a1a2e}
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


def preview(result: BatchResult, rows: int, lang: str) -> pl.DataFrame:
    """The first rows as a learner reads them: who, then the verdict in words.

    The contact's own columns (id, name, company…) stay as typed; the profile
    fields are left to the download. Every cell goes through `plain`, since
    st.table reads cells as Markdown.
    """
    _ = gettext(lang)
    frame = result.frame.head(rows)
    fields = {field.name for field in FIELDS}
    own = [c for c in result.input_columns if c not in fields][:OWN_COLUMNS]
    headers = {c: c for c in own} | {
        "stage": _(STAGE),
        "temperature": _(TEMPERATURE),
        "next_action": _(NEXT_ACTION),
        "missing": _(MISSING),
    }
    if frame["error"].null_count() < frame.height:
        headers["error"] = _(PROBLEM)
    text = frame.select(list(headers)).cast(pl.String)

    def shown(column: str, value: str | None) -> str:
        if not value:
            return ""
        return plain(label(column, value, lang) if column in LABELLED else value)

    return pl.DataFrame(
        {
            plain(header): [shown(column, value) for value in text[column]]
            for column, header in headers.items()
        }
    )


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
        return
    model = state.model()
    key = (upload.file_id, model, lang)
    cached = st.session_state.get(RESULT)
    if cached is None or cached[0] != key:
        bar = st.progress(0.0, text=_(WORKING))
        try:
            result = classify_csv(
                upload.getvalue(),
                model=model,
                lang=lang,
                rules=rules.current(),
                name=upload.name,
                progress=lambda done: bar.progress(done, text=_(WORKING)),
            )
        except BatchFileError as error:
            bar.empty()
            st.error(plain(_(UNUSABLE).format(message=error.message(lang))))
            return
        bar.empty()
        st.session_state[RESULT] = (key, result)
    else:
        result = cached[1]
    for warning in result.warnings:
        st.warning(plain(warning))
    summary = _(DONE).format(
        classified=result.classified, total=result.total, rejected=len(result.rejected)
    )
    (st.success if not result.rejected else st.warning)(plain(summary))
    left, right = st.columns(2, gap="large")
    with left:
        count_chart(_(BY_STAGE), {s: result.stage_counts.get(s, 0) for s in STAGES}, "stage", lang)
    with right:
        actions = {a: result.next_action_counts.get(a, 0) for a in NEXT_ACTIONS}
        count_chart(_(BY_ACTION), {a: n for a, n in actions.items() if n}, "next_action", lang)
    st.download_button(
        _(DOWNLOAD),
        data=result.csv,
        file_name=f"classified-{upload.name.rsplit('.', 1)[0]}.csv",
        mime="text/csv",
        key="batch_download",
        type="primary",
        on_click="ignore",
    )
    shown = min(SHOWN_ROWS, result.frame.height)
    st.markdown(f"**{ngettext(lang)(*FIRST_ROWS, shown).format(count=shown)}**")
    # A plain table: real table semantics for screen readers, and none of the
    # data grid's English-only menus.
    st.table(preview(result, shown, lang), hide_index=True)
    if result.rejected:
        st.markdown(f"**{_(REJECTED)}**")
        st.markdown(
            "\n".join(
                f"- {plain(_(ROW).format(row=row, error=error))}"
                for row, error in result.rejected[:SHOWN_REJECTED]
            )
        )
        if len(result.rejected) > SHOWN_REJECTED:
            more = len(result.rejected) - SHOWN_REJECTED
            st.markdown(plain(ngettext(lang)(*MORE_REJECTED, more).format(count=more)))
