"""The case engine: walk a case's step graph, score each decision, and build the debrief.

Pure Python: no widgets, no figures, no printing. The case player widget
(:mod:`sciatica_course.widgets.case_player`) and the tests drive it the same way::

    from sciatica_course import cases
    s = cases.start("piriformis_runner")
    s.current.prompt                      # the step's question
    fb = s.ask(["ask_onset", "ask_saddle"])        # intake: several questions at once, in as many rounds as you like
    fb.answers                            # what the client said
    s.done_asking()                       # on to the decision (s.choose([...]) at the intake = ask + done_asking)
    fb = s.choose("no_flags_treat", confidence=3)  # a decision, with certainty 1-3
    fb.text, fb.safety, fb.points, fb.rationale, fb.sources
    s.debrief()                           # the path beside the expert's, missed red flags, what-ifs
    s.to_attempt()                        # the ATTEMPT dict for sciatica_course.progress

Scoring. Each choice carries points from the case file. Every decision step (red flag, referral,
irritability, plan) is also marked for certainty, adapted from Gardner-Medwin's certainty-based marking
(the course's curriculum sheet): a safe choice earns +1, +2 or +3 at certainty 1, 2 or 3; a wrong choice
costs 0, -2 or -6 (unsafe or critical) or 0, -1 or -3 (suboptimal). Confident and wrong costs more,
and a confident unsafe or critical choice is flagged in the debrief. With no certainty given the
decision is marked as certainty 1. The maximum is the expert path at certainty 3.

Exam mode holds the feedback (safety, points, rationale) until the debrief; the client's answers
to intake questions and the must-ask gates are shown at once (they are information, not feedback).

Must-ask gates. A step with ``requires`` is checked when the student chooses there (never while they ask): a
decision tried before the required questions is not taken, the student goes back to the intake (and returns to the
same step when done asking), and the gate's penalty is counted once per gate.
"""
from __future__ import annotations

import dataclasses
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Optional, Sequence, Union

from .model.cases import DECISION_KINDS, SAFETY_ORDER, next_step_id
from .text import clip

CONFIDENCE_LABELS = {1: "Guessing", 2: "Fairly sure", 3: "Certain"}
CBM_RIGHT = {1: 1, 2: 2, 3: 3}
CBM_WRONG = {"suboptimal": {1: 0, 2: -1, 3: -3}, "unsafe": {1: 0, 2: -2, 3: -6}, "critical": {1: 0, 2: -2, 3: -6}}
HELD_TEXT = "Your answer is recorded. In exam mode the feedback comes in the debrief at the end."

# "What if" variants: the same client with one thing changed, run through recommend().
# They are hypothetical inputs, not clinical rules: the rules that answer them live in data/.
LOW_IRRITABILITY = {"pain_score": 2, "night_pain": False, "pain_at_rest": False,
                    "provoked_by_minimal_activity": False, "settle_time_minutes": 5,
                    "symptoms_below_knee": False, "numbness": False}
HIGH_IRRITABILITY = {"pain_score": 8, "night_pain": True, "pain_at_rest": True,
                     "provoked_by_minimal_activity": True, "settle_time_minutes": 180,
                     "symptoms_below_knee": True}


# A step in words, as a sentence names it ("Your red-flag decision was an unsafe choice").
STEP_WORDS = {"intake": "intake", "red_flag": "red-flag decision", "referral": "referral script",
              "irritability": "irritability rating", "plan": "plan"}
_A = {"safe": "a", "suboptimal": "a", "unsafe": "an", "critical": "a"}


class CaseError(ValueError):
    """A choice that does not fit the current step (unknown id, wrong number, finished case)."""


# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Feedback:
    """What the student learns after a choice (held in exam mode)."""

    step_id: str
    kind: str
    choice_ids: tuple
    text: str
    safety: Optional[str]
    points: Optional[float]
    rationale: str
    sources: tuple
    held: bool = False
    answers: tuple = ()             # intake: ((question, answer), ...)
    certainty_marks: Optional[float] = None
    confidence: Optional[int] = None
    gate: Optional[str] = None      # a must-ask gate sent the student back
    finished: bool = False
    gate_points: Optional[float] = None   # what the gate cost (negative), counted in the score at once
    unasked: tuple = ()             # decision steps: present findings never asked about (see Session.unasked)


@dataclass(frozen=True)
class Score:
    """A case score as a student reads it: what was earned and what was lost, never a negative "of".

    ``earned`` and ``lost`` are sums of the positive and the negative parts (choice points, certainty marks,
    must-ask gates); ``losses`` names each part that cost points. The score shown is ``earned - lost`` with a
    floor at 0 ("-6 of 29" means nothing to a student; "0 of 29, 6 lost on a critical choice" does). The
    stored attempt keeps the unfloored sum (``net``) for the instructor's analysis."""

    earned: float
    lost: float                     # >= 0
    max_score: float
    earned_parts: tuple = ()        # (("choices", 8.0), ("certainty", 4.0))
    lost_parts: tuple = ()          # (("choices", 3.0), ("certainty", 6.0), ("must-ask gate", 2.0))
    losses: tuple = ()              # ((what, points < 0), ...) in the order they happened
    missed: tuple = ()              # ((what, points > 0), ...) what the expert's path earns that this one did not:
    #                                 questions not asked, a lower-scoring choice, certainty below Certain, a step
    #                                 not reached ("certainty: Fairly sure earns +2 where Certain earns +3")

    @property
    def net(self) -> float:
        return round(self.earned - self.lost, 2)

    @property
    def shown(self) -> float:
        return max(self.net, 0.0)

    @property
    def percent(self) -> int:
        """A whole percent ("93%"), never 100% short of full marks nor 0% above 0."""
        if not self.max_score:
            return 0
        whole = round(100 * min(self.shown, self.max_score) / self.max_score)
        if whole == 100 and self.shown < self.max_score:
            return 99
        return 1 if whole == 0 and self.shown > 0 else int(whole)

    @property
    def not_earned(self) -> float:
        """What the expert's path earns that this one did not (the sum of ``missed``)."""
        return round(sum(v for _w, v in self.missed), 2)

    def headline(self) -> str:
        """"5 of 29 points (17%)": the score shown, never below 0, a whole percent."""
        return f"{self.shown:g} of {self.max_score:g} points ({self.percent}%)"

    def text(self) -> str:
        """The headline, then what was earned and lost when anything was lost (plain text, no HTML)."""
        return self.headline() + self.detail()

    def detail(self) -> str:
        """": 6 earned (choices +6), 9 lost (choices −3, certainty −6). ..." when anything was lost or not earned,
        else "" (a full score needs no explanation). Every sentence ends with a full stop."""
        if not self.lost and not self.missed:
            return ""
        parts = lambda ps, sign: ", ".join(f"{k} {sign}{v:g}" for k, v in ps)  # noqa: E731
        out = f": {self.earned:g} earned" + (f" ({parts(self.earned_parts, '+')})" if self.earned_parts else "")
        if self.lost:
            out += f", {self.lost:g} lost ({parts(self.lost_parts, chr(0x2212))})"
        if self.missed:
            out += f", {self.not_earned:g} not earned (each named below)"
        out += "."
        if self.net < 0:
            out += " You lost more than you earned, and a case score stops at 0."
        return out


@dataclass(frozen=True)
class StepRecord:
    step_id: str
    kind: str                       # the step's kind, or "gate" for a must-ask gate event
    choice_ids: tuple
    safety: str
    points: float                   # choice points plus certainty marks
    confidence: Optional[int]
    choice_points: float = 0.0
    certainty_marks: float = 0.0
    feedback: Optional[Feedback] = None


@dataclass(frozen=True)
class DebriefRow:
    step_id: str
    kind: str
    prompt: str
    chosen: tuple                   # ((choice_id, text, safety, points, feedback, rationale, sources), ...)
    expert: tuple                   # ((choice_id, text), ...)
    safety: str
    points: float
    certainty_marks: float
    confidence: Optional[int]
    matches_expert: bool


@dataclass(frozen=True)
class WhatIf:
    label: str
    changes: dict
    urgency: Optional[str] = None
    treat_today: Optional[bool] = None
    irritability: Optional[str] = None
    position: Optional[str] = None
    techniques: tuple = ()
    avoided: tuple = ()
    differences: tuple = ()
    note: Optional[str] = None


@dataclass(frozen=True)
class Debrief:
    case_id: str
    title: str
    score: float
    max_score: float
    exam_mode: bool
    rows: tuple
    expert_path: tuple              # ((step_id, kind, prompt, ((choice_id, text), ...)), ...)
    expert_summary: str
    ending: str                     # the debrief text of the step where the student's path ended
    missed_red_flags: tuple         # ((finding_id, label), ...) present but never asked about
    screening_not_asked: tuple      # ((choice_id, text), ...) red-flag screening questions not asked
    confident_unsafe: tuple         # ((step_id, choice_id, text, safety, confidence), ...)
    gates: tuple                    # ((step_id, missing choice ids), ...)
    what_ifs: tuple
    safety_counts: dict = field(default_factory=dict)
    points: Optional[Score] = None  # the score as a student reads it (earned, lost, floor at 0)
    unasked: tuple = ()             # ((question, answer, ((finding_id, label), ...)), ...) present, never asked
    safe_path: tuple = ()           # ((kind, prompt, ((text, feedback), ...)), ...) the expert's steps from where
    #                                 the student's path left it (empty when the student reached the expert's end)
    safe_path_intro: str = ""       # the sentence that is true of it ("Your plan was a critical choice. ...")

    @property
    def percent(self) -> int:
        if self.points is not None:
            return self.points.percent
        return Score(max(self.score, 0), 0, self.max_score).percent

    def score_text(self) -> str:
        """The score in words ("5 of 29 points (17%): 11 earned ..., 6 lost ..."), never a negative "of"."""
        if self.points is not None:
            return self.points.text()
        return Score(max(self.score, 0), 0, self.max_score).text()

    def text(self) -> str:
        """A plain-text debrief (for a terminal or a log)."""
        out = [f"{self.title}: {self.score_text()}"]
        if self.points is not None:
            out += [f"  {v:g} not earned: {w}" for w, v in self.points.missed]
        for r in self.rows:
            chosen = "; ".join(c[1] for c in r.chosen) or "(gate)"
            expert = "; ".join(t for _, t in r.expert)
            out.append(f"- {r.kind} [{r.safety}] {chosen}" + ("" if r.matches_expert else f"  | expert: {expert}"))
        if self.missed_red_flags:
            out.append("Missed red flags: " + ", ".join(l for _, l in self.missed_red_flags))
        if self.confident_unsafe:
            out.append("Confident and unsafe: " + "; ".join(f"{t} ({s})" for _, _, t, s, _ in self.confident_unsafe))
        return "\n".join(out)


# ---------------------------------------------------------------------------------------------
class Session:
    """One student's attempt at one case."""

    def __init__(self, case, course, exam_mode: bool = False):
        self.case = case
        self.course = course
        self.exam_mode = bool(exam_mode)
        self.history: list[StepRecord] = []
        self.asked: list[str] = []
        self.started_at = _now()
        self.finished_at: Optional[str] = None
        self._t0 = time.monotonic()
        self._steps = case.step_map
        self._current: Optional[str] = case.start
        self._ended_at_step: Optional[str] = None
        self._noted: set = set()        # intake questions whose unasked findings a feedback has named
        self._resume: Optional[str] = None   # the gated step to return to when the student is done asking
        self._enter(case.start)

    # ---- state ----------------------------------------------------------------------------
    @property
    def current(self):
        """The step waiting for a choice, or None when the case is finished."""
        return None if self._current is None else self._steps[self._current]

    @property
    def finished(self) -> bool:
        return self._current is None

    @property
    def score(self) -> float:
        return round(sum(r.points for r in self.history), 2)

    def score_detail(self) -> Score:
        """The score as a student reads it: earned and lost parts, the losses named, a floor at 0."""
        earned = {"choices": 0.0, "certainty": 0.0}
        lost = {"choices": 0.0, "certainty": 0.0, "must-ask gate": 0.0}
        losses = []
        for r in self.history:
            if r.kind == "gate":
                lost["must-ask gate"] -= r.points
                if r.points:
                    texts = "; ".join(clip(self.case.choice(m).text, 70) for m in r.choice_ids)
                    losses.append((f"must-ask gate (not asked yet: {texts})", r.points))
                continue
            what = "; ".join(clip(self.case.choice(c).text, 70) for c in r.choice_ids)
            for key, v in (("choices", r.choice_points), ("certainty", r.certainty_marks or 0.0)):
                if v > 0:
                    earned[key] += v
                elif v < 0:
                    lost[key] -= v
                    if key == "choices":
                        losses.append((f"{r.safety} choice: {what}", v))
                    else:
                        level = CONFIDENCE_LABELS.get(r.confidence or 1, "")
                        article = "an" if r.safety[:1] in "aeiou" else "a"
                        losses.append((f"certainty ({level}) on {article} {r.safety} choice: {what}", v))
        keep = lambda d: tuple((k, round(v, 2)) for k, v in d.items() if v)  # noqa: E731
        return Score(earned=round(sum(earned.values()), 2), lost=round(sum(lost.values()), 2),
                     max_score=self.max_score, earned_parts=keep(earned), lost_parts=keep(lost),
                     losses=tuple(losses), missed=self._missed_points())

    def _missed_points(self) -> tuple:
        """((what, points > 0), ...): what the expert's path (at Certain) earns that this path did not, step by
        step, so every point between the score and the maximum is named. Empty while nothing is missed."""
        if not self.finished:      # during the case this would tell the student which questions to ask
            return ()
        taken = {r.step_id: r for r in self.history if r.kind not in ("gate", "intake")}
        out = []
        for step, expert in self.case.expert_path():
            where = STEP_WORDS.get(step.kind, step.kind)
            if step.kind == "intake":
                gap = [c for c in expert if c.id not in self.asked and c.points > 0]
                if gap:
                    n = len(gap)
                    out.append((f"{n} of the expert's questions not asked (" +
                                "; ".join(clip(c.text, 50) for c in gap) + ")", sum(c.points for c in gap)))
                continue
            if step.kind not in DECISION_KINDS:
                continue
            best = sum(c.points for c in expert)
            mine = taken.get(step.id)
            if mine is None:
                out.append((f"{where} not reached: the expert's choice there earns {best:+g}, "
                            f"and {CBM_RIGHT[3]:+d} for certainty", best + CBM_RIGHT[3]))
                continue
            got = max(mine.choice_points, 0.0)
            if got < best:
                out.append((f"{where}: your choice earns {got:+g} where the expert's earns {best:+g}", best - got))
            marks = max(mine.certainty_marks or 0.0, 0.0)
            if marks < CBM_RIGHT[3]:
                level = CONFIDENCE_LABELS.get(mine.confidence or 1, "")
                if mine.safety == "safe":
                    what = f"certainty ({where}): {level} earns {marks:+g} where Certain earns {CBM_RIGHT[3]:+d}"
                else:
                    what = (f"certainty ({where}): a {mine.safety} choice earns no certainty points; "
                            f"the expert's at Certain earns {CBM_RIGHT[3]:+d}")
                out.append((what, CBM_RIGHT[3] - marks))
        return tuple((w, round(v, 2)) for w, v in out)

    def unasked(self) -> tuple:
        """What the client would have told you and you never asked: ((question, answer, ((finding_id, label),
        ...)), ...) for each intake question not asked whose findings are present (true, a number other than 0, or
        false for a finding a red-flag rule reads by its absence, e.g. not getting better). Feedback and the debrief
        say so plainly instead of quoting a finding the student never gathered."""
        vocab = self.course.findings
        # a finding whose ABSENCE a red-flag rule reads (none_of: "not getting better" = improving false) is
        # something the client would have told you too
        telling_false = {t if isinstance(t, str) else t.finding
                         for rf in self.course.red_flags for r in rf.rules for t in r.when.none_of}
        present = {k: v for k, v in self.case.findings_dict().items()
                   if v is True or (v is False and k in telling_false)
                   or (not isinstance(v, bool) and isinstance(v, (int, float)) and v)}
        asked = {f for cid in self.asked for f in self.case.choice(cid).asks}
        out = []
        for s in self.case.steps:
            if s.kind != "intake":
                continue
            for c in s.choices:
                found = tuple((f, _finding_text(vocab, f, present[f])) for f in c.asks
                              if f in present and f not in asked)
                if c.id not in self.asked and found:
                    out.append((c.text, c.answer or "", found))
                    asked.update(f for f, _ in found)
        return tuple(out)

    def safe_path_intro(self) -> str:
        """The one sentence that is true of this path's safe path: the case ended early at a step, or a choice
        that was not safe left the expert's path (and the case went on). "" when there is no safe path."""
        steps, early = self._safe_path_steps()
        if not steps:
            return ""
        where = STEP_WORDS.get(steps[0][0].kind, steps[0][0].kind)
        mine = next((r for r in self.history if r.kind != "gate" and r.step_id == steps[0][0].id), None)
        later = " and the steps after it" if len(steps) > 1 else ""
        if mine is None:
            return (f"Your case ended before {where}. What the expert did from there:" if early else
                    f"Your path did not reach the expert's {where}. What the expert did there{later}:")
        if early:
            return (f"Your {where} ({_A.get(mine.safety, 'a')} {mine.safety} choice) ended the case before the "
                    f"expert's later steps. What the expert did from that step:")
        return f"Your {where} was {_A.get(mine.safety, 'a')} {mine.safety} choice. What the expert did at that step{later}:"

    def safe_path(self) -> tuple:
        """The expert's steps from the first decision where this path left the expert's with a choice that was not
        safe, or that ended the case early (a critical red-flag choice that closed the case before the referral, a
        critical referral script, an over-referral that skipped the plan): ((kind, prompt, ((text, feedback), ...)),
        ...). Empty while the case runs, and for a path that only took another safe route."""
        steps, _early = self._safe_path_steps()
        return tuple((step.kind, step.prompt, tuple((c.text, c.feedback) for c in expert)) for step, expert in steps)

    def _safe_path_steps(self):
        """([(step, expert choices), ...], whether the case ended before the expert's end)."""
        if not self.finished:
            return [], False
        epath = self.case.expert_path()
        if not epath:
            return [], False
        early = epath[-1][0].id != self._ended_at_step
        taken = {r.step_id: r for r in self.history if r.kind != "gate"}
        out, left = [], False
        for step, expert in epath:
            if step.kind not in DECISION_KINDS:
                continue
            mine = taken.get(step.id)
            if not left and (mine is None or set(mine.choice_ids) != {c.id for c in expert}):
                left = early or mine is None or mine.safety != "safe"
            if left:
                out.append((step, expert))
        return out, early

    @property
    def max_score(self) -> float:
        total = 0.0
        for step, chosen in self.case.expert_path():
            total += sum(c.points for c in chosen)
            if step.kind in DECISION_KINDS:
                total += CBM_RIGHT[3]
        return round(total, 2)

    def available_choices(self) -> tuple:
        """Choices of the current step the student can still pick (intake questions not yet asked)."""
        step = self.current
        if step is None:
            return ()
        return tuple(c for c in step.choices if c.id not in self.asked)

    def expert_choices(self) -> tuple:
        """The expert's choice id(s) for the current step (on a revisited intake step: those not yet asked)."""
        step = self.current
        if step is None:
            return ()
        ids = tuple(c.id for c in step.choices if c.expert and c.id not in self.asked)
        if step.kind == "intake" and not ids:
            ids = tuple(c.id for c in self.available_choices())[:1]
        return ids

    # ---- moving on ------------------------------------------------------------------------
    def _enter(self, step_id: Optional[str]):
        self._current = step_id
        if step_id is not None and self._steps[step_id].kind == "debrief":
            self._ended_at_step = step_id
            self._current = None
            self.finished_at = _now()

    def ask(self, questions: Union[str, Sequence[str]]) -> Feedback:
        """Intake: ask these questions and stay at the intake, so a student can ask in rounds; nothing is decided
        and no must-ask gate can fire. :meth:`done_asking` moves on to the decision."""
        step = self.current
        if step is None or step.kind != "intake":
            raise CaseError("questions are asked at the intake step" + ("" if step is None else
                            f" (the case is at step {step.id!r})"))
        return self._take(step, questions, None)

    def done_asking(self) -> None:
        """Intake: the student has asked enough; go to the decision (or back to the step a must-ask gate sent them
        from). The gate itself is checked when they choose there."""
        step = self.current
        if step is None or step.kind != "intake":
            raise CaseError("done_asking() is for the intake step")
        self._leave_intake(step)

    def _leave_intake(self, step) -> None:
        target = self._resume
        if target is None:
            asked_here = [c for c in step.choices if c.id in self.asked]
            target = next_step_id(step, asked_here)
        self._resume = None
        self._enter(target)

    def choose(self, choice: Union[str, Sequence[str]], confidence: Optional[int] = None) -> Feedback:
        """Take a choice (or, at a multi-choice step, several) with an optional certainty 1-3.

        At the intake this asks the questions and moves on to the decision (``ask`` then ``done_asking``). At a
        step with a must-ask gate, choosing before the required questions were asked takes nothing: it sends the
        student back to the intake (they return here when done asking) and costs the gate's penalty once."""
        step = self.current
        if step is None:
            raise CaseError(f"the case {self.case.id!r} is finished; start it again to replay")
        if step.kind == "intake":
            fb = self._take(step, choice, confidence)
            self._leave_intake(step)
            return dataclasses.replace(fb, finished=True) if self.finished else fb
        ids = self._check_ids(step, choice, confidence)
        missing = [r for r in step.requires if r not in self.asked]
        if missing:
            return self._gate(step, ids, missing)
        return self._take(step, ids, confidence, move=True)

    def _check_ids(self, step, choice, confidence) -> tuple:
        ids = (choice,) if isinstance(choice, str) else tuple(choice)
        if not ids:
            raise CaseError(f"choose at least one option at step {step.id!r}")
        if len(set(ids)) != len(ids):
            raise CaseError(f"the same option is given twice at step {step.id!r}")
        if not step.multi and len(ids) != 1:
            raise CaseError(f"step {step.id!r} takes exactly one choice (got {len(ids)})")
        by_id = {c.id: c for c in step.choices}
        for cid in ids:
            if cid not in by_id:
                raise CaseError(f"step {step.id!r} has no option {cid!r}; options: {', '.join(by_id)}")
            if cid in self.asked:
                raise CaseError(f"the question {cid!r} was asked already")
        if confidence is not None and confidence not in CBM_RIGHT:
            raise CaseError(f"confidence must be 1 (Guessing), 2 (Fairly sure), 3 (Certain) or None; got {confidence!r}")
        return ids

    def _gate(self, gated, ids, missing) -> Feedback:
        """A decision tried before the must-ask questions: nothing is taken, the student goes back to the intake,
        and the penalty is counted the first time this gate stops them (a second try costs nothing more)."""
        first = not any(r.kind == "gate" and r.step_id == gated.id for r in self.history)
        penalty = -gated.gate_penalty if first else 0.0
        texts = [self.case.choice(m).text for m in missing]
        msg = (gated.gate_message or "Before you go on, there are questions you must ask this client.") + \
            " Not asked yet: " + " ".join(f"“{t}”" for t in texts)
        self.history.append(StepRecord(step_id=gated.id, kind="gate", choice_ids=tuple(missing), safety="unsafe",
                                       points=penalty, confidence=None, choice_points=penalty))
        self._resume = gated.id
        self._enter(self._step_of_choice(missing[0]))
        return Feedback(step_id=gated.id, kind="gate", choice_ids=ids, text="", safety=None, points=None,
                        rationale="", sources=(), gate=msg, gate_points=penalty or None)

    def _take(self, step, choice, confidence, move: bool = False) -> Feedback:
        ids = self._check_ids(step, choice, confidence)
        by_id = {c.id: c for c in step.choices}
        chosen = tuple(by_id[cid] for cid in ids)
        safety = max((c.safety for c in chosen), key=SAFETY_ORDER.index)
        points = sum(c.points for c in chosen)
        marks = 0.0
        if step.kind in DECISION_KINDS:
            level = confidence or 1
            marks = CBM_RIGHT[level] if safety == "safe" else CBM_WRONG[safety][level]
        answers = ()
        if step.kind == "intake":
            self.asked.extend(ids)
            answers = tuple((c.text, c.answer) for c in chosen)
            conf_rec = None
        else:
            conf_rec = confidence
        text = "\n\n".join(c.feedback for c in chosen)
        rationale = "\n\n".join(c.rationale for c in chosen)
        sources = tuple(dict.fromkeys(k for c in chosen for k in c.sources))
        unasked = ()
        if step.kind != "intake":
            unasked = tuple(u for u in self.unasked() if u[0] not in self._noted)
            self._noted.update(u[0] for u in unasked)
        held = self.exam_mode
        fb = Feedback(step_id=step.id, kind=step.kind, choice_ids=ids,
                      text=HELD_TEXT if held else text,
                      safety=None if held else safety,
                      points=None if held else round(points + marks, 2),
                      rationale="" if held else rationale,
                      sources=() if held else sources,
                      held=held, answers=answers, certainty_marks=None if held else marks,
                      confidence=conf_rec, unasked=() if held else unasked)
        full = Feedback(step_id=step.id, kind=step.kind, choice_ids=ids, text=text, safety=safety,
                        points=round(points + marks, 2), rationale=rationale, sources=sources, answers=answers,
                        certainty_marks=marks, confidence=conf_rec, unasked=unasked)
        self.history.append(StepRecord(step_id=step.id, kind=step.kind, choice_ids=ids, safety=safety,
                                       points=round(points + marks, 2), confidence=conf_rec,
                                       choice_points=points, certainty_marks=marks, feedback=full))
        if move:
            self._enter(next_step_id(step, chosen))
            if self.finished:
                fb = dataclasses.replace(fb, finished=True)
        return fb

    def _step_of_choice(self, choice_id: str) -> str:
        for s in self.case.steps:
            if any(c.id == choice_id for c in s.choices):
                return s.id
        raise CaseError(f"no step holds {choice_id!r}")  # pragma: no cover - prevented by Case.check

    # ---- the end --------------------------------------------------------------------------
    def debrief(self) -> Debrief:
        """The student's path beside the expert's, missed red flags, each choice's rationale, what-ifs."""
        case = self.case
        rows = []
        for r in self.history:
            if r.kind == "gate":
                gated = self._steps[r.step_id]
                rows.append(DebriefRow(step_id=r.step_id, kind="gate",
                                       prompt=gated.gate_message or "A must-ask gate sent you back to the intake.",
                                       chosen=tuple((m, case.choice(m).text, "unsafe", 0.0, "", "", ())
                                                    for m in r.choice_ids),
                                       expert=tuple((m, case.choice(m).text) for m in r.choice_ids),
                                       safety="unsafe", points=r.points, certainty_marks=0.0, confidence=None,
                                       matches_expert=False))
                continue
            step = self._steps[r.step_id]
            chosen = tuple((c.id, c.text, c.safety, c.points, c.feedback, c.rationale, c.sources)
                           for c in (case.choice(cid) for cid in r.choice_ids))
            expert = tuple((c.id, c.text) for c in step.choices if c.expert)
            if step.kind == "intake":   # the same as the expert: only expert questions, and by the end all of them
                matches = all(case.choice(cid).expert for cid in r.choice_ids) and \
                    {c.id for c in step.choices if c.expert} <= set(self.asked)
            else:
                matches = set(r.choice_ids) == {c.id for c in step.choices if c.expert}
            rows.append(DebriefRow(step_id=step.id, kind=step.kind, prompt=step.prompt, chosen=chosen,
                                   expert=expert, safety=r.safety, points=r.points,
                                   certainty_marks=r.certainty_marks, confidence=r.confidence,
                                   matches_expert=matches))
        epath = case.expert_path()
        expert_path = tuple((s.id, s.kind, s.prompt, tuple((c.id, c.text) for c in ch)) for s, ch in epath)
        expert_summary = epath[-1][0].prompt if epath and epath[-1][0].kind == "debrief" else ""
        ending = self._steps[self._ended_at_step].prompt if self._ended_at_step else ""
        missed, not_asked = self._missed_red_flags()
        confident_unsafe = tuple(
            (r.step_id, cid, case.choice(cid).text, case.choice(cid).safety, r.confidence)
            for r in self.history if r.kind != "gate" and (r.confidence or 0) >= 2
            for cid in r.choice_ids if case.choice(cid).safety in ("unsafe", "critical"))
        gates = tuple((r.step_id, r.choice_ids) for r in self.history if r.kind == "gate")
        counts: dict = {k: 0 for k in SAFETY_ORDER}
        for r in self.history:
            if r.kind != "gate":
                for cid in r.choice_ids:
                    counts[case.choice(cid).safety] += 1
        return Debrief(case_id=case.id, title=case.title, score=self.score, max_score=self.max_score,
                       exam_mode=self.exam_mode, rows=tuple(rows), expert_path=expert_path,
                       expert_summary=expert_summary, ending=ending, missed_red_flags=missed,
                       screening_not_asked=not_asked, confident_unsafe=confident_unsafe, gates=gates,
                       what_ifs=tuple(what_ifs(case, self.course)), safety_counts=counts,
                       points=self.score_detail(), unasked=self.unasked(), safe_path=self.safe_path(),
                       safe_path_intro=self.safe_path_intro())

    def _missed_red_flags(self):
        vocab = self.course.findings
        asked_findings = {f for cid in self.asked for f in self.case.choice(cid).asks}
        present = self.case.findings_dict()
        missed = []
        for fid, value in present.items():
            spec = vocab.get(fid)
            if spec is None or spec.group != "red_flag" or value is not True:
                continue
            if fid not in asked_findings:
                missed.append((fid, spec.label))
        not_asked = []
        for s in self.case.steps:
            if s.kind != "intake":
                continue
            for c in s.choices:
                screens = any((vocab.get(f) is not None and vocab.get(f).group == "red_flag") for f in c.asks)
                if screens and c.id not in self.asked:
                    not_asked.append((c.id, c.text))
        return tuple(missed), tuple(not_asked)

    def to_attempt(self) -> dict:
        """The attempt as the progress store's ATTEMPT dict (see notes/contracts.md)."""
        steps = [{"step_id": r.step_id, "kind": r.kind, "choice_ids": list(r.choice_ids), "safety": r.safety,
                  "points": r.points, "confidence": r.confidence} for r in self.history]
        flags = [{"step_id": r.step_id, "choice_id": cid, "safety": self.case.choice(cid).safety,
                  "confidence": r.confidence}
                 for r in self.history if r.kind != "gate"
                 for cid in r.choice_ids if self.case.choice(cid).safety in ("unsafe", "critical")]
        return {"uid": uuid.uuid4().hex, "case_id": self.case.id, "started_at": self.started_at,
                "finished_at": self.finished_at, "exam_mode": self.exam_mode, "score": self.score,
                "max_score": self.max_score, "safety_flags": flags, "steps": steps}


# ---------------------------------------------------------------------------------------------
def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _finding_text(vocab, fid: str, value) -> str:
    """A present finding in words: its label, with the number for a measured one ("Pain now (0-10): 7"), or "Not ..."
    for a finding that tells by its absence ("Not getting better")."""
    spec = vocab.get(fid)
    label = spec.label if spec is not None else fid.replace("_", " ")
    if value is True:
        return label
    if value is False:
        return f"Not {label[:1].lower()}{label[1:]}"
    unit = spec.unit if spec is not None and spec.unit else ""
    unit = "" if not unit or any(w in label.lower() for w in unit.split()) else f" {unit}"   # "(minutes)", "(0-10)"
    return f"{label}: {value:g}{unit}"


def _course(course):
    if course is not None:
        return course
    from .loading import load_course

    return load_course()


def get_case(case_id, course=None):
    course = _course(course)
    if not isinstance(case_id, str):
        return case_id
    if case_id not in course.cases:
        import difflib
        close = difflib.get_close_matches(case_id, list(course.cases.ids), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise KeyError(f"no case {case_id!r}{hint}; cases: {', '.join(course.cases.ids)}")
    return course.cases[case_id]


def list_cases(course=None) -> list:
    """[(id, title, summary, difficulty)] of every case, in file order."""
    course = _course(course)
    return [(c.id, c.title, c.summary, c.difficulty) for c in course.cases]


def start(case_id, course=None, exam_mode: bool = False) -> Session:
    """Start a case (by id, or a Case record)."""
    course = _course(course)
    return Session(get_case(case_id, course), course, exam_mode=exam_mode)


def play(case_id, choices: Iterable, course=None, confidence: Optional[int] = None,
         exam_mode: bool = False) -> Session:
    """Play a case with a list of choices (a list of ids for an intake step) and return the finished
    session. An item may also be ``(choice, confidence)``."""
    s = start(case_id, course, exam_mode=exam_mode)
    for item in choices:
        conf = confidence
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], (int, type(None))):
            item, conf = item
        if s.finished:
            raise CaseError(f"the case ended before the choice {item!r}")
        s.choose(item, confidence=conf)
    if not s.finished:
        raise CaseError(f"the choices ran out at step {s.current.id!r} (options: "
                        f"{', '.join(c.id for c in s.available_choices())})")
    return s


def play_expert(case_id, course=None, exam_mode: bool = False) -> Session:
    """Play the expert path at certainty 3 and return the finished session."""
    s = start(case_id, course, exam_mode=exam_mode)
    for _ in range(200):
        if s.finished:
            return s
        s.choose(s.expert_choices(), confidence=3 if s.current.kind in DECISION_KINDS else None)
    raise CaseError(f"the expert path of {s.case.id!r} does not end")  # pragma: no cover


# ---------------------------------------------------------------------------------------------
# "What if" variants
def _variants(case, vocab) -> list:
    f = case.findings_dict()
    out = []
    if case.expected.irritability in ("moderate", "high") or (case.expected.irritability is None
                                                               and f.get("pain_score", 0) >= 4):
        out.append(("The same client at low irritability", LOW_IRRITABILITY))
    else:
        out.append(("The same client at high irritability", HIGH_IRRITABILITY))
    if case.sex != "male" and not f.get("pregnancy_weeks") and f.get("age", 30) < 50:
        out.append(("The same client, 24 weeks pregnant", {"pregnancy_weeks": 24}))
    if not f.get("anticoagulants"):
        out.append(("The same client, on anticoagulants", {"anticoagulants": True}))
    return [(label, {k: v for k, v in ch.items() if k in vocab}) for label, ch in out]


def _what_if_position(case, base, rec) -> Optional[str]:
    """The position a what-if row shows. The general rules do not know every case's own precautions (a posterior
    hip replacement, a frail older client): where the case's expert chose another position than the rules give
    the same client, and the variant leaves the rules' position as it was, the row keeps the expert's position
    (the variant changes nothing that made the expert choose it). A variant that moves the position (high
    irritability, pregnancy) shows the rules' new one."""
    expert = case.expected.position
    if rec.treat_today and expert and base.treat_today and rec.position == base.position != expert:
        return expert
    return rec.position


def _as_expert(case, base):
    """The client as the case's expert treats them: the rules' recommendation with the expert's position (what a
    what-if's "the position changes from ..." compares against)."""
    if base.treat_today and case.expected.position:
        return dataclasses.replace(base, position=case.expected.position)
    return base


def what_ifs(case, course=None) -> list:
    """The same client with one thing changed, each run through ``recommend``."""
    from .reasoning import recommend

    course = _course(course)
    try:
        base = recommend(case.findings_dict(), course=course)
    except Exception as e:  # a broken presentation is reported by the course check
        return [WhatIf(label="What if", changes={}, note=f"recommend could not run: {e}")]
    out = []
    for label, changes in _variants(case, course.findings):
        if not changes:
            continue
        try:
            rec = recommend({**case.findings_dict(), **changes}, course=course)
        except Exception as e:
            out.append(WhatIf(label=label, changes=changes, note=f"recommend could not run: {e}"))
            continue
        from .plandiff import plan_differences   # the same comparison as the session planner's "What changed"

        position = _what_if_position(case, base, rec)
        diffs = plan_differences(_as_expert(case, base), dataclasses.replace(rec, position=position), course)
        out.append(WhatIf(label=label, changes=changes, urgency=rec.urgency, treat_today=rec.treat_today,
                          irritability=rec.irritability, position=position,
                          techniques=tuple(rec.techniques),
                          avoided=tuple(rec.avoided), differences=tuple(diffs) or ("no change in the plan",)))
    return out


# Agreement with the course's own rules and the grading check live in .casecheck (run by load_course);
# re-exported here for callers of the engine.
from .casecheck import agreement_report, check_course  # noqa: E402


__all__ = ["start", "play", "play_expert", "list_cases", "get_case", "what_ifs", "agreement_report",
           "check_course", "Session", "Feedback", "Debrief", "Score", "DebriefRow", "WhatIf", "StepRecord", "CaseError",
           "CONFIDENCE_LABELS"]
