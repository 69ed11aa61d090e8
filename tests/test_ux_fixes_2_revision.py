"""Second student walk-through, revision: "your last answer ... was dangerous" named an answer the student had
since changed on screen (the store keeps the first answer of each showing), and "Question 1 of 8" was followed by
"Question 1." (the number twice)."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from sciatica_course import progress, revision
from sciatica_course.model.core import Collection
from sciatica_course.model.teaching import QuizItem, QuizOption
from sciatica_course.widgets import revision as rw
from sciatica_course.widgets.common import Quiz


from test_progress_widgets import home, real  # noqa: F401  (the progress folder in tmp_path; the course)


@pytest.fixture(scope="module")
def course(real):  # noqa: F811
    plain = [QuizItem(id=f"fake_q{i}", lesson="root_levels", topic="dermatomes", mblex_domain="A", stem=f"Q{i}?",
                      options=(QuizOption("a", "right", True, "because"), QuizOption("b", "wrong", False, "no")),
                      sources=("curriculum_sheet",)) for i in range(3)]
    risky = QuizItem(id="fake_risky", lesson="red_flags_and_referral", topic="red_flags", mblex_domain="C",
                     stem="Saddle numbness: what do you do?",
                     options=(QuizOption("a", "Emergency Department now", True, "because"),
                              QuizOption("b", "Massage and wait", False, "delay", safety="critical",
                                         harm="Permanent loss of bladder control.")),
                     sources=("curriculum_sheet",))
    return SimpleNamespace(quizzes=Collection("quizzes", plain + [risky]), exam_domains=real.exam_domains,
                           lessons=real.lessons, cases=Collection("cases", []))


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_changed_answer_is_not_called_the_last_one(home, course):
    """The reviewer chose the dangerous option with Certain, read the feedback, pressed the right one; revision
    then said "your last answer ... was dangerous". The store keeps the first answer (a second press after the
    feedback is not recall): the Quiz says so when the answer is changed, and revision names that first answer
    by its option and day instead of calling it the last."""
    item = course.quizzes["fake_risky"]
    q = Quiz(item, course=course)
    q.confidence.value = 3
    q.choose("b")
    q.choose("a")                                 # changed after reading the feedback
    assert "first answer is the one kept for revision" in _text(q.feedback.value)
    saved = progress.default_store().answers()
    assert [a["option_id"] for a in saved] == ["b"]
    entry = revision.revision_queue(course, answers=saved, limit=3)[0]
    why = entry.explain()
    assert entry.reason == "unsafe" and entry.chosen == "Massage and wait"
    assert "your last answer" not in why.lower()
    assert "your first answer, \u201cMassage and wait\u201d, would have been dangerous for the client" in why
    assert re.search(r"\(on \d\d \w{3} \d{4}\)", why)
    html = rw.unsafe_answers_html(revision.unsafe_answers(course, answers=saved), course)
    assert "Your last answer" not in html and "first answer" in html


def test_the_latest_first_answer_is_the_one_named(home, course):
    """Two showings: dangerous first time, safe the second: nothing is listed; the other way round, the later
    (dangerous) one is named."""
    store = progress.default_store()
    store.record_answer("fake_risky", "b", False, confidence=3, at="2026-03-01T09:00:00+00:00")
    store.record_answer("fake_risky", "a", True, confidence=2, at="2026-03-05T09:00:00+00:00")
    assert revision.unsafe_answers(course, answers=store.answers()) == []
    store.record_answer("fake_risky", "b", False, confidence=1, at="2026-03-09T09:00:00+00:00")
    u = revision.unsafe_answers(course, answers=store.answers())
    assert [(x.option_id, x.confidence) for x in u] == [("b", 1)] and u[0].at.startswith("2026-03-09")


def test_the_question_number_is_shown_once(home, course):
    store = progress.default_store()
    store.record_answer("fake_risky", "b", False, confidence=3)
    s = rw.revision_session(course, limit=3)
    shown = _text(s.reason.value + s.current.stem.value)
    assert shown.count("Question 1") == 1 and "Question 1 of 3." in shown, shown
    assert "first answer" in _text(s.reason.value)
    s.answer("a")
    s.next()
    shown = _text(s.reason.value + s.current.stem.value)
    assert shown.count("Question 2") == 1 and "Question 2 of 3." in shown, shown
    # a restart carries the unsafe entry's option and day along
    again = rw.revision_session(course, limit=3)
    assert again.index == 1 and again.queue[0].chosen == "Massage and wait"
