"""Shared widget pieces: the explained multiple-choice question used by every lesson, feedback boxes,
and accessible buttons. Nothing here holds clinical logic."""
from __future__ import annotations

import time
from typing import Callable, Optional

import ipywidgets as W

from ..text import esc, inline

# One small style block so option buttons wrap long text and show a visible keyboard focus ring.
STYLE = W.HTML(
    "<style>"
    ".sc-option button, button.sc-option{white-space:normal!important;height:auto!important;"
    "text-align:left!important;line-height:1.35!important;padding:6px 10px!important}"
    ".sc-widget button:focus-visible{outline:3px solid #0072B2!important;outline-offset:2px}"
    ".sc-feedback{border-left:4px solid #0072B2;padding:4px 10px;margin-top:6px}"
    ".sc-feedback .sc-right{font-weight:bold}"
    "</style>"
)

CONFIDENCE_LEVELS = (("Guessing", 1), ("Fairly sure", 2), ("Certain", 3))


def feedback_html(inner: str, role: str = "status") -> str:
    """Wrap feedback in a live region so screen readers announce it."""
    return f'<div class="sc-feedback" role="{role}" aria-live="polite">{inner}</div>'


def option_button(text: str, tooltip: str | None = None) -> W.Button:
    b = W.Button(description=text, tooltip=tooltip or text, layout=W.Layout(width="auto", height="auto"))
    b.add_class("sc-option")
    return b


def labelled(label: str, control: W.Widget) -> W.Widget:
    """A visible label for a control (its ``description`` is the accessible name)."""
    if hasattr(control, "description") and not control.description:
        control.description = label
        control.style.description_width = "initial"
    return control


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
    """A single-choice retrieval question from ``data/quizzes.yaml``: one button per option; after an
    answer, the explanation of every option is shown (explained feedback) and the answer is saved."""

    def __init__(self, item, course=None, confidence: bool = True, record: bool = True,
                 on_answer: Callable | None = None, number: int | None = None):
        self.item = item
        self.record = record
        self.on_answer = on_answer
        self.answer: Optional[str] = None
        self.correct: Optional[bool] = None
        self.save_message: Optional[str] = None
        self._shown_at = time.monotonic()
        title = f"Question {number}" if number else "Question"
        self.stem = W.HTML(f'<div role="heading" aria-level="3"><b>{esc(title)}.</b> {inline(item.stem)}</div>')
        self.buttons = {}
        for opt in item.options:
            b = option_button(opt.text)
            b.on_click(lambda _b, oid=opt.id: self.choose(oid))
            self.buttons[opt.id] = b
        children = [STYLE, self.stem]
        self.confidence = None
        if confidence:
            self.confidence = W.ToggleButtons(
                options=[(label, value) for label, value in CONFIDENCE_LEVELS], value=None,
                description="How sure are you?", style={"description_width": "initial", "button_width": "auto"},
                tooltips=[label for label, _ in CONFIDENCE_LEVELS])
            children.append(self.confidence)
        children.append(W.VBox(list(self.buttons.values())))
        self.feedback = W.HTML(value="")
        children.append(self.feedback)
        super().__init__(children=children)
        self.add_class("sc-widget")
        self.add_class("sc-quiz")

    def choose(self, option_id: str):
        """Answer the question with an option id (what a click does)."""
        opts = {o.id: o for o in self.item.options}
        if option_id not in opts:
            raise KeyError(f"{self.item.id} has no option {option_id!r}; options: {', '.join(opts)}")
        first = self.answer is None
        self.answer = option_id
        chosen = opts[option_id]
        self.correct = chosen.correct
        rows = []
        for o in self.item.options:
            mark = "✓ Correct answer" if o.correct else "✗ Not this one"
            you = " — <i>your answer</i>" if o.id == option_id else ""
            rows.append(f"<li><span class='sc-right'>{mark}</span>{you}: <b>{esc(o.text)}</b><br>"
                        f"{inline(o.explanation)}</li>")
        verdict = ("<b>Right.</b>" if chosen.correct else
                   "<b>Not quite.</b> Read why each option is right or wrong:")
        self.feedback.value = feedback_html(f"<p>{verdict}</p><ul>{''.join(rows)}</ul>")
        conf = self.confidence.value if self.confidence is not None else None
        if first and self.record:
            self.save_message = _record_answer(
                item_id=self.item.id, option_id=option_id, correct=chosen.correct, confidence=conf,
                seconds=round(time.monotonic() - self._shown_at, 1), lesson=self.item.lesson,
                topic=self.item.topic, domain=self.item.mblex_domain)
            if self.save_message:
                self.feedback.value += f"<p><i>{esc(self.save_message)}</i></p>"
        if self.on_answer is not None:
            self.on_answer(self, option_id, chosen.correct, conf)
        return chosen.correct


def quiz(item_id: str, course=None, **kw) -> Quiz:
    """The question ``item_id`` of ``data/quizzes.yaml`` as a widget."""
    from ..loading import load_course

    course = course if course is not None else load_course()
    return Quiz(course.quizzes[item_id], course=course, **kw)


def quiz_set(lesson_id: str, course=None, topic: str | None = None, **kw) -> W.VBox:
    """Every question of a lesson (optionally one topic), numbered, in file order."""
    from ..loading import load_course

    course = course if course is not None else load_course()
    items = [q for q in course.quizzes if q.lesson == lesson_id and (topic is None or q.topic == topic)]
    box = W.VBox([Quiz(q, course=course, number=i + 1, **kw) for i, q in enumerate(items)])
    box.add_class("sc-widget")
    return box
