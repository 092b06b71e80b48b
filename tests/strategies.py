"""Hypothesis strategies for contract profiles."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from classifier import FIELDS

_VALUE = {
    "count": st.integers(min_value=0, max_value=12),
    "bool": st.booleans(),
}


def _field_strategy(kind: str, values: tuple[str, ...]) -> st.SearchStrategy[Any]:
    return _VALUE[kind] if kind in _VALUE else st.sampled_from(values)


@st.composite
def raw_profiles(draw: st.DrawFn) -> dict[str, Any]:
    """Any mix of known and unknown fields (may contradict itself)."""
    profile: dict[str, Any] = {}
    for spec in FIELDS:
        if draw(st.booleans()):
            profile[spec.name] = draw(_field_strategy(spec.kind, spec.values))
    return profile
