"""Every notebook follows the lesson anatomy of the architecture and is committed without outputs."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sciatica_course import load_course

ROOT = Path(__file__).parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
COURSE = load_course()
BY_FILE = {l.notebook: l for l in COURSE.lessons}


def cells(path):
    return json.loads(path.read_text())["cells"]


def src(cell) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def rel(path: Path) -> str:
    return path.relative_to(ROOT / "notebooks").as_posix()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=rel)
def test_named_and_committed_without_outputs(path):
    assert re.fullmatch(r"(instructor/)?([0-9]{2}_)?[a-z0-9_]+\.ipynb", rel(path))
    nb = json.loads(path.read_text())
    assert "widgets" not in nb.get("metadata", {}), "widget state stored in the notebook"
    for c in nb["cells"]:
        if c["cell_type"] == "code" and "NBVAL_CHECK_OUTPUT" not in src(c):
            assert c.get("outputs") == [] and c.get("execution_count") is None, src(c)[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=rel)
def test_code_cells_are_short_calls_into_the_package(path):
    code = [c for c in cells(path) if c["cell_type"] == "code"]
    assert code, "a lesson has at least its setup cell"
    for c in code:
        text = src(c)
        lines = [l for l in text.splitlines() if l.strip() and not l.strip().startswith("#")]
        assert len(lines) <= 4, f"a code cell longer than four lines belongs in the package:\n{text}"
        assert "sys.path" not in text and "import *" not in text and "../" not in text, text
    setup = src(code[0])
    assert all(l.startswith("from sciatica_course") or l.startswith("import sciatica_course")
               for l in setup.splitlines() if l.strip()), f"the setup cell imports only the course: {setup}"
    for c in code[1:]:
        for l in src(c).splitlines():
            if l.startswith(("import ", "from ")):
                assert "sciatica_course" in l, f"only the setup cell imports, and only the course: {l}"


@pytest.mark.parametrize("lesson", [l for l in COURSE.lessons], ids=lambda l: l.id)
def test_lesson_opening_matches_the_course_map(lesson):
    path = ROOT / "notebooks" / lesson.notebook
    assert path.is_file(), f"{lesson.notebook} is in data/lessons.yaml but not in notebooks/"
    first = cells(path)[0]
    assert first["cell_type"] == "markdown"
    text = src(first)
    if not lesson.instructor:
        assert text.startswith(f"# {lesson.number} · {lesson.title}"), text.splitlines()[0]
    assert "minutes" in text
    for obj in lesson.objectives:
        assert obj in text, f"objective missing from the opening cell: {obj}"


@pytest.mark.parametrize("lesson", [l for l in COURSE.lessons if not l.instructor], ids=lambda l: l.id)
def test_lesson_closes_with_key_points_and_references(lesson):
    path = ROOT / "notebooks" / lesson.notebook
    if not path.is_file():
        pytest.skip("reported by test_lesson_opening_matches_the_course_map")
    all_text = "\n".join(src(c) for c in cells(path))
    assert "Key points" in all_text
    assert f'lesson.end("{lesson.id}")' in all_text, "a lesson ends with lesson.end(id): references, next lesson"


@pytest.mark.parametrize("lesson", [l for l in COURSE.lessons if not l.instructor], ids=lambda l: l.id)
def test_code_cells_have_prose_between_them(lesson):
    """What one section shows is one cell: ``lesson.show(assessment.red_flag_table("aortic_aneurysm"),
    widgets.quiz(4, 8))``, a table then its question; ``widgets.quiz(4, 13, 14, 15)`` for several questions;
    ``lesson.end(id)`` for references and the next lesson. Every cell costs the student a kernel round trip on Run All
    (about 5-9 ms: lesson 4 had 35 code cells, then 26, and missed its first-run target by that much; issue 18), and
    two cells with no prose between read as a list someone forgot to join."""
    path = ROOT / "notebooks" / lesson.notebook
    if not path.is_file():
        pytest.skip("reported by test_lesson_opening_matches_the_course_map")
    found, prev = [], None
    for c in cells(path):
        if c["cell_type"] == "code" and prev is not None and prev["cell_type"] == "code":
            found.append(f"...{src(prev).strip()[:50]} / {src(c).strip()[:50]}")
        prev = c
    assert not found, (f"{lesson.notebook}: code cells with no prose between; show them with one call, "
                       "lesson.show(a, b):\n" + "\n".join(found))


def shown_call(cell) -> str | None:
    """The function a code cell calls to show its output (``widgets.quiz`` for ``widgets.quiz(4, 13)``), or None."""
    import ast

    try:
        tree = ast.parse(src(cell))
    except SyntaxError:
        return None
    if not tree.body or not isinstance(tree.body[-1], ast.Expr) or not isinstance(tree.body[-1].value, ast.Call):
        return None
    return ast.unparse(tree.body[-1].value.func)


@pytest.mark.parametrize("lesson", [l for l in COURSE.lessons if not l.instructor], ids=lambda l: l.id)
def test_no_two_adjacent_code_cells_call_the_same_function(lesson):
    """One call shows several items: ``widgets.quiz(4, 13, 14, 15)``, ``assessment.red_flag_table("a", "b")``,
    ``claims.myth_check(..., then=...)``. One cell per item, with no prose between, costs the student a kernel
    round trip per cell (lesson 4 had 35 code cells; issue 18) and reads as a list someone forgot to join."""
    path = ROOT / "notebooks" / lesson.notebook
    if not path.is_file():
        pytest.skip("reported by test_lesson_opening_matches_the_course_map")
    found, prev = [], None
    for c in cells(path):
        name = shown_call(c) if c["cell_type"] == "code" else None
        if name is not None and name == prev:
            found.append(f"{name}: ...{src(c).strip()}")
        prev = name
    assert not found, (f"{lesson.notebook}: adjacent code cells call the same function; make it one call with "
                       "several items:\n" + "\n".join(found))


@pytest.mark.parametrize("lesson", [l for l in COURSE.lessons if not l.instructor], ids=lambda l: l.id)
def test_the_references_heading_is_with_the_references(lesson):
    """lesson.end(id) shows "References" above its list: a heading left at the bottom of the prose cell sat apart from
    its list, with the code cell between them, and lessons had three styles of it (walk-through)."""
    from sciatica_course import lesson as lesson_mod

    path = ROOT / "notebooks" / lesson.notebook
    if not path.is_file():
        pytest.skip("reported by test_lesson_opening_matches_the_course_map")
    prose = [src(c).rstrip() for c in cells(path) if c["cell_type"] == "markdown"]
    assert not [p for p in prose if p.splitlines() and "References" in p.splitlines()[-1]], \
        "a References heading ends a prose cell; lesson.end shows it"
    first = lesson_mod.end(lesson.id, COURSE).parts[0]._repr_html_()
    assert "<h3>References</h3><ul>" in first



def test_every_red_flag_is_taught_in_a_lesson():
    """A red flag in data/red_flags.yaml that no lesson's red_flag_table shows is a rule the student never reads
    ("systemically unwell" became a condition of its own and lesson 4 stopped showing it)."""
    import ast

    shown = set()
    for path in NOTEBOOKS:
        for c in cells(path):
            if c["cell_type"] != "code":
                continue
            for node in ast.walk(ast.parse(src(c))):
                if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("red_flag_table"):
                    args = [ast.literal_eval(a) for a in node.args]
                    shown |= set(args) if args else set(COURSE.red_flags.ids)
    missing = [f for f in COURSE.red_flags.ids if f not in shown]
    assert not missing, f"red flags no lesson shows: {missing}"


def test_a_lesson_client_is_nobody_else_in_the_course():
    """Walk-through: "Helen, 58" (lesson 4's worked example) was also Helen, 52 with a DVT (a lesson 8 case) and Helen,
    57 in a triage vignette; Priya, Sam, Walter and Lena were each two or three people. A client a lesson introduces by
    name and age ("**Amara, 34**"), and so does every client of a case, a question or a triage vignette: no first name
    is two people (at two ages) anywhere in the course."""
    people: dict[str, set] = {}
    where = [*NOTEBOOKS, *sorted((ROOT / "data").glob("*.yaml")), *sorted((ROOT / "data" / "cases").glob("*.yaml"))]
    pattern = re.compile(r"\b([A-Z][a-z]+)(?:\*\*)?, (\d{2})\b(?! weeks)")
    for path in where:
        text = path.read_text(encoding="utf-8")
        for m in pattern.finditer(text):
            people.setdefault(m.group(1), set()).add((path.name, m.group(2)))
    clash = []
    for name, seen in sorted(people.items()):
        ages = {a for _f, a in seen}
        if len(ages) > 1:   # anywhere in the course: lessons, cases, quizzes, triage vignettes (walk-throughs 4, 5)
            clash.append(f"{name}: " + ", ".join(f"{f} ({a})" for f, a in sorted(seen)))
    assert not clash, "a lesson's client shares a first name with another person:\n" + "\n".join(clash)
