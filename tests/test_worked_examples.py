"""Worked examples show the client's findings and what the course's rules make of them; the whole form (dozens
of controls) is built only when the student asks to change the findings."""
from __future__ import annotations

import collections

import ipywidgets
import pytest

from sciatica_course import load_course
from sciatica_course.reasoning import PresentationError, recommend
from sciatica_course.widgets import assessment as A
from sciatica_course.widgets import treatment as T

COURSE = load_course()


def _models():
    from ipywidgets.widgets import widget

    return collections.Counter(type(w).__name__ for w in widget._instances.values())


def test_screening_example_shows_findings_and_the_same_result_as_the_widget():
    findings = {"cancer_history": True, "symptoms_below_knee": True}
    ex = A.screening_example("Worked example: Helen", course=COURSE, **findings)
    full = A.screening_widget(course=COURSE, **findings)
    assert full.result.value in ex.summary.value                     # the same result, word for word
    assert "Worked example: Helen" in ex.summary.value
    assert "History of cancer" in ex.summary.value and "Symptoms below the knee" in ex.summary.value
    assert "cancer_history" not in ex.summary.value                  # labels, never ids


def test_the_form_is_built_only_when_asked_for_and_keeps_the_findings():
    ipywidgets.Widget.close_all()
    ex = A.screening_example(course=COURSE, pregnancy_weeks=30, foot_drop=True)
    assert sum(_models().values()) <= 9, _models()   # not the 50 of a whole screening form (9: the style block
    # has a hidden layout of its own, made once per kernel)
    assert ex.form is None
    ex.open_button.click()
    assert isinstance(ex.form, A.ScreeningWidget) and ex.form in ex.children
    assert ex.form.findings() == {"pregnancy_weeks": 30, "foot_drop": True}
    assert ex.show_form() is ex.form                                      # a second press changes nothing


def test_planner_example_shows_the_plan_recommend_gives():
    findings = {"pain_score": 4, "settle_time_minutes": 20, "pregnancy_weeks": 28, "anticoagulants": True}
    ex = T.planner_example(course=COURSE, **findings)
    plan = T.plan_html(recommend(findings, course=COURSE), COURSE)
    assert plan in ex.summary.value
    assert "Weeks of pregnancy: <b>28</b>" in ex.summary.value and "Blood thinners" in ex.summary.value
    planner = ex.show_form()
    assert isinstance(planner, T.SessionPlanner) and planner.findings() == findings
    assert planner.plan_html.value == plan


def test_a_wrong_finding_names_the_key_before_anything_is_built():
    with pytest.raises(KeyError, match="no finding 'saddle'"):
        A.screening_example(course=COURSE, saddle=True)
    with pytest.raises(PresentationError, match="bogus"):
        T.planner_example(course=COURSE, bogus=True)


def test_a_red_flag_example_in_the_planner_says_refer_not_treat():
    ex = T.planner_example(course=COURSE, saddle_anaesthesia=True, pain_score=3)
    text = ex.summary.value.lower()
    assert "refer" in text and "treat today, adapted" not in text


def test_opening_the_form_keeps_the_example_above_and_reports_no_change_yet():
    """Walk-through: the form replaced the example (the title vanished, the page seemed not to move) and the planner
    said "You changed: ..." about the example's own findings."""
    ex = T.planner_example("Priya's plan", course=COURSE, pain_score=4, pregnancy_weeks=28)
    planner = ex.show_form()
    assert ex.children.index(ex.summary) < ex.children.index(planner)       # the example stays, the form below it
    assert ex.open_button not in ex.children
    assert planner.changes_html.value == ""                                   # nothing changed yet
    planner.controls["anticoagulants"].value = True                           # a student's change is reported
    assert "You changed" in planner.changes_html.value


def test_a_choice_finding_is_shown_in_its_own_words_once():
    ex = T.planner_example(course=COURSE, pain_score=5, settle_time_minutes=30)
    assert "15 to 60 minutes" in ex.summary.value
    assert "(minutes): <b>15 to 60" not in ex.summary.value
