"""Records for assessment and screening: findings, red flags, contraindications, special tests,
the intake conversation and triage vignettes.

A :class:`Condition` is evaluated against a presentation by :mod:`sciatica_course.conditions`
(absent findings count as false / unknown; see that module for the exact semantics).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, Optional, Union

from .core import Doc, FactId, FindingId, Id, MinLen, Range, Ref, SourceKey, SourceKeys, TechniqueId, Text

Position = Literal["prone", "side_lying", "semi_reclined", "supine"]
Urgency = Literal["emergency", "urgent", "routine"]
Latest = Literal["now", "today", "days", "weeks"]
# how soon a referral must happen when a rule does not say (``Referral.latest``): the sheet's summary (section 4)
DEFAULT_LATEST = {"emergency": "now", "urgent": "days", "routine": "weeks"}
LATEST_ORDER = ("now", "today", "days", "weeks")
Triage = Literal["emergency", "urgent", "routine", "none"]


@dataclass(frozen=True)
class Finding:
    """One entry of the findings vocabulary: a key of the dict passed to ``recommend``."""

    id: Id
    label: Text
    question: Annotated[str, MinLen(1), Doc("What the therapist asks, in words a client understands.")]
    group: Literal["red_flag", "course", "caution"]
    type: Literal["bool", "int", "float"]
    sources: SourceKeys
    min: Optional[float] = None
    max: Optional[float] = None
    unit: Optional[str] = None
    zero_means: Annotated[Optional[str], Doc(
        "What 0 means in a number box, e.g. 'not pregnant'; without it 0 means 'not asked'.")] = None

    def check(self):
        if self.type == "bool" and (self.min is not None or self.max is not None):
            yield "min", "a bool finding takes no min or max"
        if self.min is not None and self.max is not None and self.min > self.max:
            yield "max", "must not be below min"


@dataclass(frozen=True)
class FindingTest:
    """A test on one finding. With no comparison given, the finding must be present (true / non-zero).
    ``equals`` compares exactly; ``at_least`` / ``at_most`` are inclusive bounds on a number."""

    finding: FindingId
    equals: Optional[Union[bool, float]] = None
    at_least: Optional[float] = None
    at_most: Optional[float] = None

    def check(self):
        if self.equals is not None and (self.at_least is not None or self.at_most is not None):
            yield "equals", "use either equals or at_least/at_most, not both"
        if self.at_least is not None and self.at_most is not None and self.at_least > self.at_most:
            yield "at_most", "must not be below at_least"


Term = Union[FindingId, FindingTest]


@dataclass(frozen=True)
class Condition:
    """Holds when every ``all_of`` term holds, at least ``min_any`` (default one) of the ``any_of`` terms
    (if any are listed) hold, and no ``none_of`` term holds. A bare finding id means "present".
    ``min_any`` above one expresses a cluster: individually weak flags that count only together."""

    all_of: tuple[Term, ...] = ()
    any_of: tuple[Term, ...] = ()
    none_of: tuple[Term, ...] = ()
    min_any: Annotated[int, Doc("How many any_of terms must hold (a cluster of weak flags); default 1.")] = 1

    def check(self):
        if not (self.all_of or self.any_of):
            yield "", "a condition needs all_of or any_of"
        if self.min_any < 1:
            yield "min_any", "must be at least 1"
        elif self.min_any > 1 and self.min_any > len(self.any_of):
            yield "min_any", f"asks for {self.min_any} of only {len(self.any_of)} any_of terms"


@dataclass(frozen=True)
class Referral:
    where: Text
    timeframe: Text
    say: Annotated[str, MinLen(1), Doc("What the therapist says to the client.")]
    do: Annotated[str, MinLen(1), Doc("What the therapist does now.")]
    ambulance: Annotated[bool, Doc("The transport is an ambulance (999 / 112 / 911): the client must not be driven "
                                   "or make their own way (e.g. a suspected leaking aortic aneurysm, RF-07a). The "
                                   "case grading check reads it.")] = False
    latest: Annotated[Optional[Latest], Doc(
        "The latest the client should be seen: now (within hours), today (the same day), days (within a few days), "
        "weeks (a routine appointment). Among referrals of one urgency the soonest leads (then the most specific "
        "rule). Omitted: now for an emergency, days for urgent, weeks for routine. It must agree with timeframe.")] = None


@dataclass(frozen=True)
class RedFlagRule:
    id: Id
    when: Condition
    urgency: Urgency
    explanation: Text
    referral: Referral
    sources: SourceKeys
    fact_ids: Annotated[tuple[FactId, ...], Doc("The facts of clinical_facts.md this rule encodes.")] = ()
    condition: Annotated[Optional[Text], Doc(
        "The label this rule's referral and reason carry, when the flag's condition does not fit it (a knock to "
        "the head without a blood thinner under 'A fall or knock while on blood thinners'); default: the flag's.")] = None

    def check(self):
        latest = self.referral.latest
        allowed = {"emergency": ("now",), "urgent": ("today", "days"), "routine": ("days", "weeks")}[self.urgency]
        if latest is not None and latest not in allowed:
            yield "referral.latest", f"an {self.urgency} referral is seen {' or '.join(allowed)}, not {latest!r}"


@dataclass(frozen=True)
class RedFlag:
    id: Id
    condition: Text
    description: Text
    screening_questions: tuple[Text, ...]
    rules: Annotated[tuple[RedFlagRule, ...], MinLen(1)]
    sources: SourceKeys
    why_ask: Optional[Text] = None
    fact_ids: tuple[FactId, ...] = ()


@dataclass(frozen=True)
class ReferralRoute:
    """Where a referral goes for a particular population (clinical_facts.md RF-10, RF-04a, RF-02a): when
    ``when`` holds, every referral whose urgency is in ``urgencies`` (and whose rule is not in
    ``except_rules``; with ``only_rules``, only those) gets ``where`` / ``timeframe`` / ``latest`` in place of its
    own and ``say`` / ``do`` added to its own - or, with ``replaces_words``, in place of its own (one destination in
    the words as in the line). Routes are applied in file order, so a later route's ``where`` wins."""

    id: Id
    population: Text
    when: Condition
    urgencies: Annotated[tuple[Literal["emergency", "urgent", "routine"], ...], MinLen(1)]
    why: Annotated[str, MinLen(1), Doc("Why this population goes elsewhere (shown with the referral's reasons).")]
    sources: SourceKeys
    fact_ids: tuple[FactId, ...] = ()
    where: Optional[Text] = None
    timeframe: Optional[Text] = None
    say: Optional[Annotated[str, MinLen(1), Doc("Added to what the therapist says.")]] = None
    do: Optional[Annotated[str, MinLen(1), Doc("Added to what the therapist does.")]] = None
    except_rules: Annotated[tuple[Id, ...], Doc("Red-flag rule ids whose own referral already fits this population.")] = ()
    only_rules: Annotated[tuple[Id, ...], Doc(
        "If given, the route applies only to these red-flag rule ids (and still not to except_rules).")] = ()
    latest: Annotated[Optional[Latest], Doc("Replaces the referral's latest (with timeframe).")] = None
    replaces_words: Annotated[bool, Doc(
        "say and do REPLACE the referral's own words instead of being added to them: one destination in the "
        "words as in the destination line (e.g. maternity triage in pregnancy instead of the GP).")] = False
    with_rules: Annotated[tuple[Id, ...], Doc(
        "If given, the route holds only when one of these red-flag rules also fired (e.g. a fall in pregnancy goes "
        "to the Emergency Department with a head injury on a blood thinner: one destination).")] = ()

    def check(self):
        if self.replaces_words and not (self.say and self.do and self.where):
            yield "replaces_words", "a route that replaces the words gives where, say and do"
        if not (self.where or self.timeframe or self.say or self.do):
            yield "", "a route must change where, timeframe, say or do"


@dataclass(frozen=True)
class ProseOnlyFact:
    """A fact of clinical_facts.md's red-flag, contraindication or review sections that is deliberately taught in
    prose only (no rule and no vignette), with the reason. ``sciatica-course audit`` lists these."""

    id: Id
    fact_id: FactId
    reason: Text
    sources: SourceKeys


@dataclass(frozen=True)
class Contraindication:
    """A systemic, local or caution class. ``when`` omitted: applies in every session (a standing rule).
    A systemic class makes ``treat_today`` False; ``urgency`` and ``referral`` (optional) add a referral
    when no red-flag rule already gives one."""

    id: Id
    name: Text
    category: Literal["systemic", "local", "caution"]
    action: Literal["postpone_and_refer", "avoid_area", "adapt"]
    what_to_do: Text
    why: Text
    sources: SourceKeys
    when: Optional[Condition] = None
    excluded_techniques: tuple[TechniqueId, ...] = ()
    pressure: Optional[Literal["light", "light_moderate", "moderate"]] = None
    position: Optional[Position] = None
    positions_excluded: tuple[Position, ...] = ()
    area: Optional[Text] = None
    urgency: Optional[Urgency] = None
    referral: Optional[Referral] = None
    fact_ids: tuple[FactId, ...] = ()
    excluded_self_care: Annotated[
        tuple[Annotated[str, Ref("stretches"), Doc("A stretch id of data/stretches.yaml.")], ...],
        Doc("Self-care stretches or movements not suggested while this applies (e.g. pressure on an excluded area, "
            "an excluded position); the reason shown is this record's name and why.")] = ()

    def check(self):
        if self.category == "systemic" and self.action != "postpone_and_refer":
            yield "action", "a systemic contraindication must postpone_and_refer"
        if self.position is not None and self.position in self.positions_excluded:
            yield "position", "the suggested position is also excluded"
        if (self.urgency is None) != (self.referral is None):
            yield "referral", "give urgency and referral together"


@dataclass(frozen=True)
class Accuracy:
    study: SourceKey
    population: Text
    setting: Literal["surgical", "primary_care", "specialist", "mixed"]
    reference_standard: Text
    sensitivity: Annotated[float, Range(0, 1)]
    specificity: Optional[Annotated[float, Range(0, 1)]] = None
    n: Optional[int] = None
    note: Optional[Text] = None


@dataclass(frozen=True)
class SpecialTest:
    id: Id
    name: Text
    purpose: Text
    procedure: Text
    positive: Text
    accuracy: tuple[Accuracy, ...]
    caveat: Text
    sources: SourceKeys
    scope_note: Optional[Text] = None
    fact_ids: tuple[str, ...] = ()


# ---- presentations given as data (intake answers, vignettes) ----------------------------------------
@dataclass(frozen=True)
class FindingEntry:
    """One finding of a presentation: ``{finding: fever, value: true}``."""

    finding: FindingId
    value: Union[bool, float]


@dataclass(frozen=True)
class IntakeQuestion:
    id: Id
    topic: Literal["opening", "onset", "distribution", "aggravating", "easing", "sitting_walking",
                   "pattern_24h", "history", "medication", "red_flags", "general_health", "goals"]
    ask: Annotated[str, MinLen(1), Doc("The question as the therapist asks it.")]
    answer: Annotated[str, MinLen(1), Doc("What this client answers.")]
    changes: Annotated[str, MinLen(1), Doc("What the answer changes in the therapist's reasoning.")]
    sources: SourceKeys
    findings: tuple[FindingEntry, ...] = ()
    essential: bool = False
    urgency: Annotated[Optional[Urgency], Doc(
        "The urgency this answer leads to on its own (recommend on its findings alone), when its text states one; "
        "a test compares it with recommend, and any higher urgency the text names must be conditional (if ...).")] = None


@dataclass(frozen=True)
class IntakeClient:
    """A client for the intake-conversation widget: the questions a student may ask and the answers."""

    id: Id
    name: Text
    opening: Annotated[str, MinLen(1), Doc("What the client says when they arrive.")]
    questions: Annotated[tuple[IntakeQuestion, ...], MinLen(3)]
    summary: Annotated[str, MinLen(1), Doc("The tutor's summary once the conversation is over.")]
    sources: SourceKeys

    def check(self):
        seen = set()
        for i, q in enumerate(self.questions):
            if q.id in seen:
                yield f"questions[{i}].id", f"duplicate question id {q.id!r}"
            seen.add(q.id)


@dataclass(frozen=True)
class TriageFeedback:
    answer: Triage
    text: Text


@dataclass(frozen=True)
class Vignette:
    """A short triage vignette: the story, its findings and the urgency the reasoning must give
    (a course check runs the screening on ``findings`` and compares with ``expected``)."""

    id: Id
    title: Text
    story: Text
    findings: tuple[FindingEntry, ...]
    expected: Triage
    explanation: Text
    feedback: Annotated[tuple[TriageFeedback, ...], Doc("One explained reply for each of the four answers.")]
    sources: SourceKeys
    teaching_point: Optional[Text] = None
    fact_ids: Annotated[tuple[FactId, ...], Doc("Facts this vignette exercises beyond those of the rules that fire "
                                                 "(the audit adds those automatically).")] = ()

    def check(self):
        answers = [f.answer for f in self.feedback]
        for a in ("emergency", "urgent", "routine", "none"):
            if a not in answers:
                yield "feedback", f"needs feedback for the answer {a!r}"
        if len(set(answers)) != len(answers):
            yield "feedback", "one feedback per answer"


def check_screening_data(course):
    """Whole-course checks for the screening data (registered with the vignettes collection):

    - comparisons in conditions fit the finding's type and range;
    - red-flag findings are never used in ``none_of``, with ``at_most`` or as ``equals: false`` in a red-flag
      rule or a contraindication, so adding a red-flag finding can never lower urgency or remove a caution;
    - caution findings are never used in ``none_of`` of a contraindication (adding a caution never lifts one);
    - presentations in intake and vignettes are valid, and every vignette's expected urgency is the
      urgency the screening gives.
    """
    findings = course.findings

    def term_problems(term, where):
        fid = term if isinstance(term, str) else term.finding
        spec = findings.get(fid)
        if spec is None or isinstance(term, str):
            return
        if term.equals is not None:
            if spec.type == "bool" and not isinstance(term.equals, bool):
                yield where, f"{fid} is true/false: equals must be true or false"
            if spec.type != "bool" and isinstance(term.equals, bool):
                yield where, f"{fid} is a number: equals must be a number"
        for name in ("at_least", "at_most"):
            v = getattr(term, name)
            if v is None:
                continue
            if spec.type == "bool":
                yield where, f"{fid} is true/false: use equals, not {name}"
            elif (spec.min is not None and v < spec.min) or (spec.max is not None and v > spec.max):
                yield where, f"{name} {v:g} is outside the range of {fid}"

    def monotone_problems(cond, where, guarded):
        for i, term in enumerate(cond.none_of):
            fid = term if isinstance(term, str) else term.finding
            spec = findings.get(fid)
            if spec is not None and spec.group in guarded:
                yield (f"{where}.none_of[{i}]",
                       f"{fid} is a {spec.group} finding: it must not appear in none_of (adding it would lower "
                       "the safety response)")
        for part in ("all_of", "any_of"):
            for i, term in enumerate(getattr(cond, part)):
                if isinstance(term, str):
                    continue
                spec = findings.get(term.finding)
                if spec is None or spec.group not in guarded:
                    continue
                if term.at_most is not None or term.equals is False:
                    yield (f"{where}.{part}[{i}]",
                           f"{term.finding} is a {spec.group} finding: test its presence or a lower bound only")

    def cond_problems(cond, where, guarded):
        for part in ("all_of", "any_of", "none_of"):
            for i, term in enumerate(getattr(cond, part)):
                yield from term_problems(term, f"{where}.{part}[{i}]")
        yield from monotone_problems(cond, where, guarded)

    for rf in course.red_flags:
        for j, rule in enumerate(rf.rules):
            for path, msg in cond_problems(rule.when, f"rules[{j}].when", ("red_flag",)):
                yield "red_flags", rf.id, path, msg
    for ci in course.contraindications:
        if ci.when is not None:
            for path, msg in cond_problems(ci.when, "when", ("red_flag", "caution")):
                yield "contraindications", ci.id, path, msg

    from ..reasoning.findings import PresentationError, findings_dict

    for client in course.intake:
        for i, q in enumerate(client.questions):
            try:
                findings_dict(q.findings, course)
            except PresentationError as e:
                yield "intake", client.id, f"questions[{i}].findings", str(e)
    for v in course.vignettes:
        try:
            f = findings_dict(v.findings, course)
        except PresentationError as e:
            yield "vignettes", v.id, "findings", str(e)
            continue
        from ..reasoning.screening import screen

        try:
            got = screen(f, course).urgency
        except Exception as e:  # a broken rule set must be reported, not crash the loader
            yield "vignettes", v.id, "expected", f"the screening failed: {type(e).__name__}: {e}"
            continue
        if got != v.expected:
            yield "vignettes", v.id, "expected", f"the screening gives {got!r}, not {v.expected!r}"
