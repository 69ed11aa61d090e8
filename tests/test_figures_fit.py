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


# ---- lesson 2's dermatome map and the symptom map's figure (titles ran together, the caption was cut off on the
# left, "S1 pain" and "L5 pain" overlapped, and the symptom map was taller than the screen)
def _overlapping_texts(fig) -> list[str]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text().replace("\n", " "), t.get_window_extent(renderer)) for t in _texts(fig)]
    out = []
    for i, (a, ba) in enumerate(boxes):
        for b, bb in boxes[i + 1:]:
            w = min(ba.x1, bb.x1) - max(ba.x0, bb.x0)
            h = min(ba.y1, bb.y1) - max(ba.y0, bb.y0)
            if w > 0.5 and h > 0.5:
                out.append(f"{a[:40]!r} overlaps {b[:40]!r} by {w:.0f}x{h:.0f} px")
    return out


@pytest.mark.parametrize("table", [True, False], ids=["lesson figure", "symptom map"])
def test_dermatome_map_text_neither_overlaps_nor_leaves_the_figure(table):
    from sciatica_course.plotting.roots import plot_dermatome_map
    from sciatica_course.plotting.stored import DermatomeLayers

    kw = {} if table else {"figsize": DermatomeLayers.FIGSIZE}
    regions = tuple(r.id for r in COURSE.body_regions)[:3]
    for selected in ((), regions):
        ax = plot_dermatome_map(selected, table=table, course=COURSE, **kw)
        assert_fits(ax)
        overlaps = _overlapping_texts(ax.figure)
        assert not overlaps, "text on the dermatome map runs into other text:\n" + "\n".join(overlaps)


def test_symptom_map_figure_fits_a_laptop_screen_beside_its_controls():
    """At 1280x800 the symptom map (figure, area buttons, result) must not be taller than the screen: the figure
    is drawn at most 560 px tall and at most 420 px wide, and shown at its own size (not stretched to a column)."""
    from sciatica_course.plotting.stored import DermatomeLayers

    w, h = (v * 100 for v in DermatomeLayers.FIGSIZE)
    assert h <= 560 and w <= 420, f"the symptom map's figure is {w:.0f}x{h:.0f} px"
