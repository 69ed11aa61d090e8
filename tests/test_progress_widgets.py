"""Revision widgets without a browser: build them, click, read the HTML they show."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from sciatica_course import progress
from sciatica_course.model.core import Collection
from sciatica_course.model.teaching import QuizItem, QuizOption
from sciatica_course.widgets import revision as rw


def make_item(i, topic, domain="A", lesson="root_levels", stem=None):
    return QuizItem(
        id=f"fake_q{i}", lesson=lesson, topic=topic, mblex_domain=domain, stem=stem or f"Question {i}?",
        options=(QuizOption("a", "right", True, "because"), QuizOption("b", "wrong", False, "because not")),
        sources=("curriculum_sheet",))


def attempt(case_id, finished, safeties):
    return {"case_id": case_id, "finished_at": finished.isoformat(), "exam_mode": False, "score": 1,
            "max_score": 4, "safety_flags": [],
            "steps": [{"step_id": f"s{i}", "kind": "choice", "choice_ids": ["c"], "safety": v, "points": 0,
                       "confidence": None} for i, v in enumerate(safeties)]}


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SCIATICA_COURSE_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="module")
def real():
    from sciatica_course import load_course

    return load_course()


@pytest.fixture
def fake(real):
    items = [make_item(0, "dermatomes", "A"), make_item(1, "red_flags", "C"),
             make_item(2, "scope", "F", stem="Is <script>alert(1)</script> shown literally?")]
    return SimpleNamespace(quizzes=Collection("quizzes", items), exam_domains=real.exam_domains,
                           lessons=real.lessons, cases=Collection("cases", []))


def _correct(quiz):
    return next(o.id for o in quiz.item.options if o.correct)


def _wrong(quiz):
    return next(o.id for o in quiz.item.options if not o.correct)


def test_session_one_question_at_a_time_with_explanations(home, fake):
    s = rw.revision_session(fake, limit=3)
    assert len(s.queue) == 3 and "3 you have not met yet" in s.header.value
    assert "Nothing is due" in s.header.value
    assert s.next_button.disabled                      # answer first
    s.next()
    assert s.index == 0
    first = s.current
    s.answer(_wrong(first))
    assert "Not quite" in first.feedback.value and "because not" in first.feedback.value  # every option explained
    assert not s.next_button.disabled
    s.next_button.click()
    assert s.index == 1 and s.current is not first and s.holder.children == (s.current,)
    s.answer(_correct(s.current))
    s.next()
    assert s.next_button.description == "Finish session"
    s.answer(_correct(s.current))
    assert "&lt;script&gt;" in s.current.stem.value and "<script>" not in s.current.stem.value
    s.next()
    assert s.finished and "2 of 3 right" in s.status.value
    saved = progress.answers()
    assert [a["item_id"] for a in saved] == [e.item_id for e in s.queue]
    assert saved[0]["topic"] == s.queue[0].topic and saved[0]["lesson"] == "root_levels"
    s.restart_button.click()                          # a new session from the updated store
    assert s.index == 0 and s.queue[0].item_id == saved[0]["item_id"]  # the missed one, weakest topic, first


def test_session_with_no_questions(home, fake):
    empty = SimpleNamespace(quizzes=Collection("quizzes", []), exam_domains=fake.exam_domains,
                            lessons=fake.lessons, cases=fake.cases)
    s = rw.revision_session(empty)
    assert s.finished and "no quiz questions" in s.header.value


def test_session_on_the_real_course(home, real):
    s = rw.revision_session(real, limit=5)
    assert len(s.queue) == min(5, len(real.quizzes))
    while not s.finished:
        s.answer(_correct(s.current))
        s.next()
    assert "right" in s.status.value


def test_dashboard_empty_then_with_progress(home, fake):
    d = rw.dashboard(fake)
    assert "0 answers saved" in d.parts["summary"].value
    assert "No rated answers yet" in d.parts["calibration"].value
    assert "No cases to retry" in d.parts["cases"].value
    for key in ("topics", "domains", "calibration", "over_time"):
        alt = re.search(r'alt="([^"]*)"', d.parts[key].value)
        assert alt and alt.group(1), key
    store = progress.Store()
    t0 = datetime.now(timezone.utc) - timedelta(days=3)
    store.record_answer("fake_q2", "b", False, confidence=3, at=t0.isoformat())
    store.record_answer("fake_q0", "a", True, confidence=1, at=t0.isoformat())
    store.record_case_attempt(attempt("some_case", t0, ["safe", "critical"]))
    progress.mark_lesson_complete("root_levels")
    d.refresh_button.click()
    assert "2 answers saved" in d.parts["summary"].value
    assert "Confident errors" in d.parts["calibration"].value
    assert "&lt;script&gt;" in d.parts["calibration"].value and "<script>alert" not in d.parts["calibration"].value
    assert "critical" in d.parts["cases"].value and "some case" in d.parts["cases"].value
    assert "✓" in d.parts["lessons"].value
    assert "Scope" in d.parts["topics"].value


def test_complete_button(home):
    b = rw.complete_button("revision")
    assert b.button.description == "Mark this lesson complete" and b.status.value == ""
    when = b.mark()
    assert "Saved" in b.status.value and progress.is_lesson_complete("revision")
    b.button.click()
    assert progress.completed_lessons()["revision"] == when
    assert "You completed this lesson" in rw.complete_button("revision").status.value


def test_retry_cases_lists_unsafe_last_attempts(home, fake):
    assert "No cases to retry" in rw.retry_cases(fake).info.value
    progress.record_case_attempt(attempt("case_x", datetime.now(timezone.utc), ["unsafe"]))
    r = rw.retry_cases(fake)
    assert r.choice.options == (("case x (unsafe)", "case_x"),) and "1 case to retry" in r.info.value
    r.play()  # the case does not exist in this course: a message, never a traceback
    [child] = r.player_box.children
    assert 'role="alert"' in child.value


def test_progress_transfer_export_import(home):
    progress.record_answer("q1", "a", True)
    t = rw.progress_transfer()
    assert str(home) in t.where.value
    t.name.value = "Ada <b>Lovelace</b>"
    t.save_name.click()
    assert progress.student_name() == "Ada <b>Lovelace</b>" and "&lt;b&gt;" in t.message.value
    t.anonymous.value = True
    data = t.export()
    assert data["anonymous"] and "Lovelace" not in json.dumps(data) and "download=" in t.message.value
    t.anonymous.value = False
    data = t.export()
    data["answers"].append(dict(data["answers"][0], uid="f" * 32, item_id="q2"))
    res = t.import_bytes("mine.json", json.dumps(data).encode())
    assert res.added["answers"] == 1 and "1 record already here" in t.message.value
    assert t.import_bytes("bad.json", b"{nope") is None and "not a progress file" in t.message.value
    assert t.import_bytes("other.json", b'{"format": "x"}') is None and "not a sciatica-course" in t.message.value


def test_hand_in_writes_an_export_into_the_class_folder(tmp_path, monkeypatch):
    import json

    from sciatica_course import progress
    from sciatica_course.widgets.revision import ProgressTransfer
    home, handin = tmp_path / "home", tmp_path / "handin"
    handin.mkdir()
    monkeypatch.setenv("SCIATICA_COURSE_HOME", str(home))
    monkeypatch.delenv("SCIATICA_HANDIN_DIR", raising=False)
    assert ProgressTransfer().handin_button is None
    with pytest.raises(progress.ProgressError, match="no hand-in folder"):
        progress.hand_in()
    monkeypatch.setenv("SCIATICA_HANDIN_DIR", str(handin))
    monkeypatch.setenv("JUPYTERHUB_USER", "student-07")
    progress.record_answer("start_scope", "a", True, confidence=2)
    w = ProgressTransfer()
    w.handin_button.click()
    data = json.loads((handin / "student-07.json").read_text())
    assert data["format"] == "sciatica-course-progress" and len(data["answers"]) == 1
    assert "Handed in" in w.message.value


# ---- issue 16 walk-through: what a reviser meets after a restart, and the transfer widget's counts and label
def test_an_unfinished_session_carries_on_after_a_restart(home, fake):
    """Kernel -> Restart and Run All mid-session: the session carries on at the first question not yet answered
    (lesson 0 says so), with no old answer or feedback shown; "Start another session" builds a new one; a
    finished session is not resumed."""
    s = rw.revision_session(fake, limit=3)
    ids = [e.item_id for e in s.queue]
    s.answer(_wrong(s.current))
    s.next()
    s.answer(_correct(s.current))             # answered, Next not pressed yet: then the kernel restarts
    again = rw.revision_session(fake, limit=3)   # a fresh kernel builds the widget again
    assert [e.item_id for e in again.queue] == ids and again.index == 2
    assert "Question 3 of 3." in again.current.stem.value and "carried on" in again.header.value
    assert again.current.answer is None and again.current.feedback.value == ""
    assert again.results == [(ids[0], False), (ids[1], True)]
    assert again.restart_button.layout.display is None    # a new session is one press away
    again.answer(_correct(again.current))
    again.next()
    assert again.finished and "2 of 3 right" in again.status.value
    fresh = rw.revision_session(fake, limit=3)            # finished: the next session is a new one
    assert fresh.index == 0 and "carried on" not in fresh.header.value


def test_lesson_0_says_what_a_restart_keeps():
    from pathlib import Path

    nb = json.loads((Path(__file__).resolve().parents[1] / "notebooks" / "00_start_here.ipynb").read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "starts the lesson fresh" not in text
    assert "revision session you had not finished carries on" in text


def test_transfer_counts_are_the_files_now_and_the_upload_shows_no_raw_counter(home):
    t = rw.progress_transfer()
    assert "(0 answers" in t.where.value
    progress.record_answer("q1", "a", True)
    progress.record_answer("q2", "a", False)
    t.export()
    assert "(2 answers" in t.where.value and "2 answers" in t.message.value   # one count, not 0 above and 2 below
    assert t.upload.description == rw.UPLOAD_LABEL and "sc-upload" in t.upload._dom_classes
    css = rw.UPLOAD_CSS
    assert ".sc-upload{font-size:0" in css and f"content:'{rw.UPLOAD_LABEL}'" in css
