"""`funnel-coach sql`: the rulebook as one SELECT. DuckDB runs it over 100,000
random profiles under every model and must agree with `classify()` on every
row and column; the other dialects' text is parsed back in its own dialect
(and, read back by sqlglot, run on DuckDB); bad options exit 2 with a clear,
localized message."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from sqlglot import exp
from warehouse_profiles import VERDICT, expected, parse, random_profiles

from classifier import FIELDS, ProfileError, default_rulebook, label, parse_rulebook
from classifier._cli import main
from classifier._rules import default_rulebook_text
from warehouse import DIALECTS, WarehouseError, select_sql

duckdb = pytest.importorskip("duckdb")
pa = pytest.importorskip("pyarrow")

ROWS = 100_000
MODELS = tuple(default_rulebook().models)
ARROW_TYPES = {"bool": "bool_", "count": "int64", "choice": "string"}


def contacts_table(profiles: Sequence[dict[str, Any]]) -> Any:
    """The profiles as an Arrow table typed as the contract says (and an id)."""
    columns = {"id": pa.array(range(len(profiles)), pa.int64())}
    for spec in FIELDS:
        kind = getattr(pa, ARROW_TYPES[spec.kind])()
        columns[spec.name] = pa.array([p[spec.name] for p in profiles], kind)
    return pa.table(columns)


@pytest.fixture(scope="module")
def profiles() -> list[dict[str, Any]]:
    return list(random_profiles(ROWS, seed=17))


@pytest.fixture(scope="module")
def parsed(profiles: list[dict[str, Any]]) -> list[Any]:
    return [parse(p) for p in profiles]


@pytest.fixture(scope="module")
def con(profiles: list[dict[str, Any]]) -> Iterator[Any]:
    connection = duckdb.connect()
    connection.register("source", contacts_table(profiles))
    connection.execute("CREATE TABLE contacts AS SELECT * FROM source")
    yield connection
    connection.close()


def rows(con: Any, query: str) -> list[dict[str, Any]]:
    result = con.execute(f"SELECT * FROM ({query}) AS q ORDER BY id")
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def test_the_profiles_cover_every_stage_and_rejection(parsed: list[Any]) -> None:
    """The random profiles reach every stage, and a share of them is rejected."""
    rejected = sum(isinstance(p, ProfileError) for p in parsed)
    assert 0.1 * ROWS < rejected < 0.5 * ROWS
    stages = {expected(p, "funnel", default_rulebook())["stage"] for p in parsed[:5000]}
    assert stages == {"stranger", "visitor", "lead", "prospect", "customer", None}


@pytest.mark.parametrize("model", MODELS)
def test_duckdb_equals_classify_on_every_row(
    con: Any, profiles: list[dict[str, Any]], parsed: list[Any], model: str
) -> None:
    rules = default_rulebook()
    got = rows(con, select_sql("duckdb", model=model))
    assert len(got) == ROWS
    assert list(got[0]) == ["id", *(f.name for f in FIELDS), *VERDICT]
    mismatches = []
    for row, profile, reference in zip(got, profiles, parsed, strict=True):
        want = expected(reference, model, rules)
        have = {key: row[key] for key in VERDICT}
        if have != want:
            mismatches.append((profile, have, want))
    assert not mismatches[:3], f"{len(mismatches)} rows differ"
    # The table's own columns come back unchanged.
    assert all(
        row[f.name] == p[f.name] for row, p in zip(got, profiles, strict=True) for f in FIELDS
    )


def test_the_columns_are_typed(con: Any) -> None:
    result = con.execute(f"DESCRIBE {select_sql('duckdb')}").fetchall()
    types = {name: kind for name, kind, *_ in result}
    assert types["out_of_target"] == "BOOLEAN"
    assert types["fit"] == types["engagement"] == types["score"] == "BIGINT"
    assert {types[c] for c in ("stage", "phase", "temperature", "next_action", "missing")} == {
        "VARCHAR"
    }


@pytest.mark.parametrize("lang", ["it", "pt"])
def test_lang_adds_labels_and_words_the_errors(
    con: Any, profiles: list[dict[str, Any]], lang: str
) -> None:
    rules = default_rulebook()
    query = select_sql("duckdb", model="bant", lang=lang)
    got = rows(con, f"SELECT * FROM ({query}) AS l WHERE id < 3000")
    assert list(got[0])[-3:] == ["stage_label", "next_action_label", "missing_label"]
    assert len(got) == 3000
    for row, profile in zip(got, profiles, strict=False):
        verdict = parse(profile)
        if isinstance(verdict, ProfileError):
            assert row["error"] == verdict.message(lang)
            assert row["stage_label"] is row["next_action_label"] is row["missing_label"] is None
            continue
        assert row["stage_label"] == label("stage", row["stage"], lang)
        assert row["next_action_label"] == label("next_action", row["next_action"], lang)
        names = [
            label("criterion", rules.criteria[c].message, lang)
            for c in row["missing"].split("; ")
            if c
        ]
        assert row["missing_label"] == "; ".join(names)
        assert row["missing"] == row["missing"].lower()  # ids, in every language


# --- The other dialects ------------------------------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_dialect_parses_back_in_its_own_sql(dialect: str) -> None:
    for model in MODELS:
        text = select_sql(dialect, model=model, table="crm.contacts", lang="fr")
        tree = sqlglot.parse_one(text, read=dialect)
        assert isinstance(tree, exp.Select)
        assert [e.alias_or_name for e in tree.expressions][1:] == [
            "score",
            "next_action",
            "missing",
            "error",
            "stage_label",
            "next_action_label",
            "missing_label",
        ]
        tables = list(tree.find_all(exp.Table))
        assert [(t.db, t.name) for t in tables] == [("crm", "contacts")]


@pytest.mark.parametrize("dialect", ["bigquery", "snowflake", "trino"])
def test_the_dialects_without_a_server_agree_when_read_back(
    con: Any, profiles: list[dict[str, Any]], parsed: list[Any], dialect: str
) -> None:
    """The text written for a warehouse we cannot run here, read back by sqlglot
    in that dialect and run on DuckDB, still agrees with `classify()`."""
    rules = default_rulebook()
    for model in MODELS:
        text = select_sql(dialect, model=model)
        again = sqlglot.transpile(text, read=dialect, write="duckdb")[0]
        got = rows(con, f"SELECT * FROM ({again}) AS d WHERE id < 2000")
        for row, reference in zip(got, parsed, strict=False):
            assert {k: row[k] for k in VERDICT} == expected(reference, model, rules)


def test_table_names_are_quoted_never_pasted() -> None:
    bigquery = select_sql("bigquery", table="my-project.crm.contacts")
    assert "FROM `my-project`.crm.contacts AS t" in bigquery
    postgres = select_sql("postgres", table="order")  # a keyword is quoted
    assert 'FROM "order" AS t' in postgres
    assert sqlglot.parse_one(postgres, read="postgres").find(exp.Table).name == "order"
    spark = select_sql("spark", table="sales.contatti_città")
    assert sqlglot.parse_one(spark, read="spark").find(exp.Table).name == "contatti_città"


@pytest.mark.parametrize(
    "name",
    [
        "",
        "contacts; DROP TABLE contacts",
        'a"b',
        "a`b",
        "a..b",
        "a.b.c.d",
        "1contacts",
        "contacts -- x",
        "con tacts",
        "x" * 256,
    ],
)
def test_a_name_that_is_not_a_table_is_refused(name: str) -> None:
    with pytest.raises(WarehouseError) as caught:
        select_sql("duckdb", table=name)
    assert caught.value.code == "bad_table"
    assert name in caught.value.message("en")


# --- Rules SQL cannot express ------------------------------------------------------------


def _rules_with(old: str, new: str) -> Any:
    text = default_rulebook_text()
    assert old in text
    return parse_rulebook(text.replace(old, new, 1))


def test_a_number_beyond_the_exact_range_is_refused_naming_the_rule() -> None:
    rules = _rules_with(
        '{field = "content", min = 2},',
        '{field = "content", min = 9000000000000000000},',
    )
    with pytest.raises(WarehouseError) as caught:
        select_sql("duckdb", model="funnel", rules=rules)
    assert caught.value.params["rule"] == "criteria.interest"
    assert "criteria.interest" in caught.value.message("en")
    assert "9000000000000000000" in caught.value.message("it")


def test_a_score_row_that_reads_a_score_is_refused_naming_the_rule() -> None:
    rules = _rules_with(
        '{test = {field = "price_only", is = true}, points = -10},',
        '{test = {score = "fit", min = 10}, points = -10},',
    )
    with pytest.raises(WarehouseError) as caught:
        select_sql("postgres", model="bant", rules=rules)
    assert caught.value.params["rule"] == "score.engagement.rows[9]"


def test_a_best_case_too_large_to_write_is_refused_naming_the_score_part() -> None:
    # One row reading every field: its best case would try every combination.
    rows = ", ".join(
        f'{{field = "{f.name}", is = true}}'
        if f.kind == "bool"
        else f'{{field = "{f.name}", min = 1}}'
        for f in FIELDS
        if f.kind in ("bool", "count")
    )
    rules = _rules_with(
        '{test = {field = "need", in = ["latent"]}, points = 5},',
        f"{{test = {{all = [{rows}]}}, points = 5}},",
    )
    select_sql("duckdb", model="funnel", rules=rules)  # the funnel model reads no best case
    with pytest.raises(WarehouseError) as caught:
        select_sql("duckdb", model="score", rules=rules)
    assert caught.value.params["rule"] == "score.fit"


# --- The command line ---------------------------------------------------------------------


def cli(argv: list[str], monkeypatch: pytest.MonkeyPatch, lang: str = "en") -> tuple[int, str, str]:
    monkeypatch.setenv("LANGUAGE", lang)
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    out = io.StringIO()
    code = main(argv, stdout=out)
    return code, out.getvalue(), err.getvalue()


def test_the_command_prints_the_query(monkeypatch: pytest.MonkeyPatch, con: Any) -> None:
    code, out, err = cli(["sql", "--dialect", "duckdb", "--model", "champ"], monkeypatch)
    assert code == 0 and err == ""
    assert out == select_sql("duckdb", model="champ") + "\n"
    assert con.execute(f"SELECT count(*) FROM ({out}) AS q").fetchone() == (ROWS,)


def test_the_command_reads_a_team_rulebook(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, con: Any
) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(default_rulebook_text().replace("min = 30}", "min = 20}"), encoding="utf-8")
    code, out, _ = cli(
        ["sql", "--dialect", "duckdb", "--model", "score", "--rules", str(path)], monkeypatch
    )
    assert code == 0
    assert out != select_sql("duckdb", model="score") + "\n"
    assert "20" in out


@pytest.mark.parametrize(
    ("argv", "lang", "words"),
    [
        (["sql", "--dialect", "oracle"], "en", ["oracle", "duckdb, postgres, spark"]),
        (
            ["sql", "--dialect", "oracle"],
            "it",
            ["Dialetto SQL", "non riconosciuto", "oracle", "trino"],
        ),
        (
            ["sql", "--dialect", "duckdb", "--table", "x; DROP TABLE y"],
            "fr",
            ["x; DROP TABLE y", "--table"],
        ),
        (["sql", "--dialect", "duckdb", "--model", "meddic"], "es", ["meddic", "funnel"]),
        (["sql", "--dialect", "duckdb", "--lang", "de"], "pt", ["de", "en, it, es, fr, pt"]),
        (["sql"], "en", ["--dialect"]),
    ],
)
def test_bad_options_exit_2_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], lang: str, words: list[str]
) -> None:
    code, out, err = cli(argv, monkeypatch, lang)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    for word in words:
        assert word in err


def test_an_unexpressible_rulebook_exits_2_naming_the_rule(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "rules.toml"
    text = default_rulebook_text().replace(
        '{test = {field = "authority", is = true}, points = 10},',
        '{test = {score = "engagement", min = 10}, points = 10},',
    )
    path.write_text(text, encoding="utf-8")
    for lang, word in (("en", "cannot be written in SQL"), ("it", "SQL")):
        code, out, err = cli(
            ["sql", "--dialect", "snowflake", "--rules", str(path)], monkeypatch, lang
        )
        assert code == 2 and out == ""
        assert "score.fit.rows[2]" in err and word in err


def test_the_help_names_every_dialect(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANGUAGE", "es")
    code = main(["sql", "--help"])
    assert code == 0
    text = capsys.readouterr().out
    assert all(d in text for d in DIALECTS)
    assert re.search(r"--lang", text)
