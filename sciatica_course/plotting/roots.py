"""Figures for lesson 2, drawn from ``data/roots.yaml`` and ``data/body_regions.yaml``: the dermatome map of
the right leg (front and back) with the key muscle tests and reflexes, and why a disc level usually affects
the root below it.

Every function takes ``ax=None``, returns the Axes and sets alt text. Region patches carry the gid
``region:<id>`` (and ``selected:<id>`` when chosen on the symptom map).
"""
from __future__ import annotations

import textwrap

from .common import PALETTE, new_axes, set_alt

# One colour AND one hatch per root, so the map reads without colour too; every region also carries its
# root names as text.
ROOT_STYLE = {
    "l4": (PALETTE["sky_blue"], "//"),
    "l5": (PALETTE["orange"], ".."),
    "s1": (PALETTE["bluish_green"], "\\\\"),
}
VIEW_OFFSET = {"front": 0.0, "back": 5.0}
# The leg outline of each view, in the view's own frame (x 0-4, y 0-20.2), as body_regions.yaml uses.
LEG_OUTLINE = {
    "front": [(0.3, 19.2), (3.7, 19.2), (3.3, 12.5), (3.2, 10.0), (2.6, 2.9), (2.9, 2.5), (3.05, 1.2),
              (2.95, 0.1), (0.75, 0.35), (0.85, 1.6), (1.45, 2.9), (0.95, 10.0), (0.85, 12.5)],
    "back": [(0.2, 20.2), (3.8, 20.2), (3.65, 17.5), (3.25, 12.0), (3.15, 10.0), (2.5, 2.9), (3.05, 2.3),
             (3.05, 1.3), (2.65, 1.25), (2.75, 0.0), (1.25, 0.0), (1.4, 1.3), (1.45, 2.9), (0.95, 10.0),
             (0.85, 12.0), (0.35, 17.5)],
}


def _course(course):
    if course is None:
        from ..loading import load_course

        course = load_course()
    return course


def _centroid(poly):
    xs, ys = zip(*poly)
    return sum(xs) / len(xs), sum(ys) / len(ys)


def root_label(root_ids, course) -> str:
    return "/".join(course.roots[r].name if r in course.roots else r.upper() for r in root_ids)


CAPTION = ("Shaded: the root's dermatome (skin area). Dashed, unshaded, 'pain': where that root's pain is often "
           "felt, not its dermatome.",
           "Maps overlap and vary between people: a shaded area is 'consistent with', never proof.")


def plot_dermatome_map(selected=(), ax=None, course=None, table: bool = True, figsize=(9.6, 7.6)):
    """The right leg from the front and from behind, each area shaded by the root(s) whose dermatome includes it
    (colour + hatch + text); areas that only a root's pain distribution includes (the front of the thigh for L4,
    the buttock for L5 and S1) are left unshaded, outlined with dashes and labelled "<root> pain". Beside it, a
    panel of the key muscle test and reflex of each root.

    ``selected``: region ids to outline in black (the symptom-map widget's choice). Without the ``table`` (the
    symptom map's small figure) the titles take two lines, the key is a legend beside the legs and the caption is
    left out: the widget shows :data:`CAPTION` as text under the figure, where it wraps to the width of the page."""
    from matplotlib.patches import Patch, Polygon, Rectangle

    from .. import anatomy

    course = _course(course)
    selected = tuple(selected)
    ax = new_axes(ax, figsize)
    for view, dx in VIEW_OFFSET.items():
        outline = [(x + dx, y) for x, y in LEG_OUTLINE[view]]
        ax.add_patch(Polygon(outline, closed=True, facecolor="white", edgecolor="black", lw=1.2, zorder=1,
                             gid=f"leg:{view}"))
        title = "FRONT" if view == "front" else "BACK"
        ax.text(dx + 2.0, 20.95, f"{title} (right leg)" if table else f"{title}\n(right leg)", ha="center",
                va="bottom", fontsize=9, fontweight="bold", linespacing=1.1)
        lat_left = view == "front"
        ax.text(dx + 0.1, 20.45 if view == "back" else 19.6, "lateral" if lat_left else "medial", fontsize=6.5,
                ha="left", color="#444444")
        ax.text(dx + 3.9, 20.45 if view == "back" else 19.6, "medial" if lat_left else "lateral", fontsize=6.5,
                ha="right", color="#444444")
    for r in anatomy.regions(course=course):
        dx = VIEW_OFFSET[r.view]
        poly = [(x + dx, y) for x, y in r.polygon]
        derm = tuple(r.dermatome_roots)      # shaded: the root's dermatome includes the area
        pain = tuple(r.pain_only)            # unshaded, dashed, labelled "pain": pain distribution only
        face, _ = ROOT_STYLE.get(derm[0], (PALETTE["grey"], "")) if derm else ("white", "")
        hatch = "".join(ROOT_STYLE.get(x, ("", ""))[1] for x in derm)
        chosen = r.id in selected
        patch = Polygon(poly, closed=True, facecolor=face, alpha=0.55 if derm else 0.1, hatch=hatch,
                        edgecolor="black" if chosen else "#555555", lw=2.8 if chosen else 0.6,
                        linestyle="-" if derm or chosen else (0, (3, 2)), zorder=3 if chosen else 2,
                        gid=f"{'selected' if chosen else 'region'}:{r.id}")
        ax.add_patch(patch)
        if chosen:  # a crisp outline on top (the hatched patch is translucent)
            ax.add_patch(Polygon(poly, closed=True, facecolor="none", edgecolor="black", lw=2.8, zorder=4))
        cx, cy = _centroid(r.polygon)
        xs, ys = zip(*r.polygon)
        narrow = (max(xs) - min(xs)) < 1.2 and (max(ys) - min(ys)) > 2
        label = root_label(derm, course) if derm else ""
        if pain:   # a narrow strip's label is one rotated line, so it stays inside the strip
            label = (label + (" · " if narrow else "\n") if label else "") + root_label(pain, course) + " pain"
        ax.text(cx + dx, cy, label, ha="center", va="center", fontsize=6.5,
                fontweight="bold" if derm else "normal", style="normal" if derm else "italic",
                rotation=90 if narrow else 0, zorder=5,
                bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.85))
    if table:
        ax.text(4.5, -0.45, CAPTION[0], ha="center", fontsize=6.5)
        ax.text(4.5, -1.1, CAPTION[1], ha="center", fontsize=7, style="italic")
    handles = [Patch(facecolor=ROOT_STYLE[r.id][0], alpha=0.55, hatch=ROOT_STYLE[r.id][1], edgecolor="#555555",
                     label=r.name) for r in course.roots if r.id in ROOT_STYLE]
    xmax = 9.2
    if table:
        x0 = 10.0
        ax.text(x0, 21.0, "Key muscle test and reflex (UK physiotherapy convention)", fontsize=8.5, fontweight="bold")
        y = 20.1
        for root in course.roots:
            face, hatch = ROOT_STYLE.get(root.id, (PALETTE["grey"], ""))
            ax.add_patch(Rectangle((x0, y - 0.75), 0.9, 0.9, facecolor=face, alpha=0.55, hatch=hatch,
                                   edgecolor="#555555", gid=f"swatch:{root.id}"))
            ax.text(x0 + 1.15, y - 0.3, root.name, fontsize=11, fontweight="bold", va="center")
            key = root.myotomes[0]
            lines = [("Skin", root.dermatome), ("Key test", f"{key.movement} ({key.muscle})")]
            if len(root.myotomes) > 1:
                lines.append(("Also", "; ".join(m.movement.lower() for m in root.myotomes[1:])))
            lines.append(("Reflex", root.reflex))
            y -= 1.2
            for label, text in lines:
                wrapped = textwrap.wrap(f"{label}: {text}", 58)
                for i, w in enumerate(wrapped):
                    ax.text(x0 + 0.2, y, w, fontsize=7, va="top")
                    y -= 0.62
                y -= 0.1
            y -= 0.6
        xmax = 22.5
    else:   # the key beside the back view's calf, clear of both legs
        ax.legend(handles=handles, loc="center left", bbox_to_anchor=(9.0, 9.0), bbox_transform=ax.transData,
                  fontsize=7, title="Root", title_fontsize=7, borderaxespad=0, handlelength=1.6)
        xmax = 11.8
    ax.set_xlim(-0.3, xmax)
    ax.set_ylim(-1.6 if table else -0.2, 21.6 if table else 22.6)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax._sciatica_selected = selected
    parts, pains = [], []
    for root in course.roots:
        rs = anatomy.regions_for_root(root.id, course)
        parts.append(f"{root.name} dermatome: " + ", ".join(r.name.lower() for r in rs if root.id not in r.pain_only))
        pain_names = [r.name.lower() for r in rs if root.id in r.pain_only]
        if pain_names:
            pains.append(f"{root.name} pain: {', '.join(pain_names)}")
    alt = ("Dermatome map of the right leg from the front and from behind; each dermatome area is shaded with a colour "
           "and a hatch pattern and labelled with its root. " + "; ".join(parts) + ". Areas where a root's pain is "
           "often felt but which are not its dermatome are unshaded, outlined with dashes and labelled as pain: "
           + "; ".join(pains) + ".")
    if table:
        alt += " Beside it: " + "; ".join(
            f"{r.name} key test {r.myotomes[0].movement.lower()}, reflex {r.reflex.lower()}" for r in course.roots)
    if selected:
        alt += " Outlined in black (chosen on the symptom map): " + ", ".join(
            course.body_regions[s].name.lower() for s in selected if s in course.body_regions) + "."
    set_alt(ax, alt)
    return ax


# ---------------------------------------------------------------- disc levels (ROOT-02)
# A posterior view of the lower lumbar spine with the bony arches removed: vertebral bodies, discs, the dural
# sac in the middle and the right-hand roots. y: body and disc boundaries.
_BODIES = {"L4": (12.0, 15.0), "L5": (7.6, 11.0), "S1": (2.0, 6.6)}
_DISCS = {"l4_l5": (11.0, 12.0), "l5_s1": (6.6, 7.6)}
# each root: where it leaves the sac, the point where it runs alongside the body below, and its exit
_ROOT_PATHS = {
    "l4": [(5.7, 14.6), (6.6, 13.6), (8.6, 12.6)],
    "l5": [(5.7, 13.0), (6.15, 12.2), (6.3, 10.8), (6.8, 9.4), (8.6, 8.3)],
    "s1": [(5.7, 8.6), (6.15, 7.8), (6.3, 6.4), (6.8, 5.2), (8.4, 4.2)],
}


def plot_disc_levels(disc: str = "l4_l5", ax=None, course=None, figsize=(6.4, 6.0)):
    """Why a posterolateral disc herniation usually affects the root BELOW the disc (ROOT-02): the root named
    after the upper vertebra has already left above the disc; the next root crosses the disc on its way down."""
    from matplotlib.patches import Ellipse, Rectangle
    import matplotlib.patheffects as pe

    from .. import anatomy

    course = _course(course)
    info = anatomy.DISC_LEVELS.get(disc)
    if info is None:
        raise KeyError(f"no disc level {disc!r}; choose one of {', '.join(anatomy.DISC_LEVELS)}")
    affected = anatomy.root_affected_by_disc(disc, course)
    exiting = info["exiting"]
    ax = new_axes(ax, figsize)
    for name, (y0, y1) in _BODIES.items():
        ax.add_patch(Rectangle((3.0, y0), 4.0, y1 - y0, facecolor="#F2F2F2", edgecolor="#7A7A7A", zorder=1,
                               gid=f"body:{name}"))
        ax.text(3.3, (y0 + y1) / 2, f"{name}\nvertebra" if name != "S1" else "S1\n(sacrum)", fontsize=8, va="center")
    for did, (y0, y1) in _DISCS.items():
        ax.add_patch(Rectangle((3.0, y0), 4.0, y1 - y0, facecolor="#D9D9D9", edgecolor="#7A7A7A", hatch="--",
                               zorder=1, gid=f"disc:{did}"))
        ax.text(2.85, (y0 + y1) / 2, anatomy.DISC_LEVELS[did]["label"], fontsize=8, va="center", ha="right",
                fontweight="bold" if did == disc else "normal")
    ax.add_patch(Rectangle((4.3, 1.5), 1.4, 14.5, facecolor=PALETTE["sky_blue"], alpha=0.25,
                           edgecolor=PALETTE["blue"], zorder=2, gid="dural_sac"))
    ax.text(5.0, 16.3, "dural sac\n(nerve roots inside)", ha="center", fontsize=7.5)
    for rid, path in _ROOT_PATHS.items():
        xs, ys = zip(*path)
        is_hit = rid == affected
        colour = PALETTE["vermillion"] if is_hit else PALETTE["orange"]
        kw = dict(path_effects=[pe.Stroke(linewidth=7, foreground="black"), pe.Normal()]) if is_hit else {}
        (line,) = ax.plot(xs, ys, color=colour, lw=5 if is_hit else 3, solid_capstyle="round", zorder=4,
                          gid=f"root:{rid}{':affected' if is_hit else ''}", **kw)
        name = course.roots[rid].name if rid in course.roots else rid.upper()
        tag = " - usually AFFECTED" if is_hit else (" - already out, usually spared" if rid == exiting else "")
        ax.text(xs[-1] + 0.2, ys[-1], f"{name} root{tag}", fontsize=8, va="center",
                fontweight="bold" if is_hit else "normal")
    y0, y1 = _DISCS[disc]
    ax.add_patch(Ellipse((6.05, (y0 + y1) / 2), 1.3, 1.1, facecolor=PALETTE["reddish_purple"], hatch="xx",
                         edgecolor="black", zorder=3, alpha=0.9, gid=f"herniation:{disc}"))
    ax.annotate("posterolateral herniation", xy=(6.3, (y0 + y1) / 2 - 0.4), xytext=(6.4, (y0 + y1) / 2 - 2.2),
                fontsize=8, arrowprops=dict(arrowstyle="->", lw=1.2), zorder=6,
                bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.85))
    label = info["label"]
    aff = course.roots[affected].name if affected in course.roots else affected.upper()
    ax.set_title(f"Why an {label} herniation usually affects {aff} (posterior view, bony arches removed)",
                 fontsize=9)
    ax.set_xlim(0.0, 14.5)
    ax.set_ylim(1.0, 17.2)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax._sciatica_affected = affected
    ex = course.roots[exiting].name if exiting in course.roots else exiting.upper()
    set_alt(ax, f"Schematic of the lower lumbar spine seen from behind with the bony arches removed: the L4, L5 "
                f"and S1 vertebrae, the L4-L5 and L5-S1 discs, the dural sac and the right-hand nerve roots. A "
                f"posterolateral herniation at the {label} presses on the {aff} root, which crosses that disc on its "
                f"way down to leave one level lower; the {ex} root has already left the spine above the disc and "
                f"is usually spared.")
    return ax
