"""Plain, JSON-ready views of records (for ``sciatica-course export`` and reports)."""
from __future__ import annotations

import dataclasses
from typing import Any

from .model import COLLECTIONS


def to_plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_plain(x) for x in obj]
    if isinstance(obj, dict) or hasattr(obj, "items"):
        return {str(k): to_plain(v) for k, v in obj.items()}
    return obj


def course_to_json(course) -> dict:
    """One object whose top-level keys are the collections, each a list of records."""
    return {name: [to_plain(r) for r in getattr(course, name)] for name in COLLECTIONS}
