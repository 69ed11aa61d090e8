"""Widgets and tables for lessons 03 (assessment reasoning) and 04 (red flags and referral).

- :class:`IntakeConversation`: choose questions to ask a client, see the answers and what each changes;
- :class:`LRExplorer`: pre-test probability, a test and its result -> post-test probability and a Fagan nomogram;
- :class:`ScreeningWidget`: tick findings -> urgency, where to go, what to say, the reason and its source;
- :class:`TriagePractice`: short vignettes to triage, with explained feedback for every answer;
- tables: :func:`findings_table`, :func:`red_flag_table`, :func:`special_test_table`, :func:`accuracy_table`,
  :func:`serious_not_emergency`, :func:`rules_table`.

Every widget is thin: it calls :mod:`sciatica_course.reasoning.screening` or :mod:`sciatica_course.diagnostics`
and renders into an ``HTML`` widget's ``value`` (readable from Python in tests). Every control has a visible
label that is also its accessible name. All text from ``data/`` goes through :mod:`sciatica_course.text`.
"""
from __future__ import annotations

import time

from . import lean as W

from ..text import URGENCY_MARK, HTMLBlock, html_table, cite, esc, inline, source_list, sources_block, without_verdict
from .common import (WorkedExample, _record_answer, feedback_html, findings_list_html, option_button,
                     style_html)

URGENCIES = ("emergency", "urgent", "routine", "none")
# Colour plus a text marker: never colour alone (Okabe-Ito colours).
URGENCY_STYLE = {
    "emergency": ("#D55E00", URGENCY_MARK["emergency"], "Emergency Department / 999 - now, today"),
    "urgent": ("#E69F00", URGENCY_MARK["urgent"], "GP, urgent care or the client's specialist team - same day to within a few days"),
    "routine": ("#0072B2", URGENCY_MARK["routine"], "GP or physiotherapist - a routine appointment"),
    "none": ("#009E73", URGENCY_MARK["none"], "no referral needed from what was asked - treat, dosed by irritability, and safety-net"),
}
ANSWER_LABELS = {"emergency": "Emergency", "urgent": "Urgent", "routine": "Routine", "none": "No referral"}


def _course(course):
    from ..loading import load_course

    return course if course is not None else load_course()


def urgency_badge(urgency: str) -> str:
    colour, mark, _ = URGENCY_STYLE[urgency]
    return (f"<span style='display:inline-block;border:2px solid {colour};border-left:10px solid {colour};"
            f"padding:2px 8px;font-weight:bold'>{esc(mark)}</span>")


_table = html_table


def _screen(findings: dict, course):
    from ..reasoning.findings import validate_findings
    from ..reasoning.screening import screen

    return screen(validate_findings(findings, course), course)


def _result_html(findings: dict, course, empty_note: str = "") -> str:
    """Urgency, treat-today, the most urgent referral (where, when, what to say, what to do), reasons + sources."""
    s = _screen(findings, course)
    # the generic "where" of an urgency only when no referral says where this client goes (pregnancy: maternity
    # triage; chemotherapy: the oncology line), so the badge never contradicts the referral below it
    summary = URGENCY_STYLE[s.urgency][2] if s.referral is None else s.referral.timeframe
    parts = [f"<p>{urgency_badge(s.urgency)} &nbsp; {esc(summary)}</p>"]
    if s.treat_today:
        parts.append("<p><b>Massage today:</b> possible, after the rest of the assessment (cautions may change "
                     "how you treat).</p>")
    else:
        why = "a red flag needs referral first" if s.urgency in ("emergency", "urgent") else \
            "a systemic contraindication applies"
        parts.append(f"<p><b>Massage today:</b> <b>no</b> - {esc(why)}.</p>")
    ref = s.referral
    if ref is not None:
        parts.append(
            f"<p><b>Where:</b> {esc(ref.where)}<br><b>When:</b> {esc(ref.timeframe)}</p>"
            f"<p><b>What to say:</b> {inline(ref.say)}</p><p><b>What to do:</b> {inline(ref.do)}</p>")
    if s.reasons:
        items = "".join(f"<li>{inline(r.text)} <small>{cite(r.sources, course)}</small></li>" for r in s.reasons)
        parts.append(f"<p><b>Why</b> (every rule that applies, most urgent first):</p><ul>{items}</ul>")
    elif empty_note:
        parts.append(f"<p>{esc(empty_note)}</p>")
    if s.reasons:
        keys = [k for r in s.reasons for k in r.sources]
        parts.append(f"<details><summary>Sources</summary>{source_list(keys, course)}</details>")
    return "".join(parts)


# ---- tables -----------------------------------------------------------------------------------------
def findings_table(group: str | None = None, course=None) -> HTMLBlock:
    """The findings vocabulary (optionally one group) with the question a therapist asks."""
    course = _course(course)
    names = {"red_flag": "red-flag screen", "course": "course and irritability", "caution": "caution"}
    rows = []
    for f in course.findings:
        if group is not None and f.group != group:
            continue
        kind = "yes / no" if f.type == "bool" else \
            f"number {'' if f.min is None else f'{f.min:g}'}–{'' if f.max is None else f'{f.max:g}'} {f.unit or ''}"
        rows.append([f"<b>{esc(f.label)}</b>", inline(f.question), esc(kind), esc(names[f.group])])
    return _table("What to ask: the findings of the course and the question behind each",
                  ["Finding", "What you ask", "Answer", "Group"], rows)


def red_flag_table(*flag_ids: str, course=None) -> HTMLBlock:
    """The serious conditions of data/red_flags.yaml: screening questions, rules with urgency, where to go. With
    no id, every condition; ``red_flag_table("spinal_fracture", "anticoagulant_fall")`` shows those conditions one
    under another, in that order, with one list of their sources (one cell instead of two)."""
    from ..conditions import student_describe as describe

    course = _course(course)
    unknown = [f for f in flag_ids if f not in course.red_flags.ids]
    if unknown:
        raise KeyError(f"no red flag {', '.join(map(repr, unknown))}; red flags: {', '.join(course.red_flags.ids)}")
    shown = [course.red_flags[f] for f in dict.fromkeys(flag_ids)] if flag_ids else list(course.red_flags)
    blocks = []
    for rf in shown:
        qs = "".join(f"<li>{inline(q)}</li>" for q in rf.screening_questions)
        rows = "".join(
            f"<tr><td style='text-align:left;vertical-align:top'>{esc(describe(r.when, course))}</td>"
            f"<td style='text-align:left;vertical-align:top'>{urgency_badge(r.urgency)}</td>"
            f"<td style='text-align:left;vertical-align:top'>{esc(r.referral.where)}<br><small>{esc(r.referral.timeframe)}</small></td>"
            f"<td style='text-align:left;vertical-align:top'><small>{cite(r.sources, course)}</small></td></tr>"
            for r in rf.rules)
        why = f"<p><b>Why ask:</b> {inline(rf.why_ask)}</p>" if rf.why_ask else ""
        blocks.append(
            f"<section><h3>{esc(rf.condition)}</h3><p>{inline(rf.description)}</p>{why}"
            f"<p><b>Screening questions</b></p><ul>{qs}</ul>"
            f"<table><caption>{esc(rf.condition)}: when, how urgent, where</caption><thead><tr>"
            "<th scope='col' style='text-align:left'>When</th><th scope='col' style='text-align:left'>Urgency</th>"
            "<th scope='col' style='text-align:left'>Where</th><th scope='col' style='text-align:left'>Sources</th>"
            f"</tr></thead><tbody>{rows}</tbody></table></section>")
    keys = [k for rf in shown for r in rf.rules for k in r.sources]
    return HTMLBlock("".join(blocks) + sources_block(keys, course))


def rules_table(course=None) -> HTMLBlock:
    """Every red-flag rule in force, one row each: the rules an instructor can adapt in data/red_flags.yaml."""
    from ..reasoning.screening import rules_in_force

    course = _course(course)
    rows = [[esc(r["condition"]), esc(r["when"]), urgency_badge(r["urgency"]), esc(r["where"]),
             f"<small>{cite(r['sources'], course)}</small>"] for r in rules_in_force(course)]
    return _table("The red-flag rules in force", ["Condition", "When", "Urgency", "Where",
                                                                        "Sources"], rows)


def special_test_table(test_id: str | None = None, course=None) -> HTMLBlock:
    """Special tests: what they are, what counts as positive, the caveat and the scope note."""
    course = _course(course)
    rows = []
    for t in course.special_tests:
        if test_id is not None and t.id != test_id:
            continue
        rows.append([f"<b>{esc(t.name)}</b><br><small>{inline(t.purpose)}</small>", inline(t.procedure),
                     inline(t.positive), inline(t.caveat) + f" <small>{cite(t.sources, course)}</small>"])
    if not rows:
        raise KeyError(f"no special test {test_id!r}; tests: {', '.join(course.special_tests.ids)}")
    note = ("<p><i>Scope: massage therapists do not diagnose; these tests are here so you understand what other "
            "clinicians report, and why a single test is weak.</i></p>")
    keys = [k for t in course.special_tests if test_id in (None, t.id) for k in t.sources]
    return HTMLBlock(_table("Special tests: procedure, what counts as positive, and the catch",
                            ["Test", "How it is done", "Positive when", "Caveat"], rows).html + note
                     + sources_block(keys, course))


def accuracy_table(test_id: str | None = None, course=None) -> HTMLBlock:
    """Reported accuracy per study and population, with likelihood ratios where both figures are quotable."""
    from ..diagnostics import accuracy_rows

    course = _course(course)
    rows = []
    for a in accuracy_rows(course, test_id):
        spec = "not quoted" if a.specificity is None else f"{a.specificity:.2f}"
        lrs = "—" if not a.usable else f"LR+ {a.lr_pos:.2f} / LR− {a.lr_neg:.2f}"
        rows.append([f"{esc(a.test_name)}<br><small>{esc(a.short)}</small>", f"{esc(a.population)}<br><small>reference: {esc(a.reference_standard)}</small>",
                     f"{a.sensitivity:.2f}", spec, esc(lrs),
                     f"<small>{esc(a.note or '')} {cite([a.study], course)}</small>"])
    table = _table("Reported accuracy: the same test in different populations",
                   ["Test", "Population", "Sensitivity", "Specificity", "Likelihood ratios", "Notes"], rows)
    return HTMLBlock(table.html + sources_block([a.study for a in accuracy_rows(course, test_id)], course))


CONTRASTS = (
    ("History of cancer, new back pain, no neurological symptoms", {"cancer_history": True}),
    ("History of cancer with new numbness in the leg", {"cancer_history": True, "numbness": True}),
    ("Fever with back pain", {"fever": True}),
    ("Fever with back pain and foot drop", {"fever": True, "foot_drop": True}),
    ("New foot drop in one leg", {"foot_drop": True}),
    ("Foot drop with symptoms in both legs", {"foot_drop": True, "bilateral_leg_symptoms": True}),
    ("Inflammatory back pain pattern", {"inflammatory_back_pain": True}),
    ("Saddle numbness", {"saddle_anaesthesia": True}),
)


def serious_not_emergency(course=None) -> HTMLBlock:
    """Pairs of presentations computed by the screening: serious conditions are not all emergencies."""
    course = _course(course)
    rows = []
    for label, f in CONTRASTS:
        s = _screen(f, course)
        ref = s.referral
        rows.append([esc(label), urgency_badge(s.urgency), esc(ref.where if ref else "—"),
                     esc(ref.timeframe if ref else "—")])
    return _table("Serious does not always mean emergency (each row computed from the course's red-flag rules)",
                  ["Presentation", "Urgency", "Where", "When"], rows)


# ---- intake conversation ----------------------------------------------------------------------------
class IntakeConversation(W.VBox):
    """Choose questions to ask a client (data/intake.yaml), see each answer and what it changes; the screening
    of what you have learned so far is shown live; *Finish* lists the essential questions you skipped."""
    _sc_classes = ("sc-widget",)

    def __init__(self, client_id: str = "maria", course=None):
        self.course = _course(course)
        self.client = self.course.intake[client_id]
        self.asked: list[str] = []
        self.findings: dict = {}
        self.header = W.HTML(f"<p><b>{esc(self.client.name)}</b> says: {inline(self.client.opening)}</p>"
                             "<p>Choose the questions you would ask, in the order you would ask them.</p>")
        self.buttons = {}
        for q in self.client.questions:
            b = option_button(q.ask)
            b.on_click(lambda _b, qid=q.id: self.ask(qid))
            self.buttons[q.id] = b
        self.finish_button = W.Button(description="Finish the conversation", button_style="info",
                                      tooltip="End the intake and see what you missed")
        self.finish_button.on_click(lambda _b: self.finish())
        self.transcript = W.HTML(value="")
        self.status = W.HTML(value=self._status_html())
        self.summary = W.HTML(value="")
        super().__init__(children=[style_html(), self.header, W.VBox(list(self.buttons.values())), self.transcript,
                                   self.status, self.finish_button, self.summary])

    def _question(self, qid):
        for q in self.client.questions:
            if q.id == qid:
                return q
        raise KeyError(f"{self.client.id} has no question {qid!r}; questions: "
                       f"{', '.join(q.id for q in self.client.questions)}")

    def ask(self, question_id: str) -> str:
        """Ask one question (what a click does); returns the answer."""
        from ..reasoning.findings import findings_dict

        q = self._question(question_id)
        if question_id not in self.asked:
            self.asked.append(question_id)
            self.findings.update(findings_dict(q.findings, self.course))
            b = self.buttons[question_id]
            b.description = "✓ asked: " + q.ask
            b.tooltip = b.description
        items = []
        for qid in self.asked:
            x = self._question(qid)
            items.append(f"<li><b>You:</b> {inline(x.ask)}<br><b>{esc(self.client.name.split(',')[0])}:</b> "
                         f"{inline(x.answer)}<br><i>What this changes:</i> {inline(x.changes)} "
                         f"<small>{cite(x.sources, self.course)}</small></li>")
        # the full references of every source cited above (a short label may cut a long title with "…")
        keys = [k for qid in self.asked for k in self._question(qid).sources]
        self.transcript.value = feedback_html(f"<ol>{''.join(items)}</ol>" + sources_block(keys, self.course))
        self.status.value = self._status_html()
        return q.answer

    def _status_html(self) -> str:
        present = []
        for k, v in self.findings.items():
            label = self.course.findings[k].label
            present.append(label if v is True else f"{label}: no" if v is False else f"{label} = {v:g}")
        if not self.asked:
            return "<p><i>Nothing asked yet. The screening can only use what you ask.</i></p>"
        s = _screen(self.findings, self.course)
        got = "; ".join(esc(p) for p in present) or "nothing relevant yet"
        return (f"<p><b>What you know so far:</b> {got}</p>"
                f"<p><b>Screening of what you know:</b> {urgency_badge(s.urgency)}</p>")

    def missed(self) -> list[str]:
        """Ids of the essential questions not asked."""
        return [q.id for q in self.client.questions if q.essential and q.id not in self.asked]

    def finish(self) -> str:
        """End the conversation: the essential questions skipped, the tutor's summary and the screening result."""
        missed = self.missed()
        if missed:
            lst = "".join(f"<li>{inline(self._question(m).ask)}</li>" for m in missed)
            head = (f"<p><b>You skipped {len(missed)} essential question{'s' if len(missed) != 1 else ''}:</b></p>"
                    f"<ul>{lst}</ul><p>Anything you do not ask counts as absent - which is exactly how red flags "
                    "are missed.</p>")
        else:
            head = "<p><b>You asked every essential question.</b></p>"
        all_findings = {}
        from ..reasoning.findings import findings_dict
        for q in self.client.questions:
            all_findings.update(findings_dict(q.findings, self.course))
        # the summary knows every answer: say which of them the student never heard (walk-through: Maria's summary
        # mentioned her veins to a student who had not asked about them)
        name = esc(self.client.name.split(",")[0])
        unasked = [q for q in self.client.questions if q.id not in self.asked and q.findings]
        told = "".join(f"<li><b>You:</b> {inline(q.ask)}<br><b>{name}:</b> {inline(q.answer)}</li>" for q in unasked)
        told = (f"<p><b>You did not ask, and {name} would have told you:</b></p><ul>{told}</ul>" if unasked else "")
        html = (head + f"<p><b>Tutor's summary, with every answer known:</b> {inline(self.client.summary)} "
                f"<small>{cite(self.client.sources, self.course)}</small></p>" + told
                + sources_block(self.client.sources, self.course)
                + "<p><b>The screening with every answer known:</b></p>" + _result_html(all_findings, self.course))
        self.summary.value = feedback_html(html)
        return self.summary.value


def intake_conversation(client_id: str = "maria", course=None) -> IntakeConversation:
    return IntakeConversation(client_id, course=course)


# ---- likelihood-ratio explorer ----------------------------------------------------------------------
class LRExplorer(W.VBox):
    """Pre-test probability (number box and quick choices), test and study choosers, result -> post-test probability and a nomogram."""
    _sc_classes = ("sc-widget",)

    def __init__(self, test_id: str = "slr", study: str | None = None, pre_test: float = 0.3, course=None):
        from ..diagnostics import accuracy_rows

        self.course = _course(course)
        self.rows = [a for a in accuracy_rows(self.course) if a.usable]
        tests = list(dict.fromkeys((a.test_name, a.test_id) for a in self.rows))
        self.test = W.Dropdown(options=tests, value=test_id, description="Test",
                               style={"description_width": "initial"})
        self.study = W.Dropdown(options=self._studies(test_id), description="Study and population",
                                style={"description_width": "initial"}, layout=W.Layout(width="auto"))
        if study is not None:
            self.study.value = study
        self.result = W.ToggleButtons(options=[("Positive", "positive"), ("Negative", "negative")], value="positive",
                                      description="Result", style={"description_width": "initial"},
                                      tooltips=["The test was positive", "The test was negative"])
        # A number box with up/down steps plus quick choices (the ipywidgets slider handle has no accessible name).
        self.pre = W.BoundedIntText(value=round(pre_test * 100), min=1, max=99, step=5,
                                    description="Pre-test probability (%)", style={"description_width": "initial"})
        self.presets = W.ToggleButtons(options=[(f"{v}%", v) for v in (5, 20, 30, 50, 80, 95)], value=None,
                                       description="Quick choices", style={"description_width": "initial",
                                                                           "button_width": "auto"},
                                       tooltips=[f"Pre-test probability {v}%" for v in (5, 20, 30, 50, 80, 95)])
        self.presets.observe(self._preset, names="value")
        self.compare = W.Checkbox(value=True, description="Draw every study of this test", indent=False)
        self.text = W.HTML(value="")
        self.figure = W.HTML(value="")
        self.test.observe(self._test_changed, names="value")
        for c in (self.study, self.result, self.pre, self.compare):
            c.observe(lambda _change: self.update(), names="value")
        super().__init__(children=[style_html(), self.test, self.study, self.result, self.pre, self.presets,
                                   self.compare, self.text, self.figure])
        self.update()

    def _preset(self, change):
        if change["new"] is not None:
            self.pre.value = change["new"]

    def _studies(self, test_id):
        return [(a.label, a.study) for a in self.rows if a.test_id == test_id]

    def _test_changed(self, _change):
        opts = self._studies(self.test.value)
        self.study.options = opts
        self.study.value = opts[0][1]
        self.update()

    def current(self):
        """The accuracy row chosen."""
        return next(a for a in self.rows if a.test_id == self.test.value and a.study == self.study.value)

    def update(self):
        from ..diagnostics import interpret, percent
        from ..plotting import cache
        from ..plotting.diagnostics import plot_fagan

        if self.study.value is None:
            return
        pre = self.pre.value / 100
        chosen = interpret(self.current(), self.result.value, pre)
        others = [a for a in self.rows if a.test_id == self.test.value]
        lines = [(a.label, interpret(a, self.result.value, pre).lr)
                 for a in (others if self.compare.value else [self.current()])]
        rows = "".join(
            f"<tr><td style='text-align:left'>{esc(a.short)}</td><td style='text-align:left'>{esc(a.population)}</td>"
            f"<td>{a.sensitivity:.2f}</td><td>{a.specificity:.2f}</td><td>{a.lr_pos:.2f}</td><td>{a.lr_neg:.2f}</td>"
            f"<td>{percent(interpret(a, self.result.value, pre).post_test)}</td></tr>" for a in others)
        table = ("<table><caption>The same test in each study: likelihood ratios and the post-test probability for "
                 f"a {esc(self.result.value)} result from {pre:.0%}</caption><thead><tr>"
                 "<th scope='col'>Study</th><th scope='col'>Population</th><th scope='col'>Sens.</th>"
                 "<th scope='col'>Spec.</th><th scope='col'>LR+</th><th scope='col'>LR−</th>"
                 f"<th scope='col'>Post-test</th></tr></thead><tbody>{rows}</tbody></table>")
        self.post_test = chosen.post_test
        self.text.value = feedback_html(f"<p>{esc(chosen.sentence())}</p>{table}"
                                        f"<p><small>{esc(self.current().note or '')}</small></p>")
        title = f"{self.current().test_name}: {self.result.value} result"
        lines = tuple((label, round(lr, 6)) for label, lr in lines)
        # stored by its inputs: a lesson re-run (or a class, after `sciatica-course figures`) draws nothing
        self.figure.value = cache.figure_html("fagan", lambda: plot_fagan(pre, lines, title=title), pre, lines, title,
                                              course=self.course)
        return chosen


def lr_explorer(test_id: str = "slr", **kw) -> LRExplorer:
    return LRExplorer(test_id, **kw)


# ---- screening widget -------------------------------------------------------------------------------
def _screening_findings(course) -> list:
    """The findings that any red-flag rule, systemic contraindication or referral route (who the client is
    changes where they go: pregnancy, chemotherapy, foot drop) reads, in vocabulary order."""
    from ..conditions import finding_ids

    used = set()
    for rf in course.red_flags:
        for r in rf.rules:
            used |= set(finding_ids(r.when))
    for ci in course.contraindications:
        if ci.category == "systemic":
            used |= set(finding_ids(ci.when))
    for route in getattr(course, "referral_routes", ()):
        used |= set(finding_ids(route.when))
    return [f for f in course.findings if f.id in used]


def zero_label(finding) -> str:
    """A number box's label with the one meaning of 0: "Weeks of pregnancy (0 = not pregnant)", "Age (0 = not
    asked)" - never two meanings in one label."""
    return f"{finding.label} (0 = {getattr(finding, 'zero_means', None) or 'not asked'})"


class ScreeningWidget(W.VBox):
    """Tick findings and see the urgency, where the client should go, what to say and why (with sources)."""
    _sc_classes = ("sc-widget",)

    def __init__(self, course=None, **findings):
        self.course = _course(course)
        self.controls = {}
        self._muted = False        # while several controls change at once, one update at the end
        groups = {"red_flag": [], "course": [], "caution": []}
        for f in _screening_findings(self.course):
            if f.type == "bool":
                c = W.Checkbox(value=False, description=f.label, indent=False, layout=W.Layout(width="auto"))
            elif f.type == "int":
                c = W.BoundedIntText(value=0, min=int(f.min or 0), max=int(f.max if f.max is not None else 10_000),
                                     description=zero_label(f),
                                     style={"description_width": "initial"})
            else:
                c = W.BoundedFloatText(value=0, min=f.min or 0, max=f.max if f.max is not None else 10_000,
                                       description=zero_label(f),
                                       style={"description_width": "initial"})
            c.observe(self._changed, names="value")
            self.controls[f.id] = c
            groups[f.group].append(c)
        titles = {"red_flag": "Red-flag screen", "course": "Course of the symptoms", "caution": "Other"}
        boxes = [W.VBox([W.HTML(f"<b>{titles[g]}</b>"), *cs]) for g, cs in groups.items() if cs]
        self.reset_button = W.Button(description="Clear all findings", tooltip="Untick every finding")
        self.reset_button.on_click(lambda _b: self.reset())
        self.result = W.HTML(value="")
        super().__init__(children=[style_html(), W.HBox(boxes, layout=W.Layout(flex_flow="row wrap")),
                                   self.reset_button, self.result])
        self.set(**findings)

    def _changed(self, _change):
        if not self._muted:
            self.update()

    def findings(self) -> dict:
        out = {}
        for fid, c in self.controls.items():
            if isinstance(c, W.Checkbox):
                if c.value:
                    out[fid] = True
            elif c.value:
                out[fid] = c.value
        return out

    def set(self, **findings):
        """Set findings by id (what ticking does); unknown ids raise KeyError naming the id."""
        self.check(self.course, findings)
        self._set_all(findings.items())
        return self

    @staticmethod
    def check(course, findings: dict):
        """Unknown finding ids raise KeyError naming the id (as :meth:`set` does), before anything is built."""
        known = [f.id for f in _screening_findings(course)]
        for k in findings:
            if k not in known:
                raise KeyError(f"the screening widget has no finding {k!r}; it has: {', '.join(known)}")

    def _set_all(self, values):
        """Set several controls, then work out the result once (not once per control)."""
        self._muted = True
        try:
            for k, v in values:
                self.controls[k].value = v
        finally:
            self._muted = False
        self.update()

    def reset(self):
        self._set_all((k, False if isinstance(c, W.Checkbox) else 0) for k, c in self.controls.items())

    def update(self):
        self.result.value = screening_result_html(self.findings(), self.course)
        return self.result.value


def screening_result_html(findings: dict, course) -> str:
    """What the screen makes of these findings (the screening widget's result)."""
    return feedback_html(_result_html(
        findings, course,
        empty_note="No red-flag rule applies to what you have ticked. Anything you have not asked counts as "
                   "absent: keep screening, record it, and safety-net."))


def screening_widget(course=None, **findings) -> ScreeningWidget:
    return ScreeningWidget(course=course, **findings)


def screening_example(title: str = "Worked example", course=None, **findings) -> WorkedExample:
    """A worked example of the screen: the client's findings and the result, and a button that opens the
    screening widget with these findings to change them."""
    course = _course(course)
    ScreeningWidget.check(course, findings)
    return WorkedExample(title, findings_list_html(findings, course), screening_result_html(findings, course),
                         "Change these findings in the screening form",
                         lambda: ScreeningWidget(course=course, **findings))


# ---- triage practice --------------------------------------------------------------------------------
class TriagePractice(W.VBox):
    """Triage the vignettes of data/vignettes.yaml one by one; every answer gets its own explained feedback."""
    _sc_classes = ("sc-widget",)

    def __init__(self, course=None, record: bool = True):
        self.course = _course(course)
        self.vignettes = list(self.course.vignettes)
        self.record = record
        self.index = 0
        self.answers: dict[str, str] = {}
        self._shown_at = time.monotonic()
        self.progress = W.HTML(value="")
        self.story = W.HTML(value="")
        self.buttons = {}
        for u in URGENCIES:
            b = option_button(f"{ANSWER_LABELS[u]}", tooltip=f"{ANSWER_LABELS[u]}: {URGENCY_STYLE[u][2]}")
            b.on_click(lambda _b, u=u: self.answer(u))
            self.buttons[u] = b
        self.feedback = W.HTML(value="")
        self.next_button = W.Button(description="Next vignette", tooltip="Go to the next vignette")
        self.next_button.on_click(lambda _b: self.next())
        super().__init__(children=[style_html(), self.progress, self.story, W.HBox(list(self.buttons.values())),
                                   self.feedback, self.next_button])
        self._show()

    @property
    def current(self):
        return self.vignettes[self.index]

    @property
    def score(self) -> int:
        return sum(1 for v in self.vignettes if self.answers.get(v.id) == v.expected)

    def _show(self):
        v = self.current
        self.progress.value = (f"<p>Vignette {self.index + 1} of {len(self.vignettes)} · "
                               f"right first time so far: {self.score}</p>")
        self.story.value = (f"<div role='heading' aria-level='3'><b>{esc(v.title)}</b></div><p>{inline(v.story)}</p>"
                            "<p>How urgent is the referral?</p>")
        self.feedback.value = ""
        self._shown_at = time.monotonic()

    def answer(self, urgency: str) -> bool:
        """Answer the current vignette (what a click does); returns whether it was right."""
        if urgency not in URGENCIES:
            raise ValueError(f"answer one of: {', '.join(URGENCIES)}")
        v = self.current
        first = v.id not in self.answers
        if first:
            self.answers[v.id] = urgency
        right = urgency == v.expected
        fb = next(f.text for f in v.feedback if f.answer == urgency)
        verdict = "<b>Right.</b>" if right else \
            ("<b>Too high.</b>" if URGENCIES.index(urgency) < URGENCIES.index(v.expected) else "<b>Too low.</b>")
        point = f"<p><i>Teaching point:</i> {inline(v.teaching_point)}</p>" if v.teaching_point else ""
        self.feedback.value = feedback_html(
            f"<p>{verdict} {inline(without_verdict(fb))}</p><p>The answer: {urgency_badge(v.expected)} {inline(v.explanation)} "
            f"<small>{cite(v.sources, self.course)}</small></p>{point}")
        if first and self.record:
            msg = _record_answer(item_id=f"triage_{v.id}", option_id=urgency, correct=right, confidence=None,
                                 seconds=round(time.monotonic() - self._shown_at, 1), lesson="red_flags_and_referral",
                                 topic="triage", domain="E")
            if msg:
                self.feedback.value += f"<p><i>{esc(msg)}</i></p>"
        self.progress.value = (f"<p>Vignette {self.index + 1} of {len(self.vignettes)} · "
                               f"right first time so far: {self.score}</p>")
        return right

    def next(self):
        """Go to the next vignette (after the last: a summary, then back to the first)."""
        if self.index + 1 >= len(self.vignettes):
            self.feedback.value = feedback_html(
                f"<p><b>End of the practice:</b> {self.score} of {len(self.vignettes)} right first time. "
                "Over-triage wastes emergency care and frightens clients; under-triage can cost a client "
                "their bladder function or their life. Start again to try the ones you missed.</p>")
            summary = self.feedback.value
            self.index = 0
            self._show()
            self.feedback.value = summary
            return
        self.index += 1
        self._show()


def triage_practice(course=None, **kw) -> TriagePractice:
    return TriagePractice(course=course, **kw)
