"""CRM exports for the batch classifier: file formats (CSV in any of the
encodings and delimiters spreadsheets write, .xlsx) and presets, as data
files, for HubSpot, Salesforce, Pipedrive, Zoho, RD Station, Mautic, Brevo
and Odoo. The engine (`classifier`) never imports this package; the command
line and the app use it to turn an export into `classifier.Prepared` input.

    >>> from crm import prepare
    >>> prepare("examples/crm/hubspot.csv").crm
    'HubSpot'
"""

from ._command import add_batch_options, run_batch
from ._import import Import, excel_delimiter, prepare, rule_text
from ._mapping import FALSE_CELLS, TRUE_CELLS, Bound, Mapping
from ._messages import CrmFileError, file_error
from ._presets import MAPPABLE, Preset, Rule, detect, preset, presets, read_map
from ._read import Table, read_bytes, read_path

__all__ = [
    "FALSE_CELLS",
    "MAPPABLE",
    "TRUE_CELLS",
    "Bound",
    "CrmFileError",
    "Import",
    "Mapping",
    "Preset",
    "Rule",
    "Table",
    "add_batch_options",
    "detect",
    "excel_delimiter",
    "file_error",
    "prepare",
    "preset",
    "presets",
    "read_bytes",
    "read_map",
    "read_path",
    "rule_text",
    "run_batch",
]
