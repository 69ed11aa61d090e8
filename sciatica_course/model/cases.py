"""Records for case scenarios (one YAML file per case in ``data/cases/``).

A case is a client's story, the full presentation in the findings vocabulary (``findings``), the answers
an expert gives (``expected``) and a graph of steps the student walks through:

- ``intake``: the student picks which questions to ask (several at once); each reveals the client's answer;
- ``red_flag``: treat today or refer, and how urgently;
- ``referral``: what the therapist says and does when referring (each choice states its urgency and
  whether it treats today, like a red-flag choice, so its grading can be checked);
- ``irritability``: low, moderate or high;
- ``plan``: position, techniques and what to avoid;
- ``debrief``: an end of the case (no choices): the expert's summary.

Every choice carries feedback, a rationale with sources, points and a safety class
(``safe``, ``suboptimal``, ``unsafe``, ``critical``), and says which step comes next (or the step's
``next`` applies). A step may require intake questions to have been asked before it opens
(``requires``: a must-ask gate). :meth:`Case.check` refuses graphs with unreachable steps, paths that never
end, dangling references, and expert choices that disagree with ``expected``. The whole-course check
(:mod:`sciatica_course.casecheck`, run by the loader) compares ``expected`` and the grading of every choice
with ``recommend(findings)``; this module imports neither it nor the case engine.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, Optional, Union

from .core import Doc, FindingId, Id, LessonId, MinLen, Range, SourceKeys, TechniqueId, Text

Safety = Literal["safe", "suboptimal", "unsafe", "critical"]
UrgencyLevel = Literal["emergency", "urgent", "routine", "none"]
Level = Literal["low", "moderate", "high"]
Position = Literal["prone", "side_lying", "semi_reclined", "supine"]
StepKind = Literal["intake", "red_flag", "referral", "irritability", "plan", "debrief"]
Domain = Literal["A", "B", "C", "D", "E", "F", "G"]
SAFETY_ORDER = ("safe", "suboptimal", "unsafe", "critical")
DECISION_KINDS = ("red_flag", "referral", "irritability", "plan")


@dataclass(frozen=True)
class FindingValue:
    """One finding of the presentation: ``{finding: night_pain, value: true}``."""

    finding: FindingId
    value: Annotated[Union[bool, float], Doc("true/false for a yes/no finding, a number for a measured one.")]


@dataclass(frozen=True)
class Choice:
    id: Annotated[Id, Doc("Unique within the case (gates name intake questions by this id).")]
    text: Annotated[str, MinLen(1), Doc("What the student sees on the button.")]
    feedback: Annotated[str, MinLen(1), Doc("Shown after choosing: what happens, what was right or wrong.")]
    rationale: Annotated[str, MinLen(1), Doc("Why, in one or two sentences, with the sources below.")]
    sources: SourceKeys
    safety: Safety
    points: Annotated[float, Range(-10, 10)]
    expert: bool = False
    next: Optional[Annotated[Id, Doc("The step after this choice (else the step's next).")]] = None
    answer: Optional[Annotated[str, MinLen(1), Doc("Intake: what the client answers.")]] = None
    asks: Annotated[tuple[FindingId, ...], Doc("Intake: the findings this question screens for.")] = ()
    urgency: Optional[UrgencyLevel] = None
    treat_today: Optional[bool] = None
    irritability: Optional[Level] = None
    position: Optional[Position] = None
    techniques: tuple[TechniqueId, ...] = ()
    avoid: tuple[TechniqueId, ...] = ()
    transport: Optional[Annotated[Literal["ambulance", "own_way"], Doc(
        "How a referral choice gets the client there: 'ambulance' (999 / 112 / 911 called) or 'own_way' (driven "
        "by the therapist or a friend, a taxi, or on their own). Where the rules say an ambulance, a choice that "
        "sends the client their own way is graded unsafe at least (CASE-01, RF-07a).")]] = None


@dataclass(frozen=True)
class Step:
    id: Id
    kind: StepKind
    prompt: Annotated[str, MinLen(1), Doc("The question of the step (for a debrief step: the expert's summary).")]
    choices: tuple[Choice, ...] = ()
    multi: Annotated[bool, Doc("The student may pick several choices at once (intake questions).")] = False
    next: Optional[Id] = None
    requires: Annotated[tuple[Id, ...], Doc("Must-ask gate: intake choice ids that must have been asked "
                                            "before this step opens.")] = ()
    gate_message: Optional[Text] = None
    gate_penalty: Annotated[float, Range(0, 10)] = 2.0


@dataclass(frozen=True)
class Tags:
    lesson: LessonId
    topics: Annotated[tuple[Id, ...], MinLen(1)]
    mblex_domains: Annotated[tuple[Domain, ...], MinLen(1)]


@dataclass(frozen=True)
class Expected:
    """The expert's answers; compared with ``recommend(findings)`` by the course check."""

    urgency: UrgencyLevel
    treat_today: bool
    irritability: Optional[Level] = None
    position: Optional[Position] = None
    techniques: tuple[TechniqueId, ...] = ()
    avoid: tuple[TechniqueId, ...] = ()


@dataclass(frozen=True)
class Case:
    id: Id
    title: Text
    client: Annotated[str, MinLen(1), Doc("Who the client is, in a line: 'Maya, 34, runs 40 km a week'.")]
    summary: Annotated[str, MinLen(1), Doc("One line for the case chooser (no spoilers).")]
    story: Annotated[str, MinLen(1), Doc("What the client tells you when they arrive.")]
    findings: Annotated[tuple[FindingValue, ...], Doc("The full presentation in the findings vocabulary; "
                                                      "anything not listed is absent or normal.")]
    expected: Expected
    tags: Tags
    start: Id
    steps: Annotated[tuple[Step, ...], MinLen(2)]
    sources: SourceKeys
    difficulty: Literal["introductory", "intermediate", "advanced"] = "intermediate"
    sex: Optional[Literal["female", "male"]] = None

    # ---- helpers used by the engine -------------------------------------------------------
    @property
    def step_map(self) -> dict:
        return {s.id: s for s in self.steps}

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(f"case {self.id!r} has no step {step_id!r}")

    def choice(self, choice_id: str) -> Choice:
        for s in self.steps:
            for c in s.choices:
                if c.id == choice_id:
                    return c
        raise KeyError(f"case {self.id!r} has no choice {choice_id!r}")

    def findings_dict(self) -> dict:
        out = {}
        for fv in self.findings:
            v = fv.value
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            out[fv.finding] = v
        return out

    def expert_path(self) -> list:
        """[(step, expert choices)] from the start to a debrief, following the expert's choices."""
        steps = self.step_map
        out, seen, sid = [], set(), self.start
        while sid in steps and sid not in seen:
            seen.add(sid)
            step = steps[sid]
            chosen = tuple(c for c in step.choices if c.expert)
            out.append((step, chosen))
            if step.kind == "debrief" or not chosen:
                break
            sid = next_step_id(step, chosen)
        return out

    # ---- validation (the loader reports each message with file:line) -----------------------
    def check(self):
        yield from _check_case(self)


def next_step_id(step: Step, chosen) -> Optional[str]:
    """Where a step leads after these choices: the first chosen choice with a ``next``, else the step's."""
    for c in chosen:
        if c.next:
            return c.next
    return step.next


def _check_case(case: Case):
    steps = {}
    for i, s in enumerate(case.steps):
        if s.id in steps:
            yield f"steps[{i}].id", f"duplicate step id {s.id!r}"
        steps[s.id] = s
    choice_at: dict = {}
    for i, s in enumerate(case.steps):
        for j, c in enumerate(s.choices):
            if c.id in choice_at:
                yield f"steps[{i}].choices[{j}].id", f"duplicate choice id {c.id!r} (choice ids are unique in a case)"
            choice_at[c.id] = (i, j, s)
    seen_f = set()
    for i, fv in enumerate(case.findings):
        if fv.finding in seen_f:
            yield f"findings[{i}].finding", f"finding {fv.finding!r} is listed twice"
        seen_f.add(fv.finding)
    if case.start not in steps:
        yield "start", f"{case.start!r} is not a step id of this case (steps: {', '.join(steps)})"
    for i, s in enumerate(case.steps):
        here = f"steps[{i}]"
        if s.kind == "debrief":
            if s.choices:
                yield f"{here}.choices", "a debrief step ends the case: it has no choices"
            if s.next:
                yield f"{here}.next", "a debrief step ends the case: it has no next step"
            if s.requires:
                yield f"{here}.requires", "a debrief step cannot be gated"
            continue
        if not s.choices:
            yield f"{here}.choices", f"a {s.kind} step needs choices (only a debrief step ends the case)"
            continue
        if s.kind == "intake" and not s.multi:
            yield f"{here}.multi", "an intake step lets the student pick several questions: set multi: true"
        if s.next is not None and s.next not in steps:
            yield f"{here}.next", f"{s.next!r} is not a step id of this case"
        experts = [c for c in s.choices if c.expert]
        if not experts:
            yield f"{here}.choices", "no choice is marked expert: true"
        elif not s.multi and len(experts) > 1:
            yield f"{here}.choices", f"{len(experts)} choices are marked expert: true in a single-choice step"
        for j, c in enumerate(s.choices):
            cp = f"{here}.choices[{j}]"
            if c.next is not None and c.next not in steps:
                yield f"{cp}.next", f"{c.next!r} is not a step id of this case"
            if c.next is None and s.next is None:
                yield f"{cp}.next", "no next step: give the choice a next, or the step a next"
            if c.expert and c.safety != "safe":
                yield f"{cp}.safety", f"an expert choice must be safe (it is {c.safety})"
            if c.safety in ("unsafe", "critical") and c.points > 0:
                yield f"{cp}.points", f"an {c.safety} choice cannot earn points (it has {c.points:g})"
            if s.kind == "intake" and not c.answer:
                yield f"{cp}.answer", "an intake question needs the client's answer"
            if s.kind != "intake" and (c.answer or c.asks):
                yield f"{cp}.answer", "answer and asks belong to intake questions only"
            if s.kind in ("red_flag", "referral") and (c.urgency is None or c.treat_today is None):
                yield f"{cp}.urgency", (f"a {s.kind.replace('_', '-')} choice says its urgency and treat_today "
                                        "(the grading check compares them with the course's rules)")
            if s.kind == "irritability" and c.irritability is None:
                yield f"{cp}.irritability", "an irritability choice says its level (low, moderate, high)"
            if s.kind == "plan" and not c.techniques and c.position is None:
                yield f"{cp}.techniques", "a plan choice names its techniques and/or position"
            overlap = set(c.techniques) & set(c.avoid)
            if overlap:
                yield f"{cp}.avoid", f"{', '.join(sorted(overlap))} is both used and avoided"
        for k, rid in enumerate(s.requires):
            if rid not in choice_at:
                yield f"{here}.requires[{k}]", f"{rid!r} is not a choice id of this case"
            elif choice_at[rid][2].kind != "intake":
                yield f"{here}.requires[{k}]", f"{rid!r} is not an intake question (gates name intake questions)"
    if case.start not in steps:
        return
    # reachability and termination over the static graph (gates only send the student back)
    edges = {sid: set() for sid in steps}
    for s in case.steps:
        for c in s.choices:
            t = c.next or s.next
            if t in steps:
                edges[s.id].add(t)
    reach, stack = set(), [case.start]
    while stack:
        sid = stack.pop()
        if sid in reach:
            continue
        reach.add(sid)
        stack.extend(edges[sid])
    for i, s in enumerate(case.steps):
        if s.id not in reach:
            yield f"steps[{i}].id", f"step {s.id!r} cannot be reached from the start ({case.start!r})"
    # every path ends: no cycle, and every non-debrief step leads somewhere
    state: dict = {}

    def cycle_from(sid, trail):
        state[sid] = 1
        for t in sorted(edges[sid]):
            if state.get(t) == 1:
                return trail + [sid, t]
            if t not in state:
                found = cycle_from(t, trail + [sid])
                if found:
                    return found
        state[sid] = 2
        return None

    loop = cycle_from(case.start, [])
    if loop:
        first, closing = loop[-1], loop[-2]
        idx = [s.id for s in case.steps].index(closing)
        yield f"steps[{idx}].id", ("a path never ends: " + " -> ".join(loop[loop.index(first):])
                                   + f" (step {closing!r} leads back to {first!r})")
    if not any(s.kind == "debrief" for s in case.steps):
        yield "steps", "no debrief step: every path must end in a debrief"
    # the expert path: gates satisfied, answers agree with expected
    path = case.expert_path()
    if not path or path[-1][0].kind != "debrief":
        yield "steps", "the expert path does not reach a debrief step"
    asked: set = set()
    e = case.expected
    for step, chosen in path:
        idx = [s.id for s in case.steps].index(step.id)
        missing = [r for r in step.requires if r not in asked]
        if missing:
            yield f"steps[{idx}].requires", ("the expert path reaches this step without asking "
                                             + ", ".join(missing) + " (mark those questions expert: true)")
        if step.kind == "intake":
            asked.update(c.id for c in chosen)
        for c in chosen:
            j = step.choices.index(c)
            cp = f"steps[{idx}].choices[{j}]"
            if step.kind == "red_flag":
                if c.urgency != e.urgency:
                    yield f"{cp}.urgency", f"the expert choice says urgency {c.urgency!r}; expected says {e.urgency!r}"
                if c.treat_today != e.treat_today:
                    yield f"{cp}.treat_today", (f"the expert choice says treat_today {c.treat_today}; "
                                                f"expected says {e.treat_today}")
            if step.kind == "irritability" and c.irritability != e.irritability:
                yield f"{cp}.irritability", (f"the expert choice says {c.irritability!r}; expected says "
                                             f"{e.irritability!r}")
            if step.kind == "plan":
                if c.techniques and set(c.techniques) != set(e.techniques):
                    yield f"{cp}.techniques", ("the expert plan's techniques differ from expected.techniques ("
                                               + ", ".join(e.techniques) + ")")
                if c.position and e.position and c.position != e.position:
                    yield f"{cp}.position", f"the expert plan says {c.position!r}; expected says {e.position!r}"
    if not e.treat_today and (e.irritability or e.techniques):
        yield "expected.irritability", "a client who is not treated today has no irritability plan or techniques"
    if e.urgency in ("emergency", "urgent") and e.treat_today:
        yield "expected.treat_today", f"urgency {e.urgency} means no treatment today"
    overlap = set(e.techniques) & set(e.avoid)
    if overlap:
        yield "expected.avoid", f"{', '.join(sorted(overlap))} is both expected and avoided"


__all__ = ["Case", "Step", "Choice", "FindingValue", "Tags", "Expected", "SAFETY_ORDER", "DECISION_KINDS",
           "next_step_id"]
