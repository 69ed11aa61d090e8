"""Course widgets share their Layout and Style objects (widgets/lean.py): a lesson builds a third of the widget
models it used to, and nothing can change a shared look by accident."""
from __future__ import annotations

import collections
import importlib
import json
import subprocess
import sys
from pathlib import Path

import ipywidgets
import pytest

from sciatica_course.widgets import lean

REPO = Path(__file__).resolve().parents[1]
WIDGET_MODULES = ["common", "anatomy", "assessment", "case_player", "claims", "revision", "treatment"]


def _models():
    from ipywidgets.widgets import widget

    return list(widget._instances.values())


def test_importing_the_widget_modules_makes_no_widget():
    code = ("import ipywidgets, importlib\n"
            f"for m in {WIDGET_MODULES!r}: importlib.import_module('sciatica_course.widgets.' + m)\n"
            "import sciatica_course.lesson\n"
            "from ipywidgets.widgets import widget\n"
            "print(len(widget._instances))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "0", "a widget module builds a widget on import (no global state on import)"


def test_a_shared_layout_or_style_cannot_be_changed():
    b1, b2 = lean.Button(description="one"), lean.Button(description="two")
    assert b1.layout is b2.layout and b1.style is b2.style
    with pytest.raises(lean.SharedLayoutError, match="own_layout"):
        b1.layout.display = "none"
    with pytest.raises(lean.SharedLayoutError):
        b1.style.button_color = "red"
    own = lean.Button(description="three", layout=lean.own_layout(display="none"))
    own.layout.display = None                                  # a widget's own layout changes freely
    assert own.layout is not b1.layout and b1.layout.display is None


def test_same_settings_share_and_different_settings_do_not():
    a = lean.HTML("a", layout={"width": "auto"})
    b = lean.HTML("b", layout=lean.Layout(width="auto"))
    c = lean.HTML("c", layout={"width": "50%"})
    assert a.layout is b.layout and a.layout is not c.layout
    t = lean.ToggleButtons(options=["x", "y"], style={"description_width": "initial", "button_width": "auto"})
    assert t.style.button_width == "auto"


def test_a_closed_shared_object_is_made_again():
    first = lean.Checkbox(description="one").layout
    ipywidgets.Widget.close_all()
    again = lean.Checkbox(description="two").layout
    assert again is not first and again.comm is not None
    block = lean.style_block("<style>.x{}</style>")
    assert lean.style_block("<style>.x{}</style>") is block


def test_lean_classes_are_the_ipywidgets_classes():
    for name in ("HTML", "Button", "Checkbox", "VBox", "ToggleButtons", "BoundedIntText", "Dropdown"):
        cls = getattr(lean, name)
        assert issubclass(cls, getattr(ipywidgets, name)) and cls.__name__ == name
        assert cls()._model_name == getattr(ipywidgets, name)()._model_name
    assert lean.Output is ipywidgets.Output                    # anything else is ipywidgets' own


@pytest.mark.parametrize("build", [
    "widgets.quiz(4, 1)",
    "assessment.screening_widget()",
    "treatment.session_planner()",
    "treatment.irritability_classifier()",
    "anatomy.path_explorer()",
    "revision.revision_session(limit=4)",
])
def test_course_widgets_build_few_layout_and_style_models(build, tmp_path, monkeypatch):
    """The class of fault this module fixes: a course widget whose controls each bring their own Layout and
    Style (two thirds of the models). Counted on a fresh set of models: a few per distinct look, not two per control."""
    monkeypatch.setenv("SCIATICA_COURSE_HOME", str(tmp_path))
    from sciatica_course import widgets  # noqa: F401
    from sciatica_course.widgets import anatomy, assessment, revision, treatment  # noqa: F401

    ipywidgets.Widget.close_all()
    eval(build)
    kinds = collections.Counter(type(w).__name__ for w in _models())
    looks = sum(n for k, n in kinds.items() if k.endswith("Style") or k == "Layout")
    total = sum(kinds.values())
    assert total > 5
    assert looks <= max(10, total // 3), f"{build}: {looks} of {total} models are Layout/Style: {dict(kinds)}"


def test_a_course_widget_shows_a_sentence_not_python_where_widgets_cannot_render():
    box = lean.VBox([lean.HTML("x"), lean.Button(description="y")])
    bundle = box._repr_mimebundle_()
    assert bundle["text/plain"] == lean.PLAIN_TEXT
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == box.model_id
    assert ipywidgets.VBox([])._repr_mimebundle_()["text/plain"].startswith("VBox(")   # ipywidgets' own: Python


@pytest.mark.parametrize("build, most", [
    ("widgets.quiz(4, 1)", 0),
    ("widgets.quiz(4, 13, 14, 15)", 0),
    ("assessment.screening_widget()", 1),
    ("assessment.screening_widget(pregnancy_weeks=30, foot_drop=True)", 4),
    ("treatment.session_planner()", 3),
    ("claims.myth_check(lesson='sciatic_nerve_path', topic='anatomy')", 0),
])
def test_building_a_course_widget_sends_few_updates(build, most, tmp_path, monkeypatch):
    """Each change to a widget after it is built is one more message to the browser: CSS classes added
    afterwards (``add_class``) and tooltips set afterwards cost lesson 7 188 of them. Settings go in at the start."""
    monkeypatch.setenv("SCIATICA_COURSE_HOME", str(tmp_path))
    from sciatica_course import widgets  # noqa: F401
    from sciatica_course.widgets import assessment, claims, treatment  # noqa: F401

    sent = []
    original = ipywidgets.Widget.send_state
    monkeypatch.setattr(ipywidgets.Widget, "send_state",
                        lambda self, key=None: sent.append((type(self).__name__, key)) or original(self, key))
    eval(build)
    assert len(sent) <= most, f"{build} sent {len(sent)} updates after building: {sent}"
