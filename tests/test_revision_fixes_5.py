"""Lesson 9's revision dashboard after the fifth student walk-through: topics never attempted read as not
started (not weak), cases to retry name only the steps with an unsafe choice, calibration reports every
confidence level it counts, and quoted questions are cut at a word boundary."""
from __future__ import annotations

import re

import pytest

from sciatica_course import load_course
from sciatica_course.plotting.progress import mastery_alt, mastery_label, plot_mastery
from sciatica_course.plotting.svgcharts import calibration_svg, mastery_svg
from sciatica_course.progress import Store
from sciatica_course import revision
from sciatica_course.text import clip as _clip
from sciatica_course.widgets.revision import Dashboard

COURSE = load_course()


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("SCIATICA_COURSE_HOME", str(tmp_path))
    return Store()


def _answer(store, item_id, correct, confidence, at):
    item = COURSE.quizzes[item_id]
    opt = next(o for o in item.options if bool(o.correct) == correct)
    store.record_answer(item_id, opt.id, correct, confidence=confidence, lesson=item.lesson, topic=item.topic,
                        domain=item.mblex_domain, at=at)


def _html(d: Dashboard) -> str:
    return "".join(p.value for p in d.parts.values())


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# 1. a topic with no answers is "not started", never "weak"
def test_topics_never_attempted_read_as_not_started(store):
    nerve = [q for q in COURSE.quizzes if q.topic == "nerve_path"]
    _answer(store, nerve[0].id, False, 2, "2026-11-20T10:00:00+00:00")     # one topic answered, wrongly
    d = Dashboard(course=COURSE)
    myo = next(m for m in d.data.topics if m.key == "myotomes")
    assert myo.answered == 0
    label = mastery_label(myo, "weak")
    assert label == f"not started · 0 of {myo.items} answered" and "weak" not in label and "%" not in label
    nerve_row = next(m for m in d.data.topics if m.key == "nerve_path")
    assert "weak" in mastery_label(nerve_row, "weak")      # answered and wrong: weak, as before
    svg, alt = mastery_svg(d.data.topics)
    assert f"not started · 0 of {myo.items} answered" in svg
    assert svg.count("· weak ·") == 1                      # only the answered topic is weak
    assert ">not started<" in svg                          # the legend names the not-started hatching
    assert "Myotomes: not started (0 of 4 questions answered)" in alt
    assert "Myotomes 0%" not in alt
    ax = plot_mastery(d.data.topics[:5])
    legends = ax.figure.legends + ([ax.get_legend()] if ax.get_legend() else [])
    assert "not started" in [t.get_text() for lg in legends for t in lg.get_texts()]
    html = _html(d)
    assert "Myotomes" not in html.split("Weakest topics so far")[1].split("</p>")[0]


def test_alt_text_of_an_unanswered_domain():
    rows = revision.mastery_by_domain(COURSE, answers=[])
    assert all("not started" in mastery_label(m, "weak") for m in rows)
    assert " 0% " not in mastery_alt(rows, "Mastery by MBLEx domain")
    one = next(m for m in revision.mastery_by_topic(COURSE, answers=[]) if m.items == 1)
    assert f"{one.label}: not started (0 of 1 question answered)" in mastery_alt([one], "Mastery by topic")


# 2. cases to retry: only the steps where the choice was unsafe or critical
def test_cases_to_retry_names_only_the_unsafe_steps(store):
    case = COURSE.cases["desk_worker_disc"]
    steps = {s.kind: s for s in case.steps}

    def pick(kind, level):
        return next(c for c in steps[kind].choices if c.safety == level)

    safe_rf = next(c for c in steps["red_flag"].choices if c.expert)
    assert safe_rf.safety == "safe"
    irr, plan = pick("irritability", "unsafe") if any(c.safety == "unsafe" for c in steps["irritability"].choices) \
        else pick("irritability", "critical"), pick("plan", "critical")
    # as the engine records it (cases.CaseRun.to_attempt): a must-ask gate stop at the red-flag step (recorded
    # "unsafe", kind "gate"), then the safe expert red-flag decision, then unsafe irritability and a critical plan
    recs = [("red_flag", "gate", ["ask_x"], "unsafe"), ("red_flag", "red_flag", [safe_rf.id], "safe"),
            ("irritability", "irritability", [irr.id], irr.safety), ("plan", "plan", [plan.id], "critical")]
    store.record_case_attempt({
        "uid": "t1", "case_id": case.id, "finished_at": "2026-11-25T10:00:00+00:00", "exam_mode": False,
        "score": 1, "max_score": 8,
        "safety_flags": [{"step_id": steps[k].id, "choice_id": c[0], "safety": s, "confidence": 2}
                         for k, kind, c, s in recs if kind != "gate" and s != "safe"],
        "steps": [{"step_id": steps[k].id, "kind": kind, "choice_ids": c, "safety": s, "points": 0,
                   "confidence": 2} for k, kind, c, s in recs]})
    [retry] = revision.cases_to_retry(COURSE, store=store)
    assert retry.flagged_steps == (steps["irritability"].id, steps["plan"].id)
    assert retry.worst == "critical"
    html = Dashboard(course=COURSE).parts["cases"].value
    assert "Irritability" in html and "Plan" in html and "Red-flag decision" not in html


def test_a_gate_stop_alone_is_not_a_case_to_retry(store):
    case = COURSE.cases["desk_worker_disc"]
    rf = next(s for s in case.steps if s.kind == "red_flag")
    store.record_case_attempt({
        "uid": "t2", "case_id": case.id, "finished_at": "2026-11-25T10:00:00+00:00", "exam_mode": False,
        "score": 6, "max_score": 8, "safety_flags": [],
        "steps": [{"step_id": rf.id, "kind": "gate", "choice_ids": ["x"], "safety": "unsafe", "points": -2,
                   "confidence": None},
                  {"step_id": rf.id, "kind": "red_flag", "choice_ids": ["y"], "safety": "safe", "points": 2,
                   "confidence": 3}]})
    assert revision.cases_to_retry(COURSE, store=store) == []


# 3. calibration: every level with answers, and the levels add up to the count
def test_calibration_reports_every_level_it_counts(store):
    ids = [q.id for q in COURSE.quizzes][:7]
    plan = [(True, 3), (False, 3), (False, 3), (True, 2), (True, 2), (False, 2), (False, 1)]
    for n, (iid, (ok, conf)) in enumerate(zip(ids, plan)):
        _answer(store, iid, ok, conf, f"2026-11-2{n}T10:00:00+00:00")
    msg = Dashboard(course=COURSE).data.calibration_message
    assert "Certain you were right 33% of the time (1 of 3)" in msg
    assert "Fairly sure you were right 67% of the time (2 of 3)" in msg
    assert "Guessing you were right 0% of the time (0 of 1)" in msg
    assert "based on 7 rated answers" in msg
    counted = sum(int(n) for n in re.findall(r"\(\d+ of (\d+)\)", msg))
    assert counted == 7
    _svg, alt = calibration_svg(revision.calibration(store=store))
    assert "Fairly sure: right 67% (2 of 3)" in alt


def test_calibration_with_only_fairly_sure_answers_is_not_empty():
    rows = revision.calibration(answers=[{"item_id": "a", "correct": True, "confidence": 2, "at": "2026-11-01"}])
    msg = revision.calibration_message(rows)
    assert msg.startswith("When you felt Fairly sure you were right 100% of the time (1 of 1).")


# 4. quoted questions cut at a word boundary
def test_confident_errors_cut_at_a_word_boundary(store):
    _answer(store, "path_variant_meaning", False, 3, "2026-11-20T10:00:00+00:00")
    html = Dashboard(course=COURSE).parts["calibration"].value
    quoted = re.search(r"Confident errors to revisit:</b> <q>([^<]*)</q>", html).group(1)
    stem = COURSE.quizzes["path_variant_meaning"].stem
    assert quoted.endswith("…") and len(quoted) <= 80
    assert stem.startswith(quoted[:-1]) and stem[len(quoted) - 1] == " "     # a whole word before the cut
    assert "pirifor…" not in html


def test_clip():
    assert _clip("Short question?", 80) == "Short question?"
    assert _clip("A client tells you a scan report says their sciatic nerve passes through piriformis.", 80) \
        == "A client tells you a scan report says their sciatic nerve passes through…"
    assert _clip("one two, three", 9) == "one two…"
    assert _clip("x" * 20, 10) == "x" * 9 + "…"          # one word longer than the room: cut inside it


def test_a_real_session_with_a_gate_stop_names_only_the_unsafe_steps(store):
    """The walk-through's attempt, played through the case engine: the red-flag decision tried before the
    must-ask questions (a gate stop), then decided as the expert did; irritability and plan chosen unsafely."""
    from sciatica_course import cases as engine

    case = COURSE.cases["desk_worker_disc"]
    s = engine.start(case.id, course=COURSE)
    s.ask(["q_onset", "q_where"])
    s.done_asking()
    rf = s.current
    assert rf.kind == "red_flag" and rf.requires
    expert = next(ch.id for ch in rf.choices if ch.expert)
    gate = s.choose(expert, confidence=3)                     # stopped: back to the intake
    assert gate.gate
    s.ask(list(rf.requires))
    s.done_asking()
    assert s.current.id == rf.id
    s.choose(expert, confidence=3)                            # safe, same as the expert
    s.choose(next(ch.id for ch in s.current.choices if ch.safety == "unsafe"), confidence=2)
    s.choose(next(ch.id for ch in s.current.choices if ch.safety == "critical"), confidence=2)
    assert s.finished
    store.record_case_attempt(s.to_attempt())
    [retry] = revision.cases_to_retry(COURSE, store=store)
    assert retry.worst == "critical"
    assert rf.id not in retry.flagged_steps and len(retry.flagged_steps) == 2
    html = Dashboard(course=COURSE).parts["cases"].value
    assert "Irritability" in html and "Plan" in html and "Red-flag decision" not in html
