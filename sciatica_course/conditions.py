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

__all__ = ["holds", "term_holds", "matched", "finding_ids", "describe", "describe_term", "compile_condition",
           "student_term", "student_describe"]


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


# ---- student mode: plain English, no operators -------------------------------------------------------
# How a number test on a finding reads in a sentence: (at least n, at most n). "{n}" is the number.
_NUMBER_PHRASES = {
    "age": ("aged {n} or over", "aged {n} or under"),
    "pain_score": ("pain {n} or more out of 10", "pain {n} or less out of 10"),
    "settle_time_minutes": ("taking {n} minutes or more to settle after a flare",
                            "settling within {n} minutes after a flare"),
    "weeks_since_onset": ("{n} weeks or more since it started", "{n} weeks or less since it started"),
    "pregnancy_weeks": ("{n} weeks pregnant or more", "{n} weeks pregnant or less"),
}
_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}


def _lower_first(label: str) -> str:
    """``Known osteoporosis`` -> ``known osteoporosis``; an acronym (``DVT signs``) keeps its capitals."""
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first[:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def _plain_number(x) -> str:
    return f"{x:g}"


def student_term(term, course=None) -> str:
    """One term as a student reads it: ``aged 50 or over``, ``pain 7 or more out of 10``, ``pregnant``,
    ``not getting better`` - never an operator or a finding id (the label stands in when no course is given)."""
    fid, eq, lo, hi = _parts(term)
    f = course.findings[fid] if course is not None and fid in course.findings else None
    name = _lower_first(f.label) if f is not None else fid.replace("_", " ")
    unit = (f.unit if f is not None and f.unit else "")
    if eq is not None:
        if isinstance(eq, bool):
            return name if eq else f"not {name}"
        return f"{name}: {_plain_number(eq)} {unit}".rstrip()
    if lo is None and hi is None:
        if f is not None and f.type != "bool":                        # a number, present = not zero
            return "pregnant" if fid == "pregnancy_weeks" else name
        return name
    if fid == "pregnancy_weeks" and lo is not None and lo <= 1 and hi is None:
        return "pregnant"
    more, less = _NUMBER_PHRASES.get(fid, (f"{name} {{n}} {unit} or more".replace("  ", " "),
                                            f"{name} {{n}} {unit} or less".replace("  ", " ")))
    if lo is not None and hi is not None:
        return f"{name} between {_plain_number(lo)} and {_plain_number(hi)} {unit}".rstrip()
    if lo is not None:
        return more.format(n=_plain_number(lo))
    return less.format(n=_plain_number(hi))


def _series(items: list[str], joiner: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {joiner} " + items[-1]


def student_describe(condition, course=None) -> str:
    """A condition as a plain English sentence for students, e.g. ``A history of cancer, together with symptoms
    below the knee, numbness or foot drop`` or ``4 weeks or more since it started and not getting better``.
    Used by every student-facing table (red flags, irritability indicators, stop rules); :func:`describe` keeps
    the exact logic for instructors and tests."""
    if condition is None:
        return "Always"
    alls = [student_term(t, course) for t in condition.all_of]
    text = _series(alls, "and")
    if condition.any_of:
        anys = [student_term(t, course) for t in condition.any_of]
        need = getattr(condition, "min_any", 1)
        if need > 1:
            part = f"at least {_WORDS.get(need, need)} of these: " + _series(anys, "and")
        else:
            part = _series(anys, "or")
        text = f"{text}, together with {part}" if text else part
    nots = [student_term(t, course) for t in condition.none_of]
    if nots:
        neg = "not " + _series(nots, "or")
        text = f"{text} and {neg}" if text else neg
    return text[:1].upper() + text[1:]


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
