"""Treatment widgets and figures, without a browser: set values, click, read the HTML."""
from __future__ import annotations

import re

import ipywidgets as W
import pytest

from sciatica_course import load_course
from sciatica_course.plotting.common import alt_text
from sciatica_course.plotting.treatment import plot_irritability_levels, plot_technique_matrix
from sciatica_course.reasoning.treatment import classify
from sciatica_course.widgets import treatment as tw

COURSE = load_course()


def controls(widget):
    out, stack = [], [widget]
    while stack:
        w = stack.pop()
        out.append(w)
        stack.extend(getattr(w, "children", ()))
    return out


def test_no_slider_without_an_accessible_handle():
    for w in (tw.IrritabilityClassifier(COURSE), tw.SessionPlanner(COURSE)):
        assert not [c for c in controls(w) if isinstance(c, (W.IntSlider, W.FloatSlider))]


def test_every_control_has_an_accessible_name():
    for w in (tw.IrritabilityClassifier(COURSE), tw.SessionPlanner(COURSE), tw.ContraindicationSorter(COURSE),
              tw.SelfCareChooser(COURSE)):
        for c in controls(w):
            if isinstance(c, (W.Button, W.Checkbox, W.Dropdown, W.IntSlider, W.BoundedIntText,
                              W.BoundedFloatText, W.ToggleButtons)):
                assert c.description.strip(), c


def test_classifier_highlights_the_deciding_indicator_and_labels_the_synthesis():
    c = tw.IrritabilityClassifier(COURSE)
    assert "LOW" in c.result_html.value
    c.set(pain_score=8)
    assert c.result.level == "high"
    v = c.result_html.value
    assert "◀ DECIDING" in v and "Pain 7/10 or more" in v
    assert "Teaching synthesis" in v and "0.44" in v
    assert 'role="status"' in v
    assert "<img" in c.figure_html.value and 'alt="' in c.figure_html.value
    c.pain.value = 5
    assert c.result.level == "moderate"
    c.settle.value = 180
    assert c.result.level == "high" and c.result.deciding == ("irr_high_slow_settle",)


def test_classifier_reuses_one_figure():
    c = tw.IrritabilityClassifier(COURSE)
    ax = c._ax
    c.set(pain_score=9)
    c.set(night_pain=True)
    assert c._ax is ax


def _sent(monkeypatch):
    """Record every widget state message (widget, JSON size in bytes, state) instead of sending it."""
    import json

    sent = []
    monkeypatch.setattr(W.Widget, "_send", lambda self, msg, buffers=None: sent.append(
        (self, len(json.dumps(msg, ensure_ascii=False).encode()), msg.get("state", {}))))
    return sent


def test_classifier_figure_shows_the_rated_level_with_its_description(tmp_path, monkeypatch):
    monkeypatch.setenv("SCIATICA_FIGURE_CACHE", str(tmp_path / "empty-store"))
    c = tw.IrritabilityClassifier(COURSE)
    assert c.shown_level == "low" and 'sc-irr-img-low' in c.figure_html.value
    assert "sc-irr-img-high" not in c.figure_html.value          # a level not stored is drawn when first rated
    c.night.value = True
    assert c.result.level == "high" and c.shown_level == "high"
    fig = c.figure_html.value
    assert fig.count("<img") == 2 and "sc-irr-img-low" in fig and "sc-irr-img-high" in fig
    # every image has alt text saying which level it marks, and names the "decided by" sentence as its description
    assert 'alt="A three-step scale low, moderate, high with high marked' in fig
    assert fig.count(f'aria-describedby="{c._decided_id}"') == 2
    v = c.result_html.value
    assert f"id='{c._decided_id}'" in v and "decided by: Pain at night or waking from sleep" in v
    c.night.value = False
    assert c.shown_level == "low" and c.figure_html.value == fig   # switching back redraws and resends nothing


def test_classifier_click_sends_one_small_message_without_an_image(monkeypatch):
    c = tw.IrritabilityClassifier(COURSE)
    c.night.value = True                 # both levels of the toggle drawn once
    c.night.value = False
    sent = _sent(monkeypatch)
    c.night.value = True                 # (in the page the click sets it; here the checkbox sends it too)
    sent = [m for m in sent if m[0] not in c.controls]
    assert [w for w, _n, _s in sent] == [c.result_html]          # one message: feedback text + figure class
    (_w, size, state), = sent
    assert set(state) == {"value", "_dom_classes"} and list(state["_dom_classes"]) == ["sc-irr-show-high"]
    assert "data:image" not in state["value"] and size < 2500, size
    sent = _sent(monkeypatch)
    c.pain.value = 8                     # still high, another deciding indicator: only the text changes
    assert [set(s) for w, _n, s in sent if w not in c.controls] == [{"value"}]


def test_classifier_click_from_the_page_is_not_echoed_back(monkeypatch):
    c = tw.IrritabilityClassifier(COURSE)
    c.night.value = True
    c.night.value = False
    sent = _sent(monkeypatch)
    c.night.set_state({"value": True})           # what a click in the page sends
    c.pain.set_state({"index": 8})
    c.settle.set_state({"index": 4})
    assert c.night.value is True and c.pain.value == 8 and c.settle.value == 180 and c.result.level == "high"
    assert {w for w, _n, _s in sent} == {c.result_html}, [(type(w).__name__, s) for w, _n, s in sent]
    w = tw.SessionPlanner(COURSE)                # ipywidgets' echo is kept everywhere else
    cb = next(x for x in w.controls.values() if isinstance(x, W.Checkbox))
    sent.clear()
    cb.set_state({"value": True})
    assert any(x is cb for x, _n, _s in sent)


def test_classifier_set_updates_once(monkeypatch):
    c = tw.IrritabilityClassifier(COURSE)
    sent = _sent(monkeypatch)
    c.set(pain_score=5, settle_time_minutes=30, symptoms_below_knee=True)
    assert c.result.level == "moderate" and c.shown_level == "moderate"
    assert sum(1 for w, _n, _s in sent if w is c.result_html) == 1


def test_after_set_up_every_level_is_in_the_page_and_a_first_change_of_level_sends_no_image(tmp_path, monkeypatch):
    """With the figure store filled (set-up's ``prerender``), the classifier puts the three level figures in the page
    when it is built (read from the store, nothing drawn): the student's first click to a new level sends the
    feedback and a class, not an image."""
    monkeypatch.setenv("SCIATICA_FIGURE_CACHE", str(tmp_path / "store"))
    tw.IrritabilityClassifier(COURSE).prerender()
    c = tw.IrritabilityClassifier(COURSE)
    assert c._ax is None and all(f"sc-irr-img-{lv}" in c.figure_html.value for lv in tw.LEVELS)
    assert c.figure_html.value.count(f'aria-describedby="{c._decided_id}"') == 3
    sent = _sent(monkeypatch)
    c.night.value = True                                    # low -> high, the first time
    c.set(pain_score=5, night_pain=False)                   # -> moderate, the first time
    sent = [(w, s) for w, _n, s in sent if w not in c.controls]
    assert [w for w, _s in sent] == [c.result_html, c.result_html], [type(w).__name__ for w, _s in sent]
    assert all("data:image" not in s.get("value", "") for _w, s in sent)
    assert c.shown_level == "moderate"


def test_classifier_level_figures_come_from_the_figure_store(tmp_path, monkeypatch):
    monkeypatch.setenv("SCIATICA_FIGURE_CACHE", str(tmp_path / "store"))
    a = tw.IrritabilityClassifier(COURSE)
    a.night.value = True                                    # draws and stores the low and high figures
    b = tw.IrritabilityClassifier(COURSE).set(night_pain=True)
    assert b._ax is None                                    # nothing drawn: both came from the store
    strip = lambda c: c.figure_html.value.replace(c._decided_id, "ID")  # noqa: E731
    assert strip(a) == strip(b) and b.figure_html.value.count("<img") == 2


def test_classifier_without_figure():
    c = tw.IrritabilityClassifier(COURSE, figure=False)
    c.set(pain_score=8)
    assert c.figure_html.value == "" and c.shown_level is None and "▲ HIGH" in c.result_html.value


def test_planner_examples_and_what_changed():
    p = tw.SessionPlanner(COURSE)
    p.example.value = "Carla: high, night pain and numbness"
    assert p.rec.irritability == "high"
    assert "Left out today" in p.plan_html.value and "Stop rules" in p.plan_html.value
    p.set(night_pain=False, pain_score=3, settle_time_minutes=5, numbness=False)
    assert p.rec.irritability == "moderate"
    assert "What changed" in p.changes_html.value and "high irritability becomes" in p.changes_html.value
    p.set(saddle_anaesthesia=True)
    assert not p.rec.treat_today
    assert "Do not massage today" in p.plan_html.value and "EMERGENCY" in p.plan_html.value
    html = p.explain()
    assert "Do not massage today" in html
    p.reset_button.click()
    assert p.findings() == {} and p.rec.treat_today


def test_planner_pregnancy_changes_position():
    p = tw.SessionPlanner(COURSE)
    p.set(pain_score=2)
    assert p.rec.position == "prone"
    p.set(pregnancy_weeks=26)
    assert p.rec.position == "side_lying"
    assert "the position changes from lying face down (prone) to side-lying" in p.changes_html.value


def test_planner_unknown_finding_is_a_clear_error():
    p = tw.SessionPlanner(COURSE)
    with pytest.raises(KeyError, match="unknown finding"):
        p.set(not_a_finding=True)


def test_plan_html_escapes_data_text():
    from dataclasses import replace

    from sciatica_course.reasoning import recommend

    r = recommend({"pain_score": 2}, course=COURSE)
    r2 = replace(r, modifications={**r.modifications, "effleurage": "<script>alert(1)</script>"})
    html = tw.plan_html(r2, COURSE)
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("n", range(len(tw.sorter_items(COURSE))), ids=lambda n: tw.sorter_items(COURSE)[n].label)
def test_sorter_gives_explained_feedback(n):
    s = tw.ContraindicationSorter(COURSE)
    s.choice.value = n
    right = s.item.action
    wrong = next(a for a, _l in tw.ACTIONS if a != right)
    assert s.answer(wrong) is False and "Not quite" in s.feedback.value and "Why:" in s.feedback.value
    s.buttons[right].click()
    assert "Right." in s.feedback.value
    assert "caution caution" not in s.feedback.value


def test_sorter_answers_come_from_the_same_rules_as_recommend():
    """Lesson 6's sorter marked "Postpone and refer" wrong for a cancer history while lesson 4 (recommend) sends
    new pain with a cancer history to the GP or cancer team the same day: the answers are now computed."""
    from sciatica_course.reasoning import recommend

    for item in tw.sorter_items(COURSE):
        rec = recommend(item.findings, course=COURSE)
        assert (item.action == "postpone_and_refer") == (not rec.treat_today), item.label
    s = tw.ContraindicationSorter(COURSE).select("malignancy_caution")
    assert s.item.action == "postpone_and_refer"
    assert s.answer("postpone_and_refer") is True
    rule = next(r for g in COURSE.red_flags for r in g.rules if r.id == "cancer_history_pain")
    assert esc_free(rule.referral.timeframe.lower()) in esc_free(s.feedback.value.lower())   # one wording: the data's
    assert s.answer("adapt") is False


def esc_free(text: str) -> str:
    import html

    return html.unescape(text)


def test_self_care_chooser():
    s = tw.SelfCareChooser(COURSE)
    assert s.level.value == "high"
    assert "Long-sitting hamstring lean" in s.out.value.split("Not at high")[1]
    s.level.value = "low"
    assert "Long-sitting hamstring lean" in s.out.value.split("Not at low")[0]


def test_tables_render():
    for t in (tw.indicator_table(COURSE), tw.dosage_table(COURSE), tw.stop_rule_table(COURSE),
              tw.contraindication_table(course=COURSE), tw.contraindication_table("systemic", COURSE),
              tw.stretch_table("high", COURSE), tw.evidence_table(COURSE)):
        html = t._repr_html_()   # a lesson output may be wrapped with the course's table style (text.html_output)
        assert re.sub(r'^<div class="sc-html">(?:<style>.*?</style>)?', "", html, flags=re.S).startswith("<table><caption>")


def test_matrix_figure_reads_without_colour():
    ax = plot_technique_matrix(course=COURSE, highlight="high")
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 3 * len(COURSE.techniques)
    assert all(t.split()[0] in ("✓", "◐", "✗") for t in texts)
    alt = alt_text(ax)
    assert "Deep tissue massage" in alt and "high irritability" in alt


def test_level_figure_has_alt_text():
    ax = plot_irritability_levels(classify({"pain_score": 8}, COURSE), course=COURSE)
    assert "high marked" in alt_text(ax)


def test_settle_time_not_among_the_choices_is_added():
    p = tw.SessionPlanner(COURSE)
    p.set(settle_time_minutes=20)
    assert p.findings()["settle_time_minutes"] == 20 and p.rec.irritability == "moderate"
    c = tw.IrritabilityClassifier(COURSE).set(settle_time_minutes=150)
    assert c.result.level == "high"


def test_planner_methods_return_the_widget_not_a_recommendation():
    """A lesson's ``session_planner().set(...)`` ends a cell: the cell must show the planner, not a raw
    ``Recommendation(...)`` repr (lessons 6 and 7 did)."""
    p = tw.SessionPlanner(COURSE)
    for result in (p.set(pain_score=4, pregnancy_weeks=28, anticoagulants=True), p.reset(),
                   p.load_example("Ben: moderate, sitting provokes it"), p.load_example("not an example")):
        assert result is p and isinstance(result, W.Widget)
    c = tw.IrritabilityClassifier(COURSE, figure=False)
    assert c.set(pain_score=3) is c


def test_what_if_and_planner_agree_on_anticoagulants():
    """A case's what-if said "on anticoagulants: no change in the plan" while the planner changed the pressure
    advice: both now use sciatica_course.plandiff."""
    from sciatica_course import cases

    for case in COURSE.cases:
        w = next((w for w in cases.what_ifs(case, COURSE) if "anticoagulants" in w.label), None)
        if w is None:
            continue
        p = tw.SessionPlanner(COURSE).set(**case.findings_dict())
        p.set(anticoagulants=True)
        planner = p.changes_html.value
        if "What changed in the plan:</b> nothing" in planner:
            assert w.differences == ("no change in the plan",), case.id
        else:
            assert w.differences != ("no change in the plan",), (case.id, planner)
            assert all(d in planner for d in w.differences), (case.id, w.differences, planner)


def test_contraindication_table_says_what_the_sorter_says():
    html = tw.contraindication_table(course=COURSE)._repr_html_()
    row = next(r for r in html.split("<tr>") if "Cancer (current or past)" in r)
    assert "postpone and refer today (a red flag); adapt once cleared" in row
    row = next(r for r in html.split("<tr>") if "Known aortic aneurysm" in r or "aneurysm" in r.lower())
    assert "postpone and refer" in row


def test_lesson_7_what_to_try_holds():
    """Lesson 7 tells the student what each change does in the planner; the planner must do it."""
    import json
    from pathlib import Path

    nb = json.loads((Path(__file__).resolve().parents[1] / "notebooks" / "07_technique_selection.ipynb").read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    p = tw.SessionPlanner(COURSE).load_example("Ben: moderate, sitting provokes it")
    before = p.rec
    p.set(anticoagulants=True)
    gone = [t for t in before.techniques if t not in p.rec.techniques]
    new = [t for t in p.rec.techniques if t not in before.techniques]
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}
    assert f"{words[len(gone)]} techniques leave, none arrive" in text and not new
    p.set(pregnancy_weeks=26)
    assert p.rec.position == "side_lying" and "position changes to side-lying" in text
    care = len(p.rec.self_care)
    p.set(night_pain=True)
    assert p.rec.irritability == "high" and len(p.rec.self_care) < care and "irritability becomes high" in text
    p.set(saddle_anaesthesia=True)
    assert not p.rec.treat_today and not p.rec.techniques and "everything stops" in text


def test_lesson_5_examples_hold():
    """Lesson 5's try-list, Marta's worked example and Jonah's hidden answer are what the classifier says."""
    C = lambda **f: tw.IrritabilityClassifier(COURSE, figure=False).set(**f).result  # noqa: E731
    marta = C(pain_score=6, settle_time_minutes=30, symptoms_below_knee=True)
    assert marta.level == "moderate" and len(marta.deciding) == 3          # "decided by three moderate indicators"
    jonah = C(pain_score=4, night_pain=True, settle_time_minutes=180, symptoms_below_knee=True, numbness=True)
    assert jonah.level == "high" and len(jonah.deciding) == 3              # night pain, flare for hours, numbness
    assert C(pain_score=5, symptoms_below_knee=True).level == "moderate"    # "stays moderate, with two reasons"
    assert len(C(pain_score=5, symptoms_below_knee=True).deciding) == 2
    assert C(pain_score=5, symptoms_below_knee=True, numbness=True).level == "high"
    assert C(pain_score=2, settle_time_minutes=180).level == "high"         # settling time alone can make it high


def test_worked_examples_of_lessons_6_and_7_hold():
    """Priya (lesson 6) and Sam (lesson 7): the worked reasoning in the text is what the planner shows below it."""
    priya = tw.SessionPlanner(COURSE).set(pain_score=4, settle_time_minutes=20, pregnancy_weeks=28,
                                          anticoagulants=True).rec
    assert priya.treat_today and priya.irritability == "moderate" and priya.position == "side_lying"
    assert {"cross_fibre_friction", "stripping", "trigger_point_pressure"} <= set(priya.avoided)
    sam = tw.SessionPlanner(COURSE).set(pain_score=5, settle_time_minutes=30, symptoms_below_knee=True).rec
    assert sam.irritability == "moderate" and sam.position == "prone"
    assert set(sam.avoided) == {"cross_fibre_friction", "nerve_tensioner"}
    care = {COURSE.stretches[s].name.split(" (")[0].lower() for s in sam.self_care}
    assert {"figure-4", "seated hip opener", "single knee to chest"} <= care
    assert not any("long-sitting" in c for c in care)


def test_controls_a_lesson_names_exist():
    """"Tick *anticoagulants*" sent students looking for a box labelled "Blood thinners": every control a lesson
    tells the student to tick, set, choose or load (in italics) is named as the widget names it."""
    import json
    import re
    from pathlib import Path

    names = set()
    for w in (tw.SessionPlanner(COURSE), tw.IrritabilityClassifier(COURSE, figure=False)):
        for c in controls(w):
            if getattr(c, "description", ""):
                names.add(c.description.lower())
            for opt in getattr(c, "options", ()) or ():
                names.add(str(opt[0] if isinstance(opt, tuple) else opt).lower())
    root = Path(__file__).resolve().parents[1] / "notebooks"
    missing = []
    for nb in ("05_irritability.ipynb", "06_contraindications.ipynb", "07_technique_selection.ipynb"):
        text = "\n".join("".join(c["source"]) for c in json.loads((root / nb).read_text())["cells"]
                         if c["cell_type"] == "markdown")
        for m in re.finditer(r"\b(?:tick|untick|set|choose|load)\s+((?:\*[^*]+\*(?:,\s*|\s+and\s+)?)+)", text, re.I):
            for name in re.findall(r"\*([^*]+)\*", m.group(1)):
                name = " ".join(name.split()).lower()
                if not any(n.startswith(name) for n in names):
                    missing.append(f"{nb}: *{name}*")
    assert not missing, "controls named in a lesson that no widget has:\n" + "\n".join(missing)
