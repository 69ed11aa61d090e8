"""Whole-course checks of the cases against the course's own rules (run by ``load_course`` and
``sciatica-course validate``).

Two checks, both comparing a case with ``recommend(case findings)``:

- **agreement**: the expert's answers (``expected``) are what the rules give: urgency, treat today,
  irritability, and no expert technique among those the rules avoid today;
- **grading** (the evidence sheet's grading table, CASE-01): every choice's safety class fits what the
  choice risks for the client, judged from its ``urgency``, ``treat_today`` and ``techniques``:

  ========================================================================  =====================
  the choice ...                                                            its safety class
  ========================================================================  =====================
  treats today when the rules say urgent or emergency (or a systemic        critical
  contraindication applies)
  refers slower than an emergency when the rules say emergency              critical
  sends the client by car when the rule says call an ambulance (RF-07a)     unsafe at least
  uses a technique that an applicable contraindication or caution excludes  critical
  (or a lying position one excludes, e.g. flat supine late in pregnancy)
  makes no referral at all, without treating, when the rules say urgent     critical
  refers routinely, without treating, when the rules say urgent             unsafe at least
  uses a technique the irritability level excludes                          unsafe at least
  treats without the routine review the rules call for                      suboptimal at least
  refers at the required urgency or above and treats only when the rules    safe or suboptimal
  allow it                                                                  (never unsafe or
                                                                            critical)
  ========================================================================  =====================

A case that breaks either is refused with ``file:line: field: message``. The model
(:mod:`sciatica_course.model.cases`) checks one case on its own; this module needs the whole course and
the reasoning, so the loader runs it after every record has loaded. Nothing here imports the case engine
(:mod:`sciatica_course.cases`) and the model does not import this module: there is no import circle.
"""
from __future__ import annotations

from typing import Optional

from .model.cases import SAFETY_ORDER

URGENCY_ORDER = ("none", "routine", "urgent", "emergency")
NOT_TODAY = ("urgent", "emergency")
SCORED_KINDS = ("red_flag", "referral", "plan")


# ---------------------------------------------------------------------------------------------
def _why(rec, kind) -> str:
    rules = [r.rule for r in rec.reasons if r.kind == kind and r.rule]
    return f" (rules: {', '.join(dict.fromkeys(rules))})" if rules else " (no rule fired)"


def _screening_live(recs) -> bool:
    """False while the screening half of recommend is a placeholder (no case gets any reason or referral)."""
    return any(r.referrals or r.urgency != "none" or not r.treat_today
               or any(getattr(x, "kind", "") in ("red_flag", "contraindication") for x in r.reasons)
               for r in recs)


def agreement_report(course) -> list:
    """For every case: what was compared with ``recommend`` and what disagreed or was skipped.

    Returns a list of dicts ``{case, problems: [(field_path, message)], skipped: [why], rec}``.
    Comparisons are skipped (and said so) while a half of the reasoning is still a placeholder:
    urgency, treat_today and the grading of choices while no case's recommendation gives any reason or
    referral at all; irritability while recommend returns irritability None for a client it treats today."""
    from . import reasoning
    from .reasoning import PresentationError
    from .reasoning.findings import validate_findings

    results = []
    for case in course.cases:
        entry = {"case": case.id, "problems": [], "skipped": [], "rec": None}
        results.append(entry)
        f = case.findings_dict()
        try:
            validate_findings(f, course)
        except PresentationError as e:
            idx = next((i for i, fv in enumerate(case.findings) if fv.finding == e.key), None)
            where = f"findings[{idx}].value" if idx is not None else "findings"
            entry["problems"].append((where, f"not a valid presentation for recommend: {e}"))
            continue
        except Exception as e:  # the reasoning is being written: never fail the whole course for it
            entry["skipped"].append(f"findings could not be checked ({type(e).__name__}: {e})")
            continue
        try:
            entry["rec"] = reasoning.recommend(f, course=course)
        except PresentationError as e:
            entry["problems"].append(("findings", f"recommend refused the findings: {e}"))
        except Exception as e:
            entry["skipped"].append(f"recommend failed ({type(e).__name__}: {e}); not compared")
    live = _screening_live([e["rec"] for e in results if e["rec"] is not None])
    for case, entry in zip(course.cases, results):
        rec = entry["rec"]
        if rec is None:
            continue
        exp = case.expected
        if not live:
            entry["skipped"].append("urgency and treat_today not compared, choices not graded: the screening half "
                                    "of recommend gives no reasons or referrals for any case yet (a placeholder)")
        else:
            if rec.urgency != exp.urgency:
                entry["problems"].append(("expected.urgency", (
                    f"recommend(findings) gives urgency {rec.urgency!r} but the case expects {exp.urgency!r}"
                    + _why(rec, "red_flag") + "; a case must agree with the course's rules (data/red_flags.yaml)")))
            if rec.treat_today != exp.treat_today:
                entry["problems"].append(("expected.treat_today", (
                    f"recommend(findings) gives treat_today {rec.treat_today} but the case expects "
                    f"{exp.treat_today}" + _why(rec, "contraindication"))))
            entry["problems"].extend(grading_problems(case, rec, course))
        if exp.treat_today and rec.treat_today:
            if rec.irritability is None:
                entry["skipped"].append("irritability not compared: recommend returns irritability None for a "
                                        "client it treats today (the treatment half is a placeholder)")
            elif rec.irritability != exp.irritability:
                ind = ", ".join(rec.irritability_indicators)
                entry["problems"].append(("expected.irritability", (
                    f"recommend(findings) rates irritability {rec.irritability!r} "
                    f"({'indicators: ' + ind if ind else 'no indicator'}) but the case expects "
                    f"{exp.irritability!r}")))
            for i, t in enumerate(exp.techniques):
                if t in rec.avoided:
                    entry["problems"].append((f"expected.techniques[{i}]", (
                        f"the expert plan uses {t!r}, which recommend(findings) avoids today: {rec.avoided[t]}")))
            if not rec.avoided and not rec.techniques and exp.techniques:
                entry["skipped"].append("techniques not compared: recommend gives no techniques and avoids none "
                                        "(the treatment half is a placeholder)")
    return results


# ---------------------------------------------------------------------------------------------
# Grading (CASE-01)
def excluded_by_contraindication(rec, course) -> dict:
    """{technique id: contraindication names} for techniques a contraindication or caution that applies to
    these findings excludes (as opposed to techniques only the irritability level rules out), and
    {"position:<position>": names} for the lying positions one excludes (CI-08a: a contraindicated position is
    graded like a contraindicated technique)."""
    from .reasoning.treatment import applicable_contraindications

    out: dict = {}
    for ci in applicable_contraindications(dict(rec.findings), course, categories=("systemic", "local", "caution")):
        for tid in ci.excluded_techniques:
            out.setdefault(tid, []).append(ci.name)
        for pos in getattr(ci, "positions_excluded", ()):
            out.setdefault(f"position:{pos}", []).append(ci.name)
    return out


def grade_bounds(choice, step_kind: str, rec, excluded: dict) -> Optional[tuple]:
    """The safety classes CASE-01 allows for a choice: ``(lowest, highest, why)`` or None when the table says
    nothing about it. ``lowest``/``highest`` are safety classes (safe < suboptimal < unsafe < critical)."""
    need_u, need_t = rec.urgency, rec.treat_today
    u = choice.urgency
    treats = bool(choice.treat_today)
    rank = URGENCY_ORDER.index
    bounds = []   # (lowest, highest, why)
    if step_kind in ("red_flag", "referral") and (u is not None or choice.treat_today is not None):
        if treats and not need_t:
            why = (f"it treats today, but the rules give urgency {need_u!r}" if need_u in NOT_TODAY
                   else "it treats today, but a contraindication rules out treatment today")
            bounds.append(("critical", "critical", why + _why(rec, "red_flag" if need_u in NOT_TODAY
                                                               else "contraindication")))
        elif need_u == "emergency" and u is not None and u != "emergency":
            bounds.append(("critical", "critical", f"it refers with urgency {u!r} where the rules give an emergency"
                           + _why(rec, "red_flag") + ": hours count"))
        elif (u == "emergency" and getattr(choice, "transport", None) == "own_way"
              and any(getattr(r, "ambulance", False) for r in rec.referrals if r.urgency == "emergency")):
            rules = ", ".join(dict.fromkeys(r.rule for r in rec.referrals if getattr(r, "ambulance", False)))
            bounds.append(("unsafe", "critical", "it sends the client to emergency care their own way (by car) "
                           f"where the rules say call an ambulance (rules: {rules}): if they collapse on the way "
                           "no one can help"))
        elif need_u == "urgent" and u == "none":
            bounds.append(("critical", "critical", "it makes no referral where the rules give 'urgent'"
                           + _why(rec, "red_flag") + " (as the quizzes grade it)"))
        elif need_u == "urgent" and u is not None and rank(u) < rank("urgent"):
            bounds.append(("unsafe", "critical", f"it refers with urgency {u!r} where the rules give 'urgent'"
                           + _why(rec, "red_flag")))
        elif u is not None and rank(u) >= rank(need_u) and (need_t or not treats):
            how = "at the required urgency" if u == need_u else f"above the required urgency ({need_u!r})"
            bounds.append(("safe", "suboptimal", f"it refers with urgency {u!r}, {how}; a referral at or above the "
                           "urgency the rules give is never unsafe or critical"))
        if need_u == "routine" and need_t and treats and u == "none":
            bounds.append(("suboptimal", "critical", "it treats without the routine review the rules call for"
                           + _why(rec, "red_flag")))
    pos = getattr(choice, "position", None)
    if pos and need_t and f"position:{pos}" in excluded:
        bounds.append(("critical", "critical", f"it uses a position a contraindication excludes today: {pos} "
                       f"({', '.join(excluded[f'position:{pos}'])})"))
    if choice.techniques and need_t:
        ci_hits = [t for t in choice.techniques if t in excluded]
        irr_hits = [t for t in choice.techniques if t in rec.avoided and t not in excluded]
        if ci_hits:
            names = "; ".join(f"{t} ({', '.join(excluded[t])})" for t in ci_hits)
            bounds.append(("critical", "critical", f"it uses a technique a contraindication excludes today: {names}"))
        elif irr_hits:
            bounds.append(("unsafe", "critical", "it uses a technique the irritability level excludes today: "
                           + ", ".join(f"{t} ({rec.irritability} irritability)" for t in irr_hits)))
    if not bounds:
        return None
    order = SAFETY_ORDER.index
    lo = max((b[0] for b in bounds), key=order)
    hi = min((b[1] for b in bounds), key=order)
    why = "; ".join(b[2] for b in bounds)
    if order(lo) > order(hi):   # two rules disagree: the more serious one wins
        hi = lo
    return lo, hi, why


def grading_problems(case, rec, course) -> list:
    """[(field_path, message)] for every choice graded outside the classes CASE-01 allows."""
    excluded = excluded_by_contraindication(rec, course) if rec.treat_today else {}
    out = []
    for i, step in enumerate(case.steps):
        if step.kind not in SCORED_KINDS:
            continue
        for j, c in enumerate(step.choices):
            b = grade_bounds(c, step.kind, rec, excluded)
            if b is None:
                continue
            lo, hi, why = b
            order = SAFETY_ORDER.index
            if order(lo) <= order(c.safety) <= order(hi):
                continue
            allowed = lo if lo == hi else f"{lo} to {hi}"
            out.append((f"steps[{i}].choices[{j}].safety",
                        f"choice {c.id!r} is graded {c.safety!r} but the grading table (CASE-01) makes it "
                        f"{allowed}: {why}"))
    return out


def graded_count(course) -> tuple[int, int]:
    """(choices whose safety class the grading table constrains, cases) - what ``validate`` reports as checked."""
    from .reasoning import recommend

    n = 0
    for case in course.cases:
        rec = recommend(case.findings_dict(), course=course)
        excluded = excluded_by_contraindication(rec, course) if rec.treat_today else {}
        n += sum(1 for s in case.steps if s.kind in SCORED_KINDS for c in s.choices
                 if grade_bounds(c, s.kind, rec, excluded) is not None)
    return n, len(course.cases)


def check_course(course):
    """Yield (collection, record_id, field_path, message) for every case that disagrees with the rules."""
    try:
        report = agreement_report(course)
    except Exception:  # never break load_course: the reasoning may be mid-way
        return
    for entry in report:
        for field_path, message in entry["problems"]:
            yield ("cases", entry["case"], field_path, message)


__all__ = ["agreement_report", "check_course", "grade_bounds", "grading_problems", "excluded_by_contraindication",
           "graded_count"]
