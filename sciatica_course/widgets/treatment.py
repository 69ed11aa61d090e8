"""Widgets for lessons 05-07: the irritability classifier, the session planner, the contraindication
sorter and the self-care chooser, plus the HTML tables those lessons show.

Every widget is thin: it collects findings, calls :func:`sciatica_course.reasoning.recommend` or
:func:`~sciatica_course.reasoning.treatment.classify_irritability`, and renders the answer into an
``HTML`` widget's ``value`` (readable from Python in tests). Every control has a visible label that is
also its accessible name. All text from ``data/`` goes through :mod:`sciatica_course.text`.
"""
from __future__ import annotations

from . import lean as W
from traitlets import Bool, Int

from ..text import URGENCY_MARK, HTMLBlock, cited_sources, esc, html_table, inline, short_cite, sources_block, speech
from .common import WorkedExample, feedback_html, findings_list_html, option_button, style_html

LEVELS = ("low", "moderate", "high")
LEVEL_MARK = {"low": "▽ LOW", "moderate": "◇ MODERATE", "high": "▲ HIGH"}
SETTLE_CHOICES = (("No flare / not asked", 0), ("Within a few minutes", 5), ("15 to 60 minutes", 30),
                  ("1 to 2 hours", 90), ("2 hours or more, or into the next day", 180))

# Example presentations for the lessons (teaching examples, not clinical rules).
EXAMPLES = {
    "Choose an example client…": None,
    "Ana: mild, settles fast": {"pain_score": 3, "settle_time_minutes": 5, "symptoms_below_knee": False,
                                "weeks_since_onset": 8, "improving": True},
    "Ben: moderate, sitting provokes it": {"pain_score": 5, "settle_time_minutes": 30, "symptoms_below_knee": True,
                                           "weeks_since_onset": 3},
    "Carla: high, night pain and numbness": {"pain_score": 8, "night_pain": True, "symptoms_below_knee": True,
                                             "numbness": True, "settle_time_minutes": 180},
    "Dina: 26 weeks pregnant, on anticoagulants": {"pain_score": 5, "symptoms_below_knee": True,
                                                   "pregnancy_weeks": 26, "anticoagulants": True},
    "Eli: saddle numbness and new bladder change": {"pain_score": 7, "symptoms_below_knee": True,
                                                    "saddle_anaesthesia": True, "bladder_dysfunction": True},
}


def _set_value(control, value):
    """Set a control; a settling time not among the dropdown's choices is added as its own choice."""
    if isinstance(control, W.Dropdown):
        values = [v for _label, v in control.options]
        if value not in values:
            opts = sorted(list(control.options) + [(f"{value:g} minutes", value)], key=lambda o: o[1])
            control.options = opts
    control.value = value


def _with_unit(finding) -> str:
    """A number box's label with its unit, unless the label already says it ("Pain now (0-10)", not
    "Pain now (0-10) (points (0-10))"; "Weeks since the symptoms started", not "... (weeks)")."""
    label, unit = finding.label, finding.unit
    zero = getattr(finding, "zero_means", None)
    if zero:
        return f"{label} (0 = {zero})"
    if not unit or "(" in label or unit.split()[0].lower() in label.lower():
        return label
    return f"{label} ({unit})"


def _lower_first(text: str) -> str:
    """"A new saddle numbness" -> "a new saddle numbness" (after "If"); an acronym ("DVT signs") keeps capitals."""
    first = text.split(" ", 1)[0]
    return text if len(first) > 1 and first[:2].isupper() else text[:1].lower() + text[1:]


def _course(course):
    from ..loading import load_course

    return course if course is not None else load_course()


_HTML = HTMLBlock
_table = html_table


# ---- tables ------------------------------------------------------------------------------------------
def indicator_table(course=None) -> _HTML:
    """The irritability indicators of ``data/irritability.yaml`` (a teaching synthesis)."""
    from ..conditions import student_describe as describe

    course = _course(course)
    rows, cited = [], []
    for lv in reversed(LEVELS):
        for r in course.irritability:
            if r.kind == "indicator" and r.raises_to == lv:
                rows.append([esc(LEVEL_MARK[lv]), inline(r.label), esc(describe(r.when, course)),
                             inline(r.explanation, course, r.sources)])
                cited += cited_sources(r.explanation, course, r.sources)   # its fact codes, cited as authors
    table = _table("Irritability indicators (a teaching synthesis, not a validated scale): the level is the highest "
                   "level among the indicators present; low when none is present", ["Level", "Indicator", "Rule",
                                                                                     "Why"], rows)
    return _HTML(table.html + sources_block(cited, course))


def dosage_table(course=None) -> _HTML:
    """What each irritability level means for session, pressure, position and movement."""
    course = _course(course)
    rows = []
    for lv in LEVELS:
        r = next(x for x in course.irritability if x.kind == "level" and x.level == lv)
        d = r.dosage
        rows.append([esc(LEVEL_MARK[lv]), inline(d.session), inline(d.pressure), inline(d.position),
                     inline(d.movement), inline(d.aims)])
    return _table("How irritability doses treatment (teaching synthesis: consensus, not trial evidence)",
                  ["Level", "Session", "Pressure", "Position", "Movement", "Aim"], rows)


def stop_rule_table(course=None) -> _HTML:
    from ..conditions import student_describe as describe

    course = _course(course)
    rows = [[inline(r.sign), inline(r.action), esc("every session" if r.when is None else describe(r.when, course))]
            for r in course.irritability if r.kind == "stop_rule"]
    return _table("Stop rules", ["If", "Then", "Applies"], rows)


def contraindication_table(category: str | None = None, course=None) -> _HTML:
    """Contraindications and cautions from ``data/contraindications.yaml``."""
    course = _course(course)
    names = {"postpone_and_refer": "postpone and refer", "avoid_area": "avoid the area", "adapt": "adapt"}
    # the action today comes from the same rules as the sorter and the planner (a red flag first)
    items: dict[str, list] = {}
    for it in sorter_items(course):
        items.setdefault(it.record.id, []).append(it)
    rows = []
    for c in course.contraindications:
        if category and c.category != category:
            continue
        its = items.get(c.id, [])
        if len(its) > 1:
            action = "; ".join(f"{names[i.action]} ({i.label[len(c.name) + 2:]})" for i in its)
        elif its and its[0].red_flag_first:
            action = f"{names[its[0].action]} today (a red flag); {names[c.action]} once cleared"
        else:
            action = names[its[0].action if its else c.action]
        adapt = []
        if c.excluded_techniques:
            adapt.append("leave out: " + ", ".join(course.techniques[t].name for t in c.excluded_techniques))
        if c.pressure:
            adapt.append(f"pressure: {c.pressure.replace('_', ' to ')} at most")
        if c.position:
            adapt.append(f"position: {c.position.replace('_', '-')}")
        if c.positions_excluded:
            adapt.append("not " + " or ".join(p.replace("_", "-") for p in c.positions_excluded))
        rows.append([inline(c.name), esc(c.category), esc(action), inline(c.what_to_do), inline(c.why),
                     esc("; ".join(adapt) or "-")])
    return _table("Contraindications and cautions: what to do and why", ["Condition", "Class", "Action",
                                                                        "What to do", "Why", "Adaptations"], rows)


def stretch_table(level: str | None = None, course=None) -> _HTML:
    course = _course(course)
    rows = []
    for s in course.stretches:
        ok = level is None or level in s.suits
        mark = "✓ suits" if ok else "✗ not today"
        rows.append([inline(s.name), esc(s.target), esc(", ".join(s.suits)),
                     esc("yes - tensions the nerve" if s.neural_tension else "no"),
                     (esc(mark) + " - " if level else "") + inline(s.why_not_otherwise)])
    cap = "Self-care from popular articles, and the irritability each suits (teaching synthesis)"
    if level:
        cap += f": suggested at {level} irritability"
    return _table(cap, ["Stretch or self-care", "Target", "Suits", "Nerve tension", "Why not otherwise"], rows)


def evidence_table(course=None) -> _HTML:
    """The key evidence on massage for sciatica, each with its source."""
    course = _course(course)
    keys = ["nice_ng59", "furlan_2015", "kngf_2021", "no_rct_massage_radicular", "vroomen_1999",
            "konstantinou_2018", "chiu_2015", "peul_2007"]
    rows = [[esc(short_cite(k, course)), inline(course.sources[k].supports)] for k in keys if k in course.sources]
    table = _table("What the evidence says about massage and the course of sciatica", ["Source", "Finding"], rows)
    return _HTML(table.html + sources_block([k for k in keys if k in course.sources], course))


# ---- irritability classifier --------------------------------------------------------------------------
def _level_badge(level: str) -> str:
    return f"<b style='font-size:1.15em'>{esc(LEVEL_MARK[level])}</b>"


# The classifier keeps each level's figure in the page once (hidden <img>s in ``figure_html``) and shows the
# rated one through a class on its sibling ``result_html`` (``sc-irr-show-<level>``), set in the same
# message as the feedback text: a click sends the feedback and a class name, never an image again.
# Indicator rows are styled by class, not inline, to keep that message small; each row also says in words
# whether it is deciding, present or absent (never colour alone).
_CLASSIFIER_CSS = (
    "<style>"
    ".sc-irr-figure img.sc-irr-img{display:none}"
    + "".join(f".sc-irr-show-{lv}~.sc-irr-figure img.sc-irr-img-{lv}{{display:inline}}" for lv in LEVELS)
    + ".sc-irr-rows{list-style:none;padding-left:0}"
    ".sc-irr-rows .sc-irr-deciding{font-weight:bold;background:#F0E442}"
    ".sc-irr-rows .sc-irr-absent{color:#555}"
    "</style>"
)
_ROW_MARK = {"deciding": "◀ DECIDING", "present": "✓ present", "absent": "· absent"}


# The classifier's controls do not echo a click's value back to the page (ipywidgets' per-trait
# ``echo_update=False``): the page already shows what was clicked, and the echo is one more kernel -> page
# message on every click before the feedback. Values set from Python (``set()``) still reach the page.
class _QuietCheckbox(W.Checkbox):
    value = Bool(False, help="Bool value").tag(sync=True, echo_update=False)


class _QuietToggleButtons(W.ToggleButtons):
    index = Int(None, help="Selected index", allow_none=True).tag(sync=True, echo_update=False)


class _QuietDropdown(W.Dropdown):
    index = Int(None, help="Selected index", allow_none=True).tag(sync=True, echo_update=False)


class IrritabilityClassifier(W.VBox):
    """Set a client's story; see low / moderate / high with the deciding indicators highlighted."""
    _sc_classes = ("sc-widget",)

    def __init__(self, course=None, figure: bool = True):
        self.course = _course(course)
        st = {"description_width": "initial"}
        # Toggle buttons, not a slider: ipywidgets' slider handle has no accessible name (axe: serious);
        # every score is a real button with a name, reachable with Tab and Space/Enter.
        self.pain = _QuietToggleButtons(options=[(str(i), i) for i in range(11)], value=0,
                                        description="Pain now (0-10)",
                                        style={"description_width": "initial", "button_width": "2.6em"},
                                        tooltips=[f"Pain {i} out of 10" for i in range(11)])
        self.night = _QuietCheckbox(value=False, description="Pain at night or waking from sleep", indent=False)
        self.rest = _QuietCheckbox(value=False, description="Pain at rest", indent=False)
        self.minimal = _QuietCheckbox(value=False, description="Provoked by minimal activity or light pressure",
                                      indent=False)
        self.settle = _QuietDropdown(options=list(SETTLE_CHOICES), value=0,
                                     description="How long a flare takes to settle", style=st)
        self.below_knee = _QuietCheckbox(value=False, description="Symptoms below the knee", indent=False)
        self.numb = _QuietCheckbox(value=False, description="Numbness or pins and needles", indent=False)
        self.controls = (self.pain, self.night, self.rest, self.minimal, self.settle, self.below_knee, self.numb)
        self.result_html = W.HTML()
        self.figure_html = W.HTML(classes=("sc-irr-figure",))
        # the "decided by" sentence, which the figure's images name as their description (aria-describedby)
        self._decided_id = f"sc-irr-decided-{self.result_html.model_id}"
        self._ax = None
        self._figure_imgs: dict[str, str] = {}   # level -> <img> (drawn the first time a level is rated)
        self._figure = figure
        self._quiet = False
        self._indicators = self._indicator_rows()
        for c in self.controls:
            c.observe(lambda _ch: self.update(), names="value")
        super().__init__([style_html(), W.style_block(_CLASSIFIER_CSS), W.HTML("<b>The client's story</b>"),
                          *self.controls, self.result_html, self.figure_html])
        self.update()

    def _indicator_rows(self):
        """(id, escaped "LEVEL: label" text) of every indicator, highest level first (the data does not change)."""
        return tuple((r.id, f"{esc(LEVEL_MARK[lv])}: {inline(r.label)}", esc(r.label))
                     for lv in reversed(LEVELS) for r in self.course.irritability
                     if r.kind == "indicator" and r.raises_to == lv)

    def findings(self) -> dict:
        f = {"pain_score": self.pain.value, "night_pain": self.night.value, "pain_at_rest": self.rest.value,
             "provoked_by_minimal_activity": self.minimal.value, "symptoms_below_knee": self.below_knee.value,
             "numbness": self.numb.value}
        if self.settle.value:
            f["settle_time_minutes"] = self.settle.value
        return f

    def set(self, **findings):
        """Set several controls at once (a test or a lesson's worked example); the result updates once."""
        names = {"pain_score": self.pain, "night_pain": self.night, "pain_at_rest": self.rest,
                 "provoked_by_minimal_activity": self.minimal, "settle_time_minutes": self.settle,
                 "symptoms_below_knee": self.below_knee, "numbness": self.numb}
        self._quiet = True
        try:
            for k, v in findings.items():
                _set_value(names[k], v)
        finally:
            self._quiet = False
        self.update()
        return self

    def _reliability(self) -> str:
        """What the reliability study found, from data/sources.yaml (Barakatt 2009, IRR-02)."""
        src = self.course.sources.get("barakatt_2009a")
        return f"{src.supports} (Barakatt et al. {src.year})." if src else ""

    @property
    def shown_level(self) -> str | None:
        """The level whose figure the page shows (from ``result_html``'s ``sc-irr-show-<level>`` class)."""
        for cls in self.result_html._dom_classes:
            if cls.startswith("sc-irr-show-"):
                return cls[len("sc-irr-show-"):]
        return None

    def prerender(self):
        """Put every level's figure in the figure store (``sciatica-course figures``): a click never draws."""
        from types import SimpleNamespace

        for level in ("low", "moderate", "high"):
            self._level_img(SimpleNamespace(level=level, deciding=()))

    def _level_img(self, res) -> str:
        """The figure of ``res``'s level as a hidden ``<img>``: its pixels depend on the level only, so it comes
        from the course's figure store (drawn, on the one reused Axes, only when not stored yet)."""
        from ..plotting import cache
        from ..plotting.treatment import level_img_html

        def draw():
            from ..plotting.common import new_axes
            from ..plotting.treatment import plot_irritability_levels

            if self._ax is None:
                self._ax = new_axes(None, figsize=(6.5, 1.9))
            self._ax.clear()
            return plot_irritability_levels(res, ax=self._ax, course=self.course)

        png, _alt = cache.figure_png("irritability_level", draw, res.level, course=self.course)
        return level_img_html(png, res.level, describedby=self._decided_id)

    def _stored_level_imgs(self) -> dict:
        """level -> hidden ``<img>`` of every level whose figure the store holds (set-up drew them); nothing drawn."""
        from ..plotting.stored import peek
        from ..plotting.treatment import level_img_html

        found = {lv: peek("irritability_level", "png", lv, course=self.course) for lv in LEVELS}
        return {lv: level_img_html(f[0], lv, describedby=self._decided_id) for lv, f in found.items() if f}

    def update(self):
        if self._quiet:
            return getattr(self, "result", None)
        from ..reasoning.treatment import classify_irritability

        self.result = res = classify_irritability(self.findings(), self.course)
        rows = []
        labels = {}
        for rid, text, label in self._indicators:
            labels[rid] = label
            kind = "deciding" if rid in res.deciding else ("present" if rid in res.holding else "absent")
            rows.append(f"<li class='sc-irr-{kind}'>{_ROW_MARK[kind]} - {text}</li>")
        decided = (", ".join(labels[i] for i in res.deciding if i in labels)
                   or "none of the moderate or high indicators is present")
        html = feedback_html(
            f"<p id='{self._decided_id}'>Irritability: {_level_badge(res.level)} - decided by: {decided}.</p>"
            f"<ul class='sc-irr-rows'>{''.join(rows)}</ul>"
            "<p><i>Teaching synthesis, not a validated scale.</i> Reliability: "
            f"{esc(self._reliability())} Treat the rating as a starting dose and re-check how the "
            "client responds.</p>")
        if self._figure and res.level not in self._figure_imgs:
            # the first time, every level the figure store holds: a later change of level then sends no image
            if not self._figure_imgs:
                self._figure_imgs.update(self._stored_level_imgs())
            # a level not drawn yet: add its image (hidden until the class below shows it) before showing it
            if res.level not in self._figure_imgs:
                self._figure_imgs[res.level] = self._level_img(res)
            self.figure_html.value = ('<figure style="margin:0">'
                                      + "".join(self._figure_imgs.get(lv, "") for lv in LEVELS) + "</figure>")
        with self.result_html.hold_sync():   # one message: the feedback and which figure to show
            self.result_html.value = html
            if self._figure:
                self.result_html._dom_classes = (f"sc-irr-show-{res.level}",)
        return res


def irritability_classifier(course=None, **kw) -> IrritabilityClassifier:
    return IrritabilityClassifier(course=course, **kw)


# ---- session planner -----------------------------------------------------------------------------------
GROUP_TITLES = (("red_flag", "Red-flag screen"), ("course", "Course and irritability"), ("caution", "Cautions"))


def areas_html(rec) -> str:
    """The body areas to avoid (✗) or to treat only lightly (◐) today, each with its reason, as a table."""
    if not getattr(rec, "areas", ()):
        return ""
    mark = {"avoid": "✗ Avoid", "light": "◐ Light pressure only"}
    rows = "".join(f"<tr><td>{esc(mark[a.action])}</td><td>{inline(a.area)}</td><td>{inline(a.reason)}</td></tr>"
                   for a in rec.areas)
    return ("<table><caption>Body areas to avoid or treat only lightly today</caption><thead><tr>"
            "<th scope='col'>What</th><th scope='col'>Area</th><th scope='col'>Why</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def plan_html(rec, course=None) -> str:
    """The plan of a Recommendation as escaped HTML (used by the planner; testable on its own)."""
    course = _course(course)
    out = []
    if rec.treat_today:
        out.append("<p><b>✓ Treat today, adapted as below.</b></p>")
    else:
        out.append("<p><b>✗ Do not massage today.</b></p>")
    if rec.referral is not None:
        r = rec.referral
        out.append(f"<p><b>Referral: {esc(URGENCY_MARK.get(r.urgency, r.urgency))}</b> - {inline(r.condition)}. "
                   f"Where: {inline(r.where)} ({inline(r.timeframe)}).<br>Say: {speech(r.say)}<br>"
                   f"Do: {inline(r.do)}</p>")
    elif rec.urgency != "none":
        out.append(f"<p><b>Referral: {esc(URGENCY_MARK.get(rec.urgency, rec.urgency))}</b></p>")
    else:
        out.append("<p>Referral: none needed from this screen.</p>")
    screening = [r for r in rec.reasons if r.kind in ("red_flag", "contraindication")]
    if screening:
        out.append("<p><b>Screening and cautions</b></p><ul>" + "".join(
            f"<li>{inline(r.text)}</li>" for r in screening) + "</ul>")
    if not rec.treat_today:
        out.append("<p>Irritability, position and techniques are planned only when it is safe to treat.</p>")
        return feedback_html("".join(out))
    ind = {r.id: r for r in course.irritability if r.kind == "indicator"}
    decided = ", ".join(esc(ind[i].label) for i in rec.irritability_indicators) or "no moderate or high indicator"
    out.append(f"<p><b>Irritability:</b> {_level_badge(rec.irritability)} ({decided}; teaching synthesis)</p>")
    out.append(f"<p><b>Position:</b> {esc(rec.position.replace('_', '-'))}</p>")
    out.append(areas_html(rec))
    rows = "".join(f"<tr><td>✓ {esc(course.techniques[t].name)}</td><td>{inline(rec.modifications[t])}</td></tr>"
                   for t in rec.techniques)
    out.append("<table><caption>Techniques suited today</caption><thead><tr><th scope='col'>Technique</th>"
               f"<th scope='col'>How</th></tr></thead><tbody>{rows}</tbody></table>")
    rows = "".join(f"<tr><td>✗ {esc(course.techniques[t].name)}</td><td>{inline(why)}</td></tr>"
                   for t, why in rec.avoided.items())
    if rows:
        out.append("<table><caption>Left out today, and why</caption><thead><tr><th scope='col'>Technique</th>"
                   f"<th scope='col'>Why</th></tr></thead><tbody>{rows}</tbody></table>")
    stops = {r.id: r for r in course.irritability if r.kind == "stop_rule"}
    out.append("<p><b>Stop rules</b></p><ul>" + "".join(
        f"<li>If {inline(_lower_first(stops[s].sign))} → {inline(stops[s].action)}</li>" for s in rec.stop_rules) + "</ul>")
    care = ", ".join(esc(course.stretches[s].name) for s in rec.self_care) or "none today"
    out.append(f"<p><b>Self-care suggested:</b> {care}</p>")
    return feedback_html("".join(out))


def diff_html(before, after, course=None) -> str:
    """What changed between two recommendations, in words."""
    course = _course(course)
    if before is None:
        return ""
    from ..plandiff import plan_differences

    from ..plandiff import findings_changed

    bits = [inline(d) for d in plan_differences(before, after, course)]   # student text: no seed or fact codes
    changed = findings_changed(before, after, course)
    you = f"<p><b>You changed:</b> {esc('; '.join(changed))}.</p>" if changed else ""
    if not bits:
        if not changed:
            return ""
        return you + "<p><b>What changed in the plan:</b> nothing - these findings do not change it.</p>"
    return you + "<p><b>What changed in the plan:</b> " + "; ".join(bits) + ".</p>"


NOTHING_SCREENED = (
    "<p><b>Nothing screened yet - no plan.</b> The planner only knows what you tell it, and anything not asked "
    "counts as absent. Ask the red-flag questions first (lesson 4), then tick what the client told you, or load an "
    "example client above; the plan appears here.</p>")


class SessionPlanner(W.VBox):
    """Set a client's findings; get the plan; change one finding and see what changes."""
    _sc_classes = ("sc-widget",)

    def __init__(self, course=None, explain_button: bool = True):
        self.course = _course(course)
        st = {"description_width": "initial"}
        self.example = W.Dropdown(options=list(EXAMPLES), value=next(iter(EXAMPLES)),
                                  description="Load an example client", style=st)
        self.example.observe(lambda ch: self.load_example(ch["new"]), names="value")
        self.controls: dict[str, W.Widget] = {}
        sections = []
        for group, title in GROUP_TITLES:
            ctrls = []
            for f in self.course.findings:
                if f.group != group:
                    continue
                if f.id == "settle_time_minutes":
                    c = W.Dropdown(options=list(SETTLE_CHOICES), value=0, description=f.label, style=st,
                                   tooltip=f.question)
                elif f.type == "bool":
                    c = W.Checkbox(value=False, description=f.label, indent=False, tooltip=f.question)
                elif f.type == "int":
                    c = W.BoundedIntText(value=0, min=int(f.min or 0), max=int(f.max if f.max is not None else 10**6),
                                         description=_with_unit(f), style=st, tooltip=f.question)
                else:
                    c = W.BoundedFloatText(value=0, min=f.min or 0, max=f.max if f.max is not None else 10**6,
                                           description=_with_unit(f), style=st, tooltip=f.question)
                c.observe(lambda _ch: self.update(), names="value")
                self.controls[f.id] = c
                ctrls.append(c)
            sections.append(W.VBox([W.HTML(f"<b>{esc(title)}</b>"), *ctrls]))
        self.reset_button = W.Button(description="Clear all findings", tooltip="Clear all findings")
        self.reset_button.on_click(lambda _b: self.reset())
        self.plan_html = W.HTML()
        self.changes_html = W.HTML()
        self.explain_html = W.HTML()
        self.explain_button = W.Button(description="Explain the plan (with sources)",
                                       tooltip="Explain the plan (with sources)")
        self.explain_button.on_click(lambda _b: self.explain())
        self.rec = None
        self.previous = None
        self._since = None       # the plan before the student's first edit since the last set / clear / example
        self._by_code = False
        self._quiet = False
        kids = [style_html(), self.example, W.HBox(sections[:2]), sections[2], self.reset_button, self.changes_html,
                self.plan_html]
        if explain_button:
            kids += [self.explain_button, self.explain_html]
        super().__init__(kids)
        self._update_by_code()

    def findings(self) -> dict:
        out = {}
        for fid, c in self.controls.items():
            v = c.value
            if isinstance(v, bool):
                if v:
                    out[fid] = True
            elif v:
                out[fid] = v
        return out

    def set(self, **findings):
        """Set findings (others keep their values); the plan updates once."""
        self._quiet = True
        try:
            for k, v in findings.items():
                if k not in self.controls:
                    raise KeyError(f"unknown finding {k!r}; see data/findings.yaml")
                _set_value(self.controls[k], v)
        finally:
            self._quiet = False
        self._update_by_code()
        return self   # the widget, so ``session_planner().set(...)`` at the end of a cell shows the planner

    def start_with(self, **findings):
        """Set findings as the starting point: "What changed" then compares with them, not with an empty planner
        (a student who has changed nothing is not told "You changed ...")."""
        self.rec = None
        return self.set(**findings)

    def reset(self):
        """Clear every finding; returns the planner (its plan is ``.rec``)."""
        self._quiet = True
        try:
            for c in self.controls.values():
                c.value = False if isinstance(c, W.Checkbox) else 0
        finally:
            self._quiet = False
        self._update_by_code()
        return self

    def load_example(self, name: str):
        """Load one of EXAMPLES by its name; returns the planner (its plan is ``.rec``)."""
        f = EXAMPLES.get(name)
        if f is None:
            return self
        self._quiet = True
        try:
            for fid, c in self.controls.items():
                _set_value(c, f.get(fid, False if isinstance(c, W.Checkbox) else 0))
        finally:
            self._quiet = False
        self._update_by_code()
        return self

    def update(self):
        if self._quiet:
            return self.rec
        from ..reasoning import PresentationError, recommend

        try:
            rec = recommend(self.findings(), course=self.course)
        except PresentationError as e:  # never a traceback: say what is wrong
            self.plan_html.value = feedback_html(f"<p><b>Please check the findings:</b> {esc(e)}</p>")
            return self.rec
        self.previous, self.rec = self.rec, rec
        # "What changed" compares with the plan before the student's first edit since the last set, clear or
        # example - not only with the last edit, which may change nothing ("nothing in the plan" after several
        # findings had changed it)
        if self._by_code:
            self._since, base = None, self.previous
        else:
            if self._since is None:
                self._since = self.previous
            base = self._since
        if not rec.findings:    # nothing asked: no plan to show (an empty screen is not a clear screen)
            self.plan_html.value = feedback_html(NOTHING_SCREENED)
            self.changes_html.value = ""
            self.explain_html.value = ""
            return rec
        self.plan_html.value = plan_html(rec, self.course)
        self.changes_html.value = diff_html(base, rec, self.course)
        self.explain_html.value = ""
        return rec

    def _update_by_code(self):
        self._by_code = True
        try:
            return self.update()
        finally:
            self._by_code = False

    def explain(self):
        from ..reasoning import explain

        if self.rec is None or not self.rec.findings:
            self.explain_html.value = feedback_html(NOTHING_SCREENED)
            return self.explain_html.value
        self.explain_html.value = explain(self.rec, self.course).html()
        return self.explain_html.value


def session_planner(course=None, **kw) -> SessionPlanner:
    return SessionPlanner(course=course, **kw)


def planner_example(title: str = "Worked example", course=None, **findings) -> WorkedExample:
    """A worked example of the planner: the client's findings and the plan the course's rules give, and a button
    that opens the session planner with these findings (to change one and see what changes, or to clear it)."""
    from ..reasoning import recommend

    course = _course(course)
    rec = recommend(findings, course=course)        # a wrong finding id or value raises here, naming the key
    settle = {"settle_time_minutes": {v: label for label, v in SETTLE_CHOICES}}
    return WorkedExample(title, findings_list_html(findings, course, labels=settle), plan_html(rec, course),
                         "Open this client in the session planner",
                         lambda: SessionPlanner(course=course).start_with(**findings))


# ---- contraindication sorter --------------------------------------------------------------------------
ACTIONS = (("postpone_and_refer", "Postpone and refer"), ("avoid_area", "Avoid the area, treat elsewhere"),
           ("adapt", "Adapt and treat"))
_CATEGORY_WORDS = {"systemic": "a systemic contraindication", "local": "a local contraindication",
                   "caution": "a caution"}


class SorterItem:
    """One thing a client tells you, the findings it means (from the record's ``when`` in
    data/contraindications.yaml) and what ``recommend`` makes of them: the sorter's answer is computed, never
    written twice. A red flag in the same findings comes first: then the answer is "postpone and refer" even
    for a record that is a caution once the client has been cleared (new pain with a cancer history)."""

    def __init__(self, record, findings: dict, label: str, course):
        from ..reasoning import recommend

        self.record, self.findings, self.label = record, findings, label
        self.rec = recommend(findings, course=course)
        if not self.rec.treat_today:
            self.action = "postpone_and_refer"
        elif record.action == "postpone_and_refer":   # the data says postpone, the rules treat: say adapt
            self.action = "adapt"
        else:
            self.action = record.action

    @property
    def red_flag_first(self) -> bool:
        """A referral from the red-flag screen decides today, not the record's own (after-clearance) action."""
        return self.action == "postpone_and_refer" and self.record.action != "postpone_and_refer"


def _alternatives(record, course) -> list[tuple[dict, str]]:
    """(findings, finding label) for each way the record's ``when`` can hold: the all_of tests at their
    thresholds plus one of its any_of findings."""
    when = record.when
    if when is None:
        return [({}, "")]
    base = {}
    for t in when.all_of:
        base[t.finding] = (t.at_least if t.at_least is not None else t.equals if t.equals is not None else True)
    alts = [(dict(base, **{f: True}), course.findings[f].label) for f in when.any_of] or [(base, "")]
    out = []
    for f, label in alts:
        clean = {}
        for k, v in f.items():
            spec = course.findings[k]
            if spec.type == "bool":
                clean[k] = bool(v)
            else:
                v = (spec.min or 1) if v is True else v
                clean[k] = int(v) if spec.type == "int" else float(v)
        out.append((clean, label))
    return out


def sorter_items(course=None) -> list[SorterItem]:
    """Every condition the sorter offers, with the answer computed by ``recommend``. A record whose findings
    lead to different answers (a cold, pale foot is an emergency; calf pain on walking is a caution) is offered
    once per finding."""
    course = _course(course)
    items = []
    for c in course.contraindications:
        alts = [(f, label) for f, label in _alternatives(c, course)]
        first = [SorterItem(c, f, c.name, course) for f, _label in alts]
        if len({i.action for i in first}) <= 1:
            items.append(first[0])
        else:
            items += [SorterItem(c, f, f"{c.name}: {label[:1].lower() + label[1:]}", course)
                      for f, label in alts]
    return items


class ContraindicationSorter(W.VBox):
    """Pick a condition, decide what to do (postpone and refer / avoid the area / adapt), read why. The answers
    come from the same rules as the planner (``recommend``), so lesson 4 and lesson 6 cannot disagree."""
    _sc_classes = ("sc-widget",)

    def __init__(self, course=None):
        self.course = _course(course)
        st = {"description_width": "initial"}
        self.items = sorter_items(self.course)
        self.choice = W.Dropdown(options=[(i.label, n) for n, i in enumerate(self.items)],
                                 description="A client tells you about", style=st)
        self.buttons = {}
        for aid, label in ACTIONS:
            b = option_button(label)
            b.on_click(lambda _b, aid=aid: self.answer(aid))
            self.buttons[aid] = b
        self.feedback = W.HTML()
        self.choice.observe(lambda _ch: setattr(self.feedback, "value", ""), names="value")
        super().__init__([style_html(), self.choice, W.HTML("What do you do today?"),
                          W.VBox(list(self.buttons.values())), self.feedback])

    @property
    def item(self) -> SorterItem:
        return self.items[self.choice.value]

    def select(self, contraindication_id: str) -> "ContraindicationSorter":
        """Choose the (first) item of a record of data/contraindications.yaml by its id."""
        self.choice.value = next(n for n, i in enumerate(self.items) if i.record.id == contraindication_id)
        return self

    def answer(self, action: str) -> bool:
        item = self.item
        c = item.record
        right = action == item.action
        label = dict(ACTIONS)[item.action]
        verdict = "<b>Right.</b>" if right else f"<b>Not quite.</b> The course's answer: <b>{esc(label)}</b>."
        kind = esc(_CATEGORY_WORDS.get(c.category, c.category))
        ref = item.rec.referral
        if item.red_flag_first and ref is not None:
            parts = [f"<p>{verdict} {esc(c.name)} is {kind} once a doctor has cleared the client - but not today: "
                     "a red flag comes first.</p>"]
            parts.append(f"<p>{inline(ref.condition)}: "
                         f"<b>{esc(URGENCY_MARK.get(ref.urgency, ref.urgency))}</b> - {inline(ref.where)}, "
                         f"{inline(_lower_first(ref.timeframe))}. Do not massage until the client has been "
                         "assessed (lesson 4).</p><p><i>Once cleared by their doctor:</i> " + inline(c.what_to_do)
                         + "</p>")
        else:
            parts = [f"<p>{verdict} {esc(c.name)} is {kind}.</p>", f"<p>{inline(c.what_to_do)}</p>"]
            if ref is not None and item.action == "postpone_and_refer":
                parts.append(f"<p>Referral: <b>{esc(URGENCY_MARK.get(ref.urgency, ref.urgency))}</b> - "
                             f"{inline(ref.where)}, {inline(_lower_first(ref.timeframe))}.</p>")
        parts.append(f"<p><i>Why:</i> {inline(c.why)}</p>")
        extra = []
        if c.excluded_techniques:
            extra.append("Leave out: " + esc(", ".join(self.course.techniques[t].name for t in c.excluded_techniques)))
        if c.pressure:
            extra.append(f"Pressure: {esc(c.pressure.replace('_', ' to '))} at most")
        if c.position or c.positions_excluded:
            extra.append("Position: " + esc((c.position or "").replace("_", "-")) +
                         (" (not " + esc(" or ".join(p.replace("_", "-") for p in c.positions_excluded)) + ")"
                          if c.positions_excluded else ""))
        if extra:
            parts.append(f"<p>{'; '.join(extra)}{' (once cleared)' if item.red_flag_first else ''}</p>")
        self.feedback.value = feedback_html("".join(parts))
        return right


def contraindication_sorter(course=None) -> ContraindicationSorter:
    return ContraindicationSorter(course=course)


# ---- self-care chooser --------------------------------------------------------------------------------
class SelfCareChooser(W.VBox):
    """Choose an irritability level; see which of the source articles' stretches suit it and why not others."""
    _sc_classes = ("sc-widget",)

    def __init__(self, course=None):
        self.course = _course(course)
        self.level = W.ToggleButtons(options=[(lv.capitalize(), lv) for lv in LEVELS], value="high",
                                     description="Client's irritability", style={"description_width": "initial"},
                                     tooltips=[f"{lv} irritability" for lv in LEVELS])
        self.out = W.HTML()
        self.level.observe(lambda _ch: self.update(), names="value")
        super().__init__([style_html(), self.level, self.out])
        self.update()

    def update(self):
        lv = self.level.value
        ok = [s for s in self.course.stretches if lv in s.suits]
        no = [s for s in self.course.stretches if lv not in s.suits]
        self.out.value = feedback_html(
            f"<p><b>Suits {esc(lv)} irritability:</b></p><ul>" +
            "".join(f"<li>✓ <b>{esc(s.name)}</b> - {inline(s.how)}"
                    f"{' <i>(tensions the nerve: keep it gentle)</i>' if s.neural_tension else ''}"
                    f"{self._left_out_by(s)}</li>" for s in ok) +
            f"</ul><p><b>Not at {esc(lv)} irritability:</b></p><ul>" +
            "".join(f"<li>✗ <b>{esc(s.name)}</b> - {inline(s.why_not_otherwise)}</li>" for s in no) + "</ul>" +
            "".join(f"<p><i>Scope: {inline(c)}</i></p>" for c in dict.fromkeys(s.caution for s in ok if s.caution)))
        return ok

    def _left_out_by(self, stretch) -> str:
        """The cautions that leave this stretch out whatever the irritability (its position excluded, or named in a
        contraindication's excluded_self_care): e.g. the butterfly stretch in pregnancy."""
        names = [c.name for c in self.course.contraindications
                 if stretch.id in getattr(c, "excluded_self_care", ())
                 or (stretch.position is not None and stretch.position in c.positions_excluded)]
        return f" <b>Not with:</b> {esc('; '.join(names))}." if names else ""


def self_care_chooser(course=None) -> SelfCareChooser:
    return SelfCareChooser(course=course)


__all__ = ["IrritabilityClassifier", "irritability_classifier", "SessionPlanner", "session_planner",
           "ContraindicationSorter", "contraindication_sorter", "sorter_items", "SorterItem", "SelfCareChooser", "self_care_chooser",
           "plan_html", "diff_html", "indicator_table", "dosage_table", "stop_rule_table",
           "contraindication_table", "stretch_table", "evidence_table", "EXAMPLES"]
