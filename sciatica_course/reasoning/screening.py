"""The screening half of ``recommend``: red flags and systemic contraindications.

``screen(findings, course) -> ScreenResult`` decides the urgency of referral, whether it is safe to
treat today, the reasons (each with its sources) and the referrals (most urgent first). Every rule comes
from ``data/red_flags.yaml`` and ``data/contraindications.yaml``; nothing clinical is written here, so an
instructor can adapt the rules to a local referral pathway and re-validate.

The decision, for a validated presentation ``findings``:

1. every red-flag rule whose condition holds fires; the urgency is the highest urgency of the fired
   rules (``none`` when no rule fires);
2. every contraindication whose condition holds applies; a **systemic** one means no treatment today, and
   one with its own ``urgency`` and ``referral`` adds that referral (and raises the urgency to at least it);
3. ``treat_today`` is False when the urgency is ``emergency`` or ``urgent``, or when a systemic
   contraindication applies;
4. every referral is routed for the client's population (``data/referral_routes.yaml``: pregnancy goes to
   maternity triage, chemotherapy to the 24-hour oncology line, foot drop adds "do not drive"). A route
   changes where a referral goes and what is said, never its urgency;
5. referrals are ordered by urgency, then one that itself stops treatment today (a systemic contraindication's
   own referral before a routine flag that would let treatment go ahead), then how soon (``latest``: now, today,
   days, weeks - so "the same day" leads "within a few days"), then the most specific rule (the most findings
   matched), then file order.

Adding a red-flag finding can only make more rules fire (a course check forbids red-flag findings in
``none_of``), so it never lowers urgency.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from ..conditions import compile_condition, matched
from . import URGENCY_ORDER

URGENCY_RANK = {u: i for i, u in enumerate(URGENCY_ORDER)}
LATEST_RANK = {"now": 0, "today": 1, "days": 2, "weeks": 3}
NOT_TODAY = frozenset({"emergency", "urgent"})


@dataclass(frozen=True)
class ScreenResult:
    """What the screening decided. ``reasons`` and ``referrals`` use the types of
    :mod:`sciatica_course.reasoning` (Reason, Referral); ``referrals`` are most urgent first."""

    urgency: str
    treat_today: bool
    reasons: tuple = ()
    referrals: tuple = ()
    systemic: tuple = ()            # ids of systemic contraindications that apply
    fired: tuple = ()               # ids of the red-flag rules that fired, most urgent first
    contraindications: tuple = ()   # ids of every contraindication that applies (systemic, local, caution)

    @property
    def referral(self):
        """The most urgent referral, or None."""
        return self.referrals[0] if self.referrals else None


@dataclass(frozen=True)
class _Rule:
    flag: object
    rule: object
    rank: int
    order: int
    pred: object


@dataclass(frozen=True)
class _Compiled:
    rules: tuple
    contraindications: tuple       # (record, predicate)
    routes: tuple = ()             # (record, predicate)


_CACHE: dict = {}


def _compiled(course) -> _Compiled:
    hit = _CACHE.get(id(course))
    if hit is not None and hit[0] is course:
        return hit[1]
    rules = []
    for rf in course.red_flags:
        for rule in rf.rules:
            rules.append(_Rule(rf, rule, URGENCY_RANK[rule.urgency], len(rules), compile_condition(rule.when)))
    cis = tuple((ci, compile_condition(ci.when)) for ci in course.contraindications)
    routes = tuple((r, compile_condition(r.when)) for r in getattr(course, "referral_routes", ()))
    comp = _Compiled(tuple(rules), cis, routes)
    if len(_CACHE) >= 8:
        _CACHE.clear()
    _CACHE[id(course)] = (course, comp)
    return comp


def _labels(ids, course) -> str:
    return ", ".join(course.findings[i].label if i in course.findings else i for i in ids)


def screen(findings: Mapping[str, object], course) -> ScreenResult:
    """Screen a validated presentation (see the module docstring for the decision)."""
    from . import Reason, Referral

    comp = _compiled(course)
    fired = [r for r in comp.rules if r.pred(findings)]
    # most urgent first; within one urgency the soonest (now, today, days, weeks), then the most specific rule (the
    # most findings matched), then file order - the same key as the referrals below
    fired.sort(key=lambda r: (-r.rank, LATEST_RANK[_latest(r.rule.referral, r.rule.urgency)],
                              -len(matched(r.rule.when, findings)), r.order))
    rank = fired[0].rank if fired else 0
    reasons = []
    referrals = []
    specificity = {}
    for r in fired:
        rule, flag = r.rule, r.flag
        why = _labels(matched(rule.when, findings), course)
        label = rule.condition or flag.condition
        reasons.append(Reason(text=f"{label} — {rule.urgency.upper()}: {rule.explanation} "
                                   f"(Findings: {why}.)",
                              sources=tuple(rule.sources), kind="red_flag", rule=rule.id))
        ref = rule.referral
        referrals.append(Referral(where=ref.where, timeframe=ref.timeframe, say=ref.say, do=ref.do,
                                  condition=label, rule=rule.id, urgency=rule.urgency,
                                  sources=tuple(rule.sources), ambulance=bool(getattr(ref, "ambulance", False)),
                                  latest=_latest(ref, rule.urgency)))
        specificity[rule.id] = len(matched(rule.when, findings))
    applying = [ci for ci, pred in comp.contraindications if pred(findings)]
    systemic = tuple(ci.id for ci in applying if ci.category == "systemic")
    extra = []
    for ci in applying:
        if ci.category != "systemic":
            continue
        reasons.append(Reason(text=f"{ci.name} — no massage today: {ci.what_to_do} {ci.why}",
                              sources=tuple(ci.sources), kind="contraindication", rule=ci.id))
        if ci.referral is not None and ci.urgency is not None:
            ref = ci.referral
            extra.append((URGENCY_RANK[ci.urgency],
                          Referral(where=ref.where, timeframe=ref.timeframe, say=ref.say, do=ref.do,
                                   condition=ci.name, rule=ci.id, urgency=ci.urgency,
                                   sources=tuple(ci.sources), latest=_latest(ref, ci.urgency))))
            specificity[ci.id] = len(matched(ci.when, findings))
    if extra:
        rank = max(rank, max(x[0] for x in extra))
        referrals = referrals + [x[1] for x in extra]
    order = {ref.rule: i for i, ref in enumerate(referrals)}
    own = {ref.rule: LATEST_RANK.get(ref.latest, 9) for ref in referrals}
    referrals = _route(referrals, findings, comp)
    # sorted AFTER routing (a route may change how soon: e.g. maternity triage today in pregnancy); a stable key:
    # urgency, then one whose own record stops treatment today (a systemic contraindication's "do not treat today"
    # leads a routine flag's "treatment may go ahead", whose words would contradict the decision), then the soonest,
    # then the rule that itself asks for the soonest (a cancer history's same day before a cluster's few days, both
    # routed to "today"), then the most specific, then the order above
    stops = set(ci.id for ci in applying if ci.category == "systemic")
    referrals.sort(key=lambda ref: (-URGENCY_RANK[ref.urgency], ref.urgency not in NOT_TODAY and ref.rule not in stops,
                                    LATEST_RANK.get(ref.latest, 9), own[ref.rule],
                                    -specificity.get(ref.rule, 0), order[ref.rule]))
    urgency = next(k for k, v in URGENCY_RANK.items() if v == rank)
    treat_today = urgency not in NOT_TODAY and not systemic
    return ScreenResult(urgency=urgency, treat_today=treat_today, reasons=tuple(reasons),
                        referrals=tuple(referrals), systemic=systemic,
                        fired=tuple(r.rule.id for r in fired),
                        contraindications=tuple(ci.id for ci in applying))


def _route(referrals, findings, comp) -> list:
    """Apply the population routes that hold to each referral (where / timeframe replaced, say / do added)."""
    from dataclasses import replace

    fired = {ref.rule for ref in referrals}
    holding = [r for r, pred in comp.routes
               if pred(findings) and (not r.with_rules or fired.intersection(r.with_rules))]
    if not holding:
        return list(referrals)
    out = []
    for ref in referrals:
        for route in holding:
            if ref.urgency not in route.urgencies or ref.rule in route.except_rules:
                continue
            if route.only_rules and ref.rule not in route.only_rules:
                continue
            if route.replaces_words:   # one destination: the route's words replace the rule's (which name another)
                say, do = route.say, route.do
            else:
                say = f"{ref.say} {route.say}" if route.say else ref.say
                do = f"{ref.do} {route.do}" if route.do else ref.do
            ref = replace(
                ref,
                where=route.where or ref.where,
                timeframe=route.timeframe or ref.timeframe,
                latest=route.latest or ref.latest,
                say=say, do=do,
                sources=tuple(dict.fromkeys(ref.sources + tuple(route.sources))),
                routes=ref.routes + (route.id,))
        out.append(ref)
    return out


def _latest(referral, urgency: str) -> str:
    """How soon a referral must happen: its own ``latest`` or the default for its urgency."""
    from ..model.screening import DEFAULT_LATEST

    return getattr(referral, "latest", None) or DEFAULT_LATEST[urgency]


def rules_in_force(course) -> list[dict]:
    """Every red-flag rule as a plain dict (condition, rule id, urgency, when in words, referral, sources),
    in file order: for tables, the lesson and the report of the rules in force."""
    from ..conditions import student_describe as describe

    out = []
    for rf in course.red_flags:
        for rule in rf.rules:
            out.append({"condition": rf.condition, "flag": rf.id, "rule": rule.id, "urgency": rule.urgency,
                        "when": describe(rule.when, course), "where": rule.referral.where,
                        "timeframe": rule.referral.timeframe, "sources": tuple(rule.sources)})
    return out
