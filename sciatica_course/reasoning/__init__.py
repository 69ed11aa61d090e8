"""Pure decision logic: ``recommend(findings)`` -> :class:`Recommendation`.

Screening (red flags, systemic contraindications; :mod:`.screening`) decides urgency and whether
to treat today; the treatment half (:mod:`.treatment`) decides irritability, techniques, what to
avoid, position, stop rules and self-care. Every rule comes from ``data/``; nothing clinical is
written here. The contract is fixed by ``shared/design/architecture.md``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping, Optional

from .findings import PresentationError, validate_findings

URGENCY_ORDER = ("none", "routine", "urgent", "emergency")
LEVEL_ORDER = ("low", "moderate", "high")


@dataclass(frozen=True)
class Reason:
    """One explanation behind a recommendation, with the source keys behind it."""

    text: str
    sources: tuple[str, ...]
    kind: str = "note"          # red_flag | contraindication | irritability | technique | position | note
    rule: Optional[str] = None  # the id of the data record that produced it

    def __str__(self) -> str:
        return f"{self.text} [{', '.join(self.sources)}]"


@dataclass(frozen=True)
class Referral:
    where: str
    timeframe: str
    say: str
    do: str
    condition: str
    rule: str
    urgency: str
    sources: tuple[str, ...]
    routes: tuple[str, ...] = ()                   # ids of data/referral_routes.yaml records applied to it
    ambulance: bool = False                        # an ambulance is the transport: never driven (RF-07a)
    latest: str = ""                               # now | today | days | weeks: how soon (soonest leads in an urgency)


@dataclass(frozen=True)
class Area:
    """A body area to avoid, or to treat only lightly, today - with the reason and the sources behind it."""

    area: str
    action: str                                    # "avoid" | "light"
    reason: str
    sources: tuple[str, ...]
    rule: str                                      # the id of the contraindication record

    def __str__(self) -> str:
        verb = "Avoid" if self.action == "avoid" else "Light pressure only"
        return f"{verb}: {self.area} - {self.reason} [{', '.join(self.sources)}]"


@dataclass(frozen=True)
class Recommendation:
    urgency: str                                   # "emergency" | "urgent" | "routine" | "none"
    treat_today: bool
    irritability: Optional[str]                    # "low" | "moderate" | "high" | None
    techniques: tuple[str, ...]                    # suitable today
    avoided: Mapping[str, str]                     # technique id -> why excluded today
    position: Optional[str]                        # "prone" | "side_lying" | "semi_reclined" | "supine" | None
    reasons: tuple[Reason, ...]
    referrals: tuple[Referral, ...] = ()           # every referral triggered, most urgent first
    modifications: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    irritability_indicators: tuple[str, ...] = ()  # ids of the indicators that decided the level
    stop_rules: tuple[str, ...] = ()
    self_care: tuple[str, ...] = ()                # stretch ids suited today
    findings: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    areas: tuple[Area, ...] = ()                   # body areas to avoid or treat only lightly today

    @property
    def referral(self) -> Optional[Referral]:
        """The most urgent referral, or None."""
        return self.referrals[0] if self.referrals else None


def recommend(findings: Mapping[str, object], course=None) -> Recommendation:
    """Screen a presentation and, when it is safe to treat today, plan the session.

    ``findings`` uses the vocabulary of ``data/findings.yaml``; anything not given is absent or
    normal. Raises :class:`PresentationError` naming the key for an unknown finding, a wrong type
    or an out-of-range value.
    """
    from ..loading import load_course
    from . import screening, treatment

    course = course if course is not None else load_course()
    f = validate_findings(findings, course)
    screen = screening.screen(f, course)
    plan = treatment.plan(f, screen, course)
    return Recommendation(
        urgency=screen.urgency,
        treat_today=screen.treat_today,
        irritability=plan.irritability,
        techniques=plan.techniques,
        avoided=MappingProxyType(dict(plan.avoided)),
        position=plan.position,
        reasons=tuple(screen.reasons) + tuple(plan.reasons),
        referrals=tuple(screen.referrals),
        modifications=MappingProxyType(dict(plan.modifications)),
        irritability_indicators=plan.indicators,
        stop_rules=plan.stop_rules,
        self_care=plan.self_care,
        findings=MappingProxyType(dict(f)),
        areas=plan.areas,
    )


__all__ = ["recommend", "Recommendation", "Reason", "Referral", "Area", "PresentationError", "URGENCY_ORDER",
           "LEVEL_ORDER"]
from .explain import explain  # noqa: E402  (plain-language rationale of a Recommendation)
