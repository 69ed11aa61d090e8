"""Figures a student reads whole: no text runs off the figure, and the plotting area is not squeezed into a
sliver by long labels (lesson 9's MBLEx chart was squashed and its bar labels cut off at the right edge)."""
from __future__ import annotations

import pytest

from sciatica_course import load_course

COURSE = load_course()


def _texts(fig):
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def assert_fits(ax, min_axes_share: float = 0.4):
    fig = ax.figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    W, H = fig.bbox.width, fig.bbox.height
    outside = []
    for t in _texts(fig):
        bb = t.get_window_extent(renderer)
        if bb.x0 < -1 or bb.y0 < -1 or bb.x1 > W + 1 or bb.y1 > H + 1:
            outside.append(f"{t.get_text()[:50]!r} at x {bb.x0:.0f}..{bb.x1:.0f}, y {bb.y0:.0f}..{bb.y1:.0f} "
                           f"(figure {W:.0f}x{H:.0f})")
    assert not outside, "text cut off at the figure's edge:\n" + "\n".join(outside)
    if ax.axison:
        share = ax.get_window_extent(renderer).width / W
        assert share >= min_axes_share, f"the plot takes only {share:.0%} of the figure's width"


@pytest.fixture
def dashboard_data(tmp_path, monkeypatch):
    monkeypatch.setenv("SCIATICA_COURSE_HOME", str(tmp_path))
    from sciatica_course.revision import dashboard_data

    return dashboard_data(COURSE)


def test_mastery_by_domain_and_topic_fit(dashboard_data):
    from sciatica_course.plotting.progress import plot_mastery

    assert dashboard_data.domains and dashboard_data.topics
    assert_fits(plot_mastery(dashboard_data.domains, title="Mastery by MBLEx domain"))
    assert_fits(plot_mastery(dashboard_data.topics))


def test_mastery_fits_when_every_bar_is_full(dashboard_data):
    from dataclasses import replace

    from sciatica_course.plotting.progress import plot_mastery

    full = [replace(m, mastery=1.0, answered=m.items) for m in dashboard_data.domains]
    assert_fits(plot_mastery(full, title="Mastery by MBLEx domain"))


# ---- the revision dashboard's SVG charts (what lesson 9 shows) -----------------------------------------
def _svg_text_outside(svg: str) -> list[str]:
    """Text of an SVG chart that runs past its edges, measured with the chart's font (DejaVu Sans)."""
    import re
    import xml.etree.ElementTree as ET

    from matplotlib import font_manager
    from PIL import ImageFont

    root = ET.fromstring(svg)
    width, height = float(root.get("width")), float(root.get("height"))
    path = font_manager.findfont("DejaVu Sans")
    out = []
    for t in root.iter("{http://www.w3.org/2000/svg}text"):
        if t.get("transform"):
            continue
        text = "".join(t.itertext())
        size = float(t.get("font-size", 11))
        font = ImageFont.truetype(path, int(round(size)))
        w = font.getlength(text)
        x, y = float(t.get("x")), float(t.get("y"))
        anchor = t.get("text-anchor", "start")
        x0 = x - (w if anchor == "end" else w / 2 if anchor == "middle" else 0)
        if x0 < -1 or x0 + w > width + 1 or y < 0 or y > height:
            out.append(f"{text[:50]!r}: x {x0:.0f}..{x0 + w:.0f} of {width:.0f}")
    return out


def test_dashboard_svg_charts_keep_their_text_inside(dashboard_data):
    from dataclasses import replace

    from sciatica_course.plotting import svgcharts

    full = [replace(m, mastery=1.0, answered=m.items) for m in dashboard_data.domains]
    for svg, _alt in (svgcharts.mastery_svg(dashboard_data.domains, title="Mastery by MBLEx domain"),
                      svgcharts.mastery_svg(full, title="Mastery by MBLEx domain"),
                      svgcharts.mastery_svg(dashboard_data.topics),
                      svgcharts.calibration_svg(dashboard_data.calibration),
                      svgcharts.answers_svg(dashboard_data.over_time)):
        outside = _svg_text_outside(svg)
        assert not outside, "text cut off at the chart's edge:\n" + "\n".join(outside)
