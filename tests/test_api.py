"""The public API and the package's shape."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

import classifier
from classifier import (
    UnknownModelError,
    UnsupportedLanguageError,
    classify,
    describe_model,
    label,
    languages,
    models,
)


def test_public_api() -> None:
    assert set(classifier.__all__) <= set(dir(classifier))
    assert models() == ("funnel", "bant", "anum", "champ", "faint", "score")
    assert languages() == ("en", "it", "es", "fr", "pt")


@pytest.mark.parametrize("lang", ["de", "EN", "", "en_US", None])
def test_unsupported_language_is_an_error(lang: object) -> None:
    with pytest.raises(UnsupportedLanguageError):
        classify({}, lang=lang)  # type: ignore[arg-type]


def test_unknown_model_is_an_error() -> None:
    with pytest.raises(UnknownModelError):
        classify({}, model="meddic")


def test_labels_and_descriptions_in_every_language() -> None:
    for lang in languages():
        assert describe_model("bant", lang)
        assert label("stage", "prospect", lang)
    assert label("stage", "prospect", "es") == "Prospecto"
    assert describe_model("anum", "it") != describe_model("anum", "en")


def test_explanations_cite_the_profile_values() -> None:
    verdict = classify({"identified": True, "consent": "single", "content": 1})
    texts = {c.id: c.text for c in verdict.criteria}
    assert "single opt-in" in texts["permission"] and "offers may be sent" in texts["permission"]
    assert "1 piece" in texts["interest"] and "2 needed" in texts["interest"]
    bant = classify({"identified": True, "budget": True, "authority": True}, model="bant")
    assert "2 of 4" in next(c.text for c in bant.criteria if c.id == "bant")


def test_no_streamlit_and_no_io_at_import() -> None:
    for path in (ROOT / "classifier").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "streamlit" for n in names), path
    code = (
        "import sys, builtins; opened = []; real = builtins.open\n"
        "builtins.open = lambda *a, **k: (opened.append(a[0]), real(*a, **k))[1]\n"
        "import classifier\n"
        "assert 'streamlit' not in sys.modules, 'streamlit imported'\n"
        "assert not opened, opened\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=60)


def test_modules_are_private() -> None:
    public = [p.name for p in Path(classifier.__file__).parent.glob("*.py")]
    assert all(name.startswith("_") for name in public)


def test_lists_follow_each_language_sound_rules() -> None:
    from classifier._render import join

    assert join(["capacidad", "interés"], "es") == "capacidad e interés"
    assert join(["ajuste", "capacidad", "hijos"], "es") == "ajuste, capacidad e hijos"
    assert join(["agua", "hierro"], "es") == "agua y hierro"
    assert join(["fit", "engagement"], "it") == "fit ed engagement"
    assert join(["a", "b"], "en") == "a and b"
    lead = classify({"identified": True, "consent": "single", "in_target": True}, lang="es")
    assert " e interés" in lead.summary
