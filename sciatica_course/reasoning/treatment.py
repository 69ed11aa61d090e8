"""The treatment half of ``recommend`` (placeholder until the technique-selection work lands).

``plan(findings, screen, course) -> Plan``; when ``screen.treat_today`` is False the plan is empty.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Plan:
    irritability: str | None = None
    techniques: tuple = ()
    avoided: dict = field(default_factory=dict)
    position: str | None = None
    reasons: tuple = ()
    modifications: dict = field(default_factory=dict)
    indicators: tuple = ()
    stop_rules: tuple = ()
    self_care: tuple = ()


def plan(findings: dict, screen, course) -> Plan:
    return Plan()
