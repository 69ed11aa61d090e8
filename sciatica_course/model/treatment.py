"""Records for treatment: techniques, irritability rules, self-care stretches, popular claims."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, Optional, Union

from .core import Doc, Id, LessonId, MinLen, SourceKeys, Text
from .screening import Condition, Position

LevelName = Literal["low", "moderate", "high"]


@dataclass(frozen=True)
class Suitability:
    fit: Literal["yes", "modified", "no"]
    how: Optional[Text] = None
    why: Optional[Text] = None

    def check(self):
        if self.fit == "modified" and not self.how:
            yield "how", "a modified fit must say how"
        if self.fit == "no" and not self.why:
            yield "why", "an unsuitable fit must say why"


@dataclass(frozen=True)
class SuitabilityByLevel:
    low: Suitability
    moderate: Suitability
    high: Suitability


@dataclass(frozen=True)
class Technique:
    id: Id
    name: Text
    definition: Text
    suitability: SuitabilityByLevel
    basis: Literal["consensus", "evidence"]
    evidence_note: Text
    sources: SourceKeys
    category: Literal["swedish", "specific", "movement", "neural", "stretch"] = "swedish"
    caution: Optional[Text] = None


@dataclass(frozen=True)
class Indicator:
    """A finding pattern that raises irritability to at least ``raises_to``."""

    id: Id
    kind: Literal["indicator"]
    label: Text
    when: Condition
    raises_to: LevelName
    explanation: Text
    sources: SourceKeys

    def check(self):
        # Monotonicity: an indicator that raises the level may only test presence or a lower bound,
        # so a worse pain score, night pain or a longer settle time can never lower irritability.
        if self.raises_to == "low":
            return
        if self.when.none_of:
            yield "when.none_of", "an indicator that raises irritability must not use none_of"
        for part in ("all_of", "any_of"):
            for i, term in enumerate(getattr(self.when, part)):
                if isinstance(term, str):
                    continue
                if term.at_most is not None or term.equals is False:
                    yield f"when.{part}[{i}]", "test presence or a lower bound (at_least) only"


@dataclass(frozen=True)
class Dosage:
    session: Text
    pressure: Text
    position: Text
    movement: Text
    aims: Text


@dataclass(frozen=True)
class LevelRule:
    """What a level means and how it doses treatment (a teaching synthesis)."""

    id: Id
    kind: Literal["level"]
    level: LevelName
    description: Text
    dosage: Dosage
    basis: Literal["consensus", "evidence"]
    sources: SourceKeys
    positions: Annotated[tuple[Position, ...], MinLen(1),
                         Doc("Suggested positions in order of preference; the first one no caution excludes is used.")] = (
        "side_lying",)


@dataclass(frozen=True)
class StopRule:
    id: Id
    kind: Literal["stop_rule"]
    sign: Annotated[str, MinLen(1), Doc("What the therapist notices or the client reports.")]
    action: Annotated[str, MinLen(1), Doc("What the therapist does then.")]
    sources: SourceKeys
    when: Optional[Condition] = None   # None: applies in every session; else only when the condition holds


IrritabilityRecord = Union[Indicator, LevelRule, StopRule]


@dataclass(frozen=True)
class Stretch:
    id: Id
    name: Text
    how: Text
    target: Text
    suits: Annotated[tuple[LevelName, ...], MinLen(1)]
    neural_tension: bool
    why_not_otherwise: Text
    sources: SourceKeys
    seed: Optional[Literal["000", "001", "002", "003", "004"]] = None
    kind: Literal["stretch", "self_massage", "movement"] = "stretch"
    position: Optional[Position] = None   # the lying position it is done in (None: sitting or kneeling)
    caution: Optional[Annotated[Text, Doc("A note shown with the advice, e.g. the scope-of-practice note that "
                                          "self-care advice carries, like neurodynamic exercise.")]] = None


@dataclass(frozen=True)
class Claim:
    id: Id
    claim: Annotated[str, MinLen(1), Doc("The popular claim, paraphrased (never copied).")]
    seeds: Annotated[tuple[Literal["000", "001", "002", "003", "004"], ...], MinLen(1)]
    verdict: Literal["supported", "overstated", "unsupported"]
    explanation: Text
    topic: Id
    sources: SourceKeys
    lesson: Optional[LessonId] = None
