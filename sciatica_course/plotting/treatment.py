"""Figures for irritability and technique selection, drawn from ``data/techniques.yaml``.

``plot_technique_matrix`` shows the technique x irritability matrix. Every cell carries a symbol and a
word (✓ yes, ◐ modify, ✗ avoid) and a hatch for "avoid", so the figure reads without colour.
"""
from __future__ import annotations

from .common import PALETTE, new_axes, set_alt

LEVELS = ("low", "moderate", "high")
FIT_STYLE = {
    # fit: (fill colour, hatch, symbol, word)
    "yes": (PALETTE["bluish_green"], "", "✓", "yes"),
    "modified": (PALETTE["yellow"], "..", "◐", "modify"),
    "no": (PALETTE["vermillion"], "xx", "✗", "avoid"),
}


def matrix_rows(course=None):
    """(technique id, name, {level: fit}) for every technique, in file order."""
    from ..loading import load_course

    course = course if course is not None else load_course()
    return [(t.id, t.name, {lv: getattr(t.suitability, lv).fit for lv in LEVELS}) for t in course.techniques]


def plot_technique_matrix(ax=None, course=None, highlight: str | None = None):
    """The technique x irritability matrix (a teaching synthesis). ``highlight`` outlines one level's column."""
    from matplotlib.patches import Patch, Rectangle

    rows = matrix_rows(course)
    ax = new_axes(ax, figsize=(8.2, 0.42 * len(rows) + 1.9))
    n = len(rows)
    for r, (_tid, name, fits) in enumerate(rows):
        y = n - 1 - r
        for c, lv in enumerate(LEVELS):
            colour, hatch, sym, word = FIT_STYLE[fits[lv]]
            ax.add_patch(Rectangle((c, y), 1, 1, facecolor=colour, alpha=0.55, hatch=hatch,
                                   edgecolor="white", linewidth=1.5))
            ax.text(c + 0.5, y + 0.5, f"{sym} {word}", ha="center", va="center", fontsize=9,
                    color="black", fontweight="bold" if fits[lv] == "no" else "normal",
                    bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.8))
    if highlight in LEVELS:
        c = LEVELS.index(highlight)
        ax.add_patch(Rectangle((c, 0), 1, n, fill=False, edgecolor="black", linewidth=3))
    ax.set_xlim(0, 3)
    ax.set_ylim(0, n)
    ax.set_xticks([0.5, 1.5, 2.5], [f"{lv} irritability" for lv in LEVELS])
    ax.xaxis.tick_top()
    ax.set_yticks([n - 1 - r + 0.5 for r in range(n)], [name for _i, name, _f in rows], fontsize=9)
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.set_title("Which technique suits which irritability\n(a teaching synthesis: consensus, not trial evidence)",
                 fontsize=10, pad=24)
    handles = [Patch(facecolor=FIT_STYLE[k][0], alpha=0.55, hatch=FIT_STYLE[k][1], edgecolor="grey",
                     label=f"{FIT_STYLE[k][2]} {label}")
               for k, label in (("yes", "suitable"), ("modified", "modify"),
                                ("no", "avoid"))]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=3, frameon=False, fontsize=9)
    counts = {lv: sum(1 for _i, _n, f in rows if f[lv] == "no") for lv in LEVELS}
    high_no = [name for _i, name, f in rows if f["high"] == "no"]
    set_alt(ax, f"A table-like figure of {n} massage techniques (rows) against low, moderate and high irritability "
                f"(columns). Each cell says yes, modify or avoid with a symbol. Avoided: {counts['low']} at low, "
                f"{counts['moderate']} at moderate and {counts['high']} at high irritability. "
                f"At high irritability avoid: {', '.join(high_no)}.")
    return ax


def plot_irritability_levels(result, ax=None, course=None):
    """A small three-step scale with the rated level marked and the deciding indicators listed."""
    from ..loading import load_course

    course = course if course is not None else load_course()
    ax = new_axes(ax, figsize=(6.5, 1.9))
    colours = {"low": PALETTE["bluish_green"], "moderate": PALETTE["yellow"], "high": PALETTE["vermillion"]}
    hatches = {"low": "", "moderate": "..", "high": "xx"}
    from matplotlib.patches import Rectangle

    for i, lv in enumerate(LEVELS):
        chosen = lv == result.level
        ax.add_patch(Rectangle((i, 0), 1, 1, facecolor=colours[lv], alpha=0.8 if chosen else 0.2,
                               hatch=hatches[lv], edgecolor="black" if chosen else "white",
                               linewidth=3 if chosen else 1))
        ax.text(i + 0.5, 0.5, ("▶ " if chosen else "") + lv.upper(), ha="center", va="center",
                fontsize=11, fontweight="bold" if chosen else "normal",
                bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none", alpha=0.85))
    ax.set_xlim(0, 3)
    ax.set_ylim(0, 1)
    ax.axis("off")
    ind = {r.id: r for r in course.irritability if r.kind == "indicator"}
    labels = [ind[i].label for i in result.deciding]
    ax.set_title(f"Irritability: {result.level} (teaching synthesis)", fontsize=10)
    set_alt(ax, f"A three-step scale low, moderate, high with {result.level} marked. Deciding indicators: "
                f"{'; '.join(labels) if labels else 'none of the moderate or high indicators'}.")
    return ax


def level_alt(level: str) -> str:
    """The alt text of one level's figure on its own (no deciding indicators: the pixels do not show them)."""
    return f"A three-step scale low, moderate, high with {level} marked (irritability {level}, a teaching synthesis)."


def level_img_html(png: bytes, level: str, describedby: str | None = None) -> str:
    """One level's figure (PNG bytes of :func:`plot_irritability_levels`) as an ``<img>`` with class
    ``sc-irr-img sc-irr-img-<level>``.

    For a widget that keeps every level's figure in the page and shows one by a CSS class (the per-click
    message then carries no image). The alt text is :func:`level_alt`; ``describedby`` names the id of the
    element that says which indicators decided the level (``aria-describedby``), so a screen reader still
    hears them with the figure.
    """
    import base64

    from ..text import esc

    data = base64.b64encode(png).decode("ascii")
    desc = f' aria-describedby="{esc(describedby)}"' if describedby else ""
    return (f'<img class="sc-irr-img sc-irr-img-{esc(level)}" src="data:image/png;base64,{data}" '
            f'alt="{esc(level_alt(level))}"{desc} style="max-width:100%;height:auto"/>')


def technique_matrix(level: str | None = None, course=None):
    """The matrix for a lesson cell (an ``<img>`` with alt text, from the figure store); ``level`` outlines one
    column."""
    from .stored import technique_matrix as stored

    return stored(level, course=course)


def plot_endangerment(ax=None, course=None):
    """The endangerment sites on the body outline of the anatomy lessons.

    Uses ``plotting.anatomy.plot_endangerment_sites`` when the anatomy work provides it; otherwise the
    nerve-path figure of lesson 1, which marks every endangerment site along the nerve (⚠ markers).
    """
    from . import anatomy

    fn = getattr(anatomy, "plot_endangerment_sites", None)
    if fn is not None:
        try:
            return fn(ax=ax, course=course)
        except TypeError:
            return fn(ax=ax)
    return anatomy.plot_nerve_path(ax=ax, course=course)


def endangerment_figure(course=None):
    """The endangerment-site figure for a lesson cell (an ``<img>`` with alt text, from the figure store)."""
    from .stored import endangerment_figure as stored

    return stored(course=course)


__all__ = ["plot_technique_matrix", "plot_irritability_levels", "level_alt", "level_img_html", "matrix_rows",
           "FIT_STYLE", "technique_matrix", "plot_endangerment", "endangerment_figure"]
