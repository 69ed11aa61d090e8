"""The path figure of a played case: the student's steps beside the expert's, each step's safety class shown
by colour AND by a marker shape AND by a text label (never colour alone).

Two renderers of one layout: ``plot_case_path`` draws on a matplotlib Axes (the course's ``plot_*(ax=None)``
contract, for reports and export), ``case_path_svg`` writes the same figure as a small SVG ``<img>`` with its alt
text. The case player's debrief uses the SVG: a lesson that plays cases then never imports matplotlib (about 40 MB
less per student's kernel in a class, and no figure rendering on the first Run All)."""
from __future__ import annotations

import base64

from ..text import esc
from .common import SAFETY_STYLE, new_axes, set_alt

MARKERS = {"safe": "o", "suboptimal": "s", "unsafe": "^", "critical": "X"}
KIND_LABEL = {"intake": "Intake", "red_flag": "Red-flag decision", "referral": "Referral", "irritability": "Irritability",
              "plan": "Plan", "gate": "Must-ask gate", "debrief": "End"}


def _label(kind: str) -> str:
    return KIND_LABEL.get(kind, kind.replace("_", " ").capitalize())


def _paths(debrief):
    """(your path, the expert's path) as lists of (step kind, safety class)."""
    you = [(r.kind, r.safety) for r in debrief.rows]
    expert = [(kind, "safe") for _sid, kind, _p, _ch in debrief.expert_path if kind != "debrief"]
    return you, expert


def _headline(debrief) -> str:
    """The score as the debrief shows it ("0 of 22 points (0%)"), never a negative "of"."""
    pts = getattr(debrief, "points", None)
    return pts.headline() if pts is not None else f"{max(debrief.score, 0):g} of {debrief.max_score:g}"


def _title(debrief) -> str:
    return (f"{debrief.title}: your decisions beside the expert's "
            f"(score {_headline(debrief)})")


def path_alt(debrief) -> str:
    """The figure's alt text: both paths step by step, in words."""
    you, expert = _paths(debrief)

    def describe(seq):
        return "; ".join(f"{_label(k)} ({s})" for k, s in seq) or "no steps"

    return (f"Path figure for the case '{debrief.title}'. Your path: {describe(you)}. "
            f"Expert path: {describe(expert)}. Score {_headline(debrief)}.")


def plot_case_path(debrief, ax=None):
    """Draw ``debrief`` (from ``Session.debrief()``): top row your path, bottom row the expert's path.
    Returns the Axes, with alt text describing both paths."""
    you, expert = _paths(debrief)
    n = max(len(you), len(expert), 1)
    ax = new_axes(ax, figsize=(max(6.0, 1.55 * n + 1.5), 3.2))
    rows = ((1.0, "Your path", you), (0.0, "Expert path", expert))
    for y, _name, seq in rows:
        xs = list(range(len(seq)))
        if len(xs) > 1:
            ax.plot(xs, [y] * len(xs), color="#555555", linewidth=1.2, zorder=1)
        for x, (kind, safety) in zip(xs, seq):
            colour, text = SAFETY_STYLE[safety]
            ax.scatter([x], [y], s=260, marker=MARKERS[safety], color=colour, edgecolors="black", linewidths=1.0,
                       zorder=3)
            ax.annotate(_label(kind), (x, y), xytext=(0, 15), textcoords="offset points", ha="center",
                        va="bottom", fontsize=8.5)
            ax.annotate(text, (x, y), xytext=(0, -17), textcoords="offset points", ha="center", va="top",
                        fontsize=8.5, fontweight="bold" if safety in ("unsafe", "critical") else "normal")
    ax.set_yticks([1.0, 0.0], ["Your path", "Expert path"])
    ax.set_ylim(-0.65, 1.65)
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(_title(debrief), fontsize=10)
    handles = [ax.scatter([], [], s=90, marker=MARKERS[k], color=c, edgecolors="black", label=t)
               for k, (c, t) in SAFETY_STYLE.items()]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=4, fontsize=8, frameon=False)
    set_alt(ax, path_alt(debrief))
    return ax


# ------------------------------------------------------------------------------------------------ SVG renderer
_FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
_STEP = 150          # px between steps
_LEFT = 120          # px for the row names


def _marker_svg(shape: str, x: float, y: float, colour: str, r: float = 11.0) -> str:
    """One marker: the same shapes as the matplotlib figure (circle, square, triangle, X)."""
    style = f'fill="{colour}" stroke="#000" stroke-width="1.2"'
    if shape == "o":
        return f'<circle cx="{x:g}" cy="{y:g}" r="{r:g}" {style}/>'
    if shape == "s":
        return f'<rect x="{x - r * 0.9:g}" y="{y - r * 0.9:g}" width="{r * 1.8:g}" height="{r * 1.8:g}" {style}/>'
    if shape == "^":
        pts = f"{x:g},{y - r * 1.1:g} {x + r * 1.05:g},{y + r * 0.8:g} {x - r * 1.05:g},{y + r * 0.8:g}"
        return f'<polygon points="{pts}" {style}/>'
    a, b = r * 0.35, r                     # an X: a square cross turned 45 degrees
    cross = [(-a, -b), (a, -b), (a, -a), (b, -a), (b, a), (a, a), (a, b), (-a, b), (-a, a), (-b, a), (-b, -a), (-a, -a)]
    rot = [((u - v) * 0.7071, (u + v) * 0.7071) for u, v in cross]
    pts = " ".join(f"{x + u:.1f},{y + v:.1f}" for u, v in rot)
    return f'<polygon points="{pts}" {style}/>'


def case_path_svg(debrief) -> str:
    """The path figure as SVG markup (no matplotlib): your path above the expert's, each step with its kind
    above the marker and its safety class in words below it; a legend with shape, colour and word."""
    you, expert = _paths(debrief)
    n = max(len(you), len(expert), 1)
    width = max(640, _LEFT + _STEP * n + 20)
    height = 330
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="{_FONT}" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="#fff"/>',
             f'<text x="{width / 2:g}" y="24" text-anchor="middle" font-size="14">{esc(_title(debrief))}</text>']
    for y, name, seq in ((105, "Your path", you), (215, "Expert path", expert)):
        parts.append(f'<text x="{_LEFT - 18}" y="{y + 4}" text-anchor="end" font-size="13">{name}</text>')
        xs = [_LEFT + 40 + _STEP * i for i in range(len(seq))]
        if len(xs) > 1:
            parts.append(f'<line x1="{xs[0]}" y1="{y}" x2="{xs[-1]}" y2="{y}" stroke="#555" stroke-width="1.5"/>')
        for x, (kind, safety) in zip(xs, seq):
            colour, text = SAFETY_STYLE[safety]
            weight = ' font-weight="bold"' if safety in ("unsafe", "critical") else ""
            parts.append(_marker_svg(MARKERS[safety], x, y, colour))
            parts.append(f'<text x="{x}" y="{y - 20}" text-anchor="middle">{esc(_label(kind))}</text>')
            parts.append(f'<text x="{x}" y="{y + 32}" text-anchor="middle"{weight}>{esc(text)}</text>')
    x = width / 2 - 2 * 140 + 20
    for safety, (colour, text) in SAFETY_STYLE.items():
        parts.append(_marker_svg(MARKERS[safety], x, 300, colour, r=7))
        parts.append(f'<text x="{x + 14:g}" y="304">{esc(text)}</text>')
        x += 140
    parts.append("</svg>")
    return "".join(parts)


def case_path_html(debrief, max_width: str = "100%") -> str:
    """The path figure as an accessible ``<img>`` (SVG data URI) with its alt text, for the debrief."""
    data = base64.b64encode(case_path_svg(debrief).encode("utf-8")).decode("ascii")
    return (f'<figure style="margin:0"><img src="data:image/svg+xml;base64,{data}" alt="{esc(path_alt(debrief))}" '
            f'style="max-width:{max_width};height:auto"/></figure>')


__all__ = ["plot_case_path", "case_path_svg", "case_path_html", "path_alt", "MARKERS"]
