"""Test helper: findings that make a rule's condition hold (red-flag rules, routes, contraindications)."""
from __future__ import annotations

from sciatica_course.loading import load_course


def holding(when, weeks=0, base=None, course=None) -> dict:
    """Findings under which ``when`` (a rule's condition) holds: every ``all_of`` term and the first ``min_any`` of
    its ``any_of`` terms, each at its threshold (a bare finding: ticked, or a number above 0), on top of ``base``;
    ``weeks`` adds ``pregnancy_weeks`` unless the condition sets it."""
    course = course if course is not None else load_course()
    out = dict(base or {})
    for t in (*when.all_of, *when.any_of[:when.min_any]):
        fid = t if isinstance(t, str) else t.finding
        number = course.findings[fid].type != "bool"
        if isinstance(t, str) or (t.equals is None and t.at_least is None and t.at_most is None):
            value = 1 if number else True
        elif t.equals is not None:
            value = t.equals
        else:
            value = t.at_least if t.at_least is not None else t.at_most
            value = int(value) if float(value).is_integer() else value
            if t.at_least is not None and value < 1:
                value = 1
        out[fid] = value
    if weeks:
        out.setdefault("pregnancy_weeks", weeks)
    return out
