"""What a student lesson teaches, in the order a student meets it: a term is explained where it first appears,
a case does not give its answer in the same paragraph, and instructors' material lives in the instructor
notebooks (lesson 4 had "For instructors: the rules in force" in the middle of a student lesson)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sciatica_course import load_course

ROOT = Path(__file__).resolve().parents[1]
COURSE = load_course()
LESSONS = sorted((l for l in COURSE.lessons if not l.instructor), key=lambda l: l.number)


def markdown(lesson) -> list[str]:
    nb = json.loads((ROOT / "notebooks" / lesson.notebook).read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.id)
def test_no_instructor_sections_in_a_student_lesson(lesson):
    heads = [l for text in markdown(lesson) for l in text.splitlines() if l.startswith("#")]
    bad = [h for h in heads if re.search(r"\binstructor", h, re.I)]
    assert not bad, f"{lesson.notebook}: instructors' material belongs in notebooks/instructor/: {bad}"


# term -> (how it is recognised, what its first appearance must also say: the explanation)
GLOSSARY = {
    "LR+": (re.compile(r"LR\+"), re.compile(r"likelihood ratio", re.I)),
    "kappa": (re.compile(r"\bkappa\b", re.I), re.compile(r"chance", re.I)),
    "odds": (re.compile(r"\bodds\b", re.I), re.compile(r"odds[^.]*\bprobability\b|\bprobability\b[^.]*\bodds",
                                                        re.I)),
}


@pytest.mark.parametrize("term", GLOSSARY)
def test_a_term_is_explained_where_a_student_first_meets_it(term):
    used, explained = GLOSSARY[term]
    for lesson in LESSONS:
        for text in markdown(lesson):
            m = used.search(text)
            if m:
                assert explained.search(text), (f"{term!r} first appears in {lesson.notebook} without an "
                                                f"explanation: ...{text[max(0, m.start() - 150):m.end() + 150]}...")
                return
    pytest.skip(f"{term!r} is not used in the lessons")


def test_odds_are_explained_before_likelihood_ratios_in_lesson_3():
    text = next(t for t in markdown(COURSE.lessons["assessment_reasoning"]) if "**LR+**" in t)
    assert text.index("Probability and odds") < text.index("**LR+**")


ANSWER_WORDS = re.compile(r"should come out|the answer is|check yourself:", re.I)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.id)
def test_a_case_for_the_student_hides_its_answer(lesson):
    for text in markdown(lesson):
        if not re.search(r"^#+ (Your case|Your turn)", text, re.M):
            continue
        visible = re.sub(r"<details>.*?</details>", "", text, flags=re.S)
        m = ANSWER_WORDS.search(visible)
        assert not m, (f"{lesson.notebook}: the case gives its answer in the same paragraph; put it in a "
                       f"<details> block: ...{visible[max(0, m.start() - 100):m.end() + 100]}")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.id)
def test_every_cell_shows_a_widget_or_html_never_a_python_value(lesson, tmp_path, monkeypatch):
    """Each lesson's cells, run here without a kernel: what a cell ends with is a widget, HTML or nothing - never a
    Python value that a student would see as its repr (lessons 6 and 7 ended with ``session_planner().set(...)``,
    which returned a Recommendation). The browser suite checks the same in the page; this fails in seconds."""
    import ast

    import ipywidgets as W

    monkeypatch.setenv("SCIATICA_COURSE_HOME", str(tmp_path))
    nb = json.loads((ROOT / "notebooks" / lesson.notebook).read_text())
    ns: dict = {}
    raw = []
    for i, c in enumerate(nb["cells"]):
        if c["cell_type"] != "code":
            continue
        src = "".join(c["source"])
        tree = ast.parse(src)
        if not tree.body or not isinstance(tree.body[-1], ast.Expr):
            exec(compile(tree, f"cell {i}", "exec"), ns)
            continue
        exec(compile(ast.Module(tree.body[:-1], []), f"cell {i}", "exec"), ns)
        values = [eval(compile(ast.Expression(tree.body[-1].value), f"cell {i}", "eval"), ns)]
        while values:
            value = values.pop(0)
            if hasattr(value, "_ipython_display_") and not isinstance(value, W.Widget):
                values[:0] = list(value.children)     # lesson.show(a, b): each part is shown as a cell's value
            elif not (value is None or isinstance(value, W.Widget) or hasattr(value, "_repr_html_")):
                raw.append(f"cell {i}: {src.strip()[:80]} -> {type(value).__name__}")
    assert not raw, f"{lesson.notebook} shows a Python value as text:\n" + "\n".join(raw)
