"""The explained quiz widget, without a browser: click options, read the feedback HTML."""
from __future__ import annotations

import pytest

from sciatica_course import load_course
from sciatica_course.widgets.common import Quiz, quiz, quiz_set


def test_quiz_shows_an_explanation_for_every_option(course):
    item = course.quizzes["start_scope"]
    w = quiz("start_scope", record=False)
    wrong = next(o for o in item.options if not o.correct)
    w.buttons[wrong.id].click()
    assert w.answer == wrong.id and w.correct is False
    html = w.feedback.value
    assert "Not quite" in html and 'aria-live="polite"' in html
    assert html.count("✓ Correct answer") == 1
    assert html.count("✗ Not this one") == len(item.options) - 1
    assert "your answer" in html


def test_quiz_right_answer(course):
    item = course.quizzes["start_red_flag_action"]
    w = quiz(item.id, record=False)
    right = next(o for o in item.options if o.correct)
    assert w.choose(right.id) is True
    assert w.feedback.value.startswith('<div class="sc-feedback"') and "Right." in w.feedback.value


def test_every_quiz_renders_and_answers(course):
    for item in course.quizzes:
        w = Quiz(item, record=False)
        for o in item.options:
            assert w.choose(o.id) is o.correct
            assert o.explanation.split()[0] in w.feedback.value or "&" in w.feedback.value


def test_buttons_have_accessible_names(course):
    w = quiz("start_scope", record=False)
    for oid, b in w.buttons.items():
        assert b.description.strip()
    assert w.confidence.description == "How sure are you?"


def test_unknown_option_names_the_options():
    w = quiz("start_scope", record=False)
    with pytest.raises(KeyError, match="options: a, b, c, d"):
        w.choose("z")


def test_quiz_text_is_escaped(tmp_path):
    from dataclasses import replace
    course = load_course()
    item = course.quizzes["start_scope"]
    evil = replace(item, stem="<script>alert(1)</script>", options=tuple(
        replace(o, explanation="<img src=x onerror=alert(1)>") for o in item.options))
    w = Quiz(evil, record=False)
    w.choose("a")
    assert "<script>" not in w.stem.value and "&lt;script&gt;" in w.stem.value
    assert "<img" not in w.feedback.value and "&lt;img" in w.feedback.value


def test_answers_are_recorded_through_the_progress_hook(monkeypatch):
    calls = []
    import sciatica_course.widgets.common as common
    monkeypatch.setattr(common, "_record_answer", lambda **kw: calls.append(kw))
    w = quiz("start_scope")
    w.confidence.value = 3
    w.choose("b")
    w.choose("a")  # a second click shows feedback again but records only the first answer
    assert len(calls) == 1
    assert calls[0]["item_id"] == "start_scope" and calls[0]["option_id"] == "b"
    assert calls[0]["correct"] is False and calls[0]["confidence"] == 3 and calls[0]["domain"] == "F"


def test_a_failing_store_is_explained_not_raised(monkeypatch):
    import sciatica_course.widgets.common as common
    monkeypatch.setattr(common, "_record_answer", lambda **kw: "Your answer could not be saved (disk full).")
    w = quiz("start_scope")
    w.choose("a")
    assert "could not be saved" in w.feedback.value


def test_quiz_set_numbers_the_questions():
    box = quiz_set("start_here", record=False)
    assert len(box.children) == 3
    assert "Question 1." in box.children[0].stem.value


def test_course_map_and_references():
    from sciatica_course import lesson
    html = lesson.course_map()._repr_html_()
    assert "00_start_here.ipynb" in html and "<caption>" in html and "scope='col'" in html
    refs = lesson.references("start_here")._repr_html_()
    assert "Koes" in refs
    assert "01_sciatic_nerve_path.ipynb" in lesson.next_lesson("start_here", complete=False)._repr_html_()
    end = lesson.next_lesson("revision")
    button, link = end.children
    assert "last lesson" in link.value
    button.button.click()
    from sciatica_course import progress
    assert progress.is_lesson_complete("revision")
