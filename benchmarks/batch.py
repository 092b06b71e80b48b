"""Batch classification of a CRM export: `funnel-coach batch` against DuckDB.

    python benchmarks/batch.py [--rows 1000000] [--model funnel] [--lang en] [--keep DIR]
    python benchmarks/batch.py --preset hubspot [--rows 1000000]

Writes N invented contacts (id, name, company and the contract's fields, with
unknown cells and mixed spellings such as "Yes" / "TRUE" / "1") to a CSV in a
temporary folder, then times, each as its own process:

- `funnel-coach batch IN.csv -o OUT.csv`: every input column plus stage,
  phase, temperature, out_of_target, score, next_action, missing and error;
- DuckDB running one hand-written SQL query over the same file (every input
  column plus stage, phase, temperature, out_of_target, score, next_action)
  and writing it to CSV: the reference point.

It prints both wall times, the ratio, and each process's peak memory (RSS),
then checks that both agree on the number of rows per stage and next action.
Goals on the 2-core reference machine: 1,000,000 rows within 1.5x of DuckDB
and under 1 GB; 10,000,000 rows without running out of memory.

With `--preset hubspot`, the same contacts are also written as a HubSpot-style
export (Record ID, Email, Lifecycle Stage, Lead Status, legal basis and
unsubscribe properties, sessions and form submissions, and the custom
qualification properties the trainers page suggests), and the two
`funnel-coach batch` runs are timed against each other: goal, the export
within 1.5x of the contract's own columns, under 1 GB; both must find the
same number of rows per stage and next action.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST = [
    "Giulia", "Marco", "Chiara", "Luca", "Francesca", "Alessandro", "Lucía", "Javier",
    "Carmen", "Pablo", "Élodie", "Julien", "Camille", "Mathieu", "João", "Ana", "Beatriz",
    "Thiago", "Mariana", "Rafael", "Emma", "James", "Olivia", "Harry", "Sophie", "Liam",
]  # fmt: skip
LAST = [
    "Rossi", "Bianchi", "Esposito", "Romano", "Colombo", "García", "Fernández", "López",
    "Martínez", "Sánchez", "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Silva",
    "Santos", "Oliveira", "Souza", "Pereira", "Smith", "Jones", "Taylor", "Brown", "Wilson",
]  # fmt: skip
COMPANY = [
    "Ferramenta Rossi Srl", "Pasticceria Dolce Vita", "Talleres Hernández SL",
    "Librería Cervantes", "Boulangerie Dupont SARL", "Atelier Lumière", "Padaria Estrela Lda",
    "Construtora Horizonte Ltda", "Green & Sons Ltd", "Northwind Analytics", "", "",
]  # fmt: skip


def _pick(values: list[str], k: int) -> str:
    items = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"[{items}][1 + r(i, {k}) % {len(values)}]"


def generate(path: Path, rows: int, preset: str | None = None) -> None:
    """Random but valid contacts (no contradictions), fixed by hashing the row number."""
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE MACRO r(i, k) AS (hash(i * 1009 + k) % 1000000)::BIGINT")
    # Typed values first (NULL = unknown), then the contradictions are removed
    # as a CRM would not let them happen, then cells are spelt in mixed ways.
    con.execute(
        f"""
        CREATE VIEW typed AS
        SELECT i,
          CASE WHEN r(i,1) % 10 < 7 THEN r(i,2) % 9 END AS interactions,
          CASE WHEN r(i,3) % 10 < 6 THEN
            ['website','social','store','email','event','referral','advertising','phone',
             'other'][1 + r(i,4) % 9] END AS channel,
          CASE WHEN r(i,5) % 10 < 7 THEN r(i,6) % 4 > 0 END AS identified,
          CASE WHEN r(i,7) % 10 < 7 THEN
            ['none','single','double','withdrawn'][1 + r(i,8) % 4] END AS consent,
          CASE WHEN r(i,9) % 10 < 6 THEN r(i,10) % 6 END AS content,
          CASE WHEN r(i,11) % 10 < 6 THEN r(i,12) % 2 = 0 END AS conversation,
          CASE WHEN r(i,13) % 10 < 7 THEN r(i,14) % 5 > 0 END AS in_target,
          CASE WHEN r(i,15) % 10 < 5 THEN r(i,16) % 2 = 0 END AS budget,
          CASE WHEN r(i,17) % 10 < 5 THEN r(i,18) % 2 = 0 END AS authority,
          CASE WHEN r(i,19) % 10 < 5 THEN ['none','latent','clear'][1 + r(i,20) % 3] END AS need,
          CASE WHEN r(i,21) % 10 < 4 THEN ['none','long','short'][1 + r(i,22) % 3]
          END AS timeline,
          CASE WHEN r(i,23) % 10 < 5 THEN ['none','low','high'][1 + r(i,24) % 3] END AS intent,
          CASE WHEN r(i,25) % 10 < 4 THEN r(i,26) % 4 = 0 END AS price_only,
          CASE WHEN r(i,27) % 10 < 6 THEN
            CASE WHEN r(i,28) % 10 < 7 THEN 0 ELSE r(i,29) % 4 END END AS purchases
        FROM range({rows}) t(i)
        """
    )
    con.execute(
        """
        CREATE VIEW valid AS
        SELECT * REPLACE (
          CASE WHEN identified = false AND (consent IN ('single','double','withdrawn')
               OR conversation OR purchases >= 1) THEN NULL ELSE identified END AS identified,
          CASE WHEN interactions = 0 AND (identified OR content >= 1 OR conversation
               OR purchases >= 1) THEN NULL ELSE interactions END AS interactions)
        FROM typed
        """
    )

    def boolean(name: str, k: int) -> str:
        spellings = "['true','false'], ['yes','no'], ['1','0'], ['TRUE','FALSE'], ['Yes','No']"
        return (
            f"CASE WHEN {name} IS NULL THEN '' "
            f"ELSE [{spellings}][1 + r(i,{k}) % 5][CASE WHEN {name} THEN 1 ELSE 2 END] END"
        )

    def choice(name: str, k: int) -> str:
        return (
            f"CASE WHEN {name} IS NULL THEN '' WHEN r(i,{k}) % 10 = 0 THEN upper({name}) "
            f"ELSE {name} END"
        )

    def count(name: str) -> str:
        return f"coalesce({name}::VARCHAR, '')"

    columns = [
        "(i + 1)::VARCHAR AS id",
        f"{_pick(FIRST, 40)} || ' ' || {_pick(LAST, 41)} AS name",
        f"{_pick(COMPANY, 42)} AS company",
        f"{count('interactions')} AS interactions",
        f"{choice('channel', 43)} AS channel",
        f"{boolean('identified', 44)} AS identified",
        f"{choice('consent', 45)} AS consent",
        f"{count('content')} AS content",
        f"{boolean('conversation', 46)} AS conversation",
        f"{boolean('in_target', 47)} AS in_target",
        f"{boolean('budget', 48)} AS budget",
        f"{boolean('authority', 49)} AS authority",
        f"{choice('need', 50)} AS need",
        f"{choice('timeline', 51)} AS timeline",
        f"{choice('intent', 52)} AS intent",
        f"{boolean('price_only', 53)} AS price_only",
        f"{count('purchases')} AS purchases",
    ]
    if preset == "hubspot":
        columns = hubspot_columns()
    con.execute(
        f"COPY (SELECT {', '.join(columns)} FROM valid ORDER BY i) TO '{path}' "
        "(HEADER, DELIMITER ',')"
    )
    con.close()


def hubspot_columns() -> list[str]:
    """The same contacts as HubSpot exports them (see the `crm` preset)."""

    def yes(name: str, k: int) -> str:
        words = "['Yes','No'], ['true','false'], ['Sì','No'], ['oui','non'], ['Sim','Não']"
        return (
            f"CASE WHEN {name} IS NULL THEN '' "
            f"ELSE [{words}][1 + r(i,{k}) % 5][CASE WHEN {name} THEN 1 ELSE 2 END] END"
        )

    def text(expr: str, label: str) -> str:
        return f"coalesce({expr}, '') AS \"{label}\""

    source = (
        "CASE channel WHEN 'website' THEN 'ORGANIC_SEARCH' WHEN 'social' THEN 'SOCIAL_MEDIA' "
        "WHEN 'email' THEN 'EMAIL_MARKETING' WHEN 'referral' THEN 'REFERRALS' "
        "WHEN 'advertising' THEN 'PAID_SEARCH' WHEN 'other' THEN 'OTHER_CAMPAIGNS' "
        "WHEN 'store' THEN 'OFFLINE' WHEN 'event' THEN 'OFFLINE' WHEN 'phone' THEN 'OFFLINE' END"
    )
    basis = (
        "CASE consent WHEN 'none' THEN 'Legitimate interest – prospect/lead' "
        "WHEN 'single' THEN 'Freely given consent from contact' "
        "WHEN 'double' THEN 'Freely given consent from contact' END"
    )
    return [
        '(i + 1)::VARCHAR AS "Record ID"',
        f'{_pick(FIRST, 40)} AS "First Name"',
        f'{_pick(LAST, 41)} AS "Last Name"',
        "CASE WHEN identified THEN 'contact' || i || '@example.com' ELSE '' END AS \"Email\"",
        f'{_pick(COMPANY, 42)} AS "Company Name"',
        text("CASE WHEN purchases >= 1 THEN 'customer' END", "Lifecycle Stage"),
        text("CASE WHEN conversation THEN 'CONNECTED' WHEN NOT conversation THEN 'NEW' END",
             "Lead Status"),
        text(source, "Original Source"),
        text("interactions::VARCHAR", "Number of Sessions"),
        text("content::VARCHAR", "Number of Form Submissions"),
        text(basis, "Legal basis for processing contact's data"),
        text("CASE WHEN consent = 'withdrawn' THEN 'true' END", "Unsubscribed from all email"),
        f'{yes("in_target", 47)} AS "In target"',
        f'{yes("budget", 48)} AS "Budget confirmed"',
        f'{yes("authority", 49)} AS "Decision maker"',
        text("need", "Need level"),
        text("CASE timeline WHEN 'short' THEN 'Within 3 months' WHEN 'long' THEN '3+ months' "
             "WHEN 'none' THEN 'none' END", "Purchase timeline"),
        text("intent", "Purchase intent"),
        f'{yes("price_only", 53)} AS "Price only"',
        text("purchases::VARCHAR", "Purchases"),
    ]  # fmt: skip


# The baseline: the default rulebook's funnel model, written by hand in SQL.
DUCKDB_QUERY = """
COPY (
WITH raw AS (
  SELECT * FROM read_csv('{source}', header = true, all_varchar = true)
), v AS (
  SELECT *,
    TRY_CAST(trim(interactions) AS BIGINT) AS v_interactions,
    CASE WHEN lower(trim(identified)) IN ('true','yes','1') THEN true
         WHEN lower(trim(identified)) IN ('false','no','0') THEN false END AS v_identified,
    lower(trim(consent)) AS v_consent,
    TRY_CAST(trim(content) AS BIGINT) AS v_content,
    CASE WHEN lower(trim(conversation)) IN ('true','yes','1') THEN true
         WHEN lower(trim(conversation)) IN ('false','no','0') THEN false END AS v_conversation,
    CASE WHEN lower(trim(in_target)) IN ('true','yes','1') THEN true
         WHEN lower(trim(in_target)) IN ('false','no','0') THEN false END AS v_in_target,
    CASE WHEN lower(trim(budget)) IN ('true','yes','1') THEN true
         WHEN lower(trim(budget)) IN ('false','no','0') THEN false END AS v_budget,
    CASE WHEN lower(trim(authority)) IN ('true','yes','1') THEN true
         WHEN lower(trim(authority)) IN ('false','no','0') THEN false END AS v_authority,
    lower(trim(need)) AS v_need,
    lower(trim(intent)) AS v_intent,
    CASE WHEN lower(trim(price_only)) IN ('true','yes','1') THEN true
         WHEN lower(trim(price_only)) IN ('false','no','0') THEN false END AS v_price_only,
    TRY_CAST(trim(purchases) AS BIGINT) AS v_purchases
  FROM raw
), i AS (
  SELECT *,
    coalesce(v_identified, CASE WHEN v_consent IN ('single','double','withdrawn')
      OR v_conversation OR v_purchases >= 1 THEN true END) AS x_identified
  FROM v
), s AS (
  SELECT *,
    greatest(0, least(50,
      CASE WHEN v_in_target THEN 20 WHEN NOT v_in_target THEN -20 ELSE 0 END
      + CASE WHEN v_authority THEN 10 ELSE 0 END + CASE WHEN v_budget THEN 10 ELSE 0 END
      + CASE v_need WHEN 'clear' THEN 10 WHEN 'latent' THEN 5 ELSE 0 END)) AS fit,
    greatest(0, least(50,
      least(coalesce(v_interactions, 0), 5) + CASE WHEN x_identified THEN 5 ELSE 0 END
      + CASE v_consent WHEN 'single' THEN 5 WHEN 'double' THEN 8 WHEN 'withdrawn' THEN -10
        ELSE 0 END
      + least(3 * coalesce(v_content, 0), 12) + CASE WHEN v_conversation THEN 10 ELSE 0 END
      + CASE v_intent WHEN 'low' THEN 5 WHEN 'high' THEN 10 ELSE 0 END
      + CASE WHEN v_price_only THEN -10 ELSE 0 END)) AS engagement,
    coalesce(v_in_target, false) AS g_fit,
    coalesce(v_consent IN ('single','double'), false) AS g_permission,
    coalesce(v_budget OR v_authority OR v_need = 'clear', false) AS g_capacity,
    coalesce(v_conversation OR v_intent IN ('low','high') OR v_content >= 2, false)
      AS g_interest
  FROM i
), st AS (
  SELECT *,
    CASE WHEN coalesce(v_purchases >= 1, false) THEN 'customer'
         WHEN NOT coalesce(x_identified, false) THEN
           CASE WHEN coalesce(v_interactions >= 1, false) OR coalesce(v_content >= 1, false)
           THEN 'visitor' ELSE 'stranger' END
         WHEN g_fit AND g_permission AND g_capacity AND g_interest THEN 'prospect'
         ELSE 'lead' END AS stage
  FROM s
), t AS (
  SELECT *,
    CASE WHEN stage = 'prospect' THEN
      CASE WHEN v_intent = 'high' AND NOT coalesce(v_price_only, false) THEN 'hot'
      ELSE 'cold' END END AS temperature,
    stage <> 'customer' AND coalesce(NOT v_in_target, false) AS out_of_target
  FROM st
)
SELECT * EXCLUDE (
    v_interactions, v_identified, v_consent, v_content, v_conversation, v_in_target,
    v_budget, v_authority, v_need, v_intent, v_price_only, v_purchases, x_identified,
    fit, engagement, g_fit, g_permission, g_capacity, g_interest, stage, temperature,
    out_of_target),
  stage,
  CASE WHEN coalesce(v_purchases >= 1, false) THEN 'action'
       WHEN v_intent = 'high' THEN 'decision'
       WHEN v_intent = 'low' OR coalesce(v_price_only, false)
         OR coalesce(v_conversation, false) THEN 'consideration'
       WHEN v_need = 'clear' OR coalesce(v_content >= 1, false) THEN 'interest'
       ELSE 'awareness' END AS phase,
  temperature,
  out_of_target,
  fit + engagement AS score,
  CASE stage
    WHEN 'stranger' THEN 'attract'
    WHEN 'visitor' THEN 'capture'
    WHEN 'lead' THEN
      CASE WHEN out_of_target THEN 'deprioritize'
           WHEN v_consent = 'withdrawn' THEN 'respect_opt_out'
           WHEN NOT g_permission AND g_fit AND g_capacity AND g_interest THEN 'ask_permission'
           WHEN NOT g_interest THEN 'nurture'
           ELSE 'qualify' END
    WHEN 'prospect' THEN CASE temperature WHEN 'hot' THEN 'propose' ELSE 'follow_up' END
    ELSE CASE WHEN v_purchases <= 1 THEN 'retain' ELSE 'reward_loyalty' END
  END AS next_action
FROM t
) TO '{target}' (HEADER)
"""


def run(command: list[str]) -> tuple[float, float, int, str]:
    """Wall time (s), CPU time (s), peak RSS (bytes) and standard error of one
    child process.

    The parent stays small (the data is generated and checked in other
    processes or after the runs): Linux counts the memory a child shared with
    its parent before `exec` in the child's peak.
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    err = process.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{command[:4]} failed ({process.returncode}):\n{err}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, err


def counts(path: Path) -> dict[tuple[str, str], int]:
    import duckdb

    con = duckdb.connect()
    rows = con.execute(
        f"SELECT coalesce(stage, ''), coalesce(next_action, ''), count(*) FROM "
        f"read_csv('{path}', header = true, all_varchar = true) GROUP BY ALL"
    ).fetchall()
    con.close()
    return {(stage, action): n for stage, action, n in rows}


def compare_preset(args: argparse.Namespace) -> None:
    """The contract's columns against a CRM export of the same contacts."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        files = {"contract": folder / "contacts.csv", args.preset: folder / f"{args.preset}.csv"}
        for preset, path in files.items():
            command = [sys.executable, __file__, "--generate", str(path), "--rows", str(args.rows)]
            if preset != "contract":
                command += ["--preset", preset]
            subprocess.run(command, check=True)
        mb = 1024 * 1024
        times: dict[str, float] = {}
        found: dict[str, dict[tuple[str, str], int]] = {}
        for preset, path in files.items():
            out = folder / f"classified-{preset}.csv"
            command = [sys.executable, "-m", "classifier", "batch", str(path), "-o", str(out)]
            command += ["--model", args.model, "--lang", args.lang]
            wall, cpu, rss, _ = run(command)
            times[preset] = wall
            found[preset] = counts(out)
            size = path.stat().st_size / 1e6
            print(
                f"{preset:>10}: {args.rows:,} rows, {size:,.0f} MB: {wall:7.2f} s "
                f"(CPU {cpu:6.2f} s)  peak RSS {rss / mb:7,.0f} MB"
            )
        ratio = times[args.preset] / times["contract"]
        print(f"ratio:      {ratio:7.2f}x  (goal: at most 1.5x)")
        agree = found[args.preset] == found["contract"]
        print("stage and next-action counts agree:", "yes" if agree else "NO")
        if not agree:
            raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--model", default="funnel")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--keep", metavar="DIR", help="write the files here and keep them")
    parser.add_argument(
        "--preset", choices=["hubspot"], help="also time a CRM export of the same contacts"
    )
    parser.add_argument("--generate", metavar="CSV", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(Path(args.generate), args.rows, args.preset)
        return
    if args.preset:
        compare_preset(args)
        return

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / "contacts.csv"
        ours, theirs = folder / "funnel-coach.csv", folder / "duckdb.csv"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--generate", str(source), "--rows", str(args.rows)],
            check=True,
        )
        size = source.stat().st_size
        print(
            f"{args.rows:,} contacts, {size / 1e6:,.0f} MB, generated in "
            f"{time.perf_counter() - start:.1f} s"
        )

        command = [sys.executable, "-m", "classifier", "batch", str(source), "-o", str(ours)]
        command += ["--model", args.model, "--lang", args.lang]
        our_time, our_cpu, our_rss, summary = run(command)
        query = DUCKDB_QUERY.format(source=source, target=theirs)
        their_time, their_cpu, their_rss, _ = run(
            [sys.executable, "-c", f"import duckdb; duckdb.sql({query!r})"]
        )

        mb = 1024 * 1024
        print(
            f"funnel-coach batch: {our_time:7.2f} s  (CPU {our_cpu:6.2f} s)  "
            f"peak RSS {our_rss / mb:7,.0f} MB"
        )
        print(
            f"DuckDB (one query): {their_time:7.2f} s  (CPU {their_cpu:6.2f} s)  "
            f"peak RSS {their_rss / mb:7,.0f} MB"
        )
        print(f"ratio:              {our_time / their_time:7.2f}x  (goal: at most 1.5x)")
        print(f"rows/s:             {args.rows / our_time:10,.0f}")
        print(summary.rstrip())
        if args.model == "funnel":
            agree = counts(ours) == counts(theirs)
            print("stage and next-action counts agree with DuckDB:", "yes" if agree else "NO")
            if not agree:
                raise SystemExit(1)


if __name__ == "__main__":
    main()
