"""Which criteria explain a verdict, and the phrases of a story they were read
from: shared by the app's practice feedback and the site's scenario cards, so
a printed card reasons exactly as the app does. No Streamlit here: the site's
build imports it."""

from __future__ import annotations

from collections.abc import Mapping

from classifier import CriterionResult, Verdict

#: The criteria a stage turns on, besides the model's own: identity splits
#: visitors from leads, interaction strangers from visitors, purchase customers.
GATES = ("identity", "interaction", "purchase")


def deciding(verdict: Verdict) -> list[CriterionResult]:
    """The criteria that decide this verdict's stage, for feedback that a beginner can
    follow: the purchase for a customer; interaction and identity below a lead;
    identity and the model's own criteria for a lead or a prospect."""
    if verdict.stage == "customer":
        wanted: set[str] = {"purchase"}
    elif verdict.stage in ("stranger", "visitor"):
        wanted = {"interaction", "identity"}
    else:
        wanted = {c.id for c in verdict.criteria if c.id not in GATES} | {"identity"}
    return [c for c in verdict.criteria if c.id in wanted]


def evidence(
    verdict: Verdict, facts: Mapping[str, str], only: set[str] | None = None
) -> list[tuple[CriterionResult, list[str]]]:
    """Each criterion of the verdict (those in `only`, when given) with the phrases
    of the story that state the fields its trace read."""
    found = []
    for trace, shown in zip(verdict.evaluation.criteria, verdict.criteria, strict=True):
        if only is not None and shown.id not in only:
            continue
        found.append((shown, [facts[name] for name, _value in trace.inputs if name in facts]))
    return found
