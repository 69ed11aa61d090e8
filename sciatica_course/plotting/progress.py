"""Progress figures: mastery by topic or domain, answers over time, calibration.

Every figure is readable without colour: bars carry their numbers as text, categories differ by hatch as well
as colour, and every figure has alt text summarising its data. Pyplot is never used.
"""
from __future__ import annotations

from .common import HATCHES, PALETTE, new_axes, set_alt

GOAL = 0.8  # mastery goal drawn on the mastery figure

# Mastery bands: colour AND hatch AND a word in the label.
_BANDS = (
    (0.5, "weak", PALETTE["vermillion"], "//"),
    (GOAL, "building", PALETTE["orange"], ".."),
    (1.01, "strong", PALETTE["bluish_green"], ""),
)


# a topic with no answers has no mastery to judge: it is "not started", never "weak" (a 0% bar read as a failure)
NOT_STARTED = ("not started", "#ffffff", "xx")
LEGEND = tuple((w, c, h) for _u, w, c, h in _BANDS) + (NOT_STARTED,)


def _band(value, answered: bool = True):
    """(word, colour, hatch) of a mastery row (a :class:`Mastery`) or value; a row with no answers is not started."""
    if not isinstance(value, (int, float)):
        value, answered = value.mastery, bool(value.answered)
    if not answered:
        return NOT_STARTED
    for upper, word, colour, hatch in _BANDS:
        if value < upper:
            return word, colour, hatch
    return _BANDS[-1][1:]


def _empty(ax, message: str, title: str):
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, transform=ax.transAxes, fontsize=11)
    set_alt(ax, f"{title}: {message}")
    return ax


def plot_mastery(rows, ax=None, title: str = "Mastery by topic"):
    """Horizontal bars, weakest at the top, each labelled '62% · building · 5 of 8 right' (a topic with no answers
    'not started · 0 of 4 answered')."""
    import textwrap

    rows = list(rows)
    # long labels (the MBLEx domains) are wrapped, so they do not squeeze the bars into a sliver
    labels = [textwrap.fill(m.label, 30) for m in rows]
    lines = sum(l.count("\n") + 1 for l in labels)
    ax = new_axes(ax, figsize=(7.5, max(2.2, 0.25 * lines + 0.12 * len(rows) + 1.5)))
    if not rows:
        return _empty(ax, "No quiz questions yet.", title)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ys = list(range(len(rows)))[::-1]  # the first row (weakest) at the top
    for y, m in zip(ys, rows):
        word, colour, hatch = _band(m)
        ax.barh(y, max(m.mastery, 0.004), color=colour, hatch=hatch, edgecolor=PALETTE["black"], linewidth=0.8)
        ax.text(min(m.mastery, 1.0) + 0.01, y, mastery_label(m, word), va="center", fontsize=9)
    ax.set_yticks(ys, labels)
    ax.set_xlim(0, 1.85)   # room right of a full bar for its "100% · strong · 21 of 21 right"
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
    ax.axvline(GOAL, color=PALETTE["black"], linestyle="--", linewidth=1)
    ax.set_xlabel("Mastery: estimated chance you recall the topic's questions now\n(counted when your last answer "
                  "was right)")
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    handles = ([Patch(facecolor=c, hatch=h, edgecolor=PALETTE["black"], label=w) for w, c, h in LEGEND]
               + [Line2D([0], [0], color=PALETTE["black"], linestyle="--", label=f"goal {round(GOAL * 100)}%")])
    if ax.figure.get_layout_engine() is not None:   # below the plot, inside the figure
        ax.figure.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=8)
    else:
        ax.legend(handles=handles, loc="upper right", fontsize=8, title="band", title_fontsize=8)
    set_alt(ax, mastery_alt(rows, title))
    return ax


def mastery_label(m, word: str) -> str:
    """A bar's label: "62% · building · 5 of 8 right". It counts questions whose LAST answer was right (what
    mastery counts): "1 of 1 answered" next to 0% read as if the one answer had been right."""
    if not m.answered:
        return f"{NOT_STARTED[0]} · 0 of {m.items} answered"
    return f"{m.percent}% · {word} · {m.right} of {m.items} right"


def mastery_alt(rows, title: str) -> str:
    summary = "; ".join(f"{m.label}: not started (0 of {m.items} question{'s' if m.items != 1 else ''} answered)" if not m.answered else
                        f"{m.label} {m.percent}% ({m.right} of {m.items} questions right at the last answer, "
                        f"{m.answered} answered)" for m in rows)
    return f"{title}, weakest first: {summary}."


def plot_answers_over_time(days, ax=None, title: str = "Answers per day"):
    """Stacked bars per day: right answers (solid) under wrong answers (hatched), with totals as text."""
    days = list(days)
    ax = new_axes(ax, figsize=(7.5, 3.0))
    if not days:
        return _empty(ax, "No answers yet: answer a few questions and your days of practice appear here.", title)
    from matplotlib.patches import Patch

    xs = list(range(len(days)))
    right = [d.correct for d in days]
    wrong = [d.answers - d.correct for d in days]
    ax.bar(xs, right, color=PALETTE["bluish_green"], edgecolor=PALETTE["black"], linewidth=0.6)
    ax.bar(xs, wrong, bottom=right, color=PALETTE["vermillion"], hatch="//", edgecolor=PALETTE["black"],
           linewidth=0.6)
    if len(days) <= 31:
        for x, d in zip(xs, days):
            if d.answers:
                ax.text(x, d.answers, f"{d.correct}/{d.answers}", ha="center", va="bottom", fontsize=7)
    step = max(1, len(days) // 8)
    ax.set_xticks(xs[::step], [d.day.strftime("%d %b") for d in days][::step])
    ax.set_ylabel("answers")
    from matplotlib.ticker import MaxNLocator

    ax.set_ylim(0, max(max(d.answers for d in days), 1) * 1.45)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(handles=[Patch(facecolor=PALETTE["bluish_green"], edgecolor=PALETTE["black"], label="right (solid)"),
                       Patch(facecolor=PALETTE["vermillion"], hatch="//", edgecolor=PALETTE["black"],
                             label="wrong (hatched)")], loc="upper left", fontsize=8, ncols=2)
    set_alt(ax, answers_alt(days, title))
    return ax


def answers_alt(days, title: str) -> str:
    active = [d for d in days if d.answers]
    total = sum(d.answers for d in days)
    return (f"{title} from {days[0].day:%d %b %Y} to {days[-1].day:%d %b %Y}: {total} answers on "
            f"{len(active)} day{'s' if len(active) != 1 else ''}, "
            f"{sum(d.correct for d in days)} right. "
            + "; ".join(f"{d.day:%d %b}: {d.correct} of {d.answers} right" for d in active[-10:]) + ".")


# Certainty-based marking (Gardner-Medwin): a confidence level pays off in this accuracy range.
CBM_RANGES = {1: (0.0, 2 / 3), 2: (2 / 3, 0.8), 3: (0.8, 1.0)}


def plot_calibration(rows, ax=None, title: str = "How often you were right at each confidence level"):
    """Accuracy per confidence level, with the range where that level is justified drawn as a bracket
    (certainty-based marking: Certain pays off above 80%, Fairly sure from 67% to 80%, Guessing below 67%)."""
    rows = [r for r in rows if r.confidence is not None]
    ax = new_axes(ax, figsize=(6.5, 3.4))
    if not any(r.answers for r in rows):
        return _empty(ax, "No rated answers yet: choose how sure you are before answering.", title)
    xs = list(range(len(rows)))
    for x, r, hatch in zip(xs, rows, HATCHES[1:]):
        acc = r.accuracy or 0.0
        ax.bar(x, acc, width=0.55, color=PALETTE["blue"] if r.answers else "white", hatch=hatch,
               edgecolor=PALETTE["black"], alpha=0.85)
        lo, hi = CBM_RANGES[r.confidence]
        ax.plot([x + 0.33, x + 0.33], [lo, hi], color=PALETTE["black"], linewidth=3)
        ax.plot([x + 0.29, x + 0.37], [lo, lo], color=PALETTE["black"], linewidth=1.5)
        ax.plot([x + 0.29, x + 0.37], [hi, hi], color=PALETTE["black"], linewidth=1.5)
        label = f"{round(100 * acc)}%\n({r.correct} of {r.answers})" if r.answers else "no answers"
        ax.text(x, min(acc, 0.9) + 0.03, label, ha="center", va="bottom", fontsize=8)
    ax.set_xticks(xs, [r.label for r in rows])
    ax.set_xlim(-0.5, len(rows) - 0.3)
    ax.set_ylim(0, 1.15)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_ylabel("answers right")
    ax.set_xlabel("bars: how often you were right\nblack brackets: where that confidence is justified", fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    set_alt(ax, calibration_alt(rows, title))
    return ax


def calibration_alt(rows, title: str) -> str:
    parts = []
    for r in rows:
        lo, hi = CBM_RANGES[r.confidence]
        got = f"right {round(100 * r.accuracy)}% ({r.correct} of {r.answers})" if r.answers else "no answers"
        parts.append(f"{r.label}: {got}, justified from {round(100 * lo)}% to {round(100 * hi)}%")
    return f"{title}. " + "; ".join(parts) + "."
