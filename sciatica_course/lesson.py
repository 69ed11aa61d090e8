"""Lesson furniture drawn from data/lessons.yaml: the course map, references and the next-lesson link.

Moving on closes the lesson left. A lesson link the course draws (the "Next" link, the course map) opens its lesson
as a tab of the running JupyterLab and then saves and closes the lesson being left, so its kernel shuts down: a
student following "Next" through the course has one kernel running, not one per lesson (on a class hub, ten per
student). Nothing is lost: answers and progress are saved as they are given, and the notebook is saved before it
closes. This is a click handler on the link (:data:`MOVE_ON_JS`), run by JupyterLab in a trusted HTML output (the
outputs of a Run All are trusted) through the app the course's server config exposes as ``window.jupyterapp``
(``sciatica_course/jupyter_config/jupyter_server_config.json``). Where either is missing (a lesson reopened with
saved, untrusted outputs, another frontend, Voila) the handler does nothing and the link is a plain relative link,
which JupyterLab still opens in a tab without reloading the page.
"""
from __future__ import annotations

from .text import HTMLBlock as _HTML
from .text import duration, esc, source_list

# The link's click handler (an ``onclick`` attribute: JupyterLab keeps it in trusted HTML outputs and its sanitizer
# drops it from untrusted ones). ``this`` is the link; ``data-sc-lesson`` the lesson's file name relative to the
# lesson being left. It opens the lesson with JupyterLab's own command (as the plain link would), then - unless the
# link leads to the lesson it is in - saves the lesson left, shuts its kernel and closes its tab. A failed save (the
# file changed on disk and the student keeps it) leaves the lesson open. Returning true lets the browser and
# JupyterLab handle the link as before (also for a click with Ctrl, Cmd, Shift or Alt: "open it beside this one").
MOVE_ON_JS = (
    "var app=window.jupyterapp,node=this.closest('.jp-NotebookPanel'),left=null;"
    "if(!app||!node||!app.shell||event.ctrlKey||event.metaKey||event.shiftKey||event.altKey)return true;"
    "for(var w of app.shell.widgets('main')){if(w.node===node)left=w;}"
    "if(!left||!left.context||!left.sessionContext)return true;"
    "event.preventDefault();event.stopPropagation();"
    "var dir=left.context.path.split('/').slice(0,-1).join('/');"
    "var path=(dir?dir+'/':'')+this.getAttribute('data-sc-lesson').replace(/^[.][/]/,'');"
    "app.commands.execute('docmanager:open',{path:path}).then(function(opened){"
    "if(!opened||path===left.context.path||left.isDisposed)return;"
    "return left.context.save().then(function(){return left.sessionContext.shutdown();})"
    ".then(function(){left.close();});"
    "}).catch(function(e){console.warn('sciatica-course: the lesson left stays open:',e);});"
    "return false;"
)
MOVE_ON_TITLE = "Opens {title} here and closes this lesson (your answers are saved)"


def lesson_link(notebook: str, text: str, title: str) -> str:
    """A link to a lesson that moves on: opens it in JupyterLab and closes the lesson it is in (see the module's
    docstring). ``text`` is shown as given (escape it first); ``title`` says what the click does."""
    return (f'<a href="{esc(notebook)}" data-sc-lesson="{esc(notebook)}" title="{esc(title)}" '
            f'onclick="{esc(MOVE_ON_JS)}">{text}</a>')


def course_map(course=None) -> _HTML:
    """A table of the lessons: number, title (linked), objectives, minutes."""
    from .loading import load_course

    course = course if course is not None else load_course()
    rows = []
    for l in sorted((l for l in course.lessons if not l.instructor), key=lambda l: l.number):
        objs = "".join(f"<li>{esc(o)}</li>" for o in l.objectives)
        link = lesson_link(l.notebook, esc(l.title), MOVE_ON_TITLE.format(title=f"lesson {l.number}"))
        rows.append(f"<tr><td>{l.number}</td><td>{link}<br>"
                    f"<small>{esc(l.summary)}</small></td><td><ul>{objs}</ul></td><td>{l.minutes} min</td></tr>")
    total = sum(l.minutes for l in course.lessons if not l.instructor)
    return _HTML(f"<p>{esc(course_summary(course))}</p>"
                 "<table><caption>The course map: lessons, what you will be able to do, and time "
                 f"(about {duration(total)} in all)</caption>"
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


def references(lesson_id: str, course=None, heading: bool = False) -> _HTML:
    """The references of a lesson, from its ``sources`` in data/lessons.yaml (under a "References" heading when
    ``heading``)."""
    from .loading import load_course

    course = course if course is not None else load_course()
    return _HTML(("<h3>References</h3>" if heading else "") + source_list(course.lessons[lesson_id].sources, course))


NEXT_NOTE = "This lesson closes when you move on; your answers are saved."


def next_lesson_html(lesson_id: str, course=None) -> str:
    """The link to the lesson after ``lesson_id`` (after the last lesson: the course map), which moves on: it opens that lesson and closes this one (:func:`lesson_link`)."""
    from .loading import load_course

    course = course if course is not None else load_course()
    this = course.lessons[lesson_id]
    students = sorted((l for l in course.lessons if not l.instructor), key=lambda l: l.number)
    later = [l for l in students if l.number > this.number]
    note = f"<br><small>{esc(NEXT_NOTE)}</small>"
    if later:
        n = later[0]
        link = lesson_link(n.notebook, f"{n.number} · {esc(n.title)} →",
                           MOVE_ON_TITLE.format(title=f"lesson {n.number}"))
        return f"<p><b>Next:</b> {link}{note}</p>"
    first = students[0]
    link = lesson_link(first.notebook, f"the course map ({first.number} · {esc(first.title)}) →",
                       MOVE_ON_TITLE.format(title="the course map"))
    return (f"<p><b>This is the last lesson of the course.</b> Come back to it every few days to revise, or go back "
            f"to any lesson from {link}{note}</p>")


class Shown:
    """Several things one cell shows, one after another, each as its own output (what :func:`show` returns).

    Nothing wraps them: a table stays an HTML output and a widget its own view, exactly as if each had a cell of its
    own, without a kernel round trip per cell (issue 18). ``children`` lets a walker (tests, the figure store's
    set-up) reach every part."""

    def __init__(self, *parts):
        self.parts = tuple(p for p in parts if p is not None)

    @property
    def children(self):
        return self.parts

    def prerender(self):
        """Draw every part's other figure states into the store (see :mod:`sciatica_course.prerender`)."""
        for part in self.parts:
            for f in (getattr(part, "prerender", None), getattr(part, "_repr_html_", None)):
                if callable(f):
                    f()

    def _repr_mimebundle_(self, include=None, exclude=None):
        # Only where nothing calls _ipython_display_ (a plain console): one sentence, never a Python repr.
        return {"text/plain": f"{len(self.parts)} parts of a lesson (open it in JupyterLab to see them)"}

    def _ipython_display_(self):
        from IPython.display import display

        for part in self.parts:
            display(part)


def show(*parts) -> Shown:
    """Show a section's parts in one cell, in order: ``lesson.show(assessment.red_flag_table("aortic_aneurysm"),
    widgets.quiz(4, 8))`` - a table, then the question on it."""
    return Shown(*parts)


class LessonEnd(Shown):
    """The end of a lesson as a cell shows it: the "Mark this lesson complete" widget, then the next lesson's
    link as an HTML output.

    The link is deliberately NOT inside a widget: JupyterLab renders HTML outputs (and markdown) through its
    rendermime, which turns a relative link to a notebook into "open it in this JupyterLab" (a new tab, no page
    load). A link inside an ipywidgets ``HTML`` is a plain browser link: following it reloads the whole page
    ("Leave site?") and loses the outputs of every open lesson.
    """

    def __init__(self, button, link: _HTML):
        super().__init__(button, link)
        self.button, self.link = button, link


def next_lesson(lesson_id: str, course=None, complete: bool = True):
    """The end of a lesson: a "Mark this lesson complete" button (saved to your progress) and the next lesson's
    link, which opens the next lesson inside JupyterLab (see :class:`LessonEnd`)."""
    link = _HTML(next_lesson_html(lesson_id, course))
    if not complete:
        return link
    from .widgets import lean as W
    from .widgets.common import style_html
    from .widgets.revision import complete_button

    box = W.VBox([style_html(), complete_button(lesson_id)], classes=("sc-widget",))
    return LessonEnd(box, link)


def end(lesson_id: str, course=None) -> Shown:
    """A lesson's last cell: its references under their heading, the "Mark this lesson complete" button and the link
    to the next lesson (:func:`references`, then :func:`next_lesson`)."""
    return Shown(references(lesson_id, course, heading=True), next_lesson(lesson_id, course))
