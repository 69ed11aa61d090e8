"""Revision logic: FSRS scheduling from saved answers, the revision queue, mastery, calibration, cases to retry."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sciatica_course import revision
from sciatica_course.model.core import Collection
from sciatica_course.model.teaching import QuizItem, QuizOption
from sciatica_course.progress import Store

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def make_item(i, topic, domain="A", lesson="root_levels", stem=None):
    return QuizItem(
        id=f"fake_q{i}", lesson=lesson, topic=topic, mblex_domain=domain, stem=stem or f"Question {i}?",
        options=(QuizOption("a", "right", True, "because"), QuizOption("b", "wrong", False, "because not")),
        sources=("curriculum_sheet",))


@pytest.fixture(scope="module")
def real():
    from sciatica_course import load_course

    return load_course()


@pytest.fixture
def fake(real):
    items = [make_item(0, "dermatomes", "A"), make_item(1, "dermatomes", "A"), make_item(2, "red_flags", "C"),
             make_item(3, "red_flags", "C"), make_item(4, "scope", "F"), make_item(5, "scope", "F")]
    return SimpleNamespace(quizzes=Collection("quizzes", items), exam_domains=real.exam_domains,
                           lessons=real.lessons, cases=Collection("cases", []))


def ans(item_id, correct, at, confidence=None):
    return {"uid": uuid.uuid4().hex, "item_id": item_id, "option_id": "a" if correct else "b", "correct": correct,
            "confidence": confidence, "seconds": 3.0, "at": at.isoformat(), "lesson": None, "topic": None,
            "domain": None}


def test_rating_rule():
    from fsrs import Rating

    assert revision.rating_for(False, 3) == Rating.Again
    assert revision.rating_for(True, 1) == Rating.Hard
    assert revision.rating_for(True, 2) == Rating.Good
    assert revision.rating_for(True, None) == Rating.Good
    assert revision.rating_for(True, 3) == Rating.Easy


def test_intervals_grow_with_right_answers_and_reset_with_wrong_ones():
    a = [ans("q", True, T0)]
    s1 = revision.item_states(a, now=T0)["q"]
    assert s1.due > T0 + timedelta(days=1)
    a.append(ans("q", True, s1.due))
    s2 = revision.item_states(a, now=s1.due)["q"]
    assert s2.due - s1.due > s1.due - T0          # the second interval is longer
    a.append(ans("q", False, s2.due))
    s3 = revision.item_states(a, now=s2.due)["q"]
    assert s3.due - s2.due <= timedelta(days=2) < s2.due - s1.due  # a wrong answer comes back soon
    assert s3.mastery == 0.0 and s2.mastery > 0.9
    later = revision.item_states(a[:2], now=s1.due + timedelta(days=60))["q"]
    assert later.retrievability < s2.retrievability  # forgetting over time


def test_empty_store_session_interleaves_topics(fake):
    q = revision.revision_queue(fake, answers=[], now=T0, limit=4)
    assert [e.reason for e in q] == ["new"] * 4
    assert q[0].topic != q[1].topic and len({e.topic for e in q[:3]}) == 3


def test_due_items_come_first_least_recalled_first(fake):
    answers = [ans("fake_q4", True, T0, confidence=3), ans("fake_q2", True, T0, confidence=1)]
    now = T0 + timedelta(days=30)
    q = revision.revision_queue(fake, answers=answers, now=now, limit=3)
    assert [e.reason for e in q[:2]] == ["due", "due"]
    assert q[0].item_id == "fake_q2"  # "Hard" has the shorter memory, so it is less well recalled now
    assert "Due for review" in q[0].explain(now)


def test_nothing_due_weakest_topic_first(fake):
    # dermatomes: right and sure (strong); red_flags: wrong (weak); scope never answered
    answers = [ans("fake_q0", True, T0, 3), ans("fake_q1", True, T0, 3), ans("fake_q2", False, T0, 3)]
    now = T0 + timedelta(hours=2)
    assert revision.due_count(fake, answers=answers, now=now) == 0
    q = revision.revision_queue(fake, answers=answers, now=now, limit=6)
    assert q[0].item_id == "fake_q2" and q[0].reason == "weak_topic"
    assert q[-1].topic == "dermatomes"  # the strongest topic comes last
    topics = revision.mastery_by_topic(fake, answers=answers, now=now)
    assert [m.key for m in topics][-1] == "dermatomes"
    assert topics[-1].answered == 2 and topics[-1].mastery > 0.9 and topics[-1].accuracy == 1.0


def test_mastery_by_domain_is_labelled_with_mblex_names(fake):
    rows = revision.mastery_by_domain(fake, answers=[ans("fake_q0", True, T0)], now=T0)
    assert {r.key for r in rows} == {"A", "C", "F"}
    assert any(r.label.startswith("A · ") for r in rows)


def test_answers_for_removed_items_are_ignored_by_the_queue(fake):
    q = revision.revision_queue(fake, answers=[ans("gone_item", False, T0)], now=T0 + timedelta(days=9))
    assert "gone_item" not in {e.item_id for e in q}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.lists(st.tuples(st.integers(0, 7), st.booleans(), st.sampled_from([None, 1, 2, 3]),
                               st.integers(0, 60 * 24 * 40)), max_size=40),
       limit=st.integers(1, 10), later=st.integers(0, 60))
def test_queue_properties(fake, data, limit, later):
    answers = [ans(f"fake_q{i}", c, T0 + timedelta(minutes=m), conf) for i, c, conf, m in data]
    now = T0 + timedelta(days=40 + later)
    q = revision.revision_queue(fake, answers=answers, now=now, limit=limit)
    ids = [e.item_id for e in q]
    assert len(ids) == len(set(ids)) == min(limit, len(fake.quizzes))
    reasons = [e.reason for e in q]
    assert reasons == sorted(reasons, key=lambda r: r != "due")  # due ones first
    assert sum(r == "due" for r in reasons) == min(limit, revision.due_count(fake, answers=answers, now=now))
    for m in revision.mastery_by_topic(fake, answers=answers, now=now):
        assert 0.0 <= m.mastery <= 1.0


def test_calibration_and_message():
    answers = [ans("q1", False, T0, 3), ans("q2", False, T0, 3), ans("q3", True, T0, 3), ans("q4", True, T0, 1),
               ans("q5", True, T0, 1), ans("q6", True, T0, 1), ans("q7", True, T0, None)]
    rows = revision.calibration(answers=answers)
    by = {r.confidence: r for r in rows}
    assert (by[3].answers, by[3].correct) == (3, 1) and by[2].answers == 0 and by[None].answers == 1
    msg = revision.calibration_message(rows)
    assert "Certain you were right 33%" in msg and "confident errors" in msg and "know more than you think" in msg
    assert "No rated answers" in revision.calibration_message(revision.calibration(answers=[]))


def test_confident_errors_use_the_last_answer(fake):
    answers = [ans("fake_q0", False, T0, 3), ans("fake_q1", False, T0, 3), ans("fake_q1", True, T0 + timedelta(1))]
    assert revision.confident_errors(fake, answers=answers) == ["fake_q0"]


def test_answers_over_time_fills_empty_days():
    answers = [ans("q", True, T0), ans("q", False, T0), ans("q", True, T0 + timedelta(days=3))]
    days = revision.answers_over_time(answers=answers, now=T0 + timedelta(days=4))
    assert [d.answers for d in days] == [2, 0, 0, 1, 0]
    assert days[0].correct == 1
    assert revision.answers_over_time(answers=[]) == []


def attempt(case_id, finished, safeties, flags=()):
    return {"uid": uuid.uuid4().hex, "case_id": case_id, "finished_at": finished.isoformat(), "exam_mode": False,
            "score": 1, "max_score": 4,
            "safety_flags": [{"step_id": s, "choice_id": "c", "safety": v, "confidence": None} for s, v in flags],
            "steps": [{"step_id": f"s{i}", "kind": "choice", "choice_ids": ["c"], "safety": v, "points": 0,
                       "confidence": None} for i, v in enumerate(safeties)]}


def test_cases_to_retry_follow_the_last_attempt(fake):
    atts = [attempt("a", T0, ["safe", "unsafe"]), attempt("a", T0 + timedelta(1), ["safe", "safe"]),  # fixed
            attempt("b", T0, ["safe"]), attempt("b", T0 + timedelta(1), ["suboptimal", "unsafe"]),   # regressed
            attempt("c", T0 + timedelta(2), ["safe"], flags=[("screen", "critical")])]
    out = revision.cases_to_retry(fake, attempts=atts)
    assert [c.case_id for c in out] == ["c", "b"]  # critical first
    assert out[0].worst == "critical" and out[0].flagged_steps == ("screen",)
    assert out[1].worst == "unsafe" and out[1].flagged_steps == ("s1",)


def test_dashboard_data_from_a_store(fake, tmp_path):
    store = Store(tmp_path / "p.sqlite3")
    store.record_answer("fake_q0", "a", True, confidence=2, at=T0.isoformat())
    store.record_case_attempt(attempt("x", T0, ["critical"]))
    store.mark_lesson_complete("start_here")
    d = revision.dashboard_data(fake, store=store, now=T0 + timedelta(days=5))
    assert d.answers == 1 and d.due_now == 1 and [c.case_id for c in d.cases_to_retry] == ["x"]
    assert dict((l.id, at) for l, at in d.lessons)["start_here"]


def test_schedule_survives_export_and_import(fake, tmp_path):
    a = Store(tmp_path / "a.sqlite3")
    for k in range(6):
        a.record_answer(f"fake_q{k % 3}", "a", k % 2 == 0, confidence=(k % 3) + 1,
                        at=(T0 + timedelta(days=k)).isoformat())
    a.export_progress(tmp_path / "e.json")
    b = Store(tmp_path / "b.sqlite3")
    b.import_progress(tmp_path / "e.json")
    now = T0 + timedelta(days=20)
    assert revision.revision_queue(fake, store=a, now=now) == revision.revision_queue(fake, store=b, now=now)


def test_real_course_queue_has_no_duplicates_and_covers_lessons(real):
    q = revision.revision_queue(real, answers=[], now=T0, limit=len(real.quizzes))
    assert len({e.item_id for e in q}) == len(real.quizzes)


# ---- unsafe quiz answers count like a critical case choice (issue 16, safety-weighted feedback)

def unsafe_course(real):
    items = [make_item(0, "dermatomes"), make_item(1, "dermatomes"), make_item(2, "scope")]
    risky = QuizItem(id="fake_risky", lesson="red_flags_and_referral", topic="red_flags", mblex_domain="C",
                     stem="Saddle numbness: what do you do?",
                     options=(QuizOption("a", "Emergency Department now", True, "because"),
                              QuizOption("b", "Massage and wait", False, "delay", safety="critical",
                                         harm="Permanent loss of bladder control."),
                              QuizOption("c", "GP next week", False, "delay", safety="unsafe", harm="A delay.")),
                     sources=("curriculum_sheet",))
    return SimpleNamespace(quizzes=Collection("quizzes", items + [risky]), exam_domains=real.exam_domains,
                           lessons=real.lessons, cases=Collection("cases", []))


def pick(item_id, option_id, at, confidence=None):
    a = ans(item_id, option_id == "a", at, confidence)
    a["option_id"] = option_id
    return a


def test_an_unsafe_last_answer_comes_first_until_answered_safely(real):
    course = unsafe_course(real)
    answers = [pick("fake_q0", "b", T0), pick("fake_risky", "b", T0, confidence=3)]
    later = T0 + timedelta(days=30)                   # fake_q0 is due by now as well
    q = revision.revision_queue(course, answers=answers, now=later, limit=3)
    assert q[0].item_id == "fake_risky" and q[0].reason == "unsafe"
    assert q[0].safety == "critical" and q[0].confident
    assert "dangerous for the client and you were sure of it" in q[0].explain(later)
    assert q[1].reason == "due"
    u = revision.unsafe_answers(course, answers=answers)
    assert [(x.item_id, x.safety, x.confident) for x in u] == [("fake_risky", "critical", True)]
    # not due yet (answered a minute ago), an unsafe answer still comes back at once
    soon = revision.revision_queue(course, answers=answers, now=T0 + timedelta(minutes=1), limit=1)
    assert [e.reason for e in soon] == ["unsafe"]
    fixed = answers + [pick("fake_risky", "a", T0 + timedelta(days=1), 2)]
    assert revision.unsafe_answers(course, answers=fixed) == []
    assert all(e.reason != "unsafe" for e in revision.revision_queue(course, answers=fixed, now=later))


def test_critical_before_unsafe_and_confident_first(real):
    course = unsafe_course(real)
    answers = [pick("fake_risky", "c", T0, confidence=1)]
    u = revision.unsafe_answers(course, answers=answers)
    assert u[0].safety == "unsafe" and not u[0].confident
    assert revision.unsafe_answers(course, answers=[pick("fake_q0", "b", T0, 3)]) == []   # a slip is not unsafe


def test_the_dashboard_lists_unsafe_answers(real, tmp_path):
    from sciatica_course.widgets.revision import unsafe_answers_html

    course = unsafe_course(real)
    store = Store(tmp_path / "p.sqlite3")
    store.record_answer("fake_risky", "b", False, confidence=3, at=T0.isoformat())
    d = revision.dashboard_data(course, store=store, now=T0 + timedelta(days=1))
    assert [x.item_id for x in d.unsafe_answers] == ["fake_risky"]
    html = unsafe_answers_html(d.unsafe_answers, course)
    assert "Confident and unsafe" in html and "Permanent loss of bladder control." in html
    assert "Massage and wait" in html and "!! critical" in html
    assert unsafe_answers_html([], course) == ""
