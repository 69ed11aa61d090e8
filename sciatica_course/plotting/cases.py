"""The path figure of a played case: the student's steps beside the expert's, each step's safety class shown
by colour AND by a marker shape AND by a text label (never colour alone)."""
from __future__ import annotations

from .common import SAFETY_STYLE, new_axes, set_alt

MARKERS = {"safe": "o", "suboptimal": "s", "unsafe": "^", "critical": "X"}
KIND_LABEL = {"intake": "Intake", "red_flag": "Red-flag decision", "referral": "Referral", "irritability": "Irritability",
              "plan": "Plan", "gate": "Must-ask gate", "debrief": "End"}


def _label(kind: str) -> str:
    return KIND_LABEL.get(kind, kind.replace("_", " ").capitalize())


def plot_case_path(debrief, ax=None):
    """Draw ``debrief`` (from ``Session.debrief()``): top row your path, bottom row the expert's path.
    Returns the Axes, with alt text describing both paths."""
    you = [(r.kind, r.safety) for r in debrief.rows]
    expert = [(kind, "safe") for _sid, kind, _p, _ch in debrief.expert_path if kind != "debrief"]
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
    ax.set_title(f"{debrief.title}: your decisions beside the expert's "
                 f"(score {debrief.score:g} of {debrief.max_score:g})", fontsize=10)
    handles = [ax.scatter([], [], s=90, marker=MARKERS[k], color=c, edgecolors="black", label=t)
               for k, (c, t) in SAFETY_STYLE.items()]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=4, fontsize=8, frameon=False)

    def describe(seq):
        return "; ".join(f"{_label(k)} ({s})" for k, s in seq) or "no steps"

    set_alt(ax, f"Path figure for the case '{debrief.title}'. Your path: {describe(you)}. "
                f"Expert path: {describe(expert)}. Score {debrief.score:g} of {debrief.max_score:g}.")
    return ax


__all__ = ["plot_case_path", "MARKERS"]
