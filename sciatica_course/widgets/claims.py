"""The "myth check" widget: a popular claim from ``data/claims.yaml`` (paraphrased from the source articles);
the student judges it supported, overstated or unsupported, and the feedback explains the verdict with its
sources. Used by the anatomy lesson and reused by the treatment lessons.
"""
from __future__ import annotations

from typing import Callable, Optional

from . import lean as W

from ..text import cited_sources, esc, inline, sources_block
from .common import feedback_html, option_group, pick, style_html

VERDICTS = (
    ("supported", "Supported", "The evidence or the anatomy backs it."),
    ("overstated", "Partly supported", "Partly true, but overstated: it claims more than the evidence shows."),
    ("unsupported", "Unsupported", "The evidence or the anatomy does not back it, or contradicts it."),
)
SEED_NAMES = {   # where a claim was read, as a student is told it (never the article's number)
    "000": "a massage blog",
    "001": "a clinic's marketing page",
    "002": "a stretching video",
    "003": "a massage college article",
    "004": "a massage video page",
}


class ClaimCheck(W.VBox):
    """One claim with three verdict buttons (one group); after an answer, the verdict, its explanation and sources."""
    _sc_classes = ("sc-widget", "sc-claim")

    def __init__(self, claim, course=None, number: int | None = None, record: bool = False,
                 on_answer: Callable | None = None):
        self.claim = claim
        self.course = course
        self.record = record
        self.on_answer = on_answer
        self.answer: Optional[str] = None
        self.correct: Optional[bool] = None
        where = "; ".join(dict.fromkeys(SEED_NAMES.get(s, "a popular article") for s in claim.seeds))
        title = f"Myth check {number}" if number else "Myth check"
        self.stem = W.HTML(
            f'<div role="heading" aria-level="3"><b>{esc(title)}.</b> Claim (paraphrased from {esc(where)}):</div>'
            f'<blockquote style="margin:4px 0 4px 12px;font-style:italic">“{inline(claim.claim)}”</blockquote>'
            "<div>Is this claim supported, partly supported (overstated) or unsupported?</div>")
        self.choices = option_group([(label, vid) for vid, label, _hint in VERDICTS], "Your verdict", self.choose,
                                    tooltips=[f"{label}: {hint}" for _vid, label, hint in VERDICTS], vertical=False)
        self.feedback = W.HTML(value="")
        super().__init__(children=[style_html(), self.stem, self.choices, self.feedback])

    def pick(self, verdict: str):
        """Press a verdict's button, as a student does."""
        pick(self.choices, verdict)

    def choose(self, verdict: str) -> bool:
        """Judge the claim (what a click does); returns whether the judgement matches the verdict."""
        labels = {v: label for v, label, _ in VERDICTS}
        if verdict not in labels:
            raise KeyError(f"verdict must be one of {', '.join(labels)}, not {verdict!r}")
        first = self.answer is None
        self.answer = verdict
        self.correct = verdict == self.claim.verdict
        head = ("<b>Right.</b>" if self.correct else
                f"<b>Not quite.</b> You said <i>{esc(labels[verdict])}</i>.")
        from ..loading import load_course

        course = self.course if self.course is not None else load_course()
        mine = self.claim.sources
        srcs = sources_block([*mine, *cited_sources(self.claim.explanation, course, mine)], course)
        self.feedback.value = feedback_html(
            f"<p>{head} The course's verdict: <b>{esc(labels[self.claim.verdict])}</b>.</p>"
            f"<p>{inline(self.claim.explanation, course, mine)}</p>"
            + srcs)
        if first and self.record:
            from .common import _record_answer

            msg = _record_answer(item_id=f"claim.{self.claim.id}", option_id=verdict, correct=self.correct,
                                 lesson=self.claim.lesson, topic=self.claim.topic)
            if msg:
                self.feedback.value += f"<p><i>{esc(msg)}</i></p>"
        if self.on_answer is not None:
            self.on_answer(self, verdict, self.correct)
        return self.correct


def claim_check(claim_id: str, course=None, **kw) -> ClaimCheck:
    """The claim ``claim_id`` of data/claims.yaml as a myth-check widget."""
    from ..loading import load_course

    course = course if course is not None else load_course()
    return ClaimCheck(course.claims[claim_id], course=course, **kw)


def myth_check(*claim_ids: str, lesson: str | None = None, topic: str | None = None, then=(), course=None,
               first: int = 1, **kw) -> W.VBox:
    """Several myth checks, numbered from ``first``: the given claim ids, or every claim of a lesson and/or topic;
    ``then`` (a claim id or several) follows them in the same block, numbered on (one cell, not two:
    ``myth_check(lesson="sciatic_nerve_path", topic="anatomy", then="evidence_massage_releases_nerve_pressure")``).
    A single myth check is not numbered (so a lesson's second block never starts again at "Myth check 1")."""
    from ..loading import load_course

    course = course if course is not None else load_course()
    if claim_ids:
        claims = [course.claims[c] for c in claim_ids]
    else:
        claims = [c for c in course.claims if (lesson is None or c.lesson == lesson)
                  and (topic is None or c.topic == topic)]
    claims += [course.claims[c] for c in ((then,) if isinstance(then, str) else then)]
    numbered = len(claims) > 1 or first > 1
    box = W.VBox([ClaimCheck(c, course=course, number=first + i if numbered else None, **kw)
                  for i, c in enumerate(claims)], classes=("sc-widget",))
    return box
