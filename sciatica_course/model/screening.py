"""Records for assessment and screening: findings, red flags, contraindications, special tests."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, Optional, Union

from .core import Doc, FindingId, Id, MinLen, Range, SourceKey, SourceKeys, TechniqueId, Text

Position = Literal["prone", "side_lying", "semi_reclined", "supine"]
Urgency = Literal["emergency", "urgent", "routine"]


@dataclass(frozen=True)
class Finding:
    """One entry of the findings vocabulary: a key of the dict passed to ``recommend``."""

    id: Id
    label: Text
    question: Annotated[str, MinLen(1), Doc("What the therapist asks, in words a client understands.")]
    group: Literal["red_flag", "course", "caution"]
    type: Literal["bool", "int", "float"]
    sources: SourceKeys
    min: Optional[float] = None
    max: Optional[float] = None
    unit: Optional[str] = None

    def check(self):
        if self.type == "bool" and (self.min is not None or self.max is not None):
            yield "min", "a bool finding takes no min or max"
        if self.min is not None and self.max is not None and self.min > self.max:
            yield "max", "must not be below min"


@dataclass(frozen=True)
class FindingTest:
    """A test on one finding. With no comparison given, the finding must be present (true / non-zero)."""

    finding: FindingId
    equals: Optional[Union[bool, float]] = None
    at_least: Optional[float] = None
    at_most: Optional[float] = None


Term = Union[FindingId, FindingTest]


@dataclass(frozen=True)
class Condition:
    """Holds when every ``all_of`` term holds, at least one ``any_of`` term (if any are listed) holds,
    and no ``none_of`` term holds. A bare finding id means "present"."""

    all_of: tuple[Term, ...] = ()
    any_of: tuple[Term, ...] = ()
    none_of: tuple[Term, ...] = ()

    def check(self):
        if not (self.all_of or self.any_of):
            yield "", "a condition needs all_of or any_of"


@dataclass(frozen=True)
class Referral:
    where: Text
    timeframe: Text
    say: Annotated[str, MinLen(1), Doc("What the therapist says to the client.")]
    do: Annotated[str, MinLen(1), Doc("What the therapist does now.")]


@dataclass(frozen=True)
class RedFlagRule:
    id: Id
    when: Condition
    urgency: Urgency
    explanation: Text
    referral: Referral
    sources: SourceKeys


@dataclass(frozen=True)
class RedFlag:
    id: Id
    condition: Text
    description: Text
    screening_questions: tuple[Text, ...]
    rules: Annotated[tuple[RedFlagRule, ...], MinLen(1)]
    sources: SourceKeys
    why_ask: Optional[Text] = None


@dataclass(frozen=True)
class Contraindication:
    id: Id
    name: Text
    category: Literal["systemic", "local", "caution"]
    when: Condition
    action: Literal["postpone_and_refer", "avoid_area", "adapt"]
    what_to_do: Text
    why: Text
    sources: SourceKeys
    excluded_techniques: tuple[TechniqueId, ...] = ()
    pressure: Optional[Literal["light", "light_moderate", "moderate"]] = None
    position: Optional[Position] = None
    positions_excluded: tuple[Position, ...] = ()
    area: Optional[Text] = None


@dataclass(frozen=True)
class Accuracy:
    study: SourceKey
    population: Text
    setting: Literal["surgical", "primary_care", "specialist", "mixed"]
    reference_standard: Text
    sensitivity: Annotated[float, Range(0, 1)]
    specificity: Annotated[float, Range(0, 1)]
    n: Optional[int] = None
    note: Optional[Text] = None


@dataclass(frozen=True)
class SpecialTest:
    id: Id
    name: Text
    purpose: Text
    procedure: Text
    positive: Text
    accuracy: tuple[Accuracy, ...]
    caveat: Text
    sources: SourceKeys
    scope_note: Optional[Text] = None
