"""The words of the `crm` package: errors about a file, the summary's lines
and the mapping's description. They live in the classifier's catalog
(`tools/i18n.py` extracts this package into it), so a message has one
translation wherever it is shown."""

from __future__ import annotations

from typing import Final

from classifier import BatchFileError, load_translations
from classifier._i18n import N_, check_language

FILE_MESSAGES: Final[dict[str, str]] = {
    "old_xls": N_(
        "{path} is an Excel 97-2003 workbook (.xls), a format from before 2007 that cannot be "
        "read here: open it in Excel or LibreOffice and save it as .xlsx or as CSV."
    ),
    "encrypted": N_(
        "{path} is protected by a password, so its cells cannot be read: open it, remove the "
        "password (File > Info > Protect Workbook) and save it again, or export it as CSV."
    ),
    "not_table": N_(
        "{path} is not a table: a CSV file (text, one contact a line) or an Excel workbook "
        "(.xlsx) is needed."
    ),
    "bad_xlsx": N_("{path} looks like an Excel workbook but cannot be opened: {reason}."),
    "no_sheet": N_("{path} has no sheet “{sheet}”; its sheets are: {sheets}."),
    "unknown_encoding": N_(
        "{path} is neither UTF-8 nor UTF-16 nor Windows-1252 text, so its accents would be "
        "read wrong: save it again as “CSV UTF-8”."
    ),
    "mixed_encoding": N_(
        "{path} mixes two encodings (UTF-8 and another): some accents would be read wrong. "
        "Save it again as “CSV UTF-8”."
    ),
    "unknown_header": N_(
        "The header of {path} is not one of a CRM export the classifier knows, and names no "
        "profile field. Columns read: {columns}. Closest presets: {presets}. Choose one with "
        "--preset NAME, or say what your columns hold with --map FILE."
    ),
    "unknown_preset": N_("Unknown preset “{preset}”; available presets: {presets}."),
    "bad_map": N_("The mapping file {path} cannot be used: {reason}."),
    "footer": N_(
        "The last row of {path} ({row}) is a report's footer, not a contact: delete it and "
        "any line under the table, or export the data without totals, then try again."
    ),
}

#: Why a mapping file is refused (the `reason` of "bad_map").
MAP_REASONS: Final[dict[str, str]] = {
    "toml": N_("it is not valid TOML ({detail})"),
    "field": N_("“{value}” is not a profile field; the fields are: {allowed}"),
    "kind": N_("“{value}” is not a kind of rule; the kinds are: {allowed}"),
    "shape": N_("{detail} is missing or of the wrong type"),
}

#: Encodings, as the summary names them.
ENCODING_NAMES: Final[dict[str, str]] = {
    "utf-8": N_("UTF-8"),
    "utf-8-sig": N_("UTF-8 with byte-order mark"),
    "utf-16": N_("UTF-16 (Excel's Unicode text)"),
    "windows-1252": N_("Windows-1252 (Western European)"),
}
DELIMITER_NAMES: Final[dict[str, str]] = {
    ",": N_("comma"),
    ";": N_("semicolon"),
    "\t": N_("tab"),
    "|": N_("vertical bar"),
}

READ_CSV: Final = N_("Read {path}: {encoding}, delimiter {delimiter}.")
READ_XLSX: Final = N_("Read {path}: Excel workbook, sheet “{sheet}”.")
PRESET_DETECTED: Final = N_("Columns read as a {crm} export (recognised from the header).")
PRESET_CHOSEN: Final = N_("Columns read as a {crm} export (as asked).")
CONTRACT_COLUMNS: Final = N_("Columns read by the profile fields' own names.")
MAPPING_TITLE: Final = N_("Column → field (rule):")
RECORD_ID_LINE: Final = N_("{column} → record_id (copied first among the verdict columns)")
PASSED: Final = N_("Passed through unchanged: {columns}")
UNKNOWN_FIELDS: Final = N_("Stay unknown (no column for them): {fields}")
NONE: Final = N_("none")

RULE_TEXTS: Final[dict[str, str]] = {
    "value": N_("the value as it is"),
    "bool": N_("yes or no, in any of the five languages, or x; empty is unknown"),
    "map": N_("values read as: {pairs}"),
    "map_other": N_("values read as: {pairs}; any other value is unknown"),
    "sum": N_("the sum of the columns; unknown when all are empty"),
    "present": N_("true when any of the columns is filled; unknown otherwise"),
}
UNKNOWN_WORD: Final = N_("unknown")


class CrmFileError(BatchFileError):
    """A file or mapping `crm` cannot use; its messages are `crm`'s own."""

    def message(self, lang: str = "en") -> str:
        if self.code not in FILE_MESSAGES:
            return super().message(lang)
        t = load_translations(check_language(lang))
        path = self.path if self.path is not None else t.gettext(N_("the file"))
        params = dict(self.params)
        if self.code == "bad_map" and "why" in params:
            reason = MAP_REASONS[params.pop("why")]
            params["reason"] = t.gettext(reason).format(**params)
        text = t.gettext(FILE_MESSAGES[self.code]).format(path=path, **params)
        return text[:1].upper() + text[1:] if self.path is None else text


def file_error(code: str, path: str | None, params: dict[str, str]) -> BatchFileError:
    """The error a child process reported, rebuilt with the right class."""
    kind = CrmFileError if code in FILE_MESSAGES else BatchFileError
    return kind(code, path, **params)


# --- The command line's batch options ------------------------------------------------

PRESET_HELP: Final = N_(
    "read the file as this CRM's export, whatever its header says: %(choices)s "
    "(default: recognised from the header)"
)
MAP_HELP: Final = N_(
    "a TOML file naming your own columns (custom fields such as budget or decision maker): "
    "a [columns] table of column = field, and [[rule]] tables as in the presets"
)
SHOW_MAPPING_HELP: Final = N_(
    "print which column feeds which field, by what rule, and which fields stay unknown; "
    "then stop without classifying"
)
SHEET_HELP: Final = N_("the sheet of an .xlsx workbook to read (default: the first)")
EXCEL_HELP: Final = N_(
    "write for Excel in the language of --lang: UTF-8 with a byte-order mark, “;” where "
    "decimals take a comma, stage and next action also as words"
)
OUTPUT_NEEDED: Final = N_("the following arguments are required: %s")
