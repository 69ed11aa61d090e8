"""The case player: choose a case, play it step by step, get feedback on every choice, rate your certainty,
and finish with a debrief (your path beside the expert's, with a figure).

All logic is in :mod:`sciatica_course.cases`; this module only renders it. Every string from a case file is
escaped (``esc``/``inline``/``paragraphs``), so HTML or script in a case shows as text and never runs.
Keyboard: every control is a button, checkbox, dropdown or toggle (Tab to move, Space/Enter to press).

``CasePlayer(case_id=None, exam_mode=False, hold_feedback=False)``: with ``hold_feedback=True`` the
feedback of each choice waits behind a "Reveal feedback" button (for presenting a case to a class).
Finished attempts are saved with ``sciatica_course.progress.record_case_attempt`` when it exists.
"""
from __future__ import annotations

from typing import Optional

from . import lean as W

from .. import cases as engine
from ..text import esc, inline, paragraphs, source_list, speech
from .common import CONFIDENCE_LEVELS, style_html, feedback_html, option_button, shuffled

SAFETY_TEXT = {"safe": "✓ safe", "suboptimal": "~ suboptimal", "unsafe": "! unsafe", "critical": "!! critical"}
SAFETY_CSS = {"safe": "#009E73", "suboptimal": "#B8A800", "unsafe": "#E69F00", "critical": "#D55E00"}
DONE_ASKING = "Done asking: go to the decision"
KIND_TEXT = {"intake": "Intake", "red_flag": "Red-flag decision", "referral": "Referral", "irritability": "Irritability",
             "plan": "Plan", "gate": "Must-ask gate", "debrief": "Debrief"}
CASE_CSS = (
    "<style>"
    ".sc-case .sc-badge{display:inline-block;border:2px solid;border-radius:4px;padding:0 5px;font-weight:bold}"
    ".sc-case table{border-collapse:collapse;margin:6px 0}.sc-case td,.sc-case th{border:1px solid #999;"
    "padding:3px 6px;vertical-align:top;text-align:left}"
    ".sc-case .sc-check{height:auto!important;margin:2px 0}"
    ".sc-case .sc-check label{white-space:normal!important;overflow:visible!important;height:auto!important;"
    "line-height:1.35!important;align-items:flex-start}"
    ".sc-case .sc-check input:focus-visible{outline:3px solid #0072B2;outline-offset:2px}"
    "</style>")


def badge(safety: Optional[str]) -> str:
    """A safety class as text plus colour (never colour alone)."""
    if not safety:
        return ""
    return (f'<span class="sc-badge" style="border-color:{SAFETY_CSS[safety]}">{esc(SAFETY_TEXT[safety])}</span>')


def _record(attempt: dict) -> Optional[str]:
    """Save a finished attempt; returns a message when it could not be saved (never raises)."""
    try:
        from .. import progress
    except Exception:
        return None
    fn = getattr(progress, "record_case_attempt", None)
    if fn is None:
        return None
    try:
        fn(attempt)
    except Exception as e:  # never a traceback in a lesson
        return f"Your attempt could not be saved to your progress ({type(e).__name__}: {e})."
    return None


def feedback_block(fb, course) -> str:
    """HTML for one Feedback (escaped)."""
    parts = []
    if fb.kind == "gate":     # a decision tried before the must-ask questions: nothing was taken
        pass
    elif fb.held:
        parts.append(f"<p><i>{esc(fb.text)}</i></p>")
    else:
        parts.append(f"<p>{badge(fb.safety)}{esc(points_line(fb))}</p>{paragraphs(fb.text)}")
        if fb.rationale:
            parts.append(f"<p><b>Why:</b> {inline(fb.rationale)}</p>")
        if fb.sources:
            parts.append("<details><summary>Sources</summary>" + source_list(fb.sources, course) + "</details>")
    if fb.gate:
        parts.append(gate_html(fb))
    if getattr(fb, "unasked", ()):
        parts.append(unasked_html(fb.unasked))
    return "".join(parts)


def unasked_html(unasked, heading: str = "You did not ask, and it was present") -> str:
    """Findings the student never gathered, said plainly (so no feedback seems to quote what they never heard):
    the findings, the question that would have found them, and what the client would have said."""
    if not unasked:
        return ""
    items = "".join(
        f"<li>{esc('; '.join(label for _f, label in found))}. Had you asked <q>{esc(q)}</q>, the client would have "
        f"said: <q>{esc(a)}</q></li>" for q, a, found in unasked)
    return (f"<p><b>{esc(heading)}:</b> you could not have known these, though the feedback and the expert's "
            f"reasoning may mention them.</p><ul>{items}</ul>")


def safe_path_html(steps, intro: str = "") -> str:
    """After a choice that was not safe, or that ended the case early: what should have happened, and at a
    referral what to say to the client. ``intro`` is the engine's sentence that is true of this path
    (:meth:`sciatica_course.cases.Session.safe_path_intro`)."""
    if not steps:
        return ""
    intro = intro or "From the step where your path left the expert's:"
    out = ['<div role="region" aria-label="The safe path"><p><b>The safe path: what should have happened.</b> '
           f"{esc(intro)}</p><ol>"]
    for kind, prompt, expert in steps:
        label = "What to say to the client" if kind == "referral" else KIND_TEXT.get(kind, kind)
        said = "".join(
            f"<li>{speech(text) if kind == 'referral' else inline(text)}<br><i>{inline(fb)}</i></li>"
            for text, fb in expert)
        out.append(f"<li><b>{esc(label)}</b> ({inline(prompt)})<ul>{said}</ul></li>")
    out.append("</ol></div>")
    return "".join(out)


def _pts(x: float) -> str:
    return f"{x:+g}".replace("-", "\u2212")


def _points(x: float) -> str:
    """"+1 point", "+5 points", "−2 points"."""
    return f"{_pts(x)} point{'' if abs(x) == 1 else 's'}"


def points_line(fb) -> str:
    """The points of one choice in the lesson's own terms: "+3 for the choice, +2 for your certainty (Fairly
    sure): +5 points" - the certainty part is the +1/+2/+3 or 0/−2/−6 the lesson introduces."""
    if fb.points is None:
        return ""
    if fb.certainty_marks is None or fb.confidence is None and not fb.certainty_marks:
        return f" · {_points(fb.points)}"
    choice = fb.points - fb.certainty_marks
    from ..cases import CONFIDENCE_LABELS

    level = CONFIDENCE_LABELS.get(fb.confidence or 1, "")
    return (f" · {_pts(choice)} for the choice, {_pts(fb.certainty_marks)} for your certainty ({level}): "
            f"{_points(fb.points)}")


def score_so_far(session) -> str:
    """"Score so far": the score shown (never below 0), what was earned and what was lost - choices, certainty
    and any must-ask gate penalty, each counted at once (the same words as the debrief's score)."""
    return f"<p>Score so far: {esc(session.score_detail().text())}</p>"


def losses_html(score) -> str:
    """Where the points were lost, each choice named, then the points not earned, each named (the debrief): with
    both lists every point between the score and the maximum is explained."""
    out = ""
    if score.losses:
        items = "".join(f"<li>{esc(_pts(pts))}: {esc(what)}</li>" for what, pts in score.losses)
        out += f"<p>Where you lost points:</p><ul>{items}</ul>"
    missed = getattr(score, "missed", ())
    if missed:
        items = "".join(f"<li>{esc(f'{pts:g}')} not earned: {esc(what)}</li>" for what, pts in missed)
        out += f"<p>Points you did not earn (the expert's path at Certain earns them):</p><ul>{items}</ul>"
    return out


def gate_html(fb) -> str:
    """The must-ask gate, with what it cost (it counts in "Score so far" at once; a second stop at the same gate
    costs nothing more) and how to go on."""
    cost = (f" This costs {_pts(fb.gate_points)} points." if getattr(fb, "gate_points", None)
            else " You have already lost the points for this gate: asking now costs nothing.")
    how = f" Ask them in the intake above, then press {DONE_ASKING} to come back to this decision."
    return f'<p role="alert"><b>Must-ask gate:</b> {esc(fb.gate)}{esc(cost)}{esc(how)}</p>'


def intake_match(row, rows) -> str:
    """The Match cell of an intake row, true to the count: "same as the expert" only when this round asked only
    the expert's questions and, with any other rounds, all of them; else "2 of the expert's 8 questions"."""
    expert = {cid for cid, _t in row.expert}
    mine = [c[0] for c in row.chosen]
    k, extra = sum(c in expert for c in mine), sum(c not in expert for c in mine)
    rounds = [r for r in rows if r.kind == "intake" and r.step_id == row.step_id]
    asked = {c[0] for r in rounds for c in r.chosen}
    if not extra and k == len(expert):
        return "same as the expert"
    text = f"{k} of the expert's {len(expert)} questions"
    if extra:
        text += f", and {extra} the expert does not ask"
    if len(rounds) > 1:
        got = len(expert & asked)
        text += ("; with your other rounds, all of the expert's" if got == len(expert)
                 else f"; {got} of {len(expert)} over all your rounds")
    return text


def debrief_html(debrief, course, figure: bool = True, safe_path: bool = True) -> str:
    """The debrief as HTML: score, your path beside the expert's, flags, rationale, what-ifs, figure.
    ``safe_path=False`` leaves out the safe path (the case player has shown it under the last feedback)."""
    d = debrief
    out = [f'<div role="heading" aria-level="3"><b>Debrief: {esc(d.title)}</b></div>',
           f"<p><b>Score: {esc(d.points.headline() if d.points else d.score_text())}</b>"
           f"{esc(d.points.detail()) if d.points else ''}" + (" · exam mode" if d.exam_mode else "") + "</p>"]
    if d.points is not None:
        out.append(losses_html(d.points))
    if safe_path:
        out.append(safe_path_html(d.safe_path, d.safe_path_intro))
    counts = ", ".join(f"{esc(SAFETY_TEXT[k])}: {v}" for k, v in d.safety_counts.items() if v)
    if counts:
        out.append(f"<p>Your choices by safety class: {counts}</p>")
    if d.confident_unsafe:
        items = "".join(f"<li>{badge(s)} {esc(t)} (you were {esc(engine.CONFIDENCE_LABELS.get(c, ''))})</li>"
                        for _sid, _cid, t, s, c in d.confident_unsafe)
        out.append(f'<div role="alert"><p><b>Confident and unsafe:</b> you were sure of these unsafe choices. '
                   f'Confident errors are the ones to revisit first.</p><ul>{items}</ul></div>')
    if d.missed_red_flags:
        items = "".join(f"<li>{esc(label)}</li>" for _f, label in d.missed_red_flags)
        out.append(f"<p><b>Missed red flags</b> (present, but you never asked about them):</p><ul>{items}</ul>")
    elif d.screening_not_asked:
        items = "".join(f"<li>{esc(t)}</li>" for _c, t in d.screening_not_asked)
        out.append(f"<p><b>Screening questions you did not ask</b> (none hid a red flag this time):</p><ul>{items}</ul>")
    else:
        out.append("<p>You asked every red-flag screening question.</p>")
    flags = {f for f, _l in d.missed_red_flags}
    others = tuple((q, a, tuple(x for x in found if x[0] not in flags)) for q, a, found in d.unasked)
    out.append(unasked_html(tuple(u for u in others if u[2]), "Other findings you did not ask about"))
    rows = []
    for r in d.rows:
        yours = "<br>".join(f"{badge(c[2])} {esc(c[1])}" for c in r.chosen) if r.kind != "gate" else \
            "Not asked yet: " + "; ".join(esc(c[1]) for c in r.chosen)
        expert = "<br>".join(esc(t) for _i, t in r.expert) if r.kind != "gate" else "Ask them before deciding"
        same = "same as the expert" if r.matches_expert else "differs"
        if r.kind == "intake":
            same = intake_match(r, d.rows)
        conf = engine.CONFIDENCE_LABELS.get(r.confidence, "-") if r.confidence else "-"
        rows.append(f"<tr><th scope='row'>{esc(KIND_TEXT.get(r.kind, r.kind))}</th><td>{yours}</td><td>{expert}</td>"
                    f"<td>{esc(same)}</td><td>{esc(conf)}</td><td>{r.points:+g}</td></tr>")
    out.append("<table><caption>Your path beside the expert's</caption><thead><tr><th scope='col'>Step</th>"
               "<th scope='col'>Your choice</th><th scope='col'>Expert's choice</th><th scope='col'>Match</th>"
               "<th scope='col'>Certainty</th><th scope='col'>Points</th></tr></thead><tbody>"
               + "".join(rows) + "</tbody></table>")
    why = []
    for r in d.rows:
        if r.kind == "gate":
            continue
        for cid, text, safety, _pts, fb, rat, srcs in r.chosen:
            why.append(f"<details><summary>{esc(KIND_TEXT.get(r.kind, r.kind))}: {esc(text)} {badge(safety)}"
                       f"</summary>{paragraphs(fb)}<p><b>Why:</b> {inline(rat)}</p>{source_list(srcs, course)}"
                       f"</details>")
    out.append("<p><b>Each choice and its rationale</b> (open a line to read it):</p>" + "".join(why))
    if d.ending and d.ending != d.expert_summary:
        out.append(f"<p><b>Where your path ended:</b></p>{paragraphs(d.ending)}")
    out.append(f"<p><b>The expert's reasoning:</b></p>{paragraphs(d.expert_summary)}")
    if d.what_ifs:
        wrows = []
        for w in d.what_ifs:
            if w.note:
                wrows.append(f"<tr><th scope='row'>{esc(w.label)}</th><td colspan='2'>{esc(w.note)}</td></tr>")
                continue
            from ..plandiff import plan_headline

            head = esc(plan_headline(w.urgency, w.treat_today, w.irritability, w.position))
            wrows.append(f"<tr><th scope='row'>{esc(w.label)}</th><td>{head}</td>"
                         f"<td>{'<br>'.join(inline(x) for x in w.differences)}</td></tr>")
        out.append("<table><caption>What if? The same client with one thing changed, run through the course's "
                   "rules</caption><thead><tr><th scope='col'>Variant</th><th scope='col'>The rules say</th>"
                   "<th scope='col'>What changes</th></tr></thead><tbody>" + "".join(wrows) + "</tbody></table>")
    if figure:
        from ..plotting.cases import case_path_html   # SVG: no matplotlib in a lesson that plays cases

        out.append(case_path_html(d))
    return "".join(out)


class _HTMLView:
    def __init__(self, html: str):
        self.html = html

    def _repr_html_(self):
        from ..text import TABLE_CSS

        return f'<div class="sc-case">{TABLE_CSS if "<table" in self.html else ""}{self.html}</div>'


def show_debrief(session, course=None, figure: bool = True) -> _HTMLView:
    """Display the debrief of a played session (e.g. ``cases.play_expert("...")``) in a lesson."""
    course = course if course is not None else session.course
    return _HTMLView(debrief_html(session.debrief(), course, figure=figure))


def case_card(case_id: str, course=None) -> _HTMLView:
    """The client and the story of a case, as a lesson shows it."""
    case = engine.get_case(case_id, course)
    return _HTMLView(f"<p><b>{esc(case.title)}</b> · {esc(case.client)}</p>{paragraphs(case.story)}")


def case_list(course=None) -> _HTMLView:
    """A table of every case: title, client, difficulty and topics (no spoilers: no urgency shown)."""
    from ..loading import load_course

    course = course if course is not None else load_course()
    rows = "".join(
        f"<tr><th scope='row'>{esc(c.title)}</th><td>{esc(c.client)}</td><td>{esc(c.summary)}</td>"
        f"<td>{esc(c.difficulty)}</td><td>{esc(', '.join(t.replace('_', ' ') for t in c.tags.topics))}</td>"
        f"<td>{esc(', '.join(c.tags.mblex_domains))}</td></tr>" for c in course.cases)
    return _HTMLView("<table><caption>The case library</caption><thead><tr><th scope='col'>Case</th>"
                     "<th scope='col'>Client</th><th scope='col'>In a line</th><th scope='col'>Level</th>"
                     "<th scope='col'>Topics</th><th scope='col'>MBLEx domains</th></tr></thead><tbody>"
                     + rows + "</tbody></table>")


def case_by_title(ref: Optional[str], course) -> Optional[str]:
    """A case id from its id or its title as the student reads it: a lesson opens a case by title,
    ``CasePlayer("Sciatica that changed overnight")``, so the cell does not name the answer (an id such as
    ``cauda_equina`` does)."""
    if ref is None or ref in course.cases:
        return ref
    wanted = " ".join(str(ref).split()).casefold()
    for c in course.cases:
        if " ".join(c.title.split()).casefold() == wanted:
            return c.id
    return ref


class CasePlayer(W.VBox):
    """Play a case with feedback per choice, certainty buttons, score and a debrief with a path figure."""
    _sc_classes = ("sc-widget", "sc-case")

    def __init__(self, case_id: Optional[str] = None, exam_mode: bool = False, hold_feedback: bool = False,
                 course=None, record: bool = True):
        from ..loading import load_course

        self.course = course if course is not None else load_course()
        self.hold_feedback = hold_feedback
        self.record = record
        self.session: Optional[engine.Session] = None
        self.save_message: Optional[str] = None
        self.attempt: Optional[dict] = None
        self._held: list[str] = []
        options = [(f"{c.title} ({c.difficulty})", c.id) for c in self.course.cases]
        case_id = case_by_title(case_id, self.course)
        if case_id is not None:
            engine.get_case(case_id, self.course)  # a clear KeyError for an unknown id
        self.picker = W.Dropdown(options=options, value=case_id if case_id else (options[0][1] if options else None),
                                 description="Case", style={"description_width": "initial"},
                                 layout=W.Layout(width="auto"))
        self.exam = W.Checkbox(value=bool(exam_mode), description="Exam mode: feedback at the end", indent=False)
        self.start_button = W.Button(description="Start case", button_style="primary",
                                     tooltip="Start (or restart) the chosen case")
        self.start_button.on_click(lambda _b: self.start())
        self.header = W.HTML('<div role="heading" aria-level="3"><b>Case player</b></div>'
                             "<p>Choose a case from the list and press <b>Start case</b>.</p>")
        self.transcript = W.HTML()
        self.prompt = W.HTML()
        self.checks = W.VBox()
        # asking is the main action; moving on is the quieter one (a blue "Done asking" invited skipping the intake)
        self.ask_button = W.Button(description="Ask these questions", button_style="primary",
                                   tooltip="Ask the ticked questions")
        self.ask_button.on_click(lambda _b: self.ask())
        self.done_button = W.Button(description=DONE_ASKING,
                                    tooltip="Stop asking and make the decision")
        self.done_button.on_click(lambda _b: self.done_asking())
        self.confidence = W.ToggleButtons(
            options=[(label, value) for label, value in CONFIDENCE_LEVELS], value=None,
            description="How sure are you?", style={"description_width": "initial", "button_width": "auto"},
            tooltips=[label for label, _ in CONFIDENCE_LEVELS])
        self.options = W.VBox()
        self.feedback = W.HTML()
        self.reveal_button = W.Button(description="Reveal feedback", tooltip="Show the feedback held for the class",
                                      disabled=True)
        self.reveal_button.on_click(lambda _b: self.reveal())
        self.score_html = W.HTML()
        self.debrief = W.HTML()
        self.step_box = W.VBox()
        controls = W.HBox([self.picker, self.exam, self.start_button])
        children = [style_html(), W.style_block(CASE_CSS), controls, self.header, self.transcript, self.step_box,
                    self.feedback]
        if hold_feedback:
            children.append(self.reveal_button)
        children += [self.score_html, self.debrief]
        super().__init__(children=children)
        if case_id is not None:
            self.start()

    # ---- actions (what the buttons do; tests call them directly) ----------------------------
    def start(self, case_id: Optional[str] = None):
        if case_id is not None:
            self.picker.value = case_id
        if self.picker.value is None:
            self.header.value = "<p>No cases are available.</p>"
            return
        self.session = engine.start(self.picker.value, self.course, exam_mode=self.exam.value)
        self.attempt = None
        self.save_message = None
        self._held = []
        case = self.session.case
        mode = " · exam mode: feedback comes at the end" if self.session.exam_mode else ""
        self.header.value = (f'<div role="heading" aria-level="3"><b>{esc(case.title)}</b></div>'
                             f"<p><i>{esc(case.client)}</i>{esc(mode)}</p>{paragraphs(case.story)}")
        self.transcript.value = ""
        self.feedback.value = ""
        self.debrief.value = ""
        self.reveal_button.disabled = True
        self._render_step()

    def ask(self, ids=None):
        """Ask the ticked intake questions (or the given ids). The player stays at the intake, so a student can
        ask in rounds; :meth:`done_asking` (the "Done asking" button) goes on to the decision. Once every question
        is asked it goes on by itself."""
        if ids is None:
            ids = [cb._choice_id for cb in self.checks.children if cb.value]
        if not ids:
            self.feedback.value = feedback_html("<p>Tick at least one question to ask.</p>")
            return None
        fb = self._take(list(ids), intake=True)
        if fb is not None and self.session.current is not None and self.session.current.kind == "intake" \
                and not self.session.available_choices():
            self.done_asking()
        return fb

    def done_asking(self):
        """Go from the intake to the decision (a must-ask gate is checked when the student decides there)."""
        s = self.session
        if s is None or s.finished or s.current.kind != "intake":
            return
        s.done_asking()
        self._render_step()

    def choose(self, choice_id: str):
        """Take a single choice at a decision step, with the certainty currently selected."""
        return self._take(choice_id, confidence=self.confidence.value)

    def reveal(self):
        """Show the feedback held back (hold_feedback=True)."""
        if self._held:
            self.feedback.value = feedback_html("".join(self._held))
            self._held = []
        self.reveal_button.disabled = True

    # ---- rendering --------------------------------------------------------------------------
    def _take(self, choice, confidence=None, intake: bool = False):
        if self.session is None or self.session.finished:
            return None
        try:
            fb = self.session.ask(choice) if intake else self.session.choose(choice, confidence=confidence)
        except engine.CaseError as e:
            self.feedback.value = feedback_html(f"<p>{esc(e)}</p>")
            return None
        block = feedback_block(fb, self.course)
        title = f"<p><b>{esc(KIND_TEXT.get(fb.kind, fb.kind))}</b></p>"
        if self.hold_feedback and not fb.held and fb.kind != "gate":
            self._held.append(title + block)
            gate = gate_html(fb) if fb.gate else ""
            self.feedback.value = feedback_html("<p><i>Feedback held: press Reveal feedback to show it.</i></p>" + gate)
            self.reveal_button.disabled = False
        else:
            self.feedback.value = feedback_html(title + block)
        self.confidence.value = None
        self._render_step()
        if fb.answers:   # last, so a page that waits for the client's answer sees everything else updated too
            qa = "".join(f"<li><b>You:</b> {esc(q)}<br><b>Client:</b> {esc(a)}</li>" for q, a in fb.answers)
            self.transcript.value = (self.transcript.value or '<p><b>What the client told you</b></p>') + \
                f"<ul>{qa}</ul>"
        return fb

    def _render_step(self):
        s = self.session
        self.score_html.value = (score_so_far(s) if not s.exam_mode
                                 else "<p>Exam mode: your score comes in the debrief.</p>")
        step = s.current
        if step is None:
            self.step_box.children = []
            self._finish()
            return
        head = f'<div role="heading" aria-level="4"><b>{esc(KIND_TEXT.get(step.kind, step.kind))}.</b> {inline(step.prompt)}</div>'
        if step.kind == "intake":
            head += (f"<p><i>Ask in as many rounds as you like. When you have asked enough, press "
                     f"<b>{esc(DONE_ASKING)}</b>.</i></p>")
        self.prompt.value = head
        if step.multi:
            boxes = []
            for c in s.available_choices():
                cb = W.Checkbox(value=False, description=c.text, indent=False, layout=W.Layout(width="auto"),
                                classes=("sc-check",))
                cb._choice_id = c.id
                boxes.append(cb)
            self.checks.children = boxes
            self.step_box.children = [self.prompt, self.checks, W.HBox([self.ask_button, self.done_button])]
        else:
            buttons = []
            for c in shuffled(f"case:{s.case.id}:{step.id}", step.choices):   # the expert's choice is not always first
                b = option_button(c.text)
                b.on_click(lambda _b, cid=c.id: self.choose(cid))
                b._choice_id = c.id
                buttons.append(b)
            self.options.children = buttons
            self.step_box.children = [self.prompt, self.confidence, self.options]

    def _finish(self):
        s = self.session
        d = s.debrief()
        self.score_html.value = f"<p><b>Finished. Score: {esc(d.points.headline())}</b></p>"
        shown = bool(d.safe_path) and not s.exam_mode and not self.hold_feedback
        if shown:        # right under the choice that ended the case, before the debrief
            self.feedback.value += feedback_html(safe_path_html(d.safe_path, d.safe_path_intro))
        html = debrief_html(d, self.course, safe_path=not shown)
        if self.record and self.attempt is None:
            self.attempt = s.to_attempt()
            self.save_message = _record(self.attempt)
        if self.save_message:
            html += f"<p><i>{esc(self.save_message)}</i></p>"
        if self.hold_feedback and self._held:
            html = "<p><i>Press Reveal feedback for the last step's feedback.</i></p>" + html
        self.debrief.value = html

    # ---- for tests and instructors ---------------------------------------------------------
    def option_buttons(self) -> dict:
        return {b._choice_id: b for b in self.options.children}

    def question_boxes(self) -> dict:
        return {cb._choice_id: cb for cb in self.checks.children}


def case_player(case_id: Optional[str] = None, **kw) -> CasePlayer:
    """The case player widget (see :class:`CasePlayer`)."""
    return CasePlayer(case_id=case_id, **kw)


__all__ = ["CasePlayer", "case_player", "debrief_html", "show_debrief", "case_card", "case_list", "feedback_block", "badge"]
