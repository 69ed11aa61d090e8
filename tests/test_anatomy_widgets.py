"""Widgets of lessons 1 and 2, tested without a browser: set .value, click, read the HTML values."""
from __future__ import annotations

import html
import re

import pytest

from sciatica_course import anatomy, load_course
from sciatica_course.widgets import anatomy as A
from sciatica_course.widgets import claims as C

COURSE = load_course()


def plain(s: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", s))


@pytest.fixture(scope="module")
def explorer():
    return A.path_explorer(course=COURSE)


def test_explorer_starts_at_the_roots(explorer):
    explorer.value = 1
    assert explorer.highlighted == "roots_l4_s3"
    assert explorer.previous.disabled and not explorer.next.disabled
    assert "Step 1 of 11" in plain(explorer.position.value)
    assert explorer.steps.description and explorer.next.description and explorer.previous.description


def test_explorer_buttons_move_the_highlight_in_place(explorer):
    explorer.value = 1
    fig, panel = explorer.figure, explorer.panel
    explorer.next.click()
    assert explorer.value == 2 and explorer.highlighted == "lumbosacral_plexus"
    shown = explorer.shown
    assert explorer.figure is fig and explorer.panel is panel and shown["step"] == 2
    name = COURSE.nerve_path["lumbosacral_plexus"].name
    assert f"Highlighted: step 2 of 11, {name}." in html.unescape(shown["overlay"])
    assert plain(shown["panel"]).startswith(f"2. {name}")
    before = (fig.value, panel.value)
    explorer.previous.click()
    assert explorer.highlighted == "roots_l4_s3" and explorer.shown["step"] == 1
    assert (fig.value, panel.value) == before          # both steps are in the page: only the class moved


@pytest.mark.parametrize("step,seg,danger", [(3, "greater_sciatic_foramen", True), (5, "posterior_thigh", False),
                                             (7, "popliteal_fossa", True), (9, "common_fibular_nerve", True)])
def test_explorer_panel_describes_the_step(explorer, step, seg, danger):
    explorer.value = step
    assert explorer.highlighted == seg
    shown = explorer.shown
    text = plain(shown["panel"])
    s = COURSE.nerve_path[seg]
    assert text.startswith(f"{step}. {s.name}")
    for part in ("Landmarks", "Neighbours", "Muscles supplied here", "For massage"):
        assert part in text
    assert s.landmarks[0][:30] in text
    assert ("Endangerment site" in text) == danger
    if danger:
        assert "What to do" in text and "move away" in text
    assert 'alt="' in shown["overlay"] and s.name in html.unescape(shown["overlay"])
    assert f"Step {step} of 11" in plain(explorer.position.value)


def test_explorer_go_and_ends(explorer):
    explorer.go("deep_fibular_nerve")
    assert explorer.value == 11 and explorer.next.disabled
    explorer.next.click()
    assert explorer.value == 11
    with pytest.raises(KeyError):
        explorer.go("elbow")


def test_variant_selector():
    v = A.variant_selector(course=COURSE)
    assert v.value == "A" and "85.2" in plain(v.panel.value)
    fig = v.figure.value
    v.value = "B"
    text = plain(v.panel.value)
    assert "9.8%" in text and "not a diagnosis" in text and v.figure.value != fig
    v.value = "D"
    assert "Rare" in plain(v.panel.value) and "not a diagnosis" in plain(v.panel.value)


def test_muscle_table():
    t = A.muscle_table(COURSE).value
    assert "<table" in t and "scope='col'" in t and "<caption" in t
    row = re.search(r"<th scope='row'>Piriformis</th><td>([^<]*)</td>", t)
    assert row and row.group(1).startswith("✗ No")
    row = re.search(r"<th scope='row'>Biceps femoris, short head</th><td>([^<]*)</td>", t)
    assert "common fibular" in row.group(1)


def test_symptom_map_toggles():
    s = A.symptom_map(course=COURSE)
    assert "No areas chosen" in plain(s.result.value)
    fig = s.figure
    before = fig.value
    s.toggles["heel"].value = True
    s.toggles["sole"].value = True
    text = plain(s.result.value)
    assert s.selected == ("heel", "sole") and "consistent with S1" in text
    assert "overlap" in text and "do not diagnose" in text and "ROOT-03" not in text
    assert s.figure is fig and fig.value != before
    s.select("medial_leg", "great_toe")
    assert "No single root" in plain(s.result.value)
    s.clear.click()
    assert s.selected == () and fig.value == before
    for t in s.toggles.values():
        assert t.description
    with pytest.raises(KeyError):
        s.select("elbow")


def test_disc_levels_widget():
    d = A.disc_levels(course=COURSE)
    assert d.affected == "l5" and "L4-L5" in plain(d.text.value)
    d.value = "l5_s1"
    assert d.affected == "s1" and "L5-S1" in plain(d.text.value)


def test_myth_check_feedback_and_escaping():
    box = C.myth_check(lesson="sciatic_nerve_path", topic="anatomy", course=COURSE)
    ids = [w.claim.id for w in box.children]
    assert "anat_psoas_compresses_sciatic" in ids
    w = box.children[ids.index("anat_psoas_compresses_sciatic")]
    assert w.feedback.value == ""
    assert ("Supported", "supported") in w.choices.options
    w.pick("supported")
    assert w.correct is False and "Not quite" in plain(w.feedback.value) and "Unsupported" in plain(w.feedback.value)
    w.pick("unsupported")
    assert w.correct is True and "Right." in plain(w.feedback.value)
    assert "psoas" in plain(w.feedback.value).lower()
    with pytest.raises(KeyError):
        w.choose("maybe")


def test_myth_check_escapes_data():
    from dataclasses import replace

    claim = replace(COURSE.claims["anat_psoas_compresses_sciatic"], claim="<script>alert(1)</script>",
                    explanation="<b>x</b>")
    w = C.ClaimCheck(claim, course=COURSE)
    assert "<script>" not in w.stem.value and "&lt;script&gt;" in w.stem.value
    w.choose("unsupported")
    assert "<b>x</b>" not in w.feedback.value


def test_myth_check_question_names_the_buttons_it_offers():
    """Walk-through: the question asked "supported, overstated or unsupported?" while the buttons said "Partly
    supported": the question now uses the buttons' own words."""
    w = C.myth_check(lesson="sciatic_nerve_path", topic="anatomy", course=COURSE).children[0]
    question = plain(w.stem.value).lower()
    for label, _verdict in w.choices.options:
        assert label.lower() in question, (label, question)
