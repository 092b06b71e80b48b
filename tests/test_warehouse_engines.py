"""The query on real engines: a local Spark (pyspark; needs a JDK) and a
throwaway PostgreSQL server (Debian's `postgresql` package), each over 10,000
random profiles under every model, equal to `classify()` on every row.

Without Java or PostgreSQL the tests skip with the reason on a desk, and fail
under CI (`.ci/run` installs both)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import in_ci
from warehouse_profiles import VERDICT, expected, parse, random_profiles

from classifier import FIELDS, default_rulebook
from warehouse import select_sql

ROWS = 10_000
MODELS = tuple(default_rulebook().models)


def missing(reason: str) -> None:
    """Skip on a desk without the engine; fail in CI, which must run these."""
    if in_ci(os.environ):
        pytest.fail(f"{reason} (CI is set, so the warehouse engines must run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def profiles() -> list[dict[str, Any]]:
    return list(random_profiles(ROWS, seed=29))


@pytest.fixture(scope="module")
def wanted(profiles: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """What `classify()` says of each profile, per model."""
    rules = default_rulebook()
    parsed = [parse(p) for p in profiles]
    return {model: [expected(p, model, rules) for p in parsed] for model in MODELS}


def compare(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> None:
    assert len(got) == len(want)
    differ = [
        (row, w) for row, w in zip(got, want, strict=True) if {k: row[k] for k in VERDICT} != w
    ]
    assert not differ[:3], f"{len(differ)} rows differ"


# --- Spark -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark(profiles: list[dict[str, Any]]) -> Iterator[Any]:
    """One local Spark session for the module, with the profiles as `contacts`."""
    try:
        from pyspark.sql import SparkSession
        from pyspark.sql import types as T
    except ImportError:
        missing("pyspark is not installed")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing("no Java runtime for Spark (apt-get install default-jre-headless)")
    session = (
        SparkSession.builder.master("local[1]")
        .appName("funnel-coach-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    kinds = {"bool": T.BooleanType(), "count": T.LongType(), "choice": T.StringType()}
    schema = T.StructType(
        [T.StructField("id", T.LongType(), False)]
        + [T.StructField(f.name, kinds[f.kind], True) for f in FIELDS]
    )
    data = [(i, *(p[f.name] for f in FIELDS)) for i, p in enumerate(profiles)]
    session.createDataFrame(data, schema).createOrReplaceTempView("contacts")
    yield session
    session.stop()


def test_spark_runs_in_ansi_mode(spark: Any) -> None:
    """Spark's strict mode (the default since 4.0) is on: no silent overflow."""
    assert spark.conf.get("spark.sql.ansi.enabled") == "true"


@pytest.mark.parametrize("model", MODELS)
def test_spark_equals_classify_on_every_row(
    spark: Any, wanted: dict[str, list[dict[str, Any]]], model: str
) -> None:
    query = select_sql("spark", model=model)
    got = [r.asDict() for r in spark.sql(f"SELECT * FROM ({query}) AS q ORDER BY id").collect()]
    compare(got, wanted[model])


# --- PostgreSQL ---------------------------------------------------------------------------


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@pytest.fixture(scope="module")
def postgres(profiles: list[dict[str, Any]]) -> Iterator[Any]:
    """A throwaway PostgreSQL cluster on a unix socket in a temporary folder
    (run as `nobody` when the tests run as root: PostgreSQL refuses root),
    with the profiles as `contacts`."""
    try:
        import psycopg
    except ImportError:
        missing("psycopg is not installed")
    binaries = _postgres_bin()
    if binaries is None:
        missing("PostgreSQL is not installed (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="fc-pg-"))
    data, socket = root / "data", root / "run"
    socket.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "nobody", "--"]
        root.chmod(0o755)
        for path in (root, socket):
            shutil.chown(path, "nobody")
    env = {**os.environ, "LC_ALL": "C"}

    def run(*argv: str) -> None:
        subprocess.run([*as_user, *argv], check=True, capture_output=True, env=env, cwd=root)

    run(
        str(binaries / "initdb"),
        "-D",
        str(data),
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-sync",
    )
    options = f"-k {socket} -c listen_addresses= -F"
    run(
        str(binaries / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(root / "log"),
        "-w",
        "start",
    )
    try:
        with psycopg.connect(host=str(socket), user="postgres", dbname="postgres") as connection:
            kinds = {"bool": "boolean", "count": "bigint", "choice": "text"}
            columns = ", ".join(f"{f.name} {kinds[f.kind]}" for f in FIELDS)
            connection.execute(f"CREATE TABLE contacts (id bigint primary key, {columns})")
            names = ", ".join(["id", *(f.name for f in FIELDS)])
            with connection.cursor().copy(f"COPY contacts ({names}) FROM STDIN") as copy:
                for i, p in enumerate(profiles):
                    copy.write_row((i, *(p[f.name] for f in FIELDS)))
            connection.commit()
            yield connection
    finally:
        run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("model", MODELS)
def test_postgres_equals_classify_on_every_row(
    postgres: Any, wanted: dict[str, list[dict[str, Any]]], model: str
) -> None:
    query = select_sql("postgres", model=model, table="public.contacts")
    cursor = postgres.execute(f"SELECT * FROM ({query}) AS q ORDER BY id")
    names = [d.name for d in cursor.description or ()]
    got = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    compare(got, wanted[model])


def test_postgres_types_the_columns(postgres: Any) -> None:
    cursor = postgres.execute(f"SELECT * FROM ({select_sql('postgres')}) AS q LIMIT 0")
    types = {d.name: d.type_code for d in cursor.description or ()}
    from psycopg.postgres import types as registry

    def name(column: str) -> str:
        info = registry.get(types[column])
        return info.name if info else str(types[column])

    assert name("out_of_target") == "bool"
    assert {name(c) for c in ("fit", "engagement", "score")} == {"int8"}
    assert {name(c) for c in ("stage", "next_action", "missing", "error")} == {"text"}
