"""Figures of the class report (``sciatica_course.classreport``): every figure labels safety classes with a word
and a symbol and a hatch as well as a colour, and carries alt text that states what it shows."""
from __future__ import annotations

from .common import PALETTE, SAFETY_STYLE, new_axes, set_alt

SAFETY_ORDER = ("safe", "suboptimal", "unsafe", "critical")
SAFETY_HATCH = {"safe": "", "suboptimal": "..", "unsafe": "//", "critical": "xx"}


def _wrap(text: str, width: int = 38) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width)[:3]) or str(text)


def _pct(v) -> str:
    return f"{v:.0f}%"


def plot_case_scores(attempts, ax=None):
    """Each case's percent scores: a box plot with every attempt as a dot, and n and the mean written beside it."""
    import numpy as np

    cases = sorted(attempts["case_id"].unique())
    ax = new_axes(ax, figsize=(8, 1.0 + 0.55 * max(len(cases), 1)))
    rng = np.random.default_rng(0)       # a local generator: no global seed is touched
    data, labels, notes = [], [], []
    for c in cases:
        g = attempts[attempts["case_id"] == c]
        p = g["percent"].dropna().to_numpy()
        data.append(p)
        labels.append(_wrap(g["case"].iloc[0], 34))
        notes.append(f"{c}: mean {p.mean():.0f}% (n={len(p)})" if len(p) else f"{c}: no score")
    if data:
        ax.boxplot(data, orientation="horizontal", widths=0.5, showfliers=False,
                   medianprops={"color": PALETTE["black"], "linewidth": 2},
                   boxprops={"color": PALETTE["blue"]}, whiskerprops={"color": PALETTE["blue"]})
        for i, p in enumerate(data, start=1):
            ax.scatter(p, i + rng.uniform(-0.15, 0.15, len(p)), s=14, color=PALETTE["sky_blue"],
                       edgecolor=PALETTE["black"], linewidth=0.4, zorder=3)
            if len(p):
                ax.text(103, i, f"n={len(p)}, mean {p.mean():.0f}%", va="center", fontsize=8)
        ax.set_yticks(range(1, len(cases) + 1), labels, fontsize=8)
    lo = min([0.0] + [float(p.min()) for p in data if len(p)])
    ax.set_xlim(lo - (5 if lo < 0 else 0), 125)
    ax.set_xticks([t for t in range(-100, 101, 20) if t >= lo - 5])
    ax.set_xlabel("score (% of the case's maximum)")
    ax.set_title("Scores per case (box: middle half; line: median; dots: attempts)", fontsize=10)
    ax.invert_yaxis()
    set_alt(ax, "Box plot of percent scores per case. " + "; ".join(notes) + ".")
    return ax


def plot_safety_mix(choices, ax=None):
    """Per case, the share of choices made in each safety class (stacked bars with the class written in)."""
    cases = sorted(choices["case_id"].unique())
    ax = new_axes(ax, figsize=(8, 1.2 + 0.5 * max(len(cases), 1)))
    totals = {c: choices[choices["case_id"] == c]["times_chosen"].sum() for c in cases}
    lefts = {c: 0.0 for c in cases}
    notes = []
    for safety in SAFETY_ORDER:
        colour, label = SAFETY_STYLE[safety]
        widths = []
        for c in cases:
            n = choices[(choices["case_id"] == c) & (choices["safety"] == safety)]["times_chosen"].sum()
            widths.append(100.0 * n / totals[c] if totals[c] else 0.0)
        bars = ax.barh(range(len(cases)), widths, left=[lefts[c] for c in cases], color=colour,
                       hatch=SAFETY_HATCH[safety], edgecolor=PALETTE["black"], linewidth=0.5, label=label)
        for i, (c, w, b) in enumerate(zip(cases, widths, bars)):
            if w >= 9:
                ax.text(lefts[c] + w / 2, i, f"{label.split()[0]} {w:.0f}%", ha="center", va="center", fontsize=7,
                        bbox={"facecolor": "white", "alpha": 0.75, "linewidth": 0, "pad": 1})
            lefts[c] += w
    for c in cases:
        parts = []
        for safety in SAFETY_ORDER:
            n = choices[(choices["case_id"] == c) & (choices["safety"] == safety)]["times_chosen"].sum()
            if n:
                parts.append(f"{safety} {100.0 * n / totals[c]:.0f}%")
        notes.append(f"{c}: " + ", ".join(parts))
    ax.set_yticks(range(len(cases)), [_wrap(c, 30) for c in cases], fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of the choices made (%)")
    ax.set_title("Safety class of the choices made, per case", fontsize=10)
    ax.invert_yaxis()
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25 if len(cases) < 4 else -0.1), ncols=4, fontsize=8,
              frameon=False)
    set_alt(ax, "Stacked bars of the safety class of the choices students made, per case. " + "; ".join(notes) + ".")
    return ax


def plot_unsafe_choices(unsafe, top: int = 10, ax=None):
    """The most common unsafe and critical choices as bars, each labelled with its class and count."""
    df = unsafe.head(top)
    ax = new_axes(ax, figsize=(8, 1.0 + 0.5 * max(len(df), 1)))
    labels, notes = [], []
    for i, (_, r) in enumerate(df.iterrows()):
        colour, label = SAFETY_STYLE[r["safety"]]
        ax.barh(i, r["times_chosen"], color=colour, hatch=SAFETY_HATCH[r["safety"]], edgecolor=PALETTE["black"],
                linewidth=0.5)
        ax.text(r["times_chosen"], i, f"  {label} · {r['times_chosen']} ({r['share_percent']:.0f}% of attempts)",
                va="center", fontsize=7)
        labels.append(_wrap(f"{r['case_id']} · {r['step_id']}: {r['choice']}", 46))
        notes.append(f"{r['choice']} ({r['safety']}, {r['case_id']}, step {r['step_id']}) chosen "
                     f"{r['times_chosen']} times")
    ax.set_yticks(range(len(df)), labels, fontsize=7)
    xmax = float(df["times_chosen"].max()) if len(df) else 1.0
    ax.set_xlim(0, xmax * 1.8 + 1)
    ax.set_xlabel("times chosen")
    ax.set_title("Most common unsafe and critical choices", fontsize=10)
    ax.invert_yaxis()
    set_alt(ax, "Bar chart of the most common unsafe and critical choices: " + "; ".join(notes) + ".")
    return ax


def plot_calibration(cal, ax=None):
    """For each confidence level, the share of decisions that were safe, suboptimal, and unsafe or critical."""
    rows = cal[cal["confidence"].notna()]
    ax = new_axes(ax, figsize=(7, 3.6))
    groups = [("safe_percent", "safe", SAFETY_STYLE["safe"][1]),
              ("suboptimal_percent", "suboptimal", SAFETY_STYLE["suboptimal"][1]),
              ("unsafe_or_critical_percent", "unsafe", "! unsafe or !! critical")]
    width = 0.26
    notes = []
    for k, (col, safety, label) in enumerate(groups):
        xs = [i + (k - 1) * width for i in range(len(rows))]
        vals = [0.0 if v != v else float(v) for v in rows[col]]
        ax.bar(xs, vals, width, color=SAFETY_STYLE[safety][0], hatch=SAFETY_HATCH[safety],
               edgecolor=PALETTE["black"], linewidth=0.5, label=label)
        for x, v in zip(xs, vals):
            ax.text(x, v + 1.5, _pct(v), ha="center", fontsize=7)
    for _, r in rows.iterrows():
        if r["decisions"]:
            notes.append(f"{r['label']} (n={r['decisions']}): {r['safe_percent']:.0f}% safe, "
                         f"{r['unsafe_or_critical_percent']:.0f}% unsafe or critical")
        else:
            notes.append(f"{r['label']}: no decisions")
    ax.set_xticks(range(len(rows)), [f"{r['label']}\n(n={r['decisions']})" for _, r in rows.iterrows()], fontsize=8)
    ax.set_ylim(0, 112)
    ax.set_ylabel("share of decisions (%)")
    ax.set_title("Confidence calibration: how safe were the choices at each confidence?", fontsize=10)
    ax.legend(fontsize=8, ncols=3, loc="upper center", frameon=False)
    set_alt(ax, "Grouped bars of the share of safe, suboptimal, and unsafe or critical decisions at each confidence "
                "level. " + "; ".join(notes) + ".")
    return ax


def plot_choice_distribution(choices, case_id: str, title: str | None = None, ax=None):
    """One case: for every step, the share of attempts that took each choice, coloured, hatched and labelled by
    the choice's safety class. Each step's choices are grouped under a heading with the step's id and question."""
    df = choices[choices["case_id"] == case_id]
    n_steps = df["step_id"].nunique() if len(df) else 0
    ax = new_axes(ax, figsize=(8.5, 1.3 + 0.42 * max(len(df), 1) + 0.45 * n_steps))
    labels, notes, ticks = [], [], []
    y = 0.0
    last_step = None
    for _, r in df.iterrows():
        if r["step_id"] != last_step:
            if last_step is not None:
                y += 0.5
            head = f"Step {r['step_id']}: {r['step']}"
            t = ax.text(1, y, head if len(head) <= 80 else head[:79] + "…", ha="left", va="center", fontsize=7.5,
                        fontweight="bold")
            t.set_in_layout(False)
            y += 1.0
            last_step = r["step_id"]
        colour, label = SAFETY_STYLE[r["safety"]]
        ax.barh(y, r["share_percent"], color=colour, hatch=SAFETY_HATCH[r["safety"]], edgecolor=PALETTE["black"],
                linewidth=0.5, height=0.8)
        ax.text(min(r["share_percent"], 100) + 1, y, f"{label} · {r['share_percent']:.0f}% ({r['times_chosen']})",
                va="center", fontsize=7)
        ticks.append(y)
        labels.append(_wrap(r["choice"], 52).split("\n")[0] + ("…" if len(str(r["choice"])) > 52 else ""))
        notes.append(f"step {r['step_id']}, {r['choice']} ({r['safety']}): {r['share_percent']:.0f}%")
        y += 1
    ax.set_yticks(ticks, labels, fontsize=7)
    ax.set_ylim(y - 0.4, -0.8)
    ax.set_xlim(0, 150)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("share of the attempts that reached the step (%)")
    ax.set_title(_wrap(f"Choices per step: {title or case_id}", 80), fontsize=10)
    set_alt(ax, f"Bar chart of the choices made at each step of the case {title or case_id}: " + "; ".join(notes)
            + ".")
    return ax
