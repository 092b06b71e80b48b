"""Evaluation: a profile and a rulebook in, a language-free trace out.

Nothing here produces text. `_render` turns the trace into sentences.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import product

from ._profile import Profile, Value
from ._rules import MET, Result, Rulebook, ScorePart, ScoreRow, best_key


@dataclass(frozen=True, slots=True)
class CriterionTrace:
    """One criterion: its id, message id, the inputs it read, and its outcome.

    `texts` keeps its sentence per language once rendered: a trace is shared
    by every profile with the same inputs, so it is rendered once.
    """

    id: str
    message: str
    outcome: str
    inputs: tuple[tuple[str, Value], ...]
    result: Result
    texts: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Everything the verdict says, as data."""

    profile: Profile
    model: str
    stage: str
    phase: str
    temperature: str | None
    out_of_target: bool
    fit: int
    engagement: int
    best_fit: int
    best_engagement: int
    criteria: tuple[CriterionTrace, ...]
    missing: tuple[CriterionTrace, ...]
    next_action: str

    @property
    def score(self) -> int:
        return self.fit + self.engagement


class UnknownModelError(ValueError):
    def __init__(self, model: object, known: list[str]) -> None:
        self.model = model
        self.known = known
        super().__init__(f"unknown model {model!r}; models: {', '.join(known)}")


MEMO_LIMIT = 200_000


def _row_points(row: ScoreRow, values: Mapping[str, Value], bounds: Mapping[str, int]) -> int:
    """What one score row earns: only stated values earn points."""
    if row.field is not None:
        count = values[row.field]
        if not isinstance(count, int):
            return 0
        gained = count * row.each
        return gained if row.cap is None else min(gained, row.cap)
    if row.test is not None and row.test.evaluate(values, bounds, {}).outcome is MET:
        return row.points
    return 0


def score_part(part: ScorePart, values: Mapping[str, Value], bounds: Mapping[str, int]) -> int:
    total = sum(_row_points(row, values, bounds) for row in part.rows)
    return max(part.min, min(part.max, total))


def best_score_part(part: ScorePart, values: Mapping[str, Value], bounds: Mapping[str, int]) -> int:
    """The score part if every unknown field took its most favourable value
    (contract v2: the `score` criterion is unmet only when even this is short).

    Groups share no field, so each is maximised on its own; an unknown count
    never goes under what the profile already implies (its lower bound).
    """
    total = 0
    for group in part.groups:
        choices: list[tuple[Value, ...]] = []
        for name, candidates in zip(group.fields, group.candidates, strict=True):
            value = values[name]
            if value is not None:
                choices.append((value,))
            elif name in bounds:
                low = bounds[name]
                raised = {max(c, low) if isinstance(c, int) else c for c in candidates}
                choices.append(tuple(raised))
            else:
                choices.append(candidates)
        best: int | None = None
        for combination in product(*choices):
            trial = {**values, **dict(zip(group.fields, combination, strict=True))}
            gained = sum(_row_points(row, trial, {}) for row in group.rows)
            best = gained if best is None else max(best, gained)
        total += best or 0
    return max(part.min, min(part.max, total))


def _memo_score(
    rules: Rulebook, index: int, values: Mapping[str, Value], bounds: Mapping[str, int]
) -> tuple[int, int]:
    """A score part and its best case, memoised on the values the part reads."""
    part = rules.score[index]
    key = (index, tuple(values[f] for f in part.fields), tuple(bounds.get(f) for f in part.fields))
    points = rules.memo.get(key)
    if points is None:
        points = (score_part(part, values, bounds), best_score_part(part, values, bounds))
        rules.memo[key] = points
    return points  # type: ignore[return-value]


def _trace(
    rules: Rulebook, cid: str, profile: Profile, scores: Mapping[str, int]
) -> CriterionTrace:
    criterion = rules.criteria[cid]
    values = profile.values
    inputs = tuple((name, values[name]) for name in criterion.fields)
    # Everything the outcome and its sentence depend on: the inputs, how an
    # inferred input was inferred, lower bounds, and scores when read.
    key: tuple[object, ...] = (cid, inputs)
    if profile.inferred:
        inferred = profile.inferred
        key += tuple(
            (f, inferred[f], values[inferred[f]]) for f in criterion.fields if f in inferred
        )
    if profile.lower_bounds:
        bounds = profile.lower_bounds
        key += tuple((f, bounds[f]) for f in criterion.fields if f in bounds)
    if criterion.uses_scores:
        key += tuple(sorted(scores.items()))
    memo = rules.memo
    trace = memo.get(key)
    if trace is None:
        result = criterion.test.evaluate(values, profile.lower_bounds, scores)
        trace = CriterionTrace(cid, criterion.message, result.outcome, inputs, result)
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        memo[key] = trace
    return trace  # type: ignore[return-value]


def evaluate(profile: Profile, model: str, rules: Rulebook) -> Evaluation:
    """Apply one model of the rulebook to a valid profile."""
    spec = rules.models.get(model)
    if spec is None:
        raise UnknownModelError(model, list(rules.models))
    values = profile.values
    bounds = profile.lower_bounds
    fit, best_fit = _memo_score(rules, 0, values, bounds)
    engagement, best_engagement = _memo_score(rules, 1, values, bounds)
    scores = {
        "fit": fit,
        "engagement": engagement,
        best_key("fit"): best_fit,
        best_key("engagement"): best_engagement,
    }

    interaction = _trace(rules, "interaction", profile, scores)
    identity = _trace(rules, "identity", profile, scores)
    gates = tuple(_trace(rules, cid, profile, scores) for cid in spec.criteria)
    purchase = _trace(rules, "purchase", profile, scores)
    criteria = (interaction, identity, *gates, purchase)

    missing: tuple[CriterionTrace, ...]
    if purchase.outcome is MET:
        stage, missing = "customer", ()
    elif identity.outcome is not MET:
        if interaction.outcome is MET:
            stage, missing = "visitor", (identity,)
        else:
            stage, missing = "stranger", (interaction,)
    else:
        missing = tuple(gate for gate in gates if gate.outcome is not MET)
        stage = "lead" if missing else "prospect"
        if stage == "prospect":
            missing = (purchase,)

    phase = next(
        rule.id
        for rule in rules.phases
        if rule.test is None or rule.test.evaluate(values, bounds, scores).outcome is MET
    )
    temperature = None
    if stage == "prospect":
        hot = rules.hot.evaluate(values, bounds, scores).outcome is MET
        temperature = "hot" if hot else "cold"
    out_of_target = (
        stage != "customer" and rules.out_of_target.evaluate(values, bounds, scores).outcome is MET
    )
    not_met = {gate.id for gate in gates if gate.outcome is not MET}
    next_action = None
    for row in rules.next_actions:
        if row.stages is not None and stage not in row.stages:
            continue
        if row.temperature is not None and row.temperature != temperature:
            continue
        if row.out_of_target is not None and row.out_of_target != out_of_target:
            continue
        if row.models is not None and model not in row.models:
            continue
        if row.not_met is not None and row.not_met not in not_met:
            continue
        if row.only_not_met is not None and not_met != {row.only_not_met}:
            continue
        if row.test is not None and row.test.evaluate(values, bounds, scores).outcome is not MET:
            continue
        next_action = row.id
        break
    if next_action is None:  # the rulebook check guarantees a catch-all row per stage
        raise AssertionError(f"no next action for stage {stage}")
    return Evaluation(
        profile=profile,
        model=model,
        stage=stage,
        phase=phase,
        temperature=temperature,
        out_of_target=out_of_target,
        fit=fit,
        engagement=engagement,
        best_fit=best_fit,
        best_engagement=best_engagement,
        criteria=criteria,
        missing=missing,
        next_action=next_action,
    )
