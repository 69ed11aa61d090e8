"""The revision dashboard's charts as SVG written here, without matplotlib.

They show each student's own answers, so unlike the lessons' figures they cannot be drawn once at set-up; drawing
them with matplotlib imported it (about 40 MB and most of a second) into every kernel that opened lesson 9. These
are plain SVG with the same content as :mod:`.progress`'s matplotlib figures: the same palette, a hatch as well as
a colour for every category, every bar labelled with its numbers, and the same alt text (the figures' functions
and these share :func:`.progress.mastery_alt` and friends). Each is shown as an ``<img>`` (an SVG data URI), so
nothing in it can run, and the text in it is escaped.
"""
from __future__ import annotations

from urllib.parse import quote

from ..text import esc
from .common import PALETTE

FONT = "font-family='DejaVu Sans, Arial, sans-serif'"
_PATTERNS = {   # matplotlib's hatch names -> an SVG pattern body on a 6 px tile
    "//": "<path d='M-1,7 l8,-8 M-1,1 l2,-2 M5,7 l2,-2' stroke='#000' stroke-width='0.8'/>",
    "\\\\": "<path d='M-1,-1 l8,8 M5,-1 l2,2 M-1,5 l2,2' stroke='#000' stroke-width='0.8'/>",
    "..": "<circle cx='1.5' cy='1.5' r='0.8' fill='#000'/><circle cx='4.5' cy='4.5' r='0.8' fill='#000'/>",
    "xx": "<path d='M-1,7 l8,-8 M-1,-1 l8,8' stroke='#000' stroke-width='0.7'/>",
    "oo": "<circle cx='3' cy='3' r='1.8' fill='none' stroke='#000' stroke-width='0.7'/>",
    "--": "<path d='M0,3 h6' stroke='#000' stroke-width='0.8'/>",
    "++": "<path d='M0,3 h6 M3,0 v6' stroke='#000' stroke-width='0.7'/>",
}


class Svg:
    """A small SVG document: shapes and text in pixels, hatches as patterns."""

    def __init__(self, width: int, height: int):
        self.width, self.height = int(width), int(height)
        self.parts: list[str] = []
        self.hatches: set[str] = set()

    def rect(self, x, y, w, h, fill, hatch="", stroke="#000", stroke_width=0.8, opacity=1.0):
        self.parts.append(f"<rect x='{x:.1f}' y='{y:.1f}' width='{max(w, 0):.1f}' height='{max(h, 0):.1f}' "
                          f"fill='{fill}' fill-opacity='{opacity}' stroke='none'/>")
        if hatch in _PATTERNS:
            self.hatches.add(hatch)
            self.parts.append(f"<rect x='{x:.1f}' y='{y:.1f}' width='{max(w, 0):.1f}' height='{max(h, 0):.1f}' "
                              f"fill='url(#{self._pid(hatch)})' stroke='none'/>")
        if stroke:
            self.parts.append(f"<rect x='{x:.1f}' y='{y:.1f}' width='{max(w, 0):.1f}' height='{max(h, 0):.1f}' "
                              f"fill='none' stroke='{stroke}' stroke-width='{stroke_width}'/>")

    def line(self, x1, y1, x2, y2, stroke="#000", width=1.0, dash=""):
        d = f" stroke-dasharray='{dash}'" if dash else ""
        self.parts.append(f"<line x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}' stroke='{stroke}' "
                          f"stroke-width='{width}'{d}/>")

    def text(self, x, y, text, size=11, anchor="start", weight="normal", baseline="middle", colour="#000",
             rotate=0):
        turn = f" transform='rotate({rotate} {x:.1f} {y:.1f})'" if rotate else ""
        self.parts.append(f"<text x='{x:.1f}' y='{y:.1f}'{turn} font-size='{size}' text-anchor='{anchor}' "
                          f"dominant-baseline='{baseline}' font-weight='{weight}' fill='{colour}'>{esc(text)}</text>")

    @staticmethod
    def _pid(hatch: str) -> str:
        return "h" + "".join(f"{ord(c):x}" for c in hatch)

    def render(self) -> str:
        defs = "".join(f"<pattern id='{self._pid(h)}' patternUnits='userSpaceOnUse' width='6' height='6'>"
                       f"{_PATTERNS[h]}</pattern>" for h in sorted(self.hatches))
        return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{self.width}' height='{self.height}' "
                f"viewBox='0 0 {self.width} {self.height}' {FONT}><rect width='100%' height='100%' fill='#fff'/>"
                + (f"<defs>{defs}</defs>" if defs else "") + "".join(self.parts) + "</svg>")


def svg_html(svg: str, alt: str, max_width: str = "100%") -> str:
    """An accessible ``<img>`` (SVG data URI, escaped alt text), like :func:`.common.img_html` for PNGs."""
    uri = "data:image/svg+xml," + quote(svg, safe=" '=:/;,.-()_!*~+?@$[]{}|^`")
    return (f'<figure style="margin:0"><img src="{uri}" alt="{esc(alt)}" '
            f'style="max-width:{max_width};height:auto"/></figure>')


def percent_axes(s: "Svg", x0, top, base, right, y, ticks, label: str) -> None:
    """The axes of a vertical percent chart: the base line, the left axis with a tick at each of ``ticks`` (values
    in the chart's own scale, mapped by ``y``; the last tick is 100%) and the rotated axis label."""
    top_tick = ticks[-1]
    s.line(x0, base, right, base)
    s.line(x0, top, x0, base)
    for t in ticks:
        s.line(x0 - 4, y(t), x0, y(t))
        s.text(x0 - 7, y(t), f"{round(100 * t / top_tick)}%", size=9, anchor="end")
    s.text(16, (top + base) / 2, label, size=10, anchor="middle", rotate=-90)


def _empty(title: str, message: str, width=750, height=160) -> tuple[str, str]:
    s = Svg(width, height)
    s.text(width / 2, 18, title, size=13, anchor="middle", weight="bold")
    s.text(width / 2, height / 2 + 8, message, size=12, anchor="middle")
    return s.render(), f"{title}: {message}"


# --------------------------------------------------------------------------------------------------- charts
def mastery_svg(rows, title: str = "Mastery by topic") -> tuple[str, str]:
    """(svg, alt): horizontal bars, weakest at the top, each labelled '62% · building · 5 of 8 right' (or 'not started · 0 of 4 answered'), the goal
    as a dashed line and a legend of the bands (colour, hatch and word)."""
    from .progress import GOAL, LEGEND, _band, mastery_alt, mastery_label

    import textwrap

    rows = list(rows)
    if not rows:
        return _empty(title, "No quiz questions yet.")
    # long labels (the MBLEx domains) wrap onto up to three lines of at most ~36 characters, and the row grows
    labels = [textwrap.wrap(m.label, 36) or [""] for m in rows]
    label_w = min(250, 12 + 6.6 * max(len(line) for lines in labels for line in lines))
    x0, bar_w, line_h, top = label_w + 8, 300.0, 14, 34
    heights = [max(26, 12 + line_h * len(lines)) for lines in labels]
    width = int(x0 + bar_w * 1.0 + 250 + 110)
    height = int(max(top + sum(heights) + 46, top + 12 + (len(LEGEND) + 1) * 18))   # the legend fits too
    s = Svg(width, height)
    s.text(x0 + bar_w * 0.75, 16, title, size=13, anchor="middle", weight="bold")
    y = top
    for m, lines, row_h in zip(rows, labels, heights):
        word, colour, hatch = _band(m)
        s.rect(x0, y + 4, bar_w * max(min(m.mastery, 1.0), 0.004), row_h - 8, colour, hatch)
        first = y + row_h / 2 - line_h * (len(lines) - 1) / 2
        for k, line in enumerate(lines):
            s.text(x0 - 6, first + k * line_h, line, size=11, anchor="end")
        s.text(x0 + bar_w * min(m.mastery, 1.0) + 5, y + row_h / 2, mastery_label(m, word), size=10)
        y += row_h
    bottom = top + sum(heights)
    s.line(x0, bottom, x0 + bar_w * 1.0, bottom)
    for t in (0, 0.25, 0.5, 0.75, 1.0):
        s.line(x0 + bar_w * t, bottom, x0 + bar_w * t, bottom + 4)
        s.text(x0 + bar_w * t, bottom + 13, f"{round(t * 100)}%", size=9, anchor="middle")
    s.line(x0 + bar_w * GOAL, top - 4, x0 + bar_w * GOAL, bottom, width=1.2, dash="5,4")
    s.text(x0 + bar_w * 0.5, bottom + 30, "Mastery: estimated chance you recall the topic's questions now "
                                          "(last answer right)", size=10, anchor="middle")
    lx = width - 100
    s.text(lx, top + 2, "band", size=10, weight="bold")
    for i, (word, colour, hatch) in enumerate(LEGEND):
        s.rect(lx, top + 12 + i * 18, 22, 12, colour, hatch)
        s.text(lx + 28, top + 18 + i * 18, word, size=10)
    gy = top + 12 + len(LEGEND) * 18 + 6
    s.line(lx, gy, lx + 22, gy, width=1.2, dash="5,4")
    s.text(lx + 28, gy, f"goal {round(GOAL * 100)}%", size=10)
    return s.render(), mastery_alt(rows, title)


def answers_svg(days, title: str = "Answers per day") -> tuple[str, str]:
    """(svg, alt): stacked bars per day, right answers (solid) under wrong ones (hatched), totals as text."""
    from .progress import answers_alt

    days = list(days)
    if not days:
        return _empty(title, "No answers yet: answer a few questions and your days of practice appear here.")
    width, height, x0, top, plot_h = 750, 300, 50, 58, 190
    most = max(max(d.answers for d in days), 1) * 1.15
    step_w = (width - x0 - 20) / len(days)
    bar_w = step_w * 0.8
    s = Svg(width, height)
    s.text(width / 2, 16, title, size=13, anchor="middle", weight="bold")
    s.rect(x0, 28, 18, 11, PALETTE["bluish_green"])
    s.text(x0 + 24, 34, "right (solid)", size=10)
    s.rect(x0 + 130, 28, 18, 11, PALETTE["vermillion"], "//")
    s.text(x0 + 154, 34, "wrong (hatched)", size=10)
    base = top + plot_h

    def y(v):
        return base - plot_h * v / most

    for i, d in enumerate(days):
        x = x0 + i * step_w + (step_w - bar_w) / 2
        if d.correct:
            s.rect(x, y(d.correct), bar_w, base - y(d.correct), PALETTE["bluish_green"], stroke_width=0.6)
        wrong = d.answers - d.correct
        if wrong:
            s.rect(x, y(d.answers), bar_w, y(d.correct) - y(d.answers), PALETTE["vermillion"], "//", stroke_width=0.6)
        if d.answers and len(days) <= 31:
            s.text(x + bar_w / 2, y(d.answers) - 6, f"{d.correct}/{d.answers}", size=8, anchor="middle")
    s.line(x0, base, width - 20, base)
    s.line(x0, top - 10, x0, base)
    n = max(1, int(most // 5) or 1)
    for v in range(0, int(most) + 1, n):
        s.line(x0 - 4, y(v), x0, y(v))
        s.text(x0 - 7, y(v), str(v), size=9, anchor="end")
    s.text(14, top + plot_h / 2, "answers", size=10, anchor="middle", rotate=-90)
    every = max(1, len(days) // 8)
    for i in range(0, len(days), every):
        s.text(x0 + i * step_w + step_w / 2, base + 14, days[i].day.strftime("%d %b"), size=9, anchor="middle")
    return s.render(), answers_alt(days, title)


def calibration_svg(rows, title: str = "How often you were right at each confidence level") -> tuple[str, str]:
    """(svg, alt): accuracy per confidence level, with the range where that level is justified as a bracket."""
    from .common import HATCHES
    from .progress import CBM_RANGES, calibration_alt

    rows = [r for r in rows if r.confidence is not None]
    if not any(r.answers for r in rows):
        return _empty(title, "No rated answers yet: choose how sure you are before answering.", width=650)
    width, height, x0, top, plot_h = 650, 340, 60, 40, 220
    slot = (width - x0 - 20) / len(rows)
    base = top + plot_h

    def y(v):
        return base - plot_h * v / 1.15

    s = Svg(width, height)
    s.text(width / 2, 16, title, size=12, anchor="middle", weight="bold")
    for i, (r, hatch) in enumerate(zip(rows, HATCHES[1:])):
        cx = x0 + slot * (i + 0.5)
        acc = r.accuracy or 0.0
        s.rect(cx - slot * 0.275, y(acc), slot * 0.55, base - y(acc),
               PALETTE["blue"] if r.answers else "#fff", hatch, opacity=0.85)
        lo, hi = CBM_RANGES[r.confidence]
        bx = cx + slot * 0.33
        s.line(bx, y(lo), bx, y(hi), width=3)
        s.line(bx - slot * 0.04, y(lo), bx + slot * 0.04, y(lo), width=1.5)
        s.line(bx - slot * 0.04, y(hi), bx + slot * 0.04, y(hi), width=1.5)
        label = [f"{round(100 * acc)}%", f"({r.correct} of {r.answers})"] if r.answers else ["no answers"]
        for k, line in enumerate(label):
            s.text(cx, y(acc) - 10 - 12 * (len(label) - 1 - k), line, size=10, anchor="middle")
        s.text(cx, base + 14, r.label, size=10, anchor="middle")
    percent_axes(s, x0, top, base, width - 20, y, (0, 0.25, 0.5, 0.75, 1.0), "answers right")
    s.text(width / 2, base + 34, "bars: how often you were right", size=9, anchor="middle")
    s.text(width / 2, base + 48, "black brackets: where that confidence is justified", size=9, anchor="middle")
    return s.render(), calibration_alt(rows, title)


__all__ = ["Svg", "svg_html", "mastery_svg", "answers_svg", "calibration_svg"]
