"""Evaluating a data-defined :class:`~sciatica_course.model.screening.Condition` against a presentation.

A presentation is a dict of finding ids to values (validated by
:func:`sciatica_course.reasoning.findings.validate_findings`). Anything not given is absent.

Semantics (the same for red flags, contraindications, irritability indicators and stop rules):

- a bare finding id, or a :class:`FindingTest` with no comparison, holds when the finding is
  **present**: ``True`` for a yes/no finding, a non-zero number for a numeric one;
- ``equals: x`` holds when the value equals ``x``; an absent yes/no finding counts as ``False``
  (so ``equals: false`` holds for it), an absent number never equals anything;
- ``at_least`` / ``at_most`` are inclusive bounds; they never hold for an absent number
  (unknown is not assumed to be inside or outside a range);
- a condition holds when every ``all_of`` term holds, at least ``min_any`` (default one) of the
  ``any_of`` terms hold (when any are listed) and no ``none_of`` term holds; ``min_any`` above one is a
  cluster of individually weak flags;
- ``None`` in place of a condition means "always" (a standing rule, e.g. a stop rule for every session).

Everything here is pure: no I/O, no global state; the same input always gives the same answer.
"""
from __future__ import annotations

from typing import Callable, Mapping

__all__ = ["holds", "term_holds", "matched", "finding_ids", "describe", "describe_term", "compile_condition"]


def _parts(term):
    """(finding id, equals, at_least, at_most) of a term (a bare id or a FindingTest)."""
    if isinstance(term, str):
        return term, None, None, None
    return term.finding, term.equals, term.at_least, term.at_most


def term_holds(term, findings: Mapping[str, object]) -> bool:
    """Whether one term (a finding id or a FindingTest) holds for the presentation."""
    fid, eq, lo, hi = _parts(term)
    value = findings.get(fid)
    if eq is None and lo is None and hi is None:
        return value is not None and value is not False and value != 0
    if eq is not None:
        if isinstance(eq, bool):
            return bool(value) is eq if (value is None or isinstance(value, bool)) else False
        return value is not None and not isinstance(value, bool) and value == eq
    if value is None or isinstance(value, bool):
        return False
    if lo is not None and value < lo:
        return False
    if hi is not None and value > hi:
        return False
    return True


def holds(condition, findings: Mapping[str, object]) -> bool:
    """Whether ``condition`` (or ``None``: always) holds for the presentation ``findings``."""
    if condition is None:
        return True
    if not all(term_holds(t, findings) for t in condition.all_of):
        return False
    if condition.any_of:
        need = getattr(condition, "min_any", 1)
        if sum(1 for t in condition.any_of if term_holds(t, findings)) < need:
            return False
    return not any(term_holds(t, findings) for t in condition.none_of)


def matched(condition, findings: Mapping[str, object]) -> tuple[str, ...]:
    """The finding ids of the ``all_of`` and ``any_of`` terms that hold (what made the condition true),
    in the condition's order, without repeats. Empty when the condition does not hold."""
    if condition is None or not holds(condition, findings):
        return ()
    out = [(_parts(t)[0]) for t in (*condition.all_of, *condition.any_of) if term_holds(t, findings)]
    return tuple(dict.fromkeys(out))


def finding_ids(condition) -> tuple[str, ...]:
    """Every finding id a condition mentions (in order, without repeats)."""
    if condition is None:
        return ()
    return tuple(dict.fromkeys(_parts(t)[0] for t in (*condition.all_of, *condition.any_of, *condition.none_of)))


def describe_term(term, course=None) -> str:
    """A term in words, using the finding's label when a course is given: ``age ≥ 65``."""
    fid, eq, lo, hi = _parts(term)
    name = fid
    if course is not None and fid in course.findings:
        name = course.findings[fid].label
    if eq is not None:
        if isinstance(eq, bool):
            return name if eq else f"not: {name}"
        return f"{name} = {eq:g}"
    if lo is not None and hi is not None:
        return f"{name} {lo:g}–{hi:g}"
    if lo is not None:
        return f"{name} ≥ {lo:g}"
    if hi is not None:
        return f"{name} ≤ {hi:g}"
    return name


def describe(condition, course=None) -> str:
    """A condition in words, e.g. ``History of cancer AND (Numbness OR Foot drop) AND NOT Getting better``."""
    if condition is None:
        return "always"
    bits = [describe_term(t, course) for t in condition.all_of]
    if condition.any_of:
        anys = [describe_term(t, course) for t in condition.any_of]
        need = getattr(condition, "min_any", 1)
        if need > 1:
            bits.append(f"at least {need} of (" + "; ".join(anys) + ")")
        else:
            bits.append(anys[0] if len(anys) == 1 else "(" + " OR ".join(anys) + ")")
    bits += ["NOT " + describe_term(t, course) for t in condition.none_of]
    return " AND ".join(bits)


def _compile_term(term) -> Callable[[Mapping], bool]:
    fid, eq, lo, hi = _parts(term)
    if eq is None and lo is None and hi is None:
        def present(f, fid=fid):
            v = f.get(fid)
            return v is not None and v is not False and v != 0
        return present
    return lambda f, term=term: term_holds(term, f)


def compile_condition(condition) -> Callable[[Mapping], bool]:
    """A fast predicate equivalent to ``lambda f: holds(condition, f)`` (for code that evaluates the same
    condition many times, such as property tests of ``recommend``)."""
    if condition is None:
        return lambda f: True
    alls = tuple(_compile_term(t) for t in condition.all_of)
    anys = tuple(_compile_term(t) for t in condition.any_of)
    nones = tuple(_compile_term(t) for t in condition.none_of)

    need = getattr(condition, "min_any", 1)

    def pred(f):
        for t in alls:
            if not t(f):
                return False
        if anys:
            if need > 1:
                if sum(1 for t in anys if t(f)) < need:
                    return False
            else:
                for t in anys:
                    if t(f):
                        break
                else:
                    return False
        for t in nones:
            if t(f):
                return False
        return True

    return pred
