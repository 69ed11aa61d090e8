"""Second student walk-through, the case player: a score that makes sense ("Score −6 of 29 (0%)"), the safe path
after a critical choice (the referral script was never seen), and feedback that quotes findings the student never
gathered ("his numb leg" when numbness was never asked)."""
from __future__ import annotations

import re

import pytest

from sciatica_course import cases as engine
from sciatica_course.loading import load_course
from sciatica_course.widgets.case_player import CasePlayer, debrief_html

COURSE = load_course()
CASES = [c.id for c in COURSE.cases]
MINUS = "\u2212"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&quot;", '"').replace("&#x27;", "'")


def _gated_only(p: CasePlayer):
    """Ask only what the must-ask gate demands (a hurried student), then stop at the first decision."""
    gated = next(s for s in p.session.case.steps if s.requires)
    p.ask(list(gated.requires))
    p.done_asking()
    return gated


def _worst_red_flag_choice(case):
    step = next(s for s in case.steps if s.kind == "red_flag")
    order = engine.SAFETY_ORDER
    return max(step.choices, key=lambda c: (order.index(c.safety), -c.points)).id


# ---------------------------------------------------------------------------- 1. the score a student reads
@pytest.mark.parametrize("case_id", CASES)
def test_a_case_score_is_never_a_negative_of(case_id):
    """Play the case as badly as possible (the worst red-flag choice, Certain): every place that shows the score
    (Score so far, Finished, the debrief, the figure's alt text) shows the same score, at least 0, and names what
    was lost instead of a negative "of" next to 0%."""
    p = CasePlayer(case_id, course=COURSE, record=False)
    _gated_only(p)
    p.confidence.value = 3
    while p.session.current is not None:
        if p.session.current.kind == "red_flag":
            p.choose(_worst_red_flag_choice(p.session.case))
        else:
            p.choose(next(c.id for c in p.session.current.choices if c.safety != "safe"))
    d = p.session.debrief()
    pts = d.points
    assert pts.lost > 0 and pts.shown >= 0 and pts.shown == max(p.session.score, 0)
    assert pts.earned - pts.lost == pytest.approx(p.session.score)
    assert sum(v for _w, v in pts.losses) == pytest.approx(-pts.lost)
    shown = {
        "finished": _text(p.score_html.value),
        "debrief": _text(p.debrief.value),
        "alt": _text(debrief_html(d, COURSE)),
        "plain": d.text(),
    }
    for where, text in shown.items():
        assert not re.search(rf"[-{MINUS}]\d+(\.\d+)? of \d", text), (where, text[:300])
        assert pts.headline() in text, (where, pts.headline(), text[:300])
    if p.session.score < 0:
        assert "0 of" in shown["debrief"] and "(0%)" in shown["debrief"]
        assert "a case score stops at 0" in shown["debrief"]
    assert "Where you lost points" in shown["debrief"]
    for what, _v in pts.losses:
        assert _text(what)[:40] in shown["debrief"]


def test_score_so_far_and_the_debrief_use_the_same_words():
    p = CasePlayer("cauda_equina", course=COURSE, record=False)
    _gated_only(p)
    p.confidence.value = 3
    p.choose("rf_treat")                      # critical and Certain: -3 and -6
    so_far = p.session.score_detail()
    assert so_far.lost == 9 and so_far.shown == max(so_far.net, 0)
    assert f"certainty {MINUS}6" in so_far.text() and f"choices {MINUS}3" in so_far.text()
    assert so_far.text() in p.session.debrief().score_text()
    assert "Finished. Score: " + so_far.headline() in _text(p.score_html.value)


def test_class_report_percent_is_never_negative():
    from sciatica_course import classreport

    s = engine.play("cauda_equina", [["q_ces", "q_legs", "q_history"], ("rf_treat", 3)], course=COURSE)
    att = s.to_attempt()
    assert att["score"] < 0          # the stored sum stays as it was, for the instructor
    data = classreport.ClassData(folder="class", attempts=[{**classreport.check_attempt(att, "a"),
                                                            "student": "s1", "file": "f"}])
    frame = classreport.attempts_frame(data)
    assert (frame["percent"] >= 0).all()


# ---------------------------------------------------------------------------- 2. the safe path after a critical choice
@pytest.mark.parametrize("case_id", CASES)
def test_a_choice_that_ends_the_case_early_still_shows_the_safe_path(case_id):
    """A critical red-flag choice ended the case before the referral step: the student never saw what to say to
    the client. Now the expert's steps from where the path left it are shown under the last feedback, and the
    referral script is quoted."""
    case = COURSE.cases[case_id]
    steps = case.step_map
    rf = next(s for s in case.steps if s.kind == "red_flag")
    ending = [c for c in rf.choices if not c.expert and steps[c.next or rf.next].kind == "debrief"]
    if not ending:
        pytest.skip("no red-flag choice of this case ends it")
    worst = max(ending, key=lambda c: engine.SAFETY_ORDER.index(c.safety))
    p = CasePlayer(case_id, course=COURSE, record=False)
    _gated_only(p)
    p.choose(worst.id)
    assert p.session.finished
    expert = case.expert_path()
    shown = _text(p.feedback.value)
    assert "The safe path" in shown
    for step, chosen in expert:
        if step.kind in ("red_flag", "referral", "irritability", "plan"):
            for c in chosen:
                assert _text(c.text)[:60] in shown, (step.kind, c.text[:60])
    if any(s.kind == "referral" for s, _ in expert):
        assert "What to say to the client" in shown
    # shown once: not repeated in the debrief below it
    assert "The safe path" not in _text(p.debrief.value)


def test_exam_mode_keeps_the_safe_path_for_the_debrief():
    p = CasePlayer("cauda_equina", course=COURSE, record=False, exam_mode=True)
    _gated_only(p)
    p.choose("rf_treat")
    assert "The safe path" not in _text(p.feedback.value)
    debrief = _text(p.debrief.value)
    assert "The safe path" in debrief and "What to say to the client" in debrief
    assert "Emergency Department today - now" in debrief


def test_a_critical_referral_script_shows_what_to_say():
    """The referral step itself: a critical script ("a GP next week") reaches the expert's ending, and the student
    still reads the script the expert would use."""
    p = CasePlayer("cauda_equina", course=COURSE, record=False)
    _gated_only(p)
    p.choose("rf_emergency")
    p.choose("ref_gp_next_week")
    shown = _text(p.feedback.value)
    assert "What to say to the client" in shown and "Stop the session. Tell her calmly" in shown
    assert "Red-flag decision (" not in shown.split("The safe path")[1]     # the red flag was right: not repeated


def test_another_safe_route_is_not_a_deviation():
    """A safe choice that is not the expert's (a routine review suggested as well) reaching the expert's end shows
    no safe path: nothing went wrong."""
    found = 0
    for case in COURSE.cases:
        for step in case.steps:
            for alt in step.choices:
                if step.kind == "intake" or alt.expert or alt.safety != "safe":
                    continue
                s = engine.start(case.id, COURSE)
                while not s.finished:
                    s.choose([alt.id] if s.current.id == step.id else s.expert_choices())
                if s._ended_at_step == case.expert_path()[-1][0].id:
                    found += 1
                    assert s.safe_path() == (), (case.id, alt.id)
    assert found >= 3


def test_the_expert_path_has_no_safe_path_block():
    for case_id in CASES:
        s = engine.play_expert(case_id, course=COURSE)
        assert s.safe_path() == ()
        assert "The safe path" not in debrief_html(s.debrief(), COURSE, figure=False)


# ---------------------------------------------------------------------------- 3. findings never gathered
# Words by which a case's decision feedback quotes a finding (the reviewer's "his numb leg").
QUOTED = {
    "numbness": r"(?<!saddle )\bnumb(ness)?\b(?! in the saddle)",
    "symptoms_below_knee": r"below[- ]the[- ]knee|below-knee",
    "night_pain": r"night pain|at night|barely slept",
    "pain_score": r"\b\d+/10\b|out of 10",
    "settle_time_minutes": r"to settle",
}


@pytest.mark.parametrize("case_id", CASES)
def test_feedback_never_quotes_a_finding_without_saying_it_was_not_asked(case_id):
    """A student who asked only what the gate demanded reads decision feedback written for the full story. Every
    finding such feedback quotes and the student never asked about is named plainly ("You did not ask, and it
    was present"), with the question and what the client would have said."""
    p = CasePlayer(case_id, course=COURSE, record=False)
    _gated_only(p)
    asked = {f for cid in p.session.asked for f in p.session.case.choice(cid).asks}
    present = {k for k, v in p.session.case.findings_dict().items() if v is True or (not isinstance(v, bool) and v)}
    seen = []
    while p.session.current is not None:
        p.choose(p.session.expert_choices()[0])
        seen.append(_text(p.feedback.value))
    feedback = " ".join(seen)
    quoted = {f for f, rx in QUOTED.items() if f in present and f not in asked and re.search(rx, feedback, re.I)}
    for f in quoted:
        label = COURSE.findings[f].label
        assert "You did not ask, and it was present" in feedback and label in feedback, (case_id, f)
    # named once (on the first decision), not under every later step
    assert feedback.count("You did not ask, and it was present") <= 1
    debrief = _text(p.debrief.value)
    for q, _a, found in p.session.unasked():
        assert _text(q)[:50] in debrief or all(label in debrief for _f, label in found)


def test_the_reviewers_case_numbness_never_asked():
    p = CasePlayer("desk_worker_disc", course=COURSE, record=False)
    _gated_only(p)
    assert "q_where" not in p.session.asked
    fb = p.choose(p.session.expert_choices()[0])
    assert any(f == "numbness" for _q, _a, found in fb.unasked for f, _l in found)
    shown = _text(p.feedback.value)
    assert "Numbness or pins and needles in the leg" in shown and "The little toe side feels numb" in shown
    assert "his numb leg" not in COURSE.cases["desk_worker_disc"].choice("plan_deep").feedback


def test_asked_findings_are_not_listed_and_exam_mode_holds_the_note():
    s = engine.start("cauda_equina", COURSE)
    s.choose(["q_ces", "q_legs", "q_history", "q_where", "q_onset", "q_behaviour", "q_night", "q_meds"])
    assert s.unasked() == ()
    fb = s.choose("rf_emergency", confidence=3)
    assert fb.unasked == ()
    e = engine.start("cauda_equina", COURSE, exam_mode=True)
    e.choose(["q_ces", "q_legs", "q_history"])
    fb = e.choose("rf_emergency")
    assert fb.held and fb.unasked == ()
    assert e.unasked()


def test_a_measured_finding_says_its_unit_once():
    from sciatica_course.cases import _finding_text

    for fid, value in (("settle_time_minutes", 180), ("pain_score", 7), ("weeks_since_onset", 2)):
        text = _finding_text(COURSE.findings, fid, value)
        words = re.findall(r"[a-z]+|\(\d+-\d+\)", text.lower())
        assert len(words) == len(set(words)), text
    assert _finding_text(COURSE.findings, "numbness", True) == COURSE.findings["numbness"].label
