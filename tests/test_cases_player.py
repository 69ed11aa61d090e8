"""The case player widget without a browser: click, set values, read the HTML. Case text is escaped."""
import pytest

from sciatica_course import cases, load_course
from sciatica_course.widgets import case_player as cp
from sciatica_course.widgets.case_player import CasePlayer, case_player, debrief_html

COURSE = load_course()
SCREEN = ["q_ces", "q_legs", "q_history"]


def play_through(p, confidence=3):
    while not p.session.finished:
        step = p.session.current
        if step.multi:
            for cid in p.session.expert_choices():
                p.question_boxes()[cid].value = True
            p.ask_button.click()
        else:
            p.confidence.value = confidence
            p.option_buttons()[p.session.expert_choices()[0]].click()


def test_every_control_is_labelled():
    p = CasePlayer("piriformis_runner", course=COURSE, record=False)
    assert p.picker.description and p.exam.description and p.start_button.description
    assert p.confidence.description == "How sure are you?"
    assert all(cb.description for cb in p.question_boxes().values())
    assert p.ask_button.description == "Ask these questions"
    p.ask(SCREEN)
    p.done_asking()
    assert all(b.description for b in p.option_buttons().values())


def test_play_expert_path_by_clicking(monkeypatch):
    saved = []
    import sciatica_course.progress as progress
    monkeypatch.setattr(progress, "record_case_attempt", lambda a: saved.append(a) or a["uid"], raising=False)
    p = case_player("desk_worker_disc", course=COURSE)
    play_through(p)
    assert p.session.score == p.session.max_score
    assert "Finished" in p.score_html.value and "Debrief" in p.debrief.value
    assert "<img src=\"data:image/svg+xml;base64," in p.debrief.value and 'alt="Path figure' in p.debrief.value
    assert "Your path beside the expert" in p.debrief.value and "What if?" in p.debrief.value
    assert len(saved) == 1 and saved[0]["case_id"] == "desk_worker_disc" and saved[0]["score"] == p.session.score


def test_feedback_per_choice_and_gate():
    p = CasePlayer("cauda_equina", course=COURSE, record=False)
    p.question_boxes()["q_water"].value = True
    p.ask_button.click()
    assert p.session.current.id == "intake"              # asking stays at the intake (rounds)
    assert "q_water" not in p.question_boxes()          # asked questions are not offered again
    p.done_button.click()
    p.option_buttons()["rf_emergency"].click()          # deciding before the screen: the gate
    assert "Must-ask gate" in p.feedback.value and p.session.current.id == "intake"
    p.ask(SCREEN)
    p.done_asking()
    assert "numb" in p.transcript.value                 # the client's answers
    p.confidence.value = 3
    p.option_buttons()["rf_treat"].click()
    assert "critical" in p.feedback.value and p.session.finished
    assert "Confident and unsafe" in p.debrief.value


def test_no_question_ticked_says_so():
    p = CasePlayer("dvt_calf", course=COURSE, record=False)
    p.ask_button.click()
    assert "Tick at least one" in p.feedback.value and p.session.current.id == "intake"


def test_exam_mode_holds_feedback():
    p = CasePlayer("new_foot_drop", exam_mode=True, course=COURSE, record=False)
    p.ask(SCREEN)
    p.done_asking()
    p.option_buttons()["rf_treat"].click()
    assert "exam mode" in p.feedback.value.lower() and "critical" not in p.feedback.value
    assert p.session.finished and "critical" in p.debrief.value


def test_hold_feedback_and_reveal():
    p = CasePlayer("piriformis_runner", hold_feedback=True, course=COURSE, record=False)
    assert p.reveal_button in p.children and p.reveal_button.disabled
    p.ask(SCREEN)
    p.done_asking()
    assert "Feedback held" in p.feedback.value and not p.reveal_button.disabled
    p.option_buttons()["rf_treat"].click()
    p.reveal_button.click()
    assert "Red-flag decision" in p.feedback.value and "Intake" in p.feedback.value and p.reveal_button.disabled


def test_restart_and_choose_another_case():
    p = CasePlayer(course=COURSE, record=False)
    assert p.session is None and p.picker.value == COURSE.cases.ids[0]
    p.picker.value = "dvt_calf"
    p.start_button.click()
    assert p.session.case.id == "dvt_calf" and "Helen" in p.header.value
    p.start("cauda_equina")
    assert p.session.case.id == "cauda_equina" and p.transcript.value == ""


def test_unknown_case_is_a_clear_error():
    with pytest.raises(KeyError, match="did you mean"):
        CasePlayer("cauda_equine", course=COURSE)


def test_recording_failure_never_breaks_the_widget(monkeypatch):
    import sciatica_course.progress as progress

    def broken(a):
        raise OSError("disk full")

    monkeypatch.setattr(progress, "record_case_attempt", broken, raising=False)
    p = CasePlayer("dvt_calf", course=COURSE)
    play_through(p)
    assert "could not be saved" in p.debrief.value and "disk full" in p.debrief.value


def test_missing_record_function_is_fine(monkeypatch):
    import sciatica_course.progress as progress
    monkeypatch.delattr(progress, "record_case_attempt", raising=False)
    p = CasePlayer("dvt_calf", course=COURSE)
    play_through(p)
    assert p.save_message is None and "Debrief" in p.debrief.value


def test_html_and_script_in_a_case_are_escaped(tmp_path):
    from tests.test_cases_validation import data_with

    course = load_course(data_with(tmp_path, "script_in_text"))
    p = CasePlayer("fx_script_in_text", course=course, record=False)
    html = p.header.value
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>this is bold</b>" in html              # only **bold** becomes markup
    assert "&lt;i&gt;Eve&lt;/i&gt; &amp; co" in html
    p.ask(["q_ces"])
    p.done_asking()
    assert "<script" not in p.transcript.value and "&lt;script&gt;alert(4)" in p.transcript.value
    labels = [b.description for b in p.option_buttons().values()]
    assert "<script>alert(2)</script>Treat today." in labels   # a button label is plain text, not HTML
    p.option_buttons()["treat"].click()
    everything = p.feedback.value + p.debrief.value
    assert "<script" not in everything and "onerror=alert" not in everything.replace("&lt;img src=x onerror=alert", "")
    assert "&lt;img src=x onerror=alert(3)&gt;" in everything


def test_show_debrief_and_case_card():
    view = cp.show_debrief(cases.play_expert("dvt_calf", course=COURSE), figure=False)
    assert "The expert's reasoning" in view._repr_html_()
    assert "Helen" in cp.case_card("dvt_calf", COURSE)._repr_html_()
    assert "Debrief" in debrief_html(cases.play_expert("dvt_calf", course=COURSE).debrief(), COURSE, figure=False)


def test_path_figure_is_readable_without_colour():
    from sciatica_course.plotting.cases import plot_case_path
    from sciatica_course.plotting.common import alt_text

    s = cases.play("cauda_equina", [["q_onset"], "rf_treat", SCREEN, ("rf_treat", 3)], course=COURSE)
    ax = plot_case_path(s.debrief())
    texts = [t.get_text() for t in ax.texts]
    assert "!! critical" in texts and "! unsafe" in texts and "✓ safe" in texts   # words, not colour alone
    assert "Must-ask gate" in texts
    alt = alt_text(ax)
    assert "Red-flag decision (critical)" in alt and "Expert path" in alt


def test_path_figure_as_svg_says_it_in_words_and_escapes():
    import base64
    import re
    import xml.etree.ElementTree as ET
    from dataclasses import replace

    from sciatica_course.plotting.cases import case_path_html, case_path_svg, path_alt

    s = cases.play("cauda_equina", [["q_onset"], "rf_treat", SCREEN, ("rf_treat", 3)], course=COURSE)
    d = s.debrief()
    svg = case_path_svg(d)
    root = ET.fromstring(svg)                      # well-formed XML
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "!! critical" in texts and "! unsafe" in texts and "✓ safe" in texts and "~ suboptimal" in texts
    assert "Must-ask gate" in texts and "Your path" in texts and "Expert path" in texts
    html = case_path_html(d)
    data = re.search(r'base64,([^"]+)"', html).group(1)
    assert base64.b64decode(data).decode() == svg
    assert 'alt="Path figure for the case' in html and "Red-flag decision (critical)" in path_alt(d)
    hostile = replace(d, title='<script>alert(1)</script> & "x"')
    svg = case_path_svg(hostile)
    ET.fromstring(svg)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<script>" not in case_path_html(hostile)


def test_playing_a_case_with_its_debrief_imports_no_matplotlib():
    import subprocess
    import sys

    code = ("import sys\n"
            "from sciatica_course import cases\n"
            "from sciatica_course.widgets import case_player\n"
            "case_player.show_debrief(cases.play_expert('piriformis_runner'))._repr_html_()\n"
            "p = case_player.CasePlayer('desk_worker_disc', record=False)\n"
            "print(sorted(m for m in ('matplotlib', 'numpy', 'pandas', 'PIL') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
