"""Funnel Coach classifier: is this contact a stranger, visitor, lead,
prospect or customer, and why?

    >>> from classifier import classify
    >>> classify({"identified": True, "consent": "none"}, lang="it").stage
    'lead'
"""

from ._api import (
    classify,
    describe_field,
    describe_model,
    describe_value,
    label,
    languages,
    models,
)
from ._batch import BatchResult, classify_csv, classify_prepared, classify_prepared_file
from ._csvio import BatchFileError, Prepared
from ._engine import Evaluation, UnknownModelError, evaluate
from ._fields import FIELDS, NEXT_ACTIONS, PHASES, STAGES, Field
from ._i18n import UnsupportedLanguageError, load_translations
from ._profile import Problem, Profile, ProfileError, parse_profile, parse_text_value
from ._rules import Rulebook, RulebookError, default_rulebook, parse_rulebook, read_rulebook
from ._scenarios import (
    Scenario,
    ScenarioBankError,
    ScenarioText,
    UnknownScenarioError,
    expected,
    scenario,
    scenarios,
)
from ._verdict import CriterionResult, Missing, NextAction, Verdict

__all__ = [
    "FIELDS",
    "NEXT_ACTIONS",
    "PHASES",
    "STAGES",
    "BatchFileError",
    "BatchResult",
    "CriterionResult",
    "Evaluation",
    "Field",
    "Missing",
    "NextAction",
    "Prepared",
    "Problem",
    "Profile",
    "ProfileError",
    "Rulebook",
    "RulebookError",
    "Scenario",
    "ScenarioBankError",
    "ScenarioText",
    "UnknownModelError",
    "UnknownScenarioError",
    "UnsupportedLanguageError",
    "Verdict",
    "classify",
    "classify_csv",
    "classify_prepared",
    "classify_prepared_file",
    "default_rulebook",
    "describe_field",
    "describe_model",
    "describe_value",
    "evaluate",
    "expected",
    "label",
    "languages",
    "load_translations",
    "models",
    "parse_profile",
    "parse_rulebook",
    "parse_text_value",
    "read_rulebook",
    "scenario",
    "scenarios",
]
