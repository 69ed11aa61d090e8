"""Lesson furniture drawn from data/lessons.yaml: the course map, references and the next-lesson link."""
from __future__ import annotations

from .text import HTMLBlock as _HTML
from .text import esc, source_list


def course_map(course=None) -> _HTML:
    """A table of the lessons: number, title (linked), objectives, minutes."""
    from .loading import load_course

    course = course if course is not None else load_course()
    rows = []
    for l in sorted((l for l in course.lessons if not l.instructor), key=lambda l: l.number):
        objs = "".join(f"<li>{esc(o)}</li>" for o in l.objectives)
        rows.append(f"<tr><td>{l.number}</td><td><a href=\"{esc(l.notebook)}\">{esc(l.title)}</a><br>"
                    f"<small>{esc(l.summary)}</small></td><td><ul>{objs}</ul></td><td>{l.minutes} min</td></tr>")
    total = sum(l.minutes for l in course.lessons if not l.instructor)
    return _HTML(f"<p>{esc(course_summary(course))}</p>"
                 "<table><caption>The course map: lessons, what you will be able to do, and time "
                 f"(about {total // 60} h {total % 60} min in all)</caption>"
                 "<thead><tr><th scope='col'>#</th><th scope='col'>Lesson</th><th scope='col'>Objectives</th>"
                 "<th scope='col'>Time</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


_NUMBER_WORDS = ("No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven",
                 "Twelve", "Thirteen", "Fourteen", "Fifteen")


def course_summary(course=None) -> str:
    """How many lessons and how long each takes, from data/lessons.yaml ("Ten lessons, from 15 to 105 minutes
    each"): lesson 0 says it above the course map, so the two cannot disagree."""
    from .loading import load_course

    course = course if course is not None else load_course()
    lessons = [l for l in course.lessons if not l.instructor]
    n = len(lessons)
    count = _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)
    lo, hi = min(l.minutes for l in lessons), max(l.minutes for l in lessons)
    span = f"about {lo} minutes each" if lo == hi else f"from about {lo} to {hi} minutes each"
    return f"{count} lesson{'s' if n != 1 else ''}, {span}."


def references(lesson_id: str, course=None) -> _HTML:
    """The references of a lesson, from its ``sources`` in data/lessons.yaml."""
    from .loading import load_course

    course = course if course is not None else load_course()
    return _HTML(source_list(course.lessons[lesson_id].sources, course))


def next_lesson_html(lesson_id: str, course=None) -> str:
    """The link to the lesson after ``lesson_id``."""
    from .loading import load_course

    course = course if course is not None else load_course()
    this = course.lessons[lesson_id]
    later = sorted((l for l in course.lessons if l.number > this.number and not l.instructor),
                   key=lambda l: l.number)
    if not later:
        first = min((l for l in course.lessons if not l.instructor), key=lambda l: l.number)
        return ("<p><b>You have finished the course.</b> Come back to this lesson every few days to revise, or "
                f"go back to any lesson from <a href=\"{esc(first.notebook)}\">the course map ({first.number} · "
                f"{esc(first.title)}) →</a></p>")
    n = later[0]
    return f"<p><b>Next:</b> <a href=\"{esc(n.notebook)}\">{n.number} · {esc(n.title)} →</a></p>"


class LessonEnd:
    """The end of a lesson as a cell shows it: the "Mark this lesson complete" widget, then the next lesson's
    link as an HTML output.

    The link is deliberately NOT inside a widget: JupyterLab renders HTML outputs (and markdown) through its
    rendermime, which turns a relative link to a notebook into "open it in this JupyterLab" (a new tab, no page
    load). A link inside an ipywidgets ``HTML`` is a plain browser link: following it reloads the whole page
    ("Leave site?") and loses the outputs of every open lesson.
    """

    def __init__(self, button, link: _HTML):
        self.button, self.link = button, link

    @property
    def children(self):
        return (self.button, self.link)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.button)
        display(self.link)


def next_lesson(lesson_id: str, course=None, complete: bool = True):
    """The end of a lesson: a "Mark this lesson complete" button (saved to your progress) and the next lesson's
    link, which opens the next lesson inside JupyterLab (see :class:`LessonEnd`)."""
    link = _HTML(next_lesson_html(lesson_id, course))
    if not complete:
        return link
    import ipywidgets as W

    from .widgets.common import STYLE
    from .widgets.revision import complete_button

    box = W.VBox([STYLE, complete_button(lesson_id)])
    box.add_class("sc-widget")
    return LessonEnd(box, link)
