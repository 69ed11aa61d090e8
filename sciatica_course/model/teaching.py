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
