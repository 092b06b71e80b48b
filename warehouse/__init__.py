"""The rulebook in the data warehouse: the classifier's rules as one SQL
`SELECT` for DuckDB, PostgreSQL, Spark, BigQuery, Snowflake or Trino, built
with sqlglot from the rulebook (the default one or a team's). The engine
(`classifier`) never imports this package; the command line (`funnel-coach
sql`) does, when asked.

    >>> from warehouse import select_sql
    >>> "FROM contacts AS t" in select_sql("duckdb")
    True
"""

from ._api import DIALECTS, select_sql
from ._command import add_sql_parser, run_sql
from ._messages import WarehouseError

__all__ = ["DIALECTS", "WarehouseError", "add_sql_parser", "run_sql", "select_sql"]
