"""Widgets for lessons 1 and 2: the nerve-path explorer, the Beaton–Anson variant selector, the table of
muscles supplied, the symptom map and the disc-level figure.

Each widget renders into ``HTML`` widgets' values (updated in place), so a test can set ``.value`` or call
``.click()`` and read the result without a browser. Figures come from the figure store
(:mod:`sciatica_course.plotting.stored`): a kernel imports matplotlib only when the store lacks one. The logic lives in
:mod:`sciatica_course.anatomy`; the drawing in :mod:`sciatica_course.plotting.anatomy` and ``.roots``.
"""
from __future__ import annotations

from . import lean as W

from .. import anatomy
from ..text import cite, esc, inline, source_list
from .common import style_html, feedback_html


def _course(course):
    if course is None:
        from ..loading import load_course

        course = load_course()
    return course


def _items(title: str, items) -> str:
    items = list(items)
    if not items:
        return ""
    return f"<p><b>{esc(title)}</b></p><ul>" + "".join(f"<li>{inline(i)}</li>" for i in items) + "</ul>"


def _sources(keys, course, summary="Sources") -> str:
    return f"<details><summary>{esc(summary)}</summary>{source_list(keys, course)}</details>"


# ---------------------------------------------------------------- lesson 1: the path explorer
class PathExplorer(W.VBox):
    """Step along the sciatic nerve from its roots to its terminal branches. A row of step buttons and
    Previous / Next buttons choose the step; the schematic highlights it and a panel describes it."""
    _sc_classes = ("sc-widget",)

    def __init__(self, course=None, start: int = 1):
        self.course = _course(course)
        self.segments = anatomy.segments(self.course)
        n = len(self.segments)
        self._layers = None   # plotting.anatomy.NervePathLayers, drawn on the first render
        # Toggle buttons, not a slider: every step is a real button with an accessible name (Tab, Space/Enter),
        # and all steps are visible at once. ipywidgets' slider handle has no accessible name (axe: serious).
        # The buttons only choose: which step is current is the position line's class (see "rendering" below),
        # so a step by Previous / Next sends one message, not also the buttons' index (ipywidgets 8 rebuilds every
        # button of a ToggleButtons whenever the kernel sets its index).
        self._step = max(1, min(start, n))
        self.steps = W.ToggleButtons(
            options=[(f"{s.order} · {s.short_name or s.name}", s.order) for s in self.segments],
            value=None, description="Step along the nerve",
            tooltips=[s.name for s in self.segments],
            style={"description_width": "initial", "button_width": "auto"}, classes=("sc-nerve-steps",))
        self.previous = W.Button(description="◀ Previous step", tooltip="One step back towards the roots",
                                 layout=W.Layout(width="auto"))
        self.next = W.Button(description="Next step ▶", tooltip="One step on towards the foot",
                             layout=W.Layout(width="auto"))
        self.previous.on_click(lambda _b: self.step(-1))
        self.next.on_click(lambda _b: self.step(+1))
        self.position = W.HTML()
        # The figure in two layers (see plotting.anatomy.NervePathLayers): `base` holds the schematic as a PNG,
        # sent once; `figure` holds, over it, every step's small SVG overlay with its alt text, one shown at a time
        # (see "rendering" below: a step sends no image).
        self.base = W.HTML(layout=W.Layout(margin="0"))
        self.figure = W.HTML(layout=W.Layout(margin="0"), classes=("sc-nerve-overlay",))
        self.figure_box = W.Box([self.base, self.figure], layout=W.Layout(width="52%", min_width="320px"),
                                classes=("sc-nerve-figure",))
        self.panel = W.HTML(layout=W.Layout(width="46%", min_width="280px"))
        self.steps.observe(self._on_pick, names="value")
        self.steps.on_msg(self._on_press)
        controls = W.HBox([self.previous, self.next])
        body = W.HBox([self.figure_box, self.panel],
                      layout=W.Layout(flex_flow="row wrap", align_items="flex-start"))
        # the position line first: the page's CSS marks the current step button and shows the step's overlay and
        # panel from its class, and CSS only looks forward (``~``); it reads first too ("Step 3 of 11: ...")
        super().__init__(children=[style_html(), self.position, self.steps, controls, body])
        self._render()

    # public state
    @property
    def value(self) -> int:
        """The current step (1 = the roots)."""
        return self._step

    @value.setter
    def value(self, step: int):
        self._go(step)

    @property
    def segment(self):
        return self.segments[self._step - 1]

    @property
    def highlighted(self) -> str | None:
        """The id of the segment highlighted on the figure now."""
        return self._highlighted

    def step(self, delta: int):
        self._go(self._step + delta)

    def go(self, segment_id: str):
        """Jump to a segment by id."""
        for i, s in enumerate(self.segments):
            if s.id == segment_id:
                self._go(i + 1)
                return
        raise KeyError(f"no nerve segment {segment_id!r}")

    def _go(self, step: int):
        step = max(1, min(len(self.segments), int(step)))
        if step != self._step:
            self._step = step
            self._render()

    def _on_pick(self, change):
        """A step button pressed: go there."""
        if change["new"] is not None:
            self._go(change["new"])

    def _on_press(self, _widget, content, _buffers=None):
        """Every press of a step button also sends a "click" message, after the buttons' value: pressing the
        button last pressed, after Previous / Next moved on, changes no value but still goes there. (The kernel
        never sets the buttons' value: ipywidgets would rebuild them and the keyboard focus would be lost.)"""
        if isinstance(content, dict) and content.get("event") == "click" and self.steps.value is not None:
            self._go(self.steps.value)

    # rendering. Every step's panel, and every step's overlay the figure store holds, are put in the page once,
    # hidden; a step change sends one small message: `position`'s text (the live region) together with its class
    # `sc-nerve-at-<step>`, which marks the current step button and shows that step's overlay and panel (CSS of
    # NerveLayers.step_css, in the panel; `position` comes before the buttons, the figure and the panel).
    # No image and no panel is sent again. An overlay not in the store yet is drawn (and stored) when its step is
    # first shown, and added to the figure before the class shows it.
    def _figure_for(self, step: int) -> str:
        """Put the step's overlay (and, the first time, the base, the panels and the stored overlays) in the page;
        returns the id of the segment the step highlights."""
        if self._layers is None:
            from ..plotting.stored import NerveLayers

            self._layers = NerveLayers(course=self.course)
            self.base.value = self._layers.base_html()
            steps = range(1, len(self.segments) + 1)
            self.panel.value = (self._layers.step_css(steps) + "<div class='sc-nerve-panels'>"
                                + "".join(f"<div class='sc-nerve-step sc-nerve-step-{i}'>{self.panel_html(s)}</div>"
                                          for i, s in enumerate(self.segments, 1)) + "</div>")
            self._in_page = [s for s in steps if s == step or self._layers.overlay(s, draw=False) is not None]
            self.figure.value = self._layers.overlays_html(self._in_page)
        elif step not in self._in_page:
            self._in_page = sorted({*self._in_page, step})
            self.figure.value = self._layers.overlays_html(self._in_page)
        return self._layers.overlay(step)[1]

    def _render(self):
        step = self._step
        seg = self.segment
        n = len(self.segments)
        self._highlighted = self._figure_for(step)
        self.previous.disabled = step == 1
        self.next.disabled = step == n
        classes = tuple(c for c in self.position._dom_classes if not c.startswith("sc-nerve-at-"))
        with self.position.hold_sync():      # one message: the text, and which overlay and panel the page shows
            self.position.value = feedback_html(
                f"<b>Step {step} of {n}:</b> {esc(seg.name)}"
                + (" — <b>⚠ endangerment site</b>" if seg.endangerment else ""))
            self.position._dom_classes = classes + (f"sc-nerve-at-{step}",)

    @property
    def shown(self) -> dict:
        """What the page shows now, read back from the widgets' values as the page's CSS selects it: the step
        named by ``position``'s class, and that step's overlay ``<img>`` and panel HTML (None if absent)."""
        import re

        at = [c for c in self.position._dom_classes if c.startswith("sc-nerve-at-")]
        step = int(at[-1].rsplit("-", 1)[1]) if at else None
        img = re.search(rf'<img class="sc-nerve-ov sc-nerve-ov-{step}" [^>]*>', self.figure.value)
        panel = re.search(rf"<div class='sc-nerve-step sc-nerve-step-{step}'>(.*?)</div>(?=<div class='sc-nerve-step |"
                          r"</div>$)", self.panel.value, re.S)
        return {"step": step, "overlay": img.group(0) if img else None, "panel": panel.group(1) if panel else None}

    def prerender(self):
        """Put every step's overlay in the figure store (``sciatica-course figures``)."""
        if self._layers is not None:
            self._layers.prerender(range(1, len(self.segments) + 1))

    def panel_html(self, seg) -> str:
        muscles = list(seg.muscles_supplied) or ["None at this step."]
        parts = [f"<h3 style='margin:4px 0;font-size:1.1em'>{seg.order}. {esc(seg.name)}</h3>",
                 f"<p>{inline(seg.description)}</p>",
                 _items("Landmarks", seg.landmarks),
                 _items("Neighbours", seg.neighbours),
                 _items("Muscles supplied here", muscles),
                 f"<p><b>For massage:</b> {inline(seg.massage_relevance)}</p>"]
        e = seg.endangerment
        if e is not None:
            parts.append(
                "<div style='border:2px solid #D55E00;padding:4px 8px;margin:4px 0'>"
                f"<p><b>⚠ Endangerment site: {esc(e.site)}</b></p>"
                f"<p><b>Structures:</b> {esc(', '.join(e.structures))}</p>"
                f"<p><b>What to do:</b> {inline(e.what_to_do)}</p></div>")
        parts.append(_sources(seg.sources, self.course))
        return "".join(parts)


def path_explorer(course=None, start: int = 1) -> PathExplorer:
    """The nerve-path explorer of lesson 1."""
    return PathExplorer(course=course, start=start)


def nerve_figure(highlight=None, course=None):
    """The posterior-view schematic as a displayable figure (with alt text), from the figure store."""
    from ..plotting.stored import nerve_figure as stored

    return stored(highlight, course=course)


# ---------------------------------------------------------------- lesson 1: Beaton–Anson variants
class VariantSelector(W.VBox):
    """Choose a Beaton–Anson type (A–F): the figure redraws in place and the panel gives its prevalence and
    what it means (a variant is common in people without symptoms, so it is not a diagnosis)."""
    _sc_classes = ("sc-widget",)

    def __init__(self, course=None, start: str = "A"):
        self.course = _course(course)
        self.variants = anatomy.variants(self.course)
        self._figures: dict[str, str] = {}
        self.selector = W.ToggleButtons(
            options=[(f"Type {v.type}", v.type) for v in self.variants], value=start.upper(),
            description="Beaton–Anson type", style={"description_width": "initial", "button_width": "auto"},
            tooltips=[v.name for v in self.variants])
        # side by side when the page is wide enough; otherwise the panel goes under the figure at the full width
        # (fixed percentages left the text in a 320 px column under the figure at 1280 x 800)
        self.figure = W.HTML(layout=W.Layout(flex="1 1 380px", max_width="640px", min_width="280px"))
        self.panel = W.HTML(layout=W.Layout(flex="1 1 340px", min_width="280px"))
        self.selector.observe(lambda _c: self._render(), names="value")
        body = W.HBox([self.figure, self.panel], layout=W.Layout(flex_flow="row wrap", align_items="flex-start"))
        super().__init__(children=[style_html(), self.selector, body])
        self._render()

    @property
    def value(self) -> str:
        return self.selector.value

    @value.setter
    def value(self, t: str):
        self.selector.value = t.upper()

    @property
    def variant(self):
        return anatomy.variant(self.selector.value, self.course)

    def prerender(self):
        """Put every type's figure in the figure store (``sciatica-course figures``)."""
        from ..plotting.stored import variant_html

        for v in self.variants:
            variant_html(v.type, course=self.course)

    def _render(self):
        from ..plotting.stored import variant_html

        v = self.variant
        if v.type not in self._figures:
            self._figures[v.type] = variant_html(v.type, course=self.course)
        self.figure.value = self._figures[v.type]
        smoll = self.course.sources.get("smoll_2010")
        typical = "the typical arrangement" if v.type == "A" else "a variant"
        conclusion = ("<p><b>What it means:</b> variants are found in people with no symptoms at all, and no more "
                      "often in people operated on for piriformis syndrome than in cadavers"
                      + (f" {cite(['smoll_2010'], self.course)}" if smoll else "")
                      + ". A variant is normal anatomy, <b>not a diagnosis</b>, and nothing a massage "
                      "therapist can feel or fix.</p>")
        self.panel.value = feedback_html(
            f"<p><b>Type {esc(v.type)}</b> ({typical}): {esc(v.name)}.</p>"
            f"<p>{inline(v.description)}</p>"
            f"<p><b>Prevalence:</b> {inline(v.prevalence_note)}</p>" + conclusion
            + _sources(v.sources + (("smoll_2010",) if smoll and "smoll_2010" not in v.sources else ()),
                       self.course))


def variant_selector(course=None, start: str = "A") -> VariantSelector:
    return VariantSelector(course=course, start=start)


# ---------------------------------------------------------------- lesson 1: muscles supplied or not
def muscle_table(course=None) -> W.HTML:
    """The muscles of data/muscles.yaml as an accessible HTML table: which the sciatic nerve (or its branches)
    supplies and which it does not, with each one's nerve, roots and relation to the nerve."""
    course = _course(course)
    supplied, not_supplied = anatomy.muscles_by_supply(course)
    division = {"tibial": "tibial division", "common_fibular": "common fibular division"}

    def row(m):
        if m.supplied_by_sciatic:
            yes = "✓ Yes" + (f" ({division[m.sciatic_division]})" if m.sciatic_division else "")
        else:
            yes = "✗ No"
        note = f"<br><small>{inline(m.clinical_note)}</small>" if m.clinical_note else ""
        return (f"<tr><th scope='row'>{esc(m.name)}</th><td>{yes}</td><td>{esc(m.nerve)} "
                f"({esc('–'.join((m.roots[0], m.roots[-1])) if len(m.roots) > 1 else m.roots[0])})</td>"
                f"<td>{inline(m.relation_to_sciatic)}{note}</td></tr>")

    head = ("<thead><tr><th scope='col'>Muscle</th><th scope='col'>Supplied by the sciatic nerve?</th>"
            "<th scope='col'>Nerve (roots)</th><th scope='col'>Relation to the sciatic nerve</th></tr></thead>")
    group = "<tr><th colspan='4' scope='colgroup' style='text-align:left;background:#eee'>{}</th></tr>"
    body = (group.format(f"Supplied by the sciatic nerve or its branches ({len(supplied)})")
            + "".join(row(m) for m in supplied)
            + group.format(f"NOT supplied by the sciatic nerve ({len(not_supplied)})")
            + "".join(row(m) for m in not_supplied))
    keys = tuple(dict.fromkeys(k for m in course.muscles for k in m.sources))
    html = ("<table class='sc-table' style='border-collapse:collapse'>"
            "<caption style='text-align:left'><b>Muscles near the sciatic nerve: which it supplies and which it "
            "does not</b></caption>" + head + "<tbody>" + body + "</tbody></table>"
            "<style>.sc-table td,.sc-table th{border:1px solid #bbb;padding:3px 6px;vertical-align:top}</style>"
            + _sources(keys, course))
    return W.HTML(html)


# ---------------------------------------------------------------- lesson 2: dermatome map and symptom map
def dermatome_figure(course=None):
    """The dermatome map (front and back) with the key muscle test and reflex of each root, from the figure store."""
    from ..plotting.stored import dermatome_figure as stored

    return stored(course=course)


def disc_figure(disc: str = "l4_l5", course=None):
    from ..plotting.stored import disc_figure as stored

    return stored(disc, course=course)


SCOPE_NOTE = ("<p><b>Scope:</b> this is for understanding what you are told and what to refer for. Massage "
              "therapists screen and refer; they do not diagnose a root level. New or worsening weakness, numbness "
              "or bladder, bowel or saddle symptoms need referral (lesson 4).</p>")


class SymptomMap(W.VBox):
    """Tick the areas where a client feels symptoms; see which root levels the map is consistent with, the
    caveats, and the scope of practice. The map redraws in place with the chosen areas outlined."""
    _sc_classes = ("sc-widget",)

    def __init__(self, course=None):
        self.course = _course(course)
        self.toggles: dict[str, W.ToggleButton] = {}
        groups = []
        for view, title in (("front", "Front of the leg and top of the foot"),
                            ("back", "Back of the leg, heel and sole")):
            buttons = []
            for r in anatomy.regions(view, self.course):
                t = W.ToggleButton(value=False, description=r.name, tooltip=f"Symptoms in: {r.name}",
                                   icon="", layout=W.Layout(width="auto"))
                t.observe(lambda _c: self._render(), names="value")
                self.toggles[r.id] = t
                buttons.append(t)
            groups.append(W.HTML(f"<b>{esc(title)}</b>"))
            groups.append(W.HBox(buttons, layout=W.Layout(flex_flow="row wrap")))
        self.clear = W.Button(description="Clear all areas", tooltip="Untick every area",
                              layout=W.Layout(width="auto"))
        self.clear.on_click(lambda _b: self.select())
        # The figure in two layers (plotting.stored.DermatomeLayers): `base` holds the map as a PNG from the figure
        # store, sent once; `figure` holds over it an SVG of the chosen areas' outlines and the alt text.
        from ..plotting.stored import DermatomeLayers

        self._layers = DermatomeLayers(course=self.course)
        self.base = W.HTML(layout=W.Layout(margin="0"))
        self.figure = W.HTML(layout=W.Layout(margin="0"), classes=("sc-layer-top",))
        # the figure at its own size (360 x 540 px) beside the area buttons and the result, so the widget fits a
        # 1280 x 800 screen; its caption is text under it, wrapping to the figure's width
        from ..plotting.roots import CAPTION

        width = f"{round(DermatomeLayers.FIGSIZE[0] * 100)}px"
        self.figure_box = W.Box([self.base, self.figure], layout=W.Layout(width=width, max_width="100%"),
                                classes=("sc-layered",))
        caption = W.HTML(f"<small>{esc(CAPTION[0])} <i>{esc(CAPTION[1])}</i></small>",
                         layout=W.Layout(width=width, max_width="100%"))
        self.result = W.HTML()
        self._figures: dict[tuple, str] = {}
        self._muted = False
        controls = W.VBox([W.HTML("<b>Where does the client feel symptoms?</b> "
                                  "Press every area that applies (press again to untick)."),
                           *groups, self.clear, self.result],
                          layout=W.Layout(flex="1 1 340px", min_width="280px"))
        body = W.HBox([W.VBox([self.figure_box, caption], layout=W.Layout(flex="0 0 auto", max_width="100%")),
                       controls], layout=W.Layout(flex_flow="row wrap", align_items="flex-start", grid_gap="12px"))
        super().__init__(children=[style_html(), body])
        self._render()

    @property
    def selected(self) -> tuple[str, ...]:
        return tuple(rid for rid, t in self.toggles.items() if t.value)

    def select(self, *region_ids: str):
        """Choose exactly these areas (no arguments clears the map)."""
        unknown = [r for r in region_ids if r not in self.toggles]
        if unknown:
            raise KeyError(f"unknown area(s) {', '.join(unknown)}; areas: {', '.join(self.toggles)}")
        self._muted = True
        try:
            for rid, t in self.toggles.items():
                t.value = rid in region_ids
        finally:
            self._muted = False
        self._render()

    @property
    def result_data(self):
        return anatomy.consistent_roots(self.selected, self.course)

    def _render(self):
        if self._muted:
            return
        sel = self.selected
        for rid, t in self.toggles.items():
            t.icon = "check" if t.value else ""
        if not self.base.value:
            self.base.value = self._layers.base_html()
        if sel not in self._figures:
            self._figures[sel] = self._layers.overlay_html(sel)
        self.figure.value = self._figures[sel]
        self.result.value = self.result_html()

    def result_html(self) -> str:
        res = self.result_data
        course = self.course
        if not res.regions:
            return feedback_html("<p>No areas chosen yet. Press the areas where the client feels symptoms.</p>"
                                 + SCOPE_NOTE)
        names = {r.id: r.name for r in course.roots}
        rows = []
        for rid, roots in res.by_region.items():
            region = course.body_regions[rid]
            roots_txt = " or ".join(names.get(r, r.upper()) for r in roots) or "none of L4, L5, S1"
            note = f" <small>({inline(region.note)})</small>" if region.note else ""
            rows.append(f"<li><b>{esc(region.name)}</b>: {esc(roots_txt)}{note}</li>")
        summary = esc(res.summary)
        for rid, name in names.items():
            summary = summary.replace(rid.upper(), f"<b>{esc(name)}</b>")
        caveats = "".join(f"<li>{inline(c)}</li>" for c in anatomy.caveats(course))
        keys = tuple(dict.fromkeys(k for rid in res.regions for k in course.body_regions[rid].sources)) + tuple(
            dict.fromkeys(k for r in course.roots for k in r.sources))
        return feedback_html(
            f"<p>{summary}</p><ul>{''.join(rows)}</ul>"
            "<p><b>Before you read anything into this:</b></p>"
            f"<ul>{caveats}</ul>" + SCOPE_NOTE + _sources(keys, course))


def symptom_map(course=None) -> SymptomMap:
    return SymptomMap(course=course)


class DiscLevels(W.VBox):
    """Choose the herniated disc and see which root it usually affects, and why (ROOT-02)."""
    _sc_classes = ("sc-widget",)

    def __init__(self, course=None, start: str = "l4_l5"):
        self.course = _course(course)
        self.selector = W.ToggleButtons(
            options=[(v["label"], k) for k, v in anatomy.DISC_LEVELS.items()], value=start,
            description="Herniated disc", style={"description_width": "initial", "button_width": "auto"},
            tooltips=[f"Show a herniation at the {v['label']}" for v in anatomy.DISC_LEVELS.values()])
        self.figure = W.HTML()
        self.text = W.HTML()
        self._figures: dict[str, tuple[str, str]] = {}
        self.selector.observe(lambda _c: self._render(), names="value")
        super().__init__(children=[style_html(), self.selector, self.figure, self.text])
        self._render()

    @property
    def value(self) -> str:
        return self.selector.value

    @value.setter
    def value(self, disc: str):
        self.selector.value = disc

    @property
    def affected(self) -> str:
        return self._figures[self.selector.value][1]

    def prerender(self):
        """Put every disc level's figure in the figure store (``sciatica-course figures``)."""
        from ..plotting.stored import disc_html

        for disc in anatomy.DISC_LEVELS:
            disc_html(disc, course=self.course)

    def _render(self):
        from ..plotting.stored import disc_html

        disc = self.selector.value
        if disc not in self._figures:
            self._figures[disc] = (disc_html(disc, course=self.course),
                                   anatomy.root_affected_by_disc(disc, self.course))
        html, affected = self._figures[disc]
        self.figure.value = html
        info = anatomy.DISC_LEVELS[disc]
        root = self.course.roots[affected]
        exiting = self.course.roots.get(info["exiting"])
        self.text.value = feedback_html(
            f"<p><b>{esc(info['label'])}:</b> {inline(root.disc_level_usually or '')}</p>"
            f"<p>The {esc(exiting.name if exiting else info['exiting'].upper())} root has already left the spine "
            f"through the opening <i>above</i> this disc. The {esc(root.name)} root is still on its way down "
            f"and crosses the back of the disc, where a posterolateral herniation bulges. So the root that "
            f"usually suffers is the one numbered after the vertebra <i>below</i> the disc.</p>"
            + _sources(root.sources, self.course))


def disc_levels(course=None, start: str = "l4_l5") -> DiscLevels:
    return DiscLevels(course=course, start=start)
