"""The public functions, light to import: sqlglot (half a second to import) is
loaded only when a query is written, not by every `funnel-coach` command."""

from __future__ import annotations

from typing import Final

from classifier import Rulebook, default_rulebook

from ._messages import WarehouseError

#: The dialects `select_sql` writes (sqlglot's names for them).
DIALECTS: Final[tuple[str, ...]] = ("duckdb", "postgres", "spark", "bigquery", "snowflake", "trino")


def select_sql(
    dialect: str,
    *,
    model: str = "funnel",
    table: str = "contacts",
    lang: str | None = None,
    rules: Rulebook | None = None,
    pretty: bool = True,
) -> str:
    """One SELECT over `table` that returns its columns plus the verdict columns,
    in `dialect`, for `model` of `rules` (the default rulebook unless given).

    `lang` adds the label columns and words the error column. Raises
    `WarehouseError` for an unknown dialect or model, a table name that is not
    one, or a rule SQL cannot express (the error names it).
    """
    if dialect not in DIALECTS:
        raise WarehouseError("unknown_dialect", dialect=dialect, dialects=", ".join(DIALECTS))
    try:
        from ._sql import Options
        from ._sql import select_sql as write
    except ImportError:
        raise WarehouseError("not_installed") from None
    book = rules if rules is not None else default_rulebook()
    return write(book, Options(dialect, model, table, lang), pretty=pretty)


__all__ = ["DIALECTS", "select_sql"]
