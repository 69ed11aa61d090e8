"""What a student met in a real browser walk-through (issue 16, "What the student sees"), each checked here so it
cannot come back: lessons that disagree with the course map, tables JupyterLab right-aligns, numbering that starts
again, a data value pasted raw into a sentence, counts that disagree, labels that read as the opposite."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sciatica_course import load_course

ROOT = Path(__file__).resolve().parents[1]
COURSE = load_course()
NUMBERS = {w: i for i, w in enumerate(("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                                       "ten", "eleven", "twelve"))}


def _markdown(nb_path: Path) -> str:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def _code(nb_path: Path) -> list[str]:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


# ---- item 2: lesson 0 said "Nine lessons, each 20-60 minutes" above a map of ten lessons of 15-105 minutes
@pytest.mark.parametrize("nb_path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_prose_does_not_state_a_lesson_count_or_range_the_data_contradicts(nb_path):
    lessons = [l for l in COURSE.lessons if not l.instructor]
    text = _markdown(nb_path).lower()
    for m in re.finditer(r"\b(\w+) lessons\b", text):
        n = NUMBERS.get(m.group(1), int(m.group(1)) if m.group(1).isdigit() else None)
        assert n is None or n == len(lessons), f"{nb_path.name} says {m.group(0)!r}; the course has {len(lessons)}"
    for m in re.finditer(r"lessons?,? each (?:about )?(\d+)\s*(?:-|–|to)\s*(\d+) minutes", text):
        lo, hi = int(m.group(1)), int(m.group(2))
        assert (lo, hi) == (min(l.minutes for l in lessons), max(l.minutes for l in lessons)), (
            f"{nb_path.name} says {m.group(0)!r}; data/lessons.yaml says otherwise")


def test_course_map_says_the_count_and_range_from_the_data():
    from sciatica_course import lesson

    lessons = [l for l in COURSE.lessons if not l.instructor]
    summary = lesson.course_summary(COURSE)
    html = lesson.course_map(COURSE)._repr_html_()
    assert summary in html
    words = [w for w, i in NUMBERS.items() if i == len(lessons)]
    assert summary.lower().startswith(words[0] if words else str(len(lessons)))
    assert f"{min(l.minutes for l in lessons)} to {max(l.minutes for l in lessons)} minutes" in summary


# ---- item 2: the course map and lesson 8's case library were right-aligned (JupyterLab's table style)
def test_tables_the_course_renders_are_left_aligned():
    from sciatica_course import lesson
    from sciatica_course.text import html_table
    from sciatica_course.widgets import case_player
    from sciatica_course.widgets.common import STYLE_CSS

    left = re.compile(r"\.sc-html table td,.*text-align:left!important")
    for html in (lesson.course_map(COURSE)._repr_html_(), html_table("x", ["a"], [["b"]])._repr_html_()):
        assert html.startswith('<div class="sc-html">') and left.search(html), html[:200]
    assert re.search(r"\.sc-case table td.*text-align:left", case_player.case_list(COURSE)._repr_html_())
    assert re.search(r"\.sc-widget table td,\.sc-widget table th\{text-align:left", STYLE_CSS)


# ---- item 3: the second myth-check block of lesson 1 started again at "Myth check 1"
@pytest.mark.parametrize("nb_path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_myth_check_numbers_do_not_repeat_within_a_lesson(nb_path):
    from sciatica_course.widgets import claims

    titles = []
    for src in _code(nb_path):
        for call in re.findall(r"claims\.myth_check\(.*\)", src):
            box = eval(call, {"claims": claims})   # noqa: S307 - the lesson's own one-line call
            for check in box.children:
                m = re.search(r"<b>(Myth check(?: \d+)?)\.</b>", check.stem.value)
                titles.append(m.group(1))
    numbered = [t for t in titles if t != "Myth check"]
    assert len(numbered) == len(set(numbered)), f"{nb_path.name}: myth checks numbered {titles}"


# ---- item 3: "...as in cadavers (Variant prevalence 16.9% (95% CI 16.0-17.9) in 6,062 cadavers; ...)."
def test_no_source_summary_is_pasted_into_a_sentence():
    from sciatica_course.widgets import anatomy

    sel = anatomy.variant_selector(COURSE)
    summaries = [s.supports for s in COURSE.sources if getattr(s, "supports", None)]
    for v in sel.variants:
        sel.value = v.type
        text = sel.panel.value
        pasted = [s for s in summaries if s[:40] in text]
        assert not pasted, f"type {v.type}: a source's summary is pasted into the text: {pasted[0][:80]!r}"
        assert "(Smoll 2010)" in text


# ---- item 4: "0% · weak · 1 of 1 answered" read as if the one answer had been right
def test_mastery_label_counts_right_answers_not_answered(tmp_path, monkeypatch):
    monkeypatch.setenv("SCIATICA_COURSE_HOME", str(tmp_path))
    from sciatica_course import revision
    from sciatica_course.plotting import svgcharts

    item = COURSE.quizzes[0]
    wrong = next(o for o in item.options if not o.correct)
    answers = [{"item_id": item.id, "option_id": wrong.id, "correct": False, "confidence": 3,
                "at": "2026-11-30T09:00:00+00:00", "lesson": item.lesson, "topic": item.topic}]
    row = next(m for m in revision.mastery_by_topic(COURSE, answers=answers) if m.key == item.topic)
    assert row.answered == 1 and row.right == 0
    svg, alt = svgcharts.mastery_svg([row])
    assert f"0 of {row.items} right" in svg and "answered" not in svg.split("Mastery:")[0]
    assert "1 answered" in alt
