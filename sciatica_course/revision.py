"""Spaced revision and the numbers behind the progress dashboard. Pure logic: no widgets, no drawing.

Scheduling uses FSRS (the Free Spaced Repetition Scheduler, via the ``fsrs`` package), a published,
open algorithm fitted to hundreds of millions of real reviews. Nothing about scheduling is stored: each
question's FSRS card is rebuilt by replaying that question's saved answers in time order, so the schedule
always agrees with the answers in the store, and merging an imported progress file needs no extra step.

Every answer becomes an FSRS rating through the student's confidence (a self-grade of recall):

=====================  ===========
answer                 FSRS rating
=====================  ===========
wrong                  Again
right, "Guessing"      Hard
right, "Fairly sure"   Good
right, no confidence   Good
right, "Certain"       Easy
=====================  ===========

An answer that chose an option marked unsafe or critical for the client (``safety`` in data/quizzes.yaml)
counts like a critical choice in a case: until the student answers that question again safely it comes first
in every revision session, before anything merely due, and the dashboard lists it (flagged when the student
was sure of it: "confident and unsafe").

Mastery of a question is FSRS's estimate that you would still recall it now, counted only when your last
answer to it was right (a question never answered, or last answered wrongly, counts 0). Mastery of a topic or
an MBLEx domain is the mean over its questions.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Optional

RATING_RULE = (
    ("wrong", "Again"),
    ("right, Guessing", "Hard"),
    ("right, Fairly sure (or not rated)", "Good"),
    ("right, Certain", "Easy"),
)
CONFIDENCE_LABELS = {1: "Guessing", 2: "Fairly sure", 3: "Certain", None: "Not rated"}
REVISION_LESSON = "revision"
UNSAFE_LEVELS = ("unsafe", "critical")


# ----------------------------------------------------------------------------------------- inputs

def _course(course):
    if course is not None:
        return course
    from .loading import load_course

    return load_course()


def _store(store):
    if store is not None:
        return store
    from .progress import Store

    return Store()


def _answers(store=None, answers=None) -> list:
    if answers is not None:
        return sorted(answers, key=lambda a: a["at"])
    return _store(store).answers()


def _attempts(store=None, attempts=None) -> list:
    if attempts is not None:
        return list(attempts)
    return _store(store).case_attempts()


def _time(value) -> datetime:
    if isinstance(value, datetime):
        dt = value
    else:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _now(now=None) -> datetime:
    return _time(now) if now is not None else datetime.now(timezone.utc)


# ----------------------------------------------------------------------------------------- FSRS

def rating_for(correct: bool, confidence: Optional[int]):
    """The FSRS rating of one answer (see the module's table)."""
    from fsrs import Rating

    if not correct:
        return Rating.Again
    if confidence == 1:
        return Rating.Hard
    if confidence == 3:
        return Rating.Easy
    return Rating.Good


def scheduler():
    """The FSRS scheduler with its published default parameters and 90% desired retention.

    Two settings differ from the package's defaults: fuzzing is off, so a schedule is reproducible from the
    answers (and testable); and there are no minute-long (re)learning steps, because this course is revised in
    sessions days apart: with them every question answered in a lesson would be due again within ten minutes.
    Intervals are therefore whole days (a wrong answer comes back within a day or two)."""
    from fsrs import Scheduler

    return Scheduler(enable_fuzzing=False, learning_steps=(), relearning_steps=())


@dataclass(frozen=True)
class ItemState:
    """What the answers say about one question now."""
    item_id: str
    reviews: int
    correct_answers: int
    last_correct: bool
    last_at: datetime
    due: datetime
    retrievability: float   # FSRS: probability of recall now
    stability_days: float

    @property
    def mastery(self) -> float:
        return self.retrievability if self.last_correct else 0.0

    def is_due(self, now) -> bool:
        return self.due <= _now(now)


def item_states(answers: Iterable[dict], now=None) -> dict:
    """item id -> :class:`ItemState`, by replaying each question's answers through FSRS."""
    from fsrs import Card

    now = _now(now)
    sched = scheduler()
    by_item = defaultdict(list)
    for a in sorted(answers, key=lambda a: a["at"]):
        by_item[a["item_id"]].append(a)
    out = {}
    for n, (item_id, rows) in enumerate(by_item.items()):
        first = _time(rows[0]["at"])
        card = Card(card_id=n + 1, due=first)
        for a in rows:
            at = max(_time(a["at"]), card.last_review or first)
            card, _log = sched.review_card(card, rating_for(a["correct"], a.get("confidence")), review_datetime=at)
        last = rows[-1]
        out[item_id] = ItemState(
            item_id=item_id, reviews=len(rows), correct_answers=sum(bool(a["correct"]) for a in rows),
            last_correct=bool(last["correct"]), last_at=_time(last["at"]), due=card.due,
            retrievability=float(sched.get_card_retrievability(card, current_datetime=max(now, card.last_review))),
            stability_days=float(card.stability or 0.0))
    return out


@dataclass(frozen=True)
class ScheduleStep:
    number: int
    day: int                 # days after the first answer
    answer: str              # "right, Fairly sure"
    rating: str              # FSRS rating name
    next_in_days: int        # days until the question is due again
    stability_days: float


EXAMPLE_ANSWERS = ((True, 2), (True, 2), (False, 3), (True, 2), (True, 3))


def example_schedule(answers=EXAMPLE_ANSWERS) -> list:
    """What FSRS does with a sequence of answers given on the days the question falls due:
    ``answers`` is a sequence of (correct, confidence)."""
    start = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
    rows, log, at = [], [], start
    for n, (correct, confidence) in enumerate(answers, 1):
        log.append({"item_id": "example", "correct": correct, "confidence": confidence, "at": at.isoformat()})
        st = item_states(log, now=at)["example"]
        rows.append(ScheduleStep(
            n, (at - start).days, ("right" if correct else "wrong") + f", {CONFIDENCE_LABELS[confidence]}",
            rating_for(correct, confidence).name, round((st.due - at).total_seconds() / 86400), st.stability_days))
        at = st.due
    return rows


# ----------------------------------------------------------------------------------------- mastery

@dataclass(frozen=True)
class Mastery:
    key: str             # topic id or MBLEx domain code
    label: str
    items: int           # questions in the course with this topic/domain
    answered: int        # of which answered at least once
    mastery: float       # 0..1 (see the module docstring)
    answers: int         # answers given
    accuracy: Optional[float]  # share of those answers that were right (None when none)
    right: int = 0       # questions whose last answer was right (the only ones mastery counts)

    @property
    def percent(self) -> int:
        return round(100 * self.mastery)


def _label_topic(topic: str) -> str:
    from .text import human_label

    return human_label(topic)


def _mastery(groups: dict, labels: dict, states: dict, answers: list) -> list:
    by_item_answers = defaultdict(list)
    for a in answers:
        by_item_answers[a["item_id"]].append(a)
    rows = []
    for key, items in groups.items():
        ans = [a for q in items for a in by_item_answers.get(q.id, [])]
        rows.append(Mastery(
            key=key, label=labels.get(key, key), items=len(items),
            answered=sum(q.id in states for q in items),
            mastery=sum(states[q.id].mastery for q in items if q.id in states) / len(items) if items else 0.0,
            answers=len(ans), accuracy=(sum(bool(a["correct"]) for a in ans) / len(ans)) if ans else None,
            right=sum(1 for q in items if by_item_answers.get(q.id)
                      and bool(sorted(by_item_answers[q.id], key=lambda a: a.get("at") or "")[-1]["correct"]))))
    order = {k: i for i, k in enumerate(groups)}
    # weakest first; on a tie, topics you have answered (and so shown to be weak) before unseen ones
    return sorted(rows, key=lambda m: (m.mastery, m.answered == 0, order[m.key]))


def mastery_by_topic(course=None, store=None, now=None, answers=None) -> list:
    """:class:`Mastery` per quiz topic, weakest first (topics appear in the order of data/quizzes.yaml on ties)."""
    course = _course(course)
    answers = _answers(store, answers)
    states = item_states(answers, now)
    groups = defaultdict(list)
    for q in course.quizzes:
        groups[q.topic].append(q)
    return _mastery(groups, {t: _label_topic(t) for t in groups}, states, answers)


def mastery_by_domain(course=None, store=None, now=None, answers=None) -> list:
    """:class:`Mastery` per MBLEx content domain that has quiz items, weakest first."""
    course = _course(course)
    answers = _answers(store, answers)
    states = item_states(answers, now)
    groups = {}
    for d in sorted(course.exam_domains, key=lambda d: d.code):
        items = [q for q in course.quizzes if q.mblex_domain == d.code]
        if items:
            groups[d.code] = items
    labels = {d.code: f"{d.code} · {d.name}" for d in course.exam_domains}
    return _mastery(groups, labels, states, answers)


# ----------------------------------------------------------------------------------------- the queue

@dataclass(frozen=True)
class QueueEntry:
    item_id: str
    reason: str                  # "unsafe" | "due" | "weak_topic" | "new"
    topic: str
    lesson: str
    due: Optional[datetime] = None
    retrievability: Optional[float] = None
    safety: Optional[str] = None          # "unsafe" | "critical" when reason is "unsafe"
    confident: bool = False               # that unsafe answer was given as Fairly sure or Certain
    chosen: Optional[str] = None          # the text of the option chosen in that unsafe answer
    answered_at: Optional[str] = None     # when (ISO 8601)

    def explain(self, now=None) -> str:
        """Why this question is in the session, in a sentence. An unsafe answer is named with its option and day:
        the store keeps the first answer each time a question is shown (a second press, after the feedback has
        shown the right one, is not recall), so "your last answer" would point at an answer the student has
        since changed on screen."""
        topic = _label_topic(self.topic)
        if self.reason == "unsafe":
            how = "dangerous" if self.safety == "critical" else "unsafe"
            sure = " and you were sure of it" if self.confident else ""
            when = f" (on {_time(self.answered_at).astimezone():%d %b %Y})" if self.answered_at else ""
            what = f", \u201c{self.chosen}\u201d," if self.chosen else ""
            return (f"When you last met this question{when}, your first answer{what} would have been {how} for the "
                    f"client{sure}. Only a first answer counts (changing it after reading the feedback does not): "
                    f"answer it again, safely, before anything else. Topic: {topic}.")
        if self.reason == "due":
            days = (_now(now) - self.due).days if self.due else 0
            when = "today" if days < 1 else f"{days} day{'s' if days != 1 else ''} ago"
            return f"Due for review (it fell due {when}); topic: {topic}."
        if self.reason == "weak_topic":
            return f"From one of your weakest topics: {topic}."
        return f"New to you, from a topic to strengthen: {topic}."


def revision_queue(course=None, store=None, now=None, limit: int = 10, answers=None) -> list:
    """The questions for a revision session, across all lessons' quiz items.

    First the questions whose last answer was unsafe or critical for the client (like a case with a critical
    choice, they come back until answered safely; critical and confident first), then the questions FSRS says
    are due (least likely to be recalled first). When fewer than ``limit`` are
    due, the session is filled from the weakest topics first (lowest mastery), one question per topic in turn
    so topics are interleaved: questions answered before but not yet due (least well recalled first), then
    questions not yet answered.
    """
    course = _course(course)
    now = _now(now)
    answers = _answers(store, answers)
    states = item_states(answers, now)
    items = {q.id: q for q in course.quizzes}
    queue = []
    for u in unsafe_answers(course, answers=answers)[:limit]:
        st = states.get(u.item_id)
        opt = next((o.text for o in items[u.item_id].options if o.id == u.option_id), None)
        queue.append(QueueEntry(u.item_id, "unsafe", items[u.item_id].topic, items[u.item_id].lesson,
                                st.due if st else None, st.retrievability if st else None, u.safety, u.confident,
                                opt, u.at))
    taken = {e.item_id for e in queue}
    due = sorted((s for s in states.values() if s.item_id in items and s.item_id not in taken and s.is_due(now)),
                 key=lambda s: (s.retrievability, s.due))
    queue += [QueueEntry(s.item_id, "due", items[s.item_id].topic, items[s.item_id].lesson, s.due,
                         s.retrievability) for s in due[:max(0, limit - len(queue))]]
    if len(queue) >= limit:
        return queue
    taken = {e.item_id for e in queue}
    per_topic = []
    for m in mastery_by_topic(course, now=now, answers=answers):
        qs = [q for q in course.quizzes if q.topic == m.key and q.id not in taken]
        seen = sorted((q for q in qs if q.id in states), key=lambda q: states[q.id].mastery)
        new = [q for q in qs if q.id not in states]
        entries = [QueueEntry(q.id, "weak_topic", q.topic, q.lesson, states[q.id].due, states[q.id].retrievability)
                   for q in seen] + [QueueEntry(q.id, "new", q.topic, q.lesson) for q in new]
        if entries:
            per_topic.append(entries)
    while len(queue) < limit and any(per_topic):
        for entries in per_topic:
            if entries and len(queue) < limit:
                queue.append(entries.pop(0))
    return queue


def due_count(course=None, store=None, now=None, answers=None) -> int:
    """How many of the course's questions are due for review now."""
    course = _course(course)
    states = item_states(_answers(store, answers), now)
    return sum(1 for s in states.values() if s.item_id in course.quizzes and s.is_due(now))


def next_due(course=None, store=None, now=None, answers=None) -> Optional[datetime]:
    """When the next question falls due (None when nothing has been answered)."""
    course = _course(course)
    states = item_states(_answers(store, answers), now)
    dues = [s.due for s in states.values() if s.item_id in course.quizzes]
    return min(dues) if dues else None


# ----------------------------------------------------------------------------------------- calibration

@dataclass(frozen=True)
class CalibrationRow:
    confidence: Optional[int]
    label: str
    answers: int
    correct: int

    @property
    def accuracy(self) -> Optional[float]:
        return self.correct / self.answers if self.answers else None


def calibration(store=None, answers=None) -> list:
    """Accuracy at each confidence level (1 Guessing, 2 Fairly sure, 3 Certain, then not rated)."""
    answers = _answers(store, answers)
    rows = []
    for level in (1, 2, 3, None):
        ans = [a for a in answers if a.get("confidence") == level]
        rows.append(CalibrationRow(level, CONFIDENCE_LABELS[level], len(ans), sum(bool(a["correct"]) for a in ans)))
    return rows


def calibration_message(rows: list) -> str:
    """A plain-language reading of the calibration rows: one sentence for every confidence level with answers
    (Certain, Fairly sure, Guessing), so the levels named add up to the rated answers counted."""
    rated = {r.confidence: r for r in rows if r.confidence is not None and r.answers}
    if not rated:
        return ("No rated answers yet. Before you answer, pick how sure you are: your calibration will show "
                "here.")
    parts = []
    for level, when in ((3, "When you felt Certain"), (2, "When you felt Fairly sure"), (1, "When Guessing")):
        r = rated.get(level)
        if r is None:
            continue
        pct = round(100 * r.accuracy)
        said = f"{when} you were right {pct}% of the time ({r.correct} of {r.answers})"
        if level == 3 and r.answers >= 3 and pct < 80:
            said += (": confident errors are the ones to revisit first, because in practice they are the ones you "
                     "would not double-check")
        elif level == 1 and r.answers >= 3 and pct >= 70:
            said += ": you know more than you think"
        parts.append(said + ".")
    total = sum(r.answers for r in rated.values())
    if total < 10:
        parts.append(f"This is based on {total} rated answer{'s' if total != 1 else ''}; it settles with more.")
    return " ".join(parts)


def confident_errors(course=None, store=None, answers=None) -> list:
    """Questions whose LAST answer was wrong although rated Certain (item ids, most recent first)."""
    course = _course(course)
    last = {}
    for a in _answers(store, answers):
        last[a["item_id"]] = a
    rows = [a for a in last.values() if not a["correct"] and a.get("confidence") == 3 and a["item_id"] in course.quizzes]
    return [a["item_id"] for a in sorted(rows, key=lambda a: a["at"], reverse=True)]


@dataclass(frozen=True)
class UnsafeAnswer:
    """A question whose last answer chose an option that would be unsafe or critical for the client."""
    item_id: str
    option_id: str
    safety: str                  # "unsafe" | "critical"
    confidence: Optional[int]
    at: str

    @property
    def confident(self) -> bool:
        """Chosen as Fairly sure or Certain: "confident and unsafe", as in a case debrief."""
        return (self.confidence or 0) >= 2


def option_safety(course, item_id: str, option_id: str) -> str:
    """The safety class of an answered option ("safe" when the item or option is no longer in the course)."""
    item = course.quizzes.get(item_id)
    for o in (item.options if item is not None else ()):
        if o.id == option_id:
            return getattr(o, "safety", "safe")
    return "safe"


def unsafe_answers(course=None, store=None, answers=None) -> list:
    """Questions whose LAST answer was unsafe or critical for the client: critical first, then confident,
    then most recent. Answering the question again safely takes it off the list."""
    course = _course(course)
    last = {}
    for a in _answers(store, answers):
        last[a["item_id"]] = a
    rows = []
    for a in last.values():
        level = option_safety(course, a["item_id"], a["option_id"])
        if level in UNSAFE_LEVELS:
            rows.append(UnsafeAnswer(a["item_id"], a["option_id"], level, a.get("confidence"), str(a["at"])))
    rows.sort(key=lambda u: u.at, reverse=True)
    return sorted(rows, key=lambda u: (u.safety != "critical", not u.confident))


# ----------------------------------------------------------------------------------------- over time

@dataclass(frozen=True)
class DayCount:
    day: date
    answers: int
    correct: int


def answers_over_time(store=None, answers=None, days: int = 60, now=None) -> list:
    """Answers and right answers per (local) day, every day from the first answer (at most ``days`` days) to
    today, with zero days included so gaps show."""
    answers = _answers(store, answers)
    if not answers:
        return []
    counts = defaultdict(lambda: [0, 0])
    for a in answers:
        d = _time(a["at"]).astimezone().date()
        counts[d][0] += 1
        counts[d][1] += bool(a["correct"])
    today = max(_now(now).astimezone().date(), max(counts))
    start = max(min(counts), today - timedelta(days=days - 1))
    out = []
    d = start
    while d <= today:
        n, c = counts.get(d, (0, 0))
        out.append(DayCount(d, n, c))
        d += timedelta(days=1)
    return out


# ----------------------------------------------------------------------------------------- cases and lessons

@dataclass(frozen=True)
class CaseToRetry:
    case_id: str
    title: str
    finished_at: str
    worst: str                   # "unsafe" | "critical"
    flagged_steps: tuple         # step ids where the student chose something unsafe or critical
    score: Optional[float] = None
    max_score: Optional[float] = None


def cases_to_retry(course=None, store=None, attempts=None) -> list:
    """Cases whose LAST attempt had an unsafe or critical choice (critical first, then oldest first)."""
    from .progress import UNSAFE_LEVELS

    attempts = _attempts(store, attempts)
    last = {}
    for att in sorted(attempts, key=lambda a: a.get("finished_at") or ""):
        last[att["case_id"]] = att
    titles = {}
    if course is not None or attempts:
        try:
            titles = {c.id: c.title for c in _course(course).cases}
        except Exception:  # a broken data folder must not hide the list
            titles = {}
    out = []
    for case_id, att in last.items():
        # a choice's own safety only: a must-ask gate ("kind": "gate", recorded under the step the student
        # tried to reach) stopped a decision before it was made, so it names no unsafe choice at that step
        flagged = [f for f in (att.get("safety_flags") or []) + (att.get("steps") or [])
                   if f.get("safety") in UNSAFE_LEVELS and f.get("kind") != "gate"]
        if not flagged:
            continue
        worst = "critical" if any(f.get("safety") == "critical" for f in flagged) else "unsafe"
        steps = tuple(dict.fromkeys(f.get("step_id") for f in flagged if f.get("step_id")))
        out.append(CaseToRetry(case_id, titles.get(case_id, case_id.replace("_", " ")), att.get("finished_at") or "",
                               worst, steps, att.get("score"), att.get("max_score")))
    return sorted(out, key=lambda c: (c.worst != "critical", c.finished_at))


def lessons_progress(course=None, store=None, completed=None) -> list:
    """(lesson, completed_at or None) for every student lesson, in course order."""
    course = _course(course)
    completed = completed if completed is not None else _store(store).completed_lessons()
    lessons = sorted((l for l in course.lessons if not l.instructor), key=lambda l: l.number)
    return [(l, completed.get(l.id)) for l in lessons]


# ----------------------------------------------------------------------------------------- everything

@dataclass(frozen=True)
class Dashboard:
    """Everything the progress dashboard shows, computed once."""
    answers: int
    due_now: int
    next_due: Optional[datetime]
    topics: list
    domains: list
    calibration: list
    calibration_message: str
    over_time: list
    cases_to_retry: list
    lessons: list
    confident_errors: list
    notices: list
    unsafe_answers: list = ()


def dashboard_data(course=None, store=None, now=None) -> Dashboard:
    from .progress import notices

    course = _course(course)
    store = _store(store)
    now = _now(now)
    answers = store.answers()
    cal = calibration(answers=answers)
    return Dashboard(
        answers=len(answers), due_now=due_count(course, now=now, answers=answers),
        next_due=next_due(course, now=now, answers=answers),
        topics=mastery_by_topic(course, now=now, answers=answers),
        domains=mastery_by_domain(course, now=now, answers=answers),
        calibration=cal, calibration_message=calibration_message(cal),
        over_time=answers_over_time(answers=answers, now=now),
        cases_to_retry=cases_to_retry(course, attempts=store.case_attempts()),
        lessons=lessons_progress(course, completed=store.completed_lessons()),
        confident_errors=confident_errors(course, answers=answers),
        notices=notices(), unsafe_answers=unsafe_answers(course, answers=answers))
