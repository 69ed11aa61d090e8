"""Shared figure helpers: a colour-blind-safe palette, alt text, and rendering a figure as an
accessible ``<img>`` (PNG with alt text) for lessons and widgets."""
from __future__ import annotations

import base64
import io

from ..text import esc

# Okabe & Ito (2008) colour-universal-design palette; safe for the common colour-vision deficiencies.
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}
# Hatches, so regions can be told apart without colour.
HATCHES = ("", "//", "\\\\", "..", "xx", "oo", "--", "++")
# Safety classes and urgency: colour plus a text marker, never colour alone.
SAFETY_STYLE = {
    "safe": (PALETTE["bluish_green"], "✓ safe"),
    "suboptimal": (PALETTE["yellow"], "~ suboptimal"),
    "unsafe": (PALETTE["orange"], "! unsafe"),
    "critical": (PALETTE["vermillion"], "!! critical"),
}


def new_axes(ax=None, figsize=(6, 4)):
    """Return ``ax`` or a fresh Axes on a new (pyplot-free) Figure."""
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=100, layout="constrained")
    return fig.add_subplot()


def set_alt(ax, text: str):
    """Attach alt text to an Axes (and its figure)."""
    ax._sciatica_alt = text
    ax.figure._sciatica_alt = text
    return ax


def alt_text(obj) -> str:
    return getattr(obj, "_sciatica_alt", "") or getattr(getattr(obj, "figure", None), "_sciatica_alt", "")


def png_bytes(fig, dpi=100, palette: bool = True) -> bytes:
    """The figure as PNG. With ``palette`` (the default) it is reduced to 128 colours, about a third of the
    bytes for these flat schematic figures: less to send to the page on every widget update."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if fig.canvas is None or not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    if not palette:
        return buf.getvalue()
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with matplotlib
        return buf.getvalue()
    buf.seek(0)
    image = Image.open(buf).convert("RGB").quantize(colors=128, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def figure_html(fig_or_ax, alt: str | None = None, max_width: str = "100%") -> str:
    """An ``<img>`` with the figure as a PNG data URI and its alt text (a figure with its description)."""
    fig = getattr(fig_or_ax, "figure", fig_or_ax)
    text = alt if alt is not None else alt_text(fig_or_ax) or alt_text(fig)
    return img_html(png_bytes(fig), text, max_width)


def img_html(png: bytes, alt: str, max_width: str = "100%") -> str:
    """The accessible ``<img>`` every course figure is shown as (PNG data URI, escaped alt text)."""
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure style="margin:0"><img src="data:image/png;base64,{data}" alt="{esc(alt)}" '
            f'style="max-width:{max_width};height:auto"/></figure>')


class FigureDisplay:
    """What a lesson cell shows for a figure: a PNG ``<img>`` with alt text (rich display)."""

    def __init__(self, ax):
        self.ax = ax

    def _repr_html_(self):
        return figure_html(self.ax)


def show(ax):
    """Wrap an Axes for display in a notebook with its alt text."""
    return FigureDisplay(ax)
