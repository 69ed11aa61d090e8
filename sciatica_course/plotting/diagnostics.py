"""A Fagan-style nomogram: pre-test probability, likelihood ratio, post-test probability on three scales.

Geometry: the left scale puts probability p at height -logit(p), the middle scale puts a likelihood ratio
at log(LR)/2 and the right scale puts p at logit(p). Because logit(post) = logit(pre) + log(LR), the three
points lie on one straight line: a ruler through the pre-test probability and the LR reads off the post-test
probability.
"""
from __future__ import annotations

import math

from .common import PALETTE, new_axes, set_alt

PROB_TICKS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95,
              0.98, 0.99, 0.995, 0.998, 0.999)
LR_TICKS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
P_LO, P_HI = 0.001, 0.999
LR_LO, LR_HI = 0.001, 1000.0
LINE_STYLES = (("-", PALETTE["blue"], "o"), ("--", PALETTE["vermillion"], "s"), (":", PALETTE["bluish_green"], "^"),
               ("-.", PALETTE["reddish_purple"], "D"))


def _logit(p: float) -> float:
    p = min(max(p, P_LO), P_HI)
    return math.log(p / (1 - p))


def _pct(p: float) -> str:
    v = p * 100
    return f"{v:g}" if v < 1 or v > 99 else f"{v:.0f}"


def _lr_y(lr: float) -> float:
    lr = min(max(lr, LR_LO), LR_HI)
    return math.log(lr) / 2


def plot_fagan(pre_test: float, lines=(), ax=None, title: str | None = None):
    """Draw a Fagan nomogram for ``pre_test`` (0-1) with one line per ``(label, lr)`` in ``lines``.

    Each line joins the pre-test probability, the likelihood ratio and the post-test probability; lines
    differ by colour, dash pattern and marker, and are named in a legend, so colour is never the only cue.
    Returns the Axes (alt text set).
    """
    from ..diagnostics import percent, post_test_probability

    ax = new_axes(ax, figsize=(5.6, 5.2))
    ymax = _logit(P_HI) + 0.3
    xs = (-1.0, 0.0, 1.0)
    for x in xs:
        ax.plot([x, x], [-ymax + 0.3, ymax - 0.3], color=PALETTE["black"], lw=1.2)
    for p in PROB_TICKS:
        yl, yr = -_logit(p), _logit(p)
        ax.plot([-1.0, -0.97], [yl, yl], color=PALETTE["black"], lw=0.8)
        ax.text(-1.03, yl, _pct(p), ha="right", va="center", fontsize=7)
        ax.plot([1.0, 0.97], [yr, yr], color=PALETTE["black"], lw=0.8)
        ax.text(1.03, yr, _pct(p), ha="left", va="center", fontsize=7)
    for lr in LR_TICKS:
        y = _lr_y(lr)
        ax.plot([-0.03, 0.03], [y, y], color=PALETTE["black"], lw=0.8)
        ax.text(0.05, y, f"{lr:g}", ha="left", va="center", fontsize=7)
    ax.text(-1.0, ymax, "Pre-test\nprobability (%)", ha="center", va="bottom", fontsize=8)
    ax.text(0.0, ymax, "Likelihood\nratio", ha="center", va="bottom", fontsize=8)
    ax.text(1.0, ymax, "Post-test\nprobability (%)", ha="center", va="bottom", fontsize=8)
    described = []
    for i, (label, lr) in enumerate(lines):
        style, colour, marker = LINE_STYLES[i % len(LINE_STYLES)]
        post = post_test_probability(pre_test, lr)
        y0, y2 = -_logit(pre_test), _logit(post)
        ax.plot([-1.0, 1.0], [y0, y2], linestyle=style, color=colour, lw=2, marker=marker, markevery=[0, 1],
                label=f"{label}: LR {lr:.2f} → {percent(post)}")
        ax.plot([0.0], [(y0 + y2) / 2], marker=marker, color=colour, markersize=6)
        described.append(f"{label} (likelihood ratio {lr:.2f}) gives a post-test probability of {percent(post)}")
    ax.set_xlim(-1.45, 1.45)
    ax.set_ylim(-ymax - (0.75 * len(lines) if lines else 0.1), ymax + 1.6)
    ax.axis("off")
    if lines:
        ax.legend(loc="lower center", fontsize=7, frameon=True, bbox_to_anchor=(0.5, -0.02))
    if title:
        ax.set_title(title, fontsize=9)
    alt = (f"Fagan nomogram with three vertical scales: pre-test probability on the left, likelihood ratio in the "
           f"middle, post-test probability on the right. Pre-test probability {percent(pre_test)}. ")
    alt += ("; ".join(described) + ".") if described else "No test result drawn."
    set_alt(ax, alt)
    return ax
