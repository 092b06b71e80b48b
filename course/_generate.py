"""Stage and next-action questions, computed from profiles with the classifier.

The answer is whatever `classify()` says, and every explanation is a sentence
of that verdict, so the course can never teach something the engine does not
do. The wrong choices of a stage question are the stages next to the right one;
those of a next-action question come from profiles.toml's plausible mix-ups.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from classifier import NEXT_ACTIONS, STAGES, Verdict, classify, describe_value, label

from ._load import Profile
from ._model import Choice, Question

#: For each next action, the verdict's criterion that decides it (else its summary).
DECIDED_BY: Final[Mapping[str, str]] = {
    "respect_opt_out": "permission",
    "deprioritize": "fit",
    "ask_permission": "permission",
    "nurture": "interest",
    "retain": "purchase",
    "reward_loyalty": "purchase",
}
#: How many stages a stage question offers.
STAGE_CHOICES: Final = 4


def _criterion(verdict: Verdict, cid: str) -> str:
    return next(c.text for c in verdict.criteria if c.id == cid)


def facts(profile: Profile, lang: str, words: Mapping[str, str]) -> tuple[str, ...]:
    """The profile as a learner sees it: its known values, the model, and that
    the rest is unknown."""
    lines = [describe_value(name, value, lang) for name, value in profile.fields.items()]
    if profile.model != "funnel":
        lines.append(words["model_line"].format(model=label("model", profile.model, lang)))
    lines.append(words["profile_unknown"])
    return tuple(lines)


def stage_choices(stage: str) -> tuple[str, ...]:
    """Four consecutive stages around the right one."""
    index = STAGES.index(stage)
    start = max(0, min(index - 1, len(STAGES) - STAGE_CHOICES))
    return STAGES[start : start + STAGE_CHOICES]


def _stage_why(choice: str, verdict: Verdict, lang: str, words: Mapping[str, str]) -> str:
    """Why `choice` is the stage, or what the contact lacks for it, or why it is past it."""
    right = verdict.stage
    if choice == right:
        return verdict.summary
    name = label("stage", choice, lang)
    mine, theirs = STAGES.index(right), STAGES.index(choice)
    if theirs < mine:  # already past it
        if right == "customer":
            reason = _criterion(verdict, "purchase")
        elif choice == "stranger":
            reason = _criterion(verdict, "interaction")
        elif choice == "visitor":
            reason = _criterion(verdict, "identity")
        else:  # a lead, when every criterion is met
            reason = verdict.summary
        return words["stage_past"].format(stage=name, reason=reason)
    if choice == "customer":
        reason = _criterion(verdict, "purchase")
    elif right == "stranger":
        reason = _criterion(verdict, "interaction")
    elif right == "visitor":
        reason = _criterion(verdict, "identity")
    else:  # a lead that is not a prospect: the criteria it lacks
        lacking = {m.id for m in verdict.missing}
        reason = " ".join(c.text for c in verdict.criteria if c.id in lacking)
    return words["stage_not_yet"].format(stage=name, reason=reason)


def _decisive(verdict: Verdict) -> str:
    """The verdict's sentence that decides its next action."""
    action = verdict.next_action.id
    if action == "qualify":  # what is still missing or unknown
        lacking = {m.id for m in verdict.missing}
        return " ".join(c.text for c in verdict.criteria if c.id in lacking)
    cid = DECIDED_BY.get(action)
    return _criterion(verdict, cid) if cid else verdict.summary


def _next_why(choice: str, verdict: Verdict, lang: str, words: Mapping[str, str]) -> str:
    if choice == verdict.next_action.id:
        return f"{verdict.next_action.text} {_decisive(verdict)}"
    return words["next_wrong"].format(
        action=label("next_action", choice, lang),
        situation=words[f"when_{choice}"],
        reason=_decisive(verdict),
    )


def profile_questions(
    profile: Profile,
    distractors: Mapping[str, tuple[str, ...]],
    lang: str,
    words: Mapping[str, str],
) -> tuple[Question, Question]:
    """The stage question and the next-action question of one profile."""
    verdict = classify(profile.fields, model=profile.model, lang=lang)
    shown = facts(profile, lang, words)
    stages = stage_choices(verdict.stage)
    stage = Question(
        id=f"stage.{profile.id}",
        lang=lang,
        topic="stage",
        page=profile.topic,
        section=profile.section,
        question=words["stage_question"],
        choices=tuple(
            Choice(label("stage", s, lang), _stage_why(s, verdict, lang, words)) for s in stages
        ),
        answer=stages.index(verdict.stage),
        check=profile.check,
        profile=dict(profile.fields),
        model=profile.model,
        facts=shown,
    )
    right = verdict.next_action.id
    wrong = [a for a in distractors[right] if a != right][:3]
    actions = tuple(a for a in NEXT_ACTIONS if a == right or a in wrong)
    action = Question(
        id=f"next.{profile.id}",
        lang=lang,
        topic="next-action",
        page=profile.topic,
        section=profile.section,
        question=words["next_question"],
        choices=tuple(
            Choice(label("next_action", a, lang), _next_why(a, verdict, lang, words))
            for a in actions
        ),
        answer=actions.index(right),
        check=False,
        profile=dict(profile.fields),
        model=profile.model,
        facts=shown,
    )
    return stage, action
