"""Records for case scenarios (one YAML file per case in data/cases/).

Placeholder shape for the foundation; the case-scenario work defines the full step graph.
"""
from __future__ import annotations

from dataclasses import dataclass

from .core import Id, SourceKeys, Text


@dataclass(frozen=True)
class Case:
    id: Id
    title: Text
    story: Text
    sources: SourceKeys
