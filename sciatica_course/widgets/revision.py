"""Revision widgets: a revision session (one due question at a time), the progress dashboard, a "Mark this
lesson complete" button, and moving progress between machines. Thin front ends: the scheduling, mastery and
calibration live in :mod:`sciatica_course.revision`, the storage in :mod:`sciatica_course.progress`."""
from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from typing import Optional

from . import lean as W

from ..text import HTMLBlock, clip, esc, inline
from .common import style_html, Quiz, feedback_html


def _course(course):
    if course is not None:
        return course
    from ..loading import load_course

    return load_course()


def _when(dt) -> str:
    if dt is None:
        return ""
    if isinstance(dt, str):
        dt = datetime.fromisoformat(dt.replace("Z", "+00:00"))
    return dt.astimezone().strftime("%d %b %Y, %H:%M")


def _lesson_title(lesson_id: str) -> str:
    """A lesson as a student names it ("lesson 2, Root levels L4, L5 and S1"), never its id."""
    from ..text import human_label

    try:
        lesson = _course(None).lessons[lesson_id]
        return f"lesson {lesson.number}, {lesson.title}"
    except Exception:  # an unknown id or a broken data folder: still words
        return f"the lesson {human_label(lesson_id)}"


def _notice_html() -> str:
    from ..progress import notices

    return "".join(feedback_html(f"<b>About your progress file:</b> {esc(n)}", role="alert") for n in notices())


# ----------------------------------------------------------------------------------------- session

class RevisionSession(W.VBox):
    """A revision session: the questions of :func:`sciatica_course.revision.revision_queue`, one at a time.
    Each is the lesson Quiz widget (so the answer is saved and every option explained); "Next question"
    moves on; the end shows how it went and when the next question falls due.

    An unfinished session is kept in the progress store, so after a kernel restart (or a closed laptop) the
    session carries on where it was, at the first question not yet answered (a reviser half-way through eight
    questions expects the other four, not a new eight); "Start another session" builds a new one. A session
    older than :attr:`RESUME_HOURS` is not resumed: what is due has changed by then."""
    _sc_classes = ("sc-widget", "sc-revision")

    STATE_KEY = "revision_session"
    RESUME_HOURS = 12

    def __init__(self, course=None, limit: int = 10, now=None):
        from .. import revision

        self.course = _course(course)
        self.limit = limit
        self._now = now
        self.header = W.HTML()
        self.reason = W.HTML()
        self.holder = W.VBox()
        self.status = W.HTML()
        self.next_button = W.Button(description="Next question", tooltip="Show the next question",
                                    icon="arrow-right", disabled=True, layout=W.own_layout())
        self.next_button.on_click(lambda _b: self.next())
        self.restart_button = W.Button(description="Start another session", tooltip="Build a new session",
                                       icon="refresh", layout=W.own_layout(display="none"))
        self.restart_button.on_click(lambda _b: self.restart())
        super().__init__(children=[style_html(), self.header, self.reason, self.holder,
                                   W.HBox([self.next_button, self.restart_button]), self.status])
        self._revision = revision
        if not self._resume():
            self.restart()

    # state
    @property
    def finished(self) -> bool:
        return self.index >= len(self.queue)

    def _clock(self) -> datetime:
        return self._now if self._now is not None else datetime.now(timezone.utc)

    def _save_state(self):
        """Keep where the session is (the questions, how far, the results) in the progress store."""
        from .. import progress

        state = None
        if self.queue and not self.finished:
            state = json.dumps({"started": self._started.isoformat(), "index": self.index,
                                "answered": bool(self.current is not None and self.current.answer is not None),
                                "queue": [[e.item_id, e.reason, e.safety, e.confident, e.chosen, e.answered_at]
                                          for e in self.queue],
                                "results": [[i, c] for i, c in self.results]})
        try:
            progress.default_store().set_setting(self.STATE_KEY, state)
        except progress.ProgressError:
            pass   # the answers themselves are saved by the Quiz, which reports a failure

    def _resume(self) -> bool:
        """Carry on an unfinished session from the store; False when there is none to carry on."""
        from .. import progress
        from ..revision import QueueEntry

        try:
            raw = progress.default_store().setting(self.STATE_KEY)
            state = json.loads(raw) if raw else None
            started = datetime.fromisoformat(state["started"]) if state else None
        except (progress.ProgressError, ValueError, KeyError, TypeError):
            return False
        if not state or (self._clock() - started).total_seconds() > self.RESUME_HOURS * 3600:
            return False
        queue = []
        for item_id, reason, safety, confident, *more in state.get("queue", []):
            item = self.course.quizzes.get(item_id)
            if item is None:
                return False          # the course changed under the session: start a new one
            chosen, at = (list(more) + [None, None])[:2]
            queue.append(QueueEntry(item_id, reason, item.topic, item.lesson, safety=safety,
                                    confident=bool(confident), chosen=chosen, answered_at=at))
        index = int(state.get("index", 0)) + (1 if state.get("answered") else 0)
        if not queue or index >= len(queue):
            return False
        self.queue, self.index, self._started = queue, index, started
        self.results = [(i, bool(c)) for i, c in state.get("results", [])][:index]
        self.current = None
        self.restart_button.layout.display = None      # "Start another session" is there from the start
        self.header.value = (
            _notice_html() + f"<div role='heading' aria-level='3'><b>Revision session: {len(queue)} questions"
            f"</b> (carried on where you left it: {_n(index, 'question')} answered before, "
            f"{len(queue) - index} to go).</div><p>Your unfinished session was kept. Press <b>Start another "
            "session</b> for a new set of questions.</p>")
        self.next_button.layout.display = None
        self._show()
        return True

    def restart(self):
        """Build a new session from the store as it is now."""
        self.queue = self._revision.revision_queue(self.course, now=self._now, limit=self.limit)
        self.index = 0
        self.results = []
        self._started = self._clock()
        self.current: Optional[Quiz] = None
        self.restart_button.layout.display = "none"
        counts = {k: sum(e.reason == k for e in self.queue) for k in ("unsafe", "due", "weak_topic", "new")}
        if not self.queue:
            self.header.value = feedback_html(
                "<p>There are no quiz questions in the course yet, so there is nothing to revise.</p>")
            self.next_button.layout.display = "none"
            return
        parts = []
        if counts["unsafe"]:
            parts.append(f"{counts['unsafe']} where your first answer last time was unsafe")
        if counts["due"]:
            parts.append(f"{counts['due']} due for review")
        if counts["weak_topic"]:
            parts.append(f"{counts['weak_topic']} from your weakest topics")
        if counts["new"]:
            parts.append(f"{counts['new']} you have not met yet")
        lead = ("" if counts["due"] or counts["unsafe"] else
                "<p>Nothing is due for review right now, so this session starts with your weakest topics.</p>")
        if counts["unsafe"]:
            lead += ("<p>It starts with the questions where your first answer, the last time you met them, would "
                     "have put a client at risk: like a case with a critical choice, they come back until you answer "
                     "them safely first time.</p>")
        self.header.value = (_notice_html() + f"<div role='heading' aria-level='3'><b>Revision session: "
                             f"{len(self.queue)} question{'s' if len(self.queue) != 1 else ''}</b> "
                             f"({esc(', '.join(parts))}).</div>{lead}")
        self.next_button.layout.display = None
        self._show()

    def _show(self):
        entry = self.queue[self.index]
        item = self.course.quizzes[entry.item_id]
        # the number once, in the question's own heading ("Question 2 of 8."), the reason under it in the line above
        self.current = Quiz(item, course=self.course, number=f"{self.index + 1} of {len(self.queue)}",
                            on_answer=self._answered)
        self.reason.value = f"<p><i>{esc(entry.explain(self._now))}</i></p>"
        self.holder.children = [self.current]
        self.next_button.disabled = True
        self.next_button.description = "Next question" if self.index + 1 < len(self.queue) else "Finish session"
        self.status.value = ""
        self._save_state()

    def _answered(self, quiz, option_id, correct, confidence):
        if len(self.results) == self.index:
            self.results.append((quiz.item.id, bool(correct)))
        self.next_button.disabled = False
        self._save_state()

    # actions a click performs (and tests call)
    def answer(self, option_id: str) -> bool:
        """Answer the current question (what clicking an option does)."""
        if self.current is None or self.finished:
            raise RuntimeError("the session has no current question")
        return self.current.choose(option_id)

    def next(self):
        """Go to the next question, or finish the session after the last one."""
        if self.finished or self.current is None or self.current.answer is None:
            return
        self.index += 1
        if self.index < len(self.queue):
            self._show()
            return
        self._finish()

    def _finish(self):
        right = sum(c for _i, c in self.results)
        nxt = self._revision.next_due(self.course, now=self._now)
        nxt_text = (f" Your next question falls due on {esc(_when(nxt))}." if nxt is not None and
                    nxt > datetime.now(timezone.utc) else "")
        wrong = [i for i, c in self.results if not c]
        again = (" The questions you missed come back within a day or two: recalling them then does the most good."
                 if wrong else "")
        self.holder.children = []
        self.reason.value = ""
        self._save_state()                 # finished: nothing to carry on
        self.next_button.layout.display = "none"
        self.restart_button.layout.display = None
        self.status.value = feedback_html(
            f"<p><b>Session finished:</b> {right} of {len(self.results)} right.{again}{nxt_text}</p>"
            "<p>Short sessions spread over days beat one long session: come back when questions are due.</p>")


def revision_session(course=None, limit: int = 10, now=None) -> RevisionSession:
    """A revision session of up to ``limit`` questions (due first, then weakest topics)."""
    return RevisionSession(course=course, limit=limit, now=now)


# ----------------------------------------------------------------------------------------- how it works

_HTML = HTMLBlock


def schedule_example(answers=None) -> _HTML:
    """How your answers become intervals: the rating rule, then one question's schedule worked through."""
    from ..revision import EXAMPLE_ANSWERS, RATING_RULE, example_schedule

    rule = _table("How an answer becomes an FSRS rating", ["Your answer", "FSRS rating"],
                  [(esc(a), esc(r)) for a, r in RATING_RULE])
    rows = example_schedule(answers or EXAMPLE_ANSWERS)
    steps = _table("One question, answered each time it falls due", ["Answer", "Day", "You answered", "Rating",
                                                                     "Comes back after"],
                   [(r.number, f"day {r.day}", esc(r.answer), esc(r.rating), _n(r.next_in_days, "day"))
                    for r in rows])
    return _HTML(f"<div class='sc-widget'>{rule}<br>{steps}</div>")


# ----------------------------------------------------------------------------------------- dashboard

def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _pct(x) -> str:
    return "–" if x is None else f"{round(100 * x)}%"


def _table(caption: str, head: list, rows: list) -> str:
    th = "".join(f"<th scope='col'>{esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><caption>{esc(caption)}</caption><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


class Dashboard(W.VBox):
    """Mastery by topic and MBLEx domain, answers over time, calibration, lessons completed, cases to retry.
    "Refresh" recomputes everything from the store and updates the figures in place."""
    _sc_classes = ("sc-widget", "sc-dashboard")

    SECTIONS = ("summary", "unsafe", "topics", "domains", "calibration", "over_time", "lessons", "cases")

    def __init__(self, course=None, now=None):
        self.course = _course(course)
        self._now = now
        self.parts = {k: W.HTML() for k in self.SECTIONS}
        self.refresh_button = W.Button(description="Refresh", tooltip="Recompute from your saved progress",
                                       icon="refresh")
        self.refresh_button.on_click(lambda _b: self.refresh())
        super().__init__(children=[style_html(), self.refresh_button] + [self.parts[k] for k in self.SECTIONS])
        self.refresh()

    def refresh(self):
        # SVG written in Python (plotting.svgcharts), not matplotlib: each student's own data, so nothing to store
        from ..plotting.svgcharts import answers_svg, calibration_svg, mastery_svg, svg_html
        from ..revision import dashboard_data

        d = dashboard_data(self.course, now=self._now)
        self.data = d
        nxt = f" The next falls due on {esc(_when(d.next_due))}." if d.next_due and not d.due_now else ""
        done = sum(1 for _l, at in d.lessons if at)
        self.parts["summary"].value = (
            _notice_html() + "<div role='heading' aria-level='3'><b>Your progress</b></div>"
            f"<p>{d.answers} answer{'s' if d.answers != 1 else ''} saved; {d.due_now} question"
            f"{'s' if d.due_now != 1 else ''} due for review now.{nxt} "
            f"Lessons completed: {done} of {len(d.lessons)}.</p>")
        self.parts["unsafe"].value = unsafe_answers_html(d.unsafe_answers, self.course)
        weakest = [m for m in d.topics if m.answered][:3]
        weak_text = ("<p>Weakest topics so far: " + ", ".join(f"<b>{esc(m.label)}</b> ({m.percent}%)"
                                                              for m in weakest) + ".</p>") if weakest else ""
        self.parts["topics"].value = (
            "<div role='heading' aria-level='4'><b>Mastery by topic</b></div>" + weak_text
            + svg_html(*mastery_svg(d.topics)))
        self.parts["domains"].value = (
            "<div role='heading' aria-level='4'><b>Mastery by MBLEx content domain</b></div>"
            + svg_html(*mastery_svg(d.domains, title="Mastery by MBLEx domain")))
        conf_err = ""
        if d.confident_errors:
            names = ", ".join(f"<q>{esc(clip(self.course.quizzes[i].stem, 80))}</q>" for i in d.confident_errors[:5])
            conf_err = f"<p><b>Confident errors to revisit:</b> {names}</p>"
        self.parts["calibration"].value = (
            "<div role='heading' aria-level='4'><b>Calibration: how often you were right when sure</b></div>"
            f"<p>{esc(d.calibration_message)}</p>{conf_err}" + svg_html(*calibration_svg(d.calibration)))
        self.parts["over_time"].value = (
            "<div role='heading' aria-level='4'><b>Answers over time</b></div>"
            + svg_html(*answers_svg(d.over_time)))
        self.parts["lessons"].value = _table(
            "Lessons completed", ["#", "Lesson", "Completed"],
            [(l.number, esc(l.title), f"✓ {esc(_when(at))}" if at else "not yet") for l, at in d.lessons])
        if d.cases_to_retry:
            rows = [(esc(c.title), ("!! critical" if c.worst == "critical" else "! unsafe"),
                     esc(_step_names(c, self.course)), esc(_when(c.finished_at))) for c in d.cases_to_retry]
            cases = _table("Cases to retry: your last attempt had an unsafe or critical choice",
                           ["Case", "Worst choice", "Steps", "Last attempt"], rows)
        else:
            cases = "<p>No cases to retry: none of your last case attempts had an unsafe choice.</p>"
        self.parts["cases"].value = "<div role='heading' aria-level='4'><b>Cases to retry</b></div>" + cases


def _step_names(retry, course) -> str:
    """The flagged steps of a case to retry as a student reads them ("Red-flag decision, Plan"), never step ids."""
    from ..text import human_label

    try:
        from .case_player import KIND_TEXT
    except ImportError:
        KIND_TEXT = {}
    case = course.cases.get(retry.case_id) if hasattr(course, "cases") else None
    kinds = {s.id: s.kind for s in case.steps} if case is not None else {}
    names = [KIND_TEXT.get(kinds.get(sid, ""), human_label(sid)) for sid in retry.flagged_steps]
    return ", ".join(dict.fromkeys(names))


def unsafe_answers_html(rows, course) -> str:
    """The dashboard's list of questions last answered unsafely (empty when there are none): critical and
    confident first, each with the option chosen and what could happen to the client."""
    if not rows:
        return ""
    from ..revision import CONFIDENCE_LABELS

    items = []
    for u in rows:
        item = course.quizzes.get(u.item_id)
        if item is None:
            continue
        opt = next((o for o in item.options if o.id == u.option_id), None)
        mark = "!! critical" if u.safety == "critical" else "! unsafe"
        sure = (f" <b>Confident and unsafe</b> (you were {esc(CONFIDENCE_LABELS.get(u.confidence, 'sure'))})."
                if u.confident else "")
        harm = (f"<br>What could happen: {inline(opt.harm, course, item.sources)}"   # codes as authors, never raw
                if opt is not None and opt.harm else "")
        items.append(f"<li><b>{esc(mark)}</b>: <q>{esc(clip(item.stem, 100))}</q> "
                     f"You chose <q>{esc((opt.text if opt else u.option_id).rstrip('.'))}</q>.{sure}{harm}</li>")
    if not items:
        return ""
    return feedback_html(
        "<div role='heading' aria-level='4'><b>Unsafe answers to revisit first</b></div>"
        f"<p>The last time you met {'this question' if len(items) == 1 else f'these {len(items)} questions'}, your "
        "first answer would have put a client at risk (only a first answer counts: changing it after reading the "
        "feedback does not). They come first in every revision session until you answer them safely first time."
        f"</p><ul>{''.join(items)}</ul>", role="alert")


def dashboard(course=None, now=None) -> Dashboard:
    """The progress dashboard."""
    return Dashboard(course=course, now=now)


# ----------------------------------------------------------------------------------------- cases to retry

class RetryCases(W.VBox):
    """Choose a case whose last attempt had an unsafe or critical choice, and play it again."""
    _sc_classes = ("sc-widget",)

    def __init__(self, course=None):
        from ..revision import cases_to_retry

        self.course = _course(course)
        self.cases = cases_to_retry(self.course)
        self.info = W.HTML()
        self.player_box = W.VBox()
        self.choice = W.Dropdown(options=[(f"{c.title} ({c.worst})", c.case_id) for c in self.cases],
                                 description="Case to retry", style={"description_width": "initial"})
        self.play_button = W.Button(description="Retry this case", tooltip="Play the chosen case again",
                                    icon="play")
        self.play_button.on_click(lambda _b: self.play())
        if self.cases:
            self.info.value = (f"<p>{len(self.cases)} case{'s' if len(self.cases) != 1 else ''} to retry: "
                               "in your last attempt you chose something unsafe. Play it again now that you "
                               "know why.</p>")
            children = [style_html(), self.info, W.HBox([self.choice, self.play_button]), self.player_box]
        else:
            self.info.value = ("<p>No cases to retry: none of your last case attempts had an unsafe or "
                               "critical choice. (Cases you play in lesson 8 appear here when they do.)</p>")
            children = [style_html(), self.info]
        super().__init__(children=children)

    def play(self, case_id: Optional[str] = None):
        case_id = case_id or self.choice.value
        try:
            from .case_player import CasePlayer
        except ImportError:
            self.player_box.children = [W.HTML(feedback_html(
                "The case player is not available in this version of the course.", role="alert"))]
            return None
        try:
            player = CasePlayer(case_id=case_id)
        except Exception as e:  # a broken case must not show a traceback
            self.player_box.children = [W.HTML(feedback_html(
                f"The case {esc(case_id)} could not be opened: {esc(e)}", role="alert"))]
            return None
        self.player_box.children = [player]
        return player


def retry_cases(course=None) -> RetryCases:
    return RetryCases(course=course)


# ----------------------------------------------------------------------------------------- lesson complete

class CompleteButton(W.HBox):
    """'Mark this lesson complete': saves the completion (the first date is kept) and says so."""
    _sc_classes = ("sc-widget",)

    def __init__(self, lesson_id: str):
        from .. import progress

        self.lesson_id = lesson_id
        self.button = W.Button(description="Mark this lesson complete", icon="check",
                               tooltip=f"Save that you completed {_lesson_title(lesson_id)}")
        self.status = W.HTML()
        self.button.on_click(lambda _b: self.mark())
        super().__init__(children=[self.button, self.status])
        try:
            when = progress.completed_lessons().get(lesson_id)
        except progress.ProgressError as e:
            self.status.value = feedback_html(esc(e), role="alert")
            return
        if when:
            self.status.value = feedback_html(f"✓ You completed this lesson on {esc(_when(when))}.")

    def mark(self) -> Optional[str]:
        from .. import progress

        try:
            when = progress.mark_lesson_complete(self.lesson_id)
        except progress.ProgressError as e:
            self.status.value = feedback_html(f"Not saved: {esc(e)}", role="alert")
            return None
        self.status.value = feedback_html(f"✓ Saved: you completed this lesson on {esc(_when(when))}.")
        return when


def complete_button(lesson_id: str) -> CompleteButton:
    """The "Mark this lesson complete" button for the end of a lesson."""
    return CompleteButton(lesson_id)


# ----------------------------------------------------------------------------------------- moving machines

UPLOAD_LABEL = "Import a progress file"
UPLOAD_CSS = ("<style>.sc-upload{font-size:0!important;min-width:0}"
              ".sc-upload i{font-size:var(--jp-widgets-font-size);margin-right:6px}"
              f".sc-upload::after{{content:'{UPLOAD_LABEL}';font-size:var(--jp-widgets-font-size)}}</style>")


class ProgressTransfer(W.VBox):
    """Your name, exporting your progress (optionally anonymous) and importing a progress file."""
    _sc_classes = ("sc-widget",)

    def __init__(self):
        from .. import progress

        self.where = W.HTML()
        self.name = W.Text(description="Your name", placeholder="as your instructor knows you",
                           style={"description_width": "initial"})
        self.save_name = W.Button(description="Save name", tooltip="Save the name shown in your exports")
        self.save_name.on_click(lambda _b: self.set_name())
        self.anonymous = W.Checkbox(description="Anonymous (replace my name with a code)", value=False,
                                    indent=False)
        self.export_button = W.Button(description="Export my progress", icon="download",
                                      tooltip="Make a progress file to download")
        self.export_button.on_click(lambda _b: self.export())
        # ipywidgets writes the number of chosen files after the description ("Import a progress file (0)"), a
        # raw counter: the course style hides the button's own text and shows its label instead (UPLOAD_CSS)
        self.upload = W.FileUpload(accept=".json", multiple=False, description=UPLOAD_LABEL, icon="upload",
                                   tooltip=UPLOAD_LABEL + " (a .json file exported from this course)",
                                   layout=W.Layout(width="auto"), classes=("sc-upload",))
        self.upload.observe(self._uploaded, names="value")
        self.message = W.HTML()
        self.handin_button = None
        if progress.handin_dir() is not None:
            self.handin_button = W.Button(description="Hand in to my instructor", icon="upload",
                                          tooltip="Put a copy of your progress in the class hand-in folder")
            self.handin_button.on_click(lambda _b: self.hand_in())
        st = self.refresh()
        if st:
            self.name.value = st["student"]
        super().__init__(children=[style_html(), W.style_block(UPLOAD_CSS), self.where,
                                   W.HBox([self.name, self.save_name]),
                                   W.HBox([self.anonymous, self.export_button]
                                          + ([self.handin_button] if self.handin_button else [])),
                                   W.HBox([self.upload]), self.message])

    def refresh(self) -> dict:
        """Say where the progress is and what it holds now (after an export or import the counts match the
        message below: "71 answers" above and "73 answers" below was the same file at two moments)."""
        from .. import progress

        try:
            st = progress.status()
        except progress.ProgressError as e:
            self.where.value = feedback_html(esc(e), role="alert")
            return {}
        self.where.value = (f"<p>Your progress is saved on this computer in <code>{esc(st['path'])}</code> "
                            f"({_n(st['answers'], 'answer')}, {_n(st['case_attempts'], 'case attempt')}, "
                            f"{_n(st['lessons'], 'lesson')} completed).</p>")
        return st

    def set_name(self) -> str:
        from .. import progress

        try:
            name = progress.set_student_name(self.name.value)
        except progress.ProgressError as e:
            self.message.value = feedback_html(esc(e), role="alert")
            return ""
        self.message.value = feedback_html(f"Name saved: {esc(name)}." if name else "Name cleared.")
        return name

    def export(self) -> dict:
        """Build the export and offer it as a download link (nothing is written into the course folder)."""
        from .. import progress

        try:
            data = progress.Store().export_data(anonymous=self.anonymous.value)
        except progress.ProgressError as e:
            self.message.value = feedback_html(esc(e), role="alert")
            return {}
        self.refresh()
        text = json.dumps(data, ensure_ascii=False, indent=1)
        b64 = base64.b64encode(text.encode("utf-8")).decode("ascii")
        fname = f"sciatica-progress-{datetime.now():%Y%m%d}{'-anonymous' if data['anonymous'] else ''}.json"
        who = (f"for {esc(data['student'])}" if not data["anonymous"] else
               f"anonymously as {esc(data['student'])}" + ("" if self.anonymous.value else
                                                            " (save your name above to put it on exports)"))
        self.message.value = feedback_html(
            f"<p>Progress ready {who}: {_n(len(data['answers']), 'answer')}, "
            f"{_n(len(data['case_attempts']), 'case attempt')}, {_n(len(data['lessons']), 'completed lesson')}. "
            f"<a download=\"{fname}\" "
            f"href=\"data:application/json;base64,{b64}\">Download {esc(fname)}</a></p>"
            "<p>Or in a terminal: <code>sciatica-course progress export -o my-progress.json</code></p>")
        return data

    def hand_in(self):
        """Copy your progress into the class hand-in folder (what the hand-in button does)."""
        from .. import progress

        try:
            res = progress.hand_in(anonymous=self.anonymous.value)
        except progress.ProgressError as e:
            self.message.value = feedback_html(esc(e), role="alert")
            return None
        self.message.value = feedback_html(f"Handed in: {esc(res.message or res.path)}")
        return res

    def _uploaded(self, change):
        files = change["new"]
        if not files:
            return
        f = files[0]
        self.import_bytes(f["name"], bytes(f["content"]))

    def import_bytes(self, name: str, content: bytes):
        """Merge an uploaded progress file (what the upload button does)."""
        from .. import progress

        try:
            data = json.loads(content.decode("utf-8"))
            res = progress.Store().import_data(data, source=name)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            self.message.value = feedback_html(f"{esc(name)} is not a progress file ({esc(e)}).", role="alert")
            return None
        except progress.ProgressError as e:
            self.message.value = feedback_html(esc(e).replace("\n", "<br>"), role="alert")
            return None
        self.message.value = feedback_html(esc(res.message))
        self.refresh()
        return res


def progress_transfer() -> ProgressTransfer:
    return ProgressTransfer()
