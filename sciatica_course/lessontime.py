"""How long a lesson takes a student, from a walk-through model rather than a guess.

A new massage student worked through all ten lessons in JupyterLab (issue 16): 7.5-9 hours against the 6 h 15 the
course map then stated. This model reproduces that walk-through from what each lesson contains:

- **reading**: every word of the lesson's markdown, and of the tables it shows, at ``READING_WPM`` (180 words a
  minute: careful reading of technical text by a student new to it);
- **questions**: each quiz item's stem, options and the explanation of every option (the feedback shows them all)
  at the same speed, plus ``DECIDE_MIN`` to choose an answer and a confidence;
- **activities**: each widget a lesson asks the student to work with, at the minutes a student spent on it in the
  walk-through (``ACTIVITY_MIN``): the intake conversation, the planner, a case, a revision session...;
- **figures**: ``FIGURE_MIN`` each, to read the figure and its caption;
- **exercises**: ``YOUR_CASE_MIN`` for each "Your case" a lesson sets; each case player is one case played.

Each lesson's total is rounded to 5 minutes. ``python -m sciatica_course.devtools minutes`` prints the table and,
with ``--write``, puts the totals into data/lessons.yaml and the lessons' opening lines (then run ``readme``);
tests/test_lesson_time.py fails when they are out of step.
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

READING_WPM = 180
DECIDE_MIN = 0.75
FIGURE_MIN = 1.5
CALL_MIN = 0.5          # anything else a cell shows (a references list, the lesson-complete button)
EXAMPLE_MIN = 3         # a worked example shown as findings and result (screening_example, planner_example)
# minutes a student spent working with each widget in the walk-through (by the function a lesson calls)
ACTIVITY_MIN = {
    "intake_conversation": 7, "screening_widget": 5, "triage_practice": 8, "lr_explorer": 7,
    "symptom_map": 5, "path_explorer": 5, "variant_selector": 3, "nerve_figure": FIGURE_MIN,
    "session_planner": 8, "irritability_classifier": 5, "contraindication_sorter": 6, "self_care_chooser": 3,
    "case_list": 2, "case_card": 1, "case_player": 15, "CasePlayer": 15, "show_debrief": 4,
    "revision_session": 12, "dashboard": 4, "schedule_example": 3, "retry_cases": 3, "progress_transfer": 3,
    "screening_example": EXAMPLE_MIN, "planner_example": EXAMPLE_MIN,
}
# a worked example on an activity already met in the lesson (``planner().set(...)``) takes less
WORKED_EXAMPLE_MIN = 3
EACH_A_NEW_ACTIVITY = {"CasePlayer", "case_player"}   # every case player is another case to play
MYTH_MIN = 1.5          # per claim of a myth check: decide, then read the verdict
YOUR_CASE_MIN = 5       # a "Your case" / "Your turn" exercise: work it with the lesson's widget, then compare


@dataclass(frozen=True)
class LessonTime:
    lesson_id: str
    reading: float
    questions: float
    activities: float

    @property
    def total(self) -> int:
        return max(5, int(5 * round((self.reading + self.questions + self.activities) / 5)))

    @property
    def parts(self) -> tuple[int, int]:
        """(reading and activities, questions) in whole minutes that add up to ``total``."""
        q = int(5 * round(self.questions / 5)) if self.questions >= 2.5 else round(self.questions)
        q = min(q, self.total)
        return self.total - q, q


def words(text: str) -> int:
    text = re.sub(r"<[^>]+>", " ", text)                    # HTML tags
    text = re.sub(r"\]\([^)]*\)", "]", text)                # markdown link targets
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’.,%-]*", text))


def _call(node) -> tuple[str, ast.Call | None, bool]:
    """(function name, the call, whether it is a chained worked example like ``f().set(...)``)."""
    if not isinstance(node, ast.Call):
        return "", None, False
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):   # planner().set(...)
        inner, call, _ = _call(func.value)
        return inner, call, True
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name, node, False


def _quiz_minutes(call: ast.Call, course) -> float:
    """Minutes for the questions of one quiz cell: ``quiz(ref)``, ``quiz(ref, n)`` or ``quiz(ref, n, m, ...)``."""
    from .widgets.common import find_item

    args = [ast.literal_eval(a) for a in call.args]
    minutes = 0.0
    for n in (args[1:] or [None]):
        item = find_item(args[0], n, course)
        text = " ".join([item.stem] + [o.text + " " + o.text + " " + (o.explanation or "") for o in item.options])
        minutes += words(text) / READING_WPM + DECIDE_MIN
    return minutes


def _table_words(name: str, call: ast.Call, course) -> int:
    """Words of a table a lesson shows (built from data, as the lesson builds it)."""
    from . import lesson as lesson_mod
    from .widgets import anatomy, assessment, treatment

    for mod in (assessment, treatment, anatomy, lesson_mod):
        f = getattr(mod, name, None)
        if f is not None:
            try:
                args = [ast.literal_eval(a) for a in call.args]
                kw = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
                html = f(*args, course=course, **kw)
                return words(getattr(html, "_repr_html_", lambda: str(html))())
            except Exception:   # a table that needs more than literals: count it as a figure
                return int(FIGURE_MIN * READING_WPM)
    return int(FIGURE_MIN * READING_WPM)


def estimate(lesson, course=None, notebooks: Path | None = None) -> LessonTime:
    """The walk-through model's minutes for one lesson of data/lessons.yaml."""
    from .loading import load_course

    course = course if course is not None else load_course()
    notebooks = notebooks or Path(__file__).resolve().parents[1] / "notebooks"
    nb = json.loads((notebooks / lesson.notebook).read_text(encoding="utf-8"))
    reading = questions = activities = 0.0
    seen: set[str] = set()
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            reading += words(src) / READING_WPM
            activities += YOUR_CASE_MIN * len(re.findall(r"^#+ (?:Your case|Your turn)", src, re.M))
            continue
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        if not tree.body or not isinstance(tree.body[-1], ast.Expr):
            continue   # the setup cell (imports) shows nothing
        calls = [tree.body[-1].value]
        while calls:
            name, call, chained = _call(calls.pop(0))
            if call is None:
                continue
            if name == "show":             # lesson.show(a, b): each part as if in a cell of its own
                calls[:0] = list(call.args)
            elif name == "end":            # lesson.end(id): references, then the next lesson
                activities += 2 * CALL_MIN
            elif name == "quiz":
                questions += _quiz_minutes(call, course)
            elif name == "myth_check":
                kw = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg in ("lesson", "topic", "then")}
                then = kw.get("then", ())
                chosen = len(call.args) if call.args else sum(   # myth_check(lesson=..., topic=...): the claims it picks
                    1 for c in course.claims if kw.get("lesson", c.lesson) == c.lesson
                    and kw.get("topic", c.topic) == c.topic) if ("lesson" in kw or "topic" in kw) else 0
                activities += MYTH_MIN * (chosen + (1 if isinstance(then, str) else len(then)))
            elif name in ACTIVITY_MIN:
                repeat = name in seen and name not in EACH_A_NEW_ACTIVITY
                activities += WORKED_EXAMPLE_MIN if repeat else ACTIVITY_MIN[name]
                seen.add(name)
            elif name.endswith("_table") or name in ("course_map", "rules_table"):
                reading += _table_words(name, call, course) / READING_WPM
            elif name.endswith("_figure") or name.startswith(("technique_matrix", "disc_levels")):
                activities += FIGURE_MIN
            else:
                activities += CALL_MIN
    return LessonTime(lesson.id, reading, questions, activities)


def course_times(course=None) -> dict[str, LessonTime]:
    from .loading import load_course

    course = course if course is not None else load_course()
    return {l.id: estimate(l, course) for l in sorted(course.lessons, key=lambda l: (l.instructor, l.number))
            if not l.instructor}


OPENING = re.compile(r"about \d+ minutes(?: the first time, about \d+ minutes a session after that| a session"
                     r"| \([^)]*\))?")


def revision_session_minutes() -> int:
    """A later revision session: the questions and a look at the dashboard."""
    return int(5 * round((ACTIVITY_MIN["revision_session"] + ACTIVITY_MIN["dashboard"]) / 5))


def opening_phrase(t: LessonTime, lesson) -> str:
    """What a lesson's opening line says about its time."""
    if lesson.id == "revision":
        return (f"about {t.total} minutes the first time, about {revision_session_minutes()} minutes a session "
                "after that")
    read, q = t.parts
    if not q:
        return f"about {t.total} minutes"
    return f"about {t.total} minutes ({read} minutes of reading and activities, {q} minutes of questions)"


def write_times(root: Path | None = None, course=None) -> list[str]:
    """Put the model's minutes into data/lessons.yaml and each lesson's opening line; returns what changed."""
    from .loading import load_course

    root = root or Path(__file__).resolve().parents[1]
    course = course if course is not None else load_course()
    times = course_times(course)
    changed = []
    path = root / "data" / "lessons.yaml"
    text = path.read_text(encoding="utf-8")
    for lesson_id, t in times.items():
        pat = re.compile(r"(- id: " + re.escape(lesson_id) + r"\n(?:  .*\n)*?  minutes: )(\d+)")
        m = pat.search(text)
        if m and int(m.group(2)) != t.total:
            text = text[:m.start(2)] + str(t.total) + text[m.end(2):]
            changed.append(f"data/lessons.yaml {lesson_id}: {m.group(2)} -> {t.total} min")
    path.write_text(text, encoding="utf-8")
    for lesson in course.lessons:
        if lesson.id not in times:
            continue
        nb_path = root / "notebooks" / lesson.notebook
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        first = nb["cells"][0]
        src = "".join(first["source"])
        new = OPENING.sub(opening_phrase(times[lesson.id], lesson), src, count=1)
        if new != src:
            if isinstance(first["source"], str):
                first["source"] = new
            else:
                lines = new.split("\n")
                first["source"] = [l + "\n" for l in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
            nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            changed.append(f"{lesson.notebook}: {opening_phrase(times[lesson.id], lesson)}")
    return changed
