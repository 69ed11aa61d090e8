"""The case engine, played programmatically: gates, certainty-based marking, exam mode, errors, attempts."""
import pytest

from sciatica_course import cases, load_course
from sciatica_course.cases import CBM_RIGHT, CBM_WRONG, CaseError, HELD_TEXT

COURSE = load_course()
SCREEN = ["q_ces", "q_legs", "q_history"]


def test_gate_sends_back_and_costs_points():
    """The gate fires when the student tries to decide without the must-ask questions (not when they ask): the
    decision is not taken, they go back to the intake, and after asking they return to the gated step."""
    s = cases.start("piriformis_runner", course=COURSE)
    fb = s.choose(["q_onset", "q_where"])
    assert fb.gate is None and s.current.id == "red_flag"
    fb = s.choose("rf_treat", confidence=3)
    assert fb.kind == "gate" and fb.gate and "Not asked yet" in fb.gate
    assert s.current.id == "intake"
    gate = [r for r in s.history if r.kind == "gate"]
    assert gate and gate[0].step_id == "red_flag" and set(gate[0].choice_ids) == set(SCREEN)
    assert gate[0].points == -COURSE.cases["piriformis_runner"].step("red_flag").gate_penalty
    with pytest.raises(CaseError, match="asked already"):
        s.choose(["q_onset"])
    assert {c.id for c in s.available_choices()}.isdisjoint({"q_onset", "q_where"})
    fb = s.choose(SCREEN)
    assert fb.gate is None and s.current.id == "red_flag"
    att = s.to_attempt()
    assert [st["kind"] for st in att["steps"]] == ["intake", "gate", "intake"]
    assert att["steps"][1]["safety"] == "unsafe"


def test_intake_reveals_answers():
    s = cases.start("cauda_equina", course=COURSE)
    fb = s.choose(SCREEN)
    answers = dict(fb.answers)
    assert "numb" in answers[COURSE.cases["cauda_equina"].choice("q_ces").text]


@pytest.mark.parametrize("conf", [None, 1, 2, 3])
def test_certainty_marks_right(conf):
    s = cases.start("cauda_equina", course=COURSE)
    s.choose(SCREEN)
    fb = s.choose("rf_emergency", confidence=conf)
    assert fb.safety == "safe" and fb.certainty_marks == CBM_RIGHT[conf or 1]


def test_confident_and_wrong_costs_more():
    scores = {}
    for conf in (1, 2, 3):
        s = cases.start("cauda_equina", course=COURSE)
        s.choose(SCREEN)
        fb = s.choose("rf_treat", confidence=conf)
        assert fb.safety == "critical" and fb.certainty_marks == CBM_WRONG["critical"][conf]
        scores[conf] = s.score
        assert s.finished
        flagged = s.debrief().confident_unsafe
        assert bool(flagged) == (conf >= 2)
        assert s.to_attempt()["safety_flags"] == [{"step_id": "red_flag", "choice_id": "rf_treat",
                                                   "safety": "critical", "confidence": conf}]
    assert scores[1] > scores[2] > scores[3]


def test_exam_mode_holds_feedback_until_the_end():
    s = cases.start("desk_worker_disc", course=COURSE, exam_mode=True)
    fb = s.choose(SCREEN + ["q_where"])
    assert fb.held and fb.text == HELD_TEXT and fb.safety is None and fb.points is None and fb.rationale == ""
    assert fb.answers  # the client's answers are information, shown at once
    fb = s.choose("rf_emergency", confidence=3)
    assert fb.held and fb.safety is None and fb.finished
    d = s.debrief()
    assert d.exam_mode and d.rows[-1].safety == "suboptimal" and d.rows[-1].chosen[0][4]  # feedback in the debrief
    assert s.to_attempt()["exam_mode"] is True


def test_errors_are_clear():
    s = cases.start("piriformis_runner", course=COURSE)
    with pytest.raises(CaseError, match="no option"):
        s.choose(["nope"])
    with pytest.raises(CaseError, match="at least one"):
        s.choose([])
    s.choose(SCREEN)
    with pytest.raises(CaseError, match="exactly one"):
        s.choose(["rf_treat", "rf_routine"])
    with pytest.raises(CaseError, match="confidence"):
        s.choose("rf_treat", confidence=5)
    with pytest.raises(KeyError, match="no case"):
        cases.start("piriformis_runer", course=COURSE)
    done = cases.play_expert("dvt_calf", course=COURSE)
    with pytest.raises(CaseError, match="finished"):
        done.choose("rf_treat")


def test_play_with_choices_and_tuples():
    s = cases.play("dvt_calf", [SCREEN + ["q_calf"], ("rf_urgent", 3), ("ref_same_day", 2)], course=COURSE)
    assert s.finished and s.debrief().rows[-1].confidence == 2
    with pytest.raises(CaseError, match="ran out"):
        cases.play("dvt_calf", [SCREEN + ["q_calf"]], course=COURSE)
    with pytest.raises(CaseError, match="ended before"):
        cases.play("dvt_calf", [SCREEN + ["q_calf"], "rf_treat", "ref_same_day"], course=COURSE)


def test_attempt_matches_the_contract():
    s = cases.play("weekend_athlete_hamstring", [SCREEN + ["q_tear"], ("rf_treat", 2), "irr_high", ("plan_stretch_hard", 3)],
                   course=COURSE)
    a = s.to_attempt()
    assert set(a) == {"uid", "case_id", "started_at", "finished_at", "exam_mode", "score", "max_score",
                      "safety_flags", "steps"}
    assert len(a["uid"]) == 32 and int(a["uid"], 16) >= 0
    assert a["uid"] != s.to_attempt()["uid"]
    for st in a["steps"]:
        assert set(st) == {"step_id", "kind", "choice_ids", "safety", "points", "confidence"}
        assert st["safety"] in ("safe", "suboptimal", "unsafe", "critical")
        assert st["confidence"] in (1, 2, 3, None)
    assert a["steps"][0]["confidence"] is None   # intake takes no certainty
    assert a["safety_flags"] == [{"step_id": "plan", "choice_id": "plan_stretch_hard", "safety": "unsafe",
                                  "confidence": 3}]
    assert a["finished_at"] and a["started_at"]
    import json
    json.dumps(a)


def test_debrief_lists_screening_questions_not_asked_and_rationale():
    s = cases.play("weekend_athlete_hamstring", [SCREEN + ["q_tear"], "rf_treat", "irr_moderate", "plan_nerve_friendly"],
                   course=COURSE)
    d = s.debrief()
    assert d.missed_red_flags == ()
    assert all(r.chosen[0][5] for r in d.rows)            # each choice's rationale
    assert d.expert_path[0][0] == "intake"
    assert "Weekend" in d.text() or "footballer" in d.text()


def test_expert_choices_on_a_revisited_intake():
    s = cases.start("piriformis_runner", course=COURSE)
    s.choose(["q_water"])
    s.choose("rf_treat")                                    # gate sends the student back
    assert set(s.expert_choices()) >= set(SCREEN)
    assert "q_water" not in s.expert_choices()


def test_the_case_model_does_not_import_the_engine():
    """The old import circle (model/cases.py importing the case engine back) stays gone: the records import only
    the model's core, and the whole-course check lives in casecheck, wired by the loader."""
    import ast
    import pathlib

    import sciatica_course.model.cases as model_cases

    tree = ast.parse(pathlib.Path(model_cases.__file__).read_text(encoding="utf-8"))
    imported = {(n.level, n.module) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert imported <= {(0, "__future__"), (0, "dataclasses"), (0, "typing"), (1, "core")}, imported
    from sciatica_course.loading import whole_course_checks
    from sciatica_course.casecheck import check_course

    assert check_course in whole_course_checks()
