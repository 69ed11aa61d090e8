"""Every figure a student lesson shows, through the figure store (:mod:`.cache`).

A lesson cell or widget asks here for the figure's HTML; the figure comes from the store (no matplotlib in the
kernel) and is drawn with the ``plot_*`` function of its module only when the store does not hold it (then stored).
``sciatica-course figures`` fills the store at set-up by running the lessons, and each widget's ``prerender()``
draws the states a student can choose (the path explorer's steps, the variant types, the disc levels).

The drawing functions stay where they are; this module only wraps them:

- :func:`nerve_figure`, :func:`dermatome_figure`, :func:`endangerment_figure`, :func:`technique_matrix`,
  :func:`variant_html`, :func:`disc_html`: one stored PNG each (per parameters).
- :class:`NerveLayers`: the path explorer's base PNG and per-step SVG overlays, both stored.
- :func:`peek`: a figure only if the store holds it (nothing drawn), for widgets that put every stored state in the
  page at once.
- :class:`DermatomeLayers`: the symptom map's base PNG (stored, with where its axes sit) and the chosen areas'
  outlines as a small SVG made here from the data's polygons, so ticking an area draws nothing with matplotlib.
"""
from __future__ import annotations

from urllib.parse import quote

from ..text import esc
from . import cache
from .common import img_html


def _course(course):
    if course is None:
        from ..loading import load_course

        course = load_course()
    return course


class StoredHTML:
    """What a lesson cell shows for a stored figure (rich display), with its alt text readable."""

    def __init__(self, html: str, alt: str):
        self.html, self.alt = html, alt

    def _repr_html_(self):
        return self.html


class _NotStored(Exception):
    """A figure asked for from the store only (not to be drawn) is not there."""


def _not_stored():
    raise _NotStored


def peek(name: str, kind: str, *params, course=None) -> tuple | None:
    """(content, alt, meta) of the figure ``name`` with ``params`` if the store holds it, else None: nothing is
    drawn. A widget puts in the page at once every state whose figure set-up has drawn, and draws the others
    only when a student first shows them."""
    try:
        return cache.stored(name, kind, _not_stored, *params, course=course)
    except _NotStored:
        return None


def _png_figure(name: str, draw, *params, course=None, max_width: str = "100%") -> StoredHTML:
    png, alt = cache.figure_png(name, draw, *params, course=course)
    return StoredHTML(img_html(png, alt, max_width), alt)


# ------------------------------------------------------------------------------------------------- lesson 1
def nerve_figure(highlight=None, course=None) -> StoredHTML:
    course = _course(course)

    def draw():
        from .anatomy import plot_nerve_path

        return plot_nerve_path(highlight=highlight, course=course)

    return _png_figure("nerve_path", draw, highlight, course=course)


_ASCII_QUOTE: tuple | None = None


def _svg_uri(svg: str) -> str:
    """The SVG as a ``data:`` URI, percent-encoded exactly as ``quote(svg, safe=_URI_SAFE)`` does; an ASCII SVG (what
    matplotlib writes) by ``str.replace`` of the few characters it must encode, several times faster than ``quote``
    (which the path explorer would otherwise spend ~4 ms on for its eleven overlays)."""
    global _ASCII_QUOTE
    from .anatomy import _URI_SAFE

    if not svg.isascii():
        return "data:image/svg+xml," + quote(svg, safe=_URI_SAFE)
    if _ASCII_QUOTE is None:                       # "%" first, so nothing encoded is encoded again
        _ASCII_QUOTE = tuple(sorted(((chr(i), quote(chr(i), safe=_URI_SAFE)) for i in range(128)
                                     if quote(chr(i), safe=_URI_SAFE) != chr(i)), key=lambda kv: kv[0] != "%"))
    for char, code in _ASCII_QUOTE:
        if char in svg:
            svg = svg.replace(char, code)
    return "data:image/svg+xml," + svg


class NerveLayers:
    """The path explorer's figure (see :class:`.anatomy.NervePathLayers`) from the store: the base PNG and each
    step's SVG overlay are drawn once per course data and code, by the matplotlib layers, only on a store miss."""

    def __init__(self, course=None, figsize=(5.6, 8.6)):
        from .anatomy import NervePathLayers

        self.course = _course(course)
        self.figsize = tuple(figsize)
        self.STYLE = NervePathLayers.STYLE
        self._drawn = None           # the matplotlib layers, made on the first store miss
        self._overlays: dict[int, tuple[str, str | None, str]] = {}
        self._html: dict[int, str] = {}
        self._base_html = None

    def _layers(self):
        if self._drawn is None:
            from .anatomy import nerve_path_layers

            self._drawn = nerve_path_layers(course=self.course, figsize=self.figsize)
        return self._drawn

    def base_html(self) -> str:
        if self._base_html is None:
            import base64

            png, _alt = cache.figure_png(
                "nerve_path_base", lambda: (self._layers().base_png, self._layers().base_alt), self.figsize,
                course=self.course)
            data = base64.b64encode(png).decode("ascii")
            self._base_html = f'{self.STYLE}<img src="data:image/png;base64,{data}" alt="" role="presentation"/>'
        return self._base_html

    def overlay(self, step: int, draw: bool = True) -> tuple[str, str | None, str] | None:
        """(svg text, id of the highlighted segment, alt text) for a step (1 = roots). ``draw=False``: only from
        the store (or already read), None when it would have to be drawn."""
        if step not in self._overlays:
            def make():
                svg, sid, alt = self._layers().overlay(step)
                return svg, alt, {"segment": sid}

            if draw:
                found = cache.figure_svg("nerve_path_overlay", make, step, self.figsize, course=self.course)
            else:
                found = peek("nerve_path_overlay", "svg", step, self.figsize, course=self.course)
                if found is None:
                    return None
            svg, alt, meta = found
            self._overlays[step] = (svg, meta.get("segment"), alt)
        return self._overlays[step]

    def overlay_html(self, step: int) -> str:
        """One step's overlay as a figure of its own: ``<figure><img alt=…></figure>``."""
        return f'<figure style="margin:0">{self._img(step, "")}</figure>'

    def overlays_html(self, steps) -> str:
        """Several steps' overlays in one figure, each an ``<img class="sc-nerve-ov sc-nerve-ov-<step>">``: a page
        keeps them all and shows one by a CSS class (:meth:`step_css`), so a step change sends no image."""
        return '<figure style="margin:0">' + "".join(self._img(s, f"sc-nerve-ov sc-nerve-ov-{s}") for s in steps) \
            + "</figure>"

    def _img(self, step: int, classes: str) -> str:
        if step not in self._html:                   # the data URI, made once per step (quoting is the slow part)
            svg, _sid, alt = self.overlay(step)
            self._html[step] = f'src="{_svg_uri(svg)}" alt="{esc(alt)}"/>'
        return (f'<img class="{classes}" ' if classes else "<img ") + self._html[step]

    @staticmethod
    def step_css(steps) -> str:
        """The CSS that shows, of the overlays of :meth:`overlays_html` and of a panel's ``.sc-nerve-step-<n>``
        blocks inside ``.sc-nerve-panels``, only those of the step named by the class ``sc-nerve-at-<n>`` on an
        element before them among their ancestors' siblings (the path explorer's position line)."""
        show = ",".join(f".sc-nerve-at-{s}~* .sc-nerve-figure img.sc-nerve-ov-{s},"
                        f".sc-nerve-at-{s}~* .sc-nerve-panels>.sc-nerve-step-{s}" for s in steps)
        # the step buttons (``.sc-nerve-steps``, after the position line) mark the current step the same way; the
        # buttons' own "chosen" look is switched off: they only choose, the position line says which step is shown
        current = ",".join(f".sc-nerve-at-{s}~.sc-nerve-steps button:nth-child({s})" for s in steps)
        return ("<style>.sc-nerve-figure img.sc-nerve-ov,.sc-nerve-panels>.sc-nerve-step{display:none}"
                + show + "{display:block}"
                ".sc-nerve-steps .jupyter-button.mod-active{background-color:var(--jp-layout-color2);box-shadow:none}"
                + current + "{background-color:var(--jp-layout-color3);font-weight:bold;"
                "outline:2px solid #0072B2;outline-offset:-2px}</style>")

    def prerender(self, steps) -> None:
        self.base_html()
        for step in steps:
            self.overlay(step)


def variant_html(type_: str, course=None) -> str:
    course = _course(course)

    def draw():
        from .anatomy import plot_variant

        return plot_variant(type_, course=course)

    return _png_figure("variant", draw, type_, course=course).html


# ------------------------------------------------------------------------------------------------- lesson 2
def dermatome_figure(course=None) -> StoredHTML:
    course = _course(course)

    def draw():
        from .roots import plot_dermatome_map

        return plot_dermatome_map(course=course)

    return _png_figure("dermatome_map", draw, course=course)


def disc_figure(disc: str, course=None) -> StoredHTML:
    course = _course(course)

    def draw():
        from .roots import plot_disc_levels

        return plot_disc_levels(disc, course=course)

    return _png_figure("disc_levels", draw, disc, course=course)


def disc_html(disc: str, course=None) -> str:
    return disc_figure(disc, course=course).html


class DermatomeLayers:
    """The symptom map's figure: the dermatome map without the table (a PNG from the store, decorative) and, over
    it, an SVG of the chosen areas' outlines (thick black, as ``plot_dermatome_map(selected)`` draws them) that
    carries the figure's alt text. The outlines are made here from the areas' polygons in the data and where the
    map's axes sit in the base image (kept with it in the store), so a click draws nothing with matplotlib."""

    STYLE = ("<style>.sc-layered{position:relative}"
             ".sc-layered>.sc-layer-top{position:absolute;top:0;left:0;width:100%;height:100%;margin:0;"
             "pointer-events:none}.sc-layered img{display:block;width:100%;height:auto}</style>")
    FIGSIZE = (3.6, 5.4)            # 360 x 540 px: beside the area buttons, the widget fits a 1280 x 800 screen
    LINE = 2.8 * 100 / 72           # the selected outline: 2.8 pt at 100 dpi

    def __init__(self, course=None):
        self.course = _course(course)
        self._base = None

    def _draw_base(self):
        from .common import alt_text, png_bytes
        from .roots import plot_dermatome_map

        ax = plot_dermatome_map((), table=False, course=self.course, figsize=self.FIGSIZE)
        fig = ax.figure
        png = png_bytes(fig)                          # draws: the layout and the equal aspect are now settled
        box = ax.get_position()
        w, h = fig.get_size_inches() * fig.dpi
        meta = {"box": [box.x0, box.y0, box.width, box.height], "xlim": list(ax.get_xlim()),
                "ylim": list(ax.get_ylim()), "size": [round(float(w)), round(float(h))]}
        return png, alt_text(ax), meta

    def base(self) -> tuple[bytes, str, dict]:
        if self._base is None:
            self._base = cache.stored("dermatome_symptom_base", "png", self._draw_base, self.FIGSIZE,
                                      course=self.course)
        return self._base

    def base_html(self) -> str:
        import base64

        png = self.base()[0]
        return (f'{self.STYLE}<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" alt="" '
                'role="presentation"/>')

    def outline_svg(self, selected) -> str:
        from .roots import VIEW_OFFSET

        _png, _alt, m = self.base()
        (bx, by, bw, bh), (x0, x1), (y0, y1), (w, h) = m["box"], m["xlim"], m["ylim"], m["size"]

        def px(x, y):
            return (f"{(bx + (x - x0) / (x1 - x0) * bw) * w:.1f},"
                    f"{h - (by + (y - y0) / (y1 - y0) * bh) * h:.1f}")

        shapes = []
        for rid in selected:
            r = self.course.body_regions.get(rid)
            if r is None:
                continue
            dx = VIEW_OFFSET[r.view]
            points = " ".join(px(x + dx, y) for x, y in r.polygon)
            shapes.append(f"<polygon points='{points}'/>")
        return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{w}' height='{h}' viewBox='0 0 {w} {h}'>"
                f"<g fill='none' stroke='#000' stroke-width='{self.LINE:.1f}' stroke-linejoin='round'>"
                + "".join(shapes) + "</g></svg>")

    def alt(self, selected) -> str:
        alt = self.base()[1]
        names = [self.course.body_regions[s].name.lower() for s in selected if s in self.course.body_regions]
        if names:
            alt += " Outlined in black (chosen on the symptom map): " + ", ".join(names) + "."
        return alt

    def overlay_html(self, selected) -> str:
        return (f'<figure style="margin:0"><img src="{_svg_uri(self.outline_svg(selected))}" '
                f'alt="{esc(self.alt(selected))}"/></figure>')


# ------------------------------------------------------------------------------------------------- lessons 6, 7
def endangerment_figure(course=None) -> StoredHTML:
    course = _course(course)

    def draw():
        from .treatment import plot_endangerment

        return plot_endangerment(course=course)

    return _png_figure("endangerment", draw, course=course)


def technique_matrix(level: str | None = None, course=None) -> StoredHTML:
    course = _course(course)

    def draw():
        from .treatment import plot_technique_matrix

        return plot_technique_matrix(course=course, highlight=level)

    return _png_figure("technique_matrix", draw, level, course=course)


__all__ = ["StoredHTML", "peek", "nerve_figure", "NerveLayers", "variant_html", "dermatome_figure", "disc_figure", "disc_html",
           "DermatomeLayers", "endangerment_figure", "technique_matrix"]
