"""Batch: classify a CRM export (CSV or .xlsx) and see the whole list through the funnel.

A CRM's export (HubSpot, Salesforce, Pipedrive…) is first shown as the `crm`
package reads it: the CRM recognised, the encoding and delimiter, and which
column feeds which field; the learner may change a column's field or leave it
unread, then classifies. A file whose header names the profile's fields is
classified at once, as before.

The upload stays in memory: Streamlit keeps uploaded files in RAM (the server
keeps Starlette from spooling them to disk), this page pipes the bytes to a
child process (`app.worker`, with memory and time limits) and keeps only what
it shows; the classified file is held for this session's download only
(`app.downloads`). Nothing is written to disk or logged.
"""

from __future__ import annotations

import hashlib
from html import escape
from pathlib import Path

import polars as pl
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from classifier import FIELDS, NEXT_ACTIONS, STAGES, BatchFileError, label

from .. import downloads, rules, state
from ..form import model_selector
from ..i18n import N_, NN_, gettext, ngettext
from ..view import MISSING, NEXT_ACTION, STAGE, TEMPERATURE, plain
from ..worker import SECONDS, BatchFailed, Inspection, Outcome, classify_upload, inspect_upload

RESULT = "batch_result"  # (upload id, model, lang, mapping), Outcome, download path
UPLOAD = "batch_upload"
SAMPLE_KEY = "batch_sample"  # the sample export chosen, instead of an upload
INSPECTED = "batch_inspected"  # (source id, lang, mapping), Inspection
MAPPING_TABLE = "batch_mapping"  # the container of the mapping table (CSS: .st-key-batch_mapping)
CONFIRMED = "batch_confirmed"  # (source id, mapping) the learner chose to classify
CHOICE = "batch_column_{n}"
MAX_MB = 200
#: The invented exports of examples/crm/, one a preset.
SAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples" / "crm"

TITLE = N_("Classify a CRM export")
INTRO = N_(
    "Upload your contacts as your CRM exports them (HubSpot, Salesforce, Pipedrive, Zoho, "
    "RD Station, Mautic, Brevo, Odoo), or a CSV whose header uses the classifier's field "
    "names. The page shows how it reads each column before classifying. Other columns are "
    "kept as they are. The file stays in memory and is never saved."
)
UPLOAD_LABEL = N_("CRM export (CSV or Excel)")
LIMIT = N_("At most {size} MB: CSV (UTF-8, UTF-16 or Windows-1252) or Excel .xlsx")
SAMPLES = N_("No export at hand? Try an invented one:")
SAMPLE_BUTTON = N_("{crm} sample")
SAMPLE_CHOSEN = N_("Sample export in use: {file}. Upload a file to use yours instead.")
MAPPING = N_("How the columns are read")
MAP_COLUMN = N_("Column")
MAP_FIELD = N_("Field")
MAP_RULE = N_("Rule")
RECORD_ID = N_("{column} is the record id: it is copied first among the verdict columns.")
UNKNOWN = N_("Stay unknown (no column for them): {fields}")
NO_CRM = N_(
    "No CRM recognised from this header: choose below which field each column holds, then classify."
)
CHANGE = N_("Change how a column is read")
AS_READ = N_("as read above")
NOT_READ = N_("not read (unknown)")
CLASSIFY = N_("Classify these contacts")
REVIEW = N_("Check how the columns are read, change one if needed, then classify.")
DOWNLOAD_NAME = N_("classified-contacts-{name}.csv")
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


def classified(
    source: tuple[str, str, bytes], model: str, lang: str, mapping: dict[str, str | None]
) -> tuple[Outcome, str] | None:
    """The outcome and download path for this file, computed once per
    (file, model, language, mapping); None, with the reason shown, when it cannot be.

    `source` is (id, name, bytes): an upload or a sample export."""
    _ = gettext(lang)
    ident, file_name, data = source
    key = (ident, model, lang, tuple(sorted(mapping.items())))
    cached = st.session_state.get(RESULT)
    if cached is not None and cached[0] == key:
        return cached[1], cached[2]
    st.session_state.pop(RESULT, None)
    context = get_script_run_ctx()
    session = context.session_id if context is not None else "local"
    downloads.drop(session)
    bar = st.progress(0.0, text=_(WORKING))
    try:
        outcome, csv = classify_upload(
            data,
            model=model,
            lang=lang,
            name=file_name,
            rules_text=rules.team_text(),
            progress=lambda done: bar.progress(done, text=_(WORKING)),
            waiting=lambda: bar.progress(0.0, text=_(QUEUED)),
            mapping=mapping,
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
    name = _(DOWNLOAD_NAME).format(name=file_name.rsplit(".", 1)[0])
    path = downloads.publish(session, st.context.cookies.get(downloads.COOKIE), name, csv)
    st.session_state[RESULT] = (key, outcome, path)
    return outcome, path


def inspected(
    source: tuple[str, str, bytes], lang: str, mapping: dict[str, str | None]
) -> Inspection | None:
    """How the file is read and mapped, once per (file, language, mapping)."""
    _ = gettext(lang)
    ident, file_name, data = source
    key = (ident, lang, tuple(sorted(mapping.items())))
    cached = st.session_state.get(INSPECTED)
    if cached is not None and cached[0] == key:
        return cached[1]  # type: ignore[no-any-return]
    try:
        found = inspect_upload(data, lang=lang, name=file_name, mapping=mapping)
    except BatchFileError as error:
        st.error(plain(_(UNUSABLE).format(message=error.message(lang))))
        return None
    except BatchFailed as failed:
        limit = {"time": _(TOO_SLOW).format(minutes=SECONDS // 60), "busy": _(BUSY)}
        st.error(plain(limit.get(failed.reason, _(TOO_BIG))))
        return None
    st.session_state[INSPECTED] = (key, found)
    return found


def sample_files() -> dict[str, Path]:
    """The invented export of each preset, by preset id (examples/crm/<id>.*)."""
    from crm import presets

    found: dict[str, Path] = {}
    for preset_id in presets():
        for path in sorted(SAMPLES_DIR.glob(f"{preset_id}.*")):
            found[preset_id] = path
    return found


def sample_buttons(lang: str) -> None:
    """One "try a sample export" button a preset."""
    from crm import presets

    _ = gettext(lang)
    st.markdown(_(SAMPLES))
    # One wrapping row: the buttons keep their order on a phone too.
    with st.container(horizontal=True, gap="small"):
        for preset_id, path in sample_files().items():
            name = presets()[preset_id].name
            if st.button(_(SAMPLE_BUTTON).format(crm=name), key=f"sample_{preset_id}"):
                st.session_state[SAMPLE_KEY] = path.name
                _reset_choices()


def _reset_choices() -> None:
    for key in [k for k in st.session_state if str(k).startswith("batch_column_")]:
        del st.session_state[key]
    st.session_state.pop(CONFIRMED, None)


def choices(found: Inspection) -> dict[str, str | None]:
    """The learner's column choices so far (from the select boxes' state)."""
    chosen: dict[str, str | None] = {}
    for n, column in enumerate(found.header):
        value = st.session_state.get(CHOICE.format(n=n))
        if value is None or value == "":
            continue
        chosen[column] = None if value == "-" else str(value)
    return chosen


def mapping_review(found: Inspection, lang: str) -> None:
    """The columns as read, and the select boxes to change them."""
    _ = gettext(lang)
    st.markdown(f"**{plain(_(MAPPING))}**")
    if not found.rows:
        st.info(plain(_(NO_CRM)))
    else:
        with st.container(key=MAPPING_TABLE):
            table = pl.DataFrame(
                {
                    plain(_(MAP_COLUMN)): [plain(c) for c, _f, _r in found.rows],
                    plain(_(MAP_FIELD)): [", ".join(f) for _c, f, _r in found.rows],
                    plain(_(MAP_RULE)): [plain(r) for _c, _f, r in found.rows],
                },
                schema={plain(_(n)): pl.String for n in (MAP_COLUMN, MAP_FIELD, MAP_RULE)},
            )
            st.table(table, hide_index=True)
    if found.record_id is not None:
        st.markdown(plain(_(RECORD_ID).format(column=found.record_id)))
    if found.unknown:
        st.markdown(plain(_(UNKNOWN).format(fields=", ".join(found.unknown))))
    options = ["", "-", *(f.name for f in FIELDS)]
    words = {"": _(AS_READ), "-": _(NOT_READ)}
    with st.expander(_(CHANGE), expanded=not found.rows):
        for n, column in enumerate(found.header):
            st.selectbox(
                column if column.strip() else f"#{n + 1}",
                options,
                key=CHOICE.format(n=n),
                format_func=lambda v: words.get(v, v),
            )


def _source(upload: UploadedFile | None) -> tuple[str, str, bytes] | None:
    """The file to work on: the upload, else the sample export chosen."""
    if upload is not None:
        st.session_state.pop(SAMPLE_KEY, None)
        context = get_script_run_ctx()
        if context is not None:
            downloads.watch_upload(context.session_id, upload.file_id)
        return upload.file_id, upload.name, upload.getvalue()
    sample = st.session_state.get(SAMPLE_KEY)
    if sample is None:
        return None
    path = SAMPLES_DIR / str(sample)
    data = path.read_bytes()
    return "sample:" + hashlib.sha256(data).hexdigest(), path.name, data


def render() -> None:
    lang = str(st.session_state[state.LANG])
    _ = gettext(lang)
    st.markdown(_(INTRO))
    sample = "../assets/examples/contacts.csv"
    st.markdown(_(SAMPLE).format(link=f"[{_(SAMPLE_LINK)}]({sample})"))
    model_selector(lang)
    st.markdown(BARS, unsafe_allow_html=True)
    upload = st.file_uploader(
        _(UPLOAD_LABEL),
        # No `type=`: Streamlit would refuse other files with an English message;
        # the reader refuses what is not a table in the learner's language.
        key=UPLOAD,
        help=_(LIMIT).format(size=MAX_MB),
        max_upload_size=MAX_MB,
        on_change=_reset_choices,
    )
    sample_buttons(lang)
    state.publish(page="batch", extra={})
    source = _source(upload)
    if source is None:
        st.session_state.pop(RESULT, None)
        context = get_script_run_ctx()
        if context is not None:
            downloads.drop(context.session_id)
        return
    if upload is None:
        st.info(plain(_(SAMPLE_CHOSEN).format(file=source[1])))
    found = inspected(source, lang, {})
    if found is None:
        return
    for line in found.read:
        st.markdown(plain(line))
    mapping: dict[str, str | None] = {}
    if not found.contract:
        mapping = choices(found)
        if mapping:
            changed = inspected(source, lang, mapping)
            if changed is None:
                return
            found = changed
        mapping_review(found, lang)
        st.markdown(plain(_(REVIEW)))
        wanted = (source[0], tuple(sorted(mapping.items())))
        if st.button(_(CLASSIFY), type="primary", key="batch_classify"):
            st.session_state[CONFIRMED] = wanted
        if st.session_state.get(CONFIRMED) != wanted:
            return
    model = state.model()
    done = classified(source, model, lang, mapping)
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
