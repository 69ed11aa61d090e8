"""Figures drawn from the data. Every ``plot_*`` function takes ``ax=None``, returns the Axes and sets
alt text (``alt_text(ax)``). Figures are built with ``matplotlib.figure.Figure`` (no pyplot), so no
global state changes and nothing is displayed behind the lesson's back.

Submodules: :mod:`.common` (palette, alt text, HTML rendering) and one module per lesson area.
"""
from .common import PALETTE, alt_text, figure_html, new_axes, set_alt

__all__ = ["PALETTE", "alt_text", "figure_html", "new_axes", "set_alt"]
