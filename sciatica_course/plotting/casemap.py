"""A case's map: its steps left to right (by distance from the start), each step's choices beneath it,
every choice coloured, hatched AND labelled by its safety class, arrows to the step each choice leads to.

For instructors reviewing a case they wrote: ``sciatica-course case-map CASE_ID -o map.png`` or, in a
notebook, ``casemap.case_map("case_id")``.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

from .common import PALETTE, SAFETY_STYLE, new_axes, set_alt, show

SAFETY_HATCH = {"safe": "", "suboptimal": "..", "unsafe": "//", "critical": "xx"}
KIND_LABEL = {"intake": "intake: questions", "red_flag": "red flags: treat or refer", "referral": "referral",
              "irritability": "irritability", "plan": "plan", "debrief": "debrief (end)"}

COL_W = 3.6      # column width (data units)
BOX_W = 3.0
STEP_H = 1.1
CHOICE_H = 0.78
GAP = 0.14


def _wrap(text: str, width: int, lines: int) -> str:
    parts = textwrap.wrap(" ".join(str(text).split()), width)
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][: max(0, width - 1)].rstrip() + "…"
    return "\n".join(parts)


def _next_of(step, choice):
    return choice.next or step.next


def layout(case) -> dict:
    """Column (distance from the start) of every step; unreachable steps go in a last column."""
    steps = {s.id: s for s in case.steps}
    depth = {}
    queue = [case.start] if case.start in steps else []
    if queue:
        depth[case.start] = 0
    while queue:
        sid = queue.pop(0)
        s = steps[sid]
        targets = [_next_of(s, c) for c in s.choices] or ([s.next] if s.next else [])
        for t in targets:
            if t in steps and t not in depth:
                depth[t] = depth[sid] + 1
                queue.append(t)
    last = max(depth.values(), default=-1) + 1
    for s in case.steps:
        depth.setdefault(s.id, last)
    return depth


def _case_of(case_or_id, course=None):
    if not isinstance(case_or_id, str):
        return case_or_id
    from ..loading import load_course

    course = course if course is not None else load_course()
    return course.cases[case_or_id]


def plot_case_map(case, ax=None, course=None):
    """Draw the case's graph; returns the Axes (alt text set)."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

    case = _case_of(case, course)
    depth = layout(case)
    ncols = max(depth.values()) + 1
    columns: dict = {}
    for s in case.steps:
        columns.setdefault(depth[s.id], []).append(s)
    heights = {c: sum(STEP_H + GAP + len(ss.choices) * (CHOICE_H + GAP) + 0.5 for ss in col) - 0.5
               for c, col in columns.items()}
    total_h = max(heights.values()) + 0.55
    ax = new_axes(ax, figsize=(max(6.0, 2.3 * ncols + 0.6), max(3.5, 0.62 * total_h + 1.0)))

    step_box, choice_box = {}, {}
    for col, col_steps in sorted(columns.items()):
        x = col * COL_W
        y = 0.0
        for s in col_steps:
            top = y
            kind = KIND_LABEL.get(s.kind, s.kind)
            label = f"{s.id}  [{kind}]\n{_wrap(s.prompt, 40, 1 if s.requires else 2)}"
            if s.requires:
                label += "\n" + _wrap(f"gate: ask {', '.join(s.requires)} first", 44, 2)
            ax.add_patch(FancyBboxPatch((x, -(top + STEP_H)), BOX_W, STEP_H, boxstyle="round,pad=0.02,rounding_size=0.12",
                                        facecolor="#E8EEF6" if s.kind != "debrief" else "#EDEDED",
                                        edgecolor=PALETTE["blue"], linewidth=1.4))
            ax.text(x + 0.08, -(top + 0.08), label, va="top", ha="left", fontsize=6.3)
            step_box[s.id] = (x, -(top + STEP_H / 2))
            y = top + STEP_H + GAP
            for c in s.choices:
                colour, safety_label = SAFETY_STYLE[c.safety]
                ax.add_patch(FancyBboxPatch((x + 0.18, -(y + CHOICE_H)), BOX_W - 0.18, CHOICE_H,
                                            boxstyle="round,pad=0.01,rounding_size=0.08", facecolor=colour,
                                            hatch=SAFETY_HATCH[c.safety], edgecolor=PALETTE["black"],
                                            linewidth=2.0 if c.expert else 0.6, alpha=0.9))
                tgt = _next_of(s, c)
                head = f"{safety_label}{'  ★ expert' if c.expert else ''}  {c.points:+g} pts"
                body = _wrap(c.text, 44, 1)
                ax.text(x + 0.26, -(y + 0.06), f"{head}\n{body}\n→ {tgt or '(no next step)'}", va="top", ha="left",
                        fontsize=5.8, bbox={"facecolor": "white", "alpha": 0.82, "linewidth": 0, "pad": 0.6})
                choice_box[(s.id, c.id)] = (x + BOX_W, -(y + CHOICE_H / 2), tgt)
                y += CHOICE_H + GAP
            y += 0.5
    # arrows from each choice to the step it leads to
    for (sid, cid), (x0, y0, tgt) in choice_box.items():
        if tgt not in step_box:
            continue
        x1, y1 = step_box[tgt]
        backwards = x1 <= x0 - BOX_W + 0.01
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=8, linewidth=0.7,
                                     color=PALETTE["grey"] if not backwards else PALETTE["reddish_purple"],
                                     connectionstyle="arc3,rad=-0.25" if backwards else "arc3,rad=0.05",
                                     shrinkA=1, shrinkB=2))
    ax.set_xlim(-0.2, (ncols - 1) * COL_W + BOX_W + 0.3)
    ax.set_ylim(-total_h, 0.3)
    ax.set_axis_off()
    ax.set_title(_wrap(f"Case map: {case.title} ({case.id})", 90, 2), fontsize=9)
    handles = [Patch(facecolor=SAFETY_STYLE[k][0], hatch=SAFETY_HATCH[k], edgecolor=PALETTE["black"],
                     label=SAFETY_STYLE[k][1]) for k in ("safe", "suboptimal", "unsafe", "critical")]
    handles.append(Patch(facecolor="white", edgecolor=PALETTE["black"], linewidth=2.0, label="★ expert (thick border)"))
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, -0.02), ncols=5, fontsize=6.5,
              frameon=False)
    set_alt(ax, alt_text_for(case, depth))
    return ax


def alt_text_for(case, depth=None) -> str:
    depth = depth or layout(case)
    parts = [f"Map of the case {case.title} ({case.id}): {len(case.steps)} steps, starting at {case.start}."]
    for s in sorted(case.steps, key=lambda s: (depth[s.id], [x.id for x in case.steps].index(s.id))):
        if not s.choices:
            parts.append(f"Step {s.id} ({s.kind}) ends the case.")
            continue
        desc = "; ".join(f"{c.id} ({c.safety}{', expert' if c.expert else ''}) to {_next_of(s, c)}"
                         for c in s.choices)
        gate = f" It opens only after {', '.join(s.requires)}." if s.requires else ""
        parts.append(f"Step {s.id} ({s.kind}): {desc}.{gate}")
    return " ".join(parts)


def case_map(case_id, course=None):
    """For a notebook cell: the case's map as an accessible image."""
    return show(plot_case_map(case_id, course=course))


def save_case_map(case, path, course=None, dpi: int = 130) -> Path:
    """Write the case's map as a PNG file; returns its path."""
    from .common import png_bytes

    ax = plot_case_map(case, course=course)
    path = Path(path)
    if path.suffix.lower() != ".png":
        path = path.with_suffix(path.suffix + ".png") if path.suffix else path.with_suffix(".png")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png_bytes(ax.figure, dpi=dpi))
    return path
