"""Fifth student walk-through (lesson 8): the must-ask gate said "Ask them below" of questions above it and listed
them as "...function?; Is it...injury?."; a loss read "certainty (Certain) on a unsafe choice"; "+1 points"."""
from __future__ import annotations

import re

from sciatica_course.loading import load_course
from sciatica_course.widgets.case_player import CasePlayer, _points

COURSE = load_course()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&quot;", '"').replace("&#x27;", "'")


def test_the_gate_points_up_to_the_questions_and_lists_them_cleanly():
    for case in COURSE.cases:
        gated = next((s for s in case.steps if s.requires), None)
        if gated is None or case.steps[0].id == gated.id:
            continue
        p = CasePlayer(case.id, course=COURSE, record=False)
        p.done_asking()
        if p.session.current.id != gated.id:
            continue
        p.confidence.value = 3
        (cid,) = p.session.expert_choices()
        p.choose(cid)
        text = _text(p.feedback.value)
        assert "Must-ask gate" in text and "in the intake above" in text and "below" not in text, text
        assert not re.search(r"\?[;.,]", text), text
        return
    raise AssertionError("no case with a must-ask gate at its first decision")


def test_points_read_as_english():
    assert [_points(x) for x in (1, -1, 3, -2, 0)] == ["+1 point", "\u22121 point", "+3 points", "\u22122 points",
                                                        "+0 points"]


def test_a_loss_names_its_choice_with_the_right_article():
    """An unsafe choice made as Certain: "certainty (Certain) on an unsafe choice", never "a unsafe"."""
    from sciatica_course import cases as engine

    seen = 0
    for case in COURSE.cases:
        s = engine.Session(case, COURSE)
        s.ask([c.id for c in s.current.choices])
        s.done_asking()
        bad = None
        while s.current is not None and bad is None:   # the expert's way to the first step with an unsafe option
            bad = next((c for c in s.current.choices if c.safety == "unsafe"), None)
            s.choose(bad.id if bad else s.expert_choices()[0], confidence=3)
        if bad is None:
            continue
        texts = [w for w, _ in s.score_detail().losses]
        assert not [t for t in texts if " a unsafe" in t], texts
        seen += any(" an unsafe choice" in t for t in texts)
    assert seen, "no case with an unsafe choice at its first decision"
