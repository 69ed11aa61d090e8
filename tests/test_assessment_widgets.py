"""The lesson 03/04 widgets, driven without a browser: set values, click, read the HTML."""
from __future__ import annotations

import pytest

from sciatica_course import load_course
from sciatica_course.widgets import assessment as A

COURSE = load_course()


def test_intake_ask_and_finish():
    w = A.IntakeConversation("robert")
    assert "Nothing asked yet" in w.status.value
    w.buttons["onset"].click()
    assert "digging" in w.transcript.value and "What this changes" in w.transcript.value
    assert w.buttons["onset"].description.startswith("✓ asked")
    w.ask("where")
    assert "NO REFERRAL" in w.status.value
    w.ask("history")
    assert "EMERGENCY" in w.status.value        # cancer history + radiating leg pain
    w.finish_button.click()
    assert "You skipped" in w.summary.value and "Tutor" in w.summary.value
    assert set(w.missed()) == {q.id for q in w.client.questions if q.essential} - {"onset", "where", "history"}
    with pytest.raises(KeyError):
        w.ask("nope")


def test_intake_all_essential_questions():
    w = A.intake_conversation("maria")
    for q in w.client.questions:
        w.ask(q.id)
    html = w.finish()
    assert "every essential question" in html and "NO REFERRAL" in html


def test_every_intake_client_has_its_questions_as_buttons():
    for client in COURSE.intake:
        w = A.IntakeConversation(client.id)
        assert all(b.description for b in w.buttons.values())
        assert len(w.buttons) == len(client.questions)


def test_lr_explorer_updates():
    w = A.LRExplorer()
    assert "Devillé 2000" in w.text.value and "<img" in w.figure.value and "alt=" in w.figure.value
    surgical = w.post_test
    w.study.value = "capra_2011"
    assert w.post_test > surgical          # Capra's LR+ 1.38 > Devillé's 1.23
    w.result.value = "negative"
    neg_capra = w.post_test
    w.study.value = "deville_2000"
    assert w.post_test < neg_capra - 0.1   # a negative SLR means more in a surgical series
    w.pre.value = 80
    assert w.post_test > 0.5
    w.presets.value = 5
    assert w.pre.value == 5 and w.post_test < 0.05
    w.test.value = "fair"
    assert w.study.value == "fishman_2002" and "FAIR" in w.text.value
    for c in (w.test, w.study, w.result, w.pre, w.presets, w.compare):
        assert c.description


def test_screening_widget():
    w = A.ScreeningWidget()
    assert "NO REFERRAL" in w.result.value
    w.controls["cancer_history"].value = True
    assert "URGENT" in w.result.value and "oncology" in w.result.value
    w.controls["numbness"].value = True
    assert "EMERGENCY" in w.result.value
    w.reset_button.click()
    assert "NO REFERRAL" in w.result.value
    w.set(dvt_signs=True)
    assert "URGENT" in w.result.value and "<b>no</b>" in w.result.value
    w.reset()
    w.set(age=70, minor_trauma=True)
    assert "URGENT" in w.result.value
    with pytest.raises(KeyError):
        w.set(not_a_finding=True)
    assert all(c.description for c in w.controls.values())


def test_screening_widget_escapes_data_text():
    html = A.screening_widget(saddle_anaesthesia=True).result.value
    assert "<script" not in html and "&quot;" in html     # quotes in the referral text are escaped


def test_triage_practice_feedback_for_every_answer():
    w = A.TriagePractice(record=False)
    for _ in range(len(w.vignettes)):
        v = w.current
        for u in A.URGENCIES:
            right = w.answer(u)
            assert right is (u == v.expected)
            assert w.feedback.value and ("Right." in w.feedback.value) is right
        w.next_button.click()
    assert "End of the practice" in w.feedback.value
    assert w.score == sum(1 for v in w.vignettes if v.expected == "emergency")   # first answers were all "emergency"


def test_triage_has_at_least_eight_vignettes_covering_every_urgency():
    assert len(COURSE.vignettes) >= 8
    assert {v.expected for v in COURSE.vignettes} == set(A.URGENCIES)


def test_tables():
    for f in (A.findings_table, A.red_flag_table, A.rules_table, A.special_test_table, A.accuracy_table,
              A.serious_not_emergency):
        html = f()._repr_html_()
        assert "<table>" in html and "<caption>" in html
    assert "Cauda equina" in A.red_flag_table("cauda_equina")._repr_html_()
    with pytest.raises(KeyError):
        A.red_flag_table("nope")
    contrast = A.serious_not_emergency()._repr_html_()
    assert "URGENT" in contrast and "EMERGENCY" in contrast and "ROUTINE" in contrast


def test_red_flag_tables_one_under_another_in_one_block():
    """red_flag_table("a", "b") is one cell for what were two: each condition's section as red_flag_table("a")
    shows it, in the order asked (not the file's), then one list of the sources of both."""
    import re

    def sections(html):
        return re.findall(r"<section>.*?</section>", html)

    both = A.red_flag_table("spinal_fracture", "anticoagulant_fall", course=COURSE).html
    one = [sections(A.red_flag_table(f, course=COURSE).html)[0] for f in ("spinal_fracture", "anticoagulant_fall")]
    assert sections(both) == one
    back = A.red_flag_table("pregnancy_warning", "motor_deficit", course=COURSE).html
    assert back.index(COURSE.red_flags["pregnancy_warning"].condition) < back.index(
        COURSE.red_flags["motor_deficit"].condition)
    assert both.count("<details>") == 1
    from sciatica_course.text import sources_block

    keys = [k for f in ("spinal_fracture", "anticoagulant_fall") for r in COURSE.red_flags[f].rules for k in r.sources]
    assert both.endswith(sources_block(keys, COURSE))                # every source of both, once each
    with pytest.raises(KeyError, match="'nope'"):
        A.red_flag_table("spinal_fracture", "nope", course=COURSE)


def test_screening_works_out_the_result_once_per_change_not_once_per_control(monkeypatch):
    """Clearing every finding, or opening the widget with several findings set, used to recompute (and resend)
    the result once per control changed: ~40 times for "Clear all findings"."""
    calls = []
    original = A.ScreeningWidget.update
    monkeypatch.setattr(A.ScreeningWidget, "update", lambda self: calls.append(1) or original(self))
    w = A.screening_widget(pregnancy_weeks=30, foot_drop=True)
    assert len(calls) == 1 and w.findings() == {"pregnancy_weeks": 30, "foot_drop": True}
    calls.clear()
    w.reset()
    assert len(calls) == 1 and w.findings() == {}
    calls.clear()
    w.controls["foot_drop"].value = True          # a student's tick: one update
    assert len(calls) == 1


def test_the_intake_summary_says_which_answers_the_student_never_heard():
    """Walk-through: Maria's summary spoke of her varicose veins to a student who never asked about her legs. The
    summary is labelled as knowing every answer, and lists each question not asked with what she would have said."""
    w = A.IntakeConversation("maria")
    asked = w.client.questions[0]
    veins = next(q for q in w.client.questions if "varicose" in q.ask)
    w.ask(asked.id)
    html = w.finish()
    assert "with every answer known" in html and "You did not ask, and Maria would have told you" in html
    told = html[html.index("You did not ask"):]
    assert A.inline(veins.ask) in told and A.inline(veins.answer) in told and A.inline(asked.ask) not in told
    for q in w.client.questions:
        w.ask(q.id)
    assert "You did not ask" not in w.finish()
