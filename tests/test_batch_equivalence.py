"""The columnar batch engine says exactly what `classify()` says.

Random profiles, written to CSV with every spelling the contract allows (and
some cells it does not), go through `classify_csv`; each row is compared with
the single-profile path: `parse_text_value` per cell, then `classify()`, or
the `ProfileError` message when the row is rejected.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from typing import Any

import pytest
from conftest import load_examples

from classifier import (
    FIELDS,
    Profile,
    ProfileError,
    Rulebook,
    classify,
    classify_csv,
    default_rulebook,
    label,
    parse_profile,
    parse_rulebook,
    parse_text_value,
)
from classifier._rules import default_rulebook_text

VERDICT = ("stage", "phase", "temperature", "out_of_target", "score", "next_action", "missing")
COLUMNS = ("id", *(f.name for f in FIELDS))

BOOL_SPELLINGS = [
    ("true", "false"),
    ("TRUE", "FALSE"),
    ("Yes", "No"),
    ("1", "0"),
    (" yes ", "\tno"),
    ("True", "false\u00a0"),
]
BAD_CELLS = {
    "bool": ["maybe", "oui", "2", "=1+1", 'he said "yes"', "ja\nnein"],
    "count": ["-3", "3.5", "x", "1e3", "٣", "- 2", "tab\there", "+-1"],
    "choice": ["urgent", "Low-ish", "back\\slash", "\x01ctrl", "ñandú " * 12],
}


def _spell(rng: random.Random, kind: str, value: object) -> str:
    """A valid value written as a CRM export might write it."""
    if kind == "bool":
        true, false = rng.choice(BOOL_SPELLINGS)
        return true if value else false
    if kind == "count":
        return rng.choice([str(value), f"+{value}", f"00{value}", f" {value} "])
    text = str(value)
    return rng.choice([text, text.upper(), f" {text}", text.capitalize()])


def random_rows(n: int, seed: int, bad: float = 0.02) -> list[dict[str, str]]:
    """Rows of cells: 40% unknown, the rest valid values in mixed spellings,
    and a few bad cells (wrong types, negatives, unknown words, long names)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        row = {"id": f"R{i}"}
        for spec in FIELDS:
            if rng.random() < 0.4:
                row[spec.name] = ""
                continue
            if rng.random() < bad:
                row[spec.name] = rng.choice(BAD_CELLS[spec.kind])
                continue
            if spec.kind == "count":
                value: object = rng.choice([0, 0, 1, 1, 2, 3, 4, 5, 7, 12, 10**15])
            elif spec.kind == "bool":
                value = rng.random() < 0.5
            else:
                value = rng.choice(spec.values)
            row[spec.name] = _spell(rng, spec.kind, value)
        if rng.random() < bad / 4:
            row["id"] = "x" * 201
        rows.append(row)
    return rows


def to_csv(rows: Sequence[dict[str, str]], columns: Sequence[str] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue().encode("utf-8")


def parse_row(row: dict[str, str]) -> Profile | ProfileError:
    """A row as the single-profile path reads it: `parse_text_value` per cell,
    then `parse_profile` (contradictions, inferences), or the error."""
    values: dict[str, object] = {}
    problems = []
    for name, text in row.items():
        value, problem = parse_text_value(name, text)
        if problem is not None:
            problems.append(problem)
        elif value is not None:
            values[name] = value
    try:
        if problems:
            raise ProfileError(problems)
        return parse_profile(values)
    except ProfileError as error:
        return error


def single_path(
    parsed: Profile | ProfileError, model: str, lang: str, rules: Rulebook
) -> tuple[Any, ...]:
    """What `classify()` says of a parsed row: the verdict's columns, or the error."""
    if isinstance(parsed, ProfileError):
        return (None,) * len(VERDICT) + (parsed.message(lang),)
    verdict = classify(parsed, model=model, lang=lang, rules=rules)
    missing = "; ".join(
        label("criterion", rules.criteria[m.id].message, lang) for m in verdict.missing
    )
    return (
        verdict.stage,
        verdict.phase,
        verdict.temperature,
        verdict.out_of_target,
        verdict.score,
        verdict.next_action.id,
        missing,
        None,
    )


def assert_same(
    rows: Sequence[dict[str, str]],
    parsed: Sequence[Profile | ProfileError],
    model: str,
    lang: str,
    rules: Rulebook | None = None,
) -> int:
    book = rules or default_rulebook()
    data = DATA if rows is ROWS else to_csv(rows)
    result = classify_csv(data, model=model, lang=lang, rules=rules)
    got = result.frame.select(*VERDICT, "error").rows()
    assert len(got) == len(rows)
    rejected = 0
    for row, profile, line in zip(rows, parsed, got, strict=True):
        expected = single_path(profile, model, lang, book)
        assert line == expected, (model, row)
        rejected += expected[-1] is not None
    assert len(result.rejected) == rejected
    return rejected


ROWS = random_rows(100_000, seed=20261122)
PARSED = [parse_row(row) for row in ROWS]
DATA = to_csv(ROWS)


@pytest.mark.parametrize("model", ["funnel", "bant", "anum", "champ", "faint", "score"])
def test_batch_equals_classify_on_random_profiles(model: str) -> None:
    lang = {"funnel": "it", "bant": "es", "anum": "fr", "champ": "pt"}.get(model, "en")
    rejected = assert_same(ROWS, PARSED, model, lang)
    # The sample covers rejections (bad cells and contradictions) and every stage.
    assert 0.05 * len(ROWS) < rejected < 0.5 * len(ROWS)


def test_every_stage_and_action_occurs_in_the_random_sample() -> None:
    result = classify_csv(to_csv(ROWS[:20_000]))
    assert all(result.stage_counts[stage] > 0 for stage in result.stage_counts)
    assert all(n > 0 for n in result.next_action_counts.values())


# A team rulebook that uses every kind of test: renamed criteria, at_least,
# max, min 0 on an unknown count, unknown = met / unmet, a score row on the
# inferred interaction, a model with more criteria than the lookup table takes,
# score tests whose unknown counts as met (so the stage rests on the best case,
# contract v2) and a score row that reads two fields (one best-case group).
TEAM_RULES = (
    default_rulebook_text()
    .replace(
        '[criteria.fit]\nmessage = "fit"',
        '[criteria.target_fit]\nmessage = "fit"\n'
        'test = {field = "in_target", is = true, unknown = "unmet"}\n\n'
        '[criteria.fit]\nmessage = "fit"',
    )
    .replace(
        '[models.funnel]\nmessage = "funnel"\n'
        'criteria = ["fit", "permission", "capacity", "interest"]',
        '[models.funnel]\nmessage = "funnel"\n'
        'criteria = ["target_fit", "permission", "capacity", "interest"]\n\n'
        '[models.wide]\nmessage = "funnel"\ncriteria = ["fit", "permission", "capacity", '
        '"interest", "bant", "anum", "champ", "faint", "score", "careful", "fit"]\n\n'
        '[models.careful]\nmessage = "bant"\ncriteria = ["permission", "careful"]\n\n'
        '[models.hopeful]\nmessage = "score"\ncriteria = ["fit", "hopeful"]',
    )
    .replace(
        "# Framework models.",
        "[criteria.hopeful]\n"
        'message = "score"\n'
        "test = {all = [\n"
        '  {score = "fit", min = 30, unknown = "met"},\n'
        '  {score = "engagement", min = 30, unknown = "met"},\n'
        "]}\n\n"
        "[criteria.careful]\n"
        'message = "capacity"\n'
        "test = {at_least = 2, of = [\n"
        '  {field = "content", min = 0},\n'
        '  {field = "purchases", max = 2, unknown = "unmet"},\n'
        '  {field = "interactions", min = 1},\n'
        '  {field = "timeline", in = ["long"], unknown = "met"},\n'
        "]}\n\n# Framework models.",
    )
    .replace(
        '  {field = "interactions", each = 1, cap = 5},',
        '  {field = "interactions", each = 1, cap = 5},\n'
        '  {test = {field = "interactions", min = 1}, points = 2},\n'
        '  {field = "purchases", each = -3},\n'
        '  {test = {all = [{field = "budget", is = true}, {field = "content", max = 1}]}, '
        "points = 7},\n"
        '  {test = {field = "content", min = 3}, points = -4},',
    )
)


@pytest.mark.parametrize("model", ["funnel", "wide", "careful", "hopeful"])
def test_batch_equals_classify_under_a_team_rulebook(model: str) -> None:
    rules = parse_rulebook(TEAM_RULES)
    assert "wide" in rules.models and "target_fit" in rules.criteria
    assert_same(ROWS[:20_000], PARSED[:20_000], model, "fr", rules)


def test_every_contract_example_through_the_batch_path() -> None:
    examples = load_examples()
    by_model: dict[str, list[dict[str, Any]]] = {}
    for example in examples:
        by_model.setdefault(str(example["model"]), []).append(example)
    for model, group in by_model.items():
        rows = []
        for example in group:
            profile = example["profile"]
            assert isinstance(profile, dict)
            rows.append(
                {k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in profile.items()}
            )
        columns = ["id", "name", *(f.name for f in FIELDS)]
        result = classify_csv(to_csv(rows, columns), model=model)
        lines = result.frame.to_dicts()
        for example, line in zip(group, lines, strict=True):
            expected = example["expected"]
            assert isinstance(expected, dict)
            if expected.get("error"):
                assert line["error"] and line["stage"] is None, example
                for field in expected.get("fields", []):
                    assert field in line["error"]
                continue
            assert line["error"] is None, (example, line["error"])
            for key in ("stage", "phase", "temperature", "out_of_target", "next_action", "score"):
                if key in expected:
                    assert line[key] == expected[key], (example, key, line)


def test_the_team_sample_reaches_the_best_case() -> None:
    """The `hopeful` model above decides on the best case for many rows: the
    equivalence test really compares the two engines' best-case scores."""
    rules = parse_rulebook(TEAM_RULES)
    decided_by_best_case = 0
    for parsed in PARSED[:5_000]:
        if isinstance(parsed, ProfileError):
            continue
        verdict = classify(parsed, model="hopeful", rules=rules)
        if verdict.stage == "prospect" and min(verdict.fit, verdict.engagement) < 30:
            decided_by_best_case += 1
    assert decided_by_best_case > 50
