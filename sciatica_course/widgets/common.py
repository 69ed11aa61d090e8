"""Shared widget pieces: the explained multiple-choice question used by every lesson, feedback boxes,
and accessible buttons. Nothing here holds clinical logic."""
from __future__ import annotations

import hashlib
import os
import re
import time
from typing import Callable, Optional, Union

from . import lean as W

from ..text import cited_sources, esc, human_label, inline, sources_block
from .layout import LAYOUT_CSS

# One small style block so option buttons wrap long text and show a visible keyboard focus ring, and every
# control is as wide as its text (layout.py).
STYLE_CSS = (
    LAYOUT_CSS +
    ".sc-option button, button.sc-option,.sc-options button{white-space:normal!important;height:auto!important;"
    "text-align:left!important;line-height:1.35!important;padding:6px 10px!important}"
    # a question's options: one labelled group of buttons, one under another, each as wide as its text
    ".sc-options.widget-toggle-buttons{flex-direction:column;align-items:flex-start;height:auto}"
    ".sc-options>div{display:flex;flex-direction:column;align-items:flex-start;row-gap:4px;max-width:100%}"
    ".sc-options-row>div{display:flex;flex-wrap:wrap;gap:4px}"
    ".sc-options button{width:auto!important;max-width:100%;margin:0!important}"
    # the chosen option: outlined and bold, not only a darker grey
    ".sc-options button.mod-active,.sc-options-row button.mod-active{outline:2px solid #0072B2;outline-offset:1px;"
    "font-weight:bold}"
    # questions shown one under another by one cell: a rule between them
    ".sc-quiz+.sc-quiz{margin-top:14px;padding-top:10px;border-top:1px solid #bbb}"
    ".sc-widget button:focus-visible{outline:3px solid #0072B2!important;outline-offset:2px}"
    ".sc-feedback{border-left:4px solid #0072B2;padding:4px 10px;margin-top:6px}"
    ".sc-feedback .sc-right{font-weight:bold}"
    ".sc-unsafe{border-left:6px solid #D55E00;padding:4px 10px;margin:4px 0}"
    ".sc-widget table td,.sc-widget table th{text-align:left!important;vertical-align:top!important}"
)


def style_html() -> W.HTML:
    """The course's ``<style>`` block as a widget: one per kernel, shared by every course widget (made on first
    use, never on import)."""
    return W.style_block("<style>" + STYLE_CSS + "</style>")


CONFIDENCE_LEVELS = (("Guessing", 1), ("Fairly sure", 2), ("Certain", 3))


def feedback_html(inner: str, role: str = "status") -> str:
    """Wrap feedback in a live region so screen readers announce it."""
    return f'<div class="sc-feedback" role="{role}" aria-live="polite">{inner}</div>'


def option_button(text: str, tooltip: str | None = None) -> W.Button:
    b = W.Button(description=text, tooltip=tooltip or text, layout=W.Layout(width="auto", height="auto"),
                 classes=("sc-option",))
    return b


def option_group(options, label: str, on_choice: Callable[[str], object], tooltips=None,
                 vertical: bool = True) -> W.ToggleButtons:
    """The options of a question as one group of buttons (one widget, not one per option plus a box: a lesson
    shows dozens of questions): ``options`` are (text, value) pairs; pressing one calls ``on_choice(value)``
    and leaves it marked. ``label`` is the group's visible label (above the buttons when ``vertical``)."""
    group = W.ToggleButtons(options=list(options), value=None, description=label,
                            tooltips=list(tooltips) if tooltips is not None else [t for t, _ in options],
                            style={"description_width": "initial", "button_width": "auto"},
                            classes=("sc-options",) if vertical else ("sc-options-row",))
    group.observe(lambda change: change["new"] is not None and on_choice(change["new"]), names="value")
    return group


def pick(group: W.ToggleButtons, value: str):
    """Press the button of ``value`` in an option group (what a click does); pressing the marked one again
    answers again."""
    values = [v for _t, v in group.options]
    if value not in values:
        raise KeyError(f"no option {value!r}; options: {', '.join(map(str, values))}")
    if group.value == value:
        group.value = None
    group.value = value


def labelled(label: str, control: W.Widget) -> W.Widget:
    """A visible label for a control (its ``description`` is the accessible name)."""
    if hasattr(control, "description") and not control.description:
        control.description = label
        control.style = W.style(type(control.style), description_width="initial")
    return control


SAFETY_WORDS = {
    "unsafe": ("! Unsafe for the client.", "This choice could harm the client."),
    "critical": ("!! Critical: dangerous for the client.", "This choice could seriously harm the client."),
}


def student_key() -> str:
    """What makes one student's option order their own: the hub user name, else the progress folder (each
    person's own on a laptop or a hub). Read at call time, so nothing is set on import."""
    user = os.environ.get("JUPYTERHUB_USER", "").strip()
    if user:
        return "user:" + user
    try:
        from ..progress import store_dir

        return "home:" + str(store_dir())
    except Exception:  # no progress module or no home: one order for everyone, still not the data's order
        return "anyone"


def shuffled(question_id: str, options, key: Optional[str] = None) -> list:
    """Options (records with an ``id``) in the order one student sees them: a shuffle fixed by the student and
    the question (a re-run or reload shows the same order; the order in data/ does not matter, so the right
    answer is not always the first button). Used for quiz items and for case steps."""
    key = student_key() if key is None else key

    def rank(o):
        return hashlib.sha256(f"{key}\x1f{question_id}\x1f{o.id}".encode("utf-8")).hexdigest()

    return sorted(options, key=rank)


def option_order(item, key: Optional[str] = None) -> list:
    """The options of a quiz item in the order one student sees them (see :func:`shuffled`)."""
    return shuffled(item.id, item.options, key)


def safety_warning(option, confidence: Optional[int] = None, course=None, prefer=()) -> str:
    """The plain warning shown when an unsafe or critical option is chosen (empty for any other option):
    what could happen to the client, and a flag when the student was sure of it. ``course`` and ``prefer`` (the
    item's sources) turn fact codes into author-year citations (:func:`~sciatica_course.text.student_text`)."""
    if option.safety not in SAFETY_WORDS:
        return ""
    head, lead = SAFETY_WORDS[option.safety]
    sure = ""
    if confidence is not None and confidence >= 2:
        level = dict((v, k) for k, v in CONFIDENCE_LEVELS).get(confidence, "sure")
        sure = (f"<p><b>Confident and unsafe:</b> you chose this as <i>{esc(level)}</i>. A confident unsafe choice "
                "is the one you would not stop to check with a real client: revisit this question first.</p>")
    return (f'<div class="sc-unsafe" role="alert"><p><b>{esc(head)}</b> {esc(lead)} '
            f"<b>What could happen:</b> {inline(option.harm or '', course, prefer)}</p>{sure}</div>")


def _record_answer(**kw) -> Optional[str]:
    """Save an answer to the progress store; returns a message when it could not be saved."""
    try:
        from .. import progress
    except ImportError:
        return None
    record = getattr(progress, "record_answer", None)
    if record is None:
        return None
    try:
        record(**kw)
    except Exception as e:  # never show a traceback to a student; say what happened
        return f"Your answer could not be saved to your progress ({type(e).__name__}: {e})."
    return None


class Quiz(W.VBox):
    """A single-choice retrieval question from ``data/quizzes.yaml``: one button per option (one group of
    buttons: the chosen one stays marked); after an answer, the explanation of every option is shown
    (explained feedback) and the answer is saved."""
    _sc_classes = ("sc-widget", "sc-quiz")

    def __init__(self, item, course=None, confidence: bool = True, record: bool = True,
                 on_answer: Callable | None = None, number: int | str | None = None, order_key: Optional[str] = None):
        self.item = item
        self.course = course
        self.options = option_order(item, order_key)
        self.record = record
        self.on_answer = on_answer
        self.answer: Optional[str] = None
        self.correct: Optional[bool] = None
        self.save_message: Optional[str] = None
        self._shown_at = time.monotonic()
        title = f"Question {number}" if number else "Question"
        self.stem = W.HTML(f'<div role="heading" aria-level="3"><b>{esc(title)}.</b> '
                           f'{inline(item.stem, course, item.sources)}</div>')
        self.choices = option_group([(o.text, o.id) for o in self.options], "Your answer", self.choose)
        children = [style_html(), self.stem]
        self.confidence = None
        if confidence:
            self.confidence = W.ToggleButtons(
                options=[(label, value) for label, value in CONFIDENCE_LEVELS], value=None,
                description="How sure are you?", style={"description_width": "initial", "button_width": "auto"},
                tooltips=[label for label, _ in CONFIDENCE_LEVELS])
            children.append(self.confidence)
        children.append(self.choices)
        self.feedback = W.HTML(value="")
        children.append(self.feedback)
        super().__init__(children=children)

    def pick(self, option_id: str):
        """Press an option's button, as a student does (the answer and its feedback follow)."""
        pick(self.choices, option_id)

    def choose(self, option_id: str):
        """Answer the question with an option id (what a press of its button does)."""
        opts = {o.id: o for o in self.item.options}
        if option_id not in opts:
            raise KeyError(f"{self.item.id} has no option {option_id!r}; options: {', '.join(opts)}")
        first = self.answer is None
        self.answer = option_id
        chosen = opts[option_id]
        self.correct = chosen.correct
        conf = self.confidence.value if self.confidence is not None else None
        rows = []
        for o in self.options:
            mark = "✓ Correct answer" if o.correct else "✗ Not this one"
            if not o.correct and o.safety in SAFETY_WORDS:
                mark += f" ({'dangerous' if o.safety == 'critical' else 'unsafe'} for the client)"
            you = " — <i>your answer</i>" if o.id == option_id else ""
            rows.append(f"<li><span class='sc-right'>{mark}</span>{you}: <b>{esc(o.text)}</b><br>"
                        f"{inline(o.explanation, self.course, self.item.sources)}</li>")
        if chosen.correct:
            verdict = "<p><b>Right.</b> Here is why, and why each other option is wrong:</p>"
        elif chosen.safety in SAFETY_WORDS:
            verdict = (safety_warning(chosen, conf, self.course, self.item.sources)
                       + "<p>Read why each option is right or wrong:</p>")
        else:
            verdict = "<p><b>Not quite.</b> Read why each option is right or wrong:</p>"
        self.feedback.value = feedback_html(f"{verdict}<ul>{''.join(rows)}</ul>" + self._sources())
        if first and self.record:
            self.save_message = _record_answer(
                item_id=self.item.id, option_id=option_id, correct=chosen.correct, confidence=conf,
                seconds=round(time.monotonic() - self._shown_at, 1), lesson=self.item.lesson,
                topic=self.item.topic, domain=self.item.mblex_domain)
            if self.save_message:
                self.feedback.value += f"<p><i>{esc(self.save_message)}</i></p>"
        elif not first and self.record:    # revision names this first answer: say so where the student changes it
            self.feedback.value += ("<p><i>Your first answer is the one kept for revision: changing it after reading "
                                    "the feedback does not count.</i></p>")
        if self.on_answer is not None:
            self.on_answer(self, option_id, chosen.correct, conf)
        return chosen.correct

    def cited_keys(self) -> list:
        """The item's sources, then those its stem and feedback cite in place of fact codes."""
        texts = [self.item.stem] + [t for o in self.item.options for t in (o.explanation, o.harm) if t]
        return list(dict.fromkeys([*self.item.sources,
                                   *(k for t in texts for k in cited_sources(t, self.course, self.item.sources))]))

    def _sources(self) -> str:
        """The full references of the item's sources and of every author and year its feedback cites (never
        source keys)."""
        try:
            if self.course is None:
                from ..loading import load_course

                self.course = load_course()
            return sources_block(self.cited_keys(), self.course)
        except Exception:  # a probe item or a broken data folder: the explanations still show
            return ""


class WorkedExample(W.VBox):
    """A worked example as a student reads it: the client's findings and what the course's rules make of them,
    and a button that opens the whole form (dozens of controls) with these findings, built only when asked for.
    A lesson shows several worked examples; a form nobody opens costs nothing. The form opens under the example,
    where the button was (the page does not jump; the example's title and findings stay in view above it)."""
    _sc_classes = ("sc-widget", "sc-example")

    def __init__(self, title: str, findings_html: str, result_html: str, open_label: str, build: Callable):
        self._build = build
        self.form = None
        self.summary = W.HTML(f'<div role="heading" aria-level="3"><b>{esc(title)}</b></div>{findings_html}'
                              f"{result_html}")
        self.open_button = W.Button(description=open_label, tooltip=open_label, icon="pencil",
                                    layout=W.Layout(width="auto"))
        self.open_button.on_click(lambda _b: self.show_form())
        super().__init__(children=[style_html(), self.summary, self.open_button])

    def show_form(self):
        """The whole form with the example's findings, under the example in place of the button (what the button
        does)."""
        if self.form is None:
            self.form = self._build()
            note = W.HTML("<p><b>Below: the form, starting with this example's findings.</b> Change a finding and "
                          "read what changes in the form's own result; the example above stays as it was.</p>")
            self.children = [style_html(), self.summary, note, self.form]
        return self.form


def findings_list_html(findings: dict, course, labels: Optional[dict] = None) -> str:
    """The findings of an example as a list a student reads: "Weeks of pregnancy: 30", "Foot drop"."""
    by_id = {f.id: f for f in course.findings}
    items = []
    for fid, value in findings.items():
        f = by_id.get(fid)
        label = f.label if f is not None else human_label(fid)
        if value is True:
            items.append(esc(label))
        elif value not in (False, 0, None):
            named = (labels or {}).get(fid, {}).get(value)
            if named is not None:      # a choice's own words carry the unit: "15 to 60 minutes", not "(minutes): …"
                label = re.sub(r"\s*\([^()]*\)\s*$", "", label)
            items.append(f"{esc(label)}: <b>{esc(str(named if named is not None else value))}</b>")
    return "<p>The client's findings:</p><ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def lesson_items(lesson, course) -> list:
    """A lesson's quiz items in the order of data/quizzes.yaml; ``lesson`` is its number or its id."""
    lessons = {l.number: l.id for l in course.lessons}
    lesson_id = lessons.get(lesson, lesson) if isinstance(lesson, int) else lesson
    if lesson_id not in course.lessons:
        known = ", ".join(f"{l.number} ({l.id})" for l in sorted(course.lessons, key=lambda l: l.number))
        raise KeyError(f"there is no lesson {lesson!r}; lessons: {known}")
    return [q for q in course.quizzes if q.lesson == lesson_id]


def find_item(ref: Union[str, int], n: Optional[int] = None, course=None):
    """The quiz item a lesson cell asks for: ``(lesson, n)`` is the n-th question of that lesson (its number
    or id) in data/quizzes.yaml, counting from 1, so a cell names no answer; a single argument is an item id
    (for instructors' notebooks and probes)."""
    if n is None:
        return course.quizzes[ref]
    items = lesson_items(ref, course)
    if not 1 <= n <= len(items):
        listed = "; ".join(f"{i}: {q.id}" for i, q in enumerate(items, 1))
        raise KeyError(f"lesson {ref!r} has {len(items)} quiz questions, so there is no question {n} ({listed})")
    return items[n - 1]


def quiz(ref: Union[str, int], n: Optional[int] = None, *more: int, course=None, **kw) -> Union[Quiz, W.VBox]:
    """A question of ``data/quizzes.yaml`` as a widget. In a lesson: ``quiz(2, 3)``, the third question of
    lesson 2 (so the cell does not give the answer away); or ``quiz("item_id")``.

    Several questions of a lesson in one cell: ``quiz(4, 13, 14, 15)`` shows them one under another, in that
    order, each exactly as ``quiz(4, 13)`` etc. would, in one box (one cell instead of three: every cell a lesson
    runs costs a round trip to the kernel)."""
    from ..loading import load_course

    course = course if course is not None else load_course()
    if not more:
        return Quiz(find_item(ref, n, course), course=course, **kw)
    items = [find_item(ref, k, course) for k in (n, *more)]   # every position checked before anything is built
    return W.VBox([Quiz(item, course=course, **kw) for item in items], classes=("sc-widget",))


def quiz_set(lesson_id: str, course=None, topic: str | None = None, **kw) -> W.VBox:
    """Every question of a lesson (optionally one topic), numbered, in file order."""
    from ..loading import load_course

    course = course if course is not None else load_course()
    items = [q for q in course.quizzes if q.lesson == lesson_id and (topic is None or q.topic == topic)]
    box = W.VBox([Quiz(q, course=course, number=i + 1, **kw) for i, q in enumerate(items)], classes=("sc-widget",))
    return box
