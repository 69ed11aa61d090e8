"""Records for teaching: lessons, exam domains and quiz items."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, Optional

from .cases import Safety
from .core import Doc, Id, LessonId, MinLen, Pattern, Range, SourceKeys, Text

Domain = Literal["A", "B", "C", "D", "E", "F", "G"]


@dataclass(frozen=True)
class ExamDomain:
    id: Id
    code: Domain
    name: Text
    weight_percent: Annotated[float, Range(0, 100)]
    course_relevance: Text
    sources: SourceKeys


@dataclass(frozen=True)
class Lesson:
    id: Id
    number: int
    title: Text
    notebook: Annotated[str, Pattern(r"(instructor/)?[0-9a-z_]+\.ipynb", "a notebook file name under notebooks/")]
    minutes: Annotated[int, Range(1, 240)]
    audience: Text
    summary: Text
    objectives: Annotated[tuple[Text, ...], MinLen(1)]
    topics: tuple[Id, ...]
    mblex_domains: tuple[Domain, ...]
    sources: SourceKeys
    prerequisites: tuple[LessonId, ...] = ()
    instructor: bool = False


@dataclass(frozen=True)
class QuizOption:
    id: Annotated[str, Pattern(r"[a-z][a-z0-9_]*", "a short snake_case id such as a, b, c")]
    text: Text
    correct: bool
    explanation: Annotated[str, MinLen(1), Doc("Why this option is right or wrong: shown after answering.")]
    safety: Annotated[Safety, Doc(
        "What choosing this option would mean for the client, as for a case choice: safe (no risk, even if "
        "wrong), suboptimal, unsafe (could harm the client) or critical (could seriously harm them, for example "
        "by delaying emergency care). An unsafe or critical choice is said plainly, counts in revision like a "
        "critical case choice, and needs ``harm``.")] = "safe"
    harm: Optional[Annotated[str, MinLen(1), Doc(
        "Unsafe or critical options: what could happen to the client, in a sentence the student reads "
        "after choosing it.")]] = None
    refers: Optional[Annotated[Literal["emergency", "urgent", "routine", "none"], Doc(
        "For an item with ``requires``: the referral this option amounts to - ``none`` when it treats, waits or "
        "reassures without a referral. Graded as a case choice (clinical_facts.md CASE-01): ``none`` when an "
        "urgent or emergency referral is required is critical, and so is anything slower than an emergency "
        "when an emergency is required.")]] = None


@dataclass(frozen=True)
class QuizItem:
    id: Id
    lesson: LessonId
    topic: Id
    mblex_domain: Domain
    stem: Text
    options: Annotated[tuple[QuizOption, ...], MinLen(2)]
    sources: SourceKeys
    kind: Literal["single_choice"] = "single_choice"
    level: Literal["recall", "application"] = "recall"
    requires: Optional[Annotated[Literal["emergency", "urgent", "routine"], Doc(
        "A triage item: the referral the picture in the stem requires. Its options then say what they amount to "
        "(``refers``), and their safety grades must follow the case grading (CASE-01).")]] = None

    @property
    def unsafe_options(self) -> tuple:
        """The options that would put the client at risk (unsafe or critical)."""
        return tuple(o for o in self.options if o.safety in ("unsafe", "critical"))

    def check(self):
        n = sum(o.correct for o in self.options)
        if n != 1:
            yield "options", f"exactly one option must be correct (found {n})"
        seen = set()
        for i, o in enumerate(self.options):
            if o.correct and o.safety != "safe":
                yield f"options[{i}].safety", f"the correct option must be safe (it is {o.safety})"
            if o.safety in ("unsafe", "critical") and not o.harm:
                yield f"options[{i}].harm", f"an {o.safety} option must say what could happen to the client (harm)"
            if o.harm and o.safety not in ("unsafe", "critical"):
                yield f"options[{i}].harm", f"harm is only for unsafe or critical options (this one is {o.safety})"
            if o.id in seen:
                yield f"options[{i}].id", f"duplicate option id {o.id!r}"
            seen.add(o.id)
            yield from self._grading_problems(i, o)

    def _grading_problems(self, i, o):
        """CASE-01 for a triage item: the grade an option's referral earns when the picture requires ``requires``."""
        if o.refers is not None and self.requires is None:
            yield f"options[{i}].refers", "refers needs the item's requires (the referral the picture requires)"
        if self.requires is None or o.refers is None:
            return
        order = ("none", "routine", "urgent", "emergency")
        need, got = order.index(self.requires), order.index(o.refers)
        if o.correct and got < need:
            yield f"options[{i}].refers", f"the correct option refers {o.refers}, slower than the {self.requires} required"
        if got >= need or o.correct:
            return
        if self.requires == "emergency" or (o.refers == "none" and self.requires == "urgent"):
            least = ("critical",)
        elif self.requires == "urgent":                  # a routine referral when an urgent one is required
            least = ("unsafe", "critical")
        else:                                            # no referral when a routine review is called for
            least = ("suboptimal", "unsafe", "critical")
        if o.safety not in least:
            what = "no referral" if o.refers == "none" else f"a {o.refers} referral"
            yield (f"options[{i}].safety", f"{what} when the picture requires {self.requires} is graded at least "
                   f"{least[0]} (it is {o.safety}; clinical_facts.md CASE-01)")
