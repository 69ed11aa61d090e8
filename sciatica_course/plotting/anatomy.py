"""Figures for lesson 1, drawn from ``data/nerve_path.yaml``: the posterior-view schematic of the sciatic
nerve (with one segment highlighted for the path explorer) and the Beaton–Anson variants.

Every function takes ``ax=None``, returns the Axes and sets alt text. Artists carry ``gid`` values
(``segment:<id>``, ``highlight:<id>``, ``outline:<id>``, ``division:<name>``) so tests can check what was drawn.
"""
from __future__ import annotations

import re
import textwrap

from .common import PALETTE, new_axes, set_alt

NERVE = PALETTE["orange"]
HIGHLIGHT = PALETTE["vermillion"]
BONE_FACE = "#F2F2F2"
BONE_EDGE = "#7A7A7A"
MUSCLE_STYLE = {  # outline id -> (face colour, hatch)
    "piriformis_outline": (PALETTE["reddish_purple"], "//"),
    "gluteus_maximus_outline": (PALETTE["sky_blue"], ""),
    "medial_hamstrings_outline": (PALETTE["bluish_green"], ".."),
    "biceps_femoris_outline": (PALETTE["bluish_green"], "\\\\"),
}


def _course(course):
    if course is None:
        from ..loading import load_course

        course = load_course()
    return course


def _mid(path):
    """A point halfway along a polyline."""
    import math

    lengths = [math.dist(a, b) for a, b in zip(path, path[1:])]
    half = sum(lengths) / 2
    for (a, b), L in zip(zip(path, path[1:]), lengths):
        if half <= L and L > 0:
            t = half / L
            return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
        half -= L
    return path[-1]


def plot_nerve_path(highlight: str | int | None = None, ax=None, course=None, numbers: bool = True,
                    figsize=(5.6, 8.6)):
    """The posterior-view schematic of the right hip and leg with the sciatic nerve and its branches.

    ``highlight``: a segment id or a step number (1 = roots) to highlight, as the path explorer does."""
    from matplotlib.patches import Polygon
    import matplotlib.patheffects as pe

    from .. import anatomy

    course = _course(course)
    segs = anatomy.segments(course)
    current = None
    if highlight is not None:
        if isinstance(highlight, int):
            current = anatomy.segment_at(highlight, course)
        else:
            current = next((s for s in segs if s.id == highlight), None)
            if current is None:
                raise KeyError(f"no nerve segment {highlight!r}; segments: {', '.join(s.id for s in segs)}")
    ax = new_axes(ax, figsize)

    # outlines: bones, then muscles, then landmarks
    for o in anatomy.outlines(course):
        if o.structure == "bone":
            patch = Polygon(o.polygon, closed=o.closed, facecolor=BONE_FACE, edgecolor=BONE_EDGE, lw=1.0, zorder=1)
        elif o.structure == "muscle":
            face, hatch = MUSCLE_STYLE.get(o.id, (PALETTE["grey"], ""))
            alpha = 0.18 if o.id == "gluteus_maximus_outline" else 0.32
            patch = Polygon(o.polygon, closed=o.closed, facecolor=face, alpha=alpha, hatch=hatch,
                            edgecolor=face, lw=1.0, zorder=2)
        else:
            patch = Polygon(o.polygon, closed=o.closed, facecolor="none", edgecolor=BONE_EDGE, lw=0.9,
                            ls=":", zorder=2)
        patch.set_gid(f"outline:{o.id}")
        ax.add_patch(patch)
        if o.label_at:
            ax.text(*o.label_at, textwrap.fill(o.name, 22), fontsize=6.5, color="#444444", zorder=6, va="center")

    # the nerve
    for s in segs:
        xs, ys = zip(*s.path)
        is_current = current is not None and s.id == current.id
        (line,) = ax.plot(xs, ys, color=NERVE, lw=3.2, ls="--" if s.deep_to_view else "-",
                          solid_capstyle="round", zorder=4)
        line.set_gid(f"segment:{s.id}")
        if is_current:
            (hl,) = ax.plot(xs, ys, color=HIGHLIGHT, lw=7, ls="--" if s.deep_to_view else "-",
                            solid_capstyle="round", zorder=5,
                            path_effects=[pe.Stroke(linewidth=9.5, foreground="black"), pe.Normal()])
            hl.set_gid(f"highlight:{s.id}")
        mx, my = _mid(s.path)
        if s.endangerment is not None:
            ax.text(mx, my, "⚠", fontsize=12, ha="center", va="center", zorder=7, color="black",
                    bbox=dict(boxstyle="circle,pad=0.05", fc=PALETTE["yellow"], ec="black", lw=0.8),
                    gid=f"danger:{s.id}")
        if numbers:
            ax.text(mx + (-0.7 if s.branch == "tibial" else 0.7), my, str(s.order), fontsize=7, ha="center", va="center", zorder=7,
                    fontweight="bold" if is_current else "normal",
                    bbox=dict(boxstyle="circle,pad=0.15", fc="white", ec=HIGHLIGHT if is_current else NERVE,
                              lw=1.5 if is_current else 0.8), gid=f"number:{s.id}")
    if current is not None:
        lx, ly = current.label_at or _mid(current.path)
        ax.annotate(f"Step {current.order}: {current.short_name or current.name}", xy=_mid(current.path),
                    xytext=(lx, ly), fontsize=9, fontweight="bold", zorder=8, color="black",
                    bbox=dict(boxstyle="round,pad=0.25", fc="white", ec=HIGHLIGHT, lw=1.5),
                    arrowprops=dict(arrowstyle="->", color=HIGHLIGHT, lw=1.5), gid=f"label:{current.id}")

    # orientation and key
    ax.text(0.0, 20.75, "← midline (medial)", fontsize=7.5, va="center")
    ax.text(10.4, 20.75, "lateral (outer) →", fontsize=7.5, va="center", ha="right")
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Line2D([], [], color=NERVE, lw=3, label="sciatic nerve and branches"),
               Line2D([], [], color=NERVE, lw=3, ls="--", label="on the far (front) side"),
               Line2D([], [], color=HIGHLIGHT, lw=6, label="current step"),
               Line2D([], [], ls="none", marker="^", markersize=9, markerfacecolor=PALETTE["yellow"],
                      markeredgecolor="black", label="⚠ endangerment site"),
               Patch(facecolor=BONE_FACE, edgecolor=BONE_EDGE, label="bone"),
               Patch(facecolor=PALETTE["reddish_purple"], alpha=0.32, hatch="//", label="piriformis"),
               Patch(facecolor=PALETTE["sky_blue"], alpha=0.18, label="gluteus maximus"),
               Patch(facecolor=PALETTE["bluish_green"], alpha=0.32, hatch="..", label="hamstrings")]
    ax.legend(handles=handles, loc="lower left", fontsize=6.5, frameon=True, bbox_to_anchor=(0.0, 0.0))
    ax.set_xlim(-0.3, 10.5)
    ax.set_ylim(-0.6, 21.2)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title("The sciatic nerve: right hip and leg seen from behind (schematic, not to scale)", fontsize=9)

    ax._sciatica_highlight = current.id if current is not None else None
    set_alt(ax, _nerve_alt(segs, current))
    return ax


def _nerve_alt(segs, current=None) -> str:
    """The nerve-path schematic's alt text, with the highlighted step (if any) at the end."""
    dangers = ", ".join(s.endangerment.site for s in segs if s.endangerment is not None)
    alt = ("Schematic drawing of the right hip and leg seen from behind. The sacrum, hip bone, femur, tibia and "
           "fibula are outlined; piriformis, gluteus maximus and the hamstrings are shaded. The sciatic nerve is "
           f"drawn in {len(segs)} numbered steps: " + "; ".join(f"{s.order} {s.short_name or s.name}" for s in segs)
           + f". Endangerment sites are marked with a warning sign: {dangers}.")
    if current is not None:
        alt += f" Highlighted: step {current.order} of {len(segs)}, {current.name}."
        if current.endangerment is not None:
            alt += " This step is an endangerment site."
    return alt


# ---------------------------------------------------------------- the path explorer's figure, in two layers
_SVG_NUMBER = re.compile(r"(?<![\w.#-])(-?[1-9]\d*\.\d)\d+")   # 123.456789 -> 123.4 (never 0.09: glyph scales)
_SVG_SPACE = re.compile(r">\s+<|\s*\n\s*")
_SVG_NOISE = re.compile(r"<!--.*?-->|(?<=<g) id='[^']*'")   # comments, and group ids nothing refers to
_URI_SAFE = " '=:/;,.-()_!*~+?@$[]{}|^`\\"    # kept as is in the data URI; <, >, #, %, &, " are encoded


class NervePathLayers:
    """The nerve-path schematic as the path explorer sends it to the page: the figure without a highlight drawn
    ONCE as a PNG (``base_html()``, sent once), and for each step a small transparent SVG (``overlay(step)``)
    with only what that step adds: the highlighted segment, its bold number, its ⚠ marker and the
    "Step N: name" label, plus any text the highlight passes under. Both come from :func:`plot_nerve_path`
    on the same canvas size with the same axes position, so the overlay lies exactly over the PNG and the
    two together look like ``plot_nerve_path(highlight=step)``. Overlays are drawn when first asked for and
    kept. The overlay's ``<img>`` carries the full alt text of the highlighted figure."""

    CLASS = "sc-nerve-figure"
    STYLE = ("<style>.sc-nerve-figure{position:relative}"
             ".sc-nerve-figure>.sc-nerve-overlay{position:absolute;top:0;left:0;width:100%;height:100%;"
             "margin:0;pointer-events:none}"
             ".sc-nerve-figure img{display:block;width:100%;height:auto}</style>")

    def __init__(self, course=None, figsize=(5.6, 8.6)):
        from .common import alt_text, png_bytes

        from .. import anatomy

        self.course = _course(course)
        self.figsize = figsize
        self.segments = anatomy.segments(self.course)
        ax = plot_nerve_path(course=self.course, figsize=figsize)
        self.base_png = png_bytes(ax.figure)        # draws, so the constrained layout is now settled
        self.position = ax.get_position().frozen()
        self.base_alt = alt_text(ax)
        self._overlays: dict[int, tuple[str, str | None, str]] = {}
        self._html: dict[int, str] = {}

    def base_html(self) -> str:
        """The base PNG (decorative: the overlay on top carries the alt text) and the layers' CSS."""
        import base64

        data = base64.b64encode(self.base_png).decode("ascii")
        return f'{self.STYLE}<img src="data:image/png;base64,{data}" alt="" role="presentation"/>'

    def overlay(self, step: int) -> tuple[str, str | None, str]:
        """(svg text, id of the highlighted segment, alt text) for a step (1 = roots)."""
        if step not in self._overlays:
            self._overlays[step] = self._draw_overlay(step)
        return self._overlays[step]

    def overlay_html(self, step: int) -> str:
        """The step's overlay as a ``<figure>`` with an ``<img>`` (SVG data URI) and the highlighted alt text."""
        from urllib.parse import quote

        from ..text import esc

        if step not in self._html:
            svg, _sid, alt = self.overlay(step)
            uri = "data:image/svg+xml," + quote(svg, safe=_URI_SAFE)
            self._html[step] = f'<figure style="margin:0"><img src="{uri}" alt="{esc(alt)}"/></figure>'
        return self._html[step]

    def overlay_axes(self, step: int):
        """``plot_nerve_path(highlight=step)`` on the base figure's canvas and axes position, with everything
        hidden but what the step adds (its figure has a transparent background). Returns the Axes."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.text import Text

        ax = plot_nerve_path(highlight=step, course=self.course, figsize=self.figsize)
        fig = ax.figure
        fig.set_layout_engine("none")
        ax.set_position(self.position)           # exactly where the base figure's axes are
        sid = ax._sciatica_highlight
        keep = {f"highlight:{sid}", f"number:{sid}", f"danger:{sid}", f"label:{sid}"}
        renderer = FigureCanvasAgg(fig).get_renderer()
        highlight = next(a for a in ax.get_children() if a.get_gid() == f"highlight:{sid}")
        area = highlight.get_window_extent(renderer).padded(8)   # the line is 9.5 pt wide: 6.6 px each side
        for a in ax.get_children():
            if a.get_gid() in keep:
                continue
            # text drawn above the highlight where it passes under it stays in view, as in the full figure
            if (isinstance(a, Text) and a.get_visible() and a.get_text() and a.get_zorder() > highlight.get_zorder()
                    and a.get_window_extent(renderer).overlaps(area)):
                continue
            a.set_visible(False)
        fig.patch.set_visible(False)
        return ax

    def _draw_overlay(self, step: int):
        import io

        from .common import alt_text

        ax = self.overlay_axes(step)
        fig, sid = ax.figure, ax._sciatica_highlight
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", transparent=True,
                    metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
        svg = buf.getvalue().decode("utf-8")
        svg = svg[svg.index("<svg"):]
        svg = _SVG_SPACE.sub(lambda m: "><" if m.group(0).startswith(">") else " ", svg)
        svg = _SVG_NOISE.sub("", _SVG_NUMBER.sub(r"\1", svg.replace('"', "'"))).strip()
        return svg, sid, alt_text(ax)


def nerve_path_layers(course=None, figsize=(5.6, 8.6)) -> NervePathLayers:
    """The path explorer's figure as a base PNG drawn once and a small SVG overlay per step."""
    return NervePathLayers(course=course, figsize=figsize)


def plot_endangerment_sites(ax=None, course=None, figsize=(8.4, 8.6)):
    """The endangerment sites along the sciatic nerve on the posterior-view outline of lesson 1, each labelled
    in text with the structures at risk and what to do there (from ``endangerment`` in data/nerve_path.yaml)."""
    from .. import anatomy

    course = _course(course)
    ax = plot_nerve_path(ax=ax, course=course, numbers=False, figsize=figsize)
    ax.set_xlim(-0.3, 17.5)
    sites = [s for s in anatomy.segments(course) if s.endangerment is not None]
    label_y, last = [], None
    for s in sites:  # keep the text boxes apart (sites are ordered from the top down)
        y = _mid(s.path)[1]
        y = y if last is None else min(y, last - 3.2)
        label_y.append(y)
        last = y
    for i, (s, ly) in enumerate(zip(sites, label_y), start=1):
        mx, my = _mid(s.path)
        e = s.endangerment
        label = textwrap.fill(f"{i}. {e.site}: " + ", ".join(e.structures), 34)
        ax.annotate(label, xy=(mx, my), xytext=(11.0, ly), fontsize=7, va="center", zorder=9,
                    bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="black", lw=0.8),
                    arrowprops=dict(arrowstyle="->", color="black", lw=1.0), gid=f"site:{s.id}")
    ax.set_title("Endangerment sites along the sciatic nerve (right leg from behind; schematic)", fontsize=9)
    alt = ("Schematic of the right hip and leg seen from behind with the sciatic nerve. Endangerment sites are "
           "marked with a warning sign and labelled: " +
           "; ".join(f"{i}. {s.endangerment.site} (structures: {', '.join(s.endangerment.structures)}; "
                     f"what to do: {s.endangerment.what_to_do})" for i, s in enumerate(sites, start=1)) + ".")
    set_alt(ax, alt)
    ax._sciatica_sites = tuple(s.id for s in sites)
    return ax


# ---------------------------------------------------------------- Beaton–Anson variants
_X = {"undivided": 5.0, "tibial": 4.4, "common_fibular": 5.6}
_BAND = (4.3, 5.7)  # piriformis band, y from .. to


def plot_variant(type_or_id: str = "A", ax=None, course=None, figsize=(6.4, 4.2)):
    """One Beaton–Anson type: piriformis as a band from the sacrum to the greater trochanter, and the
    nerve (or its two divisions) passing below, through or above it. Prevalence in the title."""
    from matplotlib.patches import Polygon, Rectangle

    from .. import anatomy

    course = _course(course)
    v = anatomy.variant(type_or_id, course)
    d = v.drawing
    ax = new_axes(ax, figsize)
    lo, hi = _BAND
    through_x = [(_X["undivided"] if not d.divided else _X[k]) for k in ("tibial", "common_fibular")
                 if getattr(d, k) == "through"]
    # sacrum and trochanter
    ax.add_patch(Rectangle((0.0, 1.0), 1.2, 8.0, facecolor=BONE_FACE, edgecolor=BONE_EDGE, gid="bone:sacrum"))
    ax.text(0.6, 9.3, "sacrum", ha="center", fontsize=8)
    ax.add_patch(Rectangle((9.0, 3.2), 1.0, 3.6, facecolor=BONE_FACE, edgecolor=BONE_EDGE, gid="bone:trochanter"))
    ax.text(9.5, 7.1, "greater\ntrochanter", ha="center", fontsize=8)
    # piriformis: one belly, or two heads with a gap where a nerve passes through
    face = PALETTE["reddish_purple"]
    if through_x:
        gap_lo, gap_hi = min(through_x) - 0.35, max(through_x) + 0.35
        pieces = [((1.2, lo), gap_lo), ((gap_hi, lo), 9.0)]
        for (x0, y0), x1 in pieces:
            ax.add_patch(Rectangle((x0, y0), x1 - x0, hi - lo, facecolor=face, alpha=0.45, hatch="//",
                                   edgecolor=face, zorder=3, gid="muscle:piriformis_head"))
        ax.text(1.3, lo - 0.25, "piriformis\n(two heads)", fontsize=8, va="top", color="#5a2a4a")
    else:
        ax.add_patch(Polygon([(1.2, lo), (9.0, lo + 0.4), (9.0, hi - 0.4), (1.2, hi)], facecolor=face, alpha=0.45,
                             hatch="//", edgecolor=face, zorder=3, gid="muscle:piriformis"))
        ax.text(1.3, lo - 0.25, "piriformis", fontsize=8, va="top", color="#5a2a4a")

    def draw(name, where, colour, label):
        x = _X[name]
        top, bottom = 9.4, 0.3
        if where == "below":      # deep to the muscle (dashed, hidden), appears at its lower border
            ax.plot([x, x], [top, lo], color=colour, lw=3, ls=(0, (2, 2)), zorder=2, gid=f"division:{name}:hidden")
            ax.plot([x, x], [lo, bottom], color=colour, lw=3.5, zorder=4, gid=f"division:{name}")
        elif where == "through":  # between the heads
            ax.plot([x, x], [top, bottom], color=colour, lw=3.5, zorder=4, gid=f"division:{name}")
        else:                     # above the muscle, then down over it
            ax.plot([x, x], [top, bottom], color=colour, lw=3.5, zorder=4, gid=f"division:{name}")
        ax.text(x + (0.15 if name != "tibial" else -0.15), 0.6, label, fontsize=8,
                ha="left" if name != "tibial" else "right", va="bottom", zorder=6)
        ax.text(x + (0.15 if name != "tibial" else -0.15), {"below": lo - 1.0, "through": (lo + hi) / 2,
                                                            "above": hi + 1.0}[where],
                where, fontsize=7.5, style="italic", ha="left" if name != "tibial" else "right", zorder=6,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))

    if d.divided:
        draw("tibial", d.tibial, PALETTE["blue"], "tibial")
        draw("common_fibular", d.common_fibular, PALETTE["orange"], "common fibular")
    else:
        draw("undivided", d.tibial, NERVE, "sciatic nerve")
    ax.text(4.1, 9.7, "from the pelvis ↓", ha="right", fontsize=7.5)
    ax.text(10.2, 10.35, "dashed: hidden in front of the muscle\nsolid: visible from behind", fontsize=7,
            ha="right", va="top", color="#444444")
    pct = (f"{v.prevalence_percent:g}%" + (f" ({v.prevalence_ci[0]:g}–{v.prevalence_ci[1]:g})"
                                           if v.prevalence_ci else "")) if v.prevalence_percent else "rare"
    ax.set_title(f"Type {v.type}: {v.name}\nPrevalence: {pct}", fontsize=9)
    ax.set_xlim(-0.2, 10.2)
    ax.set_ylim(0, 10.4)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax._sciatica_variant = v.type
    set_alt(ax, f"Beaton–Anson type {v.type}, seen from behind: {v.description} "
                f"Piriformis is drawn as a band from the sacrum to the greater trochanter"
                f"{' with two heads' if through_x else ''}. Prevalence: {v.prevalence_note}")
    return ax
