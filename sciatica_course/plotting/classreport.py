"""Figures of the class report (``sciatica_course.classreport``), as SVG written here: an instructor's kernel (and
``sciatica-course class-report``) never imports matplotlib for them (about 40 MB and a second of the notebook).

Every figure labels safety classes with a word and a symbol and a hatch as well as a colour, writes its numbers
beside the marks, and carries alt text that states what it shows. Each is a :class:`SvgFigure`: shown in a notebook
cell as an ``<img>`` (SVG data URI, escaped text, nothing in it can run) and put into report.html the same way.
"""
from __future__ import annotations

import statistics
import textwrap

from ..text import esc
from .common import PALETTE, SAFETY_STYLE
from .svgcharts import Svg, percent_axes, svg_html

SAFETY_ORDER = ("safe", "suboptimal", "unsafe", "critical")
SAFETY_HATCH = {"safe": "", "suboptimal": "..", "unsafe": "//", "critical": "xx"}
CHAR = 6.2          # px per character at 11 px (labels are wrapped to fit)


class SvgFigure:
    """An SVG figure with its alt text; a notebook cell shows it as an accessible ``<img>``."""

    def __init__(self, svg: str, alt: str, title: str = ""):
        self.svg, self.alt, self.title = svg, alt, title

    def html(self, caption: str = "") -> str:
        out = svg_html(self.svg, self.alt)
        if caption:
            out = out.replace("</figure>", f"<figcaption>{esc(caption)}. {esc(self.alt)}</figcaption></figure>")
        return out

    def _repr_html_(self):
        return self.html()


def _lines(text, width: int, most: int = 3) -> list[str]:
    lines = textwrap.wrap(str(text), width) or [str(text)]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1] + "…"
    return lines


def _records(df) -> list[dict]:
    return df.to_dict("records") if len(df) else []


class _Rows:
    """A chart of labelled horizontal rows: a wrapped label on the left, a plot area of ``plot_w`` pixels, room for
    text on the right."""

    def __init__(self, title: str, labels: list[list[str]], plot_w=330, right=230, row_min=24, line_h=13, top=36,
                 bottom=56, extra=None):
        self.line_h = line_h
        self.label_w = 12 + CHAR * max([len(x) for ls in labels for x in ls] or [4])
        self.x0 = self.label_w + 8
        self.plot_w = plot_w
        self.heights = [max(row_min, line_h * len(ls) + 10) + (extra[i] if extra else 0) for i, ls in enumerate(labels)]
        self.top = top
        self.width = int(self.x0 + plot_w + right)
        self.height = int(top + sum(self.heights) + bottom)
        self.svg = Svg(self.width, self.height)
        self.svg.text(self.width / 2, 16, title, size=12, anchor="middle", weight="bold")
        self.labels = labels

    def rows(self):
        y = self.top
        for i, (h, ls) in enumerate(zip(self.heights, self.labels)):
            yield i, y, h
            y += h

    def label(self, y, h, lines, size=10):
        first = y + h / 2 - self.line_h * (len(lines) - 1) / 2
        for k, line in enumerate(lines):
            self.svg.text(self.x0 - 6, first + k * self.line_h, line, size=size, anchor="end")

    def axis(self, ticks, label, scale):
        bottom = self.top + sum(self.heights)
        s = self.svg
        s.line(self.x0, bottom, self.x0 + self.plot_w, bottom)
        for t in ticks:
            x = self.x0 + scale(t)
            s.line(x, bottom, x, bottom + 4)
            s.text(x, bottom + 13, f"{t:g}", size=9, anchor="middle")
        s.text(self.x0 + self.plot_w / 2, bottom + 30, label, size=10, anchor="middle")
        return bottom


def _legend(s: Svg, x, y, classes=SAFETY_ORDER, labels=None):
    for safety in classes:
        colour, label = SAFETY_STYLE[safety]
        label = (labels or {}).get(safety, label)
        s.rect(x, y - 6, 18, 11, colour, SAFETY_HATCH[safety], stroke_width=0.5)
        s.text(x + 23, y, label, size=10)
        x += 30 + CHAR * len(label)


def case_scores_svg(attempts) -> SvgFigure:
    """Each case's percent scores: a box (middle half) with the median, every attempt as a dot, n and the mean."""
    import random

    rows = _records(attempts)
    cases = sorted({r["case_id"] for r in rows})
    title = "Scores per case (box: middle half; line: median; dots: attempts)"
    names = {r["case_id"]: r["case"] for r in rows}
    chart = _Rows(title, [_lines(names[c], 34) for c in cases] or [["no attempts"]], right=150, row_min=34)
    scores = {c: [r["percent"] for r in rows if r["case_id"] == c and r["percent"] == r["percent"]] for c in cases}
    lo = min([0.0] + [min(p) for p in scores.values() if p])
    lo = lo - 5 if lo < 0 else 0.0

    def scale(v):
        return (v - lo) / (100 - lo) * chart.plot_w

    rng, s, notes = random.Random(0), chart.svg, []
    for (i, y, h), c in zip(chart.rows(), cases):
        p = sorted(scores[c])
        chart.label(y, h, chart.labels[i])
        mid = y + h / 2
        if not p:
            notes.append(f"{c}: no score")
            continue
        q1, med, q3 = (statistics.quantiles(p, n=4, method="inclusive") if len(p) > 1 else [p[0]] * 3)
        s.line(chart.x0 + scale(p[0]), mid, chart.x0 + scale(q1), mid, stroke=PALETTE["blue"])
        s.line(chart.x0 + scale(q3), mid, chart.x0 + scale(p[-1]), mid, stroke=PALETTE["blue"])
        s.rect(chart.x0 + scale(q1), mid - h * 0.3, scale(q3) - scale(q1), h * 0.6, "#fff", stroke=PALETTE["blue"])
        s.line(chart.x0 + scale(med), mid - h * 0.3, chart.x0 + scale(med), mid + h * 0.3, width=2)
        for v in p:
            s.parts.append(f"<circle cx='{chart.x0 + scale(v):.1f}' cy='{mid + rng.uniform(-0.2, 0.2) * h:.1f}' "
                           f"r='2.6' fill='{PALETTE['sky_blue']}' stroke='#000' stroke-width='0.4'/>")
        mean = statistics.fmean(p)
        s.text(chart.x0 + chart.plot_w + 8, mid, f"n={len(p)}, mean {mean:.0f}%", size=9)
        notes.append(f"{c}: mean {mean:.0f}% (n={len(p)})")
    chart.axis([t for t in range(-100, 101, 20) if t >= lo], "score (% of the case's maximum)", scale)
    return SvgFigure(s.render(), "Box plot of percent scores per case. " + "; ".join(notes) + ".", title)


def safety_mix_svg(choices) -> SvgFigure:
    """Per case, the share of choices made in each safety class (stacked bars with the class written in)."""
    rows = _records(choices)
    cases = sorted({r["case_id"] for r in rows})
    title = "Safety class of the choices made, per case"
    chart = _Rows(title, [_lines(c, 30) for c in cases] or [["no choices"]], plot_w=420, right=20, bottom=70)
    s, notes = chart.svg, []
    for (i, y, h), c in zip(chart.rows(), cases):
        chart.label(y, h, chart.labels[i])
        counts = {k: sum(r["times_chosen"] for r in rows if r["case_id"] == c and r["safety"] == k)
                  for k in SAFETY_ORDER}
        total = sum(counts.values())
        left, parts = 0.0, []
        for k in SAFETY_ORDER:
            w = 100.0 * counts[k] / total if total else 0.0
            if not w:
                continue
            colour, label = SAFETY_STYLE[k]
            s.rect(chart.x0 + left * chart.plot_w / 100, y + 3, w * chart.plot_w / 100, h - 6, colour,
                   SAFETY_HATCH[k], stroke_width=0.5)
            if w >= 12:
                x = chart.x0 + (left + w / 2) * chart.plot_w / 100
                s.rect(x - 27, y + h / 2 - 7, 54, 14, "#fff", stroke="", opacity=0.8)
                s.text(x, y + h / 2, f"{label.split()[0]} {w:.0f}%", size=9, anchor="middle")
            left += w
            parts.append(f"{k} {w:.0f}%")
        notes.append(f"{c}: " + ", ".join(parts))
    bottom = chart.axis([0, 25, 50, 75, 100], "share of the choices made (%)", lambda v: v * chart.plot_w / 100)
    _legend(s, chart.x0, bottom + 48)
    return SvgFigure(s.render(), "Stacked bars of the safety class of the choices students made, per case. "
                     + "; ".join(notes) + ".", title)


def unsafe_choices_svg(unsafe, top: int = 10) -> SvgFigure:
    """The most common unsafe and critical choices as bars, each labelled with its class and count."""
    rows = _records(unsafe.head(top))
    title = "Most common unsafe and critical choices"
    chart = _Rows(title, [_lines(f"{r['case_id']} · {r['step_id']}: {r['choice']}", 46) for r in rows]
                  or [["none"]], plot_w=200, right=260)
    most = max([r["times_chosen"] for r in rows] or [1])
    s, notes = chart.svg, []
    for (i, y, h), r in zip(chart.rows(), rows):
        chart.label(y, h, chart.labels[i], size=9)
        colour, label = SAFETY_STYLE[r["safety"]]
        w = r["times_chosen"] / most * chart.plot_w
        s.rect(chart.x0, y + 3, w, h - 6, colour, SAFETY_HATCH[r["safety"]], stroke_width=0.5)
        s.text(chart.x0 + w + 5, y + h / 2,
               f"{label} · {r['times_chosen']} ({r['share_percent']:.0f}% of attempts)", size=9)
        notes.append(f"{r['choice']} ({r['safety']}, {r['case_id']}, step {r['step_id']}) chosen "
                     f"{r['times_chosen']} times")
    step = max(1, round(most / 5))
    chart.axis(list(range(0, most + 1, step)), "times chosen", lambda v: v / most * chart.plot_w)
    return SvgFigure(s.render(), "Bar chart of the most common unsafe and critical choices: " + "; ".join(notes)
                     + ".", title)


def calibration_svg(cal) -> SvgFigure:
    """For each confidence level, the share of decisions that were safe, suboptimal, and unsafe or critical."""
    rows = [r for r in _records(cal) if r["confidence"] == r["confidence"] and r["confidence"] is not None]
    title = "Confidence calibration: how safe were the choices at each confidence?"
    groups = [("safe_percent", "safe"), ("suboptimal_percent", "suboptimal"), ("unsafe_or_critical_percent", "unsafe")]
    width, height, x0, top, plot_h = 640, 330, 60, 56, 200
    slot = (width - x0 - 20) / max(len(rows), 1)
    base = top + plot_h
    s = Svg(width, height)
    s.text(width / 2, 16, title, size=12, anchor="middle", weight="bold")
    _legend(s, x0, 36, ("safe", "suboptimal", "unsafe"), {"unsafe": "! unsafe or !! critical"})

    def y(v):
        return base - plot_h * v / 110

    notes = []
    for i, r in enumerate(rows):
        for k, (col, safety) in enumerate(groups):
            v = r[col] if r[col] == r[col] and r[col] is not None else 0.0
            x = x0 + slot * i + slot * (0.2 + 0.2 * k)
            s.rect(x, y(v), slot * 0.2, base - y(v), SAFETY_STYLE[safety][0], SAFETY_HATCH[safety], stroke_width=0.5)
            s.text(x + slot * 0.1, y(v) - 7, f"{v:.0f}%", size=9, anchor="middle")
        s.text(x0 + slot * (i + 0.5), base + 14, r["label"], size=10, anchor="middle")
        s.text(x0 + slot * (i + 0.5), base + 27, f"(n={r['decisions']})", size=9, anchor="middle")
        notes.append(f"{r['label']} (n={r['decisions']}): {r['safe_percent']:.0f}% safe, "
                     f"{r['unsafe_or_critical_percent']:.0f}% unsafe or critical" if r["decisions"]
                     else f"{r['label']}: no decisions")
    percent_axes(s, x0, top, base, width - 20, y, (0, 25, 50, 75, 100), "share of decisions (%)")
    return SvgFigure(s.render(), "Grouped bars of the share of safe, suboptimal, and unsafe or critical decisions at "
                     "each confidence level. " + "; ".join(notes) + ".", title)


def choice_distribution_svg(choices, case_id: str, title: str | None = None) -> SvgFigure:
    """One case: for every step (a heading with its id and question), the share of the attempts reaching it that
    took each choice, coloured, hatched and labelled by the choice's safety class."""
    rows = [r for r in _records(choices) if r["case_id"] == case_id]
    heading = f"Choices per step: {title or case_id}"
    labels, extra, last = [], [], None
    for r in rows:
        labels.append(_lines(r["choice"], 52, most=1))
        extra.append(22 if r["step_id"] != last else 0)
        last = r["step_id"]
    chart = _Rows(heading[:110], labels or [["no choices"]], plot_w=300, right=230, row_min=20, extra=extra or None)
    s, notes, last = chart.svg, [], None
    for (i, y, h), r in zip(chart.rows(), rows):
        if r["step_id"] != last:
            head = f"Step {r['step_id']}: {r['step']}"
            s.text(12, y + 11, head if len(head) <= 100 else head[:99] + "…", size=10, weight="bold")
            y, h, last = y + 22, h - 22, r["step_id"]
        chart.label(y, h, chart.labels[i], size=9)
        colour, label = SAFETY_STYLE[r["safety"]]
        w = min(r["share_percent"], 100) * chart.plot_w / 100
        s.rect(chart.x0, y + 3, w, h - 6, colour, SAFETY_HATCH[r["safety"]], stroke_width=0.5)
        s.text(chart.x0 + w + 5, y + h / 2, f"{label} · {r['share_percent']:.0f}% ({r['times_chosen']})", size=9)
        notes.append(f"step {r['step_id']}, {r['choice']} ({r['safety']}): {r['share_percent']:.0f}%")
    chart.axis([0, 25, 50, 75, 100], "share of the attempts that reached the step (%)",
               lambda v: v * chart.plot_w / 100)
    return SvgFigure(s.render(), f"Bar chart of the choices made at each step of the case {title or case_id}: "
                     + "; ".join(notes) + ".", heading)


__all__ = ["SvgFigure", "case_scores_svg", "safety_mix_svg", "unsafe_choices_svg", "calibration_svg",
           "choice_distribution_svg", "SAFETY_ORDER", "SAFETY_HATCH"]
