"""The words of the `warehouse` package: the `sql` command's help and its
errors. They live in the classifier's catalog (`tools/i18n.py` extracts this
package into it), so a message has one translation wherever it is shown."""

from __future__ import annotations

from typing import Final

from classifier import load_translations
from classifier._i18n import N_, check_language

SQL_HELP: Final = N_("print one SQL query that classifies every contact of a warehouse table")
SQL_DESCRIPTION: Final = N_(
    "Print one SELECT, in the SQL of your data warehouse, that returns every column of the "
    "table plus the verdict columns stage, phase, temperature, out_of_target, fit, engagement, "
    "score, next_action, missing (criterion ids joined by “; ”) and error, exactly as "
    "`funnel-coach classify` decides them. The table has a column per profile field, named as "
    "the field, typed boolean, integer or text; NULL means unknown. The query is generated "
    "from the rulebook: yours with --rules."
)
DIALECT_HELP: Final = N_("the SQL dialect to write: %(choices)s")
TABLE_HELP: Final = N_(
    "the table or view to read: name, schema.name or catalog.schema.name (default: contacts)"
)
SQL_LANG_HELP: Final = N_(
    "add the columns stage_label, next_action_label and missing_label, and word the error "
    "column, in this language: %(choices)s (default: no label columns, errors in en)"
)

ERROR_MESSAGES: Final[dict[str, str]] = {
    "unknown_dialect": N_("Unknown SQL dialect “{dialect}”; dialects: {dialects}."),
    "unknown_model": N_("Unknown model “{model}”; available models: {models}."),
    "bad_table": N_(
        "“{table}” is not a table name: --table takes name, schema.name or "
        "catalog.schema.name, each part starting with a letter or _ and made of letters, "
        "digits, _, $ and -."
    ),
    "too_big_number": N_(
        "The rule {rule} cannot be written in SQL: its number {value} is beyond ±{limit}, "
        "the range the query keeps exact in every dialect."
    ),
    "score_in_score": N_(
        "The rule {rule} cannot be written in SQL: a score row cannot test a score (fit or "
        "engagement), since the scores are made of those rows."
    ),
    "too_many_cases": N_(
        "The rule {rule} cannot be written in SQL: the best case of its score would try "
        "{count} combinations of unknown values, more than {limit}."
    ),
    "unknown_test": N_(
        "The rule {rule} cannot be written in SQL: the SQL generator does not know this kind "
        "of test."
    ),
    "not_installed": N_(
        "Writing SQL needs the sqlglot package: run `pip install -e .[warehouse]`."
    ),
}


class WarehouseError(ValueError):
    """A query that cannot be written: a bad option, or a rule SQL cannot express
    (`params["rule"]` names it, as a key path of the rulebook)."""

    def __init__(self, code: str, **params: str) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        t = load_translations(check_language(lang))
        return t.gettext(ERROR_MESSAGES[self.code]).format(**self.params)


__all__ = ["ERROR_MESSAGES", "WarehouseError"]
