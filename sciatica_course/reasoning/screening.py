"""Red-flag and systemic-contraindication screening (placeholder until the screening work lands).

``screen(findings, course) -> ScreenResult``: urgency, treat_today, reasons, referrals.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScreenResult:
    urgency: str
    treat_today: bool
    reasons: tuple = ()
    referrals: tuple = ()
    systemic: tuple = ()        # ids of systemic contraindications that apply


def screen(findings: dict, course) -> ScreenResult:
    return ScreenResult(urgency="none", treat_today=True)
